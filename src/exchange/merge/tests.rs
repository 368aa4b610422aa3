use super::*;
use crate::demo::{self, DemoOptions};
use crate::exchange::package::{self, pack};
use crate::model::id_number::check_char;
use crate::model::register::{Household, Member, Village};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// A store with a demo village of `households` households (seeded), with visits, answers,
/// problems, their history and a photo on the first few households.
fn village_store(seed: u64, households: usize) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let opts = DemoOptions { villages: 1, households, months: 3, seed, today: today() };
    demo::generate(&mut store, &opts).unwrap();
    add_visits(&store, 3);
    store
}

/// Visits, answers, a problem with an event, and a photo for the first `n` households: the
/// visits engineer's API is not on this branch yet, so the rows go in as the schema defines them.
fn add_visits(store: &Store, n: usize) {
    let conn = store.conn();
    let origin = store.device_id();
    let stamp = "2026-11-01T08:00:00.000Z";
    let body = format!("# monthly template of {origin}");
    let template = crate::model::ids::new_id();
    conn.execute(
        "INSERT INTO checklist_templates(id, code, version, name, body, content_hash, created_at, updated_at, origin)
         VALUES (?1, 'monthly', '1', '每月走访', ?2, ?3, ?4, ?4, ?5)",
        params![template, body, format!("hash-{origin}"), stamp, origin],
    )
    .unwrap();
    let households: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT h.id, h.village_id, a.cadre_id FROM households h JOIN assignments a ON a.household_id = h.id
              ORDER BY h.code LIMIT ?1",
        )
        .unwrap()
        .query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (h, village, cadre) in households {
        let visit = crate::model::ids::new_id();
        conn.execute(
            "INSERT INTO visits(id, household_id, cadre_id, visit_date, kind, template_id, measures, created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, '2026-11-01', '每月走访', ?4, '讲解医保政策', ?5, ?5, ?6)",
            params![visit, h, cadre, template, stamp, origin],
        )
        .unwrap();
        store
            .logged(|conn| {
                for (item, value, problem) in [("food", "是", 0), ("school", "否", 0), ("housing", "是", 1)] {
                    conn.execute(
                        "INSERT INTO visit_answers(visit_id, item_code, value, is_problem) VALUES (?1, ?2, ?3, ?4)",
                        params![visit, item, value, problem],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        let problem = crate::model::ids::new_id();
        conn.execute(
            "INSERT INTO problems(id, village_id, household_id, visit_id, item_code, group_name, description, found_date,
                                  created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, 'housing', '住房安全', '住房为C级危房', '2026-11-01', ?5, ?5, ?6)",
            params![problem, village, h, visit, stamp, origin],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO problem_events(id, problem_id, at, actor_id, kind, to_status, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, '登记', '待整改', ?3, ?5)",
            params![crate::model::ids::new_id(), problem, stamp, cadre, origin],
        )
        .unwrap();
        // The picture in the photo file, keyed by its hash (the row keeps none of its bytes).
        // A real (tiny) JPEG: a merge reads each picture's header before taking it.
        let picture = crate::photo::tests::jpeg_of(16, 12, None);
        let sha = crate::photo::sha256_hex(&picture);
        conn.execute(
            "INSERT INTO attachments(id, owner_id, kind, mime, sha256, bytes, created_at, updated_at, origin)
             VALUES (?1, ?2, '照片', 'image/jpeg', ?3, X'', ?4, ?4, ?5)",
            params![crate::model::ids::new_id(), visit, sha, stamp, origin],
        )
        .unwrap();
        conn.execute(
            "INSERT OR IGNORE INTO photos.blobs(sha256, mime, thumb, full) VALUES (?1, 'image/jpeg', ?2, ?2)",
            params![sha, picture],
        )
        .unwrap();
    }
}

/// Rows of each table.
type Rows = BTreeMap<&'static str, Vec<Vec<Value>>>;

/// Every row of every travelling table, by key.
fn dump(store: &Store) -> Rows {
    TABLES
        .iter()
        .map(|t| {
            let mut st = store.conn().prepare(&format!("SELECT * FROM {} ORDER BY {}", t.name, key_list(t))).unwrap();
            let width = st.column_count();
            let rows = st
                .query_map([], |r| (0..width).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<Value>>>())
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            (t.name, rows)
        })
        .collect()
}

/// `dump` plus this laptop's sync state: everything a merge may write.
fn dump_all(store: &Store) -> (Rows, Vec<(String, String, String)>) {
    let sync = store
        .conn()
        .prepare("SELECT device_id, village_id, received_up_to || merged_at FROM sync_state ORDER BY 1, 2")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (dump(store), sync)
}

fn only_village(store: &Store) -> Village {
    package::village_to_pack(store, None).unwrap()
}

fn pack_in(store: &Store, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    pack(store, &only_village(store).id, &path, &Progress::none()).unwrap();
    path
}

fn counts(report: &MergeReport, table: &str) -> Counts {
    report.files.iter().flat_map(|f| &f.tables).filter(|(t, _)| *t == table).fold(Counts::default(), |mut c, (_, x)| {
        c.add(x);
        c
    })
}

/// Laptop A with a demo village of `households`, and laptop B that has merged A's first package.
fn met(dir: &Path, households: usize) -> (Store, Store) {
    let a = village_store(1, households);
    let mut b = Store::open_in_memory().unwrap();
    merge(&mut b, &[pack_in(&a, dir, "1.zfp")], &Settlement::newest()).unwrap();
    (a, b)
}

fn first_household(store: &Store) -> (Household, Vec<Member>) {
    let id = store.household_rows(None).unwrap()[0].id.clone();
    store.household(&id).unwrap().unwrap()
}

fn edit_phone(store: &mut Store, household_id: &str, phone: &str) {
    let (mut h, mut members) = store.household(household_id).unwrap().unwrap();
    h.phone = phone.into();
    store.save_household(&mut h, &mut members, None, today()).unwrap();
}

fn phone_of(store: &Store, household_id: &str) -> String {
    store.household(household_id).unwrap().unwrap().0.phone
}

/// Stamps are milliseconds: make sure the next write gets a later one.
fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(3));
}

