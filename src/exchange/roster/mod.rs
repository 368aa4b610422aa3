//! Importing the household roster (花名册) villages already keep: the national system's export
//! with one row per person, or a hand-typed list with one row per household.
//!
//! [`Workbook::open`] reads the file; [`Roster::read`] finds the header row and what each
//! column holds (changeable by hand); [`plan`] computes the preview — what would be added,
//! updated or skipped, and every problem row — without writing; [`import`] writes the good rows
//! in one transaction. [`preview_lines`] says the preview in sentences (for the CLI).

mod apply;
mod biff;
mod book;
mod columns;
mod error;
mod families;
mod header;
mod plan;
mod preview;
mod problem;
mod text;
mod unzip;
mod values;

pub use apply::{Imported, import};
pub use book::{Cell, LIMITS, Limits, Sheet, Workbook};
pub use columns::Target;
pub use error::RosterError;
pub use header::{Column, Header, column_letters};
pub use plan::{Action, Counts, HouseholdPlan, Plan, VillageTarget, plan};
pub use preview::{column_line, household_title, preview_lines, problem_line, summary};
pub use problem::Problem;

use crate::model::register::Village;
use crate::store::Store;
use std::path::PathBuf;

/// One sheet read as a roster: the cells and what each column holds.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The file it came from.
    pub path: PathBuf,
    /// The sheet.
    pub sheet: Sheet,
    /// Its header row and column meanings.
    pub header: Header,
}

impl Roster {
    /// Reads the sheet `name`, or else the first sheet that looks like a roster.
    pub fn read(book: &Workbook, name: Option<&str>) -> Result<Roster, RosterError> {
        let no_header = |sheet: &str| RosterError::NoHeader { path: book.path.clone(), sheet: sheet.to_string() };
        let (sheet, header) = match name {
            Some(name) => {
                let sheet = book.sheet(name)?;
                (sheet, header::find(sheet).ok_or_else(|| no_header(name))?)
            }
            None => book
                .sheets
                .iter()
                .find_map(|s| header::find(s).map(|h| (s, h)))
                .ok_or_else(|| no_header(&book.sheet_names().join("、")))?,
        };
        Ok(Roster { path: book.path.clone(), sheet: sheet.clone(), header })
    }
}

impl Roster {
    /// The first value under the header in sheet column `col` (to show what a column holds).
    pub fn sample(&self, col: usize) -> String {
        (self.header.row + 1..self.sheet.height())
            .map(|r| self.sheet.cell(r, col).text())
            .find(|s| !s.is_empty())
            .unwrap_or_default()
    }
}

/// The village an import goes into: the one named, else the database's only village, else
/// `None` (the database has none: the import makes one from the file).
pub fn target_village(store: &Store, name: Option<&str>) -> Result<Option<Village>, RosterError> {
    let villages = store.villages()?;
    let known = || villages.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join("、");
    match name {
        Some(name) => villages
            .iter()
            .find(|v| v.name == name)
            .cloned()
            .map(Some)
            .ok_or_else(|| RosterError::UnknownVillage(name.to_string(), known())),
        None if villages.len() > 1 => Err(RosterError::WhichVillage(known())),
        None => Ok(villages.first().cloned()),
    }
}
