//! Photos and signatures of visits. The rows (`attachments`) hold what screens read — kind, hash,
//! size, who signed; the bytes live in the photo file beside the database (`村.photos.db`,
//! attached to every connection as `photos`), one row per content hash with the full picture and
//! its thumbnail. Rows and bytes are written in the same transaction, the bytes first: a crash
//! between the two files leaves at most an unreferenced picture, never a row without one.

use super::{Result, Store, StoreError, Writer};
use crate::i18n::t;
use crate::model::attachment::{AttachmentKind, Signatures};
use crate::model::ids::new_id;
use crate::photo::{Prepared, Strokes};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod pending;
pub use pending::{NewEvidence, PendingPhoto, PendingSignature};

/// The schema name the photo file is attached under.
pub const PHOTOS: &str = "photos";

/// One photo or signature of a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentRow {
    /// Row id.
    pub id: String,
    /// The visit it belongs to.
    pub owner_id: String,
    /// 照片 / 户签名 / 干部签名.
    pub kind: AttachmentKind,
    /// MIME type of the stored picture.
    pub mime: String,
    /// Hex SHA-256 of the stored picture (its key in the photo file).
    pub sha256: String,
    /// Bytes of the stored picture.
    pub size: i64,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// The file name it was added from.
    pub file_name: String,
    /// Who signed (for a household signature: 户主 or the member's name).
    pub signer: String,
    /// When it was added (RFC 3339).
    pub created_at: String,
}

/// What became of a photo offered to a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Stored under this attachment id.
    Stored(String),
    /// The visit already has this picture (same content hash): nothing written.
    Duplicate,
}

/// The photo file of the database at `db`: `村.photos.db` beside `村.db` (the one place this name
/// is made; backups and the encryption use it too).
pub use super::crypt::photo_path;

const COLUMNS: &str = "id, owner_id, kind, mime, sha256, size, width, height, file_name, signer, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRow> {
    let kind: String = r.get(2)?;
    Ok(AttachmentRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        kind: AttachmentKind::from_code(&kind).unwrap_or(AttachmentKind::Photo),
        mime: r.get(3)?,
        sha256: r.get(4)?,
        size: r.get(5)?,
        width: r.get(6)?,
        height: r.get(7)?,
        file_name: r.get(8)?,
        signer: r.get(9)?,
        created_at: r.get(10)?,
    })
}

