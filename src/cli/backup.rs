//! `backup` and `restore`: the way back, from the command line.
//!
//! Both work on the file before (or without) opening it as a store: a read-only database can be
//! backed up, and a damaged one can be replaced by a backup.

use super::password;
use crate::i18n::{t, tf};
use crate::store::backup::{self, Reason, check_backup, check_backup_keyed, copy_database_keyed};
use crate::store::crypt::keyfile;
use crate::store::{Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `zoufang backup`: to `out`, or dated into the backups folder. An existing `out` is replaced
/// only when it is an earlier backup of this same database (never the database itself).
pub fn backup(db: &Path, out: Option<PathBuf>) -> anyhow::Result<()> {
    if !db.is_file() {
        return Err(StoreError::NotFound(db.to_path_buf()).into());
    }
    let key = password::key_of(db)?;
    let path = match out {
        Some(out) => {
            // Given a folder, a dated file inside it.
            let out = if out.is_dir() {
                let stem = db.file_stem().unwrap_or_default().to_string_lossy().to_string();
                out.join(format!("{stem}-{}.db", chrono::Local::now().format("%Y%m%d-%H%M%S")))
            } else {
                out
            };
            if out.exists() && !is_own_backup(db, &out) {
                anyhow::bail!(tf("cli.backup_exists", &[("path", &out.display().to_string())]));
            }
            copy_database_keyed(db, &out, key.as_ref())?;
            if key.is_some() {
                // An encrypted copy carried away opens with its key file beside it.
                keyfile::KeyFile::read(&keyfile::path_of(db))?.write(&keyfile::path_of(&out))?;
            }
            out
        }
        None => backup::backup_before_keyed(db, Reason::Manual, key.as_ref())?,
    };
    say!("{}", tf("cli.backup_done", &[("path", &path.display().to_string())]));
    Ok(())
}

/// Whether `file` is an earlier backup of `db`: another file holding a zoufang database with
/// the same device id.
fn is_own_backup(db: &Path, file: &Path) -> bool {
    let same_file = match (std::fs::canonicalize(db), std::fs::canonicalize(file)) {
        (Ok(a), Ok(b)) => a == b || same_inode(&a, &b),
        _ => true,
    };
    let device = |p: &Path| -> Option<String> {
        let conn = Connection::open_with_flags(p, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        conn.query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| r.get(0)).ok()
    };
    !same_file && check_backup(file).is_ok() && device(db).is_some_and(|d| device(file) == Some(d))
}

fn same_inode(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => true,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// `zoufang restore BACKUP`: replaces the database at `db` with the backup, after backing the
/// present up; asks on the terminal first unless `yes`.
pub fn restore(db: &Path, from: &Path, yes: bool) -> anyhow::Result<ExitCode> {
    let key = password::key_of(db)?;
    check_backup_keyed(from, key.as_ref())?;
    if db.exists() && !yes {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(tf("cli.restore_no_terminal", &[("db", &db.display().to_string())]));
        }
        eprint!(
            "{}",
            tf("cli.restore_ask", &[("db", &db.display().to_string()), ("backup", &from.display().to_string())])
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
            say!("{}", t("cli.restore_cancelled"));
            return Ok(ExitCode::FAILURE);
        }
    }
    let opened = match &key {
        Some(key) => Store::open_keyed(db, key),
        None => Store::open(db),
    };
    let undo = match opened {
        Ok(mut store) => store.restore(from)?,
        Err(StoreError::NotDatabase(_) | StoreError::SealedWithoutKey(_) | StoreError::Sqlite(_)) => {
            Some(replace_damaged(db, from, key.as_ref())?)
        }
        Err(e) => return Err(e.into()),
    };
    say!("{}", tf("cli.restore_done", &[("db", &db.display().to_string()), ("backup", &from.display().to_string())]));
    if let Some(undo) = undo {
        say!("{}", tf("cli.restore_undo", &[("path", &undo.display().to_string())]));
    }
    Ok(ExitCode::SUCCESS)
}

/// A database that no longer opens is kept aside as it is (a plain file copy in the backups
/// folder) and the backup copied in its place.
fn replace_damaged(db: &Path, from: &Path, key: Option<&crate::store::Key>) -> anyhow::Result<PathBuf> {
    let dir = backup::backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, &e))?;
    let stem = db.file_stem().unwrap_or_default().to_string_lossy().to_string();
    let kept = dir.join(format!("{stem}-{}-restore-damaged.db", chrono::Local::now().format("%Y%m%d-%H%M%S")));
    std::fs::copy(db, &kept).map_err(|e| StoreError::io(&kept, &e))?;
    for suffix in ["-wal", "-shm"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    copy_database_keyed(from, db, key)?;
    match key {
        Some(key) => drop(Store::open_keyed(db, key)?),
        None => drop(Store::open(db)?),
    }
    Ok(kept)
}
