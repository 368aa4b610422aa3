//! Setting, changing and removing the password: converting every SQLite file of a database
//! (the database, its photo file, its backups) between plain and encrypted.
//!
//! A file is converted by `sqlcipher_export` into a complete copy beside it
//! (`zoufang.db.converting`), synced. Only when every copy (and the new key file) is complete is
//! the journal `zoufang.db.convert` written: that is the moment the conversion happens. The copies
//! are then renamed over the originals and the journal removed. A kill before the journal leaves
//! the originals untouched (the copies are deleted at the next open); a kill after it is finished
//! at the next open ([`recover`]). Either way each file is whole, plain or encrypted.

use super::super::backup::backups;
use super::super::{Result, StoreError, lock};
use super::keyfile::{self, KeyFile, MIN_PASSWORD, create_owner_only, sync_dir, write_atomically};
use super::{FileKind, Key, RecoveryCode, apply, attach, database_files, file_kind, photo_path, with_suffix};
use crate::i18n::{t, tf};
use crate::progress::Progress;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Which way a conversion goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// Plain → encrypted.
    Encrypt,
    /// Encrypted → plain.
    Decrypt,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Encrypt => "encrypt",
            Direction::Decrypt => "decrypt",
        }
    }
}

/// Sets the first password of the plain database `db` (closed: no store may hold it): encrypts
/// it, its photo file and its backups, and returns the recovery code, to be shown once.
pub fn set_password(db: &Path, password: &str, progress: &Progress) -> Result<RecoveryCode> {
    check_password(password)?;
    let _lock = lock::take(db)?;
    recover(db)?;
    match file_kind(db)? {
        FileKind::Plain => {}
        FileKind::New => return Err(StoreError::NotFound(db.to_path_buf())),
        FileKind::Sealed => return Err(StoreError::AlreadyEncrypted(db.to_path_buf())),
    }
    let key = Key::random()?;
    let code = RecoveryCode::random()?;
    let file = KeyFile::seal(&key, password, &code)?;
    prepare(db, Direction::Encrypt, &key, progress)?;
    file.write(&converting(&keyfile::path_of(db)))?;
    commit(db, Direction::Encrypt)?;
    convert_backups(db, Direction::Encrypt, &key, progress);
    Ok(code)
}

/// Changes the password of the encrypted database `db`: `old` (the password or the recovery
/// code) unwraps its key, which is wrapped again under `new`. The database and its backups keep
/// their key, so every one of them opens with the new password; the recovery code is unchanged.
pub fn change_password(db: &Path, old: &str, new: &str) -> Result<()> {
    check_password(new)?;
    if file_kind(db)? != FileKind::Sealed {
        return Err(StoreError::NotEncrypted(db.to_path_buf()));
    }
    let key = keyfile::unlock(db, old)?;
    let at = keyfile::find(db).ok_or_else(|| StoreError::KeyFileMissing(keyfile::path_of(db)))?;
    let file = KeyFile::read(&at)?.rewrap(&key, new)?;
    keyfile::store(db, &file)
}

/// Removes the password of the encrypted database `db` (closed): `secret` (the password or the
/// recovery code) unlocks it, then it, its photo file and its backups are decrypted.
pub fn remove_password(db: &Path, secret: &str, progress: &Progress) -> Result<()> {
    let _lock = lock::take(db)?;
    recover(db)?;
    if file_kind(db)? != FileKind::Sealed {
        return Err(StoreError::NotEncrypted(db.to_path_buf()));
    }
    let key = keyfile::unlock(db, secret)?;
    prepare(db, Direction::Decrypt, &key, progress)?;
    commit(db, Direction::Decrypt)?;
    convert_backups(db, Direction::Decrypt, &key, progress);
    // The key file goes once no backup needs it any more.
    if !backups(db).iter().any(|b| file_kind(&b.path).is_ok_and(|k| k == FileKind::Sealed)) {
        let _ = std::fs::remove_file(keyfile::backup_copy_of(db));
    }
    Ok(())
}

/// A new password must be at least [`MIN_PASSWORD`] characters.
pub fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StoreError::Refused(tf("crypt.err.short", &[("n", &MIN_PASSWORD.to_string())])));
    }
    Ok(())
}

/// The complete copy a file is converted into: `zoufang.db.converting`.
pub(super) fn converting(path: &Path) -> PathBuf {
    with_suffix(path, ".converting")
}

/// The journal whose presence means "the copies are complete: put them in place".
pub fn journal(db: &Path) -> PathBuf {
    with_suffix(db, ".convert")
}

/// Step 1: a converted copy of every SQLite file of `db` beside it. On failure or cancel the
/// copies are removed and nothing else was touched.
pub(super) fn prepare(db: &Path, direction: Direction, key: &Key, progress: &Progress) -> Result<()> {
    let files = database_files(db);
    progress.step(t(step_label(direction)), files.len() as u64);
    let (from_key, to_key) = match direction {
        Direction::Encrypt => (None, Some(key)),
        Direction::Decrypt => (Some(key), None),
    };
    let done = files.iter().try_for_each(|f| {
        if progress.cancelled() {
            return Err(StoreError::Cancelled);
        }
        export(f, from_key, &converting(f), to_key)?;
        progress.add(1);
        Ok(())
    });
    if done.is_err() {
        forget(db);
    }
    done
}

