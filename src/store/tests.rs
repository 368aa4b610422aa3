use super::*;
use crate::model::coded::{Relation, Role};
use crate::model::id_number::check_char;
use crate::model::register::{Cadre, Household, Member, Village};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

fn id(body: &str) -> String {
    format!("{body}{}", check_char(body))
}

fn village(store: &mut Store) -> Village {
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &["一组".into(), "二组".into()]).unwrap();
    v
}

fn household(store: &mut Store, v: &Village, head: &str, code: &str, id_number: &str) -> Result<Household> {
    let mut h = Household { village_id: v.id.clone(), code: code.into(), ..Household::default() };
    let mut members =
        vec![Member { name: head.into(), id_number: id_number.into(), relation: Relation::Head, ..Member::default() }];
    store.save_household(&mut h, &mut members, None, today())?;
    Ok(h)
}

#[test]
fn migrates_an_empty_file_and_keeps_device_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let device = {
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        s.device_id().to_string()
    };
    let s = Store::open(&path).unwrap();
    assert_eq!(s.device_id(), device);
    let mode: String = s.db().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = s.db().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn a_snapshot_sees_one_state_until_dropped_and_nests_in_a_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("s.db")).unwrap();
    let v = village(&mut s);
    let other = s.worker().unwrap();
    let count = |s: &Store| s.db().query_row("SELECT count(*) FROM households", [], |r| r.get::<_, i64>(0)).unwrap();
    let snapshot = s.snapshot().unwrap();
    assert_eq!(count(&s), 0);
    let mut writer = other;
    household(&mut writer, &v, "李四", "001", &id("61020219800101001")).unwrap();
    assert_eq!(count(&writer), 1);
    assert_eq!(count(&s), 0, "a commit elsewhere is not seen through the snapshot");
    drop(snapshot);
    assert_eq!(count(&s), 1, "seen once it is dropped");
    // Inside a transaction already open, a snapshot begins nothing and ends nothing.
    s.db().execute_batch("BEGIN").unwrap();
    drop(s.snapshot().unwrap());
    assert!(!s.db().is_autocommit(), "the open transaction is left open");
    s.db().execute_batch("COMMIT").unwrap();
}

#[test]
fn refuses_files_it_cannot_open_without_touching_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "这不是数据库 not a database at all").unwrap();
    let before = std::fs::read(&text).unwrap();
    assert!(matches!(Store::open(&text), Err(StoreError::NotDatabase(_))));
    assert_eq!(std::fs::read(&text).unwrap(), before);

    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    assert!(matches!(Store::open(&foreign), Err(StoreError::Foreign(_))));
    assert_eq!(std::fs::read(&foreign).unwrap(), before);

    let newer = dir.path().join("newer.db");
    drop(Store::open(&newer).unwrap());
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    let before = std::fs::read(&newer).unwrap();
    let err = Store::open(&newer).err().unwrap();
    assert!(matches!(err, StoreError::Newer { .. }));
    assert!(err.to_string().contains("更新版本"), "{err}");
    assert_eq!(std::fs::read(&newer).unwrap(), before);
}

#[test]
fn a_second_zoufang_is_kept_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let first = Store::open(&path).unwrap();
    assert!(matches!(Store::open(&path), Err(StoreError::Locked(_))));
    drop(first);
    assert!(Store::open(&path).is_ok());
}

#[test]
fn households_and_members_round_trip() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    let h = household(&mut s, &v, "张三", "6102020010001", &id("11010519491231002").to_lowercase()).unwrap();
    let (loaded, members) = s.household(&h.id).unwrap().unwrap();
    assert_eq!(loaded.head_name, "张三");
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].id_number, "11010519491231002X", "lower-case x normalised");
    let rows = s.household_rows(Some(&v.id)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].head_id_number, "11010519491231002X");
    assert!(rows[0].key.matches(&crate::model::search::Query::new("zs")));
}

#[test]
fn the_same_id_number_in_two_households_is_refused() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    let n = id("61020219800101123");
    household(&mut s, &v, "张三", "A1", &n).unwrap();
    let err = household(&mut s, &v, "李四", "A2", &n).unwrap_err();
    assert!(matches!(err, StoreError::IdTaken { ref head, .. } if head == "张三"), "{err}");
    assert_eq!(s.summary().unwrap().households, 1, "the refused household left nothing behind");
    let err = household(&mut s, &v, "王五", "A1", "").unwrap_err();
    assert!(matches!(err, StoreError::CodeTaken { .. }), "{err}");
}

#[test]
fn invalid_forms_write_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    let err = household(&mut s, &v, "张三", "", "110105194912310021").unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    assert!(err.to_string().contains("校验位"), "{err}");
    assert_eq!(s.summary().unwrap().households, 0);
}

#[test]
fn removed_members_become_tombstones_and_their_id_is_free_again() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    let n = id("61020220100101123");
    let mut h = Household { village_id: v.id.clone(), ..Household::default() };
    let mut members = vec![
        Member { name: "张三".into(), relation: Relation::Head, ..Member::default() },
        Member { name: "张小明".into(), id_number: n.clone(), relation: Relation::Son, ..Member::default() },
    ];
    s.save_household(&mut h, &mut members, None, today()).unwrap();
    let mut kept = vec![members[0].clone()];
    s.save_household(&mut h, &mut kept, None, today()).unwrap();
    let tomb: Option<String> =
        s.db().query_row("SELECT deleted_at FROM members WHERE id = ?1", [&members[1].id], |r| r.get(0)).unwrap();
    assert!(tomb.is_some());
    assert_eq!(s.household(&h.id).unwrap().unwrap().1.len(), 1);
    household(&mut s, &v, "李四", "", &n).unwrap();
}