#[test]
fn a_package_merged_into_an_empty_database_gives_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let a = village_store(1, 30);
    let file = pack_in(&a, dir.path(), "a.zfp");
    let mut b = Store::open_in_memory().unwrap();
    let report = merge(&mut b, std::slice::from_ref(&file), &Settlement::newest()).unwrap();
    assert!(report.written);
    assert_eq!(dump(&a), dump(&b));
    let rows = dump(&a);
    for (table, c) in &report.files[0].tables {
        assert_eq!(c.added, rows[table].len(), "{table}");
        assert_eq!(c.total(), c.added, "{table}");
    }
    assert!(counts(&report, "visit_answers").added > 9, "the demo's answers and the nine added here");
    assert_eq!(counts(&report, "attachments").added, 3);
    assert!(b.check(today()).unwrap().is_empty());
}

#[test]
fn merging_the_same_package_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = village_store(1, 30);
    let file = pack_in(&a, dir.path(), "a.zfp");
    let mut b = Store::open_in_memory().unwrap();
    merge(&mut b, std::slice::from_ref(&file), &Settlement::newest()).unwrap();
    let before = dump_all(&b);
    let again = merge(&mut b, &[file.clone(), file], &Settlement::newest()).unwrap();
    assert_eq!(dump_all(&b), before);
    let total = again.totals();
    assert_eq!((total.added, total.updated, total.kept, total.conflicts), (0, 0, 0, 0));
    assert_eq!(total.unchanged, 2 * dump(&a).values().map(Vec::len).sum::<usize>());
}

#[test]
fn a_preview_reports_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let a = village_store(1, 20);
    let file = pack_in(&a, dir.path(), "a.zfp");
    let mut b = Store::open_in_memory().unwrap();
    let before = dump_all(&b);
    let report = preview(&mut b, &[file], &Settlement::newest()).unwrap();
    assert!(!report.written);
    assert_eq!(counts(&report, "households").added, 20);
    assert_eq!(dump_all(&b), before);
}

