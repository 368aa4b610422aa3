//! The ledger through the real screens: recording a problem by hand, moving it to 已整改, the
//! PIN asked for 销号, striking it off with the first secretary's PIN and seeing 清零 count down.

use crate::support::*;
use egui_kittest::kittest::{NodeT, Queryable};
use zoufang::demo::{self, DemoOptions};
use zoufang::model::coded::Role as CadreRole;
use zoufang::model::ledger::{Actor, Problem, Status};
use zoufang::store::{Setting, Store};
use zoufang::ui::Page;

/// Empties the ledger the demo filled, putting its problems back as proposals to confirm.
fn empty_ledger(db: &std::path::Path) {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute_batch(
            "DELETE FROM problem_events; DELETE FROM problems;
             UPDATE visit_answers SET proposal = '待确认' WHERE is_problem = 1;",
        )
        .unwrap();
}

/// A demo village with one open housing problem; "我是…" set to a cadre of `role`.
fn village_with_problem(db: &std::path::Path, role: CadreRole) -> String {
    let mut s = Store::open(db).unwrap();
    demo::generate(&mut s, &DemoOptions { villages: 1, households: 20, months: 3, seed: 5, today: today() }).unwrap();
    empty_ledger(db);
    let v = s.villages().unwrap().remove(0);
    let h = s.household_rows(Some(&v.id)).unwrap().remove(0);
    let mut p = Problem::new(&v.id, Some(h.id), "住房安全", "居住C级危房未改造", today());
    p.deadline = today().checked_sub_days(chrono::Days::new(3));
    p.found = today().checked_sub_days(chrono::Days::new(40)).unwrap();
    s.save_problem(&mut p, &Actor::default()).unwrap();
    set_me(&mut s, role);
    p.id
}

fn set_me(s: &mut Store, role: CadreRole) {
    let me = s.cadres(false).unwrap().into_iter().find(|c| c.cadre.role == role).unwrap();
    s.set_setting(Setting::Me, &me.cadre.id).unwrap();
}

#[test]
fn a_problem_is_struck_off_only_by_the_first_secretary_and_the_count_drops() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let id = village_with_problem(&db, CadreRole::Cadre);
    {
        let mut h = harness(&db);
        h.run();
        click(&mut h, "问题台账");
        assert_eq!(h.state().page(), Page::Ledger);
        assert!(shows(&h, "未清零 1 项"));
        assert!(shows(&h, "逾期 3 天"), "an overdue problem shows its days");
        h.get_by_label("居住C级危房未改造").click();
        h.run();
        click(&mut h, "改为“已整改”");
        assert!(shows(&h, "处理记录"));
        click(&mut h, "改为“已销号”");
        click(&mut h, "确认销号");
        assert!(shows(&h, "还没有第一书记设置 PIN"), "销号 asks for the first secretary's PIN, saying none is set");
        click(&mut h, "取消签批");
        assert!(shows(&h, "未清零 1 项"), "a cadre cannot strike off");
    }
    give_pin(&db, CadreRole::FirstSecretary, "2468");
    set_me(&mut Store::open(&db).unwrap(), CadreRole::FirstSecretary);
    let mut h = harness(&db);
    h.run();
    click(&mut h, "问题台账");
    assert!(!shows(&h, "逾期 3 天"), "a rectified problem is no longer overdue");
    h.get_by_label("居住C级危房未改造").click();
    h.run();
    type_into(&mut h, "进展或说明", 0, "经入户核实已搬入新房");
    click(&mut h, "改为“已销号”");
    assert!(shows(&h, "未清零 1 项"), "销号 asks first: it is final and reported upward");
    assert!(shows(&h, "销号后不能再修改，并计入上报乡镇的清零数。确认销号？"));
    click(&mut h, "确认销号");
    assert!(shows(&h, "请第一书记输入 PIN"), "choosing 我是 第一书记 is not enough");
    type_pin(&mut h, "PIN", "1111");
    click(&mut h, "确认签批");
    assert!(shows(&h, "PIN 不对，还可以再试 4 次"));
    assert!(shows(&h, "未清零 1 项"));
    type_pin(&mut h, "PIN", "2468");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(shows(&h, "未清零 0 项"));
    drop(h);
    let s = Store::open(&db).unwrap();
    assert_eq!(s.problem(&id).unwrap().unwrap().status, Status::Closed);
    let kinds: Vec<_> = s.problem_events(&id).unwrap().into_iter().map(|e| (e.kind, e.note)).collect();
    assert_eq!(kinds.len(), 3);
    assert_eq!(kinds[2].1, "经入户核实已搬入新房");
}

