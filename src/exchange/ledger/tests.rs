//! Ledgers written for demo villages and read back with calamine (and as CSV text).

use super::*;
use crate::demo::{self, DemoOptions};
use crate::model::id_number::mask;
use crate::model::ledger::{Actor, Problem, Status};
use crate::model::register::Village;
use crate::progress::Progress;
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn october() -> Period {
    Period::Month(Month::parse("2026-10").unwrap())
}

fn demo_store(villages: usize) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let opts = DemoOptions { villages, households: 30, months: 3, seed: 7, today: today() };
    demo::generate(&mut store, &opts).unwrap();
    store
}

fn options(period: Period, village: Option<&Village>) -> LedgerOptions {
    LedgerOptions {
        period,
        village_id: village.map(|v| v.id.clone()),
        full_ids: false,
        today: today(),
        exported_at: today().and_hms_opt(9, 30, 0).unwrap(),
    }
}

/// The problems the tests look for: one found by an October visit (its first answer's item),
/// one of the whole village long overdue, one struck off in September (not in October's ledger)
/// and one rectified in October.
struct Problems {
    from_visit: Problem,
    village_wide: Problem,
}

fn add_problems(store: &mut Store, village: &Village) -> Problems {
    let actor = Actor::default();
    let visit = store
        .visits_between(Some(&village.id), day("2026-10-01"), day("2026-10-31"))
        .unwrap()
        .into_iter()
        .find(|e| !e.visit.answers.is_empty())
        .unwrap()
        .visit;
    let mut from_visit =
        Problem::new(&village.id, Some(visit.household_id.clone()), "两不愁", "口粮不足, 缺\"过冬\"棉被", visit.date);
    from_visit.visit_id = Some(visit.id.clone());
    from_visit.item_code = Some(visit.answers.iter().find(|a| a.item == "food_clothing").unwrap().item.clone());
    from_visit.responsible_unit = "镇民政办".into();
    from_visit.responsible_person = "王五".into();
    from_visit.measures = "送去米面和棉被".into();
    from_visit.deadline = Some(day("2026-12-15"));
    store.save_problem(&mut from_visit, &actor).unwrap();
    store.add_progress(&from_visit.id, "已送米面", &actor, day("2026-10-20")).unwrap();
    store.add_progress(&from_visit.id, "棉被已订购", &actor, day("2026-10-25")).unwrap();

    let mut village_wide = Problem::new(&village.id, None, "饮水安全", "三组水源季节性缺水", day("2026-10-05"));
    village_wide.deadline = Some(day("2026-10-31"));
    store.save_problem(&mut village_wide, &actor).unwrap();

    let mut old = Problem::new(&village.id, None, "基础设施", "二组路灯损坏", day("2026-09-02"));
    store.save_problem(&mut old, &actor).unwrap();
    let mut first = crate::model::register::Cadre {
        name: "第一书记".into(),
        role: crate::model::coded::Role::FirstSecretary,
        ..Default::default()
    };
    store.save_cadre(&mut first, Some(&village.id)).unwrap();
    store.set_pin(&first.id, "2468", None).unwrap();
    store.sign_in(&first.id, "2468").unwrap();
    let secretary = Actor { role: Some(crate::model::coded::Role::FirstSecretary), ..Actor::default() };
    store.change_status(&old.id, Status::Rectified, &actor, "", day("2026-09-10")).unwrap();
    store.change_status(&old.id, Status::Closed, &secretary, "", day("2026-09-12")).unwrap();

    let mut fixed = Problem::new(&village.id, None, "人居环境", "垃圾未清运", day("2026-10-03"));
    fixed.deadline = Some(day("2026-10-10"));
    store.save_problem(&mut fixed, &actor).unwrap();
    store.change_status(&fixed.id, Status::Rectified, &actor, "", day("2026-10-08")).unwrap();
    Problems { from_visit, village_wide }
}

