//! Who changed what: the hash-chained audit log.
//!
//! Every connection the store opens registers a few application functions (`zf_now()`,
//! `zf_device()`, who is acting, SHA-256, the changed columns, an entry's hash) and creates TEMP
//! triggers after every insert, update and delete on every data table. So every write the app
//! makes — whatever path it takes — appends its entry in the same transaction, and a SQLite tool
//! outside the app writes none: `check` then finds the row differing from its last logged state.
//!
//! Each device keeps its own chain (`seq` from 1, `prev_hash` the hash of its previous entry), so
//! entries merged in from other laptops stay verifiable; an entry's `hash` is its identity on
//! every laptop. Only this database's own writes are `local`: a row's last local entry is the
//! state it must still be in.

use super::{Result, Store};
use crate::model::digest::sha256_hex;
use crate::model::ids::now_stamp;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Visit answers: logged besides the tables carrying an `origin`.
pub(super) const ANSWERS: &str = "visit_answers";
/// The tables whose writes are logged besides those carrying an `origin`.
const ALSO_AUDITED: &[&str] = &[ANSWERS];
/// Tables never logged (the log itself, PIN hashes, drafts and bookkeeping).
const NOT_AUDITED: &[&str] = &["audit_log", "cadre_pins", "meta", "sync_state", "visit_drafts"];
/// Columns a change of which alone says nothing to people (the stamps every write renews).
pub const STAMP_COLUMNS: &[&str] = &["updated_at", "origin"];

/// What the triggers of one connection read: the device and who is acting; and the answers
/// changed in the open transaction, logged per visit before it commits.
#[derive(Default)]
pub(super) struct AuditContext {
    device: Mutex<String>,
    actor: Mutex<Option<(String, String)>>,
    /// Answers written and not yet logged (see [`super::audit_answers`]).
    pub(super) answers: super::audit_answers::Pending,
}

impl AuditContext {
    pub(super) fn set_device(&self, device: &str) {
        if let Ok(mut d) = self.device.lock() {
            *d = device.to_string();
        }
    }

    fn device(&self) -> String {
        self.device.lock().map(|d| d.clone()).unwrap_or_default()
    }

    fn actor(&self) -> Option<(String, String)> {
        self.actor.lock().ok().and_then(|a| a.clone())
    }

    pub(super) fn set_actor(&self, actor: Option<(String, String)>) {
        if let Ok(mut a) = self.actor.lock() {
            *a = actor;
        }
    }
}

/// The hash of an entry: SHA-256 over its fields (the previous entry's hash first) joined by a
/// unit separator, so no field can be shifted into its neighbour.
pub fn entry_hash(fields: &[&str]) -> String {
    entry_hash_of(fields.iter().map(|f| f.as_bytes()))
}

/// [`entry_hash`] of fields given as bytes, without joining them first.
pub(super) fn entry_hash_of<'a>(fields: impl Iterator<Item = &'a [u8]>) -> String {
    let mut hash = Sha256::new();
    for (i, field) in fields.enumerate() {
        if i > 0 {
            hash.update([0x1f]);
        }
        hash.update(field);
    }
    crate::model::digest::hex(&hash.finalize())
}

/// Registers the application functions the triggers call on `conn`.
pub(super) fn register(conn: &mut Connection, cx: &Arc<AuditContext>) -> rusqlite::Result<()> {
    let volatile = FunctionFlags::SQLITE_UTF8;
    let pure = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("zf_now", 0, volatile, |_| Ok(now_stamp()))?;
    let c = cx.clone();
    conn.create_scalar_function("zf_device", 0, volatile, move |_| Ok(c.device()))?;
    let c = cx.clone();
    conn.create_scalar_function("zf_actor_id", 0, volatile, move |_| Ok(c.actor().map(|a| a.0)))?;
    let c = cx.clone();
    conn.create_scalar_function("zf_actor_name", 0, volatile, move |_| Ok(c.actor().map(|a| a.1)))?;
    conn.create_scalar_function("zf_sha", 1, pure, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => String::new(),
            ValueRef::Text(t) | ValueRef::Blob(t) => sha256_hex(t),
            ValueRef::Integer(n) => sha256_hex(n.to_string().as_bytes()),
            ValueRef::Real(x) => sha256_hex(x.to_string().as_bytes()),
        })
    })?;
    conn.create_scalar_function("zf_diff", 2, pure, |ctx| {
        let read = |i: usize| match ctx.get_raw(i) {
            ValueRef::Text(t) => image(t),
            _ => serde_json::Map::new(),
        };
        Ok(serde_json::Value::Object(diff(&read(0), &read(1))).to_string())
    })?;
    conn.create_scalar_function("zf_entry_hash", 11, pure, |ctx| {
        let numbers: Vec<String> = (0..11)
            .map(|i| match ctx.get_raw(i) {
                ValueRef::Integer(n) => n.to_string(),
                _ => String::new(),
            })
            .collect();
        Ok(entry_hash_of((0..11).map(|i| match ctx.get_raw(i) {
            ValueRef::Text(t) => t,
            ValueRef::Integer(_) => numbers[i].as_bytes(),
            _ => &[],
        })))
    })?;
    super::audit_answers::register(conn, cx)
}

