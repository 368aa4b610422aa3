//! The audit log in packages: the entries about the rows a package carries travel with it, and
//! merging adds the entries this database lacks (the same device, place and hash) — merging the
//! same package twice adds nothing. Entries arrive as history (`local = 0`): the rows a
//! merge writes are logged here by this database's own triggers.

use super::error::ExchangeError;
use super::tables::{ANSWERS, TABLES};
use crate::store::audit::entry_hash;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::path::Path;

/// The package's table of log entries.
pub(super) const AUDIT: &str = "audit_log";
/// The columns that travel (the local order `n` and `local` do not).
pub(super) const COLUMNS: &str =
    "hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash";

/// Whether the schema `schema` of `conn` holds a log (packages of earlier builds do not).
pub(super) fn present(conn: &Connection, schema: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!("SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = '{AUDIT}'"),
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Copies into the package being made (`pkg`) the entries of `main`'s log about the rows it
/// carries — a village's package does not carry the township's log. Every entry about a row of
/// the package travels, and for a visit in it the entries of its answers (one per visit, or one
/// per answer from databases before schema 9). Entries
/// about other villages' rows stay behind, so a device's chain arrives with gaps: each entry
/// still carries its hash and its predecessor's, so each is verified on its own and consecutive
/// ones link. Returns the entries.
pub(super) fn pack(tx: &Connection) -> rusqlite::Result<usize> {
    // No index: the entries go in chain order, each next to its predecessor, whose hash it
    // repeats, so the package's compression finds that repetition.
    tx.execute_batch(&format!(
        "CREATE TABLE pkg.{AUDIT} ({COLUMNS});
         DROP TABLE IF EXISTS temp.zfp_entries;
         CREATE TEMP TABLE zfp_entries (n INTEGER PRIMARY KEY);"
    ))?;
    // Each row of the package looks up its entries (CROSS JOIN keeps that order: the other way
    // round, every answer entry of the township would scan the package's visits).
    for t in TABLES {
        let from = if t.name == ANSWERS {
            format!(
                "FROM pkg.visits v CROSS JOIN main.{AUDIT} a ON a.tbl = '{ANSWERS}'
                   AND a.row_id >= v.id AND a.row_id < v.id || '0' AND (a.row_id = v.id OR substr(a.row_id, length(v.id) + 1, 1) = '/')"
            )
        } else {
            let key: Vec<String> = t.key.iter().map(|c| format!("r.\"{c}\"")).collect();
            format!(
                "FROM pkg.\"{name}\" r CROSS JOIN main.{AUDIT} a ON a.tbl = '{name}' AND a.row_id = {key}",
                name = t.name,
                key = key.join(" || '/' || ")
            )
        };
        tx.execute(&format!("INSERT OR IGNORE INTO temp.zfp_entries SELECT a.n {from}"), [])?;
    }
    let n = tx.execute(
        &format!(
            "INSERT INTO pkg.{AUDIT} ({COLUMNS}) SELECT {COLUMNS} FROM main.{AUDIT}
              WHERE n IN (SELECT n FROM temp.zfp_entries) ORDER BY device, seq, n"
        ),
        [],
    )?;
    tx.execute_batch("DROP TABLE temp.zfp_entries")?;
    Ok(n)
}

/// Adds the package's entries this database lacks; an entry whose hash does not match its
/// content refuses the package. Returns how many were added.
///
/// When the package is attached to `tx` as `schema`, the new entries are checked and copied with
/// two statements (entries already here are neither hashed again nor copied); otherwise row by
/// row from the package's own connection.
pub(super) fn merge(
    pkg: &Connection,
    path: &Path,
    tx: &Connection,
    schema: Option<&str>,
) -> Result<usize, ExchangeError> {
    if !present(pkg, "main")? {
        return Ok(0);
    }
    match schema {
        Some(schema) => merge_attached(schema, path, tx),
        None => merge_rows(pkg, path, tx),
    }
}

fn merge_attached(schema: &str, path: &Path, tx: &Connection) -> Result<usize, ExchangeError> {
    let new = format!("FROM {schema}.{AUDIT} p WHERE NOT EXISTS ({})", known("p.device", "p.seq", "p.hash"));
    let bad: Option<(String, String)> = tx
        .query_row(
            &format!(
                "SELECT p.seq, p.device {new}
                   AND (typeof(p.seq) <> 'integer' OR p.hash IS NOT zf_entry_hash(p.prev_hash, p.seq, p.at, p.device,
                        p.person_id, p.person, p.tbl, p.row_id, p.action, p.changes, p.row_hash))
                  LIMIT 1"
            ),
            [],
            |r| {
                Ok((
                    r.get::<_, rusqlite::types::Value>(0).map(|v| text_of(&v))?,
                    r.get::<_, rusqlite::types::Value>(1).map(|v| text_of(&v))?,
                ))
            },
        )
        .optional()?;
    if let Some((seq, device)) = bad {
        return Err(damaged(path, &seq, &device));
    }
    Ok(tx.execute(
        &format!(
            "INSERT OR IGNORE INTO main.{AUDIT} ({COLUMNS}, local) SELECT {COLUMNS}, 0 {new} ORDER BY p.device, p.seq"
        ),
        [],
    )?)
}

fn merge_rows(pkg: &Connection, path: &Path, tx: &Connection) -> Result<usize, ExchangeError> {
    let mut read = pkg.prepare(&format!("SELECT {COLUMNS} FROM {AUDIT} ORDER BY device, seq"))?;
    let mut known = tx.prepare_cached(&known("?3", "?2", "?1"))?;
    let mut insert = tx.prepare_cached(&format!("INSERT INTO {AUDIT} ({COLUMNS}, local) VALUES ({}, 0)", marks(12)))?;
    let mut rows = read.query([])?;
    let mut added = 0;
    while let Some(r) = rows.next()? {
        let values = (0..12).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        if known.exists(params![&values[0], &values[2], &values[4]])? {
            continue;
        }
        let text: Vec<String> = values.iter().map(text_of).collect();
        let fields: Vec<&str> = text[1..].iter().map(String::as_str).collect();
        if !matches!(values[2], Value::Integer(_)) || entry_hash(&fields) != text[0] {
            return Err(damaged(path, &text[2], &text[4]));
        }
        added += insert.execute(params_from_iter(values))?;
    }
    Ok(added)
}

/// A value as the entry hash reads it.
fn text_of(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Integer(n) => n.to_string(),
        _ => String::new(),
    }
}

