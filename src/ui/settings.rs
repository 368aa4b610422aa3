//! 设置: language, who I am (the cadre using this laptop), the village and its groups, backups
//! and the checklist templates.

use super::cache::Cached;
use super::cx::{Cx, Route};
use super::jobs::Task;
use super::widgets::{Dialog, load_error, run_dialog};
use crate::checklist;
use crate::i18n::{self, Lang, t, tf};
use crate::store::{CadreRow, Setting, TemplateRow, backup};
use egui::{RichText, Ui};
use std::path::PathBuf;

/// State of the 设置 page.
#[derive(Default)]
pub struct SettingsPage {
    cadres: Cached<(), Vec<CadreRow>>,
    templates: Cached<(), Vec<TemplateRow>>,
    /// The newest backup file, read again after each backup.
    newest_backup: Cached<(), Option<PathBuf>>,
    backup: Option<Task<PathBuf>>,
    template: Option<Task<checklist::Loaded>>,
}

impl SettingsPage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.heading(t("settings.title"));
        ui.add_space(8.0);
        let cadres = match self.cadres.get(cx.revision, (), |_| cx.store.cadres(false)) {
            Ok(c) => c,
            Err(e) => return load_error(ui, &e),
        };
        let mut lang = i18n::lang();
        let mut me = cx.me_id().map(str::to_string);
        egui::Grid::new("settings-grid").num_columns(2).spacing([16.0, 10.0]).show(ui, |ui| {
            ui.label(t("settings.language"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut lang, Lang::Zh, "简体中文");
                ui.radio_value(&mut lang, Lang::En, "English");
            });
            ui.end_row();
            let l = ui.label(t("settings.me"));
            let shown = cx.me.map(|m| m.cadre.label()).unwrap_or_else(|| t("common.unset").to_string());
            egui::ComboBox::from_id_salt("settings-me")
                .selected_text(shown)
                .width(240.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut me, None, t("common.unset"));
                    for c in cadres.iter() {
                        ui.selectable_value(&mut me, Some(c.cadre.id.clone()), c.cadre.label());
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(t("settings.village"));
            ui.horizontal(|ui| {
                if cx.village.is_none() && !cx.villages.is_empty() {
                    ui.label(RichText::new(tf("app.all_villages", &[("n", &cx.villages.len().to_string())])).strong());
                }
                if let Some(v) = cx.village {
                    ui.label(RichText::new(format!("{} · {} · {}", v.county, v.township, v.name)).strong());
                    ui.label(format!("{}：{} 元", t("field.threshold"), v.income_threshold));
                    if ui.button(t("settings.edit_village")).clicked() {
                        cx.go(Route::Village(Some(v.id.clone())));
                    }
                }
                if ui.button(t("settings.new_village")).clicked() {
                    cx.go(Route::Village(None));
                }
            });
            ui.end_row();
            ui.label(t("settings.database"));
            ui.label(RichText::new(cx.store.path().display().to_string()).monospace());
            ui.end_row();
            ui.label(t("settings.backups"));
            self.backups(cx, ui);
            ui.end_row();
        });
        ui.label(RichText::new(t("settings.me_hint")).weak());
        self.templates(cx, ui);
        if lang != i18n::lang() {
            i18n::set_lang(lang);
            let r = cx.store.set_setting(Setting::Language, lang.code());
            cx.report(r, t("settings.saved"));
        }
        if me.as_deref() != cx.me_id() {
            let r = cx.store.set_setting(Setting::Me, me.as_deref().unwrap_or(""));
            cx.report(r, t("settings.saved"));
        }
    }

    fn backups(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let path = cx.store.path().to_path_buf();
        let newest = self.newest_backup.get(cx.revision, (), |_| Ok::<_, String>(backup::list_backups(&path).pop()));
        ui.horizontal(|ui| {
            ui.label(match newest.ok().and_then(|n| (*n).clone()) {
                Some(p) => tf("settings.newest_backup", &[("path", &p.display().to_string())]),
                None => t("settings.no_backup").to_string(),
            });
            let idle = self.backup.is_none();
            if ui.add_enabled(idle, egui::Button::new(t("settings.backup_now"))).clicked() {
                self.backup = Some(cx.spawn(t("settings.backup_job").to_string(), false, |store, _| {
                    store.backup().map_err(|e| e.to_string())
                }));
            }
        });
    }

    fn templates(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.add_space(12.0);
        ui.label(RichText::new(t("templates.title")).strong().size(17.0));
        ui.label(RichText::new(t("templates.hint")).weak());
        match self.templates.get(cx.revision, (), |_| cx.store.templates()) {
            Ok(rows) => template_table(ui, &rows),
            Err(e) => load_error(ui, &e),
        }
        if ui.add_enabled(self.template.is_none(), egui::Button::new(t("templates.load"))).clicked() {
            let dialog = rfd::FileDialog::new().add_filter(t("templates.filter"), &["toml"]);
            match run_dialog(|| dialog.pick_file()) {
                Dialog::Chosen(path) => {
                    self.template = Some(cx.spawn(t("templates.load_job").to_string(), true, move |store, _| {
                        checklist::load_file(store, &path).map_err(|e| e.to_string())
                    }));
                }
                Dialog::Cancelled => cx.info(t("templates.no_file")),
                Dialog::Unavailable => cx.error(t("templates.no_dialog")),
            }
        }
    }

    /// Takes the results of a backup or a template load.
    pub fn poll(&mut self, cx: &mut Cx<'_>) {
        if let Some(result) = self.backup.as_ref().and_then(|t| t.poll()) {
            self.backup = None;
            if let Some(p) = cx.report(result, "") {
                cx.info(tf("cli.backup_done", &[("path", &p.display().to_string())]));
            }
            self.newest_backup = Cached::default();
        }
        if let Some(result) = self.template.as_ref().and_then(|t| t.poll()) {
            self.template = None;
            if let Some(l) = cx.report(result, "") {
                let key = if l.new { "cli.template_loaded" } else { "cli.template_known" };
                cx.info(tf(key, &[("name", &l.name), ("version", &l.version)]));
            }
        }
    }
}

/// The stored checklist versions.
fn template_table(ui: &mut Ui, rows: &[TemplateRow]) {
    egui::Grid::new("templates-grid").striped(true).num_columns(4).spacing([14.0, 4.0]).show(ui, |ui| {
        for key in ["templates.name", "templates.version", "templates.loaded", "templates.hash"] {
            ui.label(RichText::new(t(key)).strong());
        }
        ui.end_row();
        for r in rows {
            ui.label(&r.name);
            ui.label(&r.version);
            ui.label(r.created_at.chars().take(10).collect::<String>());
            ui.monospace(r.content_hash.get(..12).unwrap_or(&r.content_hash));
            ui.end_row();
        }
    });
}
