//! The import through the library: every kind of file and messy cell the issue lists.

use super::fixtures::*;
use std::path::Path;
use zoufang::exchange::roster::{self, Action, Plan, Problem, Roster, RosterError, Target, VillageTarget, Workbook};
use zoufang::model::coded::{Category, Health, Relation};
use zoufang::model::register::Village;
use zoufang::progress::Progress;
use zoufang::store::Store;

fn preview(store: &Store, path: &Path) -> Result<Plan, RosterError> {
    let roster = Roster::read(&Workbook::open(path)?, None)?;
    roster::plan(store, &roster, roster::target_village(store, None)?, today())
}

fn import(store: &mut Store, path: &Path) -> Plan {
    let plan = preview(store, path).unwrap();
    roster::import(store, &plan, today(), &Progress::none()).unwrap();
    plan
}

fn with_village() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &[]).unwrap();
    store
}

fn problems_on(plan: &Plan, row: usize) -> Vec<&Problem> {
    plan.problems.iter().filter(|p| p.row == row).collect()
}

/// Every member of the database: (name, ID number, relation), by household head.
fn people(store: &Store) -> Vec<(String, String, Relation)> {
    let mut out = Vec::new();
    for row in store.household_rows(None).unwrap() {
        for m in store.household(&row.id).unwrap().unwrap().1 {
            out.push((m.name, m.id_number, m.relation));
        }
    }
    out
}

#[test]
fn a_national_roster_imports_into_a_new_village_and_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = national(dir.path(), 120);
    let mut store = Store::open_in_memory().unwrap();
    let plan = preview(&store, &file.path).unwrap();
    assert_eq!(plan.header_row, 3);
    assert!(matches!(&plan.village, VillageTarget::New(v) if v.name == "杨家沟村" && v.township == "黄堡镇"));
    assert_eq!(plan.counts.households_added, file.households);
    assert_eq!(plan.counts.members_added, file.people);
    assert_eq!(plan.counts.total_rows, 1);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(plan.new_cadres.len(), file.cadres);
    assert_eq!(store.summary().unwrap().households, 0, "a preview writes nothing");

    let done = roster::import(&mut store, &plan, today(), &Progress::none()).unwrap();
    assert_eq!(done.households_added, file.households);
    let s = store.summary().unwrap();
    assert_eq!((s.villages, s.groups, s.households, s.members), (1, 5, file.households as i64, file.people as i64));
    assert_eq!((s.cadres, s.unassigned), (file.cadres as i64, 0));
    assert!(store.check(today()).unwrap().is_empty());
    let rows = store.household_rows(None).unwrap();
    let first = rows.iter().find(|r| r.code == "610202001000001").unwrap();
    let (household, members) = store.household(&first.id).unwrap().unwrap();
    assert_eq!(members[0].relation, Relation::Head);
    assert_eq!(household.head_name, members[0].name);
    assert!(household.category.is_some());

    let again = preview(&store, &file.path).unwrap();
    assert_eq!(again.counts.households_unchanged, file.households);
    assert_eq!((again.counts.households_added, again.counts.households_updated), (0, 0));
    assert!(again.new_cadres.is_empty());
    assert!(!again.has_changes());
    let before = people(&store);
    roster::import(&mut store, &again, today(), &Progress::none()).unwrap();
    assert_eq!(people(&store), before);
    assert_eq!(store.summary().unwrap(), s);
}

const SMALL_HEADER: &[&str] =
    &["户编号", "姓名", "证件号码", "与户主关系", "健康状况", "联系电话", "帮扶责任人", "村民小组"];

fn small(dir: &Path, file: &str, phone: &str, health: &str, cadre: &str, extra: bool) -> std::path::PathBuf {
    let (head, wife, son) = (id("61020219600101001"), id("61020219620202002"), id("61020219900303003"));
    let lines = [
        ["A001", "张三", &head, "户主", "健康", phone, cadre, "一组"],
        ["A001", "李秀英", &wife, "配偶", health, "", "", "一组"],
        ["A001", "张小明", &son, "之子", "健康", "", "", "一组"],
        ["A001", "张丽", "", "之孙女", "健康", "", "", "一组"],
    ];
    let mut cells: Vec<&[&str]> = vec![SMALL_HEADER];
    cells.extend(lines.iter().take(if extra { 4 } else { 3 }).map(|l| l.as_slice()));
    simple(dir, file, rows(&cells))
}

