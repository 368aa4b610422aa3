//! The key file beside an encrypted database (`zoufang.db.key`): the data key wrapped under the
//! password and under the recovery code, never the password itself.
//!
//! Each wrapping ("slot") is Argon2id (its memory, passes and lanes recorded, a random 16-byte
//! salt) deriving a 32-byte key, and XChaCha20-Poly1305 with a random 24-byte nonce sealing the
//! data key; the slot's name, parameters and salt are the associated data, so none can be altered
//! unnoticed. The file is TOML, written atomically (a `.partial` copy synced, then renamed),
//! owner-only, and copied into the `backups` folder, where [`find`] looks when the one beside
//! the database is gone.

use super::super::{Result, StoreError};
use super::{Key, RecoveryCode, random_bytes, with_suffix};
use crate::i18n::{t, tf};
use crate::model::digest::hex;
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The format version this build writes.
const VERSION: u32 = 1;
/// Argon2id memory in KiB (64 MiB), passes and lanes for new slots.
const MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id passes.
const PASSES: u32 = 3;
/// Argon2id lanes.
const LANES: u32 = 1;
/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 6;

/// The key file as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    /// What the file is, for a person who opens it.
    app: String,
    /// Format version.
    version: u32,
    /// The data key under the password.
    password: Slot,
    /// The data key under the recovery code.
    recovery: Slot,
}

/// One wrapping of the data key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slot {
    kdf: String,
    memory_kib: u32,
    passes: u32,
    lanes: u32,
    salt: String,
    nonce: String,
    sealed: String,
}

impl Slot {
    fn seal(name: &str, secret: &[u8], key: &Key) -> Result<Slot> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        random_bytes(&mut salt)?;
        random_bytes(&mut nonce)?;
        let mut slot = Slot {
            kdf: "argon2id".into(),
            memory_kib: MEMORY_KIB,
            passes: PASSES,
            lanes: LANES,
            salt: hex(&salt),
            nonce: hex(&nonce),
            sealed: String::new(),
        };
        let wrap = slot.derive(secret)?;
        let cipher = XChaCha20Poly1305::new(wrap.as_ref().into());
        let aad = slot.aad(name);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.bytes(), aad: aad.as_bytes() })
            .map_err(|_| StoreError::Refused(t("crypt.err.seal").to_string()))?;
        slot.sealed = hex(&sealed);
        Ok(slot)
    }

    /// The data key, if `secret` is the one this slot was sealed with.
    fn open(&self, name: &str, secret: &[u8], file: &Path) -> Result<Option<Key>> {
        let damaged = || StoreError::KeyFile(file.to_path_buf());
        let nonce = unhex(&self.nonce).filter(|n| n.len() == 24).ok_or_else(damaged)?;
        let sealed = unhex(&self.sealed).ok_or_else(damaged)?;
        let wrap = self.derive(secret).map_err(|_| damaged())?;
        let cipher = XChaCha20Poly1305::new(wrap.as_ref().into());
        let aad = self.aad(name);
        let Ok(plain) = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: aad.as_bytes() })
        else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| damaged())?;
        Ok(Some(Key::from_bytes(&bytes)))
    }

    fn derive(&self, secret: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let refuse = |e: argon2::Error| StoreError::Refused(tf("crypt.err.kdf", &[("reason", &e.to_string())]));
        if self.kdf != "argon2id" {
            return Err(StoreError::Refused(tf("crypt.err.kdf", &[("reason", &self.kdf)])));
        }
        let salt = unhex(&self.salt).ok_or_else(|| StoreError::Refused(tf("crypt.err.kdf", &[("reason", "salt")])))?;
        let params = Params::new(self.memory_kib, self.passes, self.lanes, Some(32)).map_err(refuse)?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret, &salt, out.as_mut())
            .map_err(refuse)?;
        Ok(out)
    }

    fn aad(&self, name: &str) -> String {
        format!(
            "zoufang-key/{VERSION}/{name}/{}/{}/{}/{}/{}",
            self.kdf, self.memory_kib, self.passes, self.lanes, self.salt
        )
    }
}

