//! Photos on visits as a script adds and carries them: `attach`, `pack [--photos]`, `merge`,
//! `photos`, with every kind of bad file refused and the database unchanged.

use crate::support::{failed, jpeg, ok, png, png_bomb, text, webp, zoufang};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn one(db: &Path, query: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(query, [], |r| r.get::<_, rusqlite::types::Value>(0))
        .map(|v| match v {
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Text(s) => s,
            other => format!("{other:?}"),
        })
        .unwrap()
}

fn photo_db(db: &Path) -> PathBuf {
    db.with_file_name(format!("{}.photos.db", db.file_stem().unwrap().to_string_lossy()))
}

/// Attachment rows and pictures (with and without the full photo) in a database.
fn counts(db: &Path) -> (String, String, String) {
    (
        one(db, "SELECT count(*) FROM attachments WHERE deleted_at IS NULL"),
        one(&photo_db(db), "SELECT count(*) FROM blobs"),
        one(&photo_db(db), "SELECT count(full) FROM blobs"),
    )
}

#[test]
fn photos_are_attached_carried_with_and_without_originals_and_exported_as_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let village = dir.path().join("village.db");
    ok(zoufang(&village, &["demo", "--seed", "5", "--households", "6", "--months", "1"]));
    let visit = one(&village, "SELECT id FROM visits ORDER BY visit_date DESC, id LIMIT 1");
    let files = [
        write(dir.path(), "phone.jpg", &jpeg(4000, 3000, 10)),
        write(dir.path(), "yard.png", &png(800, 600)),
        write(dir.path(), "kitchen.webp", &webp(640, 480)),
    ];
    let mut args = vec!["attach", "--visit", &visit];
    args.extend(files.iter().map(String::as_str));
    let said = ok(zoufang(&village, &args));
    assert_eq!(said.matches("已保存").count(), 3, "{said}");
    let again = ok(zoufang(&village, &["attach", "--visit", &visit, &files[0]]));
    assert!(again.contains("已跳过"), "{again}");
    assert_eq!(counts(&village), ("3".into(), "3".into(), "3".into()));
    assert_eq!(one(&village, "SELECT max(width) FROM attachments"), "1600");

    // Without originals: thumbnails travel; a second merge changes nothing.
    let thin = dir.path().join("thin.zfp");
    ok(zoufang(&village, &["pack", "--out", thin.to_str().unwrap()]));
    let town = dir.path().join("town.db");
    ok(zoufang(&town, &["merge", thin.to_str().unwrap()]));
    assert_eq!(counts(&town), ("3".into(), "3".into(), "0".into()));
    ok(zoufang(&town, &["merge", thin.to_str().unwrap()]));
    assert_eq!(counts(&town), ("3".into(), "3".into(), "0".into()), "merging twice adds nothing");

    // With originals (--photos): the full pictures arrive, once.
    let full = dir.path().join("full.zfp");
    ok(zoufang(&village, &["pack", "--photos", "--out", full.to_str().unwrap()]));
    assert!(std::fs::metadata(&full).unwrap().len() > std::fs::metadata(&thin).unwrap().len());
    ok(zoufang(&town, &["merge", full.to_str().unwrap()]));
    ok(zoufang(&town, &["merge", full.to_str().unwrap()]));
    assert_eq!(counts(&town), ("3".into(), "3".into(), "3".into()));
    let fresh = dir.path().join("fresh.db");
    ok(zoufang(&fresh, &["merge", full.to_str().unwrap()]));
    assert_eq!(counts(&fresh), ("3".into(), "3".into(), "3".into()));
    ok(zoufang(&town, &["check"]));

    // The photo folder: 村/组/组-户主-日期-序号.jpg.
    let date = one(&village, &format!("SELECT visit_date FROM visits WHERE id = '{visit}'"));
    let month = &date[..7];
    let out = dir.path().join("照片");
    let said = ok(zoufang(&town, &["photos", "--out", out.to_str().unwrap(), "--month", month, "--all-villages"]));
    assert!(said.contains("3"), "{said}");
    let mut names = Vec::new();
    for v in std::fs::read_dir(&out).unwrap() {
        for g in std::fs::read_dir(v.unwrap().path()).unwrap() {
            let g = g.unwrap();
            for f in std::fs::read_dir(g.path()).unwrap() {
                let name = f.unwrap().file_name().to_string_lossy().to_string();
                assert!(name.starts_with(&g.file_name().to_string_lossy().to_string()), "{name}");
                names.push(name);
            }
        }
    }
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    for (i, n) in names.iter().enumerate() {
        assert!(n.ends_with(&format!("-{date}-{}.jpg", i + 1)), "{n}");
    }
}

#[test]
fn bad_files_are_refused_one_sentence_each_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("village.db");
    ok(zoufang(&db, &["demo", "--seed", "6", "--households", "3", "--months", "1"]));
    let visit = one(&db, "SELECT id FROM visits LIMIT 1");
    let whole = jpeg(640, 480, 50);
    let random: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    let bad = [
        (write(dir.path(), "random.jpg", &random), "不是可识别的照片"),
        (write(dir.path(), "cut.jpg", &whole[..whole.len() / 2]), "损坏或不完整"),
        (write(dir.path(), "bomb.png", &png_bomb()), "60000×60000"),
        (write(dir.path(), "empty.jpg", b""), "空的"),
    ];
    let before = (counts(&db), std::fs::read(&db).unwrap().len());
    for (file, why) in &bad {
        let out = zoufang(&db, &["attach", "--visit", &visit, file]);
        let said = failed(out);
        assert!(said.contains("已拒绝") && said.contains(why), "{file}: {said}");
        assert_eq!(said.trim().lines().count(), 1, "one sentence: {said}");
    }
    assert_eq!((counts(&db), std::fs::read(&db).unwrap().len()), before, "nothing changed");
    let missing = zoufang(&db, &["attach", "--visit", "no-such-visit", &bad[0].0]);
    assert!(text(&missing).contains("no-such-visit"), "{}", text(&missing));
}
