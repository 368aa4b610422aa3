//! The audit log on the screens: 户详情 shows who changed what (old → new, labelled in Chinese),
//! and a visit changed after its review is marked in 走访审核 and in 走访台账.

use crate::support::*;
use egui_kittest::kittest::Queryable;
use zoufang::demo::{self, DemoOptions};
use zoufang::model::coded::Role;
use zoufang::model::visit::ReviewStatus;
use zoufang::store::{Setting, Store};
use zoufang::ui::Page;

fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("v.db");
    let mut s = Store::open(&db).unwrap();
    demo::generate(&mut s, &DemoOptions { villages: 1, households: 12, months: 2, seed: 11, today: today() }).unwrap();
    db
}

#[test]
fn the_household_page_shows_who_changed_what() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let head = {
        let mut s = Store::open(&db).unwrap();
        let me = s.cadres(false).unwrap().into_iter().find(|c| c.cadre.role == Role::Cadre).unwrap().cadre;
        s.set_setting(Setting::Me, &me.id).unwrap();
        let row = s.household_rows(None).unwrap().remove(0);
        let (mut h, mut members) = s.household(&row.id).unwrap().unwrap();
        h.phone = "13700001111".into();
        s.save_household(&mut h, &mut members, None, today()).unwrap();
        (row.head_name, me.name)
    };
    let mut h = harness(&db);
    h.run();
    click(&mut h, "农户");
    h.get_by_label(&head.0).click();
    h.run();
    assert_eq!(h.state().page(), Page::HouseholdDetail);
    h.get_by_label_contains("修改记录（").click_accesskit();
    h.run();
    assert!(shows(&h, &format!("{}（设备", head.1)), "who: the 我是… cadre");
    assert!(shows(&h, "修改农户") && shows(&h, "联系电话：“") && shows(&h, "” → “13700001111”"));
}

#[test]
fn a_visit_changed_after_its_review_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let visit_id = {
        let mut s = Store::open(&db).unwrap();
        let row = s.visits_for_review(None, Some(ReviewStatus::Pending)).unwrap().remove(0);
        let first = give_pin_in(&mut s);
        s.sign_in(&first, "8642").unwrap();
        s.review_visit(&row.visit_id, true, "补写帮扶措施").unwrap();
        assert!(!s.visits_for_review(None, None).unwrap().iter().any(|r| r.changed_after_review));
        let mut v = s.visit(&row.visit_id).unwrap().unwrap();
        v.measures = "补：联系镇卫生院上门体检".into();
        s.save_visit(&mut v, today()).unwrap();
        let entries = s.visits_between(None, v.date, v.date).unwrap();
        assert!(entries.iter().any(|e| e.visit.id == v.id && e.changed_after_review), "走访台账 is told");
        row.visit_id
    };
    let mut h = harness(&db);
    h.run();
    click(&mut h, "走访审核");
    // Edited after it was returned, it waits for review again — marked.
    assert!(shows(&h, "审核后改过"), "marked in 走访审核");
    drop(h);
    let s = Store::open(&db).unwrap();
    assert!(s.visits_for_review(None, None).unwrap().iter().any(|r| r.visit_id == visit_id && r.changed_after_review));
}

/// 修改记录 on the visit form names a changed answer by its checklist question, not its code.
#[test]
fn the_visit_form_names_a_changed_answer_by_its_question() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.db");
    visit_changed_to_a_problem(&path);
    let mut h = visit_form_of(&path);
    h.get_by_label_contains("修改记录（").click_accesskit();
    h.run();
    assert!(shows(&h, "修改走访清单答案：吃穿不愁（有粮有肉、四季衣被） "));
    assert!(shows(&h, "吃穿不愁（有粮有肉、四季衣被） 答案：“是” → “否”"));
    assert!(!shows(&h, "food_clothing"), "no item code on the screen");
    // The problem the change made was proposed for the ledger when saved, and says so.
    h.get_by_label("发现的问题：1 个");
    h.get_by_label("【两不愁】吃穿不愁（有粮有肉、四季衣被）：否（待确认）");
}

/// 张三's visit of today, saved with 吃穿不愁 是, then changed to 否: a problem.
fn visit_changed_to_a_problem(path: &std::path::Path) {
    let (mut store, mut visit) = visited_household(path, "food_clothing", "是");
    visit.answers[0].value = "否".into();
    visit.answers[0].is_problem = true;
    store.save_visit(&mut visit, today()).unwrap();
}

/// The app on `path`, showing 张三's visit of today on the visit form.
fn visit_form_of(path: &std::path::Path) -> egui_kittest::Harness<'static, zoufang::ui::App> {
    let mut h = harness(path);
    h.run();
    click(&mut h, "农户");
    h.get_by_label("张三").click();
    h.run();
    h.get_by_label(&format!("查看 {} 的走访", today())).click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm);
    h
}

/// Gives the first secretary the PIN 8642; returns their id.
fn give_pin_in(s: &mut Store) -> String {
    let c = s.cadres(false).unwrap().into_iter().find(|c| c.cadre.role == Role::FirstSecretary).unwrap().cadre;
    s.set_pin(&c.id, "8642", None).unwrap();
    c.id
}

/// A saved visit whose problems' ledger states cannot be read says so, rather than passing for
/// a new visit whose problems will be proposed when saved.
#[test]
fn a_saved_visit_says_when_its_problems_ledger_states_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    visit_changed_to_a_problem(&path);
    // The states come from the answers' proposal column; without it, they cannot be read.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("ALTER TABLE visit_answers RENAME COLUMN proposal TO proposal_gone").unwrap();
    drop(raw);
    let h = visit_form_of(&path);
    h.get_by_label("发现的问题：1 个");
    assert!(shows(&h, "未能读取这些问题在问题台账中的状态："), "the reason is shown");
    assert!(!shows(&h, "保存后作为待确认"), "not the caption of a new visit");
    h.get_by_label("【两不愁】吃穿不愁（有粮有肉、四季衣被）：否");
}
