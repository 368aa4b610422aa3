use super::*;
use crate::model::coded::{Category, Health, Relation, Role, Schooling};
use crate::model::id_number::check_char;
use crate::model::month::Month;
use crate::model::register::{Cadre, Household, Member, Village};
use crate::model::visit::{NO, YES};
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(body: &str) -> String {
    format!("{body}{}", check_char(body))
}

/// The ledger's groups are the monthly checklist's and 其他.
const GROUPS_OF_MONTHLY: usize = 13;

const CTX: Context = Context { threshold: 4000.0, members: 4 };

#[test]
fn built_in_templates_hold_every_item_of_the_monthly_checklist() {
    let monthly = parse(BUILTIN[0].1).unwrap();
    assert_eq!(monthly.name, "帮扶干部每月入户走访");
    assert_eq!(monthly.items.len(), 31, "every row of the domain's table");
    assert_eq!(
        monthly.groups(),
        crate::model::ledger::GROUPS[..GROUPS_OF_MONTHLY],
        "the ledger files problems under the monthly checklist's groups"
    );
    let conditions: Vec<Condition> = monthly.items.iter().filter_map(|i| i.condition).collect();
    for c in [
        Condition::SchoolAgeChild,
        Condition::DisabledChild,
        Condition::DisabledMember,
        Condition::Member60Plus,
        Condition::ChronicIllness,
        Condition::PublicPost,
        Condition::Vulnerable,
        Condition::OldUnsafeHouse,
        Condition::RenovatedHouse,
    ] {
        assert!(conditions.contains(&c), "{c:?}");
    }
    let verify = parse(BUILTIN[1].1).unwrap();
    assert_eq!(verify.kinds, vec![VisitKind::Verify]);
    assert!(verify.items.len() >= 7, "the seven facts");
    assert_eq!(parse(BUILTIN[2].1).unwrap().kinds, vec![VisitKind::Secretary]);
}

#[test]
fn problems_are_detected_per_answer() {
    let t = parse(BUILTIN[0].1).unwrap();
    let food = t.item("food_clothing").unwrap();
    assert!(food.is_problem(NO, CTX));
    assert!(!food.is_problem(YES, CTX));
    assert!(!food.is_problem(NOT_APPLICABLE, CTX));
    assert!(!food.is_problem("", CTX));
    let dropout = t.item("dropout").unwrap();
    assert!(dropout.is_problem(YES, CTX), "有失学辍学 is the problem answer");
    assert!(!dropout.is_problem(NO, CTX));
    let sat = t.item("satisfaction").unwrap();
    assert!(sat.is_problem("不满意", CTX));
    assert!(!sat.is_problem("基本满意", CTX));
}

#[test]
fn income_is_judged_per_capita_against_the_village_threshold() {
    let t = parse(BUILTIN[0].1).unwrap();
    let income = t.item("income").unwrap();
    assert!(income.is_problem("15000", CTX), "3750 a head is under 4000");
    assert!(!income.is_problem("16000", CTX), "exactly 4000 is not");
    assert!(!income.is_problem("15000", Context { threshold: 3000.0, members: 4 }));
    assert!(income.is_problem("20000", Context { threshold: 6000.0, members: 4 }));
    assert!(!income.is_problem("20000", Context { threshold: 4000.0, members: 0 }), "no members, no judgement");
    let mut visit = blank_visit();
    visit.answers = vec![
        Answer { item: "income".into(), value: "15,000".into(), ..Answer::default() },
        Answer { item: "satisfaction".into(), value: "满意".into(), ..Answer::default() },
        Answer { item: "water".into(), value: NO.into(), ..Answer::default() },
    ];
    t.score(&mut visit, CTX);
    assert_eq!(visit.household_income, Some(15000.0));
    assert_eq!(visit.income_per_capita, Some(3750.0));
    assert_eq!(visit.satisfaction.as_deref(), Some("满意"));
    assert_eq!(visit.problems().map(|a| a.item.as_str()).collect::<Vec<_>>(), ["income", "water"]);
}

