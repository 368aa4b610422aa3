//! Every figure `status`, the dashboard and the workbook give for one village of a township and
//! one month, each against an independent SQL query on demo data: months in the middle of a
//! year, at its end and the current one; two villages of the same name in different townships;
//! households whose cadre was withdrawn.

use super::support::{failed, ok, zoufang};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use zoufang::checklist::{self, Catalog};
use zoufang::demo::{self, DemoOptions};
use zoufang::exchange::ledger::{self, Book, LedgerOptions, Period};
use zoufang::model::month::Month;
use zoufang::store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 12).unwrap()
}

/// A township of three demo villages over 14 months: two are both called 双泉川村 (东关镇 and
/// 西河乡); in the second, every seventh household's cadre was withdrawn on 2026-09-14 and its
/// visits since removed. Returns the database and the second village's id.
fn township(dir: &Path) -> (PathBuf, String) {
    let db = dir.join("township.db");
    let mut store = Store::open(&db).unwrap();
    let opts = DemoOptions { villages: 3, households: 40, months: 14, seed: 11, today: today() };
    demo::generate(&mut store, &opts).unwrap();
    drop(store);
    let c = Connection::open(&db).unwrap();
    let ids: Vec<String> = {
        let mut st = c.prepare("SELECT id FROM villages ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    c.execute("UPDATE villages SET name = '双泉川村', township = '东关镇' WHERE id = ?1", [&ids[0]]).unwrap();
    c.execute("UPDATE villages SET name = '双泉川村', township = '西河乡' WHERE id = ?1", [&ids[1]]).unwrap();
    let withdrawn = "SELECT id FROM households WHERE village_id = ?1 AND rowid % 7 = 0";
    let n = c
        .execute(
            &format!("UPDATE assignments SET end_date = '2026-09-14' WHERE end_date IS NULL AND household_id IN ({withdrawn})"),
            [&ids[1]],
        )
        .unwrap();
    assert!(n >= 4, "{n} cadres withdrawn");
    c.execute(
        &format!("UPDATE visits SET deleted_at = '2026-09-15T00:00:00Z' WHERE visit_date >= '2026-09-15' AND household_id IN ({withdrawn})"),
        [&ids[1]],
    )
    .unwrap();
    (db, ids[1].clone())
}

fn count(c: &Connection, sql: &str, p: impl rusqlite::Params) -> usize {
    c.query_row(sql, p, |r| r.get::<_, i64>(0)).unwrap() as usize
}

/// The figures of one village and month, by independent queries.
#[derive(Debug, PartialEq, Default)]
struct Expected {
    households: usize,
    visited: usize,
    unassigned_not_visited: usize,
    found: usize,
    rectified: usize,
    open: usize,
    overdue: usize,
    pending: usize,
    pending_in_month: usize,
    oldest_pending: Option<NaiveDate>,
    awaiting_review: usize,
    ledger_rows: usize,
    visits: usize,
}

fn expected(c: &Connection, v: &str, month: Month) -> Expected {
    let (from, to) = (month.first_day(), month.last_day());
    let d = to.min(today());
    let active = "h.village_id = ?1 AND h.deleted_at IS NULL AND h.archived_at IS NULL";
    let visited = "EXISTS (SELECT 1 FROM visits x WHERE x.household_id = h.id AND x.deleted_at IS NULL
                   AND x.visit_date BETWEEN ?2 AND ?3)";
    let assigned = "EXISTS (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.deleted_at IS NULL
                    AND a.start_date <= ?3 AND (a.end_date IS NULL OR a.end_date >= ?2))";
    let proposals = "FROM visit_answers a JOIN visits x ON x.id = a.visit_id JOIN households h ON h.id = x.household_id
                     WHERE h.village_id = ?1 AND x.deleted_at IS NULL AND a.is_problem = 1 AND a.proposal = '待确认'";
    Expected {
        households: count(c, &format!("SELECT count(*) FROM households h WHERE {active}"), [v]),
        visited: count(
            c,
            &format!("SELECT count(*) FROM households h WHERE {active} AND {visited}"),
            params![v, from, to],
        ),
        unassigned_not_visited: count(
            c,
            &format!("SELECT count(*) FROM households h WHERE {active} AND NOT {visited} AND NOT {assigned}"),
            params![v, from, to],
        ),
        found: count(
            c,
            "SELECT count(*) FROM problems WHERE village_id = ?1 AND deleted_at IS NULL AND found_date BETWEEN ?2 AND ?3",
            params![v, from, to],
        ),
        rectified: count(
            c,
            "SELECT count(*) FROM problems WHERE village_id = ?1 AND deleted_at IS NULL AND rectified_date BETWEEN ?2 AND ?3",
            params![v, from, to],
        ),
        open: count(
            c,
            "SELECT count(*) FROM problems WHERE village_id = ?1 AND deleted_at IS NULL AND found_date <= ?2
                AND (closed_date IS NULL OR closed_date > ?2)",
            params![v, d],
        ),
        overdue: count(
            c,
            "SELECT count(*) FROM problems WHERE village_id = ?1 AND deleted_at IS NULL AND found_date <= ?2
                AND (closed_date IS NULL OR closed_date > ?2) AND (rectified_date IS NULL OR rectified_date > ?2)
                AND deadline < ?2",
            params![v, d],
        ),
        pending: count(c, &format!("SELECT count(*) {proposals} AND x.visit_date <= ?2"), params![v, d]),
        pending_in_month: count(
            c,
            &format!("SELECT count(*) {proposals} AND x.visit_date BETWEEN ?2 AND ?3 AND x.visit_date <= ?4"),
            params![v, from, to, d],
        ),
        oldest_pending: c
            .query_row(&format!("SELECT min(x.visit_date) {proposals} AND x.visit_date <= ?2"), params![v, d], |r| {
                r.get(0)
            })
            .unwrap(),
        awaiting_review: count(
            c,
            "SELECT count(*) FROM visits x JOIN households h ON h.id = x.household_id
              WHERE h.village_id = ?1 AND x.deleted_at IS NULL AND x.visit_date <= ?2
                AND (x.review_status = '待审核' OR date(x.reviewed_at, 'localtime') > ?2)",
            params![v, d],
        ),
        ledger_rows: count(
            c,
            "SELECT count(*) FROM problems WHERE village_id = ?1 AND deleted_at IS NULL AND found_date <= ?2
                AND (closed_date IS NULL OR closed_date >= ?3)",
            params![v, d, from],
        ),
        visits: count(
            c,
            "SELECT count(*) FROM visits x JOIN households h ON h.id = x.household_id
                       WHERE h.village_id = ?1 AND h.deleted_at IS NULL AND x.deleted_at IS NULL
                         AND x.visit_date BETWEEN ?2 AND ?3",
            params![v, from, to],
        ),
    }
}

