//! Visit answers in the audit log: one entry per visit, not one per answer.
//!
//! A visit holds some thirty answers, written together. Their triggers only note, in memory,
//! each answer's image before the transaction touched it; before the transaction commits (at the
//! end of each visit saved and in [`super::Store::write`]) every visit so noted gets one entry:
//! `row_id` the visit, `changes` `{item: {column: [old, new]}}` of the answers that differ, and
//! `row_hash` the hash of all its answers' images in item order (what `check` recomputes). A
//! commit with answers still unlogged is turned into a rollback, so no path can write answers
//! without their entry.
//!
//! Databases from before schema 9 hold one entry per answer (`row_id` `visit/item`); those stay
//! as they were, and a visit whose newest entry is of that kind is checked answer by answer.

use super::audit::{ANSWERS, AuditContext, Audited, diff, entry_sql, image};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The answers written in the open transaction and not yet logged: by visit, each item's image
/// before the transaction (`None`: the answer was not there).
#[derive(Default)]
pub(super) struct Pending {
    changed: Mutex<BTreeMap<String, BTreeMap<String, Option<String>>>>,
    /// `json_object(…)` of an answer's columns, as the triggers and `check` build it.
    image: Mutex<String>,
}

impl Pending {
    fn note(&self, visit: String, item: String, old: Option<String>) {
        if let Ok(mut changed) = self.changed.lock() {
            changed.entry(visit).or_default().entry(item).or_insert(old);
        }
    }

    fn take(&self) -> BTreeMap<String, BTreeMap<String, Option<String>>> {
        self.changed.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.changed.lock().map(|c| c.is_empty()).unwrap_or(true)
    }

    fn image(&self) -> String {
        self.image.lock().map(|i| i.clone()).unwrap_or_default()
    }
}

/// Registers `zf_answer(visit, item, old image)`, which the answers' triggers call, and the
/// hooks that forget what a rolled back transaction noted and refuse a commit leaving answers
/// unlogged.
pub(super) fn register(conn: &mut Connection, cx: &Arc<AuditContext>) -> rusqlite::Result<()> {
    let c = cx.clone();
    conn.create_scalar_function("zf_answer", 3, rusqlite::functions::FunctionFlags::SQLITE_UTF8, move |ctx| {
        c.answers.note(ctx.get(0)?, ctx.get(1)?, ctx.get(2)?);
        Ok(rusqlite::types::Null)
    })?;
    let c = cx.clone();
    conn.commit_hook(Some(move || {
        let unlogged = !c.answers.is_empty();
        c.answers.take();
        unlogged
    }))?;
    let c = cx.clone();
    conn.rollback_hook(Some(move || {
        c.answers.take();
    }))?;
    Ok(())
}

/// The TEMP triggers of the answers table: each write notes the answer's image before it.
pub(super) fn triggers(t: &Audited, cx: &AuditContext) -> String {
    if let Ok(mut image) = cx.answers.image.lock() {
        *image = t.json("");
    }
    let old = t.json("OLD.");
    let name = &t.name;
    let mut sql = String::new();
    for (action, body) in [
        ("insert", "SELECT zf_answer(NEW.visit_id, NEW.item_code, NULL);".to_string()),
        (
            "update",
            format!(
                "SELECT zf_answer(OLD.visit_id, OLD.item_code, {old});
                 SELECT zf_answer(NEW.visit_id, NEW.item_code, NULL)
                  WHERE NEW.visit_id IS NOT OLD.visit_id OR NEW.item_code IS NOT OLD.item_code;"
            ),
        ),
        ("delete", format!("SELECT zf_answer(OLD.visit_id, OLD.item_code, {old});")),
    ] {
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS temp.zf_audit_{name}_{action};
             CREATE TEMP TRIGGER zf_audit_{name}_{action} AFTER {action} ON main.\"{name}\"
             BEGIN {body} END;\n"
        ));
    }
    sql
}

/// Removes the answers' triggers from a connection (see [`Store::with_answers_unlogged`]).
pub(super) fn drop_triggers() -> String {
    ["insert", "update", "delete"]
        .iter()
        .map(|action| format!("DROP TRIGGER IF EXISTS temp.zf_audit_{ANSWERS}_{action};"))
        .collect()
}

/// Logs the answers noted so far on `conn`, one entry per visit whose answers differ from what
/// they were before the transaction.
pub(super) fn log(conn: &Connection, cx: &AuditContext) -> rusqlite::Result<()> {
    if cx.answers.is_empty() {
        return Ok(());
    }
    let changed = cx.answers.take();
    let mut read = conn.prepare_cached(&format!(
        "SELECT item_code, {} FROM visit_answers WHERE visit_id = ?1 ORDER BY item_code",
        cx.answers.image()
    ))?;
    let mut append = conn.prepare_cached(&entry_sql(super::audit::ANSWERS, "?1", "?2", "?3", "?4"))?;
    for (visit, before) in changed {
        let now: BTreeMap<String, String> =
            read.query_map([&visit], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        if before.iter().all(|(item, old)| old.as_ref() == now.get(item)) {
            continue;
        }
        let existed = before.values().any(Option::is_some) || now.keys().any(|item| !before.contains_key(item));
        let (action, changes) = match (existed, now.is_empty()) {
            (false, _) => ("insert", "{}".to_string()),
            (true, true) => ("delete", changes(&before, &now)),
            (true, false) => ("update", changes(&before, &now)),
        };
        append.execute(params![visit, action, changes, set_hash(now.values())])?;
    }
    Ok(())
}

/// `{item: {column: [old, new]}}` of the answers that differ (their keys left out).
fn changes(before: &BTreeMap<String, Option<String>>, now: &BTreeMap<String, String>) -> String {
    let mut out = serde_json::Map::new();
    for (item, old) in before {
        let read = |json: Option<&String>| json.map(|j| image(j.as_bytes())).unwrap_or_default();
        let mut d = diff(&read(old.as_ref()), &read(now.get(item)));
        d.remove("visit_id");
        d.remove("item_code");
        if !d.is_empty() {
            out.insert(item.clone(), serde_json::Value::Object(d));
        }
    }
    serde_json::Value::Object(out).to_string()
}

/// The hash of a visit's answers: their images in item order, each after a record separator
/// but the first ('' when it has none) — as `check` recomputes it with `group_concat`.
fn set_hash<'a>(images: impl Iterator<Item = &'a String>) -> String {
    let mut hash = Sha256::new();
    let mut any = false;
    for (i, json) in images.enumerate() {
        if i > 0 {
            hash.update([0x1e]);
        }
        hash.update(json.as_bytes());
        any = true;
    }
    if any { crate::model::digest::hex(&hash.finalize()) } else { String::new() }
}

/// SQL of the hash of a visit's answers, over `visit_answers` grouped by visit.
pub(super) fn set_hash_sql(image: &str) -> String {
    format!("zf_sha(group_concat({image}, char(30) ORDER BY item_code))")
}
