//! 导出/合并: export a village's package for the township or the first secretary, merge packages
//! from cadres' laptops or from villages — a preview first, conflicts settled by the user, then
//! one transaction — and export the ledgers as spreadsheets.

mod ledger_export;

use super::app::App;
use super::widgets::{ERROR, Notice};
use crate::exchange::merge::{self, ConflictKey, Counts, FileReport, MergeReport, Settlement, Side};
use crate::exchange::package;
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use crate::model::register::Village;
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A file dialog that answers "nothing chosen" sooner than this never opened: there is no
/// desktop portal and no zenity on this computer.
const NO_DIALOG: Duration = Duration::from_millis(300);

/// State of the 导出/合并 screen.
#[derive(Default)]
pub struct ExchangePage {
    /// The village to export (the current one until another is chosen).
    village_id: Option<String>,
    /// Where the package goes.
    out: String,
    /// Packages chosen for merging.
    files: Vec<PathBuf>,
    /// A path being typed in, to add to `files`.
    typed: String,
    /// What merging `files` would do.
    preview: Option<MergeReport>,
    /// The side chosen for each conflict of the preview.
    choices: HashMap<ConflictKey, Side>,
    /// The 导出台账 section.
    pub(super) ledger: ledger_export::LedgerExport,
}

impl App {
    pub(super) fn show_exchange(&mut self, ui: &mut Ui) {
        ui.heading(t("exchange.ui.title"));
        ui.add_space(6.0);
        egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.export_section(ui);
            });
            ui.add_space(12.0);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.merge_section(ui);
            });
            ui.add_space(12.0);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.ledger_export_section(ui);
            });
        });
    }

    fn export_section(&mut self, ui: &mut Ui) {
        ui.label(RichText::new(t("exchange.ui.export")).strong().size(17.0));
        ui.label(RichText::new(t("exchange.ui.export_hint")).weak());
        ui.add_space(6.0);
        let wanted = self.exchange.village_id.clone().or_else(|| self.village.as_ref().map(|v| v.id.clone()));
        let Some(village) = self.villages.iter().find(|v| Some(&v.id) == wanted.as_ref()).or(self.villages.first())
        else {
            ui.label(t("exchange.err.no_village"));
            return;
        };
        let village = village.clone();
        if self.exchange.out.is_empty() {
            self.exchange.out = default_out(&self.exchange.out, &village, self.today);
        }
        egui::Grid::new("export-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            let l = ui.label(t("exchange.ui.village"));
            let mut chosen = village.id.clone();
            egui::ComboBox::from_id_salt("export-village")
                .selected_text(format!("{}（{}）", village.name, village.township))
                .show_ui(ui, |ui| {
                    for v in &self.villages {
                        ui.selectable_value(&mut chosen, v.id.clone(), format!("{}（{}）", v.name, v.township));
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            if chosen != village.id {
                if let Some(v) = self.villages.iter().find(|v| v.id == chosen) {
                    self.exchange.out = default_out(&self.exchange.out, v, self.today);
                }
                self.exchange.village_id = Some(chosen);
            }
            let l = ui.label(t("exchange.ui.save_to"));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.exchange.out).desired_width(520.0)).labelled_by(l.id);
                if ui.button(t("exchange.ui.browse")).clicked() {
                    let start = PathBuf::from(self.exchange.out.trim());
                    let dialog = rfd::FileDialog::new()
                        .add_filter(t("exchange.ui.filter"), &[package::EXTENSION])
                        .set_file_name(start.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
                    let dialog = match start.parent().filter(|p| p.is_dir()) {
                        Some(dir) => dialog.set_directory(dir),
                        None => dialog,
                    };
                    if let Some(path) = self.run_dialog(t("exchange.ui.no_dialog").to_string(), || dialog.save_file()) {
                        self.exchange.out = path.display().to_string();
                    }
                }
            });
            ui.end_row();
        });
        ui.add_space(6.0);
        if ui.button(RichText::new(t("exchange.ui.export_button")).size(16.0)).clicked() {
            self.export(&village);
        }
    }

    fn export(&mut self, village: &Village) {
        let Some(store) = &self.store else { return };
        let out = unquote(&self.exchange.out);
        if out.as_os_str().is_empty() {
            self.notice = Some(Notice::error(t("exchange.ui.need_path")));
            return;
        }
        self.notice = Some(match package::pack(store, &village.id, &out, &crate::progress::Progress::none()) {
            Ok(m) => Notice::info(tf(
                "exchange.ui.exported",
                &[
                    ("path", &out.display().to_string()),
                    ("village", &m.village_name),
                    ("households", &m.rows_of("households").to_string()),
                    ("visits", &m.rows_of("visits").to_string()),
                ],
            )),
            Err(e) => Notice::error(e.to_string()),
        });
    }

    fn merge_section(&mut self, ui: &mut Ui) {
        ui.label(RichText::new(t("exchange.ui.merge")).strong().size(17.0));
        ui.label(RichText::new(t("exchange.ui.merge_hint")).weak());
        ui.add_space(6.0);
        let mut remove = None;
        for (i, f) in self.exchange.files.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(f.display().to_string()).monospace());
                if ui.small_button(t("exchange.ui.remove")).clicked() {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            self.exchange.files.remove(i);
            self.exchange.preview = None;
        }
        ui.horizontal(|ui| {
            let l = ui.label(t("exchange.ui.package_file"));
            let field =
                ui.add(egui::TextEdit::singleline(&mut self.exchange.typed).desired_width(420.0)).labelled_by(l.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(t("exchange.ui.add")).clicked() || entered {
                let typed = unquote(&std::mem::take(&mut self.exchange.typed));
                self.add_packages(vec![typed]);
            }
            if ui.button(t("exchange.ui.browse")).clicked() {
                let dialog = rfd::FileDialog::new().add_filter(t("exchange.ui.filter"), &[package::EXTENSION]);
                if let Some(files) = self.run_dialog(t("exchange.ui.no_dialog").to_string(), || dialog.pick_files()) {
                    self.add_packages(files);
                }
            }
        });
        if self.exchange.files.is_empty() {
            ui.label(RichText::new(t("exchange.ui.no_files")).weak());
            return;
        }
        ui.add_space(6.0);
        if ui.button(RichText::new(t("exchange.ui.preview")).size(16.0)).clicked() {
            self.preview_merge();
        }
        if let Some(report) = self.exchange.preview.clone() {
            ui.add_space(8.0);
            for f in &report.files {
                file_counts(ui, f);
            }
            self.conflicts(ui, &report);
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new(t("exchange.ui.confirm")).size(16.0).strong()).clicked() {
                    self.confirm_merge();
                }
                if ui.button(t("exchange.ui.cancel")).clicked() {
                    self.exchange.preview = None;
                }
            });
        }
    }

    /// Adds package files not yet listed; a changed list needs a new preview.
    fn add_packages(&mut self, files: Vec<PathBuf>) {
        for f in files.into_iter().filter(|f| !f.as_os_str().is_empty()) {
            if !self.exchange.files.contains(&f) {
                self.exchange.files.push(f);
                self.exchange.preview = None;
            }
        }
    }

    /// Runs a file dialog; when it could not open at all, says so (`unavailable`) so the user
    /// turns to the path field.
    fn run_dialog<T>(&mut self, unavailable: String, open: impl FnOnce() -> Option<T>) -> Option<T> {
        let started = Instant::now();
        let chosen = open();
        if chosen.is_none() && started.elapsed() < NO_DIALOG {
            self.notice = Some(Notice::error(unavailable));
        }
        chosen
    }

    fn preview_merge(&mut self) {
        let Some(store) = &mut self.store else { return };
        match merge::preview(store, &self.exchange.files, &Settlement::newest()) {
            Ok(report) => {
                self.exchange.choices = report.conflicts().map(|c| (c.key.clone(), c.newer)).collect();
                self.exchange.preview = Some(report);
                self.notice = None;
            }
            Err(e) => {
                self.exchange.preview = None;
                self.notice = Some(Notice::error(e.to_string()));
            }
        }
    }

    fn confirm_merge(&mut self) {
        let Some(store) = &mut self.store else { return };
        let settle = Settlement { choices: self.exchange.choices.clone(), rest: None };
        match merge::merge(store, &self.exchange.files, &settle) {
            Ok(report) => {
                let c = report.totals();
                let n = |x: usize| x.to_string();
                self.notice = Some(Notice::info(tf(
                    "exchange.ui.merged",
                    &[
                        ("n", &n(report.files.len())),
                        ("added", &n(c.added)),
                        ("updated", &n(c.updated)),
                        ("conflicts", &n(c.conflicts)),
                    ],
                )));
                self.exchange.files.clear();
                self.exchange.preview = None;
                self.reload_villages();
            }
            Err(e) => self.notice = Some(Notice::error(e.to_string())),
        }
    }

    /// The conflicts of the preview, each with its keep-mine / take-theirs choice.
    fn conflicts(&mut self, ui: &mut Ui, report: &MergeReport) {
        let conflicts: Vec<_> = report.conflicts().collect();
        if conflicts.is_empty() {
            return;
        }
        ui.add_space(8.0);
        ui.label(
            RichText::new(tf("exchange.ui.conflicts", &[("n", &conflicts.len().to_string())])).color(ERROR).strong(),
        );
        ui.horizontal(|ui| {
            let all = [
                ("exchange.ui.all_newer", None),
                ("exchange.ui.all_mine", Some(Side::Mine)),
                ("exchange.ui.all_theirs", Some(Side::Theirs)),
            ];
            for (key, side) in all {
                if ui.button(t(key)).clicked() {
                    for c in &conflicts {
                        self.exchange.choices.insert(c.key.clone(), side.unwrap_or(c.newer));
                    }
                }
            }
        });
        egui::Grid::new("conflict-grid").num_columns(5).striped(true).spacing([12.0, 6.0]).show(ui, |ui| {
            let header = [
                "exchange.ui.record",
                "exchange.ui.differs",
                "exchange.ui.mine_at",
                "exchange.ui.theirs_at",
                "exchange.ui.keep",
            ];
            for key in header {
                ui.strong(t(key));
            }
            ui.end_row();
            for c in &conflicts {
                ui.label(format!("{}：{}", merge::table_label(&c.key.table), c.label));
                let fields: Vec<String> = c.fields.iter().map(merge::field_diff).collect();
                ui.label(fields.join("\n"));
                ui.label(local_time(&c.mine_at));
                ui.label(local_time(&c.theirs_at));
                let choice = self.exchange.choices.entry(c.key.clone()).or_insert(c.newer);
                ui.horizontal(|ui| {
                    for side in [Side::Mine, Side::Theirs] {
                        let mut text = merge::side_label(side).to_string();
                        if side == c.newer {
                            text.push_str(t("exchange.ui.newer"));
                        }
                        ui.radio_value(choice, side, text);
                    }
                });
                ui.end_row();
            }
        });
    }
}

