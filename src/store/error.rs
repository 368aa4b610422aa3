//! What can go wrong with the database, said in one sentence for the user.

use crate::i18n::{t, tf};
use crate::model::register::FieldProblem;
use std::path::{Path, PathBuf};

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not an SQLite database at all.
    #[error("{}", tf("store.err.not_db", &[("path", &.0.display().to_string())]))]
    NotDatabase(PathBuf),
    /// An SQLite database, but not one of zoufang's.
    #[error("{}", tf("store.err.foreign", &[("path", &.0.display().to_string())]))]
    Foreign(PathBuf),
    /// Written by a newer zoufang.
    #[error("{}", tf("store.err.newer", &[("path", &path.display().to_string()), ("found", &found.to_string()), ("known", &known.to_string())]))]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// Another running zoufang holds the file.
    #[error("{}", tf("store.err.locked", &[("path", &.0.display().to_string())]))]
    Locked(PathBuf),
    /// A file could not be read or written.
    #[error("{}", tf("store.err.io", &[("path", &.0.display().to_string()), ("reason", .1)]))]
    Io(PathBuf, String),
    /// The database named does not exist (a command that reads does not create one).
    #[error("{}", tf("store.err.not_found", &[("path", &.0.display().to_string())]))]
    NotFound(PathBuf),
    /// A file offered as a backup is not a zoufang database.
    #[error("{}", tf("store.err.not_database_backup", &[("path", &.0.display().to_string())]))]
    NotBackup(PathBuf),
    /// The database file may not be written.
    #[error("{}", tf("store.err.read_only", &[("path", &.0.display().to_string())]))]
    ReadOnly(PathBuf),
    /// The folder of the database may not be written (SQLite keeps its journal there).
    #[error("{}", tf("store.err.read_only_folder", &[("path", &.0.display().to_string())]))]
    ReadOnlyFolder(PathBuf),
    /// The data breaks a rule of the form (the first problem is named).
    #[error("{}", .0.first().map(|p| p.message.clone()).unwrap_or_default())]
    Invalid(Vec<FieldProblem>),
    /// An ID number already belongs to a member of another household.
    #[error("{}", tf("store.err.id_taken", &[("id", .id), ("head", .head)]))]
    IdTaken {
        /// The ID number.
        id: String,
        /// Head of the household that has it.
        head: String,
    },
    /// A 户编号 already belongs to another household.
    #[error("{}", tf("store.err.code_taken", &[("code", .code), ("head", .head)]))]
    CodeTaken {
        /// The 户编号.
        code: String,
        /// Head of the household that has it.
        head: String,
    },
    /// A ledger status change that is not allowed.
    #[error("{0}")]
    Ledger(#[from] crate::model::ledger::TransitionError),
    /// The action is not allowed (the sentence says why).
    #[error("{0}")]
    NotAllowed(String),
    /// A row that should exist does not.
    #[error("{}", tf("store.err.missing", &[("what", .0)]))]
    Missing(String),
    /// A write the app's rules refuse (the sentence says why).
    #[error("{0}")]
    Refused(String),
    /// Anything else SQLite reports (a full disk, a vanished device and a read-only file said
    /// plainly).
    #[error("{}", sqlite_sentence(.0))]
    Sqlite(#[from] rusqlite::Error),
    /// No village is called so (the villages there are are listed).
    #[error("{}", tf("store.err.unknown_village", &[("name", .0), ("known", .1)]))]
    UnknownVillage(String, String),
    /// A village name shared by villages of several townships (the candidates are listed).
    #[error("{}", tf("store.err.ambiguous_village", &[("name", .0), ("candidates", .1)]))]
    AmbiguousVillage(String, String),
    /// The user stopped a long job; its transaction was rolled back.
    #[error("{}", t("store.err.cancelled"))]
    Cancelled,
    /// The database is encrypted and no password was given.
    #[error("{}", tf("store.err.password_needed", &[("path", &.0.display().to_string())]))]
    PasswordNeeded(PathBuf),
    /// The password (or recovery code) does not open the database; nothing was changed.
    #[error("{}", tf("store.err.wrong_password", &[("path", &.0.display().to_string())]))]
    WrongPassword(PathBuf),
    /// The key file of an encrypted database is missing, beside it and among the backups.
    #[error("{}", tf("store.err.key_file_missing", &[("path", &.0.display().to_string())]))]
    KeyFileMissing(PathBuf),
    /// A file that looks encrypted (whole pages, no SQLite header) with no key file beside it.
    #[error("{}", tf("store.err.sealed_without_key", &[("path", &.0.display().to_string())]))]
    SealedWithoutKey(PathBuf),
    /// The key file is damaged or not one of zoufang's.
    #[error("{}", tf("store.err.key_file", &[("path", &.0.display().to_string())]))]
    KeyFile(PathBuf),
    /// A password is set already (change it instead).
    #[error("{}", tf("store.err.already_encrypted", &[("path", &.0.display().to_string())]))]
    AlreadyEncrypted(PathBuf),
    /// No password is set.
    #[error("{}", tf("store.err.not_encrypted", &[("path", &.0.display().to_string())]))]
    NotEncrypted(PathBuf),
}

/// What SQLite reported, as one sentence saying what is wrong and what to do.
fn sqlite_sentence(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => t("store.err.disk_full").to_string(),
        Some(rusqlite::ErrorCode::SystemIoFailure) => t("store.err.io_failure").to_string(),
        Some(rusqlite::ErrorCode::ReadOnly) => t("store.err.read_only_db").to_string(),
        Some(rusqlite::ErrorCode::CannotOpen) => t("store.err.cannot_open").to_string(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => t("store.err.corrupt").to_string(),
        _ => tf("store.err.sqlite", &[("reason", &e.to_string())]),
    }
}

/// Why a file operation failed, in words (not "os error 13").
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let key = match e.kind() {
        K::NotFound => "io.not_found",
        K::PermissionDenied => "io.permission",
        K::StorageFull | K::QuotaExceeded | K::FileTooLarge => "io.full",
        K::ReadOnlyFilesystem => "io.read_only_fs",
        K::AlreadyExists => "io.exists",
        K::IsADirectory => "io.is_dir",
        K::NotADirectory => "io.not_dir",
        K::CrossesDevices => "io.cross_device",
        _ if matches!(e.raw_os_error(), Some(5 | 6 | 19)) => "io.device",
        _ => return tf("io.other", &[("reason", &e.to_string())]),
    };
    t(key).to_string()
}

impl StoreError {
    /// An I/O failure on `path`, said in words.
    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        StoreError::Io(path.to_path_buf(), io_reason(e))
    }

    /// Classifies an error met while opening `path`.
    pub(super) fn from_open(path: &Path, e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotDatabase(path.to_path_buf()),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Locked(path.to_path_buf())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}
