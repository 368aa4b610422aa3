//! A copied database becomes a new laptop.
//!
//! Every row a laptop writes carries its device id as `origin`, and a package claims to know all
//! of its maker's rows up to the moment it was made. Two copies of one database sharing a device
//! id would each claim the other's later edits, and a merge would silently drop one of them. So
//! the database remembers which file it is — the file's identity (device and inode on Unix, the
//! creation time and real path elsewhere) and the machine's name — in `meta.device_home`. Opened
//! as another file (copied to another folder or laptop), it takes a new device id, records the
//! old one in `meta.device_history`, and notes in `sync_state` that it knows the old id's rows
//! only up to the newest it holds: edits made since under the old id, on the other copy, then
//! meet this copy's edits as conflicts to settle.

use super::meta::{get, put};
use super::{Result, Store};
use crate::model::ids::now_stamp;
use rusqlite::{Connection, params};
use std::path::Path;

impl Store {
    /// Checks that the database is still the file its device id was issued for, issuing a new
    /// one (keeping all it knew) when it is a copy. Returns the device id to use.
    pub(super) fn claim_device_identity(&mut self) -> Result<String> {
        let Some(home) = file_identity(&self.path) else { return Ok(self.device_id.clone()) };
        let recorded = get(self.db(), "device_home")?;
        if recorded.as_deref() == Some(home.as_str()) {
            return Ok(self.device_id.clone());
        }
        let old = self.device_id.clone();
        let tx = self.conn.transaction()?;
        let id = match recorded {
            // The first open by a version that records the file: this file is the home.
            None => old,
            Some(_) => become_new_device(&tx, &old)?,
        };
        put(&tx, "device_home", &home)?;
        tx.commit()?;
        self.writes += 1;
        Ok(id)
    }
}

/// Issues a new device id to this copy; the old one becomes history known up to its newest row.
fn become_new_device(tx: &Connection, old: &str) -> Result<String> {
    let new = uuid::Uuid::new_v4().to_string();
    let tables: Vec<String> = tx
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'origin')
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'updated_at')",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut newest: Option<String> = None;
    for t in &tables {
        let n: Option<String> =
            tx.query_row(&format!("SELECT max(updated_at) FROM \"{t}\" WHERE origin = ?1"), [old], |r| r.get(0))?;
        newest = newest.max(n);
    }
    let now = now_stamp();
    if let Some(up_to) = newest {
        tx.execute(
            "INSERT INTO sync_state(device_id, village_id, received_up_to, merged_at)
             SELECT ?1, id, ?2, ?3 FROM villages WHERE true
             ON CONFLICT(device_id, village_id) DO UPDATE
               SET received_up_to = excluded.received_up_to, merged_at = excluded.merged_at
               WHERE excluded.received_up_to > received_up_to",
            params![old, up_to, now],
        )?;
    }
    let history = get(tx, "device_history")?.unwrap_or_default();
    let line = format!("{old} {now}");
    put(tx, "device_history", &if history.is_empty() { line } else { format!("{history}\n{line}") })?;
    put(tx, "device_id", &new)?;
    Ok(new)
}

/// What identifies the database file itself (not its name): `None` for a database in memory.
fn file_identity(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}", meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let file = {
        let created = meta.created().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        let real = std::fs::canonicalize(path).ok()?;
        format!("{created}:{}", real.display())
    };
    Some(format!("{}|{file}", host.trim()))
}