#[test]
fn saving_unchanged_rows_keeps_their_stamp() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    let mut h = household(&mut s, &v, "张三", "B1", "").unwrap();
    let stamp =
        |s: &Store| -> String { s.db().query_row("SELECT updated_at FROM households", [], |r| r.get(0)).unwrap() };
    let first = stamp(&s);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut members = s.household(&h.id).unwrap().unwrap().1;
    s.save_household(&mut h, &mut members, None, today()).unwrap();
    assert_eq!(stamp(&s), first);
    h.phone = "13800001234".into();
    s.save_household(&mut h, &mut members, None, today()).unwrap();
    assert_ne!(stamp(&s), first);
}

#[test]
fn assignment_history_is_kept() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    let h = household(&mut s, &v, "张三", "", "").unwrap();
    let mut a = Cadre { name: "王干部".into(), role: Role::Cadre, ..Cadre::default() };
    let mut b = Cadre { name: "李干部".into(), role: Role::Cadre, ..Cadre::default() };
    s.save_cadre(&mut a, Some(&v.id)).unwrap();
    s.save_cadre(&mut b, Some(&v.id)).unwrap();
    assert_eq!(s.summary().unwrap().unassigned, 1);
    let d1 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let d2 = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    assert_eq!(s.assign(std::slice::from_ref(&h.id), &a.id, d1).unwrap(), 1);
    assert_eq!(s.assign(std::slice::from_ref(&h.id), &a.id, d1).unwrap(), 0, "same cadre again changes nothing");
    assert_eq!(s.assign(std::slice::from_ref(&h.id), &b.id, d2).unwrap(), 1);
    let history = s.assignment_history(&h.id).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].cadre_name, "李干部");
    assert_eq!(history[0].assignment.end, None);
    assert_eq!(history[1].assignment.end, NaiveDate::from_ymd_opt(2026, 5, 31));
    assert_eq!(s.summary().unwrap().unassigned, 0);
    assert!(s.check(today()).unwrap().is_empty());
    let loads: Vec<usize> = s.cadres(false).unwrap().iter().map(|c| c.households).collect();
    assert_eq!(loads.iter().sum::<usize>(), 1);
}

#[test]
fn check_reports_bad_rows() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    household(&mut s, &v, "张三", "", &id("61020219800101123")).unwrap();
    s.db().execute("UPDATE members SET id_number = '610202198001011230'", []).unwrap();
    let found = s.check(today()).unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("张三"), "{}", found[0].message);
    assert_eq!(s.check_as(today(), true).unwrap(), found, "the full check finds the same");
}

#[test]
fn check_names_references_to_rows_that_are_not_there() {
    let mut s = Store::open_in_memory().unwrap();
    let v = village(&mut s);
    household(&mut s, &v, "张三", "", "").unwrap();
    // Written as a tool outside the app would: no log entry.
    s.with_answers_unlogged(|s| {
        s.db()
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO visit_answers(visit_id, item_code, value) VALUES ('no-such-visit', 'food', '是'), ('no-such-visit', 'water', '是');
                 PRAGMA foreign_keys = ON;",
            )
            .unwrap()
    })
    .unwrap();
    let found = s.check(today()).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0].message;
    assert!(m.contains("visit_answers") && m.contains("no-such-visit") && m.contains('2'), "{m}");
}

#[test]
fn databases_of_every_released_schema_open_and_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for version in 1..=SCHEMA_VERSION {
        let fixture = fixtures.join(format!("schema-{version}.db"));
        if !fixture.exists() {
            continue;
        }
        let path = dir.path().join(format!("copy-{version}.db"));
        std::fs::copy(&fixture, &path).unwrap();
        let entries =
            |c: &rusqlite::Connection| c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get::<_, i64>(0));
        let logged = entries(&rusqlite::Connection::open(&path).unwrap()).unwrap_or(0);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert!(entries(s.db()).unwrap() >= logged, "schema {version}: the log keeps its entries");
        let summary = s.summary().unwrap();
        assert_eq!((summary.villages, summary.households), (1, 12), "schema {version} fixture");
        assert!(s.check(today()).unwrap().is_empty());
    }
    assert!(fixtures.join("schema-1.db").exists());
}

mod ledger {
    use super::*;
    use crate::model::ledger::{Actor, Problem, Status};

    fn actor(role: Role) -> Actor {
        Actor { cadre_id: None, name: format!("{}某", role.code()), role: Some(role) }
    }

    /// A 第一书记 with a PIN, signed in on `s`.
    pub(super) fn signed_secretary(s: &mut Store, village_id: &str) -> Actor {
        let mut c = Cadre { name: "第一书记某".into(), role: Role::FirstSecretary, ..Cadre::default() };
        s.save_cadre(&mut c, Some(village_id)).unwrap();
        s.set_pin(&c.id, "2468", None).unwrap();
        s.sign_in(&c.id, "2468").unwrap();
        Actor { cadre_id: Some(c.id), name: c.name, role: Some(Role::FirstSecretary) }
    }

