//! Encryption at rest: round trip, wrong password, change, removal, recovery code, backups and
//! the photo file, and conversions killed between their steps.

use super::convert::{self, Direction};
use super::*;
use crate::model::coded::Relation;
use crate::model::id_number::check_char;
use crate::model::register::{Household, Member, Village};
use crate::progress::Progress;
use crate::store::Store;

const NAME: &str = "杨秀英";
const PASSWORD: &str = "村里的密码2026";

fn id_number() -> String {
    let body = "61020219650312402";
    format!("{body}{}", check_char(body))
}

/// A database with one household whose head is [`NAME`] with [`id_number`], closed.
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("zoufang.db");
    let mut store = Store::open(&db).unwrap();
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &["一组".into()]).unwrap();
    let mut h = Household { village_id: v.id.clone(), code: "001".into(), ..Household::default() };
    let mut members =
        vec![Member { name: NAME.into(), id_number: id_number(), relation: Relation::Head, ..Member::default() }];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    store.save_household(&mut h, &mut members, None, today).unwrap();
    store.backup().unwrap();
    db
}

fn heads(store: &Store) -> Vec<String> {
    store.household_rows(None).unwrap().into_iter().map(|r| r.head_name).collect()
}

/// Whether `bytes` contain `needle`.
fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Nothing readable: no SQLite header, no name, no ID number.
fn assert_sealed(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(!contains(&bytes, b"SQLite format 3"), "{} has an SQLite header", path.display());
    assert!(!contains(&bytes, NAME.as_bytes()), "{} shows the name", path.display());
    assert!(!contains(&bytes, id_number().as_bytes()), "{} shows the ID number", path.display());
}

#[test]
fn a_password_encrypts_the_database_and_its_backups_and_opens_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let plain_backup = crate::store::backup::list_backups(&db).pop().unwrap();
    assert!(contains(&std::fs::read(&plain_backup).unwrap(), NAME.as_bytes()), "the test sees a plain name");

    let code = convert::set_password(&db, PASSWORD, &Progress::none()).unwrap();
    assert!(is_encrypted(&db));
    assert_sealed(&db);
    assert_sealed(&plain_backup);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [db.clone(), keyfile::path_of(&db), plain_backup.clone()] {
            assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600, "{}", f.display());
        }
    }
    // Without a key: refused, and SQLite itself cannot read it.
    assert!(matches!(Store::open(&db), Err(StoreError::PasswordNeeded(_))));
    let raw = rusqlite::Connection::open(&db).unwrap();
    assert!(raw.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
    drop(raw);
    let before = std::fs::read(&db).unwrap();
    assert!(matches!(unlock(&db, "wrong password"), Err(StoreError::WrongPassword(_))));
    assert_eq!(std::fs::read(&db).unwrap(), before, "a wrong password changes nothing");

    {
        let mut store = unlock(&db, PASSWORD).unwrap();
        assert_eq!(heads(&store), [NAME]);
        // A worker and a backup reuse the key; the backup opens with it.
        assert_eq!(heads(&store.worker().unwrap()), [NAME]);
        let copy = store.backup().unwrap();
        assert_sealed(&copy);
        crate::store::backup::check_backup_keyed(&copy, store.key()).unwrap();
        store.restore(&copy).unwrap();
        assert_eq!(heads(&store), [NAME]);
        // A backup made before the password was set is restored too (converted on the way).
        let old_plain = dir.path().join("old-plain.db");
        convert::export(&copy, store.key(), &old_plain, None).unwrap();
        store.restore(&old_plain).unwrap();
        assert_eq!(heads(&store), [NAME]);
    }
    // The recovery code opens it too, typed any way.
    let typed = code.display().to_lowercase().replace('-', " ");
    assert_eq!(heads(&unlock(&db, &typed).unwrap()), [NAME]);
}

#[test]
fn changing_the_password_keeps_backups_and_the_recovery_code_working() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let code = convert::set_password(&db, PASSWORD, &Progress::none()).unwrap();
    let before = std::fs::read(&db).unwrap();
    assert!(matches!(convert::change_password(&db, "not it", "新密码新密码"), Err(StoreError::WrongPassword(_))));
    assert!(matches!(convert::change_password(&db, PASSWORD, "短"), Err(StoreError::Refused(_))));
    convert::change_password(&db, PASSWORD, "新密码新密码").unwrap();
    assert_eq!(std::fs::read(&db).unwrap(), before, "a change rewraps the key, the file is as it was");
    assert!(matches!(unlock(&db, PASSWORD), Err(StoreError::WrongPassword(_))));
    assert_eq!(heads(&unlock(&db, "新密码新密码").unwrap()), [NAME]);
    assert_eq!(heads(&unlock(&db, &code.display()).unwrap()), [NAME]);
    // The key file's copy among the backups follows: a lost key file is put back from it.
    std::fs::remove_file(keyfile::path_of(&db)).unwrap();
    assert_eq!(heads(&unlock(&db, "新密码新密码").unwrap()), [NAME]);
    assert!(keyfile::path_of(&db).is_file());
    // Both gone: said plainly, nothing opened.
    std::fs::remove_file(keyfile::path_of(&db)).unwrap();
    std::fs::remove_file(keyfile::backup_copy_of(&db)).unwrap();
    assert!(matches!(keyfile::unlock(&db, "新密码新密码"), Err(StoreError::KeyFileMissing(_))));
    let bytes = std::fs::read(&db).unwrap();
    assert!(matches!(Store::open(&db), Err(StoreError::SealedWithoutKey(_))));
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "untouched");
}

