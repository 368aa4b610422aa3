//! A way back from 设置: a township merge undone in two clicks, as a background job.

use crate::support::{button, harness, notice, ok, settle, shows, zoufang};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use std::path::Path;

fn households(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM households WHERE deleted_at IS NULL", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_merge_is_undone_from_settings_in_two_clicks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("township.db");
    ok(zoufang(&db, &["demo", "--households", "8", "--months", "1", "--seed", "1"]));
    let village = dir.path().join("village.db");
    ok(zoufang(&village, &["demo", "--households", "5", "--months", "1", "--seed", "2"]));
    let package = dir.path().join("village.zfp");
    ok(zoufang(&village, &["pack", "--out", package.to_str().unwrap()]));
    ok(zoufang(&db, &["merge", package.to_str().unwrap()]));
    assert_eq!(households(&db), 13);

    let mut h = harness(&db);
    h.run();
    h.get_by_role_and_label(Role::Button, "设置").click();
    h.run();
    assert!(shows(&h, "合并数据包之前"), "the backup made before the merge is listed with its reason");
    // Restore buttons are listed newest first; the merge's backup is the newest.
    h.get_all_by_role_and_label(Role::Button, "恢复").next().unwrap().click();
    h.run();
    button(&h, "确认恢复");
    settle(&mut h);
    assert!(notice(&h).contains("已恢复备份"), "{}", notice(&h));
    assert_eq!(households(&db), 8, "the merge is undone");
    assert!(shows(&h, "恢复备份之前"), "and can itself be undone");
}