    fn setup() -> (Store, Village, Problem) {
        let mut s = Store::open_in_memory().unwrap();
        let v = village(&mut s);
        let h = household(&mut s, &v, "张三", "", "").unwrap();
        let mut p =
            Problem::new(&v.id, Some(h.id), "住房安全", "居住C级危房", NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        p.deadline = NaiveDate::from_ymd_opt(2026, 11, 30);
        s.save_problem(&mut p, &actor(Role::Cadre)).unwrap();
        (s, v, p)
    }

    #[test]
    fn a_problem_goes_from_found_to_struck_off_with_its_history() {
        let (mut s, v, p) = setup();
        let cadre = actor(Role::Cadre);
        s.change_status(&p.id, Status::InProgress, &cadre, "已联系住建局", today()).unwrap();
        s.add_progress(&p.id, "已拆除旧房", &cadre, today()).unwrap();
        s.change_status(&p.id, Status::Rectified, &cadre, "", today()).unwrap();
        let err = s.change_status(&p.id, Status::Closed, &cadre, "", today()).unwrap_err();
        assert!(err.to_string().contains("PIN"), "{err}");
        let secretary = signed_secretary(&mut s, &v.id);
        s.change_status(&p.id, Status::Closed, &secretary, "经核实已整改", today()).unwrap();
        let stored = s.problem(&p.id).unwrap().unwrap();
        assert_eq!(stored.status, Status::Closed);
        assert_eq!(stored.rectified, Some(today()));
        assert_eq!(stored.closed, Some(today()));
        assert!(stored.progress.ends_with("已拆除旧房"));
        let kinds: Vec<String> = s.problem_events(&p.id).unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["登记", "状态", "进展", "状态", "状态"]);
        let events = s.problem_events(&p.id).unwrap();
        assert_eq!((events[4].from, events[4].to), (Some(Status::Rectified), Some(Status::Closed)));
        assert_eq!(events[4].actor_name, "第一书记某");
        assert_eq!(s.problems(Some(&v.id)).unwrap()[0].head_name, "张三");
    }

    #[test]
    fn refused_changes_leave_the_problem_as_it_was() {
        let (mut s, v, p) = setup();
        let secretary = signed_secretary(&mut s, &v.id);
        assert!(s.change_status(&p.id, Status::Closed, &secretary, "", today()).is_err(), "not from 待整改");
        assert_eq!(s.problem(&p.id).unwrap().unwrap().status, Status::Open);
        assert_eq!(s.problem_events(&p.id).unwrap().len(), 1);
        let mut bad = s.problem(&p.id).unwrap().unwrap();
        bad.deadline = NaiveDate::from_ymd_opt(2026, 10, 1);
        assert!(matches!(s.save_problem(&mut bad, &secretary), Err(StoreError::Invalid(_))));
    }

    #[test]
    fn edits_and_bulk_changes_are_recorded() {
        let (mut s, v, p) = setup();
        let mut q = Problem::new(&v.id, None, "饮水安全", "三组水源季节性缺水", today());
        s.save_problem(&mut q, &actor(Role::FirstSecretary)).unwrap();
        let deadline = NaiveDate::from_ymd_opt(2026, 12, 31);
        let ids = [p.id.clone(), q.id.clone()];
        assert_eq!(s.bulk_update(&ids, Some("区住建局"), deadline, &actor(Role::FirstSecretary)).unwrap(), 2);
        assert_eq!(s.bulk_update(&ids, Some("区住建局"), deadline, &actor(Role::FirstSecretary)).unwrap(), 0);
        let events = s.problem_events(&p.id).unwrap();
        assert_eq!(events.len(), 2);
        assert!(events[1].note.contains("责任单位： → 区住建局"), "{}", events[1].note);
        assert!(events[1].note.contains("整改时限：2026-11-30 → 2026-12-31"), "{}", events[1].note);
        let rows = s.problems(None).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.problem.responsible_unit == "区住建局"));
        assert!(rows.iter().any(|r| r.problem.household_id.is_none() && r.head_name.is_empty()));
    }
}

mod dashboard {
    use super::ledger::signed_secretary;
    use super::*;
    use crate::model::ledger::{Actor, Problem};
    use crate::model::month::Month;
    use crate::model::visit::ReviewStatus;

    fn visit(s: &Store, household: &str, cadre: &str, date: &str) {
        s.db()
            .execute(
                "INSERT OR IGNORE INTO checklist_templates(id, code, version, name, body, content_hash, created_at, updated_at, origin)
                 VALUES ('t', 'monthly', '1', '月走访', '', 'h', '', '', 'o')",
                [],
            )
            .unwrap();
        s.db()
            .execute(
                "INSERT INTO visits(id, household_id, cadre_id, visit_date, kind, template_id, created_at, updated_at, origin)
                 VALUES (?1, ?2, ?3, ?4, '每月走访', 't', '', '', 'o')",
                rusqlite::params![crate::model::ids::new_id(), household, cadre, date],
            )
            .unwrap();
    }

    fn problem(
        s: &mut Store,
        v: &Village,
        household: Option<&str>,
        group: &str,
        found: &str,
        deadline: &str,
    ) -> String {
        let d = |x: &str| NaiveDate::parse_from_str(x, "%Y-%m-%d").unwrap();
        let mut p = Problem::new(&v.id, household.map(str::to_string), group, "问题", d(found));
        p.deadline = Some(d(deadline));
        s.save_problem(&mut p, &Actor::default()).unwrap();
        p.id
    }

