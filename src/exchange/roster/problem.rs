//! A problem found on one row of the roster.

/// A problem with one row: where it is, why, and whether the row is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row number as the spreadsheet shows it (from 1).
    pub row: usize,
    /// The header text of the column concerned (empty when the whole row is concerned).
    pub column: String,
    /// One sentence in the UI language.
    pub reason: String,
    /// Whether the row is not imported (otherwise it is, without the value concerned).
    pub skipped: bool,
}

impl Problem {
    /// A problem that leaves the row out.
    pub fn skip(row: usize, column: &str, reason: String) -> Self {
        Problem { row, column: column.to_string(), reason, skipped: true }
    }

    /// A problem with one value; the rest of the row is imported.
    pub fn note(row: usize, column: &str, reason: String) -> Self {
        Problem { row, column: column.to_string(), reason, skipped: false }
    }

    /// What the import does with the row, in the UI language.
    pub fn outcome(&self) -> &'static str {
        crate::i18n::t(if self.skipped { "roster.outcome.skipped" } else { "roster.outcome.partial" })
    }
}
