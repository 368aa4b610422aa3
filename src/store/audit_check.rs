//! What `zoufang check` asks of the audit log: is every device's chain whole and unaltered, and
//! is every row still in the state its last entry written here recorded?

use super::audit::{Audited, audited_tables, entry_hash};
use super::{Result, Store};
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use std::collections::HashSet;

/// Rows named per finding kind and table before the rest are only counted.
const NAMED: usize = 20;

/// A column or expression that names a row of `table` for people.
fn label_expr(table: &str) -> &'static str {
    match table {
        "households" => "head_name || CASE WHEN code <> '' THEN '（' || code || '）' ELSE '' END",
        "members" | "cadres" | "villages" | "village_groups" | "checklist_templates" => "name",
        "visits" => "visit_date || ' ' || coalesce((SELECT head_name FROM households h WHERE h.id = household_id), '')",
        "visit_answers" => "item_code",
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

    /// Walks each device's chain in order, recomputing every entry's hash.
    fn chain_findings(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut st = self.db().prepare(
            "SELECT n, hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash
               FROM audit_log ORDER BY device, seq, n",
        )?;
        let mut rows = st.query([])?;
        // The device walked, the hashes of its previous position, those of the current one.
        let mut device = String::new();
        let (mut before, mut here): (HashSet<String>, HashSet<String>) = Default::default();
        let mut at_seq = 0i64;
        while let Some(r) = rows.next()? {
            let f: Vec<String> = (1..13)
                .map(|i| match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(n) => Ok(n.to_string()),
                    v => Ok(v.as_str().unwrap_or_default().to_string()),
                })
                .collect::<rusqlite::Result<_>>()?;
            let n: i64 = r.get(0)?;
            let seq: i64 = r.get(3)?;
            if f[4] != device {
                device = f[4].clone();
                before.clear();
                here.clear();
                at_seq = 0;
            }
            if seq != at_seq {
                before = std::mem::take(&mut here);
                at_seq = seq;
            }
            let short = device.get(..8).unwrap_or(&device);
            let recomputed =
                entry_hash(&[&f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11]]);
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
            let linked = if seq == 1 { f[1].is_empty() } else { before.contains(&f[1]) };
            if !linked {
                out.push(tf("check.audit_broken", &[("entry", &which())]));
            }
            here.insert(f[0].clone());
        }
        Ok(out)
    }

    /// Rows whose content differs from their last local entry, rows stamped after the log began
    /// with no entry, and rows gone without a logged delete.
    ///
    /// Answers that came by merge carry the entries of the laptop that wrote them (a merge logs
    /// none of its own for them): an answer is compared with its newest entry from anywhere.
    fn row_findings(&self, table: &Audited, since: &str, out: &mut Vec<String>) -> Result<()> {
        let name = &table.name;
        let (mine, order) =
            if name == super::audit::ANSWERS { ("", "a.at DESC, a.n DESC") } else { ("AND a.local = 1", "a.n DESC") };
        let stamp = if table.has("updated_at") { "updated_at" } else { "NULL" };
        let sql = format!(
            "SELECT k, label, CASE WHEN last IS NULL THEN (CASE WHEN stamp > ?2 THEN 'unlogged' END)
                                   WHEN last_action = 'delete' THEN 'revived'
                                   WHEN last <> h THEN 'changed' END AS finding
               FROM (SELECT t.k, t.h, t.label, t.stamp,
                            (SELECT a.row_hash FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = t.k {mine}
                              ORDER BY {order} LIMIT 1) AS last,
                            (SELECT a.action FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = t.k {mine}
                              ORDER BY {order} LIMIT 1) AS last_action
                       FROM (SELECT {key} AS k, zf_sha({json}) AS h, {label} AS label, {stamp} AS stamp FROM \"{name}\") t)
              WHERE finding IS NOT NULL",
            key = table.key(""),
            json = table.json(""),
            label = label_expr(name),
        );
        let mut st = self.db().prepare(&sql)?;
        let found = st
            .query_map(rusqlite::params![name, since], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default(), r.get::<_, String>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let gone_sql = format!(
            "SELECT r.row_id FROM audit_log r
              WHERE r.tbl = ?1 AND r.action <> 'delete'
                AND r.n = (SELECT a.n FROM audit_log a WHERE a.tbl = ?1 AND a.row_id = r.row_id {mine} ORDER BY {order} LIMIT 1)
                AND NOT EXISTS (SELECT 1 FROM \"{name}\" WHERE {cond})",
            cond = table.key_is("r.row_id")
        );
        let gone = self
            .db()
            .prepare(&gone_sql)?
            .query_map([name], |r| Ok((r.get::<_, String>(0)?, String::new(), "gone".to_string())))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let all: Vec<_> = found.into_iter().chain(gone).collect();
        for (i, (key, label, finding)) in all.iter().enumerate() {
            if i == NAMED {
                let n = (all.len() - NAMED).to_string();
                out.push(tf("check.audit_more", &[("table", &table_name(name)), ("n", &n)]));
                break;
            }
            let row = if label.is_empty() { key.clone() } else { format!("{label}（{key}）") };
            out.push(tf(&format!("check.audit_{finding}"), &[("table", &table_name(name)), ("row", &row)]));
        }
        Ok(())
    }
}

/// A table as people call it.
pub fn table_name(table: &str) -> String {
    t(&format!("exchange.table.{table}")).to_string()
}
