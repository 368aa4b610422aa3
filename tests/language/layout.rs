//! Screens laid out at a small laptop's 1024×700 and a common 1366×768, in Chinese and in
//! English: what must stay readable lies within the room it has.

use crate::LANGUAGE;
use crate::support::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use zoufang::demo::{self, DemoOptions};
use zoufang::i18n::{Lang, set_lang};
use zoufang::model::ledger::{Actor, Problem};
use zoufang::store::{Setting, Store};

/// A problem's description longer than any column could show.
const LONG: &str = "居住C级危房未改造，雨季前须完成加固，责任单位已到现场查看并答应下月动工";

/// A demo village whose ledger holds one overdue problem with a long description; its head's
/// name.
fn village_with_long_problem(db: &std::path::Path) -> String {
    let mut s = Store::open(db).unwrap();
    demo::generate(&mut s, &DemoOptions { villages: 1, households: 20, months: 3, seed: 5, today: today() }).unwrap();
    rusqlite::Connection::open(db).unwrap().execute_batch("DELETE FROM problem_events; DELETE FROM problems;").unwrap();
    let v = s.villages().unwrap().remove(0);
    let h = s.household_rows(Some(&v.id)).unwrap().remove(0);
    let mut p = Problem::new(&v.id, Some(h.id), "住房安全", LONG, today());
    p.deadline = today().checked_sub_days(chrono::Days::new(3));
    p.found = today().checked_sub_days(chrono::Days::new(40)).unwrap();
    s.save_problem(&mut p, &Actor::default()).unwrap();
    h.head_name
}

#[test]
fn the_ledger_keeps_status_problem_head_and_deadline_beside_the_detail_panel() {
    let _turn = LANGUAGE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let head = village_with_long_problem(&db);
    let cases = [
        (Lang::Zh, 1024.0, 700.0, ["状态", "户主", "整改时限", "问题详情"]),
        (Lang::Zh, 1366.0, 768.0, ["状态", "户主", "整改时限", "问题详情"]),
        (Lang::En, 1024.0, 700.0, ["Status", "Head", "Deadline", "Head of household"]),
        (Lang::En, 1366.0, 768.0, ["Status", "Head", "Deadline", "Head of household"]),
    ];
    for (lang, width, height, [status, head_col, deadline, panel_label]) in cases {
        let case = format!("{lang:?} at {width}×{height}");
        Store::open(&db).unwrap().set_setting(Setting::Language, lang.code()).unwrap();
        let mut h = harness_sized(&db, width, height);
        h.run();
        let ledger = if lang == Lang::En { "Ledger" } else { "问题台账" };
        click(&mut h, ledger);
        h.get_by_role_and_label(Role::Link, LONG).click();
        h.run();
        // The panel's left edge: where its field labels start.
        let panel_left = h.get_by_label(panel_label).rect().min.x;
        let cell = |label: &str| {
            let mut rects: Vec<egui::Rect> = h.query_all_by_label(label).map(|n| n.rect()).collect();
            rects.sort_by(|a, b| a.min.y.total_cmp(&b.min.y));
            *rects.last().unwrap_or_else(|| panic!("{case}: no {label}"))
        };
        let problem = h.get_by_role_and_label(Role::Link, LONG).rect();
        let columns = [cell(status), problem, cell(head_col), cell(&head), cell(deadline)];
        for (i, r) in columns.iter().enumerate() {
            assert!(r.max.x <= panel_left, "{case}: column {i} ({r:?}) reaches under the panel at {panel_left}");
            assert!(r.min.x >= 0.0 && r.width() >= 20.0, "{case}: column {i} ({r:?}) is readable");
        }
        assert!(problem.max.x <= cell(&head).min.x, "{case}: the problem's text stops before the head's name");
        assert!(cell(head_col).max.x <= cell(deadline).min.x, "{case}: 户主 before 时限, side by side");
    }
    set_lang(Lang::Zh);
}
