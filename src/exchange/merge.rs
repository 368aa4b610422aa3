//! Merging village packages into this database — cadre laptop → first secretary, village →
//! township: the same rules serve both.
//!
//! Every package is verified before anything is written; then all of them are merged in ONE
//! transaction, table by table, each after the tables its rows point at. Per row:
//! - a row this database lacks is added; a row arriving under another id is first recognised as
//!   the same village (name, township, county), 村民小组 (village, name), cadre (name, phone),
//!   template (content hash), household (户编号, else the head's ID number), member (ID number) or
//!   assignment (household, cadre, start), and the incoming id is mapped onto the local one — and
//!   so are the references of every later row;
//! - identical content is unchanged; otherwise the newer `updated_at` wins (ties: the greater
//!   origin), tombstones (`deleted_at`) included, and a visit's answers are replaced with the
//!   winner's;
//! - a conflict is a row changed on both sides since they last met: neither side had seen the
//!   other's version (this laptop's `sync_state` and the package's knowledge tell). Conflicts are
//!   listed; each is settled keep-mine or take-theirs, by default the newer. A settled side that
//!   is not the newer gets a fresh stamp, so the decision travels on.
//!
//! A preview runs exactly the same merge and rolls it back, so it shows what writing would do.
//! Merging the same package twice changes nothing.

use super::error::ExchangeError;
use super::package::{PHOTO_BLOBS, Package};
use super::tables::{ANSWERS, HEAD_ID, Ref, TABLES, Table, column_names, key_list, table};
use crate::model::coded::Relation;
use crate::model::ids::now_stamp;
use crate::progress::Progress;
use crate::store::{Store, StoreError};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, params, params_from_iter};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

mod report;
mod validate;
mod wording;
pub use super::tables::table_label;
pub use report::{Conflict, ConflictKey, Counts, FieldDiff, FileReport, MergeReport, Settlement, Side};
use wording::ANSWER_PREFIX;
pub use wording::{field_diff, field_label, file_line, side_label};

type Result<T> = std::result::Result<T, ExchangeError>;

/// What merging `files` would do, settling conflicts as `settle` says; nothing is written.
pub fn preview(store: &mut Store, files: &[PathBuf], settle: &Settlement) -> Result<MergeReport> {
    merge_if(store, files, settle, &Progress::none(), |_| false)
}

/// Merges `files` into the database in one transaction, settling conflicts as `settle` says.
pub fn merge(store: &mut Store, files: &[PathBuf], settle: &Settlement) -> Result<MergeReport> {
    merge_if(store, files, settle, &Progress::none(), |_| true)
}

/// Verifies every package, merges them all in one transaction, and keeps the result only if
/// `keep` says so on seeing the report (otherwise the transaction is rolled back). `progress`
/// hears which package and table is merged, row by row; cancelling it rolls everything back.
pub fn merge_if(
    store: &mut Store,
    files: &[PathBuf],
    settle: &Settlement,
    progress: &Progress,
    keep: impl FnOnce(&MergeReport) -> bool,
) -> Result<MergeReport> {
    merge_sealed_if(store, files, None, settle, progress, keep)
}

