//! 设置 → 走访清单: the stored checklist versions and loading a township's own template file.

use super::app::App;
use super::widgets::Notice;
use crate::checklist;
use crate::i18n::{t, tf};
use egui::{RichText, Ui};

impl App {
    /// The checklist part of 设置.
    pub(super) fn show_template_settings(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        ui.add_space(12.0);
        ui.label(RichText::new(t("templates.title")).strong().size(17.0));
        ui.label(RichText::new(t("templates.hint")).weak());
        let rows = store.templates().unwrap_or_default();
        egui::Grid::new("templates-grid").striped(true).num_columns(4).spacing([14.0, 4.0]).show(ui, |ui| {
            for key in ["templates.name", "templates.version", "templates.loaded", "templates.hash"] {
                ui.label(RichText::new(t(key)).strong());
            }
            ui.end_row();
            for r in &rows {
                ui.label(&r.name);
                ui.label(&r.version);
                ui.label(r.created_at.chars().take(10).collect::<String>());
                ui.monospace(&r.content_hash[..12]);
                ui.end_row();
            }
        });
        if ui.button(t("templates.load")).clicked() {
            self.load_template_file();
        }
    }

    fn load_template_file(&mut self) {
        let picked = rfd::FileDialog::new().add_filter(t("templates.filter"), &["toml"]).pick_file();
        let Some(path) = picked else {
            self.notice = Some(Notice::info(t("templates.no_file")));
            return;
        };
        let Some(store) = self.store.as_mut() else { return };
        self.notice = Some(match checklist::load_file(store, &path) {
            Ok(l) => {
                let key = if l.new { "cli.template_loaded" } else { "cli.template_known" };
                Notice::info(tf(key, &[("name", &l.name), ("version", &l.version)]))
            }
            Err(e) => Notice::error(e.to_string()),
        });
    }
}
