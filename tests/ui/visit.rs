//! The visit form driven headlessly: a whole visit filled from the keyboard, saved, and seen on
//! 户详情 and 本月走访; a draft recovered after the app went away without saving.

use crate::support::{household_of_two, save_visit, today};
use chrono::NaiveDate;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use zoufang::model::coded::Role as CadreRole;
use zoufang::model::register::Cadre;
use zoufang::store::{Setting, Store};
use zoufang::ui::{App, Page};

/// A village with one household of two adults and its cadre, who is also "me" on this laptop
/// (see [`household_of_two`]). Returns the household id.
fn village(path: &std::path::Path) -> String {
    household_of_two(path).1
}

fn harness(path: &std::path::Path) -> Harness<'static, App> {
    let mut h = crate::support::harness(path);
    h.run();
    h
}

/// From wherever the app is, opens 户详情 of 张三 through the 农户 list.
fn open_household(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(Role::Button, "农户").click();
    h.run();
    h.get_by_label("张三").click();
    h.run();
}

fn press(h: &mut Harness<'_, App>, key: Key, times: usize) {
    for _ in 0..times {
        h.key_press(key);
        h.run();
    }
}

#[test]
fn a_whole_visit_filled_from_the_keyboard_shows_on_the_household() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let household = village(&path);
    let mut h = harness(&path);

    open_household(&mut h);
    assert_eq!(h.state().page(), Page::HouseholdDetail);
    h.get_by_label("住房安全：未知");
    h.get_by_label("2026-11：未走访");
    h.get_by_label("记录走访").click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm);

    // The first item has focus: 1 answers 是 and moves on. Before the income come 吃穿, 医保,
    // 签约医生, 住院报销, 住房认定, 危房 (是: a problem), the two asked house items and 饮水.
    assert!(h.get_by_label("吃穿不愁（有粮有肉、四季衣被）：是").is_focused());
    press(&mut h, Key::Num1, 9);
    let income = h.get_by_role_and_label(Role::TextInput, "家庭年纯收入（元）");
    assert!(income.is_focused(), "the income field is next");
    income.type_text("30000");
    h.run();
    h.get_by_label("年人均纯收入 15000 元（2 人）");
    press(&mut h, Key::Enter, 1);
    // 收入骤减 (是: a problem), 就业, 产业, 信贷, 兜底, 路电, four 档案/核实 items, 人居环境,
    // 政策知晓, then 满意度 (1 = 满意).
    press(&mut h, Key::Num1, 13);
    h.get_by_label("发现的问题：2 个（保存后作为待确认的问题台账条目）");
    let measures = h.get_by_role_and_label(Role::MultilineTextInput, "本次帮扶措施");
    assert!(measures.is_focused(), "after the last item the keyboard is in 本次帮扶措施");
    measures.type_text("讲解医保政策");
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    // 危房 and 收入骤减 are worded so that 是 is the bad answer: saving says so first.
    h.get_by_label("以下 2 项回答“是”，将记为问题（这些题目答“是”表示有问题）：");
    assert_eq!(h.state().page(), Page::VisitForm, "not saved before the answer");
    h.get_by_label("仍然保存").click();
    h.run();

    assert_eq!(h.state().page(), Page::HouseholdDetail, "saving shows the household");
    h.get_by_label("住房安全：有问题");
    h.get_by_label("收入：有问题");
    h.get_by_label("两不愁：正常");
    h.get_by_label("饮水安全：正常");
    h.get_by_label("义务教育：不适用");
    h.get_by_label("2026-11：已走访（王干部）");
    h.get_by_label("本月走访").click();
    h.run();
    h.get_by_label("本月发现的问题：2 个（点户主姓名查看户详情）");
    h.get_by_label("全村：已走访 1 户 / 应走访 1 户");

    drop(h);
    let store = Store::open(&path).unwrap();
    let visit = store.latest_visit(&household).unwrap().expect("saved");
    assert_eq!(visit.date, today());
    assert_eq!(visit.income_per_capita, Some(15000.0));
    assert_eq!(visit.satisfaction.as_deref(), Some("满意"));
    assert_eq!(visit.measures, "讲解医保政策");
    assert_eq!(visit.answers.len(), 23);
    let mut problems: Vec<&str> = visit.problems().map(|a| a.item.as_str()).collect();
    problems.sort();
    assert_eq!(problems, ["income_shock", "unsafe_house"]);
    assert_eq!(store.draft(&household, None).unwrap(), None, "the draft went with the save");
}

#[test]
fn this_month_lists_my_household_until_visited_and_a_second_visit_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    let mut h = harness(&path);
    h.get_by_label("本月走访").click();
    h.run();
    h.get_by_label("全村：已走访 0 户 / 应走访 1 户");
    h.get_all_by_label("走访 张三 户").next().expect("listed as mine and as overdue").click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm, "one click from 本月走访");
    press(&mut h, Key::Num1, 1);
    save_visit(&mut h);
    assert_eq!(h.state().page(), Page::ThisMonth, "back where it came from");
    h.get_by_label("全村：已走访 1 户 / 应走访 1 户");
    h.get_by_label("您负责的农户本月都已走访。");
    // Saved with one item answered: the visit is marked incomplete here and on 户详情.
    h.get_by_label("本月走访有未答项的 1 户：");
    let link = h.get_by_label_contains("张三（未答 ");
    let marked = link.accesskit_node().label().unwrap_or_default().to_string();
    let n = marked.trim_start_matches("张三（").trim_end_matches('）').to_string();
    link.click();
    h.run();
    assert_eq!(h.state().page(), Page::HouseholdDetail);
    h.get_by_label(&n);

    open_household(&mut h);
    h.get_by_label("记录走访").click();
    h.run();
    press(&mut h, Key::Num2, 1);
    save_visit(&mut h);
    h.get_by_label("您本月已于 2026-11-21 走访过这一户，仍要再记一次吗？");
    assert_eq!(h.state().page(), Page::VisitForm, "not saved before the answer");
    h.get_by_label("仍然保存").click();
    h.run();
    assert_eq!(h.state().page(), Page::HouseholdDetail);
    h.get_by_label("走访记录（2 次）");
}