#[test]
fn importing_again_updates_and_lists_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let plan = import(&mut store, &small(dir.path(), "a.xlsx", "13800001234", "健康", "马文", false));
    assert_eq!((plan.counts.households_added, plan.counts.members_added), (1, 3));
    let changed = small(dir.path(), "b.xlsx", "13900005678", "残疾", "高峰", true);
    let plan = preview(&store, &changed).unwrap();
    assert_eq!(plan.counts.households_updated, 1);
    assert_eq!((plan.counts.members_added, plan.counts.members_updated), (1, 1));
    let changes = plan.households[0].changes.join("\n");
    for expected in [
        "联系电话：13800001234 → 13900005678",
        "李秀英的健康状况：健康 → 残疾",
        "新增成员 张丽",
        "帮扶责任人：马文 → 高峰",
    ] {
        assert!(changes.contains(expected), "{expected} missing from:\n{changes}");
    }
    assert_eq!(plan.new_cadres, vec!["高峰".to_string()]);
    roster::import(&mut store, &plan, today(), &Progress::none()).unwrap();
    let row = &store.household_rows(None).unwrap()[0];
    assert_eq!((row.members, row.cadre_name.as_str()), (4, "高峰"));
    let history = store.assignment_history(&row.id).unwrap();
    assert_eq!(history.len(), 2, "the earlier assignment is kept as history");
    let (_, members) = store.household(&row.id).unwrap().unwrap();
    assert_eq!(members[1].health, Health::Disabled);
    assert!(!preview(&store, &changed).unwrap().has_changes());
}

#[test]
fn empty_cells_erase_nothing_and_members_missing_from_the_file_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    import(&mut store, &small(dir.path(), "a.xlsx", "13800001234", "健康", "马文", true));
    let head = id("61020219600101001");
    let only_head = simple(
        dir.path(),
        "b.xlsx",
        rows(&[&["户编号", "姓名", "证件号码", "与户主关系", "联系电话"], &["A001", "张三", &head, "户主", ""]]),
    );
    let plan = preview(&store, &only_head).unwrap();
    assert_eq!(plan.households[0].action, Action::Unchanged, "{:?}", plan.households[0].changes);
    assert_eq!(plan.households[0].members.len(), 4);
}

#[test]
fn id_numbers_stored_as_numbers_are_flagged_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let good = id("61020219600101001");
    let file = simple(
        dir.path(),
        "numbers.xlsx",
        rows(&[
            &["户编号", "姓名", "身份证号", "与户主关系"],
            &["#1001", "王五", &format!("#{good}"), "户主"],
            &["#1001", "赵六", "6.10202E+17", "配偶"],
        ]),
    );
    let plan = import(&mut store, &file);
    for row in [2, 3] {
        let p = problems_on(&plan, row);
        assert_eq!(p.len(), 1, "row {row}: {p:?}");
        assert!(p[0].reason.contains("存成了数字"), "{}", p[0].reason);
        assert_eq!(p[0].column, "身份证号");
        assert!(!p[0].skipped, "the person is imported without the ID number");
    }
    let people = people(&store);
    assert_eq!(people.len(), 2);
    assert!(people.iter().all(|(_, id, _)| id.is_empty()), "{people:?}");
    let row = &store.household_rows(None).unwrap()[0];
    assert_eq!(row.code, "1001", "a short 户编号 stored as a number is exact and kept");
}