/// The same figures as the store, the dashboard and the checklist layer give them.
fn from_store(store: &Store, v: &str, month: Month) -> Expected {
    let d = store.dashboard(Some(v), month, today()).unwrap();
    let groups =
        checklist::group_counts(store, &mut Catalog::default(), Some(v), month.first_day(), month.last_day(), d.as_of)
            .unwrap();
    let sum = |f: fn(&zoufang::store::GroupCounts) -> usize| groups.iter().map(f).sum::<usize>();
    assert_eq!(sum(|g| g.pending), d.pending.in_period, "the groups' waiting proposals add up");
    assert_eq!((sum(|g| g.open), sum(|g| g.overdue)), (d.open(), d.overdue()));
    let status = store.month_status(Some(v), month, today()).unwrap();
    assert_eq!((status.assigned(), status.visited()), (d.assigned, d.visited), "本月走访 agrees with the dashboard");
    Expected {
        households: d.assigned,
        visited: d.visited,
        unassigned_not_visited: d.not_visited.iter().filter(|h| h.unassigned).count(),
        found: sum(|g| g.found),
        rectified: sum(|g| g.rectified),
        open: d.open(),
        overdue: d.overdue(),
        pending: d.pending.total,
        pending_in_month: d.pending.in_period,
        oldest_pending: d.pending.oldest,
        awaiting_review: d.awaiting_review,
        ledger_rows: 0,
        visits: 0,
    }
}

fn rows<'b>(book: &'b Book, sheet: &str) -> &'b [Vec<ledger::Cell>] {
    &book.sheet(sheet).unwrap_or_else(|| panic!("no sheet {sheet}")).tables[0].rows
}

/// The number beside `label` in 汇总.
fn summary_figure(book: &Book, label: &str) -> String {
    let sheet = book.sheet("汇总").unwrap();
    let row = sheet.tables.iter().flat_map(|t| &t.rows).find(|r| r[0].shown() == label);
    row.unwrap_or_else(|| panic!("no line {label}"))[1].shown()
}