/// [`merge_if`] where packages may be sealed: `passphrase` opens them (a sealed package
/// without it, or one it does not open, is refused before anything is written).
pub fn merge_sealed_if(
    store: &mut Store,
    files: &[PathBuf],
    passphrase: Option<&str>,
    settle: &Settlement,
    progress: &Progress,
    keep: impl FnOnce(&MergeReport) -> bool,
) -> Result<MergeReport> {
    let packages = files.iter().map(|f| Package::open_sealed(f, passphrase)).collect::<Result<Vec<_>>>()?;
    for package in &packages {
        validate::check(package, store.conn(), Utc::now())?;
    }
    let me = store.device_id().to_string();
    let db = store.path().to_path_buf();
    let key = store.key().cloned();
    // SQLite attaches nothing inside a transaction: the packages are attached before it begins
    // (as many as this build's SQLite allows), so their new rows go in with one INSERT … SELECT
    // per table. A package read sequentially needs little cache of its own.
    let mut attached = Vec::new();
    for (i, package) in packages.iter().enumerate().take(ATTACHED_PACKAGES) {
        let name = format!("zfp_package_{i}");
        let uri = package.sqlite_uri()?;
        let sql = format!("ATTACH DATABASE ?1 AS {name} KEY ''");
        let ok = store.conn().execute(&sql, [uri]).is_ok();
        if ok {
            // Only a smaller cache: the package reads the same without it.
            let _ = store.conn().execute_batch(&format!("PRAGMA {name}.cache_size = -512"));
        }
        attached.push(ok.then_some(name));
    }
    // Answers are the bulk of a merge: their entries come from the packages' logs rather than
    // from this database's triggers (the other merged rows are logged here as they are written).
    let merged = store
        .with_answers_unlogged(|store| {
            let tx = store.conn_mut().transaction()?;
            let mut report = MergeReport { files: Vec::new(), written: false };
            for (i, package) in packages.iter().enumerate() {
                let schema = attached.get(i).cloned().flatten();
                report.files.push(Merger::new(&tx, package, &me, settle, progress, schema)?.run()?);
            }
            if keep(&report) {
                // The backup reads the last committed state through its own connection: the
                // database as it was before this merge. A merge that adds, replaces or settles no
                // row (the same packages again) only notes what was seen: it needs no way back, and
                // copying a whole township for it would cost more than the merge itself.
                if db.is_file() && report.changes_rows() {
                    crate::store::backup::backup_before_keyed(&db, crate::store::backup::Reason::Merge, key.as_ref())?;
                }
                tx.commit()?;
                report.written = true;
            }
            Ok(report)
        })
        .map_err(ExchangeError::from)
        .and_then(|merged| merged);
    for name in attached.into_iter().flatten() {
        let _ = store.conn().execute(&format!("DETACH DATABASE {name}"), []);
    }
    merged
}

/// Packages attached to the database's connection during a merge: SQLite is built to allow
/// 125 attached files (`SQLITE_MAX_ATTACHED` in `.cargo/config.toml`; 10 otherwise, when a
/// package beyond them is merged row by row), and the photo store takes one.
const ATTACHED_PACKAGES: usize = 120;

/// Where a table's columns sit in the package's rows.
struct Shape {
    table: &'static Table,
    columns: Vec<String>,
    id: usize,
    updated: usize,
    origin: usize,
    deleted: usize,
    refs: Vec<(usize, &'static Ref)>,
}

impl Shape {
    /// The package's columns of `table`, each of which this database must also have.
    fn of(table: &'static Table, pkg: &Package, local: &Connection) -> Result<Shape> {
        let columns = column_names(pkg.conn(), table.name)?;
        let known = column_names(local, table.name)?;
        let stamped = if table.name == ANSWERS { &[][..] } else { &["id", "updated_at", "origin", "deleted_at"][..] };
        let needed = table.key.iter().chain(stamped).chain(table.refs.iter().map(|r| &r.column));
        let unknown = columns.iter().find(|c| !known.contains(c)).map(|c| ("exchange.err.unknown_column", c.as_str()));
        let missing =
            || needed.clone().find(|c| !columns.iter().any(|x| x == *c)).map(|c| ("exchange.err.missing_column", *c));
        if let Some((key, column)) = unknown.or_else(missing) {
            let reason = crate::i18n::tf(key, &[("column", &format!("{}.{column}", table.name))]);
            return Err(ExchangeError::Damaged(pkg.path().to_path_buf(), reason));
        }
        let at = |name: &str| columns.iter().position(|c| c == name).unwrap_or(usize::MAX);
        let refs = table.refs.iter().map(|r| (at(r.column), r)).collect();
        Ok(Shape {
            table,
            id: at("id"),
            updated: at("updated_at"),
            origin: at("origin"),
            deleted: at("deleted_at"),
            refs,
            columns,
        })
    }

