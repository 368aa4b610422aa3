//! One database file, one writer whatever its name; a copied database is a new laptop whose
//! edits meet the original's as conflicts, never as a silent loss.

use crate::support::{failed, today, zoufang};
use std::path::Path;
use zoufang::exchange::merge::{self, Settlement};
use zoufang::exchange::package;
use zoufang::progress::Progress;
use zoufang::store::{Store, StoreError};

fn demo(db: &Path) {
    let mut s = Store::open(db).unwrap();
    let options = zoufang::demo::DemoOptions { villages: 1, households: 12, months: 1, seed: 5, today: today() };
    zoufang::demo::generate(&mut s, &options).unwrap();
}

/// Changes the phone of the household with the smallest 户编号 through the app's own save.
fn set_phone(store: &mut Store, phone: &str) {
    let row = store.household_rows(None).unwrap().into_iter().min_by(|a, b| a.code.cmp(&b.code)).unwrap();
    let (mut h, mut members) = store.household(&row.id).unwrap().unwrap();
    h.phone = phone.to_string();
    store.save_household(&mut h, &mut members, None, today()).unwrap();
}

fn pack(store: &Store, out: &Path) {
    let village = package::village_to_pack(store, None).unwrap();
    package::pack(store, &village.id, out, &Progress::none()).unwrap();
}

#[test]
fn a_second_zoufang_is_refused_through_another_name_a_symlink_or_a_hard_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    demo(&db);
    let _first = Store::open(&db).unwrap();
    let hard = dir.path().join("另一个名字.db");
    std::fs::hard_link(&db, &hard).unwrap();
    let names = [hard.clone(), dir.path().join(".").join("村.db")];
    // A symbolic link too, where making one needs no special rights.
    #[cfg(unix)]
    let names = {
        let soft = dir.path().join("链接.db");
        std::os::unix::fs::symlink(&db, &soft).unwrap();
        [names.to_vec(), vec![soft]].concat()
    };
    for name in &names {
        match Store::open(name) {
            Err(StoreError::Locked(p)) => assert_eq!(&p, name),
            Err(e) => panic!("{}: {e}", name.display()),
            Ok(_) => panic!("{} opened twice", name.display()),
        }
        let said = failed(zoufang(name, &["status"]));
        assert!(said.contains("正被另一个走访程序使用") && said.contains(&*name.to_string_lossy()), "{said}");
    }
}

#[test]
fn background_jobs_of_the_same_program_share_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    demo(&db);
    let mut main = Store::open(&db).unwrap();
    let mut worker = main.worker().unwrap();
    set_phone(&mut worker, "13900000009");
    set_phone(&mut main, "13900000008");
    assert_eq!(worker.device_id(), main.device_id());
    drop(main);
    // The worker still holds the lock while its job runs.
    assert!(matches!(Store::open(&db), Err(StoreError::Locked(_))));
    drop(worker);
    Store::open(&db).unwrap();
}

#[test]
fn a_copied_database_becomes_a_new_laptop_and_both_edits_come_back_as_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let a_path = dir.path().join("a").join("村.db");
    demo(&a_path);
    let b_path = dir.path().join("b").join("村.db");
    std::fs::create_dir_all(b_path.parent().unwrap()).unwrap();
    std::fs::copy(&a_path, &b_path).unwrap();

    let mut a = Store::open(&a_path).unwrap();
    let b = Store::open(&b_path).unwrap();
    assert_ne!(a.device_id(), b.device_id(), "the copy took its own identity");
    drop(b);
    // Reopening keeps the identity each file took.
    let b_device = Store::open(&b_path).unwrap().device_id().to_string();
    let mut b = Store::open(&b_path).unwrap();
    assert_eq!(b.device_id(), b_device);
    assert_eq!(b.summary().unwrap().households, 12, "the copy keeps what it knew");

    set_phone(&mut a, "13900000001");
    set_phone(&mut b, "13900000002");
    let (pa, pb) = (dir.path().join("a.zfp"), dir.path().join("b.zfp"));
    pack(&a, &pa);
    pack(&b, &pb);

    for (store, package) in [(&mut b, &pa), (&mut a, &pb)] {
        let report = merge::preview(store, std::slice::from_ref(package), &Settlement::newest()).unwrap();
        let conflicts: Vec<_> = report.files.iter().flat_map(|f| &f.conflicts).collect();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert!(conflicts[0].fields.iter().any(|f| f.column == "phone"), "{conflicts:?}");
    }
}