#[test]
fn tombstones_travel() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = met(dir.path(), 20);
    let (mut h, members) = (0..20)
        .map(|i| a.household_rows(None).unwrap()[i].id.clone())
        .map(|id| a.household(&id).unwrap().unwrap())
        .find(|(_, m)| m.len() > 1)
        .expect("a household of several");
    let gone = members.last().unwrap().id.clone();
    let mut kept = members[..members.len() - 1].to_vec();
    tick();
    a.save_household(&mut h, &mut kept, None, today()).unwrap();
    let report = merge(&mut b, &[pack_in(&a, dir.path(), "2.zfp")], &Settlement::newest()).unwrap();
    assert_eq!(counts(&report, "members").updated, 1);
    let deleted: Option<String> =
        b.conn().query_row("SELECT deleted_at FROM members WHERE id = ?1", [&gone], |r| r.get(0)).unwrap();
    assert!(deleted.is_some());
    assert_eq!(b.household(&h.id).unwrap().unwrap().1.len(), kept.len());
}

#[test]
fn a_visit_that_wins_brings_its_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (a, mut b) = met(dir.path(), 10);
    let visit: String = a
        .conn()
        .query_row("SELECT visit_id FROM visit_answers WHERE item_code = 'school' ORDER BY visit_id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    a.logged(|c| {
        c.execute_batch(&format!(
            "UPDATE visits SET updated_at = '2026-11-20T09:00:00.000Z' WHERE id = '{visit}';
             DELETE FROM visit_answers WHERE visit_id = '{visit}' AND item_code = 'school';
             UPDATE visit_answers SET value = '否', is_problem = 1 WHERE visit_id = '{visit}' AND item_code = 'food';"
        ))
    })
    .unwrap();
    let report = merge(&mut b, &[pack_in(&a, dir.path(), "2.zfp")], &Settlement::newest()).unwrap();
    assert_eq!(counts(&report, "visits").updated, 1);
    assert_eq!(counts(&report, "visit_answers").updated, 2);
    assert_eq!(dump(&a)["visit_answers"], dump(&b)["visit_answers"]);
}

#[test]
fn answers_changed_on_both_sides_make_the_visit_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (a, mut b) = met(dir.path(), 10);
    let visit: String = a
        .conn()
        .query_row("SELECT visit_id FROM visit_answers WHERE item_code = 'school' ORDER BY visit_id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let change = |store: &Store, at: &str, value: &str| {
        store
            .logged(|c| {
                c.execute_batch(&format!(
                    "UPDATE visits SET updated_at = '{at}', origin = '{}' WHERE id = '{visit}';
                     UPDATE visit_answers SET value = '{value}' WHERE visit_id = '{visit}' AND item_code = 'food';",
                    store.device_id()
                ))
            })
            .unwrap();
    };
    // Within the day of clock skew a package may be ahead by.
    let soon =
        |h| (chrono::Utc::now() + chrono::TimeDelta::hours(h)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    change(&a, &soon(1), "否");
    change(&b, &soon(2), "不适用");
    let report = preview(&mut b, &[pack_in(&a, dir.path(), "2.zfp")], &Settlement::newest()).unwrap();
    let conflicts: Vec<&Conflict> = report.conflicts().collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].key.table, "visits");
    let food = conflicts[0].fields.iter().find(|f| f.column == "answer:food").expect("the answer is named");
    assert!(food.mine.starts_with("不适用") && food.theirs.starts_with('否'), "{food:?}");
    assert_eq!(field_label(&food.column), "清单项 food 的答案");
}

