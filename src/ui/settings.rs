//! 设置: language, who I am (the cadre using this laptop), the village and its groups.

use super::app::{App, Page};
use super::village_form::VillageForm;
use crate::i18n::{self, Lang, t, tf};
use crate::store::Setting;
use crate::store::backup;
use egui::{RichText, Ui};

impl App {
    pub(super) fn show_settings(&mut self, ui: &mut Ui) {
        ui.heading(t("settings.title"));
        ui.add_space(8.0);
        let mut lang = i18n::lang();
        let mut me = self.me.clone();
        let mut backup_now = false;
        let cadres = self.store.as_ref().map(|s| self.cadres.rows(s).to_vec()).unwrap_or_default();
        egui::Grid::new("settings-grid").num_columns(2).spacing([16.0, 10.0]).show(ui, |ui| {
            ui.label(t("settings.language"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut lang, Lang::Zh, "简体中文");
                ui.radio_value(&mut lang, Lang::En, "English");
            });
            ui.end_row();
            let l = ui.label(t("settings.me"));
            let shown = me
                .as_ref()
                .and_then(|id| cadres.iter().find(|c| &c.cadre.id == id))
                .map(|c| format!("{}（{}）", c.cadre.name, c.cadre.role.label()))
                .unwrap_or_else(|| t("common.unset").to_string());
            egui::ComboBox::from_id_salt("settings-me")
                .selected_text(shown)
                .width(240.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut me, None, t("common.unset"));
                    for c in cadres.iter().filter(|c| !c.cadre.archived) {
                        ui.selectable_value(
                            &mut me,
                            Some(c.cadre.id.clone()),
                            format!("{}（{}）", c.cadre.name, c.cadre.role.label()),
                        );
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(t("settings.village"));
            ui.horizontal(|ui| {
                if self.village.is_none() && !self.villages.is_empty() {
                    ui.label(
                        RichText::new(tf("app.all_villages", &[("n", &self.villages.len().to_string())])).strong(),
                    );
                }
                if let Some(v) = &self.village {
                    ui.label(RichText::new(format!("{} · {} · {}", v.county, v.township, v.name)).strong());
                    ui.label(format!("{}：{} 元", t("field.threshold"), v.income_threshold));
                    if ui.button(t("settings.edit_village")).clicked() {
                        self.village_form = Some(VillageForm::new(Some(v.clone())));
                        self.page = Page::VillageEdit;
                    }
                }
                if ui.button(t("settings.new_village")).clicked() {
                    self.village_form = Some(VillageForm::new(None));
                    self.page = Page::VillageEdit;
                }
            });
            ui.end_row();
            if let Some(store) = &self.store {
                ui.label(t("settings.database"));
                ui.label(RichText::new(store.path().display().to_string()).monospace());
                ui.end_row();
                ui.label(t("settings.backups"));
                ui.horizontal(|ui| {
                    let newest = backup::list_backups(store.path()).pop();
                    ui.label(match &newest {
                        Some(p) => tf("settings.newest_backup", &[("path", &p.display().to_string())]),
                        None => t("settings.no_backup").to_string(),
                    });
                    if ui.button(t("settings.backup_now")).clicked() {
                        backup_now = true;
                    }
                });
                ui.end_row();
            }
        });
        ui.label(RichText::new(t("settings.me_hint")).weak());
        if backup_now && let Some(store) = &self.store {
            let result = store.backup();
            let msg = result
                .as_ref()
                .map(|p| tf("cli.backup_done", &[("path", &p.display().to_string())]))
                .unwrap_or_default();
            self.report(result, &msg);
        }
        if lang != i18n::lang() {
            i18n::set_lang(lang);
            if let Some(store) = self.store.as_mut() {
                let r = store.set_setting(Setting::Language, lang.code());
                self.report(r, t("settings.saved"));
            }
        }
        if me != self.me {
            if let Some(store) = self.store.as_mut() {
                let r = store.set_setting(Setting::Me, me.as_deref().unwrap_or(""));
                self.report(r, t("settings.saved"));
            }
            self.me = me;
        }
    }
}
