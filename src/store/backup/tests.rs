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
    assert!(shared_photos(&db).is_file(), "the photo file is backed up in the backup folder");
    assert_eq!(backups(&db).len(), 1, "the photo backup is not listed as a backup of its own");

    s.delete_attachment(&id).unwrap();
    let conn = rusqlite::Connection::open(super::super::photo_path(&db)).unwrap();
    conn.execute("DELETE FROM blobs", []).unwrap();
    drop(conn);
    assert!(s.attachments_of(&visit).unwrap().is_empty());
    s.restore(&made).unwrap();
    assert_eq!(s.attachments_of(&visit).unwrap().len(), 1);
    assert_eq!(s.picture(&photo.sha256).unwrap().unwrap(), photo.full, "the picture restored");
}

/// A store with `n` photos on its first visit, each a different picture of some 100 KB.
fn with_photos(dir: &Path, n: u32) -> (PathBuf, Store, String, Vec<crate::photo::Prepared>) {
    let (db, mut s) = demo_db(dir, 3);
    let visit: String = s.db().query_row("SELECT id FROM visits LIMIT 1", [], |r| r.get(0)).unwrap();
    let pictures: Vec<_> = (0..n).map(noisy_photo).collect();
    for (i, p) in pictures.iter().enumerate() {
        s.add_photo(&visit, &format!("{i}.jpg"), p).unwrap();
    }
    (db, s, visit, pictures)
}

/// A picture that does not compress away (noise), different for each `seed`.
fn noisy_photo(seed: u32) -> crate::photo::Prepared {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = image::RgbImage::from_fn(640, 480, |_, _| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    crate::photo::prepare(&bytes).unwrap()
}

/// Bytes of every photo file in the backup folder of `db`.
fn photo_bytes_in_backups(db: &Path) -> u64 {
    std::fs::read_dir(backup_dir(db))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().contains(".photos."))
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

#[test]
fn backups_in_a_row_share_one_photo_backup_that_gains_only_new_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut s, visit, pictures) = with_photos(dir.path(), 6);
    s.db().execute_batch("PRAGMA photos.wal_checkpoint(TRUNCATE)").unwrap();
    let photo_file = std::fs::metadata(super::super::photo_path(&db)).unwrap().len();
    assert!(photo_file > 300_000, "the test's photos weigh something: {photo_file}");
    let first = s.backup().unwrap();
    let once = photo_bytes_in_backups(&db);
    let second = s.backup_before(Reason::Merge).unwrap().unwrap();
    rotating_backup(&db, KEEP_BACKUPS).unwrap();
    let thrice = photo_bytes_in_backups(&db);
    assert!(once >= photo_file * 9 / 10, "the first backup holds the photos: {once} of {photo_file}");
    assert!(thrice < once + once / 10, "three backups, photos backed up once: {once} then {thrice} bytes");

    // A new picture: the next backup adds it, and only it.
    let late = noisy_photo(99);
    s.add_photo(&visit, "late.jpg", &late).unwrap();
    let third = s.backup().unwrap();
    let grown = photo_bytes_in_backups(&db);
    assert!(grown > thrice && grown < thrice + 3 * late.full.len() as u64, "{thrice} → {grown}");

    // Every backup, older or newer, restores with its pictures, from the same photo backup.
    let conn = rusqlite::Connection::open(super::super::photo_path(&db)).unwrap();
    conn.execute("DELETE FROM blobs", []).unwrap();
    drop(conn);
    for backup in [&first, &second, &third] {
        s.restore(backup).unwrap();
        for p in &pictures {
            assert_eq!(s.picture(&p.sha256).unwrap().as_ref(), Some(&p.full), "{}", backup.display());
        }
    }
    assert_eq!(s.picture(&late.sha256).unwrap().as_ref(), Some(&late.full));
    assert!(s.check(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()).unwrap().is_empty());
}

#[test]
fn a_backup_with_its_own_photo_file_from_an_earlier_build_still_restores_its_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut s, visit, pictures) = with_photos(dir.path(), 2);
    let made = s.backup().unwrap();
    // As an earlier build left it: the photo file beside the backup, no shared one.
    std::fs::rename(shared_photos(&db), super::super::photo_path(&made)).unwrap();
    let conn = rusqlite::Connection::open(super::super::photo_path(&db)).unwrap();
    conn.execute("DELETE FROM blobs", []).unwrap();
    drop(conn);
    s.restore(&made).unwrap();
    assert_eq!(s.attachments_of(&visit).unwrap().len(), 2);
    assert_eq!(s.picture(&pictures[1].sha256).unwrap().unwrap(), pictures[1].full);
    // A copy elsewhere (`backup --out`) gets a photo file of its own, brought up to date.
    let out = dir.path().join("carried.db");
    copy_database(&db, &out).unwrap();
    let late = noisy_photo(7);
    s.add_photo(&visit, "late.jpg", &late).unwrap();
    std::fs::remove_file(&out).unwrap();
    copy_database(&db, &out).unwrap();
    drop(s);
    let carried = Store::open(&out).unwrap();
    assert_eq!(carried.picture(&late.sha256).unwrap().unwrap(), late.full, "the carried copy's photos follow");
}