#[test]
fn check_characters_birth_dates_duplicates_and_lower_case_x() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let x_id = id("11010519491231002");
    assert!(x_id.ends_with('X'));
    let lower = x_id.to_lowercase();
    let wrong = bad_check("61020219700101003");
    let no_date = id("61020219701301004");
    let twice = id("61020219800101005");
    let file = simple(
        dir.path(),
        "ids.xlsx",
        rows(&[
            &["户编号", "姓名", "证件号码", "与户主关系"],
            &["B1", "周一", &format!(" {lower}\u{3000}"), "户主"],
            &["B1", "周二", &wrong, "之子"],
            &["B1", "周三", &no_date, "之女"],
            &["B1", "周四", &twice, "之孙子"],
            &["B1", "周五", &twice, "之孙女"],
            &["B1", "周四", &twice, "之孙子"],
        ]),
    );
    let plan = import(&mut store, &file);
    assert!(problems_on(&plan, 2).is_empty());
    assert!(problems_on(&plan, 3)[0].reason.contains("校验位"));
    assert!(problems_on(&plan, 4)[0].reason.contains("出生日期"));
    assert!(problems_on(&plan, 5).is_empty(), "the first holder keeps the number");
    let dup = problems_on(&plan, 6);
    assert!(dup[0].reason.contains("第 5 行") && !dup[0].skipped, "{dup:?}");
    let same = problems_on(&plan, 7);
    assert!(same[0].skipped && same[0].reason.contains("同一人"), "{same:?}");
    assert_eq!(plan.counts.skipped_rows, 1);
    let people = people(&store);
    assert_eq!(people.len(), 5);
    let find = |name: &str| people.iter().find(|p| p.0 == name).unwrap().1.clone();
    assert_eq!(find("周一"), x_id, "lower-case x normalised, spaces trimmed");
    assert_eq!(find("周二"), "");
    assert_eq!(find("周三"), "");
    assert_eq!(find("周四"), twice);
    assert_eq!(find("周五"), "");
}

#[test]
fn title_rows_merged_header_cells_and_merged_household_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let ids: Vec<String> = (1..=5).map(|i| id(&format!("6102021970010100{i}"))).collect();
    let mut cells = rows(&[
        &["黄堡镇杨家沟村脱贫户花名册"],
        &[],
        &["序号", "户编号", "户主信息", "", "家庭成员", "", "", "帮扶责任人"],
        &["", "", "姓名", "身份证号", "姓名", "证件号码", "与户主关系", ""],
    ]);
    for (i, (name, relation)) in
        [("吴一", "户主"), ("郑二", "妻"), ("吴三", "长子"), ("孙四", "户主"), ("钱五", "配偶")].iter().enumerate()
    {
        let head = if i < 3 { ("吴一", &ids[0]) } else { ("孙四", &ids[3]) };
        cells.push(
            [&format!("#{}", i + 1), "", head.0, head.1.as_str(), name, &ids[i], relation, ""]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
    }
    let merges: Vec<Merge> = vec![
        (0, 0, 0, 7, "黄堡镇杨家沟村脱贫户花名册"),
        (2, 0, 3, 0, "序号"),
        (2, 1, 3, 1, "户编号"),
        (2, 2, 2, 3, "户主信息"),
        (2, 4, 2, 6, "家庭成员"),
        (2, 7, 3, 7, "帮扶责任人"),
        (4, 1, 6, 1, "C01"),
        (7, 1, 8, 1, "C02"),
        (4, 7, 6, 7, "马文"),
        (7, 7, 8, 7, "高峰"),
    ];
    let path = dir.path().join("merged.xlsx");
    xlsx(&path, &[("花名册", cells, merges)]);
    let roster = Roster::read(&Workbook::open(&path).unwrap(), None).unwrap();
    assert_eq!(roster.header.row, 3);
    for (target, col) in [
        (Target::Serial, 0),
        (Target::Code, 1),
        (Target::HeadName, 2),
        (Target::HeadIdNumber, 3),
        (Target::Name, 4),
        (Target::IdNumber, 5),
        (Target::Relation, 6),
        (Target::Cadre, 7),
    ] {
        assert_eq!(roster.header.column_of(target), Some(col), "{target:?}");
    }
    let plan = import(&mut store, &path);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    let rows = store.household_rows(None).unwrap();
    let summary: Vec<_> =
        rows.iter().map(|r| (r.code.as_str(), r.head_name.as_str(), r.members, r.cadre_name.as_str())).collect();
    assert_eq!(summary, vec![("C01", "吴一", 3, "马文"), ("C02", "孙四", 2, "高峰")]);
}

