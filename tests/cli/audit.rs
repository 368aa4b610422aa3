//! The audit log and PINs as a script sees them: `check` catches edits made with a SQLite tool
//! outside the app and a tampered log; `audit` prints who changed what; packages carry the log
//! without duplicates; `pin set` reads PINs from standard input.

use crate::support::*;
use std::io::Write;
use std::path::Path;
use zoufang::demo::{self, DemoOptions};
use zoufang::model::coded::Role;
use zoufang::store::{Setting, Store};

/// A demo village; 我是… set to its first secretary.
fn demo_db(dir: &Path, name: &str, seed: u64) -> std::path::PathBuf {
    let db = dir.join(name);
    let mut s = Store::open(&db).unwrap();
    demo::generate(&mut s, &DemoOptions { villages: 1, households: 8, months: 2, seed, today: today() }).unwrap();
    let me = s.cadres(false).unwrap().into_iter().find(|c| c.cadre.role == Role::FirstSecretary).unwrap();
    s.set_setting(Setting::Me, &me.cadre.id).unwrap();
    db
}

fn sql(db: &Path, sql: &str) {
    rusqlite::Connection::open(db).unwrap().execute_batch(sql).unwrap();
}

fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    rusqlite::Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn an_old_database_and_a_fresh_demo_pass_check() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-4.db"), &old).unwrap();
    ok(zoufang(&old, &["check"]));
    let n: i64 = one(&old, "SELECT count(*) FROM audit_log");
    assert_eq!(n, 0, "rows from before the log are its baseline");
    let db = demo_db(dir.path(), "d.db", 3);
    ok(zoufang(&db, &["check"]));
}

#[test]
fn an_edit_made_outside_the_app_fails_check_and_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "d.db", 4);
    let (head, code): (String, String) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.query_row("SELECT head_name, code FROM households ORDER BY code LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    };
    sql(&db, &format!("UPDATE households SET phone = '13900000000' WHERE code = '{code}'"));
    let err = failed(zoufang(&db, &["check"]));
    let out = text(&zoufang(&db, &["check"]));
    assert!(out.contains(&format!("农户“{head}（{code}）")) && out.contains("在软件之外被改过"), "{out}");
    assert!(err.contains("检查发现 1 个问题"), "{err}");

    let db = demo_db(dir.path(), "e.db", 5);
    sql(
        &db,
        "UPDATE visit_answers SET value = CASE value WHEN '是' THEN '否' ELSE '是' END
          WHERE visit_id = (SELECT min(visit_id) FROM visit_answers)
            AND item_code = (SELECT min(item_code) FROM visit_answers WHERE visit_id = (SELECT min(visit_id) FROM visit_answers))",
    );
    sql(&db, "DELETE FROM members WHERE id = (SELECT min(id) FROM members WHERE relation <> '户主')");
    let out = text(&zoufang(&db, &["check"]));
    assert!(out.contains("走访清单答案") && out.contains("在软件之外被改过"), "{out}");
    assert!(out.contains("家庭成员") && out.contains("在软件之外被删除"), "{out}");

    // A row written outside the app, stamped after the log began.
    let db = demo_db(dir.path(), "f.db", 6);
    sql(
        &db,
        "INSERT INTO cadres(id, village_id, name, role, updated_at, origin)
         SELECT 'outsider', id, '外来人', '帮扶干部', '2099-01-01T00:00:00.000Z', 'x' FROM villages LIMIT 1",
    );
    let out = text(&zoufang(&db, &["check"]));
    assert!(out.contains("干部“外来人（outsider）”在软件之外被写入"), "{out}");
}

#[test]
fn a_tampered_log_fails_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "d.db", 6);
    let clean = dir.path().join("clean.db");
    std::fs::copy(&db, &clean).unwrap();
    sql(&db, "UPDATE audit_log SET person = '别人' WHERE n = 5");
    let out = text(&zoufang(&db, &["check"]));
    assert!(out.contains("审计日志被改动：第 5 条日志"), "{out}");
    // Dropping an entry breaks the chain at the next one.
    sql(&clean, "DELETE FROM audit_log WHERE n = 7");
    let out = text(&zoufang(&clean, &["check"]));
    assert!(out.contains("审计日志断链：第 8 条日志"), "{out}");
}

#[test]
fn audit_prints_who_changed_what_with_labels() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "d.db", 7);
    let (code, me) = {
        let mut s = Store::open(&db).unwrap();
        let row = s.household_rows(None).unwrap().remove(0);
        let (mut h, mut members) = s.household(&row.id).unwrap().unwrap();
        h.phone = "13700001111".into();
        s.save_household(&mut h, &mut members, None, today()).unwrap();
        let me = s.setting(Setting::Me).unwrap().unwrap();
        (row.code, s.cadres(false).unwrap().into_iter().find(|c| c.cadre.id == me).unwrap().cadre.name)
    };
    let out = ok(zoufang(&db, &["audit", "--household", &code]));
    assert!(out.contains(&format!("{me}（设备")), "the person is the 我是… cadre: {out}");
    assert!(out.contains("修改农户") && out.contains("联系电话：“") && out.contains("” → “13700001111”"), "{out}");
    let all = ok(zoufang(&db, &["audit", "--since", "2000-01-01"]));
    assert!(all.lines().count() > out.lines().count());
    // Answers are named by their checklist questions, not by their items' codes.
    let answers: Vec<&str> =
        all.lines().filter_map(|l| l.split_once("修改走访清单答案：").map(|(_, rest)| rest)).collect();
    assert!(!answers.is_empty(), "the demo confirms proposals: {all}");
    assert!(answers.iter().all(|a| !a.starts_with(|c: char| c.is_ascii())), "{answers:?}");
    failed(zoufang(&db, &["audit", "--since", "昨天"]));
    ok(zoufang(&db, &["check"]));
}

