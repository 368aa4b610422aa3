//! 导出/合并 through the real screen: packages written and merged by background jobs, a bad
//! file refused, a conflict settled, the ledgers exported.

use crate::support::{button, notice, settle, store_harness, today};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use zoufang::demo::{self, DemoOptions};
use zoufang::exchange::merge::{self, Settlement};
use zoufang::exchange::package::{self, Package};
use zoufang::progress::Progress;
use zoufang::store::Store;
use zoufang::ui::{App, Page};

fn demo_store(path: &Path, seed: u64) -> Store {
    let mut store = Store::open(path).unwrap();
    let opts = DemoOptions { villages: 1, households: 12, months: 3, seed, today: today() };
    demo::generate(&mut store, &opts).unwrap();
    store
}

fn households(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM households WHERE deleted_at IS NULL", [], |r| r.get(0)).unwrap()
}

fn add_package(h: &mut Harness<'_, App>, file: &Path) {
    h.get_by_label("数据包文件").set_text_value_accesskit(file.to_str().unwrap());
    h.run();
    button(h, "添加");
    h.run();
}

#[test]
fn a_village_package_is_exported_to_the_path_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = store_harness(demo_store(&dir.path().join("a.db"), 1));
    button(&h, "导出/合并");
    h.run();
    assert_eq!(h.state().page(), Page::Exchange);
    let out = dir.path().join("给乡镇.zfp");
    h.get_by_label("保存到").set_text_value_accesskit(&format!("\"{}\"", out.display()));
    h.run();
    button(&h, "导出数据包");
    settle(&mut h);
    let package = Package::open(&out).unwrap();
    assert_eq!(package.manifest().rows_of("households"), 12);
    assert!(notice(&h).starts_with("已导出数据包"), "{}", notice(&h));
}

#[test]
fn a_missing_folder_is_said_beside_the_path_and_made_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = store_harness(demo_store(&dir.path().join("a.db"), 1));
    button(&h, "导出/合并");
    h.run();
    let folder = dir.path().join("U盘").join("乡镇");
    let out = folder.join("给乡镇.zfp");
    h.get_by_label("保存到").set_text_value_accesskit(&out.display().to_string());
    h.run();
    h.get_by_label(&format!("文件夹 {} 不存在。", folder.display()));
    button(&h, "新建此文件夹");
    h.run();
    assert!(folder.is_dir());
    assert!(h.query_by_label_contains("不存在。").is_none(), "the warning goes once the folder is there");
    button(&h, "导出数据包");
    settle(&mut h);
    assert!(out.is_file(), "{}", notice(&h));
}

#[test]
fn a_new_laptop_starts_from_a_package_after_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    let source = demo_store(&dir.path().join("a.db"), 1);
    let file = dir.path().join("村.zfp");
    package::pack(&source, &package::village_to_pack(&source, None).unwrap().id, &file, &Progress::none()).unwrap();
    let mut h = store_harness(Store::open(&dir.path().join("new.db")).unwrap());
    assert_eq!(h.state().page(), Page::Welcome);
    button(&h, "合并数据包");
    h.run();
    add_package(&mut h, &file);
    assert!(h.query_by_label("预览合并").is_some());
    button(&h, "预览合并");
    settle(&mut h);
    // The preview lists what would come in, and nothing is written yet.
    assert!(h.query_by_label("本机较新").is_some());
    assert!(h.query_all_by_label("12").next().is_some(), "12 households to add");
    assert_eq!(households(&dir.path().join("new.db")), 0);
    button(&h, "确认合并");
    settle(&mut h);
    assert!(notice(&h).starts_with("已合并 1 个数据包"), "{}", notice(&h));
    assert_eq!(households(&dir.path().join("new.db")), 12);
}

#[test]
fn a_bad_file_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("坏.zfp");
    std::fs::write(&bad, "not a package").unwrap();
    let mut h = store_harness(demo_store(&dir.path().join("a.db"), 1));
    button(&h, "导出/合并");
    h.run();
    add_package(&mut h, &bad);
    button(&h, "预览合并");
    settle(&mut h);
    assert!(notice(&h).contains("坏.zfp") && notice(&h).contains("不是走访村级数据包"), "{}", notice(&h));
    assert!(h.query_by_label("确认合并").is_none());
}