#[test]
fn a_village_wide_problem_is_recorded_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    village_with_problem(&db, CadreRole::FirstSecretary);
    let mut h = harness(&db);
    h.run();
    click(&mut h, "问题台账");
    click(&mut h, "登记问题");
    click(&mut h, "保存");
    assert!(shows(&h, "必填"), "an empty description is refused beside the field");
    type_into(&mut h, "问题描述", 0, "三组饮水管道冬季冻裂");
    click(&mut h, "保存");
    // No 责任单位: asked once, beside the field; a second 保存 goes ahead without it.
    assert!(h.query_by_label_contains("请填写责任单位").is_some());
    assert!(!shows(&h, "问题已保存"));
    click(&mut h, "保存");
    assert!(shows(&h, "问题已保存"));
    assert!(shows(&h, "未清零 2 项"));
    assert!(h.query_all_by_label("全村").count() >= 1);
}

#[test]
fn dashboard_numbers_open_the_lists_behind_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    village_with_problem(&db, CadreRole::FirstSecretary);
    let d = Store::open(&db).unwrap().dashboard(None, zoufang::model::month::Month::of(today()), today()).unwrap();
    let not_visited = d.not_visited.len();
    let waiting = d.pending.oldest_age(d.as_of).expect("the demo leaves proposals waiting");
    let mut h = harness(&db);
    h.run();
    assert_eq!(h.state().page(), Page::Dashboard);
    assert!(shows(&h, "2026-11 月度"));
    assert!(h.query_by_label("逾期未整改：1").is_some());
    assert!(h.query_by_label("住房安全 本月发现：0").is_some() && h.query_by_label("住房安全 未清零：1").is_some());
    assert!(h.query_by_label(&format!("未走访（户）：{not_visited}")).is_some());
    assert!(shows(&h, "待确认问题") && shows(&h, &d.pending.total.to_string()), "waiting proposals are counted");
    assert!(shows(&h, &format!("最早的已等 {waiting} 天")), "with the oldest's age");
    h.get_by_label("未清零问题：1").click();
    h.run();
    assert_eq!(h.state().page(), Page::Ledger);
    assert!(shows(&h, "显示 1 项"));
    assert!(h.query_by_label("居住C级危房未改造").is_some());
}

#[test]
fn the_first_secretary_returns_then_approves_a_visit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    village_with_problem(&db, CadreRole::FirstSecretary);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "UPDATE visits SET review_status = '已审核';
             INSERT INTO checklist_templates(id, code, version, name, body, content_hash, created_at, updated_at, origin)
                  VALUES ('t', 'monthly', '1', '月走访', '', 'h', '', '', 'o');
             INSERT INTO visits(id, household_id, cadre_id, visit_date, kind, template_id, created_at, updated_at, origin)
                  SELECT 'v1', a.household_id, a.cadre_id, '2026-11-18', '每月走访', 't', '', '', 'o'
                    FROM assignments a LIMIT 1;",
        )
        .unwrap();
    }
    give_pin(&db, CadreRole::FirstSecretary, "13579");
    let mut h = harness(&db);
    h.run();
    h.get_by_label("待审核走访：1").click();
    h.run();
    assert_eq!(h.state().page(), Page::Review);
    assert!(shows(&h, "共 1 条"));
    click(&mut h, "选择");
    click(&mut h, "退回");
    assert!(shows(&h, "退回时请写明原因"));
    type_into(&mut h, "审核意见/退回原因", 0, "缺少户主签字");
    click(&mut h, "退回");
    assert!(shows(&h, "请第一书记输入 PIN"), "review asks for the PIN");
    click(&mut h, "取消签批");
    assert!(shows(&h, "共 1 条"), "refused without the PIN");
    click(&mut h, "退回");
    type_pin(&mut h, "PIN", "13579");
    click(&mut h, "确认签批");
    assert!(shows(&h, "已退回给帮扶干部"));
    assert!(shows(&h, "共 0 条"));
    h.get_by_role_and_label(egui::accesskit::Role::Button, "已退回").click();
    h.run();
    assert!(shows(&h, "缺少户主签字"));
    click(&mut h, "选择");
    click(&mut h, "审核通过");
    assert!(shows(&h, "已审核通过"));
    let status: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT review_status FROM visits WHERE id = 'v1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "已审核");
}

#[test]
fn the_township_view_compares_villages_and_opens_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let names: Vec<String> = {
        let mut s = Store::open(&db).unwrap();
        demo::generate(&mut s, &DemoOptions { villages: 3, households: 10, months: 2, seed: 9, today: today() })
            .unwrap();
        s.villages().unwrap().iter().map(|v| v.label()).collect()
    };
    let mut h = harness(&db);
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "村").click();
    h.run();
    h.get_by_label("全部村（3 个）").click();
    h.run();
    assert!(shows(&h, "各村对比"));
    for n in &names {
        assert!(h.query_by_label(n).is_some(), "{n} is in the comparison");
    }
    click(&mut h, "农户");
    assert!(shows(&h, "共 30 户"), "all villages' households are listed");
    click(&mut h, "新增农户");
    assert_eq!(h.state().page(), Page::Households, "a household needs one village chosen first");
    click(&mut h, "首页看板");
    h.get_by_label(&names[1]).click();
    h.run();
    click(&mut h, "农户");
    assert!(shows(&h, "共 10 户"), "one village again");
}