#[test]
fn every_figure_of_one_village_equals_an_independent_query() {
    let dir = tempfile::tempdir().unwrap();
    let (db, v) = township(dir.path());
    let c = Connection::open(&db).unwrap();
    let store = Store::open(&db).unwrap();
    for month in ["2026-06", "2026-10", "2026-12", "2027-01"] {
        let month = Month::parse(month).unwrap();
        let want = expected(&c, &v, month);
        assert!(want.households >= 40 && want.pending > 0 && want.open > 0, "{month}: {want:?}");
        assert!(want.found > 0 || month == Month::of(today()), "{month}: {want:?}");
        if month >= Month::parse("2026-10").unwrap() {
            assert!(want.unassigned_not_visited >= 4, "{month}: {want:?}");
        }
        let got = from_store(&store, &v, month);
        assert_eq!(got, Expected { ledger_rows: 0, visits: 0, ..want }, "{month}");

        let opts = LedgerOptions {
            period: Period::Month(month),
            village_id: Some(v.clone()),
            full_ids: false,
            today: today(),
            exported_at: today().and_hms_opt(9, 0, 0).unwrap(),
        };
        let book = ledger::build(&store, &opts).unwrap();
        let as_of = month.last_day().min(today()).to_string();
        assert!(book.sheets.iter().all(|s| s.title.contains(&as_of)), "{month}: every title says the day");
        assert_eq!(rows(&book, "走访台账").len(), want.visits, "{month}");
        assert_eq!(rows(&book, "走访检查结果").len(), want.visits, "{month}");
        let ledger_rows = rows(&book, "问题整改台账");
        assert_eq!(ledger_rows.len(), want.ledger_rows, "{month}");
        let status = ledger_rows[0].len() - 1;
        let open_rows = ledger_rows.iter().filter(|r| !r[status].shown().starts_with("已销号")).count();
        assert_eq!(open_rows, want.open, "{month}: 问题整改台账 and 汇总 count on the same day");
        let late_rows = ledger_rows.iter().filter(|r| r[status].shown().contains("逾期")).count();
        assert_eq!(late_rows, want.overdue, "{month}");
        assert_eq!(rows(&book, "待确认问题").len(), want.pending, "{month}");
        assert_eq!(summary_figure(&book, "未清零问题"), want.open.to_string(), "{month}");
        assert_eq!(summary_figure(&book, "逾期未整改"), want.overdue.to_string(), "{month}");
        assert_eq!(summary_figure(&book, "待确认问题"), want.pending.to_string(), "{month}");
        assert_eq!(summary_figure(&book, "待审核走访"), want.awaiting_review.to_string(), "{month}");
        assert_eq!(
            summary_figure(&book, "合计"),
            (want.found + want.pending_in_month).to_string(),
            "{month}: 本期发现"
        );
        let coverage = summary_figure(&book, &month.to_string());
        assert_eq!(coverage, want.households.to_string(), "{month}: every household counts");
        let attendance = rows(&book, "帮扶人到位情况");
        let unassigned = attendance.iter().find(|r| r[1].shown() == "未分配帮扶人");
        assert_eq!(
            unassigned.map_or(0, |r| r[3].shown().parse::<usize>().unwrap()),
            want.unassigned_not_visited,
            "{month}: households with no cadre listed as not visited"
        );
    }
}

#[test]
fn status_names_the_village_and_refuses_an_ambiguous_name() {
    let dir = tempfile::tempdir().unwrap();
    let (db, v) = township(dir.path());
    for args in [
        &["status", "--village", "双泉川村"][..],
        &["problems", "--village", "双泉川村"],
        &["pack", "--village", "双泉川村", "--out", "x.zfp"],
        &["export-ledger", "--village", "双泉川村", "--out", "x.xlsx"],
    ] {
        let err = failed(zoufang(&db, args));
        assert!(err.contains("双泉川村（东关镇）") && err.contains("双泉川村（西河乡）"), "{args:?}: {err}");
    }
    let c = Connection::open(&db).unwrap();
    // The binary reads the real clock: a month that ended before any day it can run on.
    let month = Month::parse("2026-10").unwrap();
    let want = expected(&c, &v, month);
    let members = count(
        &c,
        "SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id
          WHERE h.village_id = ?1 AND m.deleted_at IS NULL AND h.deleted_at IS NULL AND h.archived_at IS NULL",
        [&v],
    );
    for name in ["双泉川村（西河乡）", "双泉川村 (西河乡)", v.as_str()] {
        let out = ok(zoufang(&db, &["status", "--village", name, "--month", "2026-10"]));
        assert!(out.contains("村：双泉川村（西河乡）"), "{out}");
        assert!(out.contains(&format!("农户：{}", want.households)), "{out}");
        assert!(out.contains(&format!("家庭成员：{members}")), "{out}");
        assert!(out.contains("  村：1\n"), "{out}");
        assert!(out.contains(&format!("已走访 / 应走访（户）：{} / {}", want.visited, want.households)), "{out}");
        assert!(out.contains(&format!("待审核走访：{}", want.awaiting_review)), "{out}");
        assert!(out.contains(&format!("待确认：{} 项", want.pending)), "{out}");
        assert!(out.contains("[未分配帮扶人]"), "{out}");
    }
    let out = ok(zoufang(&db, &["problems", "--village", "双泉川村（西河乡）"]));
    assert!(out.lines().next().unwrap().contains("\t双泉川村（西河乡）\t"), "{out}");
}

#[test]
fn long_lists_show_twenty_unless_all_are_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = township(dir.path());
    // The current month, early: most households not yet visited.
    let out = ok(zoufang(&db, &["status", "--month", "2027-01"]));
    let not_visited = out.lines().find(|l| l.contains("未走访（户）")).unwrap();
    assert_eq!(not_visited.matches('、').count(), 19, "{not_visited}");
    assert!(not_visited.contains(" 等 "), "{not_visited}");
    let all = ok(zoufang(&db, &["status", "--month", "2027-01", "--all"]));
    let every = all.lines().find(|l| l.contains("未走访（户）")).unwrap();
    assert!(every.matches('、').count() > 19 && !every.contains(" 等 "), "{every}");
}
