//! The headless twin: demo data, status and check through the real binary.

use std::path::Path;
use std::process::{Command, Output};

fn zoufang(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zoufang")).arg("--db").arg(db).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Every household as (户编号, head, members' names and ID numbers), in order.
fn households(db: &Path) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT h.code, h.head_name, (SELECT group_concat(m.name || m.id_number, ',') FROM members m WHERE m.household_id = h.id)
               FROM households h ORDER BY h.code",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

fn village_names(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn.prepare("SELECT name FROM villages ORDER BY name").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn demo_is_deterministic_per_seed_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("c.db"));
    for (db, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let o = zoufang(db, &["demo", "--villages", "2", "--households", "60", "--seed", seed]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("120 户"), "{}", text(&o));
    }
    assert_eq!(households(&a), households(&b), "the same seed gives the same data");
    assert_eq!(households(&a).len(), 120);
    let (ha, hc) = (households(&a), households(&c));
    assert!(ha.iter().all(|x| hc.iter().all(|y| x.0 != y.0)), "different seeds give different 户编号");
    assert_ne!(village_names(&a), village_names(&c));

    let o = zoufang(&a, &["check"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("检查通过"));

    let o = zoufang(&a, &["status"]);
    assert!(o.status.success());
    let s = text(&o);
    assert!(s.contains("农户：120"), "{s}");
    assert!(s.contains("未分配干部的农户："), "{s}");
}

#[test]
fn check_fails_on_inconsistent_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    assert!(zoufang(&db, &["demo", "--households", "10"]).status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE members SET id_number = '610202198001011230' WHERE rowid = 1", []).unwrap();
    drop(conn);
    let o = zoufang(&db, &["check"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("证件号码有误"), "{}", text(&o));
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("花名册.xlsx");
    std::fs::write(&db, b"PK\x03\x04 not really a database").unwrap();
    let o = zoufang(&db, &["status"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(err.contains("不是走访的数据库文件"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert_eq!(std::fs::read(&db).unwrap(), b"PK\x03\x04 not really a database");
}
