//! `zoufang pack`, `zoufang merge` and `zoufang export-ledger` as a script runs them.

use crate::support::{failed, ok, zoufang};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A demo village made with `seed`, packed into `dir`; returns the database and the package.
fn demo_village(dir: &Path, seed: u64) -> (PathBuf, PathBuf) {
    let db = dir.join(format!("village-{seed}.db"));
    ok(zoufang(&db, &["demo", "--seed", &seed.to_string(), "--households", "20"]));
    let out = dir.join(format!("village-{seed}.zfp"));
    ok(zoufang(&db, &["pack", "--out", out.to_str().unwrap()]));
    (db, out)
}

fn sql(db: &Path, query: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(query, [], |r| r.get::<_, String>(0)).unwrap()
}

fn exec(db: &Path, statement: &str) {
    rusqlite::Connection::open(db).unwrap().execute_batch(statement).unwrap();
}

#[test]
fn a_township_is_built_from_three_village_packages_and_a_second_merge_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let packages: Vec<String> =
        (1..=3).map(|seed| demo_village(dir.path(), seed).1.to_str().unwrap().to_string()).collect();
    let town = dir.path().join("town.db");
    let mut args = vec!["merge"];
    args.extend(packages.iter().map(String::as_str));
    let first = ok(zoufang(&town, &args));
    assert!(first.contains("已合并 3 个数据包"), "{first}");
    let status = ok(zoufang(&town, &["status"]));
    assert!(status.lines().any(|l| l.trim() == "村：3"), "{status}");
    assert!(status.lines().any(|l| l.trim() == "农户：60"), "{status}");
    ok(zoufang(&town, &["check"]));

    let second = ok(zoufang(&town, &args));
    assert!(second.contains("新增 0 条，更新 0 条"), "{second}");
    assert!(!second.lines().any(|l| l.contains("新增 ") && !l.contains("新增 0")), "{second}");

    // A township database holds several villages: the village to pack must be named.
    let which = failed(zoufang(&town, &["pack", "--out", dir.path().to_str().unwrap()]));
    assert!(which.contains("--village"), "{which}");
}

#[test]
fn a_bad_file_is_refused_in_one_sentence_and_the_database_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (db, package) = demo_village(dir.path(), 1);
    let bad = dir.path().join("坏文件.zfp");
    std::fs::write(&bad, b"PK\x03\x04 this is a zip, not a package").unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = failed(zoufang(&db, &["merge", package.to_str().unwrap(), bad.to_str().unwrap()]));
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("坏文件.zfp") && err.contains("不是走访村级数据包"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_package_for_a_folder_that_is_not_there_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = demo_village(dir.path(), 4);
    let out = dir.path().join("没有的文件夹").join("v.zfp");
    let err = failed(zoufang(&db, &["pack", "--out", out.to_str().unwrap()]));
    assert!(err.contains("没有的文件夹") && err.contains("不存在"), "{err}");
    assert!(!err.contains("数据库"), "not a database problem: {err}");
}

#[test]
fn conflicts_stop_the_merge_until_the_user_says_how_to_settle_them() {
    let dir = tempfile::tempdir().unwrap();
    let (a, first) = demo_village(dir.path(), 1);
    let b = dir.path().join("secretary.db");
    ok(zoufang(&b, &["merge", first.to_str().unwrap()]));
    let code = sql(&a, "SELECT code FROM households ORDER BY code LIMIT 1");
    let b_device = sql(&b, "SELECT value FROM meta WHERE key = 'device_id'");
    exec(
        &a,
        &format!(
            "UPDATE households SET phone = '13900000001', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 hour') WHERE code = '{code}'"
        ),
    );
    exec(
        &b,
        &format!(
            "UPDATE households SET phone = '13900000002', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+2 hours'), origin = '{b_device}'
              WHERE code = '{code}'"
        ),
    );
    let second = dir.path().join("second.zfp");
    ok(zoufang(&a, &["pack", "--out", second.to_str().unwrap()]));
    let phone = || sql(&b, &format!("SELECT phone FROM households WHERE code = '{code}'"));

    let out = zoufang(&b, &["merge", second.to_str().unwrap()]);
    let listed = String::from_utf8(out.stdout.clone()).unwrap();
    let err = failed(out);
    assert!(listed.contains("冲突 · 农户") && listed.contains("13900000001"), "{listed}");
    assert!(err.contains("--conflicts"), "{err}");
    assert_eq!(phone(), "13900000002");

    let dry = ok(zoufang(&b, &["merge", "--dry-run", "--conflicts", "theirs", second.to_str().unwrap()]));
    assert!(dry.contains("预览"), "{dry}");
    assert_eq!(phone(), "13900000002");

    ok(zoufang(&b, &["merge", "--conflicts", "theirs", second.to_str().unwrap()]));
    assert_eq!(phone(), "13900000001");
}

