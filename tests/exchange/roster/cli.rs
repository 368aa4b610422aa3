//! `zoufang import-roster` as a user runs it.

use super::fixtures::*;
use crate::support::zoufang;
use std::path::Path;
use zoufang::store::Store;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn households(db: &Path) -> i64 {
    Store::open(db).unwrap().summary().unwrap().households
}

#[test]
fn dry_run_prints_the_preview_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = national(dir.path(), 25);
    let db = dir.path().join("z.db");
    let out = zoufang(&db, &["import-roster", file.path.to_str().unwrap(), "--dry-run"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for expected in
        ["表头在第 3 行", "K 证件号码 → 证件号码", "Z 银行卡号 → （不导入）", "导入到新建的村", "新增 25 户", "试运行"]
    {
        assert!(stdout.contains(expected), "{expected} missing:\n{stdout}");
    }
    assert_eq!(households(&db), 0);
}

#[test]
fn import_then_import_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = national(dir.path(), 25);
    let db = dir.path().join("z.db");
    let path = file.path.to_str().unwrap();
    let out = zoufang(&db, &["import-roster", path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("已导入：新增 25 户，更新 0 户，新增成员 {} 人", file.people)));
    let out = zoufang(&db, &["import-roster", path]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("25 户已是最新") && stdout.contains("已与文件一致"), "{stdout}");
    assert_eq!(households(&db), 25);
    let out = zoufang(&db, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_broken_file_gets_one_sentence_a_failure_code_and_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let not_sheet = dir.path().join("scan.xlsx");
    std::fs::write(&not_sheet, b"\xff\xd8\xff\xe0\0\x10JFIF\0").unwrap();
    let out = zoufang(&db, &["import-roster", not_sheet.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("不是 Excel/WPS 表格") && stderr.contains("scan.xlsx"), "{stderr}");
    assert!(!db.exists(), "the database is not even created");

    let file = national(dir.path(), 5);
    assert!(zoufang(&db, &["import-roster", file.path.to_str().unwrap()]).status.success());
    let no_header = simple(dir.path(), "notes.xlsx", rows(&[&["今天开会"]]));
    let out = zoufang(&db, &["import-roster", no_header.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("找不到表头行"));
    assert_eq!(households(&db), 5);
}

#[test]
fn nothing_importable_fails_but_shows_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let file = simple(
        dir.path(),
        "headless.xlsx",
        rows(&[&["行政村", "户编号", "姓名", "与户主关系"], &["杨家沟村", "G1", "褚一", "之子"]]),
    );
    let out = zoufang(&db, &["import-roster", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("第 2 行 · 与户主关系"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("没有可以导入的户"));
}

#[test]
fn sheets_and_villages_are_chosen_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let path = dir.path().join("two.xlsx");
    let cover = rows(&[&["说明：本表由村委会填写"]]);
    let first = rows(&[&["行政村", "户主姓名", "人数"], &["杨家沟村", "甲", "#1"]]);
    let second = rows(&[&["行政村", "户主姓名", "人数"], &["杨家沟村", "乙", "#1"], &["杨家沟村", "丙", "#2"]]);
    xlsx(&path, &[("说明", cover, Vec::new()), ("一组", first, Vec::new()), ("二组", second, Vec::new())]);
    let p = path.to_str().unwrap();
    let out = zoufang(&db, &["import-roster", p, "--dry-run"]);
    assert!(text(&out.stdout).contains("工作表“一组”"), "the first sheet that looks like a roster");
    let out = zoufang(&db, &["import-roster", p, "--sheet", "二组"]);
    assert!(text(&out.stdout).contains("新增 2 户"), "{}", text(&out.stdout));
    let out = zoufang(&db, &["import-roster", p, "--sheet", "三组"]);
    assert!(text(&out.stderr).contains("说明、一组、二组"), "{}", text(&out.stderr));

    assert!(zoufang(&db, &["demo", "--households", "10"]).status.success());
    let out = zoufang(&db, &["import-roster", p]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--village"), "{}", text(&out.stderr));
    let out = zoufang(&db, &["import-roster", p, "--village", "杨家沟村"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