    #[test]
    fn counts_match_a_hand_computed_village() {
        let mut s = Store::open_in_memory().unwrap();
        let v = village(&mut s);
        let a = household(&mut s, &v, "甲", "", "").unwrap();
        let b = household(&mut s, &v, "乙", "", "").unwrap();
        let c = household(&mut s, &v, "丙", "", "").unwrap();
        let mut x = Cadre { name: "干部X".into(), ..Cadre::default() };
        let mut y = Cadre { name: "干部Y".into(), ..Cadre::default() };
        s.save_cadre(&mut x, Some(&v.id)).unwrap();
        s.save_cadre(&mut y, Some(&v.id)).unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        s.assign(&[a.id.clone(), b.id.clone()], &x.id, start).unwrap();
        s.assign(std::slice::from_ref(&c.id), &y.id, start).unwrap();
        visit(&s, &a.id, &x.id, "2026-10-08");
        visit(&s, &a.id, &x.id, "2026-11-05");
        visit(&s, &c.id, &x.id, "2026-11-10");
        problem(&mut s, &v, Some(&a.id), "住房安全", "2026-11-02", "2026-11-10");
        let p2 = problem(&mut s, &v, Some(&b.id), "饮水安全", "2026-10-15", "2026-11-01");
        let p3 = problem(&mut s, &v, None, "基础设施", "2026-10-01", "2026-10-30");
        s.db()
            .execute("UPDATE problems SET status = '已整改', rectified_date = '2026-11-03' WHERE id = ?1", [&p2])
            .unwrap();
        s.db()
            .execute(
                "UPDATE problems SET status = '已销号', rectified_date = '2026-10-18', closed_date = '2026-10-20' WHERE id = ?1",
                [&p3],
            )
            .unwrap();

        let d = s.dashboard(Some(&v.id), Month::parse("2026-11").unwrap(), today()).unwrap();
        assert_eq!((d.assigned, d.visited), (3, 2));
        assert_eq!(d.not_visited.iter().map(|h| h.head_name.as_str()).collect::<Vec<_>>(), ["乙"]);
        let att: Vec<_> = d.cadres.iter().map(|c| (c.name.as_str(), c.households, c.visited)).collect();
        assert_eq!(att, [("干部X", 2, 1), ("干部Y", 1, 0)], "丙 was visited, but not by its own cadre");
        let g = |name: &str| d.groups.iter().find(|g| g.group == name).unwrap().clone();
        assert_eq!((g("住房安全").found, g("住房安全").open, g("住房安全").overdue), (1, 1, 1));
        assert_eq!(
            (g("饮水安全").found, g("饮水安全").rectified, g("饮水安全").open, g("饮水安全").overdue),
            (0, 1, 1, 0)
        );
        assert_eq!((g("基础设施").open, g("基础设施").rectified), (0, 0));
        assert_eq!((d.open(), d.overdue()), (2, 1));
        let oct = d.series.iter().find(|p| p.month.to_string() == "2026-10").unwrap();
        assert_eq!((oct.assigned, oct.visited, oct.open), (3, 1, 1));
        assert_eq!(d.series.len(), 12);
        assert_eq!(d.series.last().unwrap().open, 2);
        let aug = d.series.iter().find(|p| p.month.to_string() == "2026-08").unwrap();
        assert_eq!((aug.assigned, aug.visited), (3, 0), "every household counts, with a cadre or not");

        let rows = s.problems(Some(&v.id)).unwrap();
        let open_in_ledger = rows.iter().filter(|r| r.problem.status.is_open()).count();
        assert_eq!(open_in_ledger, d.open(), "the dashboard agrees with the ledger for the current month");
        assert_eq!(d.awaiting_review, 3);

        // Over two months: everything found and rectified in them, open as of the day asked.
        let day = |x: &str| NaiveDate::parse_from_str(x, "%Y-%m-%d").unwrap();
        let two = s.problem_group_counts(Some(&v.id), day("2026-10-01"), day("2026-11-30"), day("2026-10-31")).unwrap();
        let sum = |f: fn(&GroupCounts) -> usize| two.iter().map(f).sum::<usize>();
        assert_eq!((sum(|g| g.found), sum(|g| g.rectified)), (3, 2));
        assert_eq!((sum(|g| g.open), sum(|g| g.overdue)), (1, 0), "饮水安全 open on Oct 31, due Nov 1");
        let coverage = s.coverage(Some(&v.id), Month::parse("2026-10").unwrap()).unwrap();
        assert_eq!((coverage.assigned, coverage.visited()), (3, 1));

        // Several months read at once, each as when asked alone; 乙 moves to 干部Y mid-November.
        s.assign(std::slice::from_ref(&b.id), &y.id, day("2026-11-15")).unwrap();
        let months: Vec<Month> = ["2026-08", "2026-10", "2026-11"].map(|m| Month::parse(m).unwrap()).to_vec();
        let all = s.coverage_of_months(Some(&v.id), &months).unwrap();
        assert_eq!(all.len(), 3);
        for (m, c) in months.iter().zip(&all) {
            assert_eq!(c, &s.coverage(Some(&v.id), *m).unwrap(), "{m}");
        }
        let att = |c: &crate::store::Coverage| {
            c.cadres.iter().map(|a| (a.name.clone(), a.households, a.visited)).collect::<Vec<_>>()
        };
        let x_y = |x: (usize, usize), y: (usize, usize)| {
            vec![("干部X".to_string(), x.0, x.1), ("干部Y".to_string(), y.0, y.1)]
        };
        assert_eq!(att(&all[1]), x_y((2, 1), (1, 0)), "October: 甲 and 乙 are X's");
        assert_eq!(att(&all[2]), x_y((1, 1), (2, 0)), "November: 乙's latest assignment is Y's");
        assert_eq!(all[0].visited(), 0);
    }