impl KeyFile {
    /// Wraps `key` under `password` and `code`.
    pub fn seal(key: &Key, password: &str, code: &RecoveryCode) -> Result<KeyFile> {
        Ok(KeyFile {
            app: "zoufang database key (encrypted; useless without the password or the recovery code)".into(),
            version: VERSION,
            password: Slot::seal("password", password.as_bytes(), key)?,
            recovery: Slot::seal("recovery", code.secret().as_bytes(), key)?,
        })
    }

    /// The data key from `secret`: the password, else (if it reads as one) the recovery code.
    /// `None`: neither.
    pub fn open(&self, secret: &str, file: &Path) -> Result<Option<Key>> {
        if let Some(key) = self.password.open("password", secret.as_bytes(), file)? {
            return Ok(Some(key));
        }
        match RecoveryCode::parse(secret) {
            Some(code) => self.recovery.open("recovery", code.secret().as_bytes(), file),
            None => Ok(None),
        }
    }

    /// The same key under a new password (the recovery code unchanged).
    pub fn rewrap(&self, key: &Key, password: &str) -> Result<KeyFile> {
        Ok(KeyFile { password: Slot::seal("password", password.as_bytes(), key)?, ..self.clone() })
    }

    /// Reads the key file at `path`.
    pub fn read(path: &Path) -> Result<KeyFile> {
        let text = std::fs::read_to_string(path).map_err(|e| StoreError::io(path, &e))?;
        let file: KeyFile = toml::from_str(&text).map_err(|_| StoreError::KeyFile(path.to_path_buf()))?;
        if file.version > VERSION {
            return Err(StoreError::KeyFile(path.to_path_buf()));
        }
        Ok(file)
    }

    /// Writes the key file to `path` atomically, owner-only.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = toml::to_string(self).map_err(|e| StoreError::Refused(e.to_string()))?;
        let text = format!("# {}\n{text}", t("crypt.keyfile_comment"));
        write_atomically(path, text.as_bytes())
    }
}

/// Writes `bytes` to `path` through a synced `.partial` copy renamed into place, owner-only.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let partial = with_suffix(path, ".partial");
    let written = (|| {
        let mut f = create_owner_only(&partial)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&partial, path)?;
        sync_dir(path);
        Ok::<(), std::io::Error>(())
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        StoreError::io(path, &e)
    })
}

/// Creates (or truncates) `path`, readable by its owner only on Unix.
pub(crate) fn create_owner_only(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let f = options.open(path)?;
    crate::store::owner_only(path);
    Ok(f)
}

/// Syncs the folder of `path`, so a rename in it is on disk (nothing to do elsewhere than Unix).
pub(crate) fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The key file beside the database `db`: `zoufang.db.key`.
pub fn path_of(db: &Path) -> PathBuf {
    with_suffix(db, ".key")
}

/// The copy of the key file kept with the backups: `backups/zoufang.db.key`.
pub fn backup_copy_of(db: &Path) -> PathBuf {
    super::super::backup::backup_dir(db).join(path_of(db).file_name().unwrap_or_default())
}

/// The key file of `db` that exists: beside it, else the copy among the backups.
pub fn find(db: &Path) -> Option<PathBuf> {
    [path_of(db), backup_copy_of(db)].into_iter().find(|p| p.is_file())
}

/// Writes `file` beside `db` and its copy among the backups.
pub fn store(db: &Path, file: &KeyFile) -> Result<()> {
    file.write(&path_of(db))?;
    save_backup_copy(db, file)
}

/// Writes the copy of `file` among the backups of `db`.
pub fn save_backup_copy(db: &Path, file: &KeyFile) -> Result<()> {
    let dir = super::super::backup::backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, &e))?;
    file.write(&backup_copy_of(db))
}

/// The data key of `db` from `secret` (password or recovery code). A lost key file beside the
/// database is put back from the copy among the backups.
pub fn unlock(db: &Path, secret: &str) -> Result<Key> {
    let Some(at) = find(db) else {
        return Err(StoreError::KeyFileMissing(path_of(db)));
    };
    let file = KeyFile::read(&at)?;
    let key = file.open(secret, &at)?.ok_or_else(|| StoreError::WrongPassword(db.to_path_buf()))?;
    if at != path_of(db) {
        file.write(&path_of(db))?;
    }
    Ok(key)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}
