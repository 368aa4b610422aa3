//! Hostile packages: a recomputed checksum no longer lets anything in. Rows are checked as the
//! app's forms would check them, only real tables are read, and a schema that cannot be read is
//! refused — each in one Chinese sentence naming the file, the database untouched.

use crate::support::{failed, ok, zoufang};
use std::path::{Path, PathBuf};
use zoufang::exchange::package::{forge as forge_package, unpack};

/// A demo village packed into `dir`, and a fresh database to merge it into.
fn package(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("village.db");
    ok(zoufang(&db, &["demo", "--seed", "3", "--households", "12"]));
    let out = dir.join("village.zfp");
    ok(zoufang(&db, &["pack", "--out", out.to_str().unwrap()]));
    let town = dir.join("town.db");
    zoufang::store::Store::open(&town).unwrap();
    (out, town)
}

/// Edits the package with `sql` and recomputes its checksum, as a forger would.
fn forge(pkg: &Path, sql: &str) {
    forge_package(pkg, sql).unwrap();
}

fn households(db: &Path) -> i64 {
    rusqlite::Connection::open(db).unwrap().query_row("SELECT count(*) FROM households", [], |r| r.get(0)).unwrap()
}

#[test]
fn forged_rows_are_refused_naming_table_row_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, town) = package(dir.path());
    let cases = [
        (
            "UPDATE households SET deleted_at = '2099-01-01T00:00:00.000Z', updated_at = '2099-01-01T00:00:00.000Z'",
            "时间在将来",
        ),
        ("UPDATE visits SET visit_date = 'garbage' WHERE rowid IN (SELECT rowid FROM visits LIMIT 1)", "不是有效日期"),
        ("UPDATE members SET id_number = '123' WHERE rowid IN (SELECT rowid FROM members LIMIT 1)", "身份证号无效"),
        ("UPDATE members SET relation = '外星人' WHERE rowid IN (SELECT rowid FROM members LIMIT 1)", "不在可选值之内"),
        ("UPDATE households SET head_name = '' WHERE rowid IN (SELECT rowid FROM households LIMIT 1)", "不能为空"),
        (
            "UPDATE visits SET household_id = 'nowhere' WHERE rowid IN (SELECT rowid FROM visits LIMIT 1)",
            "既不在数据包里也不在本机",
        ),
        ("UPDATE households SET updated_at = 'yesterday'", "不是有效时间"),
        (
            "UPDATE audit_log SET person = '冒名' WHERE rowid IN (SELECT rowid FROM audit_log LIMIT 1 OFFSET 4)",
            "与其哈希不符",
        ),
        (
            "UPDATE audit_log SET seq = CAST(seq AS TEXT) WHERE rowid IN (SELECT rowid FROM audit_log LIMIT 1)",
            "与其哈希不符",
        ),
    ];
    for (i, (sql, reason)) in cases.iter().enumerate() {
        let forged = dir.path().join(format!("forged-{i}.zfp"));
        std::fs::copy(&pkg, &forged).unwrap();
        forge(&forged, sql);
        let err = failed(zoufang(&town, &["merge", forged.to_str().unwrap()]));
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("forged-{i}.zfp")) && err.contains(reason) && err.contains("数据库未作任何修改"),
            "{sql}: {err}"
        );
        assert_eq!(households(&town), 0, "{sql}");
    }
    // A full-width ID number (what an input method types) is refused too: it would never match.
    let forged = dir.path().join("fullwidth.zfp");
    std::fs::copy(&pkg, &forged).unwrap();
    forge(
        &forged,
        "UPDATE members SET id_number = '６' || substr(id_number, 2) WHERE rowid IN (SELECT rowid FROM members WHERE id_number <> '' LIMIT 1)",
    );
    let err = failed(zoufang(&town, &["merge", forged.to_str().unwrap()]));
    assert!(err.contains("身份证号无效"), "{err}");
    // The untouched package still merges.
    ok(zoufang(&town, &["merge", pkg.to_str().unwrap()]));
    assert_eq!(households(&town), 12);
    ok(zoufang(&town, &["check"]));
}

#[test]
fn views_triggers_and_virtual_tables_are_refused_before_anything_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, town) = package(dir.path());
    let cases = [
        (
            "ALTER TABLE households RENAME TO h0;
             CREATE VIEW households AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT h0.* FROM h0, r;",
            "视图",
        ),
        ("CREATE TRIGGER t AFTER INSERT ON households BEGIN SELECT 1; END;", "触发器"),
        ("CREATE VIRTUAL TABLE v USING fts5(x);", "虚拟表"),
    ];
    for (i, (sql, kind)) in cases.iter().enumerate() {
        let forged = dir.path().join(format!("schema-{i}.zfp"));
        unpack(&pkg, &forged).unwrap();
        rusqlite::Connection::open(&forged).unwrap().execute_batch(sql).unwrap();
        let err = failed(zoufang(&town, &["merge", forged.to_str().unwrap()]));
        assert!(err.contains(&format!("schema-{i}.zfp")) && err.contains(kind), "{err}");
        assert_eq!(households(&town), 0);
    }
}

#[test]
fn a_column_name_that_is_not_utf8_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, town) = package(dir.path());
    // Flip the bytes of a column name inside the schema page, as a damaged copy would.
    let plain = dir.path().join("plain.zfp");
    unpack(&pkg, &plain).unwrap();
    let mut bytes = std::fs::read(&plain).unwrap();
    // In every copy of the households table's CREATE statement (the audit log's entries name the
    // column too, and a page SQLite freed may still hold an older copy of the schema).
    let find = |bytes: &[u8], from: usize, needle: &[u8]| {
        bytes[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
    };
    let mut from = 0;
    while let Some(table) = find(&bytes, from, b"CREATE TABLE households") {
        let at = find(&bytes, table, b"head_name").expect("the schema names head_name");
        bytes[at] = 0xFF;
        bytes[at + 1] = 0xFE;
        from = at;
    }
    assert!(from > 0, "the schema has households");
    let forged = dir.path().join("flipped.zfp");
    std::fs::write(&forged, &bytes).unwrap();
    let err = failed(zoufang(&town, &["merge", forged.to_str().unwrap()]));
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("flipped.zfp"), "{err}");
    assert_eq!(households(&town), 0);
}