    #[test]
    fn visits_between_bring_their_answers_and_review_comments() {
        let mut s = Store::open_in_memory().unwrap();
        let v = village(&mut s);
        let a = household(&mut s, &v, "甲", "A1", "").unwrap();
        let b = household(&mut s, &v, "乙", "A0", "").unwrap();
        let mut x = Cadre { name: "干部X".into(), ..Cadre::default() };
        s.save_cadre(&mut x, Some(&v.id)).unwrap();
        visit(&s, &a.id, &x.id, "2026-10-08");
        visit(&s, &a.id, &x.id, "2026-11-05");
        visit(&s, &b.id, &x.id, "2026-11-05");
        let day = |x: &str| NaiveDate::parse_from_str(x, "%Y-%m-%d").unwrap();
        let nov = |s: &Store| s.visits_between(Some(&v.id), day("2026-11-01"), day("2026-11-30")).unwrap();
        let id = nov(&s).into_iter().find(|e| e.visit.household_id == a.id).unwrap().visit.id;
        s.logged(|c| {
            c.execute_batch(&format!(
                "INSERT INTO visit_answers(visit_id, item_code, value, is_problem, note)
                 VALUES ('{id}', 'food', '否', 1, '缺口粮'), ('{id}', 'water', '是', 0, '')"
            ))
        })
        .unwrap();
        signed_secretary(&mut s, &v.id);
        s.review_visit(&id, true, "未拍照片").unwrap();

        let got = nov(&s);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].visit.household_id, b.id, "same day: by 户编号");
        let mine = &got[1];
        assert_eq!((mine.visit.id.as_str(), mine.review_comment.as_str()), (id.as_str(), "未拍照片"));
        let mut answers: Vec<(String, bool, String)> =
            mine.visit.answers.iter().map(|a| (a.item.clone(), a.is_problem, a.note.clone())).collect();
        answers.sort();
        assert_eq!(answers, [("food".into(), true, "缺口粮".into()), ("water".into(), false, String::new())]);
        let all = s.visits_between(None, day("2026-01-01"), day("2026-12-31")).unwrap();
        assert_eq!(
            all.iter().map(|e| e.visit.date.to_string()).collect::<Vec<_>>(),
            ["2026-10-08", "2026-11-05", "2026-11-05"]
        );
        assert!(s.visits_between(Some("another"), day("2026-01-01"), day("2026-12-31")).unwrap().is_empty());
        s.db().execute("UPDATE households SET deleted_at = '2026-11-20' WHERE id = ?1", [&b.id]).unwrap();
        assert_eq!(nov(&s).len(), 1, "a removed household's visits are left out");
    }

    #[test]
    fn review_is_for_the_first_secretary_and_final() {
        let mut s = Store::open_in_memory().unwrap();
        let v = village(&mut s);
        let a = household(&mut s, &v, "甲", "", "").unwrap();
        let mut x = Cadre { name: "干部X".into(), ..Cadre::default() };
        s.save_cadre(&mut x, Some(&v.id)).unwrap();
        visit(&s, &a.id, &x.id, "2026-11-05");
        let id = s.visits_for_review(Some(&v.id), Some(ReviewStatus::Pending)).unwrap()[0].visit_id.clone();
        let err = s.review_visit(&id, false, "").unwrap_err();
        assert!(err.to_string().contains("还没有第一书记设置 PIN"), "{err}");
        assert!(s.sign_in(&x.id, "1234").is_err(), "a 帮扶干部 signs nothing off");
        let secretary = signed_secretary(&mut s, &v.id);
        assert!(s.review_visit(&id, true, " ").is_err(), "returning needs a reason");
        s.sign_out();
        let err = s.review_visit(&id, true, "未拍照片").unwrap_err();
        assert!(err.to_string().contains("输入 PIN"), "{err}");
        let who = secretary.cadre_id.clone().unwrap();
        assert!(s.sign_in(&who, "0000").unwrap_err().to_string().contains("PIN 不对"));
        s.sign_in(&who, "2468").unwrap();
        s.review_visit(&id, true, "未拍照片").unwrap();
        let returned = s.visits_for_review(Some(&v.id), Some(ReviewStatus::Returned)).unwrap();
        assert_eq!((returned.len(), returned[0].comment.as_str()), (1, "未拍照片"));
        s.review_visit(&id, false, "").unwrap();
        let reviewer: Option<String> =
            s.db().query_row("SELECT reviewed_by FROM visits WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
        assert_eq!(reviewer, secretary.cadre_id, "recorded under the cadre who entered the PIN");
        assert!(s.review_visit(&id, true, "再退回").is_err(), "a reviewed visit stays reviewed");
        assert_eq!(s.visits_for_review(Some(&v.id), Some(ReviewStatus::Reviewed)).unwrap().len(), 1);
    }
}

mod proposals {
    use super::*;
    use crate::demo::{DemoOptions, generate};
    use crate::model::ledger::{Actor, Problem};
    use crate::model::month::{Month, all_time};

    #[test]
    fn the_village_comparison_counts_each_villages_waiting_proposals_as_the_village_does() {
        let mut s = Store::open_in_memory().unwrap();
        generate(&mut s, &DemoOptions { villages: 3, households: 20, months: 3, seed: 5, today: today() }).unwrap();
        let month = Month::of(today());
        let rows = s.village_comparison(month, today()).unwrap();
        assert_eq!(rows.len(), 3);
        for row in &rows {
            let own = s.pending(Some(&row.village_id), month.first_day(), month.last_day(), today()).unwrap();
            assert_eq!(row.pending, own.total, "{}", row.name);
        }
        let all = s.pending(None, month.first_day(), month.last_day(), today()).unwrap().total;
        assert!(all > 0, "the demo leaves proposals waiting");
        assert_eq!(rows.iter().map(|r| r.pending).sum::<usize>(), all);
    }

