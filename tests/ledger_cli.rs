//! `zoufang export-ledger` as a script runs it: the workbook and the CSV files it writes, and
//! the one-sentence errors.

use calamine::{Reader, Xlsx, open_workbook};
use std::path::Path;
use std::process::{Command, Output};

fn zoufang(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zoufang")).arg("--db").arg(db).args(args).output().expect("zoufang runs")
}

fn ok(out: Output) -> String {
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn failed(out: Output) -> String {
    assert!(!out.status.success(), "should fail: {}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    err
}

#[test]
fn a_month_and_a_range_are_exported_as_a_workbook_and_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("village.db");
    ok(zoufang(&db, &["demo", "--households", "25", "--months", "3"]));
    let month = chrono::Local::now().date_naive().format("%Y-%m").to_string();
    let out = dir.path().join("台账.xlsx");
    let said = ok(zoufang(&db, &["export-ledger", "--month", &month, "--out", out.to_str().unwrap()]));
    assert!(said.contains("已导出台账") && said.contains("台账.xlsx"), "{said}");
    assert!(said.contains("--full-ids"), "says the IDs are masked: {said}");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), ["走访台账", "问题整改台账", "帮扶人到位情况", "汇总"]);
    let visits = book.worksheet_range("走访台账").unwrap();
    let stated: usize = said.split("走访 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert_eq!(visits.height() - 2, stated, "the rows the message states");

    let csv = dir.path().join("台账.csv");
    let said = ok(zoufang(
        &db,
        &["export-ledger", "--from", "2020-01-01", "--to", "2099-12-31", "--out", csv.to_str().unwrap(), "--full-ids"],
    ));
    assert!(said.contains("4 个 CSV 文件") && said.contains("台账-汇总.csv"), "{said}");
    for name in ["台账-走访台账.csv", "台账-问题整改台账.csv", "台账-帮扶人到位情况.csv", "台账-汇总.csv"]
    {
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name}");
    }
}

#[test]
fn bad_input_is_one_sentence_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("town.db");
    ok(zoufang(&db, &["demo", "--villages", "2", "--households", "10", "--months", "2"]));
    let out = dir.path().join("a.xlsx");
    let out = out.to_str().unwrap();
    let err = failed(zoufang(&db, &["export-ledger", "--month", "2026-13", "--out", out]));
    assert!(err.contains("2026-13") && err.contains("YYYY-MM"), "{err}");
    let err = failed(zoufang(&db, &["export-ledger", "--from", "2026-11-05", "--out", out]));
    assert!(err.contains("--to"), "{err}");
    let err = failed(zoufang(&db, &["export-ledger", "--from", "2026-11-05", "--to", "2026-11-01", "--out", out]));
    assert!(err.contains("晚于"), "{err}");
    let err = failed(zoufang(&db, &["export-ledger", "--from", "2026/11/05", "--to", "2026-11-30", "--out", out]));
    assert!(err.contains("2026/11/05"), "{err}");
    let err = failed(zoufang(&db, &["export-ledger", "--village", "无此村", "--out", out]));
    assert!(err.contains("无此村"), "{err}");
    let err = failed(zoufang(&db, &["export-ledger", "--out", out]));
    assert!(err.contains("--all-villages"), "two villages: which one? {err}");
    let err = failed(zoufang(
        &db,
        &["export-ledger", "--all-villages", "--out", dir.path().join("a.docx").to_str().unwrap()],
    ));
    assert!(err.contains(".xlsx"), "{err}");
    let missing = dir.path().join("无此文件夹").join("a.xlsx");
    let err = failed(zoufang(&db, &["export-ledger", "--all-villages", "--out", missing.to_str().unwrap()]));
    assert!(err.contains("不存在"), "{err}");
    assert!(!Path::new(out).exists());
    let said = ok(zoufang(&db, &["export-ledger", "--all-villages", "--out", out]));
    assert!(said.contains("已导出台账"), "{said}");
}