    fn at(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    fn list(&self) -> String {
        self.columns.join(", ")
    }

    fn insert_sql(&self) -> String {
        let marks: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO {} ({}) VALUES ({})", self.table.name, self.list(), marks.join(", "))
    }

    fn update_sql(&self) -> String {
        let sets: Vec<String> = self.columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
        format!("UPDATE {} SET {} WHERE id = ?{}", self.table.name, sets.join(", "), self.id + 1)
    }

    /// A row's label from its `label` columns.
    fn label(&self, row: &[Value]) -> String {
        let parts: Vec<String> = self
            .table
            .label
            .iter()
            .filter_map(|c| self.at(c).map(|i| show(&row[i])))
            .filter(|s| !s.is_empty())
            .collect();
        parts.join(" · ")
    }
}

/// A value as people read it.
fn show(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => crate::i18n::tf("exchange.bytes", &[("n", &b.len().to_string())]),
    }
}

fn text(v: &Value) -> &str {
    match v {
        Value::Text(s) => s,
        _ => "",
    }
}

/// Merges one package within the open transaction.
struct Merger<'a> {
    tx: &'a Connection,
    pkg: &'a Package,
    me: &'a str,
    settle: &'a Settlement,
    progress: &'a Progress,
    /// Incoming id → local id, for rows recognised under another id.
    ids: HashMap<String, String>,
    /// Local ids some incoming row was recognised as (each may be claimed once).
    claimed: HashSet<String>,
    /// The package's households → their head's ID number.
    heads: HashMap<String, String>,
    /// The local village's knowledge: device → newest stamp of theirs seen.
    known: HashMap<String, String>,
    /// The village's local id.
    village: String,
    tables: Vec<(&'static str, Counts)>,
    conflicts: Vec<Conflict>,
    /// Where the answers' columns sit, and what happened to them.
    answer_shape: Shape,
    answers: Counts,
    /// The package's schema name when it is attached to `tx`: its answers are then copied in
    /// one statement after the visits, from `moves`.
    schema: Option<String>,
    /// Visits whose answers are to be copied: incoming id, local id, whether the visit is new.
    moves: Vec<(String, String, bool)>,
}

impl<'a> Merger<'a> {
    fn new(
        tx: &'a Connection,
        pkg: &'a Package,
        me: &'a str,
        settle: &'a Settlement,
        progress: &'a Progress,
        schema: Option<String>,
    ) -> Result<Self> {
        let heads = pkg
            .conn()
            .prepare(
                "SELECT household_id, id_number FROM members
                  WHERE relation = ?1 AND deleted_at IS NULL AND id_number <> ''",
            )?
            .query_map([Relation::Head.code()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let answer_shape = Shape::of(table(ANSWERS).expect("answers travel"), pkg, tx)?;
        Ok(Merger {
            tx,
            pkg,
            me,
            settle,
            progress,
            ids: HashMap::new(),
            claimed: HashSet::new(),
            heads,
            known: HashMap::new(),
            village: pkg.manifest().village_id.clone(),
            tables: Vec::new(),
            conflicts: Vec::new(),
            answer_shape,
            answers: Counts::default(),
            schema,
            moves: Vec::new(),
        })
    }

    fn run(mut self) -> Result<FileReport> {
        // The maker's log first: the entries this database's triggers write for the merged rows
        // come after it, as the rows' last local state.
        super::audit::merge(self.pkg.conn(), self.pkg.path(), self.tx, self.schema.as_deref())?;
        for t in TABLES {
            if t.name == ANSWERS {
                continue;
            }
            let counts = self.table(t)?;
            self.tables.push((t.name, counts));
            if t.name == "visits" {
                self.copy_answers()?;
            }
        }
        self.answers.unchanged =
            (self.pkg.manifest().rows_of(ANSWERS) as usize).saturating_sub(self.answers.added + self.answers.updated);
        let at = self.tables.iter().position(|(n, _)| *n == "visits").map_or(self.tables.len(), |i| i + 1);
        self.tables.insert(at, (ANSWERS, self.answers));
        self.copy_pictures()?;
        self.record_knowledge()?;
        Ok(FileReport {
            path: self.pkg.path().to_path_buf(),
            manifest: self.pkg.manifest().clone(),
            tables: self.tables,
            conflicts: self.conflicts,
        })
    }

    fn table(&mut self, t: &'static Table) -> Result<Counts> {
        let shape = Shape::of(t, self.pkg, self.tx)?;
        let mut counts = Counts::default();
        let file = self.pkg.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let step = crate::i18n::tf("exchange.merging", &[("file", &file), ("table", &table_label(t.name))]);
        self.progress.step(step, self.pkg.manifest().rows_of(t.name).max(0) as u64);
        match self.schema.clone() {
            // A row of a table without matchers is either here under its own id or new.
            Some(schema) if t.matchers.is_empty() => self.table_set_wise(&shape, &schema, &mut counts)?,
            _ => {
                self.rows(&shape, |_| true, &mut counts)?;
            }
        }
        Ok(counts)
    }

    /// Runs [`Merger::row`] on the package's rows of `shape`'s table for which `wanted(id)`, in
    /// key order; returns how many it looked at.
    fn rows(&mut self, shape: &Shape, wanted: impl Fn(&str) -> bool, counts: &mut Counts) -> Result<u64> {
        let pkg = self.pkg;
        let t = shape.table;
        let mut st =
            pkg.conn().prepare(&format!("SELECT {} FROM {} ORDER BY {}", shape.list(), t.name, key_list(t)))?;
        let mut rows = st.query([])?;
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            let values = (0..shape.columns.len()).map(|i| row.get(i)).collect::<rusqlite::Result<Vec<Value>>>()?;
            if !wanted(text(&values[shape.id])) {
                continue;
            }
            self.row(shape, values, counts)?;
            n += 1;
            if n.is_multiple_of(256) {
                self.progress.set_done(n);
                if self.progress.cancelled() {
                    return Err(StoreError::Cancelled.into());
                }
            }
        }
        Ok(n)
    }

    /// Merges a table whose rows are never recognised under another id, from the attached
    /// package: the rows this database has are merged one by one (compared, kept, replaced or
    /// in conflict, as [`Merger::row`] decides); the new ones go in with one `INSERT … SELECT`,
    /// their references mapped through a temporary table of recognised ids. A new row pointing
    /// nowhere, or breaking a uniqueness rule, is merged by the row path instead, which names it.
    fn table_set_wise(&mut self, shape: &Shape, schema: &str, counts: &mut Counts) -> Result<()> {
        let t = shape.table.name;
        self.tx.execute_batch(
            "DROP TABLE IF EXISTS temp.zfp_new;
             CREATE TEMP TABLE zfp_new (id TEXT PRIMARY KEY) WITHOUT ROWID;
             CREATE TEMP TABLE IF NOT EXISTS zfp_ids (incoming TEXT PRIMARY KEY, local TEXT NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.zfp_ids;",
        )?;
        {
            let mut st = self.tx.prepare("INSERT INTO temp.zfp_ids VALUES (?1, ?2)")?;
            for (incoming, local) in &self.ids {
                st.execute([incoming, local])?;
            }
        }
        self.tx.execute(
            &format!(
                "INSERT INTO temp.zfp_new SELECT p.id FROM {schema}.{t} p
                  WHERE NOT EXISTS (SELECT 1 FROM main.{t} l WHERE l.id = p.id)"
            ),
            [],
        )?;
        let new: HashSet<String> = self
            .tx
            .prepare("SELECT id FROM temp.zfp_new")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let done = self.rows(shape, |id| !new.contains(id), counts)?;
        if self.progress.cancelled() {
            return Err(StoreError::Cancelled.into());
        }
        // Each column as it goes in: references mapped to local ids; a nullable one pointing at
        // no row here is left empty (as the row path does for a new row).
        let mapped =
            |c: &str| format!("coalesce((SELECT z.local FROM temp.zfp_ids z WHERE z.incoming = p.{c}), p.{c})");
        let found = |r: &Ref| {
            let any: Vec<String> = r
                .targets
                .iter()
                .map(|target| format!("EXISTS (SELECT 1 FROM main.{target} x WHERE x.id = {})", mapped(r.column)))
                .collect();
            format!("({})", any.join(" OR "))
        };
        let picked: Vec<String> = shape
            .columns
            .iter()
            .map(|c| match shape.table.refs.iter().find(|r| r.column == c) {
                Some(r) if r.nullable => format!(
                    "CASE WHEN typeof(p.{c}) <> 'text' THEN p.{c} WHEN {} THEN {} ELSE NULL END",
                    found(r),
                    mapped(c)
                ),
                Some(_) => format!("CASE WHEN typeof(p.{c}) <> 'text' THEN p.{c} ELSE {} END", mapped(c)),
                None => format!("p.{c}"),
            })
            .collect();
        let from = format!("FROM {schema}.{t} p JOIN temp.zfp_new n ON n.id = p.id");
        let dangling: Vec<String> = shape
            .table
            .refs
            .iter()
            .filter(|r| !r.nullable)
            .map(|r| format!("(typeof(p.{}) = 'text' AND NOT {})", r.column, found(r)))
            .collect();
        let dangles = !dangling.is_empty()
            && self.tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 {from} WHERE {})", dangling.join(" OR ")),
                [],
                |r| r.get::<_, bool>(0),
            )?;
        let inserted = if dangles {
            None
        } else {
            self.tx.execute_batch("SAVEPOINT zfp_new_rows")?;
            let sql =
                format!("INSERT INTO main.{t} ({}) SELECT {} {from} ORDER BY p.id", shape.list(), picked.join(", "));
            match self.tx.execute(&sql, []) {
                Ok(n) => {
                    self.tx.execute_batch("RELEASE zfp_new_rows")?;
                    Some(n)
                }
                Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                    self.tx.execute_batch("ROLLBACK TO zfp_new_rows; RELEASE zfp_new_rows")?;
                    None
                }
                Err(e) => return Err(e.into()),
            }
        };
        match inserted {
            Some(n) => {
                counts.added += n;
                if t == "visits" {
                    let mut ids: Vec<&String> = new.iter().collect();
                    ids.sort();
                    self.moves.extend(ids.into_iter().map(|id| (id.clone(), id.clone(), true)));
                }
            }
            // The row path says which row and why.
            None => {
                self.rows(shape, |id| new.contains(id), counts)?;
            }
        }
        self.progress.set_done(done + new.len() as u64);
        self.tx.execute_batch("DROP TABLE temp.zfp_new")?;
        Ok(())
    }