    #[test]
    fn proposals_become_problems_and_a_later_fine_visit_is_noticed() {
        let mut s = Store::open_in_memory().unwrap();
        generate(&mut s, &DemoOptions { villages: 1, households: 30, months: 3, seed: 3, today: today() }).unwrap();
        let pending: Vec<_> = s
            .problem_answers(None, all_time().0, all_time().1)
            .unwrap()
            .into_iter()
            .filter(|a| a.proposal.as_deref() == Some("待确认") && a.date < today())
            .collect();
        assert!(pending.len() >= 2, "the demo proposes problems");
        let (a, b) = (&pending[0], &pending[1]);
        let village = s.villages().unwrap().remove(0);
        let mut p = Problem::new(&village.id, Some(a.household_id.clone()), "饮水安全", "饮水不达标", a.date);
        p.visit_id = Some(a.visit_id.clone());
        p.item_code = Some(a.item.clone());
        s.confirm_proposal(&mut p, &Actor::default()).unwrap();
        s.dismiss_proposal(&b.visit_id, &b.item).unwrap();
        let state = |s: &Store, visit: &str, item: &str| {
            s.problem_answers(None, all_time().0, all_time().1)
                .unwrap()
                .into_iter()
                .find(|x| x.visit_id == visit && x.item == item)
                .and_then(|x| x.proposal)
        };
        assert_eq!(state(&s, &a.visit_id, &a.item).as_deref(), Some("已确认"));
        assert_eq!(state(&s, &b.visit_id, &b.item).as_deref(), Some("已忽略"));
        assert_eq!(s.problem(&p.id).unwrap().unwrap().visit_id.as_deref(), Some(a.visit_id.as_str()));
        assert!(!s.rechecked_fine(None).unwrap().contains_key(&p.id));

        let cadre: String =
            s.db().query_row("SELECT cadre_id FROM visits WHERE id = ?1", [&a.visit_id], |r| r.get(0)).unwrap();
        let template: String =
            s.db().query_row("SELECT template_id FROM visits WHERE id = ?1", [&a.visit_id], |r| r.get(0)).unwrap();
        s.logged(|c| {
            c.execute_batch(&format!(
                "INSERT INTO visits(id, household_id, cadre_id, visit_date, kind, template_id, created_at, updated_at, origin)
                      VALUES ('later', '{}', '{cadre}', '{}', '每月走访', '{template}', '', '', 'o');
                 INSERT INTO visit_answers(visit_id, item_code, value, is_problem) VALUES ('later', '{}', '是', 0);",
                a.household_id,
                today(),
                a.item
            ))
        })
        .unwrap();
        assert_eq!(s.rechecked_fine(None).unwrap().get(&p.id), Some(&today()));
    }

    #[test]
    fn a_later_visit_finding_an_open_problem_again_notes_it_instead_of_proposing_it_twice() {
        let mut s = Store::open_in_memory().unwrap();
        generate(&mut s, &DemoOptions { villages: 1, households: 30, months: 3, seed: 3, today: today() }).unwrap();
        let answers = s.problem_answers(None, all_time().0, all_time().1).unwrap();
        let a = answers.iter().find(|a| a.proposal.as_deref() == Some("待确认") && a.date < today()).unwrap().clone();
        let village = s.villages().unwrap().remove(0);
        let mut p = Problem::new(&village.id, Some(a.household_id.clone()), "收入", "收入偏低", a.date);
        p.visit_id = Some(a.visit_id.clone());
        p.item_code = Some(a.item.clone());
        s.confirm_proposal(&mut p, &Actor::default()).unwrap();
        let earlier = s.visit(&a.visit_id).unwrap().unwrap();

        // Two later visits find the same item a problem again: both are noted on the open problem.
        let mut later = earlier.clone();
        for day in [today(), today() + chrono::Days::new(1)] {
            later.id = String::new();
            later.date = day;
            later.answers.retain(|x| x.item == a.item);
            let rechecked = s.save_visit(&mut later, day).unwrap();
            assert_eq!(rechecked, vec![a.item.clone()]);
        }
        let events = s.problem_events(&p.id).unwrap();
        let rechecks: Vec<_> = events.iter().filter(|e| e.kind == "复查仍存在").collect();
        assert_eq!(rechecks.len(), 2, "{events:?}");
        assert!(rechecks[0].note.contains(&today().to_string()) && rechecks[0].note.contains(&a.value), "{events:?}");
        let pending = crate::checklist::pending_proposals(&s, &mut crate::checklist::Catalog::default(), None).unwrap();
        assert!(!pending.iter().any(|x| x.problem.household_id.as_deref() == Some(&a.household_id)
            && x.problem.item_code.as_deref() == Some(&a.item)
            && x.problem.found >= today()));
        // Saving the same visit again adds nothing more.
        s.save_visit(&mut later, today() + chrono::Days::new(1)).unwrap();
        assert_eq!(s.problem_events(&p.id).unwrap().len(), events.len());

        // Once struck off, the item is proposed anew.
        s.db().execute("UPDATE problems SET status = '已销号' WHERE id = ?1", [&p.id]).unwrap();
        later.id = String::new();
        assert!(s.save_visit(&mut later, today() + chrono::Days::new(1)).unwrap().is_empty());
    }

