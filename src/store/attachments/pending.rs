//! Photos and signatures taken on a visit that is not saved yet. The cadre at the household adds
//! photos and both sides sign before the visit has an id; the form holds them ([`NewEvidence`])
//! and they are written with the visit, in the same transaction ([`Store::save_visit_with`]).
//!
//! A photo's picture is decoded and scaled on a worker as soon as it is chosen, and its bytes are
//! *staged* in the photo file at once ([`Store::stage_photo`]): kept by content hash, referenced
//! by no row yet. The form's draft then names the staged pictures (a few hashes, not megabytes
//! of JPEG in the main database), so a crash or leaving the form keeps the photos with the draft.
//! A draft thrown away sweeps the pictures only it used ([`Store::sweep_staged`]).

use super::super::{Result, Store, StoreError, Writer};
use super::Added;
use crate::i18n::tf;
use crate::model::attachment::{AttachmentKind, Signatures};
use crate::photo::{Prepared, Strokes};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// A picture as an attachment row describes it (its bytes are in the photo file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPhoto {
    /// Hex SHA-256 of the stored picture.
    pub sha256: String,
    /// MIME type of the stored picture.
    pub mime: String,
    /// Bytes of the stored picture.
    pub size: i64,
    /// Width in pixels.
    pub width: i64,
    /// Height in pixels.
    pub height: i64,
    /// The file name it was added from.
    pub file_name: String,
}

impl PendingPhoto {
    /// The row facts of the prepared picture `p`, added from `file_name`.
    pub fn of(file_name: &str, p: &Prepared) -> Self {
        PendingPhoto {
            sha256: p.sha256.clone(),
            mime: p.mime.to_string(),
            size: p.full.len() as i64,
            width: i64::from(p.width),
            height: i64::from(p.height),
            file_name: file_name.to_string(),
        }
    }
}

/// A signature drawn on a visit not saved yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingSignature {
    /// Who signed (for the household: 户主 or the member's name; empty for the cadre).
    pub signer: String,
    /// What was drawn.
    pub strokes: Strokes,
}

/// The photos and signatures of a visit not saved yet, in the order they were taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewEvidence {
    /// Photos kept (a deleted one leaves this list).
    #[serde(default)]
    pub photos: Vec<PendingPhoto>,
    /// The household's signature.
    #[serde(default)]
    pub household: Option<PendingSignature>,
    /// The cadre's signature.
    #[serde(default)]
    pub cadre: Option<PendingSignature>,
    /// Every picture staged for this visit, kept or deleted since: swept when no row uses it.
    #[serde(default)]
    pub staged: Vec<String>,
}

impl NewEvidence {
    /// Whether nothing was taken (staged pictures deleted again do not count).
    pub fn is_empty(&self) -> bool {
        self.photos.is_empty() && self.household.is_none() && self.cadre.is_none()
    }

    /// Whether nothing was taken or staged (a draft then needs no word of it).
    pub fn is_empty_and_unstaged(&self) -> bool {
        self.is_empty() && self.staged.is_empty()
    }

    /// Which signatures are held.
    pub fn signatures(&self) -> Signatures {
        Signatures::of(self.household.is_some(), self.cadre.is_some())
    }

    /// Holds a photo just staged; `Duplicate` when the visit already holds the same picture.
    pub fn hold(&mut self, photo: PendingPhoto) -> Added {
        if self.photos.iter().any(|p| p.sha256 == photo.sha256) {
            return Added::Duplicate;
        }
        if !self.staged.contains(&photo.sha256) {
            self.staged.push(photo.sha256.clone());
        }
        let sha = photo.sha256.clone();
        self.photos.push(photo);
        Added::Stored(sha)
    }

    /// The signatures drawn as PNGs, ready to store: side, signer, strokes JSON and picture.
    fn rendered(&self) -> Result<Vec<(AttachmentKind, &PendingSignature, Prepared)>> {
        let sides = [(AttachmentKind::Household, &self.household), (AttachmentKind::Cadre, &self.cadre)];
        let mut out = Vec::new();
        for (side, signature) in sides {
            let Some(s) = signature else { continue };
            if s.strokes.is_blank() {
                return Err(StoreError::Refused(crate::i18n::t("sign.err.blank").to_string()));
            }
            let png = s.strokes.render().map_err(|e| StoreError::Refused(e.to_string()))?;
            out.push((side, s, png));
        }
        Ok(out)
    }
}

impl Store {
    /// Keeps a prepared photo's picture in the photo file before its visit is saved (see the
    /// module's comment); storing the same picture again changes nothing.
    pub fn stage_photo(&mut self, p: &Prepared) -> Result<()> {
        self.write(|w| w.put_blob(p))
    }

    /// Removes those of the staged pictures `shas` that no attachment and no draft uses (a
    /// draft thrown away); returns how many went.
    pub fn sweep_staged(&mut self, shas: &[String]) -> Result<usize> {
        if shas.is_empty() {
            return Ok(0);
        }
        self.write(|w| w.sweep_staged(shas))
    }

    /// Saves a visit with the photos and signatures taken for it, all in one transaction: the
    /// visit and its answers as [`Store::save_visit`] does, then one attachment row per photo
    /// (its staged picture must still be in the photo file) and per signature (its PNG drawn
    /// here). Nothing is written when any of it fails.
    pub fn save_visit_with(
        &mut self,
        visit: &mut crate::model::visit::Visit,
        today: chrono::NaiveDate,
        evidence: &NewEvidence,
    ) -> Result<Vec<String>> {
        let signatures = evidence.rendered()?;
        self.save_visit_then(visit, today, |w, visit_id| {
            for p in &evidence.photos {
                w.staged_exists(p)?;
                w.attach_photo(visit_id, p)?;
            }
            for (side, s, png) in &signatures {
                w.put_blob(png)?;
                w.replace_signature(visit_id, *side, &s.signer, &s.strokes, png)?;
            }
            w.sweep_staged(&evidence.staged)?;
            Ok(())
        })
    }
}

impl Writer<'_> {
    fn staged_exists(&self, p: &PendingPhoto) -> Result<()> {
        let found = self.row("SELECT 1 FROM photos.blobs WHERE sha256 = ?1", [&p.sha256], |r| r.get::<_, i64>(0))?;
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::Refused(tf("evidence.err.staged_missing", &[("file", &p.file_name)]))),
        }
    }

    fn sweep_staged(&self, shas: &[String]) -> Result<usize> {
        #[allow(clippy::expect_used, reason = "a list of strings always serialises")]
        let list = serde_json::to_string(shas).expect("strings serialise");
        self.exec(
            "DELETE FROM photos.blobs AS b
              WHERE b.sha256 IN (SELECT value FROM json_each(?1))
                AND NOT EXISTS (SELECT 1 FROM main.attachments a WHERE a.sha256 = b.sha256)
                AND NOT EXISTS (SELECT 1 FROM main.visit_drafts d WHERE instr(d.body, b.sha256) > 0)",
            params![list],
        )
    }
}

#[cfg(test)]
mod tests;