#[test]
fn packages_carry_the_log_and_merge_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "d.db", 8);
    let pkg = dir.path().join("p.zfp");
    ok(zoufang(&db, &["pack", "--out", pkg.to_str().unwrap()]));
    let made: i64 = one(&db, "SELECT count(*) FROM audit_log");
    let other = dir.path().join("t.db");
    ok(zoufang(&other, &["merge", pkg.to_str().unwrap()]));
    let carried: i64 = one(&other, "SELECT count(*) FROM audit_log WHERE local = 0");
    assert_eq!(carried, made, "every entry of the maker travels");
    let total: i64 = one(&other, "SELECT count(*) FROM audit_log");
    ok(zoufang(&other, &["merge", pkg.to_str().unwrap()]));
    assert_eq!(one::<i64>(&other, "SELECT count(*) FROM audit_log"), total, "merging again adds nothing");
    ok(zoufang(&other, &["check"]));
    // Back the other way: the maker's own entries are not duplicated.
    let back = dir.path().join("back.zfp");
    ok(zoufang(&other, &["pack", "--out", back.to_str().unwrap()]));
    ok(zoufang(&db, &["merge", back.to_str().unwrap()]));
    let dupes: i64 = one(&db, "SELECT count(*) - count(DISTINCT hash) FROM audit_log");
    assert_eq!(dupes, 0);
    ok(zoufang(&db, &["check"]));
}

#[test]
fn a_village_package_carries_only_that_villages_entries_and_still_checks() {
    let dir = tempfile::tempdir().unwrap();
    let town = dir.path().join("town.db");
    let mut s = Store::open(&town).unwrap();
    demo::generate(&mut s, &DemoOptions { villages: 2, households: 5, months: 2, seed: 4, today: today() }).unwrap();
    let (village, id) = s.villages().unwrap().into_iter().map(|v| (v.name, v.id)).next().unwrap();
    drop(s);
    let pkg = dir.path().join("one.zfp");
    ok(zoufang(&town, &["pack", "--village", &village, "--out", pkg.to_str().unwrap()]));
    let other = dir.path().join("other.db");
    ok(zoufang(&other, &["merge", pkg.to_str().unwrap()]));
    let carried: i64 = one(&other, "SELECT count(*) FROM audit_log WHERE local = 0");
    let about_village: i64 = one(
        &town,
        &format!(
            "SELECT count(*) FROM audit_log a WHERE a.tbl = 'households'
               AND a.row_id IN (SELECT id FROM households WHERE village_id = '{id}')"
        ),
    );
    let households_carried: i64 = one(&other, "SELECT count(*) FROM audit_log WHERE local = 0 AND tbl = 'households'");
    let all: i64 = one(&town, "SELECT count(*) FROM audit_log");
    assert!(carried > 0 && carried < all, "{carried} of {all}");
    assert_eq!(households_carried, about_village, "every entry about the village's households travels");
    ok(zoufang(&other, &["check"]));
    // Merged back, nothing is doubled and the maker's own chain still links.
    let back = dir.path().join("back.zfp");
    ok(zoufang(&other, &["pack", "--out", back.to_str().unwrap()]));
    ok(zoufang(&town, &["merge", back.to_str().unwrap()]));
    assert_eq!(one::<i64>(&town, "SELECT count(*) - count(DISTINCT hash) FROM audit_log"), 0);
    ok(zoufang(&town, &["check"]));
}

fn pin(db: &Path, args: &[&str], input: &str) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zoufang"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn pins_are_set_from_standard_input_and_never_stored_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), "d.db", 9);
    let (secretary, cadre) = {
        let s = Store::open(&db).unwrap();
        let all = s.cadres(false).unwrap();
        let id = |r: Role| all.iter().find(|c| c.cadre.role == r).unwrap().cadre.id.clone();
        (id(Role::FirstSecretary), id(Role::Cadre))
    };
    let err = failed(pin(&db, &["pin", "set", "--cadre", &cadre], "1234\n"));
    assert!(err.contains("请先为第一书记设置 PIN"), "{err}");
    assert!(failed(pin(&db, &["pin", "set", "--cadre", &secretary], "12a4\n")).contains("4–8 位数字"));
    ok(pin(&db, &["pin", "set", "--cadre", &secretary], "246810\n"));
    let err = failed(pin(&db, &["pin", "set", "--cadre", &cadre, "--by", &secretary], "1234\n0000\n"));
    assert!(err.contains("PIN 不对"), "{err}");
    ok(pin(&db, &["pin", "set", "--cadre", &cadre, "--by", &secretary], "1234\n246810\n"));
    assert!(failed(pin(&db, &["pin", "set", "--cadre", &cadre], "5678\n")).contains("原来的 PIN"));
    ok(pin(&db, &["pin", "set", "--cadre", &cadre], "5678\n1234\n"));
    let hashes: String = one(&db, "SELECT group_concat(hash) FROM cadre_pins");
    assert!(hashes.starts_with("$argon2id$") && !hashes.contains("246810") && !hashes.contains("5678"));
    let mut s = Store::open(&db).unwrap();
    assert!(s.sign_in(&cadre, "5678").is_err(), "only the approver signs off");
    s.sign_in(&secretary, "246810").unwrap();
    for _ in 0..4 {
        assert!(s.sign_in(&secretary, "000000").is_err());
    }
    let err = s.sign_in(&secretary, "000000").unwrap_err().to_string();
    assert!(err.contains("连续输错 5 次"), "{err}");
    assert!(s.sign_in(&secretary, "246810").unwrap_err().to_string().contains("秒后再试"), "even the right PIN waits");
}
