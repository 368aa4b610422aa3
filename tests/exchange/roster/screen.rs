//! The import screen driven headlessly by its labels: a path typed into the labelled field (no
//! file dialog needed), the preview, then 确认导入 or 取消.

use super::fixtures::*;
use crate::support::{button, click, settle, shows, type_into};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::Path;
use zoufang::store::Store;
use zoufang::ui::{App, Page};

fn harness(db: &Path) -> Harness<'static, App> {
    let mut h = crate::support::harness(db);
    h.run();
    h
}

/// Opens the import screen from the welcome page and reads `file` through the path field (a
/// background job: its step shows and the buttons are disabled until it ends).
fn read(h: &mut Harness<'static, App>, file: &Path) {
    click(h, "导入花名册");
    assert_eq!(h.state().page(), Page::Import);
    type_into(h, "文件路径", 0, &file.display().to_string());
    button(h, "读取");
    h.step();
    h.step();
    if h.state_mut().is_busy() {
        assert!(h.get_by_label("读取").accesskit_node().is_disabled(), "buttons are disabled while the file is read");
    }
    settle(h);
    assert!(h.query_by_label("正在读取…").is_none());
}

fn roster_file(dir: &Path) -> std::path::PathBuf {
    let (a, b) = (id("61020219600101001"), id("61020219700101002"));
    simple(
        dir,
        "roster.xlsx",
        rows(&[
            &["行政村", "户编号", "姓名", "证件号码", "与户主关系", "帮扶责任人"],
            &["杨家沟村", "H1", "张三", &a, "户主", "马文"],
            &["杨家沟村", "H1", "李四", &format!("#{b}"), "配偶", ""],
            &["杨家沟村", "H2", "王五", "", "户主", "马文"],
        ]),
    )
}

#[test]
fn the_preview_shows_counts_problems_and_columns_then_imports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let file = roster_file(dir.path());
    let mut h = harness(&db);
    read(&mut h, &file);
    assert!(shows(&h, "新增 2 户（3 人）"), "新增 2 户（3 人）");
    assert!(shows(&h, "导入到新建的村：杨家沟村"), "导入到新建的村：杨家沟村");
    h.get_by_label("有问题的行（1）").click();
    h.run();
    h.get_by_label("第 3 行");
    assert!(shows(&h, "存成了数字"), "存成了数字");
    h.get_by_label("列的对应").click();
    h.run();
    h.get_by_label("B 列 · 户编号");
    button(&h, "确认导入");
    settle(&mut h);
    assert_eq!(h.state().page(), Page::Households);
    assert!(shows(&h, "已导入：新增 2 户"), "已导入：新增 2 户");
    drop(h);
    let store = Store::open(&db).unwrap();
    let s = store.summary().unwrap();
    assert_eq!((s.villages, s.households, s.members, s.cadres), (1, 2, 3, 1));
}

#[test]
fn cancelling_or_a_broken_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let broken = dir.path().join("scan.xlsx");
    std::fs::write(&broken, b"\xff\xd8\xff\xe0 not a workbook").unwrap();
    let mut h = harness(&db);
    read(&mut h, &broken);
    assert!(shows(&h, "不是 Excel/WPS 表格"), "不是 Excel/WPS 表格");
    assert!(h.query_by_label("确认导入").is_none());

    drop(h);
    let file = roster_file(dir.path());
    let mut h = harness(&db);
    read(&mut h, &file);
    click(&mut h, "取消");
    assert_eq!(h.state().page(), Page::Welcome);
    assert!(shows(&h, "已取消导入"), "已取消导入");
    drop(h);
    assert_eq!(Store::open(&db).unwrap().summary().unwrap().households, 0);
}
