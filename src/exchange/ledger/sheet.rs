//! A ledger as plain data: sheets of titled tables whose cells know their kind (text, number,
//! date…) and their emphasis. The XLSX and CSV writers both read this, so the two formats always
//! hold the same cells.

use chrono::NaiveDate;

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing.
    Empty,
    /// Text (ID numbers and 户编号 included: they are never numbers).
    Text(String),
    /// A whole number.
    Int(i64),
    /// An amount.
    Number(f64),
    /// A share, 0.0–1.0, shown as a percentage.
    Percent(f64),
    /// A calendar date.
    Date(NaiveDate),
}

/// How a cell stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Emphasis {
    /// As every other cell.
    #[default]
    Plain,
    /// Needs attention (an overdue problem): red.
    Alert,
    /// A total line: bold.
    Total,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Its value.
    pub value: Value,
    /// Its emphasis.
    pub emphasis: Emphasis,
}

impl Cell {
    /// A text cell (empty text is an empty cell).
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        Cell::from(if s.is_empty() { Value::Empty } else { Value::Text(s) })
    }

    /// A whole number.
    pub fn int(n: usize) -> Cell {
        Cell::from(Value::Int(n as i64))
    }

    /// A date, or an empty cell.
    pub fn date(d: Option<NaiveDate>) -> Cell {
        Cell::from(d.map_or(Value::Empty, Value::Date))
    }

    /// `part` of `whole` as a percentage (empty when there is no whole).
    pub fn share(part: usize, whole: usize) -> Cell {
        Cell::from(if whole == 0 { Value::Empty } else { Value::Percent(part as f64 / whole as f64) })
    }

    /// The same cell in red.
    pub fn alert(self) -> Cell {
        Cell { emphasis: Emphasis::Alert, ..self }
    }

    /// The same cell in bold, as totals are.
    pub fn total(self) -> Cell {
        Cell { emphasis: Emphasis::Total, ..self }
    }

    /// The cell as text: what a CSV holds and what its width is measured on.
    pub fn shown(&self) -> String {
        match &self.value {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(n) => n.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Percent(p) => format!("{:.1}%", p * 100.0),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

impl From<Value> for Cell {
    fn from(value: Value) -> Cell {
        Cell { value, emphasis: Emphasis::Plain }
    }
}

/// A column: its header and the widest it may grow (long text wraps beyond it).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header.
    pub header: String,
    /// The widest it may be, in Excel's width units (a Chinese character counts two).
    pub max_width: f64,
}

impl Column {
    /// A column for short values (names, dates, counts).
    pub fn short(header: impl Into<String>) -> Column {
        Column { header: header.into(), max_width: 24.0 }
    }

    /// A column for sentences, which wrap.
    pub fn long(header: impl Into<String>) -> Column {
        Column { header: header.into(), max_width: 32.0 }
    }
}

/// A table: an optional caption, headers and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// A line above the headers (on sheets with several tables).
    pub caption: Option<String>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// One sheet: a title line and one or more tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name (a CSV file is named after it).
    pub name: String,
    /// The title line: village, period, export time.
    pub title: String,
    /// The tables, one under the other.
    pub tables: Vec<Table>,
    /// Columns kept in view when scrolling right (the household's name…).
    pub frozen_columns: u16,
}

impl Sheet {
    /// The number of columns of its widest table.
    pub fn width(&self) -> usize {
        self.tables.iter().map(|t| t.columns.len()).max().unwrap_or(0)
    }

    /// Whether it is one table under its title (headers frozen and repeated on every printed
    /// page) rather than a report of several.
    pub fn is_list(&self) -> bool {
        self.tables.len() == 1 && self.tables[0].caption.is_none()
    }
}

/// The whole ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// Its sheets, in order.
    pub sheets: Vec<Sheet>,
}

impl Book {
    /// The sheet named `name`.
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// The width of `text` in Excel's column units: two for a Chinese (wide) character, one for
/// others; for text of several lines, its longest line.
pub fn display_width(text: &str) -> f64 {
    text.lines().map(|line| line.chars().map(|c| 1 + u32::from(is_wide(c))).sum::<u32>()).max().unwrap_or(0).into()
}

/// CJK ideographs, kana, hangul and full-width forms take two columns.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double_and_lines_are_measured_apart() {
        assert_eq!(display_width("abc"), 3.0);
        assert_eq!(display_width("户主"), 4.0);
        assert_eq!(display_width("有问题：吃穿"), 12.0, "the full-width colon is wide too");
        assert_eq!(display_width("短\n长一些的行"), 10.0);
    }

    #[test]
    fn cells_show_as_text() {
        assert_eq!(Cell::share(17, 20).shown(), "85.0%");
        assert_eq!(Cell::share(1, 0).value, Value::Empty);
        assert_eq!(Cell::date(NaiveDate::from_ymd_opt(2026, 3, 5)).shown(), "2026-03-05");
        assert_eq!(Cell::from(Value::Number(3500.0)).shown(), "3500");
        assert_eq!(Cell::text("").value, Value::Empty);
    }
}
