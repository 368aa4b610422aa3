//! Calendar months, the unit of the visit cycle (每月至少一次入户).

use chrono::{Datelike, Months, NaiveDate};
use std::fmt;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl Month {
    /// The month of a date.
    pub fn of(date: NaiveDate) -> Self {
        Month { year: date.year(), month: date.month() }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        // A Month is only made from a real date's year and month (see `parse` and `of`).
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        let first = self.next().first_day();
        first.pred_opt().unwrap_or(first)
    }

    /// The month after.
    pub fn next(self) -> Self {
        Month::of(self.first_day() + Months::new(1))
    }

    /// The month before.
    pub fn prev(self) -> Self {
        Month::of(self.first_day() - Months::new(1))
    }

    /// The `n` months ending with this one, oldest first.
    pub fn last_n(self, n: usize) -> Vec<Month> {
        let mut out: Vec<Month> = std::iter::successors(Some(self), |m| Some(m.prev())).take(n).collect();
        out.reverse();
        out
    }
}

/// A date written YYYY-MM-DD, as the store keeps them. The usual ten digits and dashes are read
/// directly: chrono's format parser costs about twenty times as much, and a township's ledger
/// reads a date for every visit and four for every problem. Anything else goes to chrono.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The widest date range stored dates fall in (as text they sort like dates, unlike
/// `NaiveDate::MIN`/`MAX`, whose years carry signs).
pub fn all_time() -> (NaiveDate, NaiveDate) {
    const FIRST: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };
    const LAST: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(d) => d,
        None => NaiveDate::MAX,
    };
    (FIRST, LAST)
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_directly_are_the_days_chrono_reads() {
        let texts = [
            "2026-12-03",
            "2024-02-29",
            "2026-02-29",
            "2026-02-30",
            "2026-13-01",
            "0000-01-01",
            "9999-12-31",
            "2026-1-5",
            "2026-01-5",
            " 2026-01-05",
            "2026-01-05 ",
            "+2026-01-05",
            "2026/01/05",
            "２０２６-01-05",
            "2026-0a-05",
            "20260105",
            "",
            "2026-00-10",
            "2026-01-00",
        ];
        for text in texts {
            assert_eq!(parse_day(text), NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(), "{text:?}");
        }
        assert_eq!(parse_day("2026-12-03"), NaiveDate::from_ymd_opt(2026, 12, 3));
    }

    #[test]
    fn month_arithmetic_across_years() {
        let m = Month::parse("2026-01").unwrap();
        assert_eq!(m.prev().to_string(), "2025-12");
        assert_eq!(Month::parse("2025-12").unwrap().next(), m);
        assert_eq!(Month::parse("2024-02").unwrap().last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m.last_n(3).iter().map(|m| m.to_string()).collect::<Vec<_>>(), ["2025-11", "2025-12", "2026-01"]);
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("abc"), None);
    }
}
