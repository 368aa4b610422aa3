//! Deletion is whole: a deleted household's members, assignments, visits and problems go with
//! it, on this laptop and, as tombstones, on every laptop its package reaches.

use crate::support::{failed, ok, zoufang};
use std::path::Path;

fn count(db: &Path, query: &str) -> i64 {
    rusqlite::Connection::open(db).unwrap().query_row(query, [], |r| r.get(0)).unwrap()
}

fn exec(db: &Path, statement: &str) {
    rusqlite::Connection::open(db).unwrap().execute_batch(statement).unwrap();
}

const CHILDREN: [&str; 4] = ["members", "assignments", "visits", "problems"];

fn live_children(db: &Path, household: &str) -> i64 {
    CHILDREN
        .iter()
        .map(|t| {
            count(db, &format!("SELECT count(*) FROM {t} WHERE household_id = '{household}' AND deleted_at IS NULL"))
        })
        .sum()
}

#[test]
fn a_deleted_households_rows_go_with_it_everywhere_and_check_names_any_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    ok(zoufang(&a, &["demo", "--households", "12", "--months", "3", "--seed", "4"]));
    let household: String = rusqlite::Connection::open(&a)
        .unwrap()
        .query_row(
            "SELECT household_id FROM problems WHERE household_id IS NOT NULL AND status <> '已销号'
              GROUP BY household_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(live_children(&a, &household) > 3);
    let package = dir.path().join("a.zfp");
    ok(zoufang(&a, &["pack", "--out", package.to_str().unwrap()]));
    let b = dir.path().join("b.db");
    ok(zoufang(&b, &["merge", package.to_str().unwrap()]));
    assert_eq!(live_children(&b, &household), live_children(&a, &household));
    let open_before = count(&b, "SELECT count(*) FROM problems WHERE deleted_at IS NULL AND status <> '已销号'");

    // Deleted on A (as a merge would): its rows are tombstoned with it.
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    exec(&a, &format!("UPDATE households SET deleted_at = '{now}', updated_at = '{now}' WHERE id = '{household}'"));
    assert_eq!(live_children(&a, &household), 0);
    // Made with a SQLite tool, the deletion is outside the audit log — which is all check says.
    let said = failed(zoufang(&a, &["check"]));
    assert!(said.lines().filter(|l| l.contains("“")).all(|l| l.contains("在软件之外被改过")), "{said}");

    // The deletion travels whole.
    std::fs::remove_file(&package).unwrap();
    ok(zoufang(&a, &["pack", "--out", package.to_str().unwrap()]));
    ok(zoufang(&b, &["merge", package.to_str().unwrap()]));
    assert_eq!(live_children(&b, &household), 0);
    let open_after = count(&b, "SELECT count(*) FROM problems WHERE deleted_at IS NULL AND status <> '已销号'");
    assert!(open_after < open_before, "its open problems no longer count in 未清零");
    ok(zoufang(&b, &["check"]));

    // A row revived under the deleted household (a merge of an older package) is deleted again.
    exec(&b, &format!("UPDATE members SET deleted_at = NULL WHERE household_id = '{household}'"));
    assert_eq!(live_children(&b, &household), 0);

    // Should such a row exist anyway, check names it.
    exec(
        &b,
        &format!(
            "DROP TRIGGER members_revived_under_deleted;
             UPDATE members SET deleted_at = NULL WHERE household_id = '{household}'"
        ),
    );
    let said = failed(zoufang(&b, &["check"]));
    assert!(said.contains("已删除") && said.contains("家庭成员"), "{said}");
}
