//! Bounds on the pictures a package carries ([`PHOTO_BLOBS`]): each keyed by a real content
//! hash, of a picture type the app stores, used by one of the package's photos or signatures,
//! no larger than the app ever makes one, and — read from the picture's header only, before
//! anything is decoded — no wider or taller than a thumbnail (240 px) or a stored photo
//! (1600 px) is. A thumbnail declaring 60000×60000 pixels would otherwise be decoded on the
//! next laptop that shows it.

use super::super::super::package::PHOTO_BLOBS;
use super::{Bad, ExchangeError, PICTURE_MIMES, sql_text};
use crate::i18n::{t, tf};
use crate::photo::{FULL_SIDE, THUMB_SIDE};
use image::{ImageFormat, ImageReader};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::io::Cursor;

/// The largest thumbnail accepted (the app's are some 20 KB).
pub(super) const MAX_THUMB_BYTES: i64 = 1024 * 1024;
/// The largest full picture accepted (the app's are well under 1 MB: 1600 px JPEG).
pub(super) const MAX_PICTURE_BYTES: i64 = 16 * 1024 * 1024;
/// How much of a full picture is read for its header (the app's JPEGs carry no EXIF before it).
const HEADER_BYTES: i64 = 256 * 1024;

/// Checks every picture row; lists the first few breaking a bound, returns how many values do.
pub(super) fn check(conn: &Connection, found: &mut Vec<Bad>) -> Result<usize, ExchangeError> {
    let has: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [PHOTO_BLOBS], |r| {
            r.get(0)
        })?;
    if has == 0 {
        return Ok(0);
    }
    let mimes: Vec<String> = PICTURE_MIMES.iter().map(|m| sql_text(m)).collect();
    let sql = format!(
        "SELECT sha256, substr(coalesce(CAST(sha256 AS TEXT), ''), 1, 12),
                typeof(sha256) <> 'text' OR length(sha256) <> 64 OR sha256 GLOB '*[^0-9a-f]*',
                mime IS NULL OR mime NOT IN ({mimes}),
                sha256 NOT IN (SELECT sha256 FROM attachments),
                CASE WHEN typeof(thumb) = 'blob' AND length(thumb) BETWEEN 1 AND {MAX_THUMB_BYTES} THEN thumb END,
                CASE WHEN full IS NULL THEN NULL
                     WHEN typeof(full) = 'blob' AND length(full) <= {MAX_PICTURE_BYTES}
                     THEN substr(full, 1, {HEADER_BYTES}) ELSE X'' END
           FROM {PHOTO_BLOBS}",
        mimes = mimes.join(", ")
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query([])?;
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let (key, label): (Value, String) = (r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default());
        let mut bad: Vec<(&str, String)> = Vec::new();
        if r.get::<_, i64>(2)? != 0 {
            bad.push(("sha256", t("exchange.bad.sha256").to_string()));
        }
        if r.get::<_, i64>(3)? != 0 {
            bad.push(("mime", t("exchange.bad.code").to_string()));
        }
        if r.get::<_, i64>(4)? != 0 {
            bad.push(("sha256", t("exchange.bad.unreferenced").to_string()));
        }
        match r.get::<_, Option<Vec<u8>>>(5)? {
            Some(thumb) => bad.extend(too_big(&thumb, THUMB_SIDE).map(|reason| ("thumb", reason))),
            None => bad.push(("thumb", bytes_reason(MAX_THUMB_BYTES))),
        }
        match r.get::<_, Option<Vec<u8>>>(6)? {
            Some(head) if head.is_empty() => bad.push(("full", bytes_reason(MAX_PICTURE_BYTES))),
            Some(head) => bad.extend(too_big(&head, FULL_SIDE).map(|reason| ("full", reason))),
            None => {}
        }
        for (field, reason) in bad {
            count += 1;
            if found.len() < super::SHOWN {
                let row: i64 = conn.query_row(
                    &format!("SELECT count(*) + 1 FROM {PHOTO_BLOBS} WHERE sha256 < ?1"),
                    [&key],
                    |x| x.get(0),
                )?;
                let field = super::super::field_label(field);
                found.push(Bad { table: PHOTO_BLOBS, row, label: label.clone(), field, reason });
            }
        }
    }
    Ok(count)
}

fn bytes_reason(max: i64) -> String {
    tf("exchange.bad.bytes", &[("kb", &(max / 1024).to_string())])
}

/// Why the picture whose first bytes are `head` is refused: not a JPEG, PNG or WebP whose header
/// reads, or wider or taller than `side`. Only the header is read.
fn too_big(head: &[u8], side: u32) -> Option<String> {
    // A header reader's bug met by a hostile picture refuses it, never crashes the merge.
    std::panic::catch_unwind(|| too_big_unguarded(head, side))
        .unwrap_or_else(|_| Some(t("exchange.bad.picture").into()))
}

fn too_big_unguarded(head: &[u8], side: u32) -> Option<String> {
    let format = image::guess_format(head).ok();
    if !matches!(format, Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Some(t("exchange.bad.picture").to_string());
    }
    let mut reader = ImageReader::new(Cursor::new(head));
    reader.set_format(format.unwrap_or(ImageFormat::Jpeg));
    match reader.into_dimensions() {
        Ok((w, h)) if w <= side && h <= side && w > 0 && h > 0 => None,
        Ok((w, h)) => Some(tf(
            "exchange.bad.dimensions",
            &[("width", &w.to_string()), ("height", &h.to_string()), ("max", &side.to_string())],
        )),
        Err(_) => Some(t("exchange.bad.picture").to_string()),
    }
}