/// Every sheet of a workbook: name and cells from A1.
fn read(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn date(d: &Data) -> NaiveDate {
    let Data::DateTime(dt) = d else { panic!("{d:?} is not a date") };
    assert!(dt.is_datetime());
    day("1899-12-30") + chrono::Days::new(dt.as_f64() as u64)
}

fn column(rows: &[Vec<Data>], header: &str) -> usize {
    rows[1].iter().position(|h| text(h) == header).unwrap_or_else(|| panic!("no column {header}"))
}

/// The data rows of a one-table sheet (after the title and header lines).
fn body(rows: &[Vec<Data>]) -> &[Vec<Data>] {
    &rows[2..]
}

/// The visits of a village in a period, counted through the review list (another query than
/// the ledger's).
fn visits_in(store: &Store, village: &Village, period: Period) -> usize {
    let rows = store.visits_for_review(Some(&village.id), None).unwrap();
    rows.iter().filter(|r| (period.first_day()..=period.last_day()).contains(&r.date)).count()
}

#[test]
fn a_village_month_reads_back_with_its_sheets_headers_rows_and_dates() {
    let mut store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let problems = add_problems(&mut store, &village);
    // One visit was saved with three items unanswered.
    store
        .conn()
        .execute(
            "UPDATE visits SET unanswered = 3
              WHERE id = (SELECT id FROM visits WHERE visit_date BETWEEN '2026-10-01' AND '2026-10-31' LIMIT 1)",
            [],
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    let done = export(&store, &options(october(), Some(&village)), &path, &Progress::none()).unwrap();
    assert_eq!(done.files, std::slice::from_ref(&path));
    let book = read(&path);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["走访台账", "走访检查结果", "问题整改台账", "待确认问题", "帮扶人到位情况", "汇总"]);

    let visits = &book[0].1;
    let title = text(&visits[0][0]);
    assert!(title.contains(&village.name) && title.contains("月份：2026-10"), "{title}");
    assert!(title.contains("导出时间：2026-11-21 09:30"), "{title}");
    assert!(title.contains("状态截至 2026-10-31"), "{title}");
    let headers: Vec<String> = visits[1].iter().map(text).collect();
    assert_eq!(
        headers,
        [
            "序号",
            "组",
            "户主",
            "身份证号",
            "帮扶干部",
            "走访日期",
            "走访类型",
            "发现问题（项）",
            "问题说明",
            "帮扶措施",
            "解决的具体困难",
            "满意程度",
            "审核",
            "照片",
            "签字"
        ],
        "no header twice"
    );
    assert!(!headers.contains(&"村".to_string()), "one village: no 村 column");
    let review = column(visits, "审核");
    assert_eq!(body(visits).iter().filter(|r| text(&r[review]).ends_with("；未答 3 项")).count(), 1);
    let n = visits_in(&store, &village, october());
    assert!(n > 20, "{n}");
    assert_eq!(body(visits).len(), n);
    assert_eq!(done.visits, n);

    // Dates are dates, in October, in order; heads, masked IDs and results as the store has them.
    let rows = store.household_rows(Some(&village.id)).unwrap();
    let results = &book[1].1;
    assert_eq!(body(results).len(), n, "a line of results per visit");
    let results_headers: Vec<String> = results[1].iter().map(text).collect();
    assert_eq!(
        results_headers[..8],
        ["序号", "组", "户主", "户编号", "走访日期", "年人均纯收入（元）", "两不愁", "义务教育"]
    );
    assert!(text(&results[0][0]).contains("✓ 正常"), "the legend is under the title");
    let (c_date, c_head, c_id) = (column(visits, "走访日期"), column(visits, "户主"), column(visits, "身份证号"));
    let dates: Vec<NaiveDate> = body(visits).iter().map(|r| date(&r[c_date])).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    assert!(dates.iter().all(|d| october().first_day() <= *d && *d <= october().last_day()));
    for r in body(visits) {
        let h = rows.iter().find(|h| h.head_name == text(&r[c_head])).unwrap();
        assert_eq!(text(&r[c_id]), mask(&h.head_id_number));
        assert!(text(&r[c_id]).contains("********"));
    }
    let c_food = column(results, "两不愁");
    assert!(body(results).iter().all(|r| ["✓", "✗", "—"].contains(&text(&r[c_food]).as_str())));
    assert!(
        body(visits).iter().all(|r| text(&r[column(visits, "审核")]).starts_with("已审核")),
        "past months are reviewed"
    );

    // 问题整改台账: October's problems, not the one struck off in September.
    let ledger = &book[2].1;
    let headers: Vec<String> = ledger[1].iter().map(text).collect();
    assert_eq!(
        headers,
        [
            "序号",
            "排查项目",
            "排查内容",
            "排查情况",
            "整改措施",
            "整改进度",
            "责任单位",
            "户主",
            "户编号",
            "发现日期",
            "整改时限",
            "状态"
        ]
    );
    // Every problem found by the month's end and not struck off before it began (the demo's own
    // ledger too), not the one struck off in September.
    let (oct1, oct31) = (day("2026-10-01"), day("2026-10-31"));
    let expected = store
        .problems(Some(&village.id))
        .unwrap()
        .into_iter()
        .filter(|r| r.problem.found <= oct31 && r.problem.closed.is_none_or(|c| c >= oct1))
        .count();
    assert!(expected > 3, "{expected}");
    assert_eq!(body(ledger).len(), expected);
    assert_eq!(done.problems, expected);
    assert!(body(ledger).iter().all(|r| text(&r[3]) != "二组路灯损坏"));
    let row_of = |finding: &str| body(ledger).iter().find(|r| text(&r[3]) == finding).unwrap().clone();
    let fv = row_of(&problems.from_visit.description);
    assert_eq!(text(&fv[1]), "两不愁");
    assert_eq!(text(&fv[2]), "吃穿不愁", "排查内容 is the checklist item, without its explanation");
    assert_eq!(text(&fv[4]), "送去米面和棉被");
    assert_eq!(text(&fv[5]), "2026-10-20 已送米面\n2026-10-25 棉被已订购");
    assert_eq!(text(&fv[6]), "镇民政办（王五）");
    assert_eq!(date(&fv[9]), problems.from_visit.found);
    assert_eq!(date(&fv[10]), day("2026-12-15"));
    assert_eq!(text(&fv[11]), "待整改");
    let vw = row_of(&problems.village_wide.description);
    assert_eq!((text(&vw[7]), text(&vw[8]), text(&vw[2])), ("全村".into(), String::new(), String::new()));
    assert_eq!(text(&vw[11]), "待整改", "due on Oct 31: not overdue on the day the ledger is as of");
    assert_eq!(text(&vw[5]), "尚未开始整改", "整改进度 says where it stands without notes");
    assert_eq!(text(&row_of("垃圾未清运")[11]), "已整改（2026-10-08）");

    // 帮扶人到位情况 and 汇总 carry the dashboard's figures.
    let d = store.dashboard(Some(&village.id), Month::parse("2026-10").unwrap(), today()).unwrap();
    let attendance = &book[4].1;
    assert_eq!(body(attendance).len(), d.cadres.len() + 1, "a line per cadre and the total");
    let total = body(attendance).last().unwrap();
    assert_eq!(text(&total[0]), "合计");
    let c_assigned = column(attendance, "应走访户数");
    assert_eq!(total[c_assigned], Data::Float(d.assigned as f64));
    assert_eq!(total[c_assigned + 1], Data::Float(d.cadres.iter().map(|c| c.visited).sum::<usize>() as f64));
    let summary = &book[5].1;
    let find = |label: &str| summary.iter().find(|r| text(&r[0]) == label).unwrap().clone();
    let oct = find("2026-10");
    assert_eq!((oct[1].clone(), oct[2].clone()), (Data::Float(d.assigned as f64), Data::Float(d.visited as f64)));
    assert_eq!(find("未清零问题")[1], Data::Float(d.open() as f64));
    assert_eq!(find("逾期未整改")[1], Data::Float(d.overdue() as f64));
    assert_eq!(find("待审核走访")[1], Data::Float(d.awaiting_review as f64));
    assert_eq!(find("待确认问题")[1], Data::Float(d.pending.total as f64));
    for g in &d.groups {
        let row = find(&g.group);
        let counts = [g.rectified, g.open, g.overdue].map(|n| Data::Float(n as f64));
        assert_eq!(row[3..6], counts, "{}", g.group);
        let number = |d: &Data| if let Data::Float(x) = d { *x } else { panic!("{d:?}") };
        let (found, pending) = (number(&row[1]), number(&row[2]));
        assert_eq!(found - pending, g.found as f64, "本期发现 is the ledger's and the waiting ones: {}", g.group);
    }
    assert_eq!(body(&book[3].1).len(), d.pending.total, "待确认问题 lists every waiting proposal");
    assert!(find("饮水安全")[1] != Data::Float(0.0), "the village-wide problem counts");
}

#[test]
fn full_id_numbers_only_when_asked() {
    let store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.xlsx");
    let opts = LedgerOptions { full_ids: true, ..options(october(), Some(&village)) };
    export(&store, &opts, &path, &Progress::none()).unwrap();
    let book = read(&path);
    let visits = &book[0].1;
    let ids: Vec<String> = body(visits).iter().map(|r| text(&r[column(visits, "身份证号")])).collect();
    let known: Vec<String> =
        store.household_rows(Some(&village.id)).unwrap().into_iter().map(|h| h.head_id_number).collect();
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| id.len() == 18 && !id.contains('*') && known.contains(id)));
}