#[test]
fn a_conflict_is_settled_by_the_users_choice() {
    let dir = tempfile::tempdir().unwrap();
    let a = demo_store(&dir.path().join("a.db"), 1);
    let mut b = Store::open(&dir.path().join("b.db")).unwrap();
    let b_device = b.device_id().to_string();
    let b_path = dir.path().join("b.db");
    let first = dir.path().join("1.zfp");
    let village = package::village_to_pack(&a, None).unwrap().id;
    package::pack(&a, &village, &first, &Progress::none()).unwrap();
    merge::merge(&mut b, &[first], &Settlement::newest()).unwrap();
    let id = a.household_rows(None).unwrap()[0].id.clone();
    let a_device = a.device_id().to_string();
    drop(a);
    drop(b);
    let set_phone = |db: &Path, device: &str, phone: &str, at: &str| {
        rusqlite::Connection::open(db)
            .unwrap()
            .execute(
                "UPDATE households SET phone = ?1, updated_at = ?2, origin = ?3 WHERE id = ?4",
                rusqlite::params![phone, at, device, id],
            )
            .unwrap();
    };
    // Both edits after the first merge, mine the later (stamps as the app writes them).
    let stamp = |secs| {
        (chrono::Utc::now() + chrono::TimeDelta::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    set_phone(&dir.path().join("a.db"), &a_device, "13900000001", &stamp(1));
    set_phone(&b_path, &b_device, "13900000002", &stamp(2));
    let a = Store::open(&dir.path().join("a.db")).unwrap();
    let second = dir.path().join("2.zfp");
    package::pack(&a, &village, &second, &Progress::none()).unwrap();

    let mut h = store_harness(Store::open(&b_path).unwrap());
    button(&h, "导出/合并");
    h.run();
    add_package(&mut h, &second);
    button(&h, "预览合并");
    settle(&mut h);
    assert!(h.query_by_label_contains("有 1 处冲突").is_some());
    // Mine is newer and chosen by default; the user takes theirs.
    h.get_by_label("采用对方").scroll_to_me();
    h.run();
    h.get_by_label("采用对方").click();
    h.run();
    button(&h, "确认合并");
    settle(&mut h);
    let conn = rusqlite::Connection::open(&b_path).unwrap();
    let phone: String = conn.query_row("SELECT phone FROM households WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(phone, "13900000001");
}

/// The 导出/合并 page of a demo village's app, with `path` typed as where the ledgers go.
fn ledger_page(db: &Path, path: &Path) -> Harness<'static, App> {
    let mut h = store_harness(demo_store(db, 1));
    button(&h, "导出/合并");
    h.run();
    h.get_by_label("台账保存到").set_text_value_accesskit(&path.display().to_string());
    h.run();
    h
}

/// Clicks 导出台账 and steps the app until the file is written (by a background job).
fn export_ledger(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(egui::accesskit::Role::Button, "导出台账").scroll_to_me();
    h.run();
    button(h, "导出台账");
    settle(h);
}

#[test]
fn the_ledgers_are_exported_to_the_path_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = store_harness(demo_store(&dir.path().join("a.db"), 1));
    button(&h, "导出/合并");
    h.run();
    assert!(h.query_by_label("导出台账（Excel）").is_some());
    let suggested = h.get_by_label("台账保存到").value().unwrap_or_default();
    assert!(suggested.ends_with("台账-2026-11.xlsx"), "{suggested}");
    drop(h);
    let out = dir.path().join("十一月台账.xlsx");
    let mut h = ledger_page(&dir.path().join("b.db"), &out);
    export_ledger(&mut h);
    assert!(notice(&h).starts_with("已导出台账") && notice(&h).contains("十一月台账.xlsx"), "{}", notice(&h));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        calamine::Reader::sheet_names(&book),
        ["走访台账", "走访检查结果", "问题整改台账", "待确认问题", "帮扶人到位情况", "汇总"]
    );
    let visits = calamine::Reader::worksheet_range(&mut book, "走访台账").unwrap();
    let ids: Vec<String> = visits.rows().skip(2).map(|r| r[3].to_string()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| id.contains('*')), "masked by default: {ids:?}");
}

