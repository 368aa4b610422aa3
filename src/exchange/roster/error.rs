//! What can make a roster file unusable as a whole, said in one sentence.

use crate::i18n::tf;
use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// A roster file that cannot be imported at all (row-level problems are [`super::Problem`]s).
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The file could not be read from disk.
    #[error("{}", tf("roster.err.io", &[("path", &shown(.0)), ("reason", .1)]))]
    Io(PathBuf, String),
    /// Neither an Excel/WPS workbook nor a text table.
    #[error("{}", tf("roster.err.not_spreadsheet", &[("path", &shown(.0))]))]
    NotSpreadsheet(PathBuf),
    /// A web page saved with a spreadsheet's name (some systems export HTML as `.xls`).
    #[error("{}", tf("roster.err.html", &[("path", &shown(.0))]))]
    Html(PathBuf),
    /// A workbook whose sheet cannot be read (damaged).
    #[error("{}", tf("roster.err.damaged", &[("path", &shown(path)), ("sheet", sheet)]))]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The sheet.
        sheet: String,
    },
    /// No cell holds anything.
    #[error("{}", tf("roster.err.empty", &[("path", &shown(.0))]))]
    Empty(PathBuf),
    /// No row of the sheet names the roster's columns.
    #[error("{}", tf("roster.err.no_header", &[("path", &shown(path)), ("sheet", sheet)]))]
    NoHeader {
        /// The file.
        path: PathBuf,
        /// The sheet searched (or every sheet, when none was named).
        sheet: String,
    },
    /// The sheet asked for does not exist.
    #[error("{}", tf("roster.err.no_sheet", &[("path", &shown(path)), ("sheet", sheet), ("known", known)]))]
    NoSheet {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        sheet: String,
        /// The sheets it has, listed.
        known: String,
    },
    /// A sheet (or the file) beyond the reader's bounds: `limit` says which, in words.
    #[error("{}", tf("roster.err.too_large", &[("path", &shown(path)), ("sheet", sheet), ("limit", limit)]))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The sheet (or the file's name).
        sheet: String,
        /// The bound exceeded, as a phrase.
        limit: String,
    },
    /// Reading took longer than the time budget.
    #[error("{}", tf("roster.err.too_slow", &[("path", &shown(.0)), ("seconds", &.1.to_string())]))]
    TooSlow(PathBuf, u64),
    /// The database has no village and the file names none.
    #[error("{}", crate::i18n::t("roster.err.no_village"))]
    NoVillage,
    /// The village asked for does not exist.
    #[error("{}", tf("roster.err.unknown_village", &[("name", .0), ("known", .1)]))]
    UnknownVillage(String, String),
    /// Several villages and none chosen.
    #[error("{}", tf("roster.err.which_village", &[("known", .0)]))]
    WhichVillage(String),
    /// Reading the database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}