#[test]
fn csv_files_have_a_bom_quoted_fields_and_the_same_rows() {
    let mut store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let problems = add_problems(&mut store, &village);
    let dir = tempfile::tempdir().unwrap();
    let done =
        export(&store, &options(october(), Some(&village)), &dir.path().join("十月.csv"), &Progress::none()).unwrap();
    let names: Vec<String> = done.files.iter().map(|f| f.file_name().unwrap().to_string_lossy().to_string()).collect();
    assert_eq!(
        names,
        [
            "十月-走访台账.csv",
            "十月-走访检查结果.csv",
            "十月-问题整改台账.csv",
            "十月-待确认问题.csv",
            "十月-帮扶人到位情况.csv",
            "十月-汇总.csv"
        ]
    );
    let visits = std::fs::read(&done.files[0]).unwrap();
    assert!(visits.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte order mark");
    let visits = String::from_utf8(visits).unwrap();
    let lines: Vec<&str> = visits.trim_start_matches('\u{feff}').split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].contains("月份：2026-10"));
    assert!(lines[1].starts_with("序号,组,户主,身份证号,帮扶干部,走访日期,走访类型,发现问题（项）,"));
    assert_eq!(lines.len() - 2, visits_in(&store, &village, october()));
    assert!(lines[2].contains(",2026-10-"), "dates as YYYY-MM-DD: {}", lines[2]);
    let results = String::from_utf8(std::fs::read(&done.files[1]).unwrap()).unwrap();
    let line = results.split("\r\n").nth(3).unwrap();
    assert!(line.contains(",=\"\"") || line.contains(",\"=\"\""), "户编号 kept as text: {line}");

    let ledger = String::from_utf8(std::fs::read(&done.files[2]).unwrap()).unwrap();
    let quoted = "\"口粮不足, 缺\"\"过冬\"\"棉被\"";
    assert!(ledger.contains(quoted), "comma and quotes: {ledger}");
    assert!(ledger.contains("\"2026-10-20 已送米面\n2026-10-25 棉被已订购\""), "a line break inside quotes");
    assert!(ledger.contains(&problems.village_wide.description));
}

