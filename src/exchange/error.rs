//! What can go wrong making or merging a village package, said in one sentence that names the file.

use crate::i18n::tf;
use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// A package or merge failure. Whatever it is, the database is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// Not an SQLite file at all (random bytes, a spreadsheet, an empty file…).
    #[error("{}", tf("exchange.err.not_package", &[("path", &show(.0))]))]
    NotPackage(PathBuf),
    /// A zoufang database rather than a package made by 导出.
    #[error("{}", tf("exchange.err.database", &[("path", &show(.0))]))]
    DatabaseNotPackage(PathBuf),
    /// Another program's SQLite database.
    #[error("{}", tf("exchange.err.foreign", &[("path", &show(.0))]))]
    Foreign(PathBuf),
    /// Shorter than its own header says: cut off while copying.
    #[error("{}", tf("exchange.err.truncated", &[("path", &show(.0))]))]
    Truncated(PathBuf),
    /// Made by a newer zoufang.
    #[error("{}", tf("exchange.err.newer", &[("path", &show(path)), ("found", found), ("known", known)]))]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its format (or schema) version.
        found: String,
        /// The newest this build reads.
        known: String,
    },
    /// The content does not match the checksum written when it was made.
    #[error("{}", tf("exchange.err.checksum", &[("path", &show(.0))]))]
    Checksum(PathBuf),
    /// A package sealed with a passphrase, and none was given.
    #[error("{}", tf("exchange.err.passphrase_needed", &[("path", &show(.0))]))]
    PassphraseNeeded(PathBuf),
    /// A sealed package the passphrase does not open: a wrong passphrase, or bytes changed.
    #[error("{}", tf("exchange.err.sealed", &[("path", &show(.0))]))]
    Sealed(PathBuf),
    /// Unreadable or inconsistent inside.
    #[error("{}", tf("exchange.err.damaged", &[("path", &show(.0)), ("reason", .1)]))]
    Damaged(PathBuf, String),
    /// Rows that break the rules the app's own forms keep (the first few listed).
    #[error("{}", tf("exchange.err.invalid_rows", &[("path", &show(path)), ("n", &count.to_string()), ("rows", rows)]))]
    Invalid {
        /// The package.
        path: PathBuf,
        /// How many invalid values were found.
        count: usize,
        /// The first few, each with table, row, field and reason.
        rows: String,
    },
    /// A row points at a row the package does not bring and this database does not have.
    #[error("{}", tf("exchange.err.dangling", &[("path", &show(path)), ("table", table), ("row", row), ("column", column)]))]
    Dangling {
        /// The package.
        path: PathBuf,
        /// The table, as people call it.
        table: String,
        /// The row, as people call it.
        row: String,
        /// The column.
        column: String,
    },
    /// Writing a row would duplicate a 户编号, ID number or name this database already has.
    #[error("{}", tf("exchange.err.duplicate", &[("path", &show(path)), ("table", table), ("row", row), ("reason", reason)]))]
    Duplicate {
        /// The package.
        path: PathBuf,
        /// The table, as people call it.
        table: String,
        /// The row, as people call it.
        row: String,
        /// SQLite's words for the rule.
        reason: String,
    },
    /// The database has no village to pack.
    #[error("{}", tf("exchange.err.no_village", &[]))]
    NoVillage,
    /// More than one village and none chosen, or the name chosen is not unique.
    #[error("{}", tf("exchange.err.which_village", &[("names", .0)]))]
    WhichVillage(String),
    /// No village of that name.
    #[error("{}", tf("exchange.err.unknown_village", &[("name", .0)]))]
    UnknownVillage(String),
    /// A ledger's date range that ends before it starts.
    #[error("{}", tf("sheet.err.range", &[("from", .0), ("to", .1)]))]
    BadRange(String, String),
    /// A ledger file name that is neither `.xlsx` nor `.csv`.
    #[error("{}", tf("sheet.err.extension", &[("path", &show(.0))]))]
    LedgerExtension(PathBuf),
    /// The folder to write into does not exist.
    #[error("{}", tf("sheet.err.no_folder", &[("path", &show(.0))]))]
    NoFolder(PathBuf),
    /// A file that could not be written: most often one open in Excel or WPS.
    #[error("{}", tf("sheet.err.unwritable", &[("path", &show(.0)), ("reason", .1)]))]
    Unwritable(PathBuf, String),
    /// The workbook could not be made.
    #[error("{}", tf("sheet.err.xlsx", &[("reason", .0)]))]
    Xlsx(String),
    /// A stored checklist could not be read.
    #[error(transparent)]
    Checklist(#[from] crate::checklist::ChecklistError),
    /// A file could not be read or written.
    #[error("{}", tf("store.err.io", &[("path", &show(.0)), ("reason", .1)]))]
    Io(PathBuf, String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ExchangeError {
    fn from(e: rusqlite::Error) -> Self {
        ExchangeError::Store(StoreError::Sqlite(e))
    }
}

impl ExchangeError {
    /// Refuses to write `path` when its folder is not there ([`ExchangeError::NoFolder`]).
    pub(super) fn check_folder(path: &Path) -> Result<(), Self> {
        match path.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
            Some(dir) => Err(ExchangeError::NoFolder(dir.to_path_buf())),
            None => Ok(()),
        }
    }

    /// An I/O failure on `path`.
    pub(super) fn io(path: &Path, e: std::io::Error) -> Self {
        ExchangeError::Io(path.to_path_buf(), crate::store::io_reason(&e))
    }
}

fn show(path: &Path) -> String {
    path.display().to_string()
}
