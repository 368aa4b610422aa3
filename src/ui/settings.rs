//! 设置: language, who I am (the cadre using this laptop), the village and its groups, backups
//! and the checklist templates.

use super::cache::Cached;
use super::cx::{Cx, Route};
use super::jobs::Task;
use super::widgets::{Dialog, load_error, run_dialog};
use crate::checklist;
use crate::i18n::{self, Lang, t, tf};
use crate::model::coded::Role;
use crate::model::search::{Query, SearchKey};
use crate::store::backup::{self, BackupInfo};
use crate::store::{CadreRow, PROPOSAL_DAYS, Setting, TemplateRow};
use egui::{RichText, Ui};
use std::path::PathBuf;

/// State of the 设置 page.
#[derive(Default)]
pub struct SettingsPage {
    cadres: Cached<(), Vec<CadreRow>>,
    templates: Cached<(), Vec<TemplateRow>>,
    /// The backups beside the database, newest first, read again after each backup.
    backup_list: Cached<(), Vec<BackupInfo>>,
    backup: Option<Task<PathBuf>>,
    /// The backup the user clicked 恢复 on, waiting for 确认恢复.
    restore_asked: Option<BackupInfo>,
    /// A restore running: the backup of what was there before it.
    restore: Option<Task<Option<PathBuf>>>,
    /// The stored 待确认 age limit, in days.
    limit: Cached<(), Option<String>>,
    /// What is typed to find oneself among the cadres.
    me_query: String,
    template: Option<Task<checklist::Loaded>>,
    /// 数据库密码.
    password: super::password::PasswordSection,
    /// 签批 PIN: the approver role, signing in, cadres' PINs.
    pins: super::pin_settings::PinSettings,
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
            ui.label(t("settings.me"));
            self.me_picker(ui, &cadres, &mut me);
            ui.end_row();
            ui.label(t("settings.village"));
            ui.horizontal(|ui| {
                if cx.village.is_none() && !cx.villages.is_empty() {
                    ui.label(RichText::new(tf("app.all_villages", &[("n", &cx.villages.len().to_string())])).strong());
                }
                if let Some(v) = cx.village {
                    ui.label(RichText::new(format!("{} · {} · {}", v.county, v.township, v.name)).strong());
                    ui.label(crate::i18n::labelled(t("field.threshold"), &format!("{} 元", v.income_threshold)));
                    if ui.button(t("settings.edit_village")).clicked() {
                        cx.go(Route::Village(Some(v.id.clone())));
                    }
                }
                if ui.button(t("settings.new_village")).clicked() {
                    cx.go(Route::Village(None));
                }
            });
            ui.end_row();
            let l = ui.label(t("settings.proposal_days"));
            self.proposal_days(cx, ui, l.id);
            ui.end_row();
            ui.label(t("settings.database"));
            ui.label(RichText::new(cx.store.path().display().to_string()).monospace());
            ui.end_row();
            ui.label(t("settings.backups"));
            self.backups(cx, ui);
            ui.end_row();
            ui.label(t("password.title"));
            self.password.ui(cx, ui);
            ui.end_row();
            ui.label(t("pins.title"));
            self.pins.ui(cx, ui, &cadres);
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

    /// 我是…: the cadre now chosen, and a search (name or pinyin initials) over the cadres with
    /// their roles, the first secretary first — a village has dozens of cadres.
    fn me_picker(&mut self, ui: &mut Ui, cadres: &[CadreRow], me: &mut Option<String>) {
        ui.vertical(|ui| {
            let current = me.as_ref().and_then(|id| cadres.iter().find(|c| &c.cadre.id == id));
            ui.horizontal(|ui| {
                let shown = current.map(|c| c.cadre.label()).unwrap_or_else(|| t("common.unset").to_string());
                ui.label(RichText::new(shown).strong());
                if current.is_some() && ui.small_button(t("settings.me_clear")).clicked() {
                    *me = None;
                }
            });
            let l = ui.label(t("settings.me_search"));
            ui.add(
                egui::TextEdit::singleline(&mut self.me_query)
                    .hint_text(t("settings.me_search_hint"))
                    .desired_width(240.0),
            )
            .labelled_by(l.id);
            let query = Query::new(&self.me_query);
            let mut found: Vec<&CadreRow> = cadres
                .iter()
                .filter(|c| query.is_empty() || SearchKey::new([c.cadre.name.as_str()], "", []).matches(&query))
                .collect();
            found.sort_by_key(|c| (c.cadre.role != Role::FirstSecretary, c.cadre.role.code()));
            egui::ScrollArea::vertical().id_salt("me-list").max_height(150.0).show(ui, |ui| {
                for c in found {
                    let text = format!(
                        "{}（{}，{}）",
                        c.cadre.name,
                        c.cadre.role.label(),
                        tf("cadres.load", &[("n", &c.households.to_string())])
                    );
                    if ui.selectable_label(me.as_deref() == Some(c.cadre.id.as_str()), text).clicked() {
                        *me = Some(c.cadre.id.clone());
                    }
                }
            });
        });
    }