#[test]
fn one_sided_changes_merge_without_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = met(dir.path(), 10);
    let rows = a.household_rows(None).unwrap();
    let (theirs, mine) = (rows[0].id.clone(), rows[1].id.clone());
    tick();
    edit_phone(&mut a, &theirs, "13900000001");
    edit_phone(&mut b, &mine, "13900000002");
    let report = merge(&mut b, &[pack_in(&a, dir.path(), "2.zfp")], &Settlement::newest()).unwrap();
    let c = counts(&report, "households");
    assert_eq!((c.updated, c.kept, c.conflicts), (1, 1, 0));
    assert_eq!(phone_of(&b, &theirs), "13900000001");
    assert_eq!(phone_of(&b, &mine), "13900000002");
}

#[test]
fn the_same_row_changed_on_both_sides_is_a_conflict_to_settle() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = met(dir.path(), 10);
    let id = first_household(&a).0.id;
    tick();
    edit_phone(&mut a, &id, "13900000001");
    tick();
    edit_phone(&mut b, &id, "13900000002");
    let file = pack_in(&a, dir.path(), "2.zfp");

    let seen = preview(&mut b, std::slice::from_ref(&file), &Settlement::newest()).unwrap();
    let conflicts: Vec<&Conflict> = seen.conflicts().collect();
    assert_eq!(conflicts.len(), 1);
    let c = conflicts[0];
    assert_eq!(c.key, ConflictKey { table: "households".into(), id: id.clone() });
    assert_eq!((c.newer, c.chosen), (Side::Mine, Side::Mine));
    let phone = c.fields.iter().find(|f| f.column == "phone").unwrap();
    assert_eq!((phone.mine.as_str(), phone.theirs.as_str()), ("13900000002", "13900000001"));
    assert_eq!(phone_of(&b, &id), "13900000002");

    // The user takes theirs although it is older: it is written with a fresh stamp…
    let settle = Settlement { choices: HashMap::from([(c.key.clone(), Side::Theirs)]), rest: None };
    let done = merge(&mut b, std::slice::from_ref(&file), &settle).unwrap();
    assert_eq!(done.conflicts().next().unwrap().chosen, Side::Theirs);
    assert_eq!(phone_of(&b, &id), "13900000001");
    // …so the decision travels back without a new conflict, and a re-merge is quiet.
    let back = merge(&mut a, &[pack_in(&b, dir.path(), "3.zfp")], &Settlement::newest()).unwrap();
    assert_eq!(back.conflicts().count(), 0);
    assert_eq!(phone_of(&a, &id), "13900000001");
    let again = merge(&mut b, &[file], &Settlement::newest()).unwrap();
    assert_eq!(again.conflicts().count(), 0);
}

#[test]
fn keeping_my_older_version_wins_the_next_round() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = met(dir.path(), 10);
    let id = first_household(&a).0.id;
    tick();
    edit_phone(&mut b, &id, "13900000002");
    tick();
    edit_phone(&mut a, &id, "13900000001");
    let report = merge(&mut b, &[pack_in(&a, dir.path(), "2.zfp")], &Settlement::all(Side::Mine)).unwrap();
    assert_eq!(report.conflicts().next().unwrap().newer, Side::Theirs);
    assert_eq!(phone_of(&b, &id), "13900000002");
    let back = merge(&mut a, &[pack_in(&b, dir.path(), "3.zfp")], &Settlement::newest()).unwrap();
    assert_eq!(back.conflicts().count(), 0);
    assert_eq!(phone_of(&a, &id), "13900000002");
}

#[test]
fn a_first_secretarys_edit_round_trips_without_false_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let cadre = village_store(1, 10);
    let mut secretary = Store::open_in_memory().unwrap();
    merge(&mut secretary, &[pack_in(&cadre, dir.path(), "1.zfp")], &Settlement::newest()).unwrap();
    let id = first_household(&cadre).0.id;
    tick();
    edit_phone(&mut secretary, &id, "13900000003");
    let mut cadre = cadre;
    let down = merge(&mut cadre, &[pack_in(&secretary, dir.path(), "2.zfp")], &Settlement::newest()).unwrap();
    assert_eq!((counts(&down, "households").updated, down.conflicts().count()), (1, 0));
    let up = merge(&mut secretary, &[pack_in(&cadre, dir.path(), "3.zfp")], &Settlement::newest()).unwrap();
    let t = up.totals();
    assert_eq!((t.added, t.updated, t.kept, t.conflicts), (0, 0, 0, 0));
}