#[test]
fn items_apply_by_the_household_s_members() {
    let t = parse(BUILTIN[0].1).unwrap();
    let on = d(2026, 6, 1);
    let household = Household { category: Some(Category::Lifted), ..Household::default() };
    let adult = Member { id_number: id("61020219800101123"), ..Member::default() };
    let child = Member {
        id_number: id("61020220150101123"),
        relation: Relation::Son,
        schooling: Schooling::Primary,
        ..Member::default()
    };
    let facts = HouseholdFacts::of(&household, std::slice::from_ref(&adult), on);
    assert_eq!(t.item("dropout").unwrap().applies(&facts), Applies::No);
    assert_eq!(t.item("pension").unwrap().applies(&facts), Applies::No);
    assert_eq!(t.item("food_clothing").unwrap().applies(&facts), Applies::Yes);
    assert_eq!(t.item("renovation_accepted").unwrap().applies(&facts), Applies::Ask);
    let grandpa = Member { id_number: id("61020219500101123"), health: Health::Chronic, ..Member::default() };
    let facts = HouseholdFacts::of(&household, &[adult, child, grandpa], on);
    assert_eq!(t.item("dropout").unwrap().applies(&facts), Applies::Yes);
    assert_eq!(t.item("pension").unwrap().applies(&facts), Applies::Yes);
    assert_eq!(t.item("chronic_card").unwrap().applies(&facts), Applies::Yes);
    assert_eq!(t.item("disability_subsidy").unwrap().applies(&facts), Applies::No);
}

fn blank_visit() -> Visit {
    Visit::new("", "", d(2026, 6, 1), VisitKind::Monthly, "")
}

/// A store with a village, one household of two and its cadre; returns (household id, cadre id).
fn village(store: &mut Store) -> (String, String) {
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &["一组".into()]).unwrap();
    let mut c = Cadre { name: "王干部".into(), role: Role::Cadre, ..Cadre::default() };
    store.save_cadre(&mut c, Some(&v.id)).unwrap();
    let mut h = Household { village_id: v.id.clone(), code: "A1".into(), ..Household::default() };
    let mut members = vec![
        Member { name: "张三".into(), relation: Relation::Head, ..Member::default() },
        Member { name: "李四".into(), relation: Relation::Spouse, ..Member::default() },
    ];
    store.save_household(&mut h, &mut members, Some(&c.id), d(2026, 1, 1)).unwrap();
    store.write(ensure_builtins).unwrap();
    (h.id, c.id)
}

#[test]
fn a_changed_template_is_a_new_version_and_old_visits_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("z.db")).unwrap();
    let (household, cadre) = village(&mut store);
    let mut catalog = Catalog::default();
    let (old_id, old) = catalog.current(&store, VisitKind::Monthly).unwrap();
    let mut visit =
        Visit { household_id: household.clone(), cadre_id: cadre, template_id: old_id.clone(), ..blank_visit() };
    visit.answers = vec![Answer { item: "water".into(), value: NO.into(), ..Answer::default() }];
    old.score(&mut visit, Context { threshold: 4000.0, members: 2 });
    store.save_visit(&mut visit, d(2026, 6, 2)).unwrap();

    let file = dir.path().join("township.toml");
    let changed = BUILTIN[0].1.replace("version = \"2020.1\"", "version = \"2021.1\"").replace(
        "text = \"饮水安全（水量、水质、取水便利、无季节性缺水）达标\"",
        "text = \"饮水安全达标（含自来水入户）\"",
    );
    std::fs::write(&file, &changed).unwrap();
    let loaded = load_file(&mut store, &file).unwrap();
    assert!(loaded.new);
    assert_eq!(loaded.version, "2021.1");
    assert!(!load_file(&mut store, &file).unwrap().new, "the same file twice is one version");

    let (new_id, new) = Catalog::default().current(&store, VisitKind::Monthly).unwrap();
    assert_eq!(new_id, loaded.id);
    assert_eq!(new.item("water").unwrap().text, "饮水安全达标（含自来水入户）");
    let again = store.visit(&visit.id).unwrap().unwrap();
    assert_eq!(again.template_id, old_id, "the old visit still names its version");
    let old_text = Catalog::default().get(&store, &again.template_id).unwrap().item("water").unwrap().text.clone();
    assert_eq!(old_text, "饮水安全（水量、水质、取水便利、无季节性缺水）达标");
    store.write(ensure_builtins).unwrap();
    assert_eq!(store.templates().unwrap().len(), 4, "built-ins are not stored again");
}

