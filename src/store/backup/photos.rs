//! The photo file's backup: one per database, shared by all its backups, brought up to date
//! incrementally.
//!
//! A village's photos grow to hundreds of megabytes a year, and there are some twenty backups
//! (daily, weekly, before each merge…); a copy of the photo file beside each would multiply that.
//! Pictures are stored once per content hash and never change, and the photo file only ever
//! gains pictures (a photo deleted from a visit is a tombstone on its row; its picture stays).
//! So the backup folder keeps ONE photo backup, `backups/村.photos.db`: the first backup copies
//! the photo file whole, every later one adds only the pictures not in it yet — one
//! `INSERT … SELECT … WHERE NOT EXISTS` over an attached file, in one transaction, encrypted
//! with the database's key when the database is. Every backup in the folder, old or new, finds
//! its pictures there; a restore adds the missing ones back to the photo file the same way.
//!
//! Backups made by earlier builds have a photo file of their own beside them
//! (`村-20261121-093015-merge.photos.db`); it is still read when restoring them.

use super::super::crypt::{self, Key};
use super::super::{Result, StoreError};
use super::{backup_dir, key_for, url_path};
use crate::store::photo_path;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The one photo backup of the database `db`: `村.photos.db` in its backup folder.
pub fn shared_photos(db: &Path) -> PathBuf {
    photo_path(&backup_dir(db).join(db.file_name().unwrap_or_default()))
}

/// The database a backup file's name says it was made of (`村-20261121-093015-merge.db` →
/// `村.db`, in the same folder), when it sits in a backup folder under a name this program gives
/// backups.
fn backed_up_database(backup: &Path) -> Option<PathBuf> {
    let folder = backup.parent()?;
    if folder.file_name() != backup_dir(Path::new("x")).file_name() {
        return None;
    }
    let name = backup.file_name()?.to_str()?;
    let ext = backup.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let stamped = |i: usize| {
        name.get(i + 1..i + 16).is_some_and(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y%m%d-%H%M%S").is_ok())
    };
    let at = name.match_indices('-').map(|(i, _)| i).find(|&i| i > 0 && stamped(i))?;
    Some(backup.with_file_name(format!("{}{ext}", &name[..at])))
}

/// The photo files a copy of the database at `from` can take its pictures from: its own photo
/// file (a database, or a backup made by an earlier build), and the shared photo backup when
/// `from` is a backup in a backup folder.
pub(super) fn photo_sources(from: &Path) -> Vec<PathBuf> {
    let own = photo_path(from);
    let shared = backed_up_database(from).map(|db| photo_path(&db)).filter(|p| *p != own);
    [Some(own), shared].into_iter().flatten().filter(|p| p.is_file()).collect()
}

/// Where the pictures of a copy of `from` at `to` go: the shared photo backup when `to` is a
/// backup in `from`'s backup folder, else a photo file beside `to`.
pub(super) fn photo_target(from: &Path, to: &Path) -> PathBuf {
    if to.parent() == Some(backup_dir(from).as_path()) { shared_photos(from) } else { photo_path(to) }
}

/// Brings the photo file `to` up to date with `from`: copied whole when absent, else only the
/// pictures it lacks added (and full pictures where it has only the thumbnail), in one
/// transaction. Each file keeps its own encryption (`key` for an encrypted one).
pub(super) fn sync_photos(from: &Path, to: &Path, key: Option<&Key>) -> Result<()> {
    if !to.exists() {
        return super::copy_file(from, to, key);
    }
    let to_key = key_for(to, key)?;
    let mut conn = Connection::open(to).map_err(|e| StoreError::from_open(to, e))?;
    crypt::apply(&conn, to_key)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|e| {
        match (to_key, e.sqlite_error_code()) {
            (Some(_), Some(rusqlite::ErrorCode::NotADatabase)) => StoreError::WrongPassword(to.to_path_buf()),
            _ => StoreError::from_open(to, e),
        }
    })?;
    attach_source(&conn, from, key_for(from, key)?)?;
    let added = add_missing(&mut conn, "main", SOURCE);
    let _ = conn.execute(&format!("DETACH DATABASE {SOURCE}"), []);
    added.map(|_| ())
}

/// The schema name a photo file being read is attached under.
pub(super) const SOURCE: &str = "zfp_photo_source";

/// Attaches the photo file `path` to `conn` as [`SOURCE`] to read from it. A file nobody can
/// write, with no journal waiting, is attached as immutable (no `-wal`/`-shm` made beside it),
/// as the backup's own reading connection does.
pub(super) fn attach_source(conn: &Connection, path: &Path, key: Option<&Key>) -> Result<()> {
    let journal = crypt::with_suffix(path, "-wal");
    let waiting = std::fs::metadata(journal).is_ok_and(|m| m.len() > 0);
    let read_only = std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
    let name = match url_path(path) {
        Some(p) if read_only && !waiting => PathBuf::from(format!("file:{p}?immutable=1")),
        Some(p) if read_only => PathBuf::from(format!("file:{p}?mode=ro")),
        _ => path.to_path_buf(),
    };
    crypt::attach(conn, &name, SOURCE, key).map_err(|e| StoreError::from_open(path, e))
}

/// Copies into `into.blobs` the pictures of `from.blobs` it lacks, and full pictures where it
/// has only a thumbnail, in one transaction; returns how many pictures were added.
pub(super) fn add_missing(conn: &mut Connection, into: &str, from: &str) -> Result<usize> {
    let has_blobs: i64 = conn.query_row(
        &format!("SELECT count(*) FROM {from}.sqlite_master WHERE type = 'table' AND name = 'blobs'"),
        [],
        |r| r.get(0),
    )?;
    if has_blobs == 0 {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    tx.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {into}.blobs (
             sha256 TEXT PRIMARY KEY,
             mime   TEXT NOT NULL,
             thumb  BLOB NOT NULL,
             full   BLOB
         );"
    ))?;
    let added = tx.execute(
        &format!(
            "INSERT INTO {into}.blobs(sha256, mime, thumb, full)
             SELECT s.sha256, s.mime, s.thumb, s.full FROM {from}.blobs s
              WHERE NOT EXISTS (SELECT 1 FROM {into}.blobs b WHERE b.sha256 = s.sha256)"
        ),
        [],
    )?;
    tx.execute(
        &format!(
            "UPDATE {into}.blobs SET full = (SELECT s.full FROM {from}.blobs s WHERE s.sha256 = blobs.sha256)
              WHERE full IS NULL
                AND EXISTS (SELECT 1 FROM {from}.blobs s WHERE s.sha256 = blobs.sha256 AND s.full IS NOT NULL)"
        ),
        [],
    )?;
    tx.commit()?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_name_says_which_database_it_was_made_of() {
        let made = |name: &str| backed_up_database(Path::new(name)).map(|p| p.display().to_string());
        assert_eq!(made("/d/backups/村-20261121-093015-merge.db").as_deref(), Some("/d/backups/村.db"));
        assert_eq!(made("/d/backups/杨-家-20261121-093015-daily-2.db").as_deref(), Some("/d/backups/杨-家.db"));
        assert_eq!(made("/d/backups/zoufang-20261121-093015.sqlite").as_deref(), Some("/d/backups/zoufang.sqlite"));
        assert_eq!(made("/d/backups/old-plain.db"), None);
        assert_eq!(made("/d/村-20261121-093015.db"), None, "not in a backup folder");
        assert_eq!(shared_photos(Path::new("/d/村.db")), Path::new("/d/backups/村.photos.db"));
    }
}
