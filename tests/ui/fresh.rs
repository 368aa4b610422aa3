//! Screens never show numbers older than the last write: a visit saved through the form, a
//! merge and a roster import each show at once on 首页看板, 本月走访, 走访审核 and 问题台账,
//! although every one of those pages was drawn (and had read its rows) before.

use crate::support::{button, harness, notice, save_visit, settle, shows, today, type_into, zoufang};
use chrono::NaiveDate;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::Path;
use zoufang::model::coded::{Relation, Role as CadreRole};
use zoufang::model::id_number::check_char;
use zoufang::model::register::{Cadre, Household, Member, Village};
use zoufang::store::{Setting, Store};
use zoufang::ui::{App, Page};

fn id(body: &str) -> String {
    format!("{body}{}", check_char(body))
}

/// A village of three two-adult households of one cadre, who is "me" on this laptop.
fn village(path: &Path) {
    let mut store = Store::open(path).unwrap();
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &["一组".into()]).unwrap();
    let mut c = Cadre { name: "王干部".into(), role: CadreRole::Cadre, ..Cadre::default() };
    store.save_cadre(&mut c, Some(&v.id)).unwrap();
    for (i, (head, spouse)) in [("张三", "李四"), ("赵六", "钱七"), ("孙八", "周九")].iter().enumerate() {
        let mut h = Household { village_id: v.id.clone(), code: format!("610202001000{i}"), ..Household::default() };
        let mut members = vec![
            Member {
                name: head.to_string(),
                id_number: id(&format!("6102021986010112{i}")),
                relation: Relation::Head,
                ..Member::default()
            },
            Member {
                name: spouse.to_string(),
                id_number: id(&format!("6102021988020212{i}")),
                relation: Relation::Spouse,
                ..Member::default()
            },
        ];
        store.save_household(&mut h, &mut members, Some(&c.id), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap();
    }
    store.set_setting(Setting::Me, &c.id).unwrap();
}

/// Goes to a page by its navigation button.
fn nav(h: &mut Harness<'_, App>, label: &str) {
    button(h, label);
    h.run();
}

/// Draws every page that shows the month's figures, so each has read (and cached) its rows.
fn visit_every_page(h: &mut Harness<'_, App>) {
    for page in ["首页看板", "本月走访", "走访审核", "问题台账", "农户"] {
        nav(h, page);
    }
}

/// Records a visit to 张三 from 本月走访: every item 是 by keyboard (two of them problems).
fn record_visit(h: &mut Harness<'_, App>) {
    nav(h, "本月走访");
    h.query_all_by_label("走访 张三 户").next().unwrap().click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm);
    for _ in 0..9 {
        h.key_press(Key::Num1);
        h.run();
    }
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "家庭年纯收入（元）").type_text("30000");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    for _ in 0..13 {
        h.key_press(Key::Num1);
        h.run();
    }
    save_visit(h);
    assert!(h.state().notice_text().starts_with("已保存"), "{}", h.state().notice_text());
}

#[test]
fn a_saved_visit_shows_on_every_page_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    let mut h = harness(&path);
    h.run();
    visit_every_page(&mut h);
    nav(&mut h, "首页看板");
    assert!(shows(&h, "0 / 3"));
    h.get_by_label("待审核走访：0");
    nav(&mut h, "走访审核");
    assert!(shows(&h, "没有需要处理的走访记录。"), "nothing to review yet");

    record_visit(&mut h);

    nav(&mut h, "首页看板");
    assert!(shows(&h, "1 / 3"), "coverage counts the new visit");
    h.get_by_label("待审核走访：1");
    h.get_by_label("王干部 未到位：2");
    nav(&mut h, "本月走访");
    h.get_by_label("全村：已走访 1 户 / 应走访 3 户");
    h.get_by_label("本月发现的问题：2 个（点户主姓名查看户详情）");
    nav(&mut h, "走访审核");
    assert!(h.query_by_label("张三").is_some(), "the visit waits for review");
    nav(&mut h, "问题台账");
    assert!(shows(&h, "走访发现、待确认的问题（2 项）：确认后进入台账"), "the visit's two problems wait as proposals");
}