#[test]
fn csv_with_full_ids_renames_the_file_and_writes_one_per_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = ledger_page(&dir.path().join("a.db"), &dir.path().join("给乡镇.xlsx"));
    h.get_by_label("CSV（每张表一个文件）").scroll_to_me();
    h.run();
    h.get_by_label("CSV（每张表一个文件）").click();
    h.get_by_label("写入完整身份证号（默认只显示前 6 位和后 4 位）").click();
    h.run();
    let path = h.get_by_label("台账保存到").value().unwrap_or_default();
    assert!(path.ends_with("给乡镇.csv"), "the typed name keeps, its extension follows the format: {path}");
    export_ledger(&mut h);
    assert!(notice(&h).starts_with("已导出 6 个 CSV 文件"), "{}", notice(&h));
    let visits = std::fs::read_to_string(dir.path().join("给乡镇-走访台账.csv")).unwrap();
    let first = visits.lines().nth(2).unwrap();
    assert!(first.contains(",\"=\"\"") && !first.contains('*'), "full ID numbers: {first}");
}

#[test]
fn a_bad_ledger_path_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = ledger_page(&dir.path().join("a.db"), &dir.path().join("无此文件夹").join("台账.xlsx"));
    export_ledger(&mut h);
    assert!(notice(&h).contains("不存在"), "{}", notice(&h));
}

#[test]
fn the_save_to_field_keeps_exactly_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = store_harness(demo_store(&dir.path().join("a.db"), 1));
    button(&h, "导出/合并");
    h.run();
    assert!(h.get_by_label("保存到").value().unwrap_or_default().ends_with(".zfp"), "a path is suggested");
    h.get_by_label("保存到").set_text_value_accesskit("");
    h.run();
    assert_eq!(h.get_by_label("保存到").value().unwrap_or_default(), "", "a cleared field stays empty");
    h.get_by_label("保存到").set_text_value_accesskit("D:\\给乡镇\\十二月.zfp");
    h.run();
    assert_eq!(h.get_by_label("保存到").value().unwrap_or_default(), "D:\\给乡镇\\十二月.zfp");
}

/// Types into the password field labelled `label`.
fn type_secret(h: &mut Harness<'_, App>, label: &str, text: &str) {
    use egui::accesskit::Role;
    h.get_by_role_and_label(Role::PasswordInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, label).type_text(text);
    h.run();
}

#[test]
fn a_package_sealed_in_the_window_merges_only_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = store_harness(demo_store(&dir.path().join("a.db"), 1));
    button(&h, "导出/合并");
    h.run();
    let out = dir.path().join("加密.zfp");
    h.get_by_label("保存到").set_text_value_accesskit(out.to_str().unwrap());
    h.run();
    h.get_by_label("加密（口令）").click();
    h.run();
    type_secret(&mut h, "数据包口令", "乡镇和村约定的口令");
    button(&h, "导出数据包");
    settle(&mut h);
    assert!(out.is_file(), "{}", notice(&h));
    assert!(package::is_sealed(&out).unwrap());
    assert!(Package::open(&out).is_err(), "sealed: no passphrase, no package");
    drop(h);

    let mut h = store_harness(Store::open(&dir.path().join("new.db")).unwrap());
    button(&h, "合并数据包");
    h.run();
    add_package(&mut h, &out);
    type_secret(&mut h, "数据包口令（加密的数据包）", "猜错的口令口令");
    button(&h, "预览合并");
    settle(&mut h);
    assert!(notice(&h).contains("口令不正确"), "{}", notice(&h));
    assert_eq!(households(&dir.path().join("new.db")), 0);
    h.get_by_role_and_label(egui::accesskit::Role::PasswordInput, "数据包口令（加密的数据包）").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::PasswordInput, "数据包口令（加密的数据包）")
        .type_text("乡镇和村约定的口令");
    h.run();
    button(&h, "预览合并");
    settle(&mut h);
    button(&h, "确认合并");
    settle(&mut h);
    assert!(notice(&h).starts_with("已合并 1 个数据包"), "{}", notice(&h));
    assert_eq!(households(&dir.path().join("new.db")), 12);
}