    #[test]
    fn a_proposal_made_before_the_problem_was_entered_shows_it_and_can_be_added_to_it() {
        let mut s = Store::open_in_memory().unwrap();
        generate(&mut s, &DemoOptions { villages: 1, households: 30, months: 3, seed: 3, today: today() }).unwrap();
        let mut catalog = crate::checklist::Catalog::default();
        let pending = crate::checklist::pending_proposals(&s, &mut catalog, None).unwrap();
        // Two proposals for the same household and item, from two visits.
        let (first, second) = pending
            .iter()
            .enumerate()
            .find_map(|(i, x)| {
                pending[i + 1..]
                    .iter()
                    .find(|y| {
                        y.problem.household_id == x.problem.household_id && y.problem.item_code == x.problem.item_code
                    })
                    .map(|y| (x.clone(), y.clone()))
            })
            .expect("the demo has a household proposing the same item twice");
        assert!(first.existing.is_none() && second.existing.is_none());
        let mut entered = second.problem.clone();
        s.confirm_proposal(&mut entered, &Actor::default()).unwrap();
        let pending = crate::checklist::pending_proposals(&s, &mut catalog, None).unwrap();
        let again = pending
            .iter()
            .find(|x| x.problem.visit_id == first.problem.visit_id && x.problem.item_code == first.problem.item_code)
            .unwrap();
        assert_eq!(again.existing.as_ref().map(|e| e.id.as_str()), Some(entered.id.as_str()));
        s.attach_proposal(&again.problem, &entered.id, &Actor::default()).unwrap();
        let events = s.problem_events(&entered.id).unwrap();
        assert!(events.iter().any(|e| e.kind == "复查仍存在"), "{events:?}");
        let pending = crate::checklist::pending_proposals(&s, &mut catalog, None).unwrap();
        assert!(!pending.iter().any(|x| x.problem.visit_id == first.problem.visit_id
            && x.problem.item_code == first.problem.item_code));
    }
}

/// Visit answers are logged per visit (schema 9): one entry for a visit's answers, naming what
/// changed item by item, checked together; a write that skips the log cannot commit.
mod answers_log {
    use super::*;
    use crate::demo::{DemoOptions, generate};
    use std::collections::HashMap;

    fn count(s: &Store, sql: &str) -> i64 {
        s.db().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn demo(dir: &std::path::Path) -> Store {
        let mut s = Store::open(&dir.join("a.db")).unwrap();
        generate(&mut s, &DemoOptions { villages: 1, households: 6, months: 2, seed: 9, today: today() }).unwrap();
        s
    }

    /// A visit not reviewed yet (one reviewed cannot be changed).
    fn first_visit(s: &Store) -> String {
        s.db()
            .query_row(
                "SELECT min(a.visit_id) FROM visit_answers a JOIN visits v ON v.id = a.visit_id
                  WHERE v.review_status = '待审核'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn one_entry_per_visit_with_the_items_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = demo(dir.path());
        let visits = count(&s, "SELECT count(DISTINCT visit_id) FROM visit_answers");
        assert!(visits > 5);
        // One entry as each visit was saved (the demo's confirmed proposals add one more).
        let logged =
            |s: &Store, what: &str| count(s, &format!("SELECT {what} FROM audit_log WHERE tbl = 'visit_answers'"));
        assert_eq!(logged(&s, "count(DISTINCT row_id)"), visits);
        assert_eq!(
            count(&s, "SELECT count(*) FROM audit_log WHERE tbl = 'visit_answers' AND action = 'insert'"),
            visits
        );
        let entries = logged(&s, "count(*)");
        assert!(s.check(today()).unwrap().is_empty());

        let id = first_visit(&s);
        let mut v = s.visit(&id).unwrap().unwrap();
        let before = v.answers.len();
        let a = v.answers.iter_mut().find(|a| a.value == "是").unwrap();
        a.value = "否".into();
        a.note = "新情况".into();
        let item = a.item.clone();
        v.answers.pop_if(|a| a.item != item);
        s.save_visit(&mut v, today()).unwrap();
        assert_eq!(logged(&s, "count(*)"), entries + 1);
        let history = s.history_of("visits", &id).unwrap();
        let newest = history.iter().find(|e| e.table == "visit_answers").unwrap();
        assert_eq!(newest.action, "update");
        assert_eq!(newest.row_id, id);
        assert!(newest.changes.contains(&(format!("{item}/value"), "是".into(), "否".into())), "{newest:?}");
        assert!(newest.changes.contains(&(format!("{item}/note"), String::new(), "新情况".into())), "{newest:?}");
        if s.visit(&id).unwrap().unwrap().answers.len() < before {
            assert!(newest.changes.iter().any(|(c, _, new)| !c.starts_with(&item) && new.is_empty()), "{newest:?}");
        }
        // The item is named by its question where one is given, by its code where none is.
        let questions = HashMap::from([(item.clone(), "家中有安全饮用水".to_string())]);
        let line = newest.line(&questions);
        assert!(line.contains("修改走访清单答案：家中有安全饮用水 ") && line.contains("“是” → “否”"), "{line}");
        assert!(!line.contains(&item), "{line}");
        assert!(newest.line(&HashMap::new()).contains(&format!("修改走访清单答案：{item} ")));
        let first = history.iter().rfind(|e| e.table == "visit_answers").unwrap();
        assert!(
            first.line(&questions).ends_with("新建走访清单答案 （这次走访的全部答案）"),
            "{}",
            first.line(&questions)
        );
        // Saving it again unchanged logs nothing.
        let mut same = s.visit(&id).unwrap().unwrap();
        s.save_visit(&mut same, today()).unwrap();
        assert_eq!(logged(&s, "count(*)"), entries + 1);
        assert!(s.check(today()).unwrap().is_empty());
    }

    #[test]
    fn answers_changed_or_removed_outside_the_app_fail_check() {
        let dir = tempfile::tempdir().unwrap();
        let s = demo(dir.path());
        let id = first_visit(&s);
        let outside = rusqlite::Connection::open(dir.path().join("a.db")).unwrap();
        outside
            .execute("UPDATE visit_answers SET note = '改过' WHERE visit_id = ?1 AND item_code = (SELECT min(item_code) FROM visit_answers WHERE visit_id = ?1)", [&id])
            .unwrap();
        let found = s.check(today()).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains(&id) && found[0].message.contains("在软件之外被改过"), "{found:?}");
        outside.execute("DELETE FROM visit_answers WHERE visit_id = ?1", [&id]).unwrap();
        let found = s.check(today()).unwrap();
        assert!(found.iter().any(|f| f.message.contains(&id) && f.message.contains("在软件之外被删除")), "{found:?}");
    }

    #[test]
    fn a_commit_leaving_answers_unlogged_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = demo(dir.path());
        let id = first_visit(&s);
        let entries = count(&s, "SELECT count(*) FROM audit_log");
        let value =
            |s: &Store| count(s, &format!("SELECT count(*) FROM visit_answers WHERE visit_id = '{id}' AND note = 'x'"));
        assert!(s.db().execute("UPDATE visit_answers SET note = 'x' WHERE visit_id = ?1", [&id]).is_err());
        assert_eq!(value(&s), 0, "the write was rolled back");
        assert_eq!(count(&s, "SELECT count(*) FROM audit_log"), entries);
        // Nothing left behind: the next logged transaction logs only its own.
        s.logged(|c| c.execute("UPDATE visit_answers SET note = 'x' WHERE visit_id = ?1", [&id])).unwrap();
        assert!(value(&s) > 0);
        assert_eq!(count(&s, "SELECT count(*) FROM audit_log"), entries + 1);
        assert!(s.check(today()).unwrap().is_empty());
    }