/// Step 2: the journal (the conversion now counts as done), then the copies put in place.
pub(super) fn commit(db: &Path, direction: Direction) -> Result<()> {
    write_atomically(&journal(db), format!("{}\n", direction.word()).as_bytes())?;
    recover(db).map(|_| ())
}

/// Finishes a conversion a kill interrupted after its journal was written, or forgets one
/// interrupted before. Run under the database's lock before it is opened; says whether files
/// were renamed (the database file is then a new one).
pub fn recover(db: &Path) -> Result<bool> {
    let journal = journal(db);
    let Ok(text) = std::fs::read_to_string(&journal) else {
        forget(db);
        return Ok(false);
    };
    let decrypt = text.trim() == Direction::Decrypt.word();
    for f in [db.to_path_buf(), photo_path(db)] {
        let copy = converting(&f);
        if copy.is_file() {
            // The old file's journal files were emptied by the export: they must not be read
            // against the new file.
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(with_suffix(&f, suffix));
            }
            std::fs::rename(&copy, &f).map_err(|e| StoreError::io(&f, &e))?;
        }
    }
    let key_path = keyfile::path_of(db);
    let new_key = converting(&key_path);
    if new_key.is_file() {
        std::fs::rename(&new_key, &key_path).map_err(|e| StoreError::io(&key_path, &e))?;
    }
    if decrypt {
        let _ = std::fs::remove_file(&key_path);
    } else if let Ok(file) = KeyFile::read(&key_path) {
        keyfile::save_backup_copy(db, &file)?;
    }
    sync_dir(db);
    std::fs::remove_file(&journal).map_err(|e| StoreError::io(&journal, &e))?;
    sync_dir(db);
    Ok(true)
}

/// Removes the copies of a conversion that never reached its journal (with the journal files
/// SQLite kept beside a copy it was writing when killed).
fn forget(db: &Path) {
    for f in [db.to_path_buf(), photo_path(db), keyfile::path_of(db)] {
        let copy = converting(&f);
        for suffix in ["", "-journal", "-wal", "-shm", ".partial"] {
            let _ = std::fs::remove_file(with_suffix(&copy, suffix));
        }
    }
}

/// Copies the SQLite file `from` (opened with `from_key`) into a new file `to` encrypted with
/// `to_key` (plain for `None`), owner-only and synced.
pub(crate) fn export(from: &Path, from_key: Option<&Key>, to: &Path, to_key: Option<&Key>) -> Result<()> {
    let _ = std::fs::remove_file(to);
    create_owner_only(to).map_err(|e| StoreError::io(to, &e))?;
    let conn = Connection::open(from).map_err(|e| StoreError::from_open(from, e))?;
    apply(&conn, from_key)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| {
        match (from_key, e.sqlite_error_code()) {
            (Some(_), Some(rusqlite::ErrorCode::NotADatabase)) => StoreError::WrongPassword(from.to_path_buf()),
            _ => StoreError::from_open(from, e),
        }
    })?;
    attach(&conn, to, "converted", to_key)?;
    let exported = conn
        .query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))
        .and_then(|()| conn.pragma_update(Some("converted"), "user_version", version))
        .map_err(StoreError::from);
    let _ = conn.execute("DETACH DATABASE converted", []);
    drop(conn);
    let synced =
        exported.and_then(|()| std::fs::File::open(to).and_then(|f| f.sync_all()).map_err(|e| StoreError::io(to, &e)));
    if synced.is_err() {
        let _ = std::fs::remove_file(to);
    }
    synced
}

/// Converts the backups of `db` (with their photo files) one by one, each through a complete copy renamed over it (a
/// kill leaves every backup whole: some converted, some not). Backups that fail are left as
/// they are and said on stderr: the database itself is already converted.
fn convert_backups(db: &Path, direction: Direction, key: &Key, progress: &Progress) {
    let (want, from_key, to_key) = match direction {
        Direction::Encrypt => (FileKind::Plain, None, Some(key)),
        Direction::Decrypt => (FileKind::Sealed, Some(key), None),
    };
    // Each backup and the photo file an earlier build copied beside it, and the one photo
    // backup they share.
    let todo: Vec<PathBuf> = backups(db)
        .into_iter()
        .flat_map(|b| [photo_path(&b.path), b.path])
        .chain([super::super::backup::shared_photos(db)])
        .filter(|p| p.is_file() && file_kind(p).is_ok_and(|k| k == want))
        .collect();
    progress.step(t("crypt.progress.backups"), todo.len() as u64);
    for path in todo {
        let copy = converting(&path);
        let done = export(&path, from_key, &copy, to_key)
            .and_then(|()| std::fs::rename(&copy, &path).map_err(|e| StoreError::io(&path, &e)));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&copy);
            say_err!("{e}");
        }
        progress.add(1);
    }
    sync_dir(&super::super::backup::backup_dir(db).join("x"));
}

fn step_label(direction: Direction) -> &'static str {
    match direction {
        Direction::Encrypt => "crypt.progress.encrypt",
        Direction::Decrypt => "crypt.progress.decrypt",
    }
}