    /// Merges one incoming row (values in the package's column order).
    fn row(&mut self, shape: &Shape, mut theirs: Vec<Value>, counts: &mut Counts) -> Result<()> {
        let t = shape.table;
        let incoming = text(&theirs[shape.id]).to_string();
        let dangling = self.map_refs(shape, &mut theirs)?;
        let local_id = if self.exists(t.name, &incoming)? {
            Some(incoming.clone())
        } else if theirs[shape.deleted] == Value::Null {
            self.recognise(shape, &theirs, &incoming)?
        } else {
            None
        };
        if t.name == "villages" {
            self.village = local_id.clone().unwrap_or_else(|| incoming.clone());
            self.known = self.load_known()?;
        }
        let Some(local_id) = local_id else {
            for i in dangling {
                theirs[i] = Value::Null;
            }
            self.write(shape, &shape.insert_sql(), &theirs)?;
            counts.added += 1;
            return self.replace_answers(t, &incoming, &incoming, true);
        };
        if local_id != incoming {
            self.ids.insert(incoming.clone(), local_id.clone());
            self.claimed.insert(local_id.clone());
            theirs[shape.id] = Value::Text(local_id.clone());
        }
        let sql = format!("SELECT {} FROM {} WHERE id = ?1", shape.list(), t.name);
        let mine: Vec<Value> = self
            .tx
            .prepare_cached(&sql)?
            .query_row([&local_id], |r| (0..shape.columns.len()).map(|i| r.get(i)).collect())?;
        for i in dangling {
            theirs[i] = mine[i].clone();
        }
        let diffs = if t.immutable { Vec::new() } else { self.differences(shape, &mine, &theirs, &incoming)? };
        if diffs.is_empty() {
            counts.unchanged += 1;
            return Ok(());
        }
        let version = |row: &[Value]| (text(&row[shape.updated]).to_string(), text(&row[shape.origin]).to_string());
        let (mine_v, theirs_v) = (version(&mine), version(&theirs));
        let newer = if theirs_v > mine_v { Side::Theirs } else { Side::Mine };
        let they_knew_mine = self.pkg.knew(&mine_v.1, &mine_v.0);
        let we_knew_theirs = theirs_v.1 == self.me || self.known.get(&theirs_v.1).is_some_and(|s| *s >= theirs_v.0);
        if they_knew_mine || we_knew_theirs {
            if newer == Side::Theirs {
                self.write(shape, &shape.update_sql(), &theirs)?;
                counts.updated += 1;
                return self.replace_answers(t, &incoming, &local_id, false);
            }
            counts.kept += 1;
            return Ok(());
        }
        let key = ConflictKey { table: t.name.to_string(), id: local_id.clone() };
        let chosen = self.settle.choices.get(&key).copied().or(self.settle.rest).unwrap_or(newer);
        counts.conflicts += 1;
        self.conflicts.push(Conflict {
            key,
            label: shape.label(&mine),
            fields: diffs,
            mine_at: mine_v.0.clone(),
            theirs_at: theirs_v.0.clone(),
            newer,
            chosen,
        });
        if chosen == Side::Theirs {
            self.write(shape, &shape.update_sql(), &theirs)?;
            self.replace_answers(t, &incoming, &local_id, false)?;
        }
        if chosen != newer {
            let stamp = later_than(&mine_v.0, &theirs_v.0);
            self.tx
                .prepare_cached(&format!("UPDATE {} SET updated_at = ?1, origin = ?2 WHERE id = ?3", t.name))?
                .execute(params![stamp, self.me, local_id])?;
        }
        Ok(())
    }

