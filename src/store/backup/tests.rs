use super::*;

fn demo_db(dir: &Path, households: usize) -> (PathBuf, Store) {
    let db = dir.join("村.db");
    let mut s = Store::open(&db).unwrap();
    crate::demo::generate(
        &mut s,
        &crate::demo::DemoOptions {
            villages: 1,
            households,
            months: 1,
            seed: 2,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        },
    )
    .unwrap();
    (db, s)
}

fn fake(db: &Path, stamp: &str, reason: &str, from: &Path) {
    let dir = backup_dir(db);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(from, dir.join(format!("村-{stamp}-{reason}.db"))).unwrap();
}

#[test]
fn backups_are_complete_copies_that_say_what_they_were_made_before() {
    let dir = tempfile::tempdir().unwrap();
    let (db, s) = demo_db(dir.path(), 30);
    assert!(backup_due(&db, Duration::from_secs(3600)));
    let copy = s.backup_before(Reason::Merge).unwrap().unwrap();
    assert!(backup_due(&db, Duration::from_secs(3600)), "a merge's backup is not the day's");
    rotating_backup(&db, KEEP_BACKUPS).unwrap();
    assert!(!backup_due(&db, Duration::from_secs(3600)));
    let listed: Vec<_> = backups(&db).into_iter().filter(|b| b.reason == Reason::Merge).collect();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].size > 0 && listed[0].path == copy);
    assert!(
        !std::fs::read_dir(backup_dir(&db)).unwrap().any(|e| e.unwrap().path().to_string_lossy().contains("partial"))
    );
    drop(s);
    let restored = Store::open(&copy).unwrap();
    assert_eq!(restored.summary().unwrap().households, 30);
}

#[test]
fn seven_daily_four_weekly_and_the_newest_ten_of_the_others_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (db, s) = demo_db(dir.path(), 3);
    let one = s.backup().unwrap();
    // Two a day for 60 days back from 2026-11-30, and 15 merges.
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    for back in 0..60 {
        let day = start - chrono::TimeDelta::days(back);
        for time in ["080000", "200000"] {
            fake(&db, &format!("{}-{time}", day.format("%Y%m%d")), "daily", &one);
        }
    }
    for n in 0..15 {
        fake(&db, &format!("202611{:02}-120000", n + 1), "merge", &one);
    }
    prune(&db, KEEP_BACKUPS);
    let left = backups(&db);
    let daily: Vec<_> = left.iter().filter(|b| b.reason == Reason::Daily).collect();
    let others = left.iter().filter(|b| b.reason != Reason::Daily).count();
    assert_eq!(others, KEEP_BACKUPS, "the manual one and the newest nine merges");
    assert_eq!(daily.len(), KEEP_DAILY + KEEP_WEEKLY, "{daily:#?}");
    assert!(daily[..7].iter().all(|b| b.made.time().format("%H").to_string() == "20"), "the newest of each day");
    assert_eq!(daily[0].made.date(), start);
    let oldest = daily.last().unwrap().made.date();
    assert!(start - oldest > chrono::TimeDelta::days(20) && start - oldest < chrono::TimeDelta::days(42), "{oldest}");
}

#[test]
fn restoring_a_backup_brings_the_data_back_after_backing_up_the_present() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut s) = demo_db(dir.path(), 10);
    let before = s.backup_before(Reason::Merge).unwrap().unwrap();
    crate::demo::generate(
        &mut s,
        &crate::demo::DemoOptions {
            villages: 1,
            households: 5,
            months: 1,
            seed: 3,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        },
    )
    .unwrap();
    assert_eq!(s.summary().unwrap().households, 15);
    let device = s.device_id().to_string();
    let undo = s.restore(&before).unwrap().unwrap();
    assert_eq!(s.summary().unwrap().households, 10);
    assert_eq!(s.device_id(), device, "the same file keeps its identity");
    assert!(s.check(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).unwrap().is_empty());
    assert_eq!(backups(&db)[0].reason, Reason::Restore);
    s.restore(&undo).unwrap();
    assert_eq!(s.summary().unwrap().households, 15);

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just some text").unwrap();
    assert!(matches!(s.restore(&junk), Err(StoreError::NotBackup(_))));
    assert_eq!(s.summary().unwrap().households, 15);
}

#[test]
fn a_background_job_restores_while_the_window_keeps_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut s) = demo_db(dir.path(), 6);
    let before = s.backup_before(Reason::Roster).unwrap().unwrap();
    crate::demo::generate(
        &mut s,
        &crate::demo::DemoOptions {
            villages: 1,
            households: 4,
            months: 1,
            seed: 8,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        },
    )
    .unwrap();
    let seen = s.revision();
    let job = std::thread::scope(|scope| {
        let mut worker = s.worker().unwrap();
        scope.spawn(move || worker.restore(&before).map(|_| ())).join().unwrap()
    });
    job.unwrap();
    assert_ne!(s.revision(), seen, "the window sees the data moved");
    assert_eq!(s.summary().unwrap().households, 6);
}

#[test]
fn backups_carry_the_photo_file_and_restoring_brings_the_photos_back() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut s) = demo_db(dir.path(), 3);
    let visit: String = s.db().query_row("SELECT id FROM visits LIMIT 1", [], |r| r.get(0)).unwrap();
    let photo = crate::photo::prepare(&crate::photo::tests::jpeg_of(300, 200, None)).unwrap();
    let crate::store::Added::Stored(id) = s.add_photo(&visit, "a.jpg", &photo).unwrap() else { panic!() };
    let made = s.backup().unwrap();
    assert!(super::super::photo_path(&made).is_file(), "the photo file is backed up beside the copy");
    assert_eq!(backups(&db).len(), 1, "the photo copy is not listed as a backup of its own");

    s.delete_attachment(&id).unwrap();
    let conn = rusqlite::Connection::open(super::super::photo_path(&db)).unwrap();
    conn.execute("DELETE FROM blobs", []).unwrap();
    drop(conn);
    assert!(s.attachments_of(&visit).unwrap().is_empty());
    s.restore(&made).unwrap();
    assert_eq!(s.attachments_of(&visit).unwrap().len(), 1);
    assert_eq!(s.picture(&photo.sha256).unwrap().unwrap(), photo.full, "the picture restored");
}
