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
    /// Anything else SQLite reports.
    #[error("{}", tf("store.err.sqlite", &[("reason", &.0.to_string())]))]
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
}

impl StoreError {
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