fn damaged(path: &Path, seq: &str, device: &str) -> ExchangeError {
    let reason = crate::i18n::tf("exchange.err.audit_entry", &[("seq", seq), ("device", device)]);
    ExchangeError::Damaged(path.to_path_buf(), reason)
}

/// The query of an entry of this database's log by its device, place and hash (found through
/// the chain index).
fn known(device: &str, seq: &str, hash: &str) -> String {
    format!("SELECT 1 FROM main.{AUDIT} m WHERE m.device = {device} AND m.seq = {seq} AND m.hash = {hash}")
}

fn marks(n: usize) -> String {
    (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// A package's log holding one entry made by hand, its person changed after hashing if `forged`.
    fn package_log(forged: bool) -> Connection {
        let pkg = Connection::open_in_memory().unwrap();
        pkg.execute_batch(&format!("CREATE TABLE {AUDIT} ({COLUMNS})")).unwrap();
        let fields =
            ["", "1", "2026-12-01T08:00:00.000Z", "dev-a", "c1", "张三", "households", "h1", "insert", "{}", "ab"];
        let hash = entry_hash(&fields);
        let stored_person = if forged { "李四" } else { fields[5] };
        pkg.execute(
            &format!("INSERT INTO {AUDIT} VALUES (?1, '', 1, ?2, 'dev-a', 'c1', ?3, 'households', 'h1', 'insert', '{{}}', 'ab')"),
            rusqlite::params![hash, fields[2], stored_person],
        )
        .unwrap();
        pkg
    }

    fn entries(store: &Store) -> i64 {
        store.conn().query_row("SELECT count(*) FROM audit_log WHERE local = 0", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_row_path_adds_new_entries_once_and_refuses_a_forged_one() {
        let store = Store::open_in_memory().unwrap();
        let path = Path::new("村.zfp");
        let good = package_log(false);
        assert_eq!(merge_rows(&good, path, store.conn()).unwrap(), 1);
        assert_eq!(merge_rows(&good, path, store.conn()).unwrap(), 0);
        let store = Store::open_in_memory().unwrap();
        let err = merge_rows(&package_log(true), path, store.conn()).unwrap_err();
        assert!(err.to_string().contains("与其哈希不符"), "{err}");
        assert_eq!(entries(&store), 0);
    }
}
