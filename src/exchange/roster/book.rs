//! Reading a roster file into sheets of cells: .xlsx/.xls (and .ods) through calamine, text
//! tables (.csv, tab-separated) through [`super::text`]. Merged cells are filled with their
//! value, so a 户编号 merged down a household's rows is read on every row.
//!
//! A roster comes from anywhere, so reading it is bounded before anything is allocated: the
//! file's size, the rows and columns that hold something, the cells kept, the merged regions
//! and the time spent (see [`Limits`]). Cells of an .xlsx are streamed one by one (a cell
//! reference such as `XFD1048576` never makes a sheet-sized grid); an .xls is scanned for its
//! records' rows and columns before calamine reads it (see [`super::biff`]).

use super::error::RosterError;
use super::text;
use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Doubles hold integers exactly up to 2^53: a longer number typed into a cell lost digits.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Merged regions larger than this are not filled (a whole-sheet merge is formatting, not data).
const MAX_MERGE_CELLS: u64 = 20_000;

/// The bounds every roster file is read within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The file's size in bytes.
    pub file_bytes: u64,
    /// A zipped workbook's (.xlsx, .ods) size unpacked, in bytes.
    pub unpacked_bytes: u64,
    /// Rows holding something (a township's roster is some 40,000 people).
    pub rows: usize,
    /// Columns holding something.
    pub cols: usize,
    /// Cells kept in memory over all sheets, blanks between filled cells included.
    pub cells: usize,
    /// Merged regions per sheet.
    pub merges: usize,
    /// Cells filled from merged regions per sheet.
    pub merge_cells: usize,
    /// Seconds spent reading.
    pub seconds: u64,
}

/// The bounds used when reading roster files.
pub const LIMITS: Limits = Limits {
    file_bytes: 64 << 20,
    unpacked_bytes: 512 << 20,
    rows: 200_000,
    cols: 512,
    cells: 4_000_000,
    merges: 200_000,
    merge_cells: 2_000_000,
    seconds: 60,
};

/// Counts what a read has used against [`Limits`].
struct Budget<'a> {
    limits: Limits,
    path: &'a Path,
    started: std::time::Instant,
    cells: usize,
}

impl<'a> Budget<'a> {
    fn new(path: &'a Path, limits: Limits) -> Self {
        Budget { limits, path, started: std::time::Instant::now(), cells: 0 }
    }

    fn too_large(&self, sheet: &str, limit: String) -> RosterError {
        RosterError::TooLarge { path: self.path.to_path_buf(), sheet: sheet.to_string(), limit }
    }

    fn n(key: &str, n: usize) -> String {
        crate::i18n::tf(key, &[("n", &n.to_string())])
    }

    /// Refuses a cell at (row, col) holding something outside the bounds.
    fn place(&self, sheet: &str, row: usize, col: usize) -> Result<(), RosterError> {
        if row >= self.limits.rows {
            return Err(self.too_large(sheet, Self::n("roster.limit.rows", self.limits.rows)));
        }
        if col >= self.limits.cols {
            return Err(self.too_large(sheet, Self::n("roster.limit.cols", self.limits.cols)));
        }
        Ok(())
    }

    /// Counts `n` more cells kept, and checks the clock.
    fn grow(&mut self, sheet: &str, n: usize) -> Result<(), RosterError> {
        self.cells += n;
        if self.cells > self.limits.cells {
            return Err(self.too_large(sheet, Self::n("roster.limit.cells", self.limits.cells)));
        }
        self.clock()
    }

    fn clock(&self) -> Result<(), RosterError> {
        if self.started.elapsed().as_secs() >= self.limits.seconds {
            return Err(RosterError::TooSlow(self.path.to_path_buf(), self.limits.seconds));
        }
        Ok(())
    }

    fn merges(&self, sheet: &str) -> RosterError {
        let cells = self.limits.merge_cells.to_string();
        let limit =
            crate::i18n::tf("roster.limit.merges", &[("n", &self.limits.merges.to_string()), ("cells", &cells)]);
        self.too_large(sheet, limit)
    }
}

/// Rows of cells being filled in any order, within a [`Budget`].
struct Grid {
    rows: Vec<Vec<Cell>>,
}

impl Grid {
    fn put(
        &mut self,
        budget: &mut Budget,
        sheet: &str,
        (row, col): (usize, usize),
        cell: Cell,
    ) -> Result<(), RosterError> {
        if cell.is_blank() {
            return Ok(());
        }
        budget.place(sheet, row, col)?;
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            budget.grow(sheet, col + 1 - cells.len())?;
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = cell;
        Ok(())
    }
}

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
                let days = dt.as_f64().floor() as i64;
                match chrono::TimeDelta::try_days(days).and_then(|d| EXCEL_EPOCH.checked_add_signed(d)) {
                    Some(date) if dt.is_datetime() => Cell::Text(date.format("%Y-%m-%d").to_string()),
                    _ => Cell::Number(dt.as_f64()),
                }
            }
        }
    }
}