#[test]
fn blank_and_total_rows_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let file = simple(
        dir.path(),
        "totals.xlsx",
        rows(&[
            &["序号", "户编号", "姓名", "与户主关系", "人数", "备注"],
            &["#1", "D1", "冯一", "户主", "#2", "合计收入 8000 元"],
            &[],
            &["#2", "D1", "冯二", "之子", "#2"],
            &["#3", "", "", "", ""],
            &["小计", "", "", "", "#2"],
            &["#4", "D2", "陈一", "户主", "#3"],
            &["合  计", "", "", "", "#5"],
            &["总计：", "", "", "", "#5"],
            &["填表人：冯某", "", "", "", ""],
        ]),
    );
    let plan = import(&mut store, &file);
    assert_eq!((plan.counts.blank_rows, plan.counts.total_rows), (2, 3));
    assert_eq!(plan.counts.households_added, 2);
    let size = problems_on(&plan, 7);
    assert!(size[0].reason.contains("人数写的是 3") && !size[0].skipped, "{size:?}");
    let footer = problems_on(&plan, 10);
    assert!(footer[0].skipped && footer[0].reason.contains("不是人员行"), "{footer:?}");
    assert_eq!(store.summary().unwrap().members, 3);
}

#[test]
fn a_file_with_one_row_per_household() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let (a, b) = (id("61020219550505001"), id("61020219660606002"));
    let file = simple(
        dir.path(),
        "households.xlsx",
        rows(&[
            &["序号", "组别", "户主姓名", "身份证号码", "家庭人口数", "户类别", "联系电话", "住址"],
            &["#1", "二组", "韩一", &a, "#4", "低保户", "13700001111", "杨家沟二组5号"],
            &["#2", "三组", "韩 二", &b, "#1", "监测户", "", ""],
        ]),
    );
    let plan = import(&mut store, &file);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert!(plan.notes.iter().any(|n| n.contains("每行一户")));
    let rows = store.household_rows(None).unwrap();
    assert_eq!(rows.len(), 2);
    let second = rows.iter().find(|r| r.head_name == "韩二").expect("spaces inside a Chinese name are dropped");
    assert_eq!((second.group.as_str(), second.members, second.category), ("三组", 1, Some(Category::Unstable)));
    let first = rows.iter().find(|r| r.head_name == "韩一").unwrap();
    assert_eq!(first.head_id_number, a);
    let (h, _) = store.household(&first.id).unwrap().unwrap();
    assert_eq!(
        (h.phone.as_str(), h.address.as_str(), h.category),
        ("13700001111", "杨家沟二组5号", Some(Category::Dibao))
    );
    assert!(!preview(&store, &file).unwrap().has_changes(), "matched again by head ID number");
}

#[test]
fn households_without_numbers_or_ids_are_matched_by_head_name_on_reimport() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let file =
        simple(dir.path(), "names.xlsx", rows(&[&["户主姓名", "人数", "联系电话"], &["曹一", "#3", "13700002222"]]));
    import(&mut store, &file);
    let plan = preview(&store, &file).unwrap();
    assert_eq!(plan.counts.households_unchanged, 1);
}

const CSV: &str = "杨家沟村花名册,,,\n户编号,姓名,证件号码,与户主关系\nE1,许一,{id1},户主\nE1,许二,6.10202E+17,之女\n\"E2\",\"许,三\",{id2},户主\n";

fn csv_text() -> String {
    CSV.replace("{id1}", &id("61020219600101011")).replace("{id2}", &id("61020219600101021"))
}

#[test]
fn gbk_and_utf8_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let gbk = dir.path().join("gbk.csv");
    gbk_csv(&gbk, &csv_text());
    let bom = dir.path().join("bom.csv");
    std::fs::write(&bom, format!("\u{feff}{}", csv_text().replace('\n', "\r\n"))).unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, csv_text().replace(',', "\t").replace("许\t三", "许,三")).unwrap();
    let mut results = Vec::new();
    for path in [&gbk, &bom, &plain] {
        let mut store = with_village();
        let plan = import(&mut store, path);
        assert_eq!(plan.header_row, 2, "{}", path.display());
        let p = problems_on(&plan, 4);
        assert!(p[0].reason.contains("存成了数字"), "{p:?}");
        results.push(people(&store));
    }
    assert_eq!(results[0].len(), 3);
    assert!(results[0].iter().any(|p| p.0 == "许,三"), "quoted field with a comma");
    assert!(results.iter().all(|r| *r == results[0]), "{results:?}");
}