/// The error of a failed run, which must be one sentence.
fn one_sentence(out: Output) -> String {
    let err = failed(out);
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    err
}

#[test]
fn ledgers_of_a_month_and_a_range_are_exported_as_a_workbook_and_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("village.db");
    ok(zoufang(&db, &["demo", "--households", "25", "--months", "3"]));
    let month = chrono::Local::now().date_naive().format("%Y-%m").to_string();
    let out = dir.path().join("台账.xlsx");
    let said = ok(zoufang(&db, &["export-ledger", "--month", &month, "--out", out.to_str().unwrap()]));
    assert!(said.contains("已导出台账") && said.contains("台账.xlsx"), "{said}");
    assert!(said.contains("--full-ids"), "says the IDs are masked: {said}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        calamine::Reader::sheet_names(&book),
        ["走访台账", "走访检查结果", "问题整改台账", "待确认问题", "帮扶人到位情况", "汇总"]
    );
    let visits = calamine::Reader::worksheet_range(&mut book, "走访台账").unwrap();
    let stated: usize = said.split("走访 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert_eq!(visits.height() - 2, stated, "the rows the message states");

    let csv = dir.path().join("台账.csv");
    let said = ok(zoufang(
        &db,
        &["export-ledger", "--from", "2020-01-01", "--to", "2099-12-31", "--out", csv.to_str().unwrap(), "--full-ids"],
    ));
    assert!(said.contains("6 个 CSV 文件") && said.contains("台账-汇总.csv"), "{said}");
    for name in [
        "台账-走访台账.csv",
        "台账-走访检查结果.csv",
        "台账-问题整改台账.csv",
        "台账-待确认问题.csv",
        "台账-帮扶人到位情况.csv",
        "台账-汇总.csv",
    ] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name}");
    }
}

#[test]
fn bad_ledger_requests_are_one_sentence_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("town.db");
    ok(zoufang(&db, &["demo", "--villages", "2", "--households", "10", "--months", "2"]));
    let out = dir.path().join("a.xlsx");
    let out = out.to_str().unwrap();
    let err = one_sentence(zoufang(&db, &["export-ledger", "--month", "2026-13", "--out", out]));
    assert!(err.contains("2026-13") && err.contains("YYYY-MM"), "{err}");
    let err = one_sentence(zoufang(&db, &["export-ledger", "--from", "2026-11-05", "--out", out]));
    assert!(err.contains("--to"), "{err}");
    let err =
        one_sentence(zoufang(&db, &["export-ledger", "--from", "2026-11-05", "--to", "2026-11-01", "--out", out]));
    assert!(err.contains("晚于"), "{err}");
    let err =
        one_sentence(zoufang(&db, &["export-ledger", "--from", "2026/11/05", "--to", "2026-11-30", "--out", out]));
    assert!(err.contains("2026/11/05"), "{err}");
    let err = one_sentence(zoufang(&db, &["export-ledger", "--village", "无此村", "--out", out]));
    assert!(err.contains("无此村"), "{err}");
    let err = one_sentence(zoufang(&db, &["export-ledger", "--out", out]));
    assert!(err.contains("--all-villages"), "two villages: which one? {err}");
    let err = one_sentence(zoufang(
        &db,
        &["export-ledger", "--all-villages", "--out", dir.path().join("a.docx").to_str().unwrap()],
    ));
    assert!(err.contains(".xlsx"), "{err}");
    let missing = dir.path().join("无此文件夹").join("a.xlsx");
    let err = one_sentence(zoufang(&db, &["export-ledger", "--all-villages", "--out", missing.to_str().unwrap()]));
    assert!(err.contains("不存在"), "{err}");
    assert!(!Path::new(out).exists());
    let said = ok(zoufang(&db, &["export-ledger", "--all-villages", "--out", out]));
    assert!(said.contains("已导出台账"), "{said}");
}
