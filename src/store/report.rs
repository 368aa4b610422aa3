//! Whole-database summaries and the consistency check behind `zoufang status` and `zoufang check`.

use super::{Result, Store};
use crate::i18n::tf;
use crate::model::id_number::IdNumber;
use chrono::NaiveDate;

/// Counts of what the register holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Villages.
    pub villages: i64,
    /// 村民小组.
    pub groups: i64,
    /// Households not archived.
    pub households: i64,
    /// Archived households.
    pub archived: i64,
    /// Members of households not archived.
    pub members: i64,
    /// Cadres not archived.
    pub cadres: i64,
    /// Households not archived with no current cadre.
    pub unassigned: i64,
}

/// One finding of the consistency check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// One sentence naming the row.
    pub message: String,
}

impl Store {
    /// Counts for the summary.
    pub fn summary(&self) -> Result<Summary> {
        let count = |sql: &str| -> Result<i64> { Ok(self.db().query_row(sql, [], |r| r.get(0))?) };
        Ok(Summary {
            villages: count("SELECT count(*) FROM villages WHERE deleted_at IS NULL")?,
            groups: count("SELECT count(*) FROM village_groups WHERE deleted_at IS NULL")?,
            households: count("SELECT count(*) FROM households WHERE deleted_at IS NULL AND archived_at IS NULL")?,
            archived: count("SELECT count(*) FROM households WHERE deleted_at IS NULL AND archived_at IS NOT NULL")?,
            members: count(
                "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id
                  WHERE m.deleted_at IS NULL AND h.deleted_at IS NULL AND h.archived_at IS NULL",
            )?,
            cadres: count("SELECT count(*) FROM cadres WHERE deleted_at IS NULL AND archived_at IS NULL")?,
            unassigned: count(
                "SELECT count(*) FROM households h WHERE h.deleted_at IS NULL AND h.archived_at IS NULL AND NOT EXISTS
                   (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.end_date IS NULL AND a.deleted_at IS NULL)",
            )?,
        })
    }

    /// `PRAGMA integrity_check` and foreign keys, then the app's own rules: every finding, or
    /// none when the database is sound.
    pub fn check(&self, today: NaiveDate) -> Result<Vec<Check>> {
        let mut out = Vec::new();
        let mut push = |key: &str, args: &[(&str, &str)]| out.push(Check { message: tf(key, args) });
        let mut st = self.db().prepare("PRAGMA integrity_check")?;
        for line in st.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                push("check.integrity", &[("detail", &line)]);
            }
        }
        let mut st = self.db().prepare("PRAGMA foreign_key_check")?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (table, rowid) = row?;
            push("check.foreign_key", &[("table", &table), ("row", &rowid.to_string())]);
        }
        let mut st = self.db().prepare(
            "SELECT m.name, m.id_number, h.head_name FROM members m JOIN households h ON h.id = m.household_id
              WHERE m.deleted_at IS NULL AND m.id_number <> ''",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
            let (name, id, head) = row?;
            if let Err(e) = IdNumber::parse(&id, today) {
                push("check.bad_id", &[("name", &name), ("head", &head), ("reason", &e.to_string())]);
            }
        }
        let mut st = self.db().prepare(
            "SELECT h.head_name, h.code, count(*) FROM assignments a JOIN households h ON h.id = a.household_id
              WHERE a.end_date IS NULL AND a.deleted_at IS NULL GROUP BY a.household_id HAVING count(*) > 1",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (head, code) = row?;
            push("check.two_cadres", &[("head", &head), ("code", &code)]);
        }
        let mut st = self.db().prepare(
            "SELECT h.head_name, h.code FROM households h WHERE h.deleted_at IS NULL AND
               (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.deleted_at IS NULL AND m.relation = '户主') > 1",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (head, code) = row?;
            push("check.two_heads", &[("head", &head), ("code", &code)]);
        }
        let mut st = self.db().prepare(
            "SELECT h.head_name, a.start_date, a.end_date FROM assignments a JOIN households h ON h.id = a.household_id
              WHERE a.deleted_at IS NULL AND a.end_date IS NOT NULL AND a.end_date < a.start_date",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (head, start) = row?;
            push("check.assignment_dates", &[("head", &head), ("start", &start)]);
        }
        for (table, label) in [
            ("members", "m.name"),
            ("assignments", "m.start_date"),
            ("visits", "m.visit_date"),
            ("problems", "m.description"),
        ] {
            let mut st = self.db().prepare(&format!(
                "SELECT {label}, h.head_name, h.code FROM {table} m JOIN households h ON h.id = m.household_id
                  WHERE m.deleted_at IS NULL AND h.deleted_at IS NOT NULL"
            ))?;
            for row in
                st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
            {
                let (row, head, code) = row?;
                let what = crate::i18n::t(&format!("check.table.{table}"));
                push("check.under_deleted", &[("table", what), ("row", &row), ("head", &head), ("code", &code)]);
            }
        }
        Ok(out)
    }
}