#[test]
fn a_township_lists_every_village_and_compares_them() {
    let store = demo_store(2);
    let villages = store.villages().unwrap();
    assert_eq!(villages.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("全镇.xlsx");
    export(&store, &options(october(), None), &path, &Progress::none()).unwrap();
    let book = read(&path);
    let visits = &book[0].1;
    assert!(text(&visits[0][0]).contains("全部村（2 个）"));
    assert_eq!(text(&visits[1][1]), "村");
    let per_village: Vec<usize> =
        villages.iter().map(|v| body(visits).iter().filter(|r| text(&r[1]) == v.label()).count()).collect();
    assert_eq!(per_village, villages.iter().map(|v| visits_in(&store, v, october())).collect::<Vec<_>>());
    assert!(per_village.iter().all(|n| *n > 0));

    let attendance = &book[4].1;
    assert_eq!(text(&attendance[1][1]), "村");
    let summary = &book[5].1;
    let at = summary.iter().position(|r| text(&r[0]).starts_with("各村对比（2026-10）")).unwrap();
    let compared: Vec<String> = summary[at + 2..].iter().map(|r| text(&r[0])).collect();
    assert_eq!(compared, villages.iter().map(|v| v.label()).collect::<Vec<_>>());
    // Counted while 问题整改台账 listed the problems, each village's figures are its dashboard's.
    for (row, v) in summary[at + 2..].iter().zip(&villages) {
        let d = store.dashboard(Some(&v.id), Month::parse("2026-10").unwrap(), today()).unwrap();
        let figures = [d.assigned, d.visited, d.open(), d.overdue(), d.pending.total];
        let shown = [&row[1], &row[2], &row[4], &row[5], &row[6]].map(|c| c.clone());
        assert_eq!(shown, figures.map(|n| Data::Float(n as f64)), "{}", v.label());
        assert!(d.open() > 0, "the demo has open problems in {}", v.label());
    }
    let d = store.dashboard(None, Month::parse("2026-10").unwrap(), today()).unwrap();
    let oct = summary.iter().find(|r| text(&r[0]) == "2026-10").unwrap();
    assert_eq!(oct[1], Data::Float(d.assigned as f64), "the township's households, summed over villages");

    // One village of the township: only its rows.
    let one = dir.path().join("一个村.xlsx");
    export(&store, &options(october(), Some(&villages[1])), &one, &Progress::none()).unwrap();
    let book = read(&one);
    assert_eq!(body(&book[0].1).len(), per_village[1]);
}

#[test]
fn a_date_range_counts_each_month_it_touches() {
    let store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let period = Period::range(day("2026-09-15"), day("2026-11-21")).unwrap();
    assert_eq!(period.months().len(), 3);
    let book = build(&store, &options(period, Some(&village))).unwrap();
    let visits = &book.sheets[0].tables[0];
    assert_eq!(visits.rows.len(), visits_in(&store, &village, period));
    let attendance = &book.sheet("帮扶人到位情况").unwrap().tables[0];
    assert_eq!(attendance.columns[1].header, "月份");
    let months: std::collections::BTreeSet<String> =
        attendance.rows.iter().filter(|r| r[0].shown() != "合计").map(|r| r[1].shown()).collect();
    assert_eq!(months.into_iter().collect::<Vec<_>>(), ["2026-09", "2026-10", "2026-11"]);
    assert!(book.sheets[0].title.contains("日期范围：2026-09-15 至 2026-11-21"));
    assert!(Period::range(day("2026-11-02"), day("2026-11-01")).unwrap_err().to_string().contains("晚于"));
}

#[test]
fn files_that_cannot_be_written_are_refused_in_one_sentence() {
    let store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let opts = options(october(), Some(&village));
    let dir = tempfile::tempdir().unwrap();
    let err = export(&store, &opts, &dir.path().join("台账.pdf"), &Progress::none()).unwrap_err().to_string();
    assert!(err.contains(".xlsx") && err.contains("台账.pdf"), "{err}");
    let err = export(&store, &opts, &dir.path().join("没有的文件夹").join("台账.xlsx"), &Progress::none())
        .unwrap_err()
        .to_string();
    assert!(err.contains("没有的文件夹") && err.contains("不存在"), "{err}");
    // A folder where the file should be stands in for a file another program holds.
    let held = dir.path().join("占用.xlsx");
    std::fs::create_dir(&held).unwrap();
    let err = export(&store, &opts, &held, &Progress::none()).unwrap_err().to_string();
    assert!(err.contains("Excel/WPS"), "{err}");
}

#[test]
fn file_names_say_place_and_period() {
    let p = Period::range(day("2026-09-01"), day("2026-11-21")).unwrap();
    assert_eq!(default_file_name(Some("杨家沟村"), october(), Format::Xlsx), "杨家沟村-台账-2026-10.xlsx");
    assert_eq!(default_file_name(None, p, Format::Csv), "全部村-台账-20260901-20261121.csv");
    assert_eq!(Format::of(Path::new("a.XLSX")), Some(Format::Xlsx));
    assert_eq!(Format::of(Path::new("a.xls")), None);
}

#[test]
fn the_visit_ledger_counts_photos_and_says_who_signed() {
    let mut store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let (from, to) = (october().first_day(), october().last_day());
    let visits = store.visits_between(Some(&village.id), from, to).unwrap();
    let (signed, half) = (visits[0].visit.id.clone(), visits[1].visit.id.clone());
    for (w, shade) in [(200, 0), (300, 1)] {
        let p = crate::photo::prepare(&crate::photo::tests::jpeg_of(w, 100 + shade, None)).unwrap();
        store.add_photo(&signed, "p.jpg", &p).unwrap();
    }
    let ink = crate::photo::Strokes { strokes: vec![vec![[0.1, 0.1], [0.9, 0.9]]] };
    use crate::model::attachment::AttachmentKind::{Cadre, Household};
    store.sign(&signed, Household, "户主", &ink).unwrap();
    store.sign(&signed, Cadre, "", &ink).unwrap();
    store.sign(&half, Cadre, "", &ink).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    export(&store, &options(october(), Some(&village)), &path, &Progress::none()).unwrap();
    let book = read(&path);
    let sheet = &book[0].1;
    let headers: Vec<String> = sheet[1].iter().map(text).collect();
    let at = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let (photos, signs) = (at("照片"), at("签字"));
    let cells: Vec<(String, String)> = body(sheet).iter().map(|r| (text(&r[photos]), text(&r[signs]))).collect();
    assert!(cells.contains(&("2".into(), "双方已签".into())), "{cells:?}");
    assert!(cells.contains(&("0".into(), "缺户主".into())), "{cells:?}");
    assert!(cells.iter().filter(|c| c.1 == "未签").count() >= visits.len() - 2, "{cells:?}");
}

#[test]
fn the_streamed_files_hold_the_cells_of_the_ledger_built_in_memory() {
    let mut store = demo_store(2);
    let village = store.villages().unwrap().remove(0);
    add_problems(&mut store, &village);
    let dir = tempfile::tempdir().unwrap();
    let period = Period::range(day("2026-09-01"), day("2026-11-21")).unwrap();
    for opts in [options(period, None), options(period, Some(&village))] {
        let (streamed, built) = (dir.path().join("流.xlsx"), dir.path().join("内存.xlsx"));
        let done = export(&store, &opts, &streamed, &Progress::none()).unwrap();
        let book = build(&store, &opts).unwrap();
        write(&book, &built).unwrap();
        assert_eq!(read(&streamed), read(&built));
        assert_eq!(done.visits, book.sheets[0].tables[0].rows.len());
        assert!(done.visits > 0 && done.problems > 0);
        let done = export(&store, &opts, &dir.path().join("流.csv"), &Progress::none()).unwrap();
        assert_eq!(done.files.len(), book.sheets.len());
        for (file, sheet) in done.files.iter().zip(&book.sheets) {
            assert_eq!(std::fs::read_to_string(file).unwrap(), csv::sheet_text(sheet), "{}", sheet.name);
        }
    }
}

#[test]
fn visits_read_in_two_halves_at_once_make_the_same_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("走访.db")).unwrap();
    let opts = DemoOptions { villages: 2, households: 30, months: 3, seed: 7, today: today() };
    demo::generate(&mut store, &opts).unwrap();
    assert!(store.reader().unwrap().is_some(), "a database in a file has a second connection");
    let opts = options(Period::range(day("2026-08-01"), day("2026-11-21")).unwrap(), None);
    let mut written = Vec::new();
    for split_from in [usize::MAX, 2] {
        let path = dir.path().join(format!("台账{split_from}.xlsx"));
        let mut ctx = rows::Context::load(&store, &opts).unwrap();
        let (visits, _) = xlsx::export_split(&mut ctx, &path, &Progress::none(), split_from).unwrap();
        assert!(visits > 100, "{visits}");
        written.push(read(&path));
    }
    let numbers: Vec<String> = body(&written[1][0].1).iter().map(|r| text(&r[0])).collect();
    let expected: Vec<String> = (1..=numbers.len()).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected, "序号 runs on across the halves");
    assert_eq!(written[0], written[1]);
}

#[test]
fn a_cancelled_export_leaves_the_earlier_file_and_nothing_else() {
    let store = demo_store(1);
    let village = store.villages().unwrap().remove(0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    std::fs::write(&path, b"earlier").unwrap();
    let progress = Progress::none();
    progress.cancel();
    for file in [path.clone(), dir.path().join("台账.csv")] {
        let err = export(&store, &options(october(), Some(&village)), &file, &progress).unwrap_err();
        assert!(matches!(err, ExchangeError::Store(crate::store::StoreError::Cancelled)), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"earlier");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no part file left behind");
    }
}