/// Day 0 of Excel's date serial numbers (1900 system, with its leap-year bug).
const EXCEL_EPOCH: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(1899, 12, 30) {
    Some(d) => d,
    None => chrono::NaiveDate::MIN,
};

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

    /// Copies the value of each merged region's first cell into the region's other cells that
    /// lie within the sheet's data (a region reaching below the last row adds no rows). Work is
    /// bounded by `limits`: too many regions, or too many cells to fill, refuse the sheet.
    fn fill_merged(&mut self, regions: &[calamine::Dimensions], limits: &Limits) -> Result<(), ()> {
        if regions.len() > limits.merges {
            return Err(());
        }
        let (height, width) = (self.height(), self.width());
        let mut filled = 0usize;
        for d in regions.iter().filter(|d| d.len() <= MAX_MERGE_CELLS) {
            let (top, left) = (d.start.0 as usize, d.start.1 as usize);
            let value = self.cell(top, left).clone();
            if value.is_blank() {
                continue;
            }
            let bottom = (d.end.0 as usize).min(height.saturating_sub(1));
            let right = (d.end.1 as usize).min(width.saturating_sub(1));
            for r in top..=bottom {
                let row = &mut self.rows[r];
                for c in left..=right {
                    if (r, c) == (top, left) {
                        continue;
                    }
                    filled += 1;
                    if filled > limits.merge_cells {
                        return Err(());
                    }
                    if row.len() <= c {
                        row.resize(c + 1, Cell::Empty);
                    }
                    row[c] = value.clone();
                }
            }
        }
        Ok(())
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
        Self::open_within(path, LIMITS)
    }

    /// [`Workbook::open`] within the bounds `limits`.
    pub fn open_within(path: &Path, limits: Limits) -> Result<Workbook, RosterError> {
        let io = |e: std::io::Error| RosterError::Io(path.to_path_buf(), io_reason(&e));
        let size = std::fs::metadata(path).map_err(io)?.len();
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if size > limits.file_bytes {
            let limit = crate::i18n::tf("roster.limit.file", &[("mb", &(limits.file_bytes >> 20).to_string())]);
            return Err(RosterError::TooLarge { path: path.to_path_buf(), sheet: name, limit });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        Self::from_bytes(path, bytes, limits)
    }

    /// Reads a roster held in memory (`path` names it in messages), within `limits`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, limits: Limits) -> Result<Workbook, RosterError> {
        let mut budget = Budget::new(path, limits);
        let sheets = if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
            read_workbook(path, bytes, &mut budget)?
        } else {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let mut grid = Grid { rows: Vec::new() };
            for (r, row) in text::read_table(path, &bytes)?.into_iter().enumerate() {
                for (c, cell) in row.into_iter().enumerate() {
                    grid.put(&mut budget, &name, (r, c), cell)?;
                }
            }
            vec![Sheet::from_rows(name, grid.rows)]
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

/// Reads every sheet of a workbook; a panic inside the spreadsheet library on a malformed file
/// is caught and reported as a damaged file (our own code returns errors instead).
fn read_workbook(path: &Path, bytes: Vec<u8>, budget: &mut Budget) -> Result<Vec<Sheet>, RosterError> {
    let read = crate::out::quietly(|| read_sheets(path, bytes, budget));
    read.unwrap_or_else(|_| {
        let sheet = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        Err(RosterError::Damaged { path: path.to_path_buf(), sheet })
    })
}

fn read_sheets(path: &Path, bytes: Vec<u8>, budget: &mut Budget) -> Result<Vec<Sheet>, RosterError> {
    let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if bytes.starts_with(OLE_MAGIC) {
        super::biff::check_bounds(&bytes, &budget.limits).map_err(|limit| budget.too_large(&file, limit))?;
    } else {
        let max = budget.limits.unpacked_bytes;
        super::unzip::check_bounds(&bytes, max).map_err(|()| {
            budget.too_large(&file, crate::i18n::tf("roster.limit.unpacked", &[("mb", &(max >> 20).to_string())]))
        })?;
        budget.clock()?;
    }
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| RosterError::NotSpreadsheet(path.to_path_buf()))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let damaged = || RosterError::Damaged { path: path.to_path_buf(), sheet: name.clone() };
        let mut grid = Grid { rows: Vec::new() };
        let merged = match &mut book {
            Sheets::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(&name).map_err(|_| damaged())?;
                while let Some(cell) = reader.next_cell().map_err(|_| damaged())? {
                    let (r, c) = cell.get_position();
                    let value = Cell::from_data(&calamine::Data::from(cell.get_value().clone()));
                    grid.put(budget, &name, (r as usize, c as usize), value)?;
                }
                drop(reader);
                x.merge_cells_by_sheet_name(&name).map_err(|_| damaged())?
            }
            other => {
                let range = other.worksheet_range(&name).map_err(|_| damaged())?;
                for (r, c, value) in range.used_cells() {
                    let (top, left) = range.start().unwrap_or((0, 0));
                    grid.put(budget, &name, (r + top as usize, c + left as usize), Cell::from_data(value))?;
                }
                match other {
                    Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).map_err(|_| damaged())?,
                    _ => Vec::new(),
                }
            }
        };
        budget.clock()?;
        let mut sheet = Sheet::from_rows(name.clone(), grid.rows);
        sheet.fill_merged(&merged, &budget.limits).map_err(|()| budget.merges(&name))?;
        budget.clock()?;
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
        s.fill_merged(&[calamine::Dimensions::new((0, 0), (0, 3)), calamine::Dimensions::new((1, 0), (3, 0))], &LIMITS)
            .unwrap();
        // Within the data: the region reaching below the last row adds no rows.
        assert_eq!(s.cell(0, 1).text(), "");
        assert_eq!(s.cell(3, 0).text(), "");
        assert_eq!(s.height(), 2);
        let mut s = Sheet::from_rows(
            "s",
            vec![
                vec![Cell::Text("户编号".into()), Cell::Text("x".into())],
                vec![Cell::Text("A1".into())],
                vec![],
                vec![Cell::Empty, Cell::Text("y".into())],
            ],
        );
        s.fill_merged(&[calamine::Dimensions::new((1, 0), (3, 0))], &LIMITS).unwrap();
        assert_eq!(s.cell(3, 0).text(), "A1");
        assert_eq!(s.cell(9, 9), &Cell::Empty);
    }
}