#[test]
fn a_malformed_file_is_refused_with_its_name_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, BUILTIN[1].1.replace("kind = \"text\"", "kind = \"essay\"")).unwrap();
    let err = load_file(&mut store, &file).unwrap_err().to_string();
    assert!(err.contains("bad.toml") && err.contains("essay") && err.contains("行"), "{err}");
    assert!(store.templates().unwrap().is_empty(), "nothing stored");
}

#[test]
fn drafts_survive_a_crash_and_go_when_the_visit_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let (household, cadre) = {
        let mut store = Store::open(&path).unwrap();
        let ids = village(&mut store);
        store.save_draft(&ids.0, None, "{\"typed\":1}").unwrap();
        store.save_draft(&ids.0, None, "{\"typed\":2}").unwrap();
        ids
        // dropped without saving the visit, as a crash would leave it
    };
    let mut store = Store::open(&path).unwrap();
    let (body, _) = store.draft(&household, None).unwrap().expect("draft kept");
    assert_eq!(body, "{\"typed\":2}", "the newest text, once");
    let (template_id, _) = Catalog::default().current(&store, VisitKind::Monthly).unwrap();
    let mut visit = Visit { household_id: household.clone(), cadre_id: cadre, template_id, ..blank_visit() };
    store.save_visit(&mut visit, d(2026, 6, 1)).unwrap();
    assert_eq!(store.draft(&household, None).unwrap(), None);
}

#[test]
fn visits_are_saved_whole_and_locked_once_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let mut store = Store::open(&path).unwrap();
    let (household, cadre) = village(&mut store);
    let mut catalog = Catalog::default();
    let (template_id, t) = catalog.current(&store, VisitKind::Monthly).unwrap();
    let mut visit = Visit { household_id: household.clone(), cadre_id: cadre.clone(), template_id, ..blank_visit() };
    visit.date = d(2026, 6, 10);
    visit.answers = vec![
        Answer { item: "water".into(), value: NO.into(), note: "夏季缺水".into(), ..Answer::default() },
        Answer { item: "food_clothing".into(), value: YES.into(), ..Answer::default() },
    ];
    let ctx = Context { threshold: 4000.0, members: 2 };
    t.score(&mut visit, ctx);
    let future = store.save_visit(&mut visit.clone(), d(2026, 6, 9)).unwrap_err();
    assert!(future.to_string().contains("今天"), "{future}");
    store.save_visit(&mut visit, d(2026, 6, 10)).unwrap();
    let loaded = store.latest_visit(&household).unwrap().unwrap();
    assert_eq!(loaded.problems().count(), 1);
    assert_eq!(store.visits_of(&household).unwrap()[0].problems, 1);
    assert_eq!(store.same_month_visit(&household, &cadre, d(2026, 6, 28), "").unwrap(), Some(d(2026, 6, 10)));
    assert_eq!(store.same_month_visit(&household, &cadre, d(2026, 6, 28), &visit.id).unwrap(), None);
    assert_eq!(store.same_month_visit(&household, &cadre, d(2026, 7, 1), "").unwrap(), None);
    let months = store.months_visited(&household, d(2026, 1, 1)).unwrap();
    assert_eq!(months.get("2026-06").map(|v| v[0].as_str()), Some("王干部"));

    let dims = dimensions(&store, &mut catalog, &household).unwrap();
    assert_eq!(dims[0].state, DimensionState::Ok, "两不愁");
    assert_eq!(dims[4].state, DimensionState::Problem, "饮水安全");
    assert_eq!(dims[4].date, Some(d(2026, 6, 10)));
    assert_eq!(dims[1].state, DimensionState::NotApplicable, "义务教育: nothing of it applied");
    assert_eq!(dims[1].date, Some(d(2026, 6, 10)), "as of the latest visit");
    let by_group = problems_by_group(&store, &mut catalog, None, d(2026, 6, 1), d(2026, 6, 30)).unwrap();
    assert_eq!(by_group, vec![("饮水安全".to_string(), 1)]);

    // Editing: the water problem fixed, a new one found; the proposal state travels with answers.
    visit.answers[0].value = YES.into();
    visit.answers.push(Answer { item: "unsafe_house".into(), value: YES.into(), ..Answer::default() });
    t.score(&mut visit, ctx);
    store.save_visit(&mut visit, d(2026, 6, 10)).unwrap();
    let loaded = store.visit(&visit.id).unwrap().unwrap();
    assert_eq!(loaded.problems().map(|a| a.item.as_str()).collect::<Vec<_>>(), ["unsafe_house"]);
    assert_eq!(store.visits_of(&household).unwrap().len(), 1, "edited, not added");

    let status = store.month_status(None, Month::of(d(2026, 6, 1)), d(2026, 6, 20)).unwrap();
    assert_eq!((status.assigned(), status.visited()), (1, 1));
    let status = store.month_status(None, Month::of(d(2026, 7, 1)), d(2026, 7, 5)).unwrap();
    assert_eq!((status.visited(), status.overdue().count()), (0, 0), "visited 25 days ago: pending, not overdue");
    let status = store.month_status(None, Month::of(d(2026, 8, 1)), d(2026, 8, 20)).unwrap();
    assert_eq!(status.overdue().count(), 1);
    assert_eq!(status.cadres[0].assigned, 1);

    rusqlite::Connection::open(&path).unwrap().execute("UPDATE visits SET review_status = '已审核'", []).unwrap();
    let err = store.save_visit(&mut visit, d(2026, 6, 10)).unwrap_err();
    assert!(err.to_string().contains("审核"), "{err}");
}