/// A village typed in separately on a second laptop, with one household of `code` whose head
/// holds `head_id`.
fn separate_laptop(code: &str, head_id: &str, phone: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &["一组".into()]).unwrap();
    let group = store.groups(&v.id).unwrap()[0].id.clone();
    let mut h = Household {
        village_id: v.id.clone(),
        group_id: Some(group),
        code: code.into(),
        phone: phone.into(),
        ..Household::default()
    };
    let mut members = vec![
        Member { name: "王建国".into(), id_number: head_id.into(), relation: Relation::Head, ..Member::default() },
        Member { name: "李秀英".into(), relation: Relation::Spouse, ..Member::default() },
    ];
    store.save_household(&mut h, &mut members, None, today()).unwrap();
    let mut cadre = crate::model::register::Cadre {
        id: String::new(),
        name: "张伟".into(),
        unit: "区农业农村局".into(),
        phone: "13912345678".into(),
        role: crate::model::coded::Role::Cadre,
        archived: false,
    };
    store.save_cadre(&mut cadre, Some(&v.id)).unwrap();
    store.assign(&[h.id.clone()], &cadre.id, today()).unwrap();
    store
}

fn head_id() -> String {
    let body = "61020219650312001";
    format!("{body}{}", check_char(body))
}

fn assert_recognised(code_a: &str, code_b: &str) {
    let dir = tempfile::tempdir().unwrap();
    let a = separate_laptop(code_a, &head_id(), "13800000001");
    add_visits(&a, 1);
    tick();
    let mut b = separate_laptop(code_b, &head_id(), "13800000002");
    let report = merge(&mut b, &[pack_in(&a, dir.path(), "a.zfp")], &Settlement::newest()).unwrap();
    // The head is recognised by ID number, the spouse (no ID number) by name in the household.
    for table in ["villages", "village_groups", "households", "members", "cadres", "assignments"] {
        assert_eq!(counts(&report, table).added, 0, "{table} duplicated");
    }
    // Never having met, the two laptops' different phone numbers are a conflict; B's is newer.
    assert_eq!(report.conflicts().map(|c| c.key.table.as_str()).collect::<Vec<_>>(), ["households"]);
    let rows = b.household_rows(None).unwrap();
    assert_eq!((rows.len(), rows[0].members), (1, 2));
    assert_eq!(b.villages().unwrap().len(), 1);
    assert_eq!(b.cadres(false).unwrap().len(), 1);
    let (visit_household, visit_cadre): (String, String) =
        b.conn().query_row("SELECT household_id, cadre_id FROM visits", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(visit_household, rows[0].id, "references follow the household's local id");
    assert_eq!(Some(visit_cadre), rows[0].cadre_id, "references follow the cadre's local id");
    assert!(b.check(today()).unwrap().is_empty(), "{:?}", b.check(today()).unwrap());
}

#[test]
fn the_same_household_from_two_laptops_is_recognised_by_its_code() {
    assert_recognised("610202001001", "610202001001");
}

#[test]
fn the_same_household_from_two_laptops_is_recognised_by_its_heads_id_number() {
    assert_recognised("", "");
}

#[test]
fn villages_of_different_seeds_merge_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> =
        (1..=3).map(|seed| pack_in(&village_store(seed, 25), dir.path(), &format!("{seed}.zfp"))).collect();
    let mut township = Store::open_in_memory().unwrap();
    let report = merge(&mut township, &files, &Settlement::newest()).unwrap();
    assert_eq!(
        report.totals().added + 2,
        report.totals().total(),
        "all new but the built-in monthly checklist, which the three villages share"
    );
    assert_eq!(township.villages().unwrap().len(), 3);
    assert_eq!(township.household_rows(None).unwrap().len(), 75);
    assert!(township.check(today()).unwrap().is_empty());
    let before = dump_all(&township);
    let again = merge(&mut township, &files, &Settlement::newest()).unwrap();
    assert_eq!(again.totals().unchanged, again.totals().total());
    assert_eq!(dump_all(&township), before);
}