    /// What differs between the local row and the incoming one, stamps aside. A visit whose
    /// stamp differs is also compared by its answers (they carry no stamps of their own).
    fn differences(&self, shape: &Shape, mine: &[Value], theirs: &[Value], incoming: &str) -> Result<Vec<FieldDiff>> {
        let stamps = [shape.updated, shape.origin];
        let mut diffs: Vec<FieldDiff> = (0..mine.len())
            .filter(|i| !stamps.contains(i) && mine[*i] != theirs[*i])
            .map(|i| FieldDiff { column: shape.columns[i].clone(), mine: show(&mine[i]), theirs: show(&theirs[i]) })
            .collect();
        if shape.table.name == "visits" && mine[shape.updated] != theirs[shape.updated] {
            let local = self.answers_of(self.tx, text(&mine[shape.id]))?;
            let other = self.answers_of(self.pkg.conn(), incoming)?;
            for item in local.keys().chain(other.keys().filter(|k| !local.contains_key(*k))) {
                let (a, b) =
                    (local.get(item).cloned().unwrap_or_default(), other.get(item).cloned().unwrap_or_default());
                if a != b {
                    diffs.push(FieldDiff { column: format!("{ANSWER_PREFIX}{item}"), mine: a, theirs: b });
                }
            }
        }
        Ok(diffs)
    }

