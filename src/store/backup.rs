//! Backups: a consistent copy of the open database through SQLite's online backup, kept in a
//! `backups` folder beside it, the newest few kept.

use super::{Result, Store, StoreError};
use chrono::Local;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many automatic backups are kept.
pub const KEEP_BACKUPS: usize = 10;

/// Copies the database at `from` (open or not) to `to` page by page, without blocking writers
/// for long. `to` is written under a temporary name and renamed when complete.
pub fn copy_database(from: &Path, to: &Path) -> Result<()> {
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| StoreError::from_open(from, e))?;
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    {
        let mut dst = Connection::open(&partial)?;
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
    }
    std::fs::rename(&partial, to).map_err(|e| StoreError::Io(to.to_path_buf(), e.to_string()))?;
    Ok(())
}

/// The folder automatic backups of `db` go to.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

/// Backups of `db` in its backup folder, oldest first.
pub fn list_backups(db: &Path) -> Vec<PathBuf> {
    let stem = db.file_stem().unwrap_or_default().to_string_lossy().to_string();
    let mut found: Vec<PathBuf> = std::fs::read_dir(backup_dir(db))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        name.starts_with(&format!("{stem}-")) && name.ends_with(".db")
    });
    found.sort();
    found
}

/// Makes a dated backup of `db` in its backup folder and deletes all but the newest `keep`.
/// Returns the new backup's path.
pub fn rotating_backup(db: &Path, keep: usize) -> Result<PathBuf> {
    let dir = backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::Io(dir.clone(), e.to_string()))?;
    let stem = db.file_stem().unwrap_or_default().to_string_lossy().to_string();
    let to = dir.join(format!("{stem}-{}.db", Local::now().format("%Y%m%d-%H%M%S")));
    copy_database(db, &to)?;
    let all = list_backups(db);
    for old in all.iter().take(all.len().saturating_sub(keep)) {
        let _ = std::fs::remove_file(old);
    }
    Ok(to)
}

/// Whether `db`'s newest backup is older than `max_age` (or missing).
pub fn backup_due(db: &Path, max_age: Duration) -> bool {
    list_backups(db)
        .last()
        .and_then(|p| std::fs::metadata(p).ok()?.modified().ok())
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age > max_age)
}

impl Store {
    /// Backs the open database up beside it (see [`rotating_backup`]).
    pub fn backup(&self) -> Result<PathBuf> {
        rotating_backup(self.path(), KEEP_BACKUPS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_complete_copies_and_rotate() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("村.db");
        let mut s = Store::open(&db).unwrap();
        crate::demo::generate(
            &mut s,
            &crate::demo::DemoOptions {
                villages: 1,
                households: 30,
                months: 1,
                seed: 2,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
            },
        )
        .unwrap();
        assert!(backup_due(&db, Duration::from_secs(3600)));
        let copy = s.backup().unwrap();
        assert!(!backup_due(&db, Duration::from_secs(3600)));
        drop(s);
        let restored = Store::open(&copy).unwrap();
        assert_eq!(restored.summary().unwrap().households, 30);
        drop(restored);
        for i in 0..4 {
            let extra = backup_dir(&db).join(format!("村-2000010{i}-000000.db"));
            std::fs::copy(&copy, extra).unwrap();
        }
        rotating_backup(&db, 3).unwrap();
        assert_eq!(list_backups(&db).len(), 3);
        assert!(list_backups(&db).iter().all(|p| !p.to_string_lossy().contains("20000100")), "oldest removed first");
    }
}
