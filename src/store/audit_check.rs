//! What `zoufang check` asks of the audit log: is every device's chain whole and unaltered, and
//! is every row still in the state its last entry written here recorded?

use super::audit::{ANSWERS, Audited, audited_tables, entry_hash_of};
use super::{Result, Store};
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;
use std::borrow::Cow;
use std::collections::HashSet;

/// Rows named per finding kind and table before the rest are only counted.
const NAMED: usize = 20;

/// A column or expression that names a row of `table` for people.
fn label_expr(table: &str) -> &'static str {
    match table {
        "households" => "head_name || CASE WHEN code <> '' THEN '（' || code || '）' ELSE '' END",
        "members" | "cadres" | "villages" | "village_groups" | "checklist_templates" => "name",
        "visits" => "visit_date || ' ' || coalesce((SELECT head_name FROM households h WHERE h.id = household_id), '')",
        "problems" => "description",
        "problem_events" => "kind || ' ' || at",
        "assignments" => "start_date",
        _ => "''",
    }
}

impl Store {
    /// Every finding about the log: a broken or altered chain, rows changed, added or removed
    /// outside the app. One sentence each, naming the table and the row.
    pub(super) fn audit_findings(&self) -> Result<Vec<String>> {
        let mut out = self.chain_findings()?;
        let since = super::meta::get(self.db(), "audit_log_since")?.unwrap_or_default();
        for table in audited_tables(self.db())? {
            self.row_findings(&table, &since, &mut out)?;
        }
        Ok(out)
    }

    /// Walks each device's chain in order, recomputing every entry's hash. This database's own
    /// entries must link one to the next; entries merged from elsewhere may skip places (a
    /// package carries only its village's entries), and link wherever they are consecutive.
    fn chain_findings(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut st = self.db().prepare(
            "SELECT n, hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash, local
               FROM audit_log ORDER BY device, seq, n",
        )?;
        let mut rows = st.query([])?;
        // The device walked, the hashes of its previous position, those of the current one.
        let mut device = String::new();
        let (mut before, mut here): (HashSet<String>, HashSet<String>) = Default::default();
        let mut at_seq = 0i64;
        while let Some(r) = rows.next()? {
            // The fields as the hash reads them, borrowed from the row (integers as text).
            let f: Vec<Cow<'_, str>> = (1..13)
                .map(|i| match r.get_ref(i)? {
                    ValueRef::Integer(n) => Ok(Cow::Owned(n.to_string())),
                    v => Ok(Cow::Borrowed(v.as_str().unwrap_or_default())),
                })
                .collect::<rusqlite::Result<_>>()?;
            let n: i64 = r.get(0)?;
            let seq: i64 = r.get(3)?;
            let merged = r.get::<_, i64>(13)? == 0;
            if f[4] != device.as_str() {
                device = f[4].to_string();
                before.clear();
                here.clear();
                at_seq = 0;
            }
            // Places left out before this entry (only merged entries may follow such a gap).
            let gap = seq > at_seq + 1;
            if seq != at_seq {
                before = std::mem::take(&mut here);
                at_seq = seq;
            }
            let short = device.get(..8).unwrap_or(&device);
            let recomputed = entry_hash_of(f[1..].iter().map(|v| v.as_bytes()));
            let which = || {
                tf(
                    "audit.entry",
                    &[
                        ("n", &n.to_string()),
                        ("device", short),
                        ("seq", &seq.to_string()),
                        ("at", &local_time(&f[3])),
                        ("table", &table_name(&f[7])),
                        ("row", &f[8]),
                    ],
                )
            };
            if recomputed != f[0] {
                out.push(tf("check.audit_altered", &[("entry", &which())]));
            }
            let linked = if seq == 1 { f[1].is_empty() } else { (gap && merged) || before.contains(f[1].as_ref()) };
            if !linked {
                out.push(tf("check.audit_broken", &[("entry", &which())]));
            }
            here.insert(f[0].to_string());
        }
        Ok(out)
    }