/// One package's line and its counts per table.
fn file_counts(ui: &mut Ui, f: &FileReport) {
    ui.label(RichText::new(merge::file_line(f)).strong());
    egui::Grid::new(("counts", f.path.display().to_string())).num_columns(6).striped(true).spacing([18.0, 4.0]).show(
        ui,
        |ui| {
            for key in [
                "exchange.ui.table",
                "exchange.ui.added",
                "exchange.ui.updated",
                "exchange.ui.unchanged",
                "exchange.ui.kept",
                "exchange.ui.conflict_count",
            ] {
                ui.strong(t(key));
            }
            ui.end_row();
            for (table, c) in f.tables.iter().filter(|(_, c)| c.total() > 0) {
                ui.label(merge::table_label(table));
                let Counts { added, updated, unchanged, kept, conflicts } = *c;
                for n in [added, updated, unchanged, kept, conflicts] {
                    ui.label(n.to_string());
                }
                ui.end_row();
            }
        },
    );
    ui.add_space(6.0);
}

/// The path in a field, without the quotes Windows' "copy as path" puts around it.
fn unquote(text: &str) -> PathBuf {
    PathBuf::from(text.trim().trim_matches('"'))
}

/// `current`'s folder (else the documents folder) with the village's usual package name.
fn default_out(current: &str, village: &Village, today: chrono::NaiveDate) -> String {
    in_folder_of(current, &package::default_file_name(&village.name, today))
}

/// The file `name` in `current`'s folder (else in the documents folder).
fn in_folder_of(current: &str, name: &str) -> String {
    let folder = unquote(current).parent().filter(|p| p.is_dir()).map(Path::to_path_buf).or_else(|| {
        let dirs = directories::UserDirs::new()?;
        Some(dirs.document_dir().unwrap_or(dirs.home_dir()).to_path_buf())
    });
    folder.map(|d| d.join(name)).unwrap_or_else(|| PathBuf::from(name)).display().to_string()
}

#[cfg(test)]
mod tests;