/// A row image (`json_object` of its columns) as a map; empty when it is not one.
pub(super) fn image(json: &[u8]) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_slice(json).unwrap_or_default()
}

/// `{column: [old, new]}` of the columns whose values differ between two row images.
pub(super) fn diff(
    old: &serde_json::Map<String, serde_json::Value>,
    new: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let null = serde_json::Value::Null;
    let mut out = serde_json::Map::new();
    for key in old.keys().chain(new.keys().filter(|k| !old.contains_key(*k))) {
        let (a, b) = (old.get(key).unwrap_or(&null), new.get(key).unwrap_or(&null));
        if a != b {
            out.insert(key.clone(), serde_json::Value::Array(vec![a.clone(), b.clone()]));
        }
    }
    out
}

/// One audited table: its name, its columns (name, declared type) and its key columns.
pub(super) struct Audited {
    pub name: String,
    columns: Vec<(String, String)>,
    key: Vec<String>,
}

impl Audited {
    /// The row's content as JSON, columns of rows `prefix` (`NEW.`, `OLD.` or none); BLOB
    /// columns enter by their hash.
    pub fn json(&self, prefix: &str) -> String {
        let parts: Vec<String> = self
            .columns
            .iter()
            .map(|(c, ty)| {
                let value = if ty.eq_ignore_ascii_case("BLOB") {
                    format!("zf_sha({prefix}\"{c}\")")
                } else {
                    format!("{prefix}\"{c}\"")
                };
                format!("'{c}', {value}")
            })
            .collect();
        format!("json_object({})", parts.join(", "))
    }

    /// The row's key as text (`a/b` for a key of two columns).
    pub fn key(&self, prefix: &str) -> String {
        let parts: Vec<String> = self.key.iter().map(|c| format!("{prefix}\"{c}\"")).collect();
        parts.join(" || '/' || ")
    }

    /// A condition on this table's rows: the row whose key text is `expr`.
    pub fn key_is(&self, expr: &str) -> String {
        match self.key.as_slice() {
            [one] => format!("\"{one}\" = {expr}"),
            [a, b] => format!(
                "\"{a}\" = substr({expr}, 1, instr({expr}, '/') - 1) AND \"{b}\" = substr({expr}, instr({expr}, '/') + 1)"
            ),
            _ => format!("({}) = {expr}", self.key("")),
        }
    }

    /// Whether the table has a column.
    pub fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|(c, _)| c == column)
    }
}