    /// After how many days a finding still waiting to be confirmed is flagged on 首页看板.
    fn proposal_days(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, label: egui::Id) {
        let store = &*cx.store;
        let stored = self.limit.get(cx.revision, (), |_| store.setting(Setting::ProposalDays));
        let mut days = stored.ok().and_then(|s| s.as_deref()?.trim().parse::<i64>().ok()).unwrap_or(PROPOSAL_DAYS);
        let before = days;
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut days).range(1..=90).suffix(t("settings.days_suffix"))).labelled_by(label);
            ui.label(RichText::new(t("settings.proposal_days_hint")).weak());
        });
        if days != before {
            let r = cx.store.set_setting(Setting::ProposalDays, &days.to_string());
            cx.report(r, t("settings.saved"));
        }
    }

    fn backups(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let path = cx.store.path().to_path_buf();
        let list = self.backup_list.get(cx.revision, (), |_| Ok::<_, String>(backup::backups(&path)));
        ui.vertical(|ui| {
            // Wrapped: a long backup path must not push 立即备份 off the window.
            ui.horizontal_wrapped(|ui| {
                ui.label(match list.as_ref().ok().and_then(|l| l.first().cloned()) {
                    Some(b) => tf("settings.newest_backup", &[("path", &b.path.display().to_string())]),
                    None => t("settings.no_backup").to_string(),
                });
                let idle = self.backup.is_none() && self.restore.is_none();
                if ui.add_enabled(idle, egui::Button::new(t("settings.backup_now"))).clicked() {
                    self.backup = Some(cx.spawn(t("settings.backup_job").to_string(), false, |store, _| {
                        store.backup().map_err(|e| e.to_string())
                    }));
                }
            });
            match list {
                Ok(list) => self.backup_table(cx, ui, &list),
                Err(e) => load_error(ui, &e),
            }
        });
    }

    /// The backups with date, size and what they were made before; 恢复 on a row asks once.
    fn backup_table(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, list: &[BackupInfo]) {
        if let Some(asked) = self.restore_asked.clone() {
            ui.label(
                RichText::new(tf("settings.restore_ask", &[("when", &when(&asked)), ("reason", asked.reason.label())]))
                    .strong(),
            );
            ui.horizontal(|ui| {
                let blocked = cx.busy();
                if ui
                    .add_enabled(
                        blocked.is_none() && self.restore.is_none(),
                        egui::Button::new(t("settings.restore_confirm")),
                    )
                    .clicked()
                {
                    let from = asked.path.clone();
                    self.restore = Some(cx.spawn(t("settings.restore_job").to_string(), true, move |store, _| {
                        store.restore(&from).map_err(|e| e.to_string())
                    }));
                    self.restore_asked = None;
                }
                if ui.button(t("settings.restore_cancel")).clicked() {
                    self.restore_asked = None;
                }
                if let Some(why) = blocked {
                    ui.label(RichText::new(why).weak());
                }
            });
        }
        egui::Grid::new("settings-backups").num_columns(4).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            for b in list.iter().take(SHOWN_BACKUPS) {
                ui.label(when(b));
                ui.label(size(b.size));
                ui.label(b.reason.label());
                let idle = self.restore.is_none();
                let button = egui::Button::new(t("settings.restore"));
                if ui.add_enabled(idle, button).on_hover_text(b.path.display().to_string()).clicked() {
                    self.restore_asked = Some(b.clone());
                }
                ui.end_row();
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

    /// Takes the results of a backup, a restore or a template load.
    pub fn poll(&mut self, cx: &mut Cx<'_>) {
        if let Some(result) = self.backup.as_ref().and_then(|t| t.poll()) {
            self.backup = None;
            if let Some(p) = cx.report(result, "") {
                cx.info(tf("cli.backup_done", &[("path", &p.display().to_string())]));
            }
            self.backup_list = Cached::default();
        }
        if let Some(result) = self.restore.as_ref().and_then(|t| t.poll()) {
            self.restore = None;
            self.backup_list = Cached::default();
            if let Some(undo) = cx.report(result, "") {
                let undo = undo.map(|p| p.display().to_string()).unwrap_or_default();
                cx.info(tf("settings.restored", &[("undo", &undo)]));
            }
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

/// How many backups the list shows (the newest).
const SHOWN_BACKUPS: usize = 12;

/// When a backup was made, as people read it.
fn when(b: &BackupInfo) -> String {
    b.made.format("%Y-%m-%d %H:%M").to_string()
}

/// A file size in KB or MB.
fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
