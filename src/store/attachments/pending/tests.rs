//! A visit not saved yet: its photos staged, saved with it in one transaction, swept when its
//! draft is thrown away.

use super::*;
use crate::demo::{DemoOptions, generate};
use crate::model::visit::Visit;
use chrono::NaiveDate;
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// A store with a demo village, and a new (unsaved) visit to one of its households.
fn store_and_new_visit(path: &Path) -> (Store, Visit) {
    let mut store = Store::open(path).unwrap();
    let opts = DemoOptions { villages: 1, households: 3, months: 1, seed: 7, today: today() };
    generate(&mut store, &opts).unwrap();
    let mut visit: Visit = store
        .db()
        .query_row("SELECT id FROM visits ORDER BY id LIMIT 1", [], |r| r.get::<_, String>(0))
        .map(|id| store.visit(&id).unwrap().unwrap())
        .unwrap();
    visit.id = String::new();
    visit.review = crate::model::visit::ReviewStatus::Pending;
    (store, visit)
}

fn photo(w: u32, h: u32) -> Prepared {
    crate::photo::prepare(&crate::photo::tests::jpeg_of(w, h, None)).unwrap()
}

fn signature() -> PendingSignature {
    PendingSignature {
        signer: "张三（户主）".into(), strokes: Strokes { strokes: vec![vec![[0.1, 0.1], [0.9, 0.8]]] }
    }
}

fn blobs(store: &Store) -> i64 {
    store.db().query_row("SELECT count(*) FROM photos.blobs", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_visit_is_saved_with_its_photos_and_signatures_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut visit) = store_and_new_visit(&dir.path().join("村.db"));
    let (a, b) = (photo(2000, 1000), photo(300, 200));
    let mut ev = NewEvidence::default();
    for (name, p) in [("a.jpg", &a), ("b.jpg", &b)] {
        store.stage_photo(p).unwrap();
        assert!(matches!(ev.hold(PendingPhoto::of(name, p)), Added::Stored(_)));
    }
    store.stage_photo(&a).unwrap();
    assert_eq!(ev.hold(PendingPhoto::of("again.jpg", &a)), Added::Duplicate);
    ev.household = Some(signature());
    ev.cadre = Some(PendingSignature { signer: String::new(), ..signature() });
    assert_eq!(ev.signatures(), Signatures::Both);

    store.save_visit_with(&mut visit, today(), &ev).unwrap();
    let rows = store.attachments_of(&visit.id).unwrap();
    let photos: Vec<_> = rows.iter().filter(|r| r.kind == AttachmentKind::Photo).collect();
    assert_eq!(photos.iter().map(|r| r.file_name.as_str()).collect::<Vec<_>>(), ["a.jpg", "b.jpg"], "in order");
    assert_eq!((photos[0].width, photos[0].height), (1600, 800));
    assert_eq!(store.signatures(&visit.id).unwrap(), Signatures::Both);
    let (who, _) = store.signature_strokes(&visit.id, AttachmentKind::Household).unwrap().unwrap();
    assert_eq!(who, "张三（户主）");
    // Signed as it was saved: its answers are locked like any signed visit's.
    let mut changed = store.visit(&visit.id).unwrap().unwrap();
    changed.answers[0].value = if changed.answers[0].value == "是" { "否".into() } else { "是".into() };
    assert!(store.save_visit(&mut changed, today()).unwrap_err().to_string().contains("签字"));
}

#[test]
fn a_save_whose_staged_picture_is_gone_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut visit) = store_and_new_visit(&dir.path().join("村.db"));
    let visits = |s: &Store| s.db().query_row("SELECT count(*) FROM visits", [], |r| r.get::<_, i64>(0)).unwrap();
    let before = visits(&store);
    let p = photo(100, 80);
    let mut ev = NewEvidence::default();
    ev.hold(PendingPhoto::of("lost.jpg", &p));
    ev.cadre = Some(signature());
    let err = store.save_visit_with(&mut visit, today(), &ev).unwrap_err().to_string();
    assert!(err.contains("lost.jpg"), "{err}");
    assert_eq!(visits(&store), before, "the visit was not saved either");
    let n: i64 = store.db().query_row("SELECT count(*) FROM attachments", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 0);
    // A blank signature is refused before anything is written.
    let blank = NewEvidence {
        household: Some(PendingSignature { signer: String::new(), strokes: Strokes::default() }),
        ..NewEvidence::default()
    };
    assert!(store.save_visit_with(&mut visit, today(), &blank).is_err());
    assert_eq!(visits(&store), before);
}

#[test]
fn staged_pictures_go_with_a_thrown_away_draft_but_stay_while_used() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut visit) = store_and_new_visit(&dir.path().join("村.db"));
    let (kept, dropped, drafted) = (photo(120, 90), photo(90, 120), photo(64, 64));
    for p in [&kept, &dropped, &drafted] {
        store.stage_photo(p).unwrap();
    }
    assert_eq!(blobs(&store), 3);
    // Another household's draft still names one of them.
    let other: String = store
        .db()
        .query_row("SELECT id FROM households WHERE id <> ?1 LIMIT 1", [&visit.household_id], |r| r.get(0))
        .unwrap();
    store.save_draft(&other, None, &format!("{{\"evidence\":\"{}\"}}", drafted.sha256)).unwrap();
    let mut ev = NewEvidence::default();
    ev.hold(PendingPhoto::of("kept.jpg", &kept));
    ev.staged.extend([dropped.sha256.clone(), drafted.sha256.clone()]);
    store.save_visit_with(&mut visit, today(), &ev).unwrap();
    assert_eq!(blobs(&store), 2, "the deleted photo's picture went, the drafted one stayed");
    assert!(store.thumbnail(&dropped.sha256).unwrap().is_none());
    store.delete_draft(&other, None).unwrap();
    assert_eq!(store.sweep_staged(&[drafted.sha256.clone(), kept.sha256.clone()]).unwrap(), 1);
    assert!(store.picture(&kept.sha256).unwrap().is_some(), "a picture a row uses is never swept");
}
