//! Dates read from rows through [`parse_day`] rather than rusqlite's chrono conversion, for the
//! queries that read one a row over a township's visits and problems.

use crate::model::month::parse_day;
use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

/// A stored date (YYYY-MM-DD).
pub(super) struct Day(pub NaiveDate);

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        parse_day(text).map(Day).ok_or_else(|| FromSqlError::Other(format!("not a date: {text}").into()))
    }
}

/// Column `at` of `row`, a date.
pub(super) fn day(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<NaiveDate> {
    Ok(row.get::<_, Day>(at)?.0)
}

/// Column `at` of `row`, a date or NULL.
pub(super) fn maybe_day(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(row.get::<_, Option<Day>>(at)?.map(|d| d.0))
}