impl Store {
    /// Attaches the photo file (made if absent) to this connection as `photos`, encrypted with
    /// the database's key (plain when the database is); a database in memory gets a photo store
    /// in memory.
    pub(super) fn attach_photos(&self) -> Result<()> {
        let attached: bool = self
            .conn
            .query_row("SELECT count(*) FROM pragma_database_list WHERE name = ?1", [PHOTOS], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)?;
        if !attached {
            let file =
                if self.path == Path::new(":memory:") { PathBuf::from(":memory:") } else { photo_path(&self.path) };
            super::crypt::attach(&self.conn, &file, PHOTOS, self.key.as_ref())?;
        }
        self.conn.pragma_update(Some(PHOTOS), "journal_mode", "WAL")?;
        self.conn.pragma_update(Some(PHOTOS), "synchronous", "FULL")?;
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS photos.blobs (
                 sha256 TEXT PRIMARY KEY,
                 mime   TEXT NOT NULL,
                 thumb  BLOB NOT NULL,
                 full   BLOB            -- NULL: only the thumbnail came (a package without photos)
             );",
        )?;
        Ok(())
    }

    /// Adds a prepared photo to the visit `visit_id`; the same picture twice on one visit is
    /// stored once (a deleted copy is brought back instead).
    pub fn add_photo(&mut self, visit_id: &str, file_name: &str, photo: &Prepared) -> Result<Added> {
        self.write(|w| {
            w.visit_exists(visit_id)?;
            w.put_blob(photo)?;
            w.attach_photo(visit_id, &PendingPhoto::of(file_name, photo))
        })
    }

    /// Records a signature on the visit, replacing the earlier one of the same side.
    pub fn sign(&mut self, visit_id: &str, side: AttachmentKind, signer: &str, strokes: &Strokes) -> Result<String> {
        if strokes.is_blank() {
            return Err(StoreError::Refused(t("sign.err.blank").to_string()));
        }
        let png = strokes.render().map_err(|e| StoreError::Refused(e.to_string()))?;
        self.write(|w| {
            w.visit_exists(visit_id)?;
            w.put_blob(&png)?;
            w.replace_signature(visit_id, side, signer, strokes, &png)
        })
    }

    /// Clears both signatures of the visit (its answers can then be changed).
    pub fn clear_signatures(&mut self, visit_id: &str) -> Result<usize> {
        self.write(|w| {
            w.exec(
                "UPDATE attachments SET deleted_at = ?2, updated_at = ?2, origin = ?3
                  WHERE owner_id = ?1 AND kind IN ('户签名', '干部签名') AND deleted_at IS NULL",
                params![visit_id, w.stamp, w.origin],
            )
        })
    }

    /// Deletes (as a tombstone, so it can be undone and a merge carries it) one attachment.
    pub fn delete_attachment(&mut self, id: &str) -> Result<()> {
        self.write(|w| {
            w.exec(
                "UPDATE attachments SET deleted_at = ?2, updated_at = ?2, origin = ?3 WHERE id = ?1",
                params![id, w.stamp, w.origin],
            )
            .map(|_| ())
        })
    }

    /// Brings a deleted attachment back (撤销).
    pub fn undelete_attachment(&mut self, id: &str) -> Result<()> {
        self.write(|w| {
            w.exec(
                "UPDATE attachments SET deleted_at = NULL, updated_at = ?2, origin = ?3 WHERE id = ?1",
                params![id, w.stamp, w.origin],
            )
            .map(|_| ())
        })
    }

    /// The photos and signatures of a visit, photos in the order they were added.
    pub fn attachments_of(&self, visit_id: &str) -> Result<Vec<AttachmentRow>> {
        let mut st = self.db().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE owner_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id"
        ))?;
        Ok(st.query_map([visit_id], from_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// Which signatures the visit has.
    pub fn signatures(&self, visit_id: &str) -> Result<Signatures> {
        let (household, cadre): (i64, i64) = self.db().query_row(
            "SELECT coalesce(sum(kind = '户签名'), 0), coalesce(sum(kind = '干部签名'), 0)
               FROM attachments WHERE owner_id = ?1 AND deleted_at IS NULL",
            [visit_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Signatures::of(household > 0, cadre > 0))
    }

    /// The strokes of the visit's current signature of `side`, if signed.
    pub fn signature_strokes(&self, visit_id: &str, side: AttachmentKind) -> Result<Option<(String, Strokes)>> {
        let found: Option<(String, String)> = self
            .db()
            .query_row(
                "SELECT signer, strokes FROM attachments WHERE owner_id = ?1 AND kind = ?2 AND deleted_at IS NULL
                  ORDER BY updated_at DESC LIMIT 1",
                params![visit_id, side.code()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(found.map(|(signer, json)| (signer, Strokes::from_json(&json))))
    }

    /// The thumbnail of the picture with this hash.
    pub fn thumbnail(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .db()
            .query_row("SELECT thumb FROM photos.blobs WHERE sha256 = ?1", [sha256], |r| r.get(0))
            .optional()?)
    }

    /// The full picture with this hash (`None` when only its thumbnail is here: a package came
    /// without photos).
    pub fn picture(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .db()
            .query_row("SELECT full FROM photos.blobs WHERE sha256 = ?1", [sha256], |r| r.get::<_, Option<Vec<u8>>>(0))
            .optional()?
            .flatten())
    }
}

/// One visit photo of a period, with where it belongs (for the photo folder and the ledger).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodPhoto {
    /// The village's name.
    pub village: String,
    /// The household's 村民小组 (empty when none).
    pub group: String,
    /// 户主.
    pub head: String,
    /// The visit's date.
    pub date: NaiveDate,
    /// Hex SHA-256 of the picture.
    pub sha256: String,
    /// 1, 2, 3… among the photos of the household's visits of that day.
    pub seq: usize,
}

impl Store {
    /// The photos of visits dated `from..=to` in a village (`None`: every village), by village,
    /// group, household, date and the order they were added.
    pub fn photos_between(&self, village_id: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<PeriodPhoto>> {
        let mut st = self.db().prepare_cached(
            "SELECT vl.name, coalesce(g.name, ''), h.head_name, v.visit_date, a.sha256, h.id
               FROM attachments a
               JOIN visits v ON v.id = a.owner_id AND v.deleted_at IS NULL
               JOIN households h ON h.id = v.household_id AND h.deleted_at IS NULL
               JOIN villages vl ON vl.id = h.village_id
               LEFT JOIN village_groups g ON g.id = h.group_id
              WHERE a.kind = '照片' AND a.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3
                AND (?1 IS NULL OR h.village_id = ?1)
              ORDER BY vl.name, g.name, h.code, h.id, v.visit_date, a.created_at, a.id",
        )?;
        let rows = st.query_map(params![village_id, from, to], |r| {
            Ok((
                PeriodPhoto {
                    village: r.get(0)?,
                    group: r.get(1)?,
                    head: r.get(2)?,
                    date: r.get(3)?,
                    sha256: r.get(4)?,
                    seq: 0,
                },
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out: Vec<PeriodPhoto> = Vec::new();
        let mut last: Option<(String, NaiveDate)> = None;
        let mut seq = 0;
        for row in rows {
            let (mut p, household) = row?;
            let key = (household, p.date);
            seq = if last.as_ref() == Some(&key) { seq + 1 } else { 1 };
            p.seq = seq;
            last = Some(key);
            out.push(p);
        }
        Ok(out)
    }

    /// Photo count and signatures of each visit dated `from..=to` that has any (for the ledger's
    /// 照片 and 签字 columns): visit id → (photos, household signed, cadre signed).
    pub fn evidence_between(&self, from: NaiveDate, to: NaiveDate) -> Result<HashMap<String, (i64, bool, bool)>> {
        let mut st = self.db().prepare_cached(
            "SELECT a.owner_id, sum(a.kind = '照片'), max(a.kind = '户签名'), max(a.kind = '干部签名')
               FROM attachments a JOIN visits v ON v.id = a.owner_id
              WHERE a.deleted_at IS NULL AND v.visit_date BETWEEN ?1 AND ?2
              GROUP BY a.owner_id",
        )?;
        let rows = st.query_map(params![from, to], |r| {
            Ok((r.get::<_, String>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)? > 0, r.get::<_, i64>(3)? > 0)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    fn visit_exists(&self, visit_id: &str) -> Result<()> {
        let found =
            self.row("SELECT 1 FROM visits WHERE id = ?1 AND deleted_at IS NULL", [visit_id], |r| r.get::<_, i64>(0))?;
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::Missing(format!("{} {visit_id}", t("exchange.table.visits")))),
        }
    }

    /// Stores a picture's bytes once per content hash (a thumbnail-only copy gains its full bytes).
    pub(crate) fn put_blob(&self, p: &Prepared) -> Result<()> {
        self.exec(
            "INSERT INTO photos.blobs(sha256, mime, thumb, full) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(sha256) DO UPDATE SET full = coalesce(photos.blobs.full, excluded.full)",
            params![p.sha256, p.mime, p.thumb, p.full],
        )?;
        Ok(())
    }

    /// Adds the stored picture `p` as a photo of the visit; the same picture twice on one visit
    /// is kept once (a deleted copy is brought back instead).
    fn attach_photo(&self, visit_id: &str, p: &PendingPhoto) -> Result<Added> {
        let same: Option<(String, Option<String>)> = self.row(
            "SELECT id, deleted_at FROM attachments WHERE owner_id = ?1 AND kind = ?2 AND sha256 = ?3",
            params![visit_id, AttachmentKind::Photo.code(), p.sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        match same {
            Some((_, None)) => Ok(Added::Duplicate),
            Some((id, Some(_))) => {
                self.exec(
                    "UPDATE attachments SET deleted_at = NULL, updated_at = ?2, origin = ?3 WHERE id = ?1",
                    params![id, self.stamp, self.origin],
                )?;
                Ok(Added::Stored(id))
            }
            None => self.insert_attachment(visit_id, AttachmentKind::Photo, "", "", p).map(Added::Stored),
        }
    }

    /// Records the signature of `side` (its PNG `png` already stored), replacing the earlier one.
    fn replace_signature(
        &self,
        visit_id: &str,
        side: AttachmentKind,
        signer: &str,
        strokes: &Strokes,
        png: &Prepared,
    ) -> Result<String> {
        self.exec(
            "UPDATE attachments SET deleted_at = ?3, updated_at = ?3, origin = ?4
              WHERE owner_id = ?1 AND kind = ?2 AND deleted_at IS NULL",
            params![visit_id, side.code(), self.stamp, self.origin],
        )?;
        self.insert_attachment(visit_id, side, signer, &strokes.to_json(), &PendingPhoto::of("", png))
    }

    fn insert_attachment(
        &self,
        visit_id: &str,
        kind: AttachmentKind,
        signer: &str,
        strokes: &str,
        p: &PendingPhoto,
    ) -> Result<String> {
        let id = new_id();
        self.exec(
            "INSERT INTO attachments(id, owner_id, kind, mime, sha256, bytes, size, width, height, file_name, signer,
                                     strokes, created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, X'', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
            params![
                id,
                visit_id,
                kind.code(),
                p.mime,
                p.sha256,
                p.size,
                p.width,
                p.height,
                p.file_name,
                signer,
                strokes,
                self.stamp,
                self.origin
            ],
        )?;
        Ok(id)
    }

    /// Whether the visit carries a signature (its answers are then locked).
    pub(crate) fn is_signed(&self, visit_id: &str) -> Result<bool> {
        Ok(self
            .row(
                "SELECT 1 FROM attachments WHERE owner_id = ?1 AND kind IN ('户签名', '干部签名') AND deleted_at IS NULL
                  LIMIT 1",
                [visit_id],
                |r| r.get::<_, i64>(0),
            )?
            .is_some())
    }
}

#[cfg(test)]
mod tests;
