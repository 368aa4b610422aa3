//! The ledgers (台账) as spreadsheets for the township: 走访台账, 问题整改台账, 帮扶人到位情况 and
//! 汇总 for a month or a date range, of one village or of all. Written as one XLSX workbook that
//! opens cleanly in Excel and WPS, or as one CSV file per sheet (UTF-8 with BOM).
//!
//! [`export`] streams: the visit sheets (one row per visit, 212,000 rows for a township's 24
//! months) are read one visit at a time and written as they come, so memory stays the same
//! whatever the period. [`build`] reads everything into a [`Book`] and [`write`] writes one
//! (tests, and the bench's comparison with a bare write); both give the same cells.

mod csv;
mod problems;
mod rows;
pub mod sheet;
mod spill;
mod summary;
mod visits;
mod xlsx;

pub use sheet::{Book, Cell, Column, Emphasis, Sheet, Table, Value};
pub use xlsx::new_workbook;

use super::error::ExchangeError;
use crate::i18n::{t, tf};
use crate::model::month::Month;
use crate::progress::Progress;
use crate::store::Store;
use chrono::{NaiveDate, NaiveDateTime};
use std::path::{Path, PathBuf};

/// Result of ledger exports.
pub type Result<T> = std::result::Result<T, ExchangeError>;

/// The time a ledger covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A calendar month.
    Month(Month),
    /// From one day to another, both included.
    Range(NaiveDate, NaiveDate),
}

impl Period {
    /// The days `from..=to`; refused when `from` is after `to`.
    pub fn range(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if from > to {
            return Err(ExchangeError::BadRange(from.to_string(), to.to_string()));
        }
        Ok(Period::Range(from, to))
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        match self {
            Period::Month(m) => m.first_day(),
            Period::Range(from, _) => from,
        }
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        match self {
            Period::Month(m) => m.last_day(),
            Period::Range(_, to) => to,
        }
    }

    /// The calendar months it touches, oldest first (visit coverage is counted per month).
    pub fn months(self) -> Vec<Month> {
        let last = Month::of(self.last_day());
        std::iter::successors(Some(Month::of(self.first_day())), |m| Some(m.next()))
            .take_while(|m| *m <= last)
            .collect()
    }

    /// 月份：2026-11 or 日期范围：2026-09-01 至 2026-11-21.
    pub fn describe(self) -> String {
        match self {
            Period::Month(m) => tf("sheet.month", &[("month", &m.to_string())]),
            Period::Range(from, to) => tf("sheet.range", &[("from", &from.to_string()), ("to", &to.to_string())]),
        }
    }

    /// The period in a file name: 2026-11 or 20260901-20261121.
    fn file_part(self) -> String {
        match self {
            Period::Month(m) => m.to_string(),
            Period::Range(from, to) => format!("{}-{}", from.format("%Y%m%d"), to.format("%Y%m%d")),
        }
    }
}

/// The file format, told by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One workbook.
    Xlsx,
    /// One CSV file per sheet.
    Csv,
}

impl Format {
    /// The format a path's extension asks for.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// Its file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

/// What to export.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerOptions {
    /// The time covered.
    pub period: Period,
    /// One village, or `None` for every village (the township).
    pub village_id: Option<String>,
    /// Whether ID numbers are written in full (masked otherwise).
    pub full_ids: bool,
    /// Today: overdue problems are counted on it.
    pub today: NaiveDate,
    /// The export time written in each title line.
    pub exported_at: NaiveDateTime,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The files written: the workbook, or one CSV per sheet.
    pub files: Vec<PathBuf>,
    /// Visits in 走访台账.
    pub visits: usize,
    /// Problems in 问题整改台账.
    pub problems: usize,
}

/// The four sheets of the ledger, read from the store.
pub fn build(store: &Store, opts: &LedgerOptions) -> Result<Book> {
    rows::build(store, opts)
}

/// Writes a ledger to `path`, in the format its extension names (`.xlsx` or `.csv`).
pub fn write(book: &Book, path: &Path) -> Result<Exported> {
    let files = match Format::of(path) {
        Some(Format::Xlsx) => {
            xlsx::write(book, path)?;
            vec![path.to_path_buf()]
        }
        Some(Format::Csv) => csv::write(book, path)?,
        None => return Err(ExchangeError::LedgerExtension(path.to_path_buf())),
    };
    let rows = |key: &str| book.sheet(t(key)).and_then(|s| s.tables.first()).map_or(0, |t| t.rows.len());
    Ok(Exported { files, visits: rows("sheet.visits"), problems: rows("sheet.problems") })
}

/// Reads the ledger and writes it to `path` as it reads: the visit sheets row by row as their
/// visits come from the database, so a township's 24 months never sit in memory. `progress`
/// counts the visits read; a cancel stops at the next one and leaves any earlier file as it was.
pub fn export(store: &Store, opts: &LedgerOptions, path: &Path, progress: &Progress) -> Result<Exported> {
    let Some(format) = Format::of(path) else {
        return Err(ExchangeError::LedgerExtension(path.to_path_buf()));
    };
    ExchangeError::check_folder(path)?;
    // Every sheet from one state of the database, read under one lock.
    let _snapshot = store.snapshot()?;
    let mut ctx = rows::Context::load(store, opts)?;
    let (files, visits, problems) = match format {
        Format::Xlsx => {
            let (visits, problems) = xlsx::export(&mut ctx, path, progress)?;
            (vec![path.to_path_buf()], visits, problems)
        }
        Format::Csv => csv::export(&mut ctx, path, progress)?,
    };
    Ok(Exported { files, visits, problems })
}

/// The CSV file of each sheet for `path` (`台账.csv` → `台账-走访台账.csv`…), beside it.
pub fn csv_paths(book: &Book, path: &Path) -> Vec<PathBuf> {
    book.sheets.iter().map(|s| csv_path(path, &s.name)).collect()
}

/// The CSV file of the sheet `sheet` for `path`.
fn csv_path(path: &Path, sheet: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    path.with_file_name(format!("{stem}-{sheet}.csv"))
}

/// The usual file name: 村名-台账-2026-11.xlsx (全部村 for the township).
pub fn default_file_name(village_name: Option<&str>, period: Period, format: Format) -> String {
    let place = village_name.unwrap_or(t("sheet.all_villages_file"));
    let place = super::package::safe_file_part(place);
    format!("{place}-{}-{}.{}", t("sheet.file_word"), period.file_part(), format.extension())
}

/// Writes `bytes` to `path`, saying in one sentence why it could not be written: a folder that
/// is not there, or a file another program holds (Excel and WPS lock the workbooks they show).
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    ExchangeError::check_folder(path)?;
    // Owner-only on Unix: a ledger names households (and, with --full-ids, their ID numbers).
    let written = crate::store::crypt::keyfile::create_owner_only(path).and_then(|mut f| {
        use std::io::Write;
        f.write_all(bytes)
    });
    written.map_err(|e| ExchangeError::Unwritable(path.to_path_buf(), e.to_string()))
}

#[cfg(test)]
mod tests;
