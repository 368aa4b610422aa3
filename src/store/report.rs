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
    /// Counts of the whole register.
    pub fn summary(&self) -> Result<Summary> {
        self.summary_of(None)
    }

    /// Counts of the register of one village (`None`: every village). A cadre belongs to a
    /// village when recorded there or responsible for one of its households.
    pub fn summary_of(&self, village_id: Option<&str>) -> Result<Summary> {
        let count = |sql: &str| -> Result<i64> { Ok(self.db().query_row(sql, [village_id], |r| r.get(0))?) };
        Ok(Summary {
            villages: count("SELECT count(*) FROM villages WHERE deleted_at IS NULL AND (?1 IS NULL OR id = ?1)")?,
            groups: count(
                "SELECT count(*) FROM village_groups WHERE deleted_at IS NULL AND village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
            )?,
            households: count(
                "SELECT count(*) FROM households WHERE deleted_at IS NULL AND archived_at IS NULL
                    AND village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
            )?,
            archived: count(
                "SELECT count(*) FROM households WHERE deleted_at IS NULL AND archived_at IS NOT NULL
                    AND village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
            )?,
            members: count(
                "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id
                  WHERE m.deleted_at IS NULL AND h.deleted_at IS NULL AND h.archived_at IS NULL
                    AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
            )?,
            cadres: count(
                "SELECT count(*) FROM cadres c WHERE c.deleted_at IS NULL AND c.archived_at IS NULL
                    AND (?1 IS NULL OR c.village_id = ?1 OR EXISTS (
                         SELECT 1 FROM assignments a JOIN households h ON h.id = a.household_id
                          WHERE a.cadre_id = c.id AND a.deleted_at IS NULL AND a.end_date IS NULL
                            AND h.village_id = ?1))",
            )?,
            unassigned: count(
                "SELECT count(*) FROM households h WHERE h.deleted_at IS NULL AND h.archived_at IS NULL
                    AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1) AND NOT EXISTS
                   (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.end_date IS NULL AND a.deleted_at IS NULL)",
            )?,
        })
    }

    /// `PRAGMA quick_check` (every page and record read once) and every reference checked set by
    /// set, then the app's own rules: every finding, or none when the database is sound.
    pub fn check(&self, today: NaiveDate) -> Result<Vec<Check>> {
        self.check_as(today, false)
    }

    /// [`Store::check`], with `full` also verifying every index entry against its table
    /// (`PRAGMA integrity_check`: about twice the time of the rest on a township).
    pub fn check_as(&self, today: NaiveDate, full: bool) -> Result<Vec<Check>> {
        let mut out = Vec::new();
        let mut push = |key: &str, args: &[(&str, &str)]| out.push(Check { message: tf(key, args) });
        let pragma = if full { "PRAGMA integrity_check" } else { "PRAGMA quick_check" };
        let mut st = self.db().prepare(pragma)?;
        for line in st.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                push("check.integrity", &[("detail", &line)]);
            }
        }
        for (table, column, value, rows) in self.dangling_references()? {
            push(
                "check.dangling",
                &[("table", &table), ("column", &column), ("value", &value), ("n", &rows.to_string())],
            );
        }
        // A photo or signature whose picture is not in the photo file (the file lost or replaced).
        let mut st = self.db().prepare(
            "SELECT h.head_name, v.visit_date, a.kind FROM attachments a
               JOIN visits v ON v.id = a.owner_id JOIN households h ON h.id = v.household_id
              WHERE a.deleted_at IS NULL AND a.sha256 NOT IN (SELECT sha256 FROM photos.blobs)",
        )?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
            let (head, date, kind) = row?;
            push("check.photo_missing", &[("head", &head), ("date", &date), ("kind", crate::i18n::value(&kind))]);
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
        out.extend(self.audit_findings()?.into_iter().map(|message| Check { message }));
        Ok(out)
    }

    /// Every value of a foreign-key column that names no row of the table it refers to: table,
    /// column, value and how many rows hold it. One anti-join per reference over the distinct
    /// values (a visit's 25 answers are one lookup, not 25), which is what makes the check fit a
    /// township where `PRAGMA foreign_key_check` looks up every row.
    fn dangling_references(&self) -> Result<Vec<(String, String, String, i64)>> {
        let tables: Vec<String> = self
            .db()
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for table in tables {
            // (id, seq, parent, from, to): references of one column only; the schema has no other.
            let references: Vec<(i64, i64, String, String, Option<String>)> = self
                .db()
                .prepare(&format!(
                    "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{table}')"
                ))?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (_, _, parent, from, to) in references.iter().filter(|r| r.1 == 0) {
                let to = to.as_deref().unwrap_or("id");
                let sql = format!(
                    "SELECT CAST(v AS TEXT), n FROM (SELECT \"{from}\" AS v, count(*) AS n FROM \"{table}\"
                       WHERE \"{from}\" IS NOT NULL GROUP BY \"{from}\")
                      WHERE v NOT IN (SELECT \"{to}\" FROM \"{parent}\")"
                );
                let mut st = self.db().prepare(&sql)?;
                for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                    let (value, n) = row?;
                    out.push((table.clone(), from.clone(), value, n));
                }
            }
        }
        Ok(out)
    }
}
