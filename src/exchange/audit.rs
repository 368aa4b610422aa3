//! The audit log in packages: every entry of the maker's log travels (a device's chain is only
//! verifiable whole), and merging adds the entries this database lacks, by their hash — merging
//! the same package twice adds nothing. Entries arrive as history (`local = 0`): the rows a
//! merge writes are logged here by this database's own triggers.

use super::error::ExchangeError;
use crate::store::audit::entry_hash;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use std::path::Path;

/// The package's table of log entries.
pub(super) const AUDIT: &str = "audit_log";
/// The columns that travel (the local order `n` and `local` do not).
pub(super) const COLUMNS: &str =
    "hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash";

/// Whether the schema `schema` of `conn` holds a log (packages of earlier builds do not).
pub(super) fn present(conn: &Connection, schema: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!("SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = '{AUDIT}'"),
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Copies the whole log of `main` into the package being made (`pkg`); returns the entries.
pub(super) fn pack(tx: &Connection) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "CREATE TABLE pkg.{AUDIT} (hash TEXT PRIMARY KEY, prev_hash, seq, at, device, person_id, person, tbl,
                                      row_id, action, changes, row_hash)"
        ),
        [],
    )?;
    tx.execute(&format!("INSERT INTO pkg.{AUDIT} ({COLUMNS}) SELECT {COLUMNS} FROM main.{AUDIT}"), [])
}

/// Adds the package's entries this database lacks; an entry whose hash does not match its
/// content refuses the package. Returns how many were added.
pub(super) fn merge(pkg: &Connection, path: &Path, tx: &Connection) -> Result<usize, ExchangeError> {
    if !present(pkg, "main")? {
        return Ok(0);
    }
    let mut read = pkg.prepare(&format!("SELECT {COLUMNS} FROM {AUDIT} ORDER BY device, seq"))?;
    let mut insert =
        tx.prepare_cached(&format!("INSERT OR IGNORE INTO {AUDIT} ({COLUMNS}, local) VALUES ({}, 0)", marks(12)))?;
    let mut rows = read.query([])?;
    let mut added = 0;
    while let Some(r) = rows.next()? {
        let values = (0..12).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        let text: Vec<String> = values
            .iter()
            .map(|v| match v {
                Value::Text(s) => s.clone(),
                Value::Integer(n) => n.to_string(),
                _ => String::new(),
            })
            .collect();
        let fields: Vec<&str> = text[1..].iter().map(String::as_str).collect();
        if !matches!(values[2], Value::Integer(_)) || entry_hash(&fields) != text[0] {
            let reason = crate::i18n::tf("exchange.err.audit_entry", &[("seq", &text[2]), ("device", &text[4])]);
            return Err(ExchangeError::Damaged(path.to_path_buf(), reason));
        }
        added += insert.execute(params_from_iter(values))?;
    }
    Ok(added)
}

fn marks(n: usize) -> String {
    (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}