/// A county's hundred packages are attached at once, so each one's new rows go in set-wise:
/// this build's SQLite allows it (`.cargo/config.toml`; ten files by default).
#[test]
fn a_county_of_packages_can_be_attached_at_once() {
    let store = Store::open_in_memory().unwrap();
    for i in 0..ATTACHED_PACKAGES {
        store.conn().execute(&format!("ATTACH DATABASE ':memory:' AS zfp_package_{i}"), []).unwrap();
    }
}

#[test]
fn twelve_villages_merge_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let stores: Vec<Store> = (1..=12).map(|seed| village_store(seed, 4)).collect();
    let files: Vec<PathBuf> =
        stores.iter().enumerate().map(|(i, s)| pack_in(s, dir.path(), &format!("{i}.zfp"))).collect();
    let mut township = Store::open_in_memory().unwrap();
    let report = merge(&mut township, &files, &Settlement::newest()).unwrap();
    assert_eq!(report.files.len(), 12);
    // Demo villages of two seeds may share a name, and are then recognised as one.
    let names: std::collections::BTreeSet<String> = stores.iter().map(|s| only_village(s).name).collect();
    assert_eq!(township.villages().unwrap().len(), names.len());
    let answers: usize = stores.iter().map(|s| dump(s)["visit_answers"].len()).sum();
    assert_eq!(dump(&township)["visit_answers"].len(), answers, "every package's answers, the last ones too");
    assert!(township.check(today()).unwrap().is_empty());
}

/// Each bad file is refused with its own error, naming the file, and the database is untouched.
#[test]
fn bad_files_are_refused_and_leave_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let a = village_store(1, 10);
    let good = pack_in(&a, dir.path(), "good.zfp");
    let packed = std::fs::read(&good).unwrap();
    // The package's SQLite file as earlier builds wrote it, uncompressed: still read, and edited below.
    let bytes = crate::exchange::package::sqlite_bytes(&good);
    let write = |name: &str, content: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    };
    let random: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let edited = |name: &str, sql: &str| {
        let p = write(name, &bytes);
        rusqlite::Connection::open(&p).unwrap().execute_batch(sql).unwrap();
        p
    };
    let database = dir.path().join("zoufang.db");
    drop(Store::open(&database).unwrap());
    let foreign = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();

    type Expected = fn(&ExchangeError) -> bool;
    let cases: Vec<(PathBuf, Expected)> = vec![
        (write("random.zfp", &random), |e| matches!(e, ExchangeError::NotPackage(_))),
        (write("empty.zfp", b""), |e| matches!(e, ExchangeError::NotPackage(_))),
        (write("half.zfp", &bytes[..bytes.len() / 2]), |e| matches!(e, ExchangeError::Truncated(_))),
        (write("head.zfp", &bytes[..60]), |e| matches!(e, ExchangeError::Truncated(_))),
        (write("cut.zfp", &packed[..packed.len() / 2]), |e| matches!(e, ExchangeError::Truncated(_))),
        (write("stub.zfp", &packed[..20]), |e| matches!(e, ExchangeError::Truncated(_))),
        (database, |e| matches!(e, ExchangeError::DatabaseNotPackage(_))),
        (foreign, |e| matches!(e, ExchangeError::Foreign(_))),
        (edited("newer.zfp", "UPDATE package_manifest SET value = '2' WHERE key = 'format_version'"), |e| {
            matches!(e, ExchangeError::Newer { .. })
        }),
        (edited("schema.zfp", "UPDATE package_manifest SET value = '99' WHERE key = 'schema_version'"), |e| {
            matches!(e, ExchangeError::Newer { .. })
        }),
        (edited("altered.zfp", "UPDATE households SET phone = '110' WHERE rowid = 1"), |e| {
            matches!(e, ExchangeError::Checksum(_))
        }),
        (edited("short.zfp", "DELETE FROM members WHERE rowid = 1"), |e| matches!(e, ExchangeError::Damaged(..))),
        (edited("uncounted.zfp", "DELETE FROM package_manifest WHERE key = 'rows.members'"), |e| {
            matches!(e, ExchangeError::Damaged(..))
        }),
        (dir.path().join("missing.zfp"), |e| matches!(e, ExchangeError::Io(..))),
    ];
    let mut b = village_store(2, 5);
    let before = dump_all(&b);
    let plain = write("plain.zfp", &bytes);
    let report = preview(&mut b, &[plain], &Settlement::newest()).unwrap();
    assert_eq!(
        report.totals().added,
        merge(&mut village_store(2, 5), std::slice::from_ref(&good), &Settlement::newest()).unwrap().totals().added
    );
    for (file, expected) in cases {
        // A good package first: a bad one later in the list must still leave everything untouched.
        let err = merge(&mut b, &[good.clone(), file.clone()], &Settlement::newest()).unwrap_err();
        assert!(expected(&err), "{}: {err:?}", file.display());
        let message = err.to_string();
        assert!(message.contains(&file.display().to_string()), "{message}");
        assert!(!message.contains('\n'), "{message}");
        assert_eq!(dump_all(&b), before, "{}", file.display());
    }
}