#[test]
fn what_was_typed_comes_back_after_the_app_went_away() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    {
        let mut h = harness(&path);
        open_household(&mut h);
        h.get_by_label("记录走访").click();
        h.run();
        press(&mut h, Key::Num2, 1);
        // The window goes away without saving, as in a crash.
    }
    let mut h = harness(&path);
    open_household(&mut h);
    h.get_by_label("记录走访").click();
    h.run();
    assert!(h.query_by_label_contains("未保存的走访内容").is_some(), "the recovery is announced");
    h.get_by_label("发现的问题：1 个（保存后作为待确认的问题台账条目）");
}

#[test]
fn a_saved_visit_opens_read_only_and_its_author_can_change_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let household = village(&path);
    let mut h = harness(&path);
    open_household(&mut h);
    h.get_by_label("记录走访").click();
    h.run();
    press(&mut h, Key::Num1, 1);
    save_visit(&mut h);
    h.get_by_label("两不愁：正常");

    h.get_by_label("查看 2026-11-21 的走访").click();
    h.run();
    h.get_by_label("只读（待审核）");
    // Saved, it says nothing of what saving would do, read only or changed.
    h.get_by_label("发现的问题：0 个");
    h.get_by_label("修改").click();
    h.run();
    h.get_by_label("发现的问题：0 个");
    press(&mut h, Key::Num2, 1);
    save_visit(&mut h);
    assert_eq!(h.state().page(), Page::HouseholdDetail, "saved without asking: it is the same visit");
    h.get_by_label("两不愁：有问题");
    h.get_by_label("走访记录（1 次）");
    drop(h);
    let store = Store::open(&path).unwrap();
    let visit = store.latest_visit(&household).unwrap().unwrap();
    assert_eq!(visit.answer("food_clothing").map(|a| a.value.as_str()), Some("否"));
}

#[test]
fn the_date_is_picked_on_a_chinese_calendar_never_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let household = village(&path);
    let mut h = harness(&path);
    open_household(&mut h);
    h.get_by_label("记录走访").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "日历").click();
    h.run();
    h.get_by_label("2026年11月");
    assert!(h.get_by_label("22").accesskit_node().is_disabled(), "tomorrow cannot be picked");
    h.get_by_label("20").click();
    h.run();
    press(&mut h, Key::Num1, 1);
    save_visit(&mut h);
    drop(h);
    let visit = Store::open(&path).unwrap().latest_visit(&household).unwrap().unwrap();
    assert_eq!(visit.date, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
}

#[test]
fn the_problem_answer_is_marked_and_tab_from_a_note_goes_to_the_next_item() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    let mut h = harness(&path);
    open_household(&mut h);
    h.get_by_label("记录走访").click();
    h.run();
    // Before anything is chosen, the answer that makes the item a problem says so.
    h.get_by_label("吃穿不愁（有粮有肉、四季衣被）：否（记为问题）");
    h.get_by_label("吃穿不愁（有粮有肉、四季衣被）：是");
    h.get_by_label("居住C级或D级危房 / 有成员仍住危房：是（记为问题）");
    press(&mut h, Key::Num2, 1);
    let note = h.get_by_role_and_label(Role::MultilineTextInput, "情况说明");
    note.focus();
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "情况说明").type_text("冬被不足");
    h.run();
    h.key_press(Key::Tab);
    h.run();
    let focused: Vec<String> = h
        .query_all_by_role(Role::RadioButton)
        .filter(|n| n.is_focused())
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert_eq!(focused, ["全部成员参加当年城乡居民基本医疗保险：是"], "Tab from the note goes on to the next item");
    press(&mut h, Key::Num1, 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(
        h.query_by_label_contains("项没有回答").is_some(),
        "saving with unanswered items asks before anything is saved"
    );
    h.get_by_label("继续填写").click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm);
    assert!(h.query_by_label("继续填写").is_none());
}

#[test]
fn a_visit_typed_in_by_someone_else_says_who_entered_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    village(&path);
    {
        let mut store = Store::open(&path).unwrap();
        let village = store.villages().unwrap().remove(0);
        let mut c = Cadre { name: "李书记".into(), role: CadreRole::FirstSecretary, ..Cadre::default() };
        store.save_cadre(&mut c, Some(&village.id)).unwrap();
        store.set_setting(Setting::Me, &c.id).unwrap();
    }
    let mut h = harness(&path);
    open_household(&mut h);
    h.get_by_label("记录走访").click();
    h.run();
    press(&mut h, Key::Num1, 1);
    save_visit(&mut h);
    open_household(&mut h);
    h.get_by_label("由 李书记 录入");
    drop(h);
    let store = Store::open(&path).unwrap();
    let visit = store.visits_of(&store.household_rows(None).unwrap()[0].id).unwrap().remove(0);
    assert_eq!((visit.cadre_name.as_str(), visit.recorder_name.as_str()), ("王干部", "李书记"));
    assert!(visit.unanswered > 0);
}
