//! Encryption at rest: an app password that encrypts the database (and its photo file and
//! backups) with SQLCipher.
//!
//! Design: the database is encrypted with a random 32-byte *data key* handed to SQLCipher as a
//! raw key (`PRAGMA key = "x'…'"`, so opening costs no SQLCipher key derivation). That key is
//! never written in the clear: the small key file beside the database ([`keyfile`], `zoufang.db.key`)
//! holds it twice, wrapped with XChaCha20-Poly1305 under a key derived by Argon2id — once from the
//! password, once from the 24-character recovery code printed when the password is set. So:
//! - the password is never stored, and a wrong one is known at once (the wrapping's tag fails)
//!   without the database being touched;
//! - changing the password rewraps the data key (a small file written atomically), and the
//!   database and its backups, encrypted with the same data key, stay openable by the new one;
//! - the recovery code opens the database (and every backup) in place of the password;
//! - a copy of the key file is kept in the `backups` folder, and used when the one beside the
//!   database is lost.
//!
//! Plain → encrypted (and back) goes through complete copies that replace the originals by
//! rename, under a small journal ([`convert`]): a kill at any moment leaves each file whole, and
//! the next open finishes or forgets the conversion, so the database is either plain or
//! encrypted, never half of each.

pub mod convert;
pub mod keyfile;
mod recovery;

pub use recovery::RecoveryCode;

use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The data key of an encrypted database: 32 random bytes, wiped from memory when dropped.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A fresh random key.
    pub fn random() -> Result<Key> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        random_bytes(bytes.as_mut())?;
        Ok(Key(bytes))
    }

    /// A key from its 32 bytes.
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Key {
        Key(Zeroizing::new(*bytes))
    }

    /// The raw bytes.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as SQLCipher's raw-key literal: `"x'…64 hex digits…'"` (double-quoted).
    fn literal(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(70));
        s.push_str("\"x'");
        for b in self.0.iter() {
            s.push_str(&format!("{b:02x}"));
        }
        s.push_str("'\"");
        s
    }
}

/// Fills `buf` from the operating system's random source.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf)
        .map_err(|e| StoreError::Refused(crate::i18n::tf("crypt.err.random", &[("reason", &e.to_string())])))
}

/// Gives `conn` (just opened, nothing read yet) the key of its database; nothing for a plain one.
pub(crate) fn apply(conn: &Connection, key: Option<&Key>) -> rusqlite::Result<()> {
    if let Some(key) = key {
        conn.execute_batch(&format!("PRAGMA key = {};", key.literal().as_str()))?;
    }
    Ok(())
}

/// Attaches the file `path` to `conn` as `schema`, with `key` (`None`: a plain file).
pub(crate) fn attach(conn: &Connection, path: &Path, schema: &str, key: Option<&Key>) -> rusqlite::Result<()> {
    let text = path.to_string_lossy();
    match key {
        Some(key) => {
            conn.execute(&format!("ATTACH DATABASE ?1 AS {schema} KEY {}", key.literal().as_str()), [text.as_ref()])?
        }
        None => conn.execute(&format!("ATTACH DATABASE ?1 AS {schema} KEY ''"), [text.as_ref()])?,
    };
    Ok(())
}

/// What the first bytes of a database file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Absent or empty: a new database.
    New,
    /// A plain SQLite file.
    Plain,
    /// Not a plain SQLite file: encrypted (or not a database at all).
    Sealed,
}

/// Reads the first bytes of `path`.
pub fn file_kind(path: &Path) -> Result<FileKind> {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(FileKind::New);
    };
    let mut head = [0u8; 16];
    let n = f.read(&mut head).map_err(|e| StoreError::io(path, &e))?;
    Ok(match n {
        0 => FileKind::New,
        16 if &head == b"SQLite format 3\0" => FileKind::Plain,
        _ => FileKind::Sealed,
    })
}

/// Whether the database at `path` is encrypted (it has a password): not a plain SQLite file,
/// and a key file for it exists (beside it or its copy among the backups).
pub fn is_encrypted(path: &Path) -> bool {
    settle(path);
    matches!(file_kind(path), Ok(FileKind::Sealed)) && keyfile::find(path).is_some()
}

/// Finishes a password change a kill interrupted (see [`convert::recover`]), when there is one
/// and no other program holds the database; before its key file or kind is looked at.
pub fn settle(db: &Path) {
    if convert::journal(db).is_file()
        && let Ok(_lock) = super::lock::take(db)
    {
        let _ = convert::recover(db);
    }
}

/// Why a file with no SQLite header and no key file cannot be opened: one that is whole pages
/// of at least 4 KiB looks like an encrypted database whose key file was lost (said so), any
/// other is not a database.
pub(crate) fn without_key(path: &Path) -> StoreError {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len >= 4096 && len.is_multiple_of(1024) {
        StoreError::SealedWithoutKey(path.to_path_buf())
    } else {
        StoreError::NotDatabase(path.to_path_buf())
    }
}

/// The photo file of the database at `db`: `<stem>.photos.<ext>` beside it (`zoufang.photos.db`
/// for `zoufang.db`). It is encrypted with the database's key and converted with it.
pub fn photo_path(db: &Path) -> PathBuf {
    let stem = db.file_stem().unwrap_or_default().to_string_lossy();
    let name = match db.extension() {
        Some(ext) => format!("{stem}.photos.{}", ext.to_string_lossy()),
        None => format!("{stem}.photos"),
    };
    db.with_file_name(name)
}

/// Every SQLite file of the database at `db` that exists: the database, then its photo file.
pub fn database_files(db: &Path) -> Vec<PathBuf> {
    let photos = photo_path(db);
    let mut files = vec![db.to_path_buf()];
    if photos.is_file() {
        files.push(photos);
    }
    files
}

/// `path` with `suffix` appended to its file name (`zoufang.db` + `-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Opens the database at `db` with `secret` (its password or recovery code): the key file is
/// read, the data key unwrapped and the store opened with it. A wrong secret changes nothing.
pub fn unlock(db: &Path, secret: &str) -> Result<super::Store> {
    settle(db);
    let key = keyfile::unlock(db, secret)?;
    super::Store::open_keyed(db, &key)
}

#[cfg(test)]
mod tests;