#[test]
fn broken_files_get_one_clear_sentence_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("photo.xlsx");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
    let zip = dir.path().join("letter.xlsx");
    std::fs::write(&zip, b"PK\x03\x04 this is not really a workbook").unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let blank_book = dir.path().join("blank.xlsx");
    xlsx(&blank_book, &[("Sheet1", Vec::new(), Vec::new())]);
    let minutes = simple(dir.path(), "minutes.xlsx", rows(&[&["村委会会议纪要"], &["今天讨论了道路硬化"]]));
    let html = dir.path().join("export.xls");
    std::fs::write(&html, "<html><body><table><tr><td>姓名</td></tr></table></body></html>").unwrap();
    for (path, expected) in [
        (&png, "不是 Excel/WPS 表格"),
        (&zip, "不是 Excel/WPS 表格"),
        (&empty, "是空的"),
        (&blank_book, "是空的"),
        (&minutes, "找不到表头行"),
        (&html, "网页格式"),
        (&dir.path().join("missing.xlsx"), "文件不存在"),
        (&dir.path().to_path_buf(), "文件夹"),
    ] {
        let err = Workbook::open(path).and_then(|b| Roster::read(&b, None)).unwrap_err();
        let message = err.to_string();
        assert!(message.contains(expected), "{}: {message}", path.display());
        assert!(message.contains(&path.display().to_string()), "names the file: {message}");
        assert!(!message.contains('\n') && message.ends_with('。'), "one sentence: {message}");
    }
    let book = Workbook::open(&minutes).unwrap();
    let err = Roster::read(&book, Some("第二页")).unwrap_err();
    assert!(err.to_string().contains("Sheet1"), "{err}");
}

#[test]
fn a_failed_import_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let file = national(dir.path(), 20);
    let plan = preview(&store, &file.path).unwrap();
    // Between preview and import, another household takes the last household's number.
    let last = plan.households.last().unwrap().household.code.clone();
    let village = store.villages().unwrap()[0].id.clone();
    let mut h = zoufang::model::register::Household { village_id: village, code: last, ..Default::default() };
    let mut m = vec![zoufang::model::register::Member { name: "占位".into(), ..Default::default() }];
    store.save_household(&mut h, &mut m, None, today()).unwrap();
    let before = store.summary().unwrap();
    let err = roster::import(&mut store, &plan, today(), &Progress::none()).unwrap_err();
    assert!(err.to_string().contains("户编号"), "{err}");
    assert_eq!(store.summary().unwrap(), before);
    assert_eq!(store.cadres(true).unwrap().len(), 0, "no cadre was left behind");
}

#[test]
fn person_rows_without_household_numbers_follow_their_head() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let file = simple(
        dir.path(),
        "heads.xlsx",
        rows(&[
            &["姓名", "与户主关系", "健康状况", "劳动能力"],
            &["卫一", "户主", "长期慢性病", "弱劳动力或半劳动力"],
            &["卫二", "之子", "体弱", "普通劳动力"],
            &["蒋一", "户主", "", ""],
            &["蒋二", "配偶", "", ""],
            &["沈一", "之子", "", ""],
            &["沈二", "户主", "", ""],
        ]),
    );
    let plan = import(&mut store, &file);
    let rows = store.household_rows(None).unwrap();
    let mut heads: Vec<(&str, usize)> = rows.iter().map(|r| (r.head_name.as_str(), r.members)).collect();
    heads.sort();
    assert_eq!(heads, vec![("卫一", 2), ("沈二", 1), ("蒋一", 3)]);
    let unknown = problems_on(&plan, 3);
    assert!(unknown[0].reason.contains("“体弱”无法识别") && !unknown[0].skipped, "{unknown:?}");
}

#[test]
fn households_without_a_head_or_with_two_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let file = simple(
        dir.path(),
        "heads.xlsx",
        rows(&[
            &["户编号", "姓名", "与户主关系"],
            &["F1", "褚一", "之子"],
            &["F1", "褚二", "之女"],
            &["F2", "卫一", "户主"],
            &["F2", "卫二", "户主"],
        ]),
    );
    let plan = import(&mut store, &file);
    assert!(problems_on(&plan, 2)[0].reason.contains("没有“与户主关系”为“户主”"));
    assert!(problems_on(&plan, 3)[0].skipped);
    assert!(problems_on(&plan, 5)[0].reason.contains("第 4 行已是户主"));
    assert_eq!(plan.counts.skipped_rows, 3);
    assert_eq!(store.summary().unwrap().members, 1);
}