#[test]
fn problems_found_on_visits_are_confirmed_or_dismissed_into_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    {
        let mut s = Store::open(&db).unwrap();
        demo::generate(&mut s, &DemoOptions { villages: 1, households: 30, months: 3, seed: 3, today: today() })
            .unwrap();
        empty_ledger(&db);
        set_me(&mut s, CadreRole::FirstSecretary);
    }
    let mut h = harness(&db);
    h.run();
    click(&mut h, "问题台账");
    assert!(shows(&h, "未清零 0 项"));
    // The count in the proposals' header ("走访发现、待确认的问题（N 项）").
    let pending = |h: &egui_kittest::Harness<'_, zoufang::ui::App>| -> usize {
        let header = h.get_by_label_contains("待确认的问题（").accesskit_node().label().unwrap_or_default().to_string();
        header.split('（').nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let before = pending(&h);
    assert!(before >= 2, "the demo's visits propose problems");
    let first = h.get_all_by_role_and_label(egui::accesskit::Role::Button, "确认").next().unwrap();
    let top = first.rect().top();
    first.click();
    h.run();
    // The confirmed proposal keeps its row, saying so: the next one does not slide under the pointer.
    assert_eq!(h.query_all_by_label("已确认，问题已进入台账").count(), 2, "in the row and in the message bar");
    let next = h.get_all_by_role_and_label(egui::accesskit::Role::Button, "确认").next().unwrap();
    assert!(next.rect().top() > top + 5.0, "{} vs {top}", next.rect().top());
    assert!(shows(&h, "未清零 1 项"));
    h.get_all_by_role_and_label(egui::accesskit::Role::Button, "忽略").next().unwrap().click();
    h.run();
    assert!(shows(&h, "已忽略此项"));
    assert_eq!(pending(&h), before - 2);
    h.get_all_by_role_and_label(egui::accesskit::Role::Button, "修改后确认").next().unwrap().click();
    h.run();
    type_into(&mut h, "责任单位", 0, "区水务局");
    click(&mut h, "保存");
    assert!(shows(&h, "未清零 2 项"));
    assert_eq!(pending(&h), before - 3);
    // Beside the detail panel the table keeps its key columns only; closed, 责任单位 is back.
    assert!(h.query_all_by_label("区水务局").next().is_none());
    click(&mut h, "取消");
    assert!(h.query_all_by_label("区水务局").next().is_some());
}

#[test]
fn a_returned_visit_waits_on_its_cadres_month_page_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    {
        let mut s = Store::open(&db).unwrap();
        demo::generate(&mut s, &DemoOptions { villages: 1, households: 20, months: 2, seed: 6, today: today() })
            .unwrap();
        let visit = s.visits_for_review(None, Some(zoufang::model::visit::ReviewStatus::Pending)).unwrap().remove(0);
        let secretary =
            s.cadres(false).unwrap().into_iter().find(|c| c.cadre.role == CadreRole::FirstSecretary).unwrap().cadre;
        s.set_pin(&secretary.id, "2468", None).unwrap();
        s.sign_in(&secretary.id, "2468").unwrap();
        s.review_visit(&visit.visit_id, true, "照片不清楚，请补拍").unwrap();
        s.set_setting(Setting::Me, &visit.cadre_id).unwrap();
    }
    let mut h = harness(&db);
    h.run();
    click(&mut h, "本月走访");
    assert!(shows(&h, "被退回的走访（1 条）"));
    assert!(shows(&h, "退回原因：照片不清楚，请补拍"));
    click(&mut h, "打开修改");
    assert_eq!(h.state().page(), Page::VisitForm);
}

#[test]
fn a_double_click_moves_a_problem_one_stage_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let id = village_with_problem(&db, CadreRole::FirstSecretary);
    let mut h = harness(&db);
    h.run();
    click(&mut h, "问题台账");
    h.get_by_label("居住C级危房未改造").click();
    h.run();
    // The second click of a double-click lands where the next stage's button appears.
    h.get_by_label("改为“整改中”").click();
    h.step();
    h.get_by_label("改为“已整改”").click();
    h.run();
    drop(h);
    assert_eq!(Store::open(&db).unwrap().problem(&id).unwrap().unwrap().status, Status::InProgress);
}