    /// A visit's answers in `conn`: item code → the answer as people read it.
    fn answers_of(&self, conn: &Connection, visit: &str) -> Result<BTreeMap<String, String>> {
        let shape = &self.answer_shape;
        let (item, visit_col) = (shape.at("item_code"), shape.at("visit_id"));
        let mut st = conn.prepare_cached(&format!("SELECT {} FROM {ANSWERS} WHERE visit_id = ?1", shape.list()))?;
        let mut rows = st.query([visit])?;
        let mut out = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let row = (0..shape.columns.len()).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<Value>>>()?;
            let shown: Vec<String> = (0..row.len())
                .filter(|i| Some(*i) != item && Some(*i) != visit_col)
                .map(|i| show(&row[i]))
                .filter(|s| !s.is_empty())
                .collect();
            out.insert(item.map(|i| show(&row[i])).unwrap_or_default(), shown.join(" · "));
        }
        Ok(out)
    }

    /// Maps references to rows recognised under another id and checks each points at a row this
    /// database has; returns the nullable ones that point nowhere (they keep the local value).
    fn map_refs(&self, shape: &Shape, row: &mut [Value]) -> Result<Vec<usize>> {
        let mut dangling = Vec::new();
        for &(i, r) in &shape.refs {
            let Value::Text(id) = &row[i] else { continue };
            let id = self.ids.get(id).cloned().unwrap_or_else(|| id.clone());
            let mut found = false;
            for target in r.targets {
                found |= self.exists(target, &id)?;
            }
            row[i] = Value::Text(id);
            if !found {
                if !r.nullable {
                    return Err(ExchangeError::Dangling {
                        path: self.pkg.path().to_path_buf(),
                        table: table_label(shape.table.name),
                        row: shape.label(row),
                        column: r.column.to_string(),
                    });
                }
                dangling.push(i);
            }
        }
        Ok(dangling)
    }

    /// The local row that is the same as an incoming row with an unknown id, if any: found by a
    /// matcher, not itself in the package under its own id, and not claimed by another row.
    fn recognise(&self, shape: &Shape, row: &[Value], incoming: &str) -> Result<Option<String>> {
        for m in shape.table.matchers {
            let values: Vec<Value> = m
                .columns
                .iter()
                .map(|c| match (*c, shape.at(c)) {
                    (HEAD_ID, _) => self.heads.get(incoming).map_or(Value::Null, |s| Value::Text(s.clone())),
                    (_, Some(i)) => row[i].clone(),
                    (_, None) => Value::Null,
                })
                .collect();
            if values.iter().any(|v| matches!(v, Value::Null) || matches!(v, Value::Text(s) if s.is_empty())) {
                continue;
            }
            let mut st = self.tx.prepare_cached(m.sql)?;
            let mut found = st.query(params_from_iter(values))?;
            while let Some(r) = found.next()? {
                let id: String = r.get(0)?;
                let in_package = self
                    .pkg
                    .conn()
                    .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", shape.table.name))?
                    .exists([&id])?;
                if !in_package && !self.claimed.contains(&id) {
                    return Ok(Some(id));
                }
            }
        }
        Ok(None)
    }

    fn exists(&self, table: &str, id: &str) -> Result<bool> {
        Ok(self.tx.prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?.exists([id])?)
    }

    /// Runs an insert or update of `row`, naming the row if it breaks a uniqueness rule.
    fn write(&self, shape: &Shape, sql: &str, row: &[Value]) -> Result<()> {
        match self.tx.prepare_cached(sql)?.execute(params_from_iter(row)) {
            Ok(_) => Ok(()),
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => Err(ExchangeError::Duplicate {
                path: self.pkg.path().to_path_buf(),
                table: table_label(shape.table.name),
                row: shape.label(row),
                reason: e.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// After a visit was added or replaced, gives it the package's answers.
    fn replace_answers(&mut self, t: &Table, incoming: &str, local: &str, fresh: bool) -> Result<()> {
        if t.name != "visits" {
            return Ok(());
        }
        let shape = &self.answer_shape;
        let visit = shape.at("visit_id").expect("answers name their visit");
        if !fresh {
            self.tx.prepare_cached(&format!("DELETE FROM {ANSWERS} WHERE visit_id = ?1"))?.execute([local])?;
        }
        if self.schema.is_some() {
            self.moves.push((incoming.to_string(), local.to_string(), fresh));
            return Ok(());
        }
        let pkg = self.pkg;
        let mut st =
            pkg.conn().prepare_cached(&format!("SELECT {} FROM {ANSWERS} WHERE visit_id = ?1", shape.list()))?;
        let mut rows = st.query([incoming])?;
        let insert = shape.insert_sql();
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let mut row = (0..shape.columns.len()).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<Value>>>()?;
            row[visit] = Value::Text(local.to_string());
            self.write(shape, &insert, &row)?;
            n += 1;
        }
        if fresh {
            self.answers.added += n;
        } else {
            self.answers.updated += n;
        }
        Ok(())
    }

    /// Copies the answers of the visits added or replaced from the attached package in one
    /// statement, through a temporary table of incoming → local visit ids.
    fn copy_answers(&mut self) -> Result<()> {
        let Some(schema) = self.schema.clone() else { return Ok(()) };
        let moves = std::mem::take(&mut self.moves);
        if moves.is_empty() {
            return Ok(());
        }
        self.tx.execute_batch(
            "DROP TABLE IF EXISTS temp.zfp_answer_moves;
             CREATE TEMP TABLE zfp_answer_moves (
                 incoming TEXT NOT NULL UNIQUE, local TEXT NOT NULL, fresh INTEGER NOT NULL,
                 PRIMARY KEY (local, incoming)
             ) WITHOUT ROWID;",
        )?;
        {
            let mut st = self.tx.prepare("INSERT INTO temp.zfp_answer_moves VALUES (?1, ?2, ?3)")?;
            for (incoming, local, fresh) in &moves {
                st.execute(params![incoming, local, fresh])?;
            }
        }
        let shape = &self.answer_shape;
        let picked: Vec<String> = shape
            .columns
            .iter()
            .map(|c| if c == "visit_id" { "m.local".to_string() } else { format!("a.{c}") })
            .collect();
        // Visit by visit in local order, each visit's answers by the package's primary key: the
        // rows arrive in the order of this database's key, with no sort.
        let from = format!("FROM temp.zfp_answer_moves m JOIN {schema}.{ANSWERS} a ON a.visit_id = m.incoming");
        // Only replaced visits' answers are counted apart (few, or none into an empty database).
        let replaced: i64 =
            self.tx.query_row(&format!("SELECT count(*) {from} WHERE NOT m.fresh"), [], |r| r.get(0))?;
        let replaced = replaced as usize;
        let copied = self.tx.execute(
            &format!(
                "INSERT INTO main.{ANSWERS} ({}) SELECT {} {from} ORDER BY m.local",
                shape.list(),
                picked.join(", ")
            ),
            [],
        )?;
        self.answers.updated += replaced;
        self.answers.added += copied.saturating_sub(replaced);
        self.tx.execute_batch("DROP TABLE temp.zfp_answer_moves")?;
        Ok(())
    }

    fn load_known(&self) -> Result<HashMap<String, String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT device_id, received_up_to FROM sync_state WHERE village_id = ?1")?
            .query_map([&self.village], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Stores the package's pictures (thumbnails, and full photos when it carries them) once per
    /// content hash: merging again adds nothing, and a full photo arriving later fills in a
    /// thumbnail-only copy. A full picture whose bytes do not hash to its key refuses the package.
    fn copy_pictures(&self) -> Result<()> {
        let has: i64 = self.pkg.conn().query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [PHOTO_BLOBS],
            |r| r.get(0),
        )?;
        if has == 0 {
            return Ok(());
        }
        let mut st = self.pkg.conn().prepare(&format!("SELECT sha256, mime, thumb, full FROM {PHOTO_BLOBS}"))?;
        let mut rows = st.query([])?;
        let mut put = self.tx.prepare_cached(&format!(
            "INSERT INTO {}.blobs(sha256, mime, thumb, full) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(sha256) DO UPDATE SET full = coalesce({0}.blobs.full, excluded.full)",
            crate::store::PHOTOS
        ))?;
        while let Some(row) = rows.next()? {
            let (sha, mime, thumb, full): (String, String, Vec<u8>, Option<Vec<u8>>) =
                (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
            if full.as_deref().is_some_and(|f| crate::photo::sha256_hex(f) != sha) {
                let reason = crate::i18n::tf("exchange.err.photo_hash", &[("sha", &sha)]);
                return Err(ExchangeError::Damaged(self.pkg.path().to_path_buf(), reason));
            }
            put.execute(params![sha, mime, thumb, full])?;
            if self.progress.cancelled() {
                return Err(StoreError::Cancelled.into());
            }
        }
        Ok(())
    }

    /// After the merge this database has seen everything the package's maker had.
    fn record_knowledge(&self) -> Result<()> {
        let now = now_stamp();
        let mut st = self.tx.prepare_cached(
            "INSERT INTO sync_state(device_id, village_id, received_up_to, merged_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(device_id, village_id) DO UPDATE
               SET received_up_to = excluded.received_up_to, merged_at = excluded.merged_at
               WHERE excluded.received_up_to > received_up_to",
        )?;
        for (device, up_to) in self.pkg.knowledge().filter(|(d, _)| *d != self.me) {
            st.execute(params![device, self.village, up_to, now])?;
        }
        Ok(())
    }
}

/// A stamp later than both `a` and `b` and no earlier than now.
fn later_than(a: &str, b: &str) -> String {
    let now = Utc::now();
    let newest =
        [a, b].iter().filter_map(|s| DateTime::parse_from_rfc3339(s).ok()).map(|d| d.with_timezone(&Utc)).max();
    let at = match newest {
        Some(n) if n >= now => n + TimeDelta::milliseconds(1),
        _ => now,
    };
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
