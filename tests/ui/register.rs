//! The register through the real screens: first start, creating the village, adding a household
//! with a member by typing Chinese, validation beside the fields, and finding it by pinyin.

use crate::support::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use zoufang::model::id_number::check_char;
use zoufang::store::Store;
use zoufang::ui::Page;

fn valid_id(body: &str) -> String {
    format!("{body}{}", check_char(body))
}

#[test]
fn create_village_add_household_and_find_it_by_pinyin() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("v.db"));
    h.run();
    assert_eq!(h.state().page(), Page::Welcome);
    assert!(shows(&h, "载入演示村"));

    click(&mut h, "创建我的村");
    type_into(&mut h, "村名", 0, "杨家沟村");
    type_into(&mut h, "乡镇（街道）", 0, "黄堡镇");
    click(&mut h, "保存");
    assert_eq!(h.state().page(), Page::Households);
    assert!(shows(&h, "杨家沟村"));

    for (name, body) in [("张三丰", "61020219650312001"), ("李四", "61020219700101002")] {
        click(&mut h, "新增农户");
        assert_eq!(h.state().page(), Page::HouseholdEdit);
        type_into(&mut h, "姓名", 0, name);
        type_into(&mut h, "证件号码", 0, &valid_id(body).to_lowercase());
        click(&mut h, "保存");
        assert_eq!(h.state().page(), Page::Households, "saving {name} went back to the list");
    }
    assert!(shows(&h, "已保存：李四"));
    assert!(h.query_by_label("张三丰").is_some() && h.query_by_label("李四").is_some());

    type_into(&mut h, "搜索", 0, "zsf");
    assert!(h.query_by_label("张三丰").is_some(), "zsf finds 张三丰");
    assert!(h.query_by_label("李四").is_none(), "zsf does not find 李四");
    assert!(shows(&h, "显示 1 户 / 共 2 户"));

    h.get_by_label("张三丰").click();
    h.run();
    assert_eq!(h.state().page(), Page::HouseholdDetail, "a household opens on 户详情");
    click(&mut h, "编辑户信息");
    assert_eq!(h.state().page(), Page::HouseholdEdit);
    assert_eq!(value_of(&h, "证件号码", 0), valid_id("61020219650312001").to_uppercase(), "x normalised on save");
}

#[test]
fn bad_and_duplicate_id_numbers_are_shown_beside_the_field_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    {
        let mut h = harness(&db);
        h.run();
        click(&mut h, "创建我的村");
        type_into(&mut h, "村名", 0, "石门村");
        click(&mut h, "保存");
        click(&mut h, "新增农户");
        type_into(&mut h, "姓名", 0, "王五");
        type_into(&mut h, "证件号码", 0, &valid_id("61020219800101123"));
        click(&mut h, "保存");
    }
    let mut h = harness(&db);
    h.run();
    assert_eq!(h.state().page(), Page::Dashboard, "a registered village opens on the dashboard");
    click(&mut h, "农户");
    click(&mut h, "新增农户");
    type_into(&mut h, "姓名", 0, "赵六");
    let mut wrong = valid_id("61020219800101124");
    let last = if wrong.ends_with('1') { '2' } else { '1' };
    wrong.pop();
    wrong.push(last);
    type_into(&mut h, "证件号码", 0, &wrong);
    assert!(shows(&h, "校验位不对"), "the check character error shows as the user types");
    click(&mut h, "保存");
    assert_eq!(h.state().page(), Page::HouseholdEdit, "an invalid household is not saved");

    h.get_by_role_and_label(Role::TextInput, "证件号码").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "证件号码").type_text(&valid_id("61020219800101123"));
    h.run();
    assert!(shows(&h, "已登记在户主“王五”家中"), "an ID of another household is refused beside the field");
    click(&mut h, "保存");
    assert_eq!(h.state().page(), Page::HouseholdEdit);
    assert!(shows(&h, "已登记在户主“王五”家中"));
}

#[test]
fn chinese_from_an_input_method_reaches_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("v.db"));
    h.run();
    click(&mut h, "创建我的村");
    h.get_by_role_and_label(Role::TextInput, "村名").focus();
    h.run();
    h.event(egui::Event::Ime(egui::ImeEvent::Preedit { text: "hua".into(), active_range_chars: None }));
    h.run();
    h.event(egui::Event::Ime(egui::ImeEvent::Commit("花园村".into())));
    h.run();
    assert_eq!(value_of(&h, "村名", 0), "花园村");
}

#[test]
fn demo_village_is_one_click_away_and_cadres_get_households() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&dir.path().join("v.db"));
    h.run();
    button(&h, "载入演示村");
    settle(&mut h);
    assert_eq!(h.state().page(), Page::Dashboard, "the demo opens on the dashboard");
    assert!(shows(&h, "演示村已载入：120 户"));

    click(&mut h, "干部");
    assert_eq!(h.state().page(), Page::Cadres);
    click(&mut h, "新增干部");
    type_into(&mut h, "姓名", 0, "欧阳明");
    type_into(&mut h, "工作单位", 0, "区农业农村局");
    click(&mut h, "保存");
    assert!(shows(&h, "已保存干部：欧阳明"));

    click(&mut h, "农户");
    type_into(&mut h, "搜索", 0, "0001");
    h.get_by_label_contains("选择 ").click();
    h.run();
    assert!(shows(&h, "已选 1 户"));
}

#[test]
fn a_database_held_by_another_zoufang_is_reported_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let _first = Store::open(&db).unwrap();
    let mut h = harness(&db);
    h.run();
    assert!(shows(&h, "无法打开数据库"));
    assert!(shows(&h, "正被另一个走访程序使用"));
    assert!(shows(&h, "文件未作任何修改"));
}