#[test]
fn a_merge_and_a_roster_import_show_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    // Another laptop's copy of the village records a visit and sends a package.
    let other = dir.path().join("other.db");
    std::fs::copy(&path, &other).unwrap();
    let package = dir.path().join("other.zfp");
    {
        let mut store = Store::open(&other).unwrap();
        store.write(zoufang::checklist::ensure_builtins).unwrap();
        let catalog = &mut zoufang::checklist::Catalog::default();
        let (template, _) = catalog.current(&store, zoufang::model::visit::VisitKind::Monthly).unwrap();
        let row = store.household_rows(None).unwrap().into_iter().find(|r| r.head_name == "赵六").unwrap();
        let mut visit = zoufang::model::visit::Visit::new(
            &row.id,
            row.cadre_id.as_deref().unwrap(),
            today(),
            zoufang::model::visit::VisitKind::Monthly,
            &template,
        );
        store.save_visit(&mut visit, today()).unwrap();
    }
    let out = zoufang(&other, &["pack", "--out", package.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut h = harness(&path);
    h.run();
    visit_every_page(&mut h);
    nav(&mut h, "导出/合并");
    type_into(&mut h, "数据包文件", 0, package.to_str().unwrap());
    button(&h, "添加");
    h.run();
    // The page is taller than the window: the buttons are pressed through accessibility.
    h.get_by_role_and_label(egui::accesskit::Role::Button, "预览合并").click_accesskit();
    settle(&mut h);
    let confirm = h.query_by_role_and_label(egui::accesskit::Role::Button, "确认合并");
    let confirm = confirm.unwrap_or_else(|| panic!("no preview; the message bar says: {}", notice(&h)));
    confirm.click_accesskit();
    settle(&mut h);
    nav(&mut h, "首页看板");
    assert!(shows(&h, "1 / 3"), "the merged visit counts");
    h.get_by_label("待审核走访：1");
    nav(&mut h, "本月走访");
    h.get_by_label("全村：已走访 1 户 / 应走访 3 户");

    // A roster adds a fourth household.
    let roster = dir.path().join("花名册.csv");
    let head = id("61020219900303121");
    std::fs::write(
        &roster,
        format!("户编号,姓名,证件号码,与户主关系,帮扶责任人\n6102020010009,吴十,{head},户主,王干部\n"),
    )
    .unwrap();
    nav(&mut h, "导入");
    type_into(&mut h, "文件路径", 0, roster.to_str().unwrap());
    button(&h, "读取");
    settle(&mut h);
    button(&h, "确认导入");
    settle(&mut h);
    assert_eq!(h.state().page(), Page::Households);
    assert!(h.query_by_label("吴十").is_some(), "the imported household is listed");
    nav(&mut h, "首页看板");
    assert!(shows(&h, "1 / 4"), "the imported household is one more to visit");
}

#[test]
fn i_find_myself_among_the_cadres_by_pinyin_initials() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    Store::open(&path).unwrap().set_setting(Setting::Me, "").unwrap();
    let mut h = harness(&path);
    h.run();
    nav(&mut h, "设置");
    type_into(&mut h, "查找", 0, "wgb");
    h.query_all_by_label_contains("王干部（帮扶干部").next().expect("found by initials").click();
    h.run();
    assert!(shows(&h, "我是：王干部（帮扶干部）"), "the top bar says who I am");
    nav(&mut h, "本月走访");
    assert!(shows(&h, "王干部（帮扶干部） 负责、本月还没走访的农户：3 户"), "本月走访 lists my households");
}

#[test]
fn the_age_at_which_waiting_findings_are_flagged_is_shown_in_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    Store::open(&path).unwrap().set_setting(Setting::ProposalDays, "14").unwrap();
    let mut h = harness(&path);
    h.run();
    nav(&mut h, "设置");
    let field = h.get_by_role_and_label(egui::accesskit::Role::SpinButton, "待确认提醒");
    let shown = format!("{:?}", field.accesskit_node().numeric_value());
    assert!(shown.contains("14"), "the stored limit is shown: {shown}");
}
