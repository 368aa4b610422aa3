//! 修改记录: what the audit log says about a household, a visit or a problem — who, when, on
//! which laptop, what changed (old → new, fields by their Chinese labels) — folded under one
//! header, newest first.

use crate::i18n::tf;
use crate::store::{AuditEntry, Store};
use egui::{RichText, Ui};

/// Entries shown before the rest are only counted.
const SHOWN: usize = 200;

/// `entries` as lines, each checklist item named by its question: made once when a page reads
/// its history, not in every frame.
pub fn lines(store: &Store, entries: Vec<AuditEntry>) -> Result<Vec<String>, String> {
    let questions = crate::checklist::item_questions(store).map_err(|e| e.to_string())?;
    Ok(entries.iter().map(|e| e.line(&questions)).collect())
}

/// Draws the lines of `entries` (newest first) under a folded header named by `salt`.
pub fn show(ui: &mut Ui, salt: &str, entries: &[String]) {
    let title = tf("audit.history", &[("n", &entries.len().to_string())]);
    egui::CollapsingHeader::new(RichText::new(title).strong()).id_salt(("history", salt)).show(ui, |ui| {
        for line in entries.iter().take(SHOWN) {
            ui.label(RichText::new(line).small());
        }
        if entries.len() > SHOWN {
            ui.label(tf("audit.history_more", &[("n", &(entries.len() - SHOWN).to_string())]));
        }
    });
}