#[test]
fn packing_replaces_an_old_file_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = village_store(1, 5);
    let path = dir.path().join("村.zfp");
    std::fs::write(&path, b"old").unwrap();
    let m = pack(&a, &only_village(&a).id, &path, &Progress::none()).unwrap();
    let opened = Package::open(&path).unwrap();
    assert_eq!(opened.manifest(), &m);
    assert_eq!(m.rows_of("households"), 5);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("村.zfp")]);
    let err = pack(&a, &only_village(&a).id, &dir.path().join("no-such-folder").join("x.zfp"), &Progress::none())
        .unwrap_err();
    assert!(matches!(err, ExchangeError::NoFolder(_)), "{err:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6))]

    /// Laptop A packs, B merges it; each then edits some households (generated) and packs again.
    /// Merging the three packages into fresh databases in any order gives the same rows, and
    /// merging them all again changes nothing.
    #[test]
    fn merges_are_idempotent_and_commutative_on_generated_edits(
        households in 3usize..7,
        mine in proptest::collection::vec(0usize..7, 0..4),
        theirs in proptest::collection::vec(0usize..7, 0..4),
        order in 0usize..6,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut a = village_store(7, households);
        let a1 = pack_in(&a, dir.path(), "a1.zfp");
        let mut b = Store::open_in_memory().unwrap();
        merge(&mut b, std::slice::from_ref(&a1), &Settlement::newest()).unwrap();
        let ids: Vec<String> = a.household_rows(None).unwrap().into_iter().map(|r| r.id).collect();
        tick();
        for &i in &mine {
            edit_phone(&mut a, &ids[i % ids.len()], &format!("1390000{i:04}"));
        }
        for &i in theirs.iter().filter(|i| !mine.iter().any(|m| m % ids.len() == *i % ids.len())) {
            edit_phone(&mut b, &ids[i % ids.len()], &format!("1370000{i:04}"));
        }
        let files = [a1, pack_in(&a, dir.path(), "a2.zfp"), pack_in(&b, dir.path(), "b1.zfp")];
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        let merged = |order: [usize; 3]| {
            let mut c = Store::open_in_memory().unwrap();
            for i in order {
                merge(&mut c, std::slice::from_ref(&files[i]), &Settlement::newest()).unwrap();
            }
            c
        };
        let mut first = merged(orders[0]);
        let other = merged(orders[order]);
        proptest::prop_assert_eq!(dump(&first), dump(&other));
        let before = dump(&first);
        let again = merge(&mut first, &files, &Settlement::newest()).unwrap();
        proptest::prop_assert_eq!(dump(&first), before);
        let total = again.totals();
        proptest::prop_assert_eq!((total.added, total.updated), (0, 0));
    }
}
