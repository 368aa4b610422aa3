//! The headless twin: demo data, status and check through the real binary.

use crate::support::{text, zoufang};
use std::path::Path;

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

#[test]
fn status_shows_the_month_and_problems_lists_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    assert!(zoufang(&db, &["demo", "--households", "10"]).status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DELETE FROM problem_events; DELETE FROM problems;
         INSERT INTO problems(id, village_id, group_name, description, found_date, deadline, status, created_at, updated_at, origin)
              SELECT 'p1', id, '饮水安全', '三组水源季节性缺水', '2020-01-01', '2020-02-01', '待整改', '', '', 'o' FROM villages;
         INSERT INTO problems(id, village_id, group_name, description, found_date, status, closed_date, created_at, updated_at, origin)
              SELECT 'p2', id, '基础设施', '路灯损坏', '2020-01-01', '已销号', '2020-01-05', '', '', 'o' FROM villages;",
    )
    .unwrap();
    drop(conn);
    let o = zoufang(&db, &["status", "--month", "2020-03"]);
    let s = text(&o);
    assert!(o.status.success(), "{s}");
    assert!(s.contains("2020-03 走访情况"), "{s}");
    assert!(s.contains("问题台账：未清零 1 项，逾期 1 项"), "{s}");
    assert!(s.contains("饮水安全：本月发现 0"), "{s}");

    let o = zoufang(&db, &["problems", "--open"]);
    let s = text(&o);
    assert!(s.contains("三组水源季节性缺水") && !s.contains("路灯损坏"), "{s}");
    assert!(s.contains("共列出 1 项（台账共 2 项）"), "{s}");
    let o = zoufang(&db, &["problems", "--overdue"]);
    assert!(text(&o).contains("逾期"), "{}", text(&o));
    let o = zoufang(&db, &["status", "--month", "2020-3x"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("格式不对"));
}
