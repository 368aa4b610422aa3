//! Long work off the UI thread: a township merge keeps the window drawing with its progress,
//! other writes wait with the reason shown, and cancelling leaves the database as it was.

use crate::support::{button, harness, notice, settle, type_into, zoufang};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use zoufang::ui::App;

/// Three demo villages of 200 households and a year of visits (about 175,000 rows in all: a
/// merge long enough to watch), each packed by the command line.
fn packages(dir: &Path) -> Vec<PathBuf> {
    (1..=3)
        .map(|seed| {
            let db = dir.join(format!("village-{seed}.db"));
            let out = dir.join(format!("village-{seed}.zfp"));
            let seed = seed.to_string();
            for args in [
                vec!["demo", "--households", "200", "--months", "12", "--seed", &seed],
                vec!["pack", "--out", out.to_str().unwrap()],
            ] {
                let o = zoufang(&db, &args);
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            }
            out
        })
        .collect()
}

fn households(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM households", [], |r| r.get(0)).unwrap()
}

/// The exchange page of an empty database with the packages listed.
fn listed(db: &Path, files: &[PathBuf]) -> Harness<'static, App> {
    let mut h = harness(db);
    h.run();
    button(&h, "合并数据包");
    h.run();
    for f in files {
        type_into(&mut h, "数据包文件", 0, f.to_str().unwrap());
        button(&h, "添加");
        h.run();
    }
    h
}

#[test]
fn a_township_merge_draws_its_progress_and_a_cancel_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = packages(dir.path());
    let db = dir.path().join("township.db");
    let mut h = listed(&db, &files);

    button(&h, "预览合并");
    // The frames go on while the preview runs: each shows the job with its progress.
    let mut with_progress = 0;
    for _ in 0..400 {
        h.step();
        if !h.state_mut().is_busy() {
            break;
        }
        if h.query_by_label_contains("预览合并 3 个数据包").is_some() && h.query_by_label("取消任务").is_some()
        {
            with_progress += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(with_progress >= 2, "frames were drawn with the progress bar while the preview ran ({with_progress})");
    settle(&mut h);
    assert!(h.query_by_label("确认合并").is_some(), "the preview is shown");

    h.get_by_label("确认合并").scroll_to_me();
    h.run();
    button(&h, "确认合并");
    h.step();
    h.step();
    assert!(h.state_mut().is_busy(), "the merge runs in the background");
    assert!(h.query_by_label_contains("合并 3 个数据包").is_some());
    h.get_by_label("取消任务").click_accesskit();
    h.step();
    h.step();
    assert!(h.query_by_label("正在取消…").is_some(), "the bar says the job is being cancelled");
    settle(&mut h);
    assert!(notice(&h).contains("已取消"), "{}", notice(&h));
    assert_eq!(households(&db), 0, "a cancelled merge leaves the database as it was");

    h.get_by_label("确认合并").scroll_to_me();
    h.run();
    button(&h, "确认合并");
    settle(&mut h);
    assert!(notice(&h).starts_with("已合并 3 个数据包"), "{}", notice(&h));
    assert_eq!(households(&db), 600);
}