#[test]
fn rows_of_another_village_and_a_file_without_any_village() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let file = simple(
        dir.path(),
        "villages.xlsx",
        rows(&[&["行政村", "户主姓名"], &["杨家沟", "秦一"], &["李家沟村", "秦二"]]),
    );
    let plan = import(&mut store, &file);
    assert_eq!(plan.counts.households_added, 1);
    assert!(problems_on(&plan, 3)[0].reason.contains("不是本村"));

    let empty = Store::open_in_memory().unwrap();
    let nameless = simple(dir.path(), "nameless.xlsx", rows(&[&["户主姓名", "人数"], &["秦三", "#2"]]));
    let err = preview(&empty, &nameless).unwrap_err();
    assert!(matches!(err, RosterError::NoVillage), "{err}");
}

#[test]
fn an_unknown_column_can_be_mapped_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_village();
    let n = id("61020219700707007");
    let file = simple(dir.path(), "odd.xlsx", rows(&[&["户主姓名", "人数", "公民号"], &["尤一", "#1", &n]]));
    let mut roster = Roster::read(&Workbook::open(&file).unwrap(), None).unwrap();
    assert_eq!(roster.header.columns[2].target, None, "unknown columns are kept but not read");
    roster.header.set_target(2, Some(Target::IdNumber));
    let plan = roster::plan(&store, &roster, roster::target_village(&store, None).unwrap(), today()).unwrap();
    assert_eq!(plan.households[0].members[0].id_number, n);
}

#[test]
fn cadres_are_found_by_name_within_the_village_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let here = store.villages().unwrap()[0].clone();
    let mut there = Village { name: "李家沟村".into(), ..here.clone() };
    there.id = String::new();
    store.save_village(&mut there, &[]).unwrap();
    let mut elsewhere = zoufang::model::register::Cadre { name: "马文".into(), ..Default::default() };
    store.save_cadre(&mut elsewhere, Some(&there.id)).unwrap();
    let mut local = zoufang::model::register::Cadre { name: "高峰".into(), ..Default::default() };
    store.save_cadre(&mut local, Some(&here.id)).unwrap();

    let file = simple(
        dir.path(),
        "cadres.xlsx",
        rows(&[&["户主姓名", "帮扶责任人"], &["严一", "马文"], &["严二", "高峰、马文"]]),
    );
    let roster = Roster::read(&Workbook::open(&file).unwrap(), None).unwrap();
    let plan = roster::plan(&store, &roster, Some(here), today()).unwrap();
    assert_eq!(plan.new_cadres, vec!["马文".to_string()], "the 马文 of another village is not this one");
    assert!(problems_on(&plan, 3)[0].reason.contains("按第一人“高峰”分配"));
    roster::import(&mut store, &plan, today(), &Progress::none()).unwrap();
    let rows = store.household_rows(None).unwrap();
    let of = |head: &str| rows.iter().find(|r| r.head_name == head).unwrap().cadre_id.clone().unwrap();
    assert_ne!(of("严一"), elsewhere.id);
    assert_eq!(of("严二"), local.id);
}

#[test]
fn a_household_imported_without_numbers_is_found_again_once_the_file_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = with_village();
    let head = id("61020219580808008");
    let before = simple(
        dir.path(),
        "before.xlsx",
        rows(&[&["户主姓名", "身份证号", "人数"], &["柏一", &format!("#{head}"), "#1"]]),
    );
    import(&mut store, &before);
    assert_eq!(store.household_rows(None).unwrap()[0].head_id_number, "");
    let after = simple(
        dir.path(),
        "after.xlsx",
        rows(&[&["户编号", "户主姓名", "身份证号", "人数"], &["K9", "柏一", &head, "#1"]]),
    );
    let plan = import(&mut store, &after);
    assert_eq!(plan.counts.households_updated, 1, "{:?}", plan.households[0].changes);
    let rows = store.household_rows(None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].code.as_str(), rows[0].head_id_number.as_str()), ("K9", head.as_str()));
}