#[test]
fn removing_the_password_decrypts_the_database_and_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    convert::set_password(&db, PASSWORD, &Progress::none()).unwrap();
    assert!(matches!(convert::remove_password(&db, "nope", &Progress::none()), Err(StoreError::WrongPassword(_))));
    assert!(is_encrypted(&db));
    convert::remove_password(&db, PASSWORD, &Progress::none()).unwrap();
    assert!(!is_encrypted(&db));
    assert_eq!(file_kind(&db).unwrap(), FileKind::Plain);
    assert!(!keyfile::path_of(&db).exists() && !keyfile::backup_copy_of(&db).exists());
    for b in crate::store::backup::list_backups(&db) {
        assert_eq!(file_kind(&b).unwrap(), FileKind::Plain, "{}", b.display());
    }
    assert_eq!(heads(&Store::open(&db).unwrap()), [NAME]);
}

#[test]
fn the_photo_file_is_encrypted_with_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let photos = photo_path(&db);
    assert_eq!(photos.file_name().unwrap(), "zoufang.photos.db");
    let conn = rusqlite::Connection::open(&photos).unwrap();
    conn.execute_batch(&format!("CREATE TABLE photo(name); INSERT INTO photo VALUES ('{NAME}');")).unwrap();
    drop(conn);
    convert::set_password(&db, PASSWORD, &Progress::none()).unwrap();
    assert_sealed(&photos);
    // The store attaches its photo file itself, with the database's key.
    let store = unlock(&db, PASSWORD).unwrap();
    let name: String = store.db().query_row("SELECT name FROM photos.photo", [], |r| r.get(0)).unwrap();
    assert_eq!(name, NAME);
}

#[test]
fn a_conversion_killed_before_its_journal_leaves_the_database_plain() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let key = Key::random().unwrap();
    convert::prepare(&db, Direction::Encrypt, &key, &Progress::none()).unwrap();
    assert!(convert::converting(&db).is_file(), "the encrypted copy is complete beside it");
    // Killed here: the next open forgets the copy; the database is as it was.
    let store = Store::open(&db).unwrap();
    assert_eq!(heads(&store), [NAME]);
    assert!(!convert::converting(&db).exists());
    assert_eq!(file_kind(&db).unwrap(), FileKind::Plain);
}

#[test]
fn a_conversion_killed_after_its_journal_is_finished_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let photos = photo_path(&db);
    rusqlite::Connection::open(&photos).unwrap().execute_batch("CREATE TABLE photo(x);").unwrap();
    let key = Key::random().unwrap();
    let code = RecoveryCode::random().unwrap();
    convert::prepare(&db, Direction::Encrypt, &key, &Progress::none()).unwrap();
    keyfile::KeyFile::seal(&key, PASSWORD, &code).unwrap().write(&convert::converting(&keyfile::path_of(&db))).unwrap();
    crate::store::crypt::keyfile::write_atomically(&convert::journal(&db), b"encrypt\n").unwrap();
    // Killed after the photo file was renamed, before the database was.
    std::fs::rename(convert::converting(&photos), &photos).unwrap();
    assert_eq!(file_kind(&db).unwrap(), FileKind::Plain);
    // The next open (with the password) finishes: both files encrypted, no leftovers.
    let store = unlock(&db, PASSWORD).unwrap();
    assert_eq!(heads(&store), [NAME]);
    assert_eq!(file_kind(&db).unwrap(), FileKind::Sealed);
    assert_eq!(file_kind(&photos).unwrap(), FileKind::Sealed);
    assert!(!convert::journal(&db).exists() && !convert::converting(&db).exists());
}

#[test]
fn a_cancelled_conversion_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let progress = Progress::none();
    progress.cancel();
    assert!(matches!(
        convert::prepare(&db, Direction::Encrypt, &Key::random().unwrap(), &progress),
        Err(StoreError::Cancelled)
    ));
    assert!(!convert::converting(&db).exists());
    assert_eq!(heads(&Store::open(&db).unwrap()), [NAME]);
}

#[test]
fn the_photo_backup_is_encrypted_with_the_database_and_follows_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let shared = crate::store::backup::shared_photos(&db);
    let picture = |seed: u32| crate::photo::prepare(&crate::photo::tests::jpeg_of(64 + seed, 48, None)).unwrap();
    let (before, after) = (picture(0), picture(8));
    {
        let mut store = Store::open(&db).unwrap();
        store.stage_photo(&before).unwrap();
        store.backup().unwrap();
    }
    assert_eq!(file_kind(&shared).unwrap(), FileKind::Plain);
    convert::set_password(&db, PASSWORD, &Progress::none()).unwrap();
    assert_eq!(file_kind(&shared).unwrap(), FileKind::Sealed, "converted with the backups");
    let made = {
        let mut store = unlock(&db, PASSWORD).unwrap();
        store.stage_photo(&after).unwrap();
        let made = store.backup().unwrap();
        assert_eq!(file_kind(&shared).unwrap(), FileKind::Sealed, "pictures added encrypted");
        store.db().execute("DELETE FROM photos.blobs", []).unwrap();
        store.restore(&made).unwrap();
        for p in [&before, &after] {
            assert_eq!(store.picture(&p.sha256).unwrap().as_ref(), Some(&p.full), "restored from the photo backup");
        }
        made
    };
    let raw = rusqlite::Connection::open(&shared).unwrap();
    assert!(
        raw.query_row("SELECT count(*) FROM blobs", [], |r| r.get::<_, i64>(0)).is_err(),
        "unreadable without the key"
    );
    drop(raw);
    convert::remove_password(&db, PASSWORD, &Progress::none()).unwrap();
    assert_eq!(file_kind(&shared).unwrap(), FileKind::Plain);
    assert_eq!(file_kind(&made).unwrap(), FileKind::Plain);
}