#[test]
fn a_stored_version_that_does_not_parse_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let mut store = Store::open(&path).unwrap();
    village(&mut store);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO checklist_templates(id, code, version, name, body, content_hash, created_at, updated_at, origin)
             VALUES ('broken', 'monthly', '9', '手改的', 'code = ', 'h', '2999-01-01', '2999-01-01', 'o')",
            [],
        )
        .unwrap();
    let mut catalog = Catalog::default();
    let (id, t) = catalog.current(&store, VisitKind::Monthly).unwrap();
    assert_ne!(id, "broken");
    assert_eq!(t.name, "帮扶干部每月入户走访");
    let err = catalog.get(&store, "broken").unwrap_err().to_string();
    assert!(err.contains("手改的"), "{err}");
}

/// A template text of `n` yes/no items.
fn many_items(n: usize) -> String {
    let mut text = String::from("code = \"big\"\nversion = \"1\"\nname = \"大清单\"\nkinds = [\"每月走访\"]\n");
    for i in 0..n {
        text.push_str(&format!("[[items]]\ncode = \"i{i}\"\ngroup = \"组\"\ntext = \"问{i}\"\nkind = \"yes_no_na\"\n"));
    }
    text
}

#[test]
fn templates_are_bounded_in_items_and_size_and_read_in_linear_time() {
    let t = parse(&many_items(super::template::MAX_ITEMS)).unwrap();
    assert_eq!(t.items.len(), super::template::MAX_ITEMS);
    let err = parse(&many_items(super::template::MAX_ITEMS + 1)).unwrap_err().to_string();
    assert!(err.contains("超过上限"), "{err}");
    let err = parse(&"#".repeat(super::template::MAX_BYTES + 1)).unwrap_err().to_string();
    assert!(err.contains("KB"), "{err}");
    // A duplicate far down is still found, with its line.
    let mut text = many_items(1_500);
    text.push_str("[[items]]\ncode = \"i3\"\ngroup = \"组\"\ntext = \"又问\"\nkind = \"yes_no_na\"\n");
    let err = parse(&text).unwrap_err();
    assert!(err.line.is_some_and(|l| l > 1_500 * 5), "{err}");
}
