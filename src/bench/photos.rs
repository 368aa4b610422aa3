//! The township again with a photo on every visit: the same screens' frame times with an
//! `attachments` row per visit (the pictures themselves in the photo file beside the database),
//! and what adding one phone photo costs.

use super::{Figures, frames, ms};
use crate::photo::{Prepared, prepare};
use crate::store::Store;
use anyhow::Result;
use image::{ImageEncoder, RgbImage};
use std::path::Path;
use std::time::Instant;

/// Distinct pictures the visits' photos point at (rows: one per visit; pictures reused so the
/// bench does not write gigabytes of JPEG).
const PICTURES: usize = 16;

/// A synthetic camera JPEG of `w`×`h` (a gradient with noise, so it compresses like a photo).
fn camera_jpeg(w: u32, h: u32, seed: u32) -> Result<Vec<u8>> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(31)) % 23;
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, (n * 10 + seed * 9) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88).write_image(
        img.as_raw(),
        w,
        h,
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

/// Copies the township, puts a photo on each of its visits, and measures the frames again.
pub(super) fn township_with_photos(db: &Path, dir: &Path, today: chrono::NaiveDate, fig: &mut Figures) -> Result<()> {
    let phone = camera_jpeg(4000, 3000, 1)?;
    let t = Instant::now();
    let prepared = prepare(&phone)?;
    say!(
        "one 4000×3000 phone JPEG ({:.1} MB) decoded, scaled to {}×{} ({} KB) with a thumbnail: {:.0} ms",
        phone.len() as f64 / 1e6,
        prepared.width,
        prepared.height,
        prepared.full.len() / 1024,
        ms(t.elapsed())
    );
    fig.set("photo_prepare_4000x3000_ms", ms(t.elapsed()));
    let copy = dir.join("township-photos.db");
    crate::store::backup::copy_database(db, &copy)?;
    let mut pictures: Vec<Prepared> = vec![prepared];
    for seed in 2..=PICTURES as u32 {
        pictures.push(prepare(&camera_jpeg(1600, 1200, seed)?)?);
    }
    let t = Instant::now();
    let mut store = Store::open(&copy)?;
    let shas = serde_json::to_string(&pictures.iter().map(|p| p.sha256.as_str()).collect::<Vec<_>>())?;
    let rows = store.write(|w| {
        for p in &pictures {
            w.put_blob(p)?;
        }
        w.exec(
            "INSERT INTO attachments(id, owner_id, kind, mime, sha256, bytes, size, width, height, file_name,
                                     created_at, updated_at, origin)
             SELECT lower(hex(randomblob(16))), v.id, '照片', 'image/jpeg',
                    json_extract(?1, '$[' || (v.rowid % ?2) || ']'), X'', 250000, 1600, 1200, 'bench.jpg',
                    v.updated_at, v.updated_at, v.origin
               FROM visits v WHERE v.deleted_at IS NULL",
            rusqlite::params![shas, PICTURES as i64],
        )
    })?;
    drop(store);
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    say!(
        "township with photos: {rows} photo rows in {:.0} ms; database {:.0} MB, photo file {:.1} MB ({PICTURES} pictures)",
        ms(t.elapsed()),
        size(&copy),
        size(&crate::store::photo_path(&copy))
    );
    fig.count("photo_rows", rows);
    frames(&copy, today, fig, "_with_photos")?;
    super::remove_database(&copy);
    Ok(())
}