    /// Rows whose content differs from their last local entry, rows stamped after the log began
    /// with no entry, and rows gone without a logged delete.
    fn row_findings(&self, table: &Audited, since: &str, out: &mut Vec<String>) -> Result<()> {
        let name = &table.name;
        if name == ANSWERS {
            return self.answer_findings(table, out);
        }
        let stamp = if table.has("updated_at") { "updated_at" } else { "NULL" };
        // The row's last entry, found once per row; its label is read only for what is named.
        let last = "(SELECT a.n FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = t.k AND a.local = 1
                      ORDER BY a.n DESC LIMIT 1)";
        let sql = format!(
            "SELECT t.k, CASE WHEN l.n IS NULL THEN (CASE WHEN t.stamp > ?2 THEN 'unlogged' END)
                              WHEN l.action = 'delete' THEN 'revived'
                              WHEN l.row_hash <> t.h THEN 'changed' END AS finding
               FROM (SELECT {key} AS k, zf_sha({json}) AS h, {stamp} AS stamp FROM \"{name}\") t
               LEFT JOIN audit_log l ON l.n = {last}
              WHERE finding IS NOT NULL",
            key = table.key(""),
            json = table.json(""),
        );
        let mut st = self.db().prepare(&sql)?;
        let found = st
            .query_map(rusqlite::params![name, since], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Rows gone without a logged delete: each row the log names once (its keys come from the
        // index alone), looked up in the table; only a missing one has its last entry read.
        let gone_sql = format!(
            "SELECT d.row_id FROM (SELECT DISTINCT row_id FROM audit_log WHERE tbl = ?1) d
              WHERE NOT EXISTS (SELECT 1 FROM \"{name}\" WHERE {cond})
                AND (SELECT a.action FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = d.row_id AND a.local = 1
                      ORDER BY a.n DESC LIMIT 1) <> 'delete'",
            cond = table.key_is("d.row_id")
        );
        let gone = self
            .db()
            .prepare(&gone_sql)?
            .query_map([name], |r| Ok((r.get::<_, String>(0)?, "gone".to_string())))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let all: Vec<_> = found.into_iter().chain(gone).collect();
        let label_sql =
            format!("SELECT {label} FROM \"{name}\" WHERE {cond}", label = label_expr(name), cond = table.key_is("?1"));
        self.name_findings(name, &label_sql, &all, out)
    }

    /// One sentence per finding about `table`'s rows (the first [`NAMED`], the rest counted),
    /// each row named by its label (read with `label_sql` from its key) and key.
    fn name_findings(
        &self,
        table: &str,
        label_sql: &str,
        all: &[(String, String)],
        out: &mut Vec<String>,
    ) -> Result<()> {
        let mut label_of = self.db().prepare(label_sql)?;
        for (i, (key, finding)) in all.iter().enumerate() {
            if i == NAMED {
                let n = (all.len() - NAMED).to_string();
                out.push(tf("check.audit_more", &[("table", &table_name(table)), ("n", &n)]));
                break;
            }
            let label: Option<String> = label_of.query_row([key], |r| r.get(0)).optional()?.flatten();
            let row = match label.filter(|l| !l.is_empty()) {
                Some(label) => format!("{label}（{key}）"),
                None => key.clone(),
            };
            out.push(tf(&format!("check.audit_{finding}"), &[("table", &table_name(table)), ("row", &row)]));
        }
        Ok(())
    }

    /// Answers are logged per visit (see [`super::audit_answers`]): a visit's answers together
    /// are compared with its newest entry from anywhere (answers a merge brought carry the
    /// entries of the laptop that wrote them). A visit whose newest entry is one of the
    /// per-answer entries of older databases is compared answer by answer.
    fn answer_findings(&self, table: &Audited, out: &mut Vec<String>) -> Result<()> {
        let json = table.json("");
        // The newest entry about visit `v`'s answers, of either kind.
        let newest = |v: &str| {
            format!(
                "(SELECT a.n FROM audit_log a WHERE a.tbl = '{ANSWERS}'
                   AND a.row_id >= {v} AND a.row_id < {v} || '0' AND (a.row_id = {v} OR substr(a.row_id, length({v}) + 1, 1) = '/')
                 ORDER BY a.at DESC, a.n DESC LIMIT 1)"
            )
        };
        let sql = format!(
            "SELECT t.k, l.row_id, CASE WHEN l.action = 'delete' THEN 'revived' WHEN l.row_hash <> t.h THEN 'changed' END
               FROM (SELECT visit_id AS k, {set} AS h FROM {ANSWERS} GROUP BY visit_id) t
               JOIN audit_log l ON l.n = {last}",
            set = super::audit_answers::set_hash_sql(&json),
            last = newest("t.k"),
        );
        let mut found = Vec::new();
        let mut by_answer = Vec::new();
        let mut st = self.db().prepare(&sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (visit, last, finding): (String, String, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if last != visit {
                by_answer.push(visit);
            } else if let Some(finding) = finding {
                found.push((visit, finding));
            }
        }
        let mut answers = self.db().prepare(&format!(
            "SELECT t.k, CASE WHEN l.action = 'delete' THEN 'revived' WHEN l.row_hash <> t.h THEN 'changed' END AS finding
               FROM (SELECT {key} AS k, zf_sha({json}) AS h FROM {ANSWERS} WHERE visit_id = ?1) t
               JOIN audit_log l ON l.n = (SELECT a.n FROM audit_log a WHERE a.tbl = '{ANSWERS}' AND a.row_id = t.k
                                           ORDER BY a.at DESC, a.n DESC LIMIT 1)
              WHERE finding IS NOT NULL",
            key = table.key(""),
        ))?;
        for visit in &by_answer {
            let rows = answers.query_map([visit], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            found.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        // Logged answers gone without a logged delete: a visit whose newest entry is per visit
        // and has no answers left, or an answer (newest entry per answer) no longer there.
        let gone_sql = format!(
            "SELECT d.row_id FROM
               (SELECT row_id, CASE WHEN instr(row_id, '/') > 0 THEN substr(row_id, 1, instr(row_id, '/') - 1)
                                    ELSE row_id END AS v
                  FROM (SELECT DISTINCT row_id FROM audit_log WHERE tbl = '{ANSWERS}')) d
              WHERE NOT EXISTS (SELECT 1 FROM {ANSWERS} WHERE {cond})
                AND (SELECT a.action FROM audit_log a WHERE a.tbl = '{ANSWERS}' AND a.row_id = d.row_id
                      ORDER BY a.at DESC, a.n DESC LIMIT 1) <> 'delete'
                AND (instr(d.row_id, '/') > 0) = (instr((SELECT l.row_id FROM audit_log l WHERE l.n = {last}), '/') > 0)",
            cond = "visit_id = d.v AND (d.row_id = d.v OR item_code = substr(d.row_id, length(d.v) + 2))",
            last = newest("d.v"),
        );
        let gone = self
            .db()
            .prepare(&gone_sql)?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, "gone".to_string())))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        found.extend(gone);
        // A visit (or an answer `visit/item`) is named by the visit's date and household.
        let visit = "visit_date || ' ' || coalesce((SELECT head_name FROM households h WHERE h.id = household_id), '')";
        let label_sql = format!(
            "SELECT {visit} || CASE WHEN instr(?1, '/') > 0 THEN ' ' || substr(?1, instr(?1, '/') + 1) ELSE '' END
               FROM visits WHERE id = CASE WHEN instr(?1, '/') > 0 THEN substr(?1, 1, instr(?1, '/') - 1) ELSE ?1 END"
        );
        self.name_findings(ANSWERS, &label_sql, &found, out)
    }
}

/// A table as people call it.
pub fn table_name(table: &str) -> String {
    t(&format!("exchange.table.{table}")).to_string()
}
