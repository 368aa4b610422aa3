//! Reading a roster file into sheets of cells: .xlsx/.xls (and .ods) through calamine, text
//! tables (.csv, tab-separated) through [`super::text`]. Merged cells are filled with their
//! value, so a 户编号 merged down a household's rows is read on every row.

use super::error::RosterError;
use super::text;
use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Doubles hold integers exactly up to 2^53: a longer number typed into a cell lost digits.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Merged regions larger than this are not filled (a whole-sheet merge is formatting, not data).
const MAX_MERGE_CELLS: u64 = 20_000;

/// One cell's value as the file holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    /// Nothing.
    #[default]
    Empty,
    /// Text (dates are read as `YYYY-MM-DD` text).
    Text(String),
    /// A number: an ID number or 户编号 stored this way may have lost its last digits.
    Number(f64),
}

impl Cell {
    /// The text a user sees in the cell, trimmed; numbers are written out in full.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => crate::model::text::clean(s).to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e21 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
        }
    }

    /// Whether the cell holds nothing but spaces.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => crate::model::text::clean(s).is_empty(),
            Cell::Number(_) => false,
        }
    }

    /// Whether the cell is a number too long to be held exactly (its last digits are lost).
    pub fn is_inexact_number(&self) -> bool {
        matches!(self, Cell::Number(n) if n.abs() >= EXACT_LIMIT || n.fract() != 0.0)
    }

    fn from_data(d: &Data) -> Cell {
        match d {
            Data::Empty | Data::Error(_) => Cell::Empty,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.to_string()),
            Data::DateTime(dt) => {
                let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
                let days = dt.as_f64().floor() as i64;
                match epoch.checked_add_signed(chrono::Duration::days(days)) {
                    Some(date) if dt.is_datetime() => Cell::Text(date.format("%Y-%m-%d").to_string()),
                    _ => Cell::Number(dt.as_f64()),
                }
            }
        }
    }
}

/// One worksheet: cells addressed from A1 as (row, column), both counted from 0.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The sheet's name (for a text table: the file's name).
    pub name: String,
    rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet from rows of cells (row 0 is the sheet's first row).
    pub fn from_rows(name: impl Into<String>, rows: Vec<Vec<Cell>>) -> Self {
        let mut sheet = Sheet { name: name.into(), rows };
        sheet.trim();
        sheet
    }

    /// The cell at (row, column); empty outside the data.
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.rows.get(row).and_then(|r| r.get(col)).unwrap_or(&EMPTY)
    }

    /// The number of rows up to the last one holding something.
    pub fn height(&self) -> usize {
        self.rows.len()
    }

    /// The number of columns up to the last one holding something.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Whether no cell holds anything.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Drops blank cells at the end of each row and blank rows at the end.
    fn trim(&mut self) {
        for row in &mut self.rows {
            while row.last().is_some_and(Cell::is_blank) {
                row.pop();
            }
        }
        while self.rows.last().is_some_and(Vec::is_empty) {
            self.rows.pop();
        }
    }

    /// Copies the value of each merged region's first cell into the region's other cells.
    fn fill_merged(&mut self, regions: &[calamine::Dimensions]) {
        for d in regions.iter().filter(|d| d.len() <= MAX_MERGE_CELLS) {
            let value = self.cell(d.start.0 as usize, d.start.1 as usize).clone();
            if value.is_blank() {
                continue;
            }
            for r in d.start.0 as usize..=d.end.0 as usize {
                for c in d.start.1 as usize..=d.end.1 as usize {
                    if (r, c) == (d.start.0 as usize, d.start.1 as usize) {
                        continue;
                    }
                    if self.rows.len() <= r {
                        self.rows.resize(r + 1, Vec::new());
                    }
                    let row = &mut self.rows[r];
                    if row.len() <= c {
                        row.resize(c + 1, Cell::Empty);
                    }
                    row[c] = value.clone();
                }
            }
        }
    }
}

/// A roster file read whole: its sheets in order.
#[derive(Debug, Clone)]
pub struct Workbook {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its sheets (a text table has one).
    pub sheets: Vec<Sheet>,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Workbook {
    /// Reads the file at `path`, whatever its name says: the content decides whether it is a
    /// workbook or a text table. Refuses files that are neither, or hold nothing.
    pub fn open(path: &Path) -> Result<Workbook, RosterError> {
        let bytes = std::fs::read(path).map_err(|e| RosterError::Io(path.to_path_buf(), io_reason(&e)))?;
        let sheets = if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
            read_workbook(path, bytes)?
        } else {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            vec![Sheet::from_rows(name, text::read_table(path, &bytes)?)]
        };
        if sheets.iter().all(Sheet::is_empty) {
            return Err(RosterError::Empty(path.to_path_buf()));
        }
        Ok(Workbook { path: path.to_path_buf(), sheets })
    }

    /// The sheets' names, in order.
    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s.name.as_str()).collect()
    }

    /// The sheet called `name`.
    pub fn sheet(&self, name: &str) -> Result<&Sheet, RosterError> {
        self.sheets.iter().find(|s| s.name == name).ok_or_else(|| RosterError::NoSheet {
            path: self.path.clone(),
            sheet: name.to_string(),
            known: self.sheet_names().join("、"),
        })
    }
}

/// Why a file cannot be read, in the UI language where the cause is a common one.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => crate::i18n::t("roster.io.not_found").to_string(),
        std::io::ErrorKind::PermissionDenied => crate::i18n::t("roster.io.denied").to_string(),
        std::io::ErrorKind::IsADirectory => crate::i18n::t("roster.io.directory").to_string(),
        _ => e.to_string(),
    }
}

fn read_workbook(path: &Path, bytes: Vec<u8>) -> Result<Vec<Sheet>, RosterError> {
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| RosterError::NotSpreadsheet(path.to_path_buf()))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let damaged = || RosterError::Damaged { path: path.to_path_buf(), sheet: name.clone() };
        let range = book.worksheet_range(&name).map_err(|_| damaged())?;
        let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows = vec![Vec::new(); top];
        rows.extend(range.rows().map(|cells| {
            let mut row = vec![Cell::Empty; left];
            row.extend(cells.iter().map(Cell::from_data));
            row
        }));
        let merged = match &mut book {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).map_err(|_| damaged())?,
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).map_err(|_| damaged())?,
            Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
        };
        let mut sheet = Sheet::from_rows(name, rows);
        sheet.fill_merged(&merged);
        sheets.push(sheet);
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_out_and_long_ones_flagged() {
        assert_eq!(Cell::Number(6102020010001.0).text(), "6102020010001");
        assert!(!Cell::Number(6102020010001.0).is_inexact_number());
        let id = Cell::Number(610202198001011234.0);
        assert!(id.is_inexact_number());
        assert_eq!(id.text().len(), 18);
        assert_eq!(Cell::Number(2.5).text(), "2.5");
        assert_eq!(Cell::Text("\u{3000}张三 ".into()).text(), "张三");
        assert!(Cell::Text(" \u{3000}".into()).is_blank());
    }

    #[test]
    fn merged_regions_are_filled_and_trailing_blanks_trimmed() {
        let mut s = Sheet::from_rows(
            "s",
            vec![vec![Cell::Text("户编号".into())], vec![Cell::Text("A1".into()), Cell::Empty], vec![], vec![]],
        );
        assert_eq!(s.height(), 2);
        s.fill_merged(&[calamine::Dimensions::new((1, 0), (3, 0))]);
        assert_eq!(s.cell(3, 0).text(), "A1");
        assert_eq!(s.cell(9, 9), &Cell::Empty);
    }
}