    #[test]
    fn answers_written_unlogged_leave_no_entry_and_the_triggers_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = demo(dir.path());
        let id = first_visit(&s);
        let entries = count(&s, "SELECT count(*) FROM audit_log");
        let set = |s: &Store, note: &str| {
            s.db().execute("UPDATE visit_answers SET note = ?2 WHERE visit_id = ?1", [&id, note])
        };
        assert!(s.with_answers_unlogged(|s| set(s, "merged")).unwrap().unwrap() > 0);
        assert_eq!(count(&s, "SELECT count(*) FROM audit_log"), entries, "no entry: a merge brings its own");
        let found = s.check(today()).unwrap();
        assert!(found.iter().any(|f| f.message.contains(&id)), "unlogged answers are what check finds: {found:?}");
        // Afterwards every write of answers is noted again, and an unlogged commit refused.
        assert!(set(&s, "x").is_err());
        assert_eq!(count(&s, &format!("SELECT count(*) FROM visit_answers WHERE visit_id = '{id}' AND note = 'x'")), 0);
    }

    #[test]
    fn a_schema_8_database_mixes_both_kinds_of_entries_and_checks_clean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        std::fs::copy(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-8.db"), &path)
            .unwrap();
        let s = Store::open(&path).unwrap();
        let old = count(&s, "SELECT count(*) FROM audit_log WHERE tbl = 'visit_answers' AND instr(row_id, '/') > 0");
        assert!(old > 0, "the fixture logged answers one by one");
        // Its visits are all reviewed: an answer changed in a transaction that logs as the app's do.
        let id: String = s.db().query_row("SELECT min(visit_id) FROM visit_answers", [], |r| r.get(0)).unwrap();
        s.logged(|c| {
            c.execute(
                "UPDATE visit_answers SET note = '升级后改'
                  WHERE visit_id = ?1 AND item_code = (SELECT min(item_code) FROM visit_answers WHERE visit_id = ?1)",
                [&id],
            )
        })
        .unwrap();
        assert_eq!(
            count(&s, &format!("SELECT count(*) FROM audit_log WHERE tbl = 'visit_answers' AND row_id = '{id}'")),
            1
        );
        assert!(s.check(today()).unwrap().is_empty(), "{:?}", s.check(today()).unwrap());
        // Old-style entries still catch an edit made outside the app, answer by answer.
        let other: String = s
            .db()
            .query_row("SELECT min(visit_id) FROM visit_answers WHERE visit_id <> ?1", [&id], |r| r.get(0))
            .unwrap();
        let outside = rusqlite::Connection::open(&path).unwrap();
        outside.execute("UPDATE visit_answers SET note = '外改' WHERE visit_id = ?1", [&other]).unwrap();
        outside.execute("UPDATE visit_answers SET note = '外改' WHERE visit_id = ?1", [&id]).unwrap();
        let found = s.check(today()).unwrap();
        assert!(found.iter().any(|f| f.message.contains(&format!("{other}/"))), "{found:?}");
        assert!(found.iter().any(|f| f.message.contains(&format!("（{id}）"))), "{found:?}");
    }
}
