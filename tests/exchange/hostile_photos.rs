//! Hostile photos and signatures in a package: every bound — who signed, strokes and points of a
//! signature, file names, picture sizes, picture dimensions (read from the header, never
//! decoded), hashes — refuses the package in one Chinese sentence naming it and the row, the
//! database untouched.

use crate::support::{failed, jpeg, ok, png_bomb, zoufang};
use std::path::{Path, PathBuf};
use zoufang::exchange::package::forge;
use zoufang::model::attachment::AttachmentKind;
use zoufang::photo::{MAX_POINTS, MAX_STROKES, Strokes};

/// A demo village with a photo and both signatures on one visit, packed with its photos; and a
/// fresh database to merge it into.
fn package(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("village.db");
    ok(zoufang(&db, &["demo", "--seed", "4", "--households", "5", "--months", "1"]));
    let visit: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT id FROM visits WHERE review_status <> '已审核' LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let photo = dir.join("yard.jpg");
    std::fs::write(&photo, jpeg(800, 600, 20)).unwrap();
    ok(zoufang(&db, &["attach", "--visit", &visit, photo.to_str().unwrap()]));
    let mut store = zoufang::store::Store::open(&db).unwrap();
    let strokes = Strokes { strokes: vec![vec![[0.1, 0.2], [0.5, 0.8], [0.9, 0.3]]] };
    store.sign(&visit, AttachmentKind::Household, "户主", &strokes).unwrap();
    let other = Strokes { strokes: vec![vec![[0.2, 0.7], [0.8, 0.2]]] };
    store.sign(&visit, AttachmentKind::Cadre, "", &other).unwrap();
    drop(store);
    let out = dir.join("village.zfp");
    ok(zoufang(&db, &["pack", "--photos", "--out", out.to_str().unwrap()]));
    let town = dir.join("town.db");
    zoufang::store::Store::open(&town).unwrap();
    (out, town)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// `{"strokes":[…]}` of `strokes` strokes of `points` points each.
fn strokes_json(strokes: usize, points: usize) -> String {
    let stroke = format!("[{}]", vec!["[0.5,0.5]"; points].join(","));
    format!("{{\"strokes\":[{}]}}", vec![stroke; strokes].join(","))
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn photos_and_signatures_beyond_their_bounds_refuse_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let (pkg, town) = package(dir.path());
    let first_blob = "WHERE rowid = (SELECT min(rowid) FROM photo_blobs)";
    let signature = "WHERE kind = '户签名'";
    let photo = "WHERE kind = '照片'";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("UPDATE attachments SET signer = replace(hex(zeroblob(60)), '00', '张') {signature}"),
            "照片与签名",
            "签字人：过长（超过 50 字）",
        ),
        (
            format!("UPDATE attachments SET strokes = '{}' {signature}", strokes_json(MAX_STROKES + 1, 2)),
            "照片与签名",
            "签名笔画：无法读取或超出上限",
        ),
        (
            format!("UPDATE attachments SET strokes = '{}' {signature}", strokes_json(1, MAX_POINTS + 1)),
            "照片与签名",
            "签名笔画：无法读取或超出上限",
        ),
        (
            format!("UPDATE attachments SET strokes = 'not json' {signature}"),
            "照片与签名",
            "签名笔画：无法读取或超出上限",
        ),
        (format!("UPDATE attachments SET file_name = '../../etc/passwd' {photo}"), "照片与签名", "不是有效的文件名"),
        (format!("UPDATE attachments SET file_name = 'C:\\x.jpg' {photo}"), "照片与签名", "不是有效的文件名"),
        (
            format!("UPDATE attachments SET file_name = 'a' || char(10) || 'b.jpg' {photo}"),
            "照片与签名",
            "不是有效的文件名",
        ),
        (
            format!("UPDATE attachments SET file_name = hex(zeroblob(200)) || '.jpg' {photo}"),
            "照片与签名",
            "不是有效的文件名",
        ),
        (format!("UPDATE attachments SET width = 99999 {photo}"), "照片与签名", "宽度：超出范围"),
        (
            format!("UPDATE photo_blobs SET thumb = zeroblob(2 * 1024 * 1024) {first_blob}"),
            "照片文件",
            "缩略图：为空或过大",
        ),
        (
            format!("UPDATE photo_blobs SET full = zeroblob(17 * 1024 * 1024) {first_blob}"),
            "照片文件",
            "照片原图：为空或过大",
        ),
        (format!("UPDATE photo_blobs SET thumb = X'{}' {first_blob}", hex(&png_bomb())), "照片文件", "60000×60000"),
        (
            format!("UPDATE photo_blobs SET thumb = X'{}' {first_blob}", hex(&jpeg(400, 300, 1))),
            "照片文件",
            "图片尺寸 400×300 超出上限（每边最多 240 像素）",
        ),
        (
            format!("UPDATE photo_blobs SET full = X'{}' {first_blob}", hex(&jpeg(2400, 1800, 1))),
            "照片文件",
            "图片尺寸 2400×1800",
        ),
        (format!("UPDATE photo_blobs SET thumb = X'00112233445566' {first_blob}"), "照片文件", "不是可读取的"),
        (
            format!("INSERT INTO photo_blobs SELECT '{}', mime, thumb, NULL FROM photo_blobs LIMIT 1", "f".repeat(64)),
            "照片文件",
            "没有任何照片或签名用到这张图片",
        ),
        ("UPDATE attachments SET sha256 = 'xyz' WHERE kind = '干部签名'".into(), "照片与签名", "不是有效的校验码"),
    ];
    for (i, (sql, table, reason)) in cases.iter().enumerate() {
        let forged = dir.path().join(format!("photos-{i}.zfp"));
        std::fs::copy(&pkg, &forged).unwrap();
        forge(&forged, sql).unwrap();
        let err = failed(zoufang(&town, &["merge", forged.to_str().unwrap()]));
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("photos-{i}.zfp"))
                && err.contains(&format!("{table}第 "))
                && err.contains(reason)
                && err.contains("数据库未作任何修改"),
            "{sql}: {err}"
        );
        assert_eq!(count(&town, "SELECT count(*) FROM households"), 0, "{sql}");
        assert_eq!(count(&town.with_file_name("town.photos.db"), "SELECT count(*) FROM blobs"), 0, "{sql}");
    }
    // The package as made merges, pictures and all.
    ok(zoufang(&town, &["merge", pkg.to_str().unwrap()]));
    assert_eq!(count(&town, "SELECT count(*) FROM attachments"), 3);
    assert_eq!(count(&town.with_file_name("town.photos.db"), "SELECT count(full) FROM blobs"), 3);
}
