//! Photos stored once per content hash, beside the database; signatures and the answer lock.

use super::*;
use crate::demo::{DemoOptions, generate};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// A store at `path` with a small demo village; returns it and one visit id.
fn store_with_visit(path: &Path) -> (Store, String) {
    let mut store = Store::open(path).unwrap();
    let opts = DemoOptions { villages: 1, households: 3, months: 1, seed: 7, today: today() };
    generate(&mut store, &opts).unwrap();
    let visit: String = store
        .db()
        .query_row("SELECT id FROM visits WHERE review_status <> '已审核' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    (store, visit)
}

fn photo(w: u32, h: u32) -> Prepared {
    crate::photo::prepare(&crate::photo::tests::jpeg_of(w, h, None)).unwrap()
}

#[test]
fn the_photo_file_sits_beside_the_database() {
    assert_eq!(photo_path(Path::new("/d/杨家沟村.db")), Path::new("/d/杨家沟村.photos.db"));
    assert_eq!(photo_path(Path::new("zoufang.sqlite")), Path::new("zoufang.photos.sqlite"));
    assert_eq!(photo_path(Path::new("data")), Path::new("data.photos"));
}

#[test]
fn a_photo_is_stored_once_in_the_photo_file_and_the_screens_rows_stay_small() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    let (mut store, visit) = store_with_visit(&db);
    let p = photo(2000, 1000);
    let Added::Stored(id) = store.add_photo(&visit, "a.jpg", &p).unwrap() else { panic!("stored") };
    assert_eq!(store.add_photo(&visit, "copy of a.jpg", &p).unwrap(), Added::Duplicate);
    let rows = store.attachments_of(&visit).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].width, rows[0].height, rows[0].kind), (1600, 800, AttachmentKind::Photo));
    assert_eq!(store.picture(&p.sha256).unwrap().unwrap(), p.full);
    assert_eq!(store.thumbnail(&p.sha256).unwrap().unwrap(), p.thumb);
    let in_main: i64 =
        store.db().query_row("SELECT coalesce(sum(length(bytes)), 0) FROM main.attachments", [], |r| r.get(0)).unwrap();
    assert_eq!(in_main, 0, "no picture bytes in the main database");
    drop(store);
    assert!(photo_path(&db).is_file());
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.picture(&p.sha256).unwrap().unwrap(), p.full, "reopened");
    store.delete_attachment(&id).unwrap();
    assert!(store.attachments_of(&visit).unwrap().is_empty());
    store.undelete_attachment(&id).unwrap();
    assert_eq!(store.attachments_of(&visit).unwrap().len(), 1, "undone");
    store.delete_attachment(&id).unwrap();
    assert_eq!(store.add_photo(&visit, "a.jpg", &p).unwrap(), Added::Stored(id), "a deleted copy comes back");
}

#[test]
fn a_photo_for_a_missing_visit_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = store_with_visit(&dir.path().join("村.db"));
    let p = photo(100, 100);
    assert!(matches!(store.add_photo("no-such-visit", "a.jpg", &p), Err(StoreError::Missing(_))));
    assert!(store.thumbnail(&p.sha256).unwrap().is_none(), "rolled back in both files");
}

#[test]
fn signatures_say_what_is_missing_and_lock_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, visit) = store_with_visit(&dir.path().join("村.db"));
    let strokes = Strokes { strokes: vec![vec![[0.1, 0.1], [0.9, 0.9]]] };
    assert_eq!(store.signatures(&visit).unwrap(), Signatures::None);
    assert!(store.sign(&visit, AttachmentKind::Cadre, "", &Strokes::default()).is_err(), "blank refused");
    store.sign(&visit, AttachmentKind::Cadre, "", &strokes).unwrap();
    assert_eq!(store.signatures(&visit).unwrap(), Signatures::MissingHousehold);
    store.sign(&visit, AttachmentKind::Household, "户主", &strokes).unwrap();
    store.sign(&visit, AttachmentKind::Household, "李四", &strokes).unwrap();
    assert_eq!(store.signatures(&visit).unwrap(), Signatures::Both);
    let (signer, back) = store.signature_strokes(&visit, AttachmentKind::Household).unwrap().unwrap();
    assert_eq!((signer.as_str(), back), ("李四", strokes.clone()));
    assert_eq!(store.attachments_of(&visit).unwrap().len(), 2, "the earlier household signature replaced");

    let mut v = store.visit(&visit).unwrap().unwrap();
    let same = v.clone();
    store.save_visit(&mut same.clone(), today()).map_err(|e| e.to_string()).unwrap();
    v.answers[0].value = if v.answers[0].value == "是" { "否".into() } else { "是".into() };
    let refused = store.save_visit(&mut v.clone(), today()).unwrap_err();
    assert!(refused.to_string().contains("签字"), "{refused}");
    assert_eq!(store.visit(&visit).unwrap().unwrap().answers, same.answers, "unchanged");
    assert_eq!(store.clear_signatures(&visit).unwrap(), 2);
    store.save_visit(&mut v, today()).unwrap();
}

#[test]
fn check_names_a_photo_whose_picture_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    let (mut store, visit) = store_with_visit(&db);
    let p = photo(120, 80);
    store.add_photo(&visit, "a.jpg", &p).unwrap();
    assert!(store.check(today()).unwrap().is_empty());
    store.db().execute("DELETE FROM photos.blobs", []).unwrap();
    let found = store.check(today()).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("照片文件"), "{}", found[0].message);
}