/// The data tables of the database whose writes are logged.
pub(super) fn audited_tables(conn: &Connection) -> rusqlite::Result<Vec<Audited>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'origin') ORDER BY m.name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for name in names.into_iter().chain(ALSO_AUDITED.iter().map(|s| s.to_string())) {
        if NOT_AUDITED.contains(&name.as_str()) || out.iter().any(|t: &Audited| t.name == name) {
            continue;
        }
        let mut st = conn.prepare("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let cols: Vec<(String, String, i64)> =
            st.query_map([&name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        if cols.is_empty() {
            continue;
        }
        let mut key: Vec<(i64, String)> = cols.iter().filter(|c| c.2 > 0).map(|c| (c.2, c.0.clone())).collect();
        key.sort();
        let columns = cols.into_iter().map(|(c, ty, _)| (c, ty)).collect();
        out.push(Audited { name, columns, key: key.into_iter().map(|k| k.1).collect() });
    }
    Ok(out)
}

/// Creates the TEMP triggers that log every write to every audited table of `conn` (answers
/// are gathered per visit: see [`super::audit_answers`]).
pub(super) fn install(conn: &Connection, cx: &AuditContext) -> rusqlite::Result<()> {
    let mut sql = String::new();
    for t in audited_tables(conn)? {
        let name = &t.name;
        if name == ANSWERS {
            sql.push_str(&super::audit_answers::triggers(&t, cx));
            continue;
        }
        let (new, old) = (t.json("NEW."), t.json("OLD."));
        for (action, key, changes, row_hash, filter) in [
            ("insert", t.key("NEW."), "'{}'".to_string(), format!("zf_sha({new})"), ""),
            ("update", t.key("NEW."), format!("zf_diff({old}, {new})"), format!("zf_sha({new})"), "WHERE x.ch <> '{}'"),
            ("delete", t.key("OLD."), format!("zf_diff({old}, NULL)"), "''".to_string(), ""),
        ] {
            let entry = entry_sql(name, &key, &format!("'{action}'"), &changes, &row_hash);
            sql.push_str(&format!(
                "DROP TRIGGER IF EXISTS temp.zf_audit_{name}_{action};
                 CREATE TEMP TRIGGER zf_audit_{name}_{action} AFTER {action} ON main.\"{name}\"
                 BEGIN {entry} {filter}; END;\n"
            ));
        }
    }
    conn.execute_batch(&sql)
}

/// The statement appending one entry about row `key` of `table` to this device's chain: SQL
/// expressions for the key, the action, the changes and the row's hash. Who acts and when are
/// read here; the entry links to the device's last one.
pub(super) fn entry_sql(table: &str, key: &str, action: &str, changes: &str, row_hash: &str) -> String {
    // The device's last entry, read once as `seq hash`: the new entry links to it. (`x` must
    // stay a subquery without FROM, which SQLite never flattens: flattened, `zf_now()` would be
    // called once for the hash and again for the stored time.)
    let prev = "coalesce(substr(x.head, instr(x.head, ' ') + 1), '')";
    let seq = "coalesce(CAST(substr(x.head, 1, instr(x.head, ' ') - 1) AS INTEGER), 0) + 1";
    format!(
        "INSERT INTO audit_log(hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash)
         SELECT zf_entry_hash({prev}, {seq}, x.at, x.dev, x.pid, x.pn, '{table}', x.k, x.act, x.ch, x.rh),
                {prev}, {seq}, x.at, x.dev, x.pid, x.pn, '{table}', x.k, x.act, x.ch, x.rh
           FROM (SELECT zf_now() AS at, zf_device() AS dev, {key} AS k, {action} AS act, {changes} AS ch, {row_hash} AS rh,
                        coalesce(zf_actor_id(), (SELECT value FROM meta WHERE key = 'setting.me'), '') AS pid,
                        coalesce(zf_actor_name(),
                                 (SELECT name FROM cadres WHERE id = (SELECT value FROM meta WHERE key = 'setting.me')),
                                 '') AS pn,
                        (SELECT seq || ' ' || hash FROM audit_log WHERE device = zf_device()
                          ORDER BY seq DESC LIMIT 1) AS head) AS x"
    )
}

/// One entry of the log as people read it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The device that wrote it.
    pub device: String,
    /// Who was acting (the cadre's name; empty when nobody was chosen).
    pub person: String,
    /// The table.
    pub table: String,
    /// The row's key.
    pub row_id: String,
    /// insert / update / delete.
    pub action: String,
    /// Changed columns with old and new values as text (stamps left out).
    pub changes: Vec<(String, String, String)>,
}

impl AuditEntry {
    /// The entry as one line: when, who, on which device, what was done to which row, and for a
    /// change each field's old → new value, with the fields' Chinese labels and each checklist
    /// item by its question in `items` (by code; the code itself when it has none).
    pub fn line(&self, items: &HashMap<String, String>) -> String {
        use crate::i18n::{t, tf};
        let who = if self.person.is_empty() { t("audit.nobody").to_string() } else { self.person.clone() };
        // An answer is named by its checklist item; a visit's answers logged together by the
        // changes listed after (each naming its item), or as all of them (the visit is the page
        // they show on).
        let row = match self.row_id.split_once('/') {
            Some((_, code)) => items.get(code).map_or(code, String::as_str),
            None if self.table == ANSWERS && self.action == "update" => "",
            None if self.table == ANSWERS => t("audit.whole_visit"),
            None => self.row_id.as_str(),
        };
        let mut line = tf(
            "audit.line",
            &[
                ("at", &crate::model::ids::local_time(&self.at)),
                ("who", &who),
                ("device", self.device.get(..8).unwrap_or(&self.device)),
                ("action", t(&format!("audit.action.{}", self.action))),
                ("table", &super::audit_check::table_name(&self.table)),
                ("row", row),
            ],
        )
        .trim_end()
        .to_string();
        if self.action == "update" && !self.changes.is_empty() {
            let changes: Vec<String> = self
                .changes
                .iter()
                .map(|(c, old, new)| {
                    tf("audit.change", &[("field", &column_label(c, items)), ("old", old), ("new", new)])
                })
                .collect();
            line.push_str(&tf("audit.changes", &[("list", &changes.join(t("audit.change_sep")))]));
        }
        line
    }
}

/// A column as people call it (its name when the catalogue has no label for it); an answer's
/// column `item/column` as the item's question in `items` and the column's label.
fn column_label(column: &str, items: &HashMap<String, String>) -> String {
    if let Some((code, column)) = column.split_once('/') {
        return format!("{} {}", items.get(code).map_or(code, String::as_str), column_label(column, items));
    }
    let key = format!("exchange.field.{column}");
    let label = crate::i18n::t(&key);
    if label == key { column.to_string() } else { label.to_string() }
}

/// A JSON value as people read it.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The changed columns of an entry's `changes` with old and new values: `{column: [old, new]}`,
/// or for a visit's answers `{item: {column: [old, new]}}` as columns `item/column`.
fn changes_of(json: &str) -> Vec<(String, String, String)> {
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    let mut out = Vec::new();
    for (k, v) in map {
        if let serde_json::Value::Object(columns) = v {
            for (c, old, new) in changes_of(&serde_json::Value::Object(columns).to_string()) {
                out.push((format!("{k}/{c}"), old, new));
            }
        } else if !STAMP_COLUMNS.contains(&k.as_str()) {
            let pair = v.as_array().cloned().unwrap_or_default();
            let get = |i: usize| pair.get(i).map(shown).unwrap_or_default();
            out.push((k, get(0), get(1)));
        }
    }
    out
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let changes: String = r.get(6)?;
    Ok(AuditEntry {
        at: r.get(0)?,
        device: r.get(1)?,
        person: r.get(2)?,
        table: r.get(3)?,
        row_id: r.get(4)?,
        action: r.get(5)?,
        changes: changes_of(&changes),
    })
}

const ENTRY_COLUMNS: &str = "a.at, a.device, a.person, a.tbl, a.row_id, a.action, a.changes";

/// The rows belonging to a household, as (table, key) conditions on `audit_log a`.
const OF_HOUSEHOLD: &str = "(a.tbl = 'households' AND a.row_id = ?1)
    OR (a.tbl = 'members' AND a.row_id IN (SELECT id FROM members WHERE household_id = ?1))
    OR (a.tbl = 'assignments' AND a.row_id IN (SELECT id FROM assignments WHERE household_id = ?1))
    OR (a.tbl = 'visits' AND a.row_id IN (SELECT id FROM visits WHERE household_id = ?1))
    OR (a.tbl = 'problems' AND a.row_id IN (SELECT id FROM problems WHERE household_id = ?1))
    OR (a.tbl = 'problem_events' AND a.row_id IN
          (SELECT e.id FROM problem_events e JOIN problems p ON p.id = e.problem_id WHERE p.household_id = ?1))";

impl Store {
    /// Runs `f` with the answers' triggers removed from this connection, then puts them back: a
    /// merge copies hundreds of thousands of answers, whose entries the package's log brings
    /// (a trigger that only decided to do nothing still cost a sixth of their copy).
    pub(crate) fn with_answers_unlogged<T>(&mut self, f: impl FnOnce(&mut Store) -> T) -> Result<T> {
        self.db().execute_batch(&super::audit_answers::drop_triggers())?;
        let out = f(self);
        install(self.db(), &self.audit)?;
        Ok(out)
    }

    /// Runs `f` (which writes) recorded under `cadre` — the one who confirmed it with a PIN —
    /// instead of the 我是… of the settings.
    pub fn acting_as<T>(&mut self, cadre: Option<(&str, &str)>, f: impl FnOnce(&mut Store) -> T) -> T {
        self.audit.set_actor(cadre.map(|(id, name)| (id.to_string(), name.to_string())));
        let out = f(self);
        self.audit.set_actor(None);
        out
    }

    /// The log of one household (its facts, members, assignments, visits, problems), newest first.
    pub fn history_of_household(&self, household_id: &str) -> Result<Vec<AuditEntry>> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log a WHERE {OF_HOUSEHOLD} ORDER BY a.at DESC, a.n DESC");
        let mut st = self.db().prepare(&sql)?;
        Ok(st.query_map([household_id], entry_from_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// The log of one visit with its answers, or one problem with its events, newest first.
    pub fn history_of(&self, table: &str, id: &str) -> Result<Vec<AuditEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log a
              WHERE (a.tbl = ?1 AND a.row_id = ?2)
                 OR (?1 = 'visits' AND a.tbl = 'visit_answers'
                     AND a.row_id >= ?2 AND a.row_id < ?2 || '0' AND (a.row_id = ?2 OR substr(a.row_id, length(?2) + 1, 1) = '/'))
                 OR (?1 = 'problems' AND a.tbl = 'problem_events'
                     AND a.row_id IN (SELECT id FROM problem_events WHERE problem_id = ?2))
              ORDER BY a.at DESC, a.n DESC"
        );
        let mut st = self.db().prepare(&sql)?;
        Ok(st.query_map(params![table, id], entry_from_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// The whole log since `since` (RFC 3339 or a date), oldest first.
    pub fn audit_since(&self, since: Option<&str>) -> Result<Vec<AuditEntry>> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log a WHERE ?1 IS NULL OR a.at >= ?1 ORDER BY a.at, a.n");
        let mut st = self.db().prepare(&sql)?;
        Ok(st.query_map([since], entry_from_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// The log of one household, oldest first (for `zoufang audit --household`).
    pub fn audit_of_household(&self, household_id: &str) -> Result<Vec<AuditEntry>> {
        let mut entries = self.history_of_household(household_id)?;
        entries.reverse();
        Ok(entries)
    }
}

/// A condition on `visits v`: the visit was changed after it was reviewed — a column other than
/// the review's own and the stamps, or an answer's value or note (confirming a proposal is ledger
/// work, not a change of the visit; answers a merge brought with a visit new here are not edits).
/// Answers are logged per visit (`{item: {column: [old, new]}}`), or per answer before schema 9.
pub(crate) const CHANGED_AFTER_REVIEW: &str = "(v.reviewed_at IS NOT NULL AND (
      EXISTS (SELECT 1 FROM audit_log a, json_each(a.changes) j
               WHERE a.tbl = 'visits' AND a.row_id = v.id AND a.at > v.reviewed_at
                 AND j.key NOT IN ('review_status', 'reviewed_by', 'reviewed_at', 'review_comment', 'updated_at', 'origin'))
   OR EXISTS (SELECT 1 FROM audit_log a
               WHERE a.tbl = 'visit_answers'
                 AND a.row_id >= v.id AND a.row_id < v.id || '0' AND (a.row_id = v.id OR substr(a.row_id, length(v.id) + 1, 1) = '/')
                 AND a.at > v.reviewed_at
                 AND CASE a.action
                       WHEN 'update' THEN EXISTS (SELECT 1 FROM json_each(a.changes) j
                                                   WHERE CASE j.type
                                                           WHEN 'object' THEN EXISTS (SELECT 1 FROM json_each(j.value) c
                                                                                       WHERE c.key <> 'proposal')
                                                           ELSE j.key <> 'proposal' END)
                       WHEN 'insert' THEN EXISTS (SELECT 1 FROM audit_log b
                                                   WHERE b.tbl = 'visits' AND b.row_id = v.id AND b.at <= v.reviewed_at)
                       ELSE 1 END)))";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_names_only_the_changed_columns() {
        let old = serde_json::json!({"a": 1, "b": "x", "c": null});
        let new = serde_json::json!({"a": 1, "b": "y", "c": 2.5});
        let d = serde_json::Value::Object(diff(old.as_object().unwrap(), new.as_object().unwrap())).to_string();
        assert_eq!(d, r#"{"b":["x","y"],"c":[null,2.5]}"#);
        assert_eq!(
            changes_of(&d),
            vec![("b".into(), "x".into(), "y".into()), ("c".into(), String::new(), "2.5".into())]
        );
    }

    #[test]
    fn an_entry_hash_moves_with_every_field() {
        let base = entry_hash(&["", "1", "t", "d", "p", "n", "households", "h1", "insert", "{}", "abc"]);
        assert_ne!(base, entry_hash(&["", "1", "t", "d", "p", "n", "households", "h1", "insert", "{}", "abd"]));
        assert_ne!(base, entry_hash(&["", "1", "t", "d", "p", "n", "households", "h", "1insert", "{}", "abc"]));
    }
}
