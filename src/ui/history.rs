//! 修改记录: what the audit log says about a household, a visit or a problem — who, when, on
//! which laptop, what changed (old → new, fields by their Chinese labels) — folded under one
//! header, newest first.

use crate::i18n::tf;
use crate::store::AuditEntry;
use egui::{RichText, Ui};

/// Entries shown before the rest are only counted.
const SHOWN: usize = 200;

/// Draws `entries` (newest first) under a folded header named by `salt`.
pub fn show(ui: &mut Ui, salt: &str, entries: &[AuditEntry]) {
    let title = tf("audit.history", &[("n", &entries.len().to_string())]);
    egui::CollapsingHeader::new(RichText::new(title).strong()).id_salt(("history", salt)).show(ui, |ui| {
        for e in entries.iter().take(SHOWN) {
            ui.label(RichText::new(e.line()).small());
        }
        if entries.len() > SHOWN {
            ui.label(tf("audit.history_more", &[("n", &(entries.len() - SHOWN).to_string())]));
        }
    });
}
