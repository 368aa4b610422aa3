//! 导出/合并: export a village's package for the township or the first secretary, merge packages
//! from cadres' laptops or from villages — a preview first, conflicts settled by the user, then
//! one transaction — and export the ledgers as spreadsheets. Packing, the preview, merging and
//! the ledger export run as background jobs with their progress shown; merging can be cancelled,
//! leaving the database exactly as it was.

mod ledger_export;

use super::cx::Cx;
use super::jobs::Task;
use super::widgets::{Dialog, ERROR, run_dialog};
use crate::exchange::merge::{self, ConflictKey, Counts, FileReport, MergeReport, Settlement, Side};
use crate::exchange::package::{self, Manifest};
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use crate::model::register::Village;
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// State of the 导出/合并 screen.
#[derive(Default)]
pub struct ExchangePage {
    /// The village to export (the current one until another is chosen).
    village_id: Option<String>,
    /// Where the package goes, exactly as typed.
    out: String,
    /// Why the folder of `out` could not be made, when it could not.
    folder_failed: Option<String>,
    /// The file name last suggested: only while the path still ends with it does choosing
    /// another village suggest another (what the user typed is never rewritten).
    suggested: Option<String>,
    /// 包含照片原图: the package carries the full photos, not only their thumbnails.
    full_photos: bool,
    /// Packages chosen for merging.
    files: Vec<PathBuf>,
    /// A path being typed in, to add to `files`.
    typed: String,
    /// What merging `files` would do.
    preview: Option<MergeReport>,
    /// The side chosen for each conflict of the preview.
    choices: HashMap<ConflictKey, Side>,
    /// A package being written.
    packing: Option<Task<(PathBuf, Manifest)>>,
    /// A merge (or its preview) under way.
    merging: Option<(Task<MergeReport>, bool)>,
    /// The 导出台账 section.
    ledger: ledger_export::LedgerExport,
    /// Whether the package is sealed with a passphrase (加密（口令）).
    seal: bool,
    /// The passphrase to seal it with.
    seal_phrase: String,
    /// The passphrase of sealed packages chosen for merging.
    open_phrase: String,
}

impl ExchangePage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.heading(t("exchange.ui.title"));
        ui.add_space(6.0);
        egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.export_section(cx, ui);
            });
            ui.add_space(12.0);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.merge_section(cx, ui);
            });
            ui.add_space(12.0);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                self.ledger.ui(cx, ui);
            });
        });
    }

    /// Takes the results of finished jobs (also while another page is shown).
    pub fn poll(&mut self, cx: &mut Cx<'_>) {
        if let Some(result) = self.packing.as_ref().and_then(|t| t.poll()) {
            self.packing = None;
            if let Some((out, m)) = cx.report(result, "") {
                cx.info(tf(
                    "exchange.ui.exported",
                    &[
                        ("path", &out.display().to_string()),
                        ("village", &m.village_name),
                        ("households", &m.rows_of("households").to_string()),
                        ("visits", &m.rows_of("visits").to_string()),
                    ],
                ));
            }
        }
        if let Some(result) = self.merging.as_ref().and_then(|(t, _)| t.poll()) {
            let Some((_, write)) = self.merging.take() else { return };
            match result {
                Ok(report) if write => {
                    let c = report.totals();
                    let n = |x: usize| x.to_string();
                    cx.info(tf(
                        "exchange.ui.merged",
                        &[
                            ("n", &n(report.files.len())),
                            ("added", &n(c.added)),
                            ("updated", &n(c.updated)),
                            ("conflicts", &n(c.conflicts)),
                        ],
                    ));
                    self.files.clear();
                    self.preview = None;
                }
                Ok(report) => {
                    self.choices = report.conflicts().map(|c| (c.key.clone(), c.newer)).collect();
                    self.preview = Some(report);
                }
                Err(e) => {
                    // A failed or cancelled merge keeps its preview, to be confirmed again.
                    if !write {
                        self.preview = None;
                    }
                    cx.error(e);
                }
            }
        }
        self.ledger.poll(cx);
    }

    fn export_section(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.label(RichText::new(t("exchange.ui.export")).strong().size(17.0));
        ui.label(RichText::new(t("exchange.ui.export_hint")).weak());
        ui.add_space(6.0);
        let wanted = self.village_id.clone().or_else(|| cx.village_id().map(str::to_string));
        let Some(village) = cx.villages.iter().find(|v| Some(&v.id) == wanted.as_ref()).or(cx.villages.first()) else {
            ui.label(t("exchange.err.no_village"));
            return;
        };
        let village = village.clone();
        if self.suggested.is_none() {
            self.suggest(&village, cx.today);
        }
        egui::Grid::new("export-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            let l = ui.label(t("exchange.ui.village"));
            let mut chosen = village.id.clone();
            egui::ComboBox::from_id_salt("export-village")
                .selected_text(crate::i18n::aside(&village.name, &village.township))
                .show_ui(ui, |ui| {
                    for v in cx.villages {
                        ui.selectable_value(&mut chosen, v.id.clone(), crate::i18n::aside(&v.name, &v.township));
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            if chosen != village.id {
                if let Some(v) = cx.villages.iter().find(|v| v.id == chosen) {
                    self.suggest(v, cx.today);
                }
                self.village_id = Some(chosen);
            }
            let l = ui.label(t("exchange.ui.save_to"));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.out).desired_width(520.0)).labelled_by(l.id);
                if ui.button(t("exchange.ui.browse")).clicked() {
                    let start = PathBuf::from(self.out.trim());
                    let dialog = rfd::FileDialog::new()
                        .add_filter(t("exchange.ui.filter"), &[package::EXTENSION])
                        .set_file_name(start.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
                    let dialog = match start.parent().filter(|p| p.is_dir()) {
                        Some(dir) => dialog.set_directory(dir),
                        None => dialog,
                    };
                    match run_dialog(|| dialog.save_file()) {
                        Dialog::Chosen(path) => self.out = path.display().to_string(),
                        Dialog::Unavailable => cx.error(t("exchange.ui.no_dialog")),
                        Dialog::Cancelled => {}
                    }
                }
            });
            ui.end_row();
            missing_folder(ui, &self.out, &mut self.folder_failed);
            ui.label("");
            ui.checkbox(&mut self.seal, t("exchange.ui.seal"));
            ui.end_row();
            if self.seal {
                let l = ui.label(t("exchange.ui.seal_phrase"));
                ui.add(egui::TextEdit::singleline(&mut self.seal_phrase).password(true).desired_width(320.0))
                    .labelled_by(l.id);
                ui.end_row();
            }
        });
        if self.seal {
            ui.label(RichText::new(t("exchange.ui.seal_hint")).weak());
        }
        ui.add_space(6.0);
        ui.checkbox(&mut self.full_photos, t("exchange.ui.full_photos"))
            .on_hover_text(t("exchange.ui.full_photos_hint"));
        let idle = self.packing.is_none();
        if ui.add_enabled(idle, egui::Button::new(RichText::new(t("exchange.ui.export_button")).size(16.0))).clicked() {
            self.export(cx, &village);
        }
    }

    /// Puts the village's usual package name into the path, unless the user typed their own.
    fn suggest(&mut self, village: &Village, today: chrono::NaiveDate) {
        let name = package::default_file_name(&village.name, today);
        let typed = unquote(&self.out).file_name().map(|n| n.to_string_lossy().to_string());
        if self.suggested.is_none() || typed == self.suggested {
            self.out = in_folder_of(&self.out, &name);
        }
        self.suggested = Some(name);
    }

    fn export(&mut self, cx: &mut Cx<'_>, village: &Village) {
        let out = unquote(&self.out);
        if out.as_os_str().is_empty() {
            cx.error(t("exchange.ui.need_path"));
            return;
        }
        let phrase = self.seal.then(|| self.seal_phrase.clone());
        if phrase.as_ref().is_some_and(|p| p.chars().count() < 8) {
            cx.error(tf("cli.package.short", &[("n", "8")]));
            return;
        }
        let id = village.id.clone();
        let label = tf("exchange.ui.pack_job", &[("village", &village.name)]);
        let full_photos = self.full_photos;
        self.packing = Some(cx.spawn(label, false, move |store, progress| {
            package::pack_sealed(store, &id, &out, phrase.as_deref(), full_photos, progress)
                .map(|m| (out, m))
                .map_err(|e| e.to_string())
        }));
    }

    fn merge_section(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.label(RichText::new(t("exchange.ui.merge")).strong().size(17.0));
        ui.label(RichText::new(t("exchange.ui.merge_hint")).weak());
        ui.add_space(6.0);
        let busy = self.merging.is_some() || cx.busy().is_some();
        let mut remove = None;
        for (i, f) in self.files.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(f.display().to_string()).monospace());
                if ui.add_enabled(!busy, egui::Button::new(t("exchange.ui.remove")).small()).clicked() {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            self.files.remove(i);
            self.preview = None;
        }
        ui.horizontal(|ui| {
            let l = ui.label(t("exchange.ui.package_file"));
            let field = ui.add(egui::TextEdit::singleline(&mut self.typed).desired_width(420.0)).labelled_by(l.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(t("exchange.ui.add")).clicked() || entered {
                let typed = unquote(&std::mem::take(&mut self.typed));
                self.add_packages(vec![typed]);
            }
            if ui.button(t("exchange.ui.browse")).clicked() {
                let dialog = rfd::FileDialog::new().add_filter(t("exchange.ui.filter"), &[package::EXTENSION]);
                match run_dialog(|| dialog.pick_files()) {
                    Dialog::Chosen(files) => self.add_packages(files),
                    Dialog::Unavailable => cx.error(t("exchange.ui.no_dialog")),
                    Dialog::Cancelled => {}
                }
            }
        });
        if self.files.is_empty() {
            ui.label(RichText::new(t("exchange.ui.no_files")).weak());
            return;
        }
        if self.files.iter().any(|f| package::is_sealed(f).unwrap_or(false)) {
            ui.horizontal(|ui| {
                let l = ui.label(t("exchange.ui.open_phrase"));
                ui.add(egui::TextEdit::singleline(&mut self.open_phrase).password(true).desired_width(320.0))
                    .labelled_by(l.id);
            });
        }
        ui.add_space(6.0);
        if let Some(reason) = cx.busy().filter(|_| self.merging.is_none()) {
            ui.label(RichText::new(reason).color(ERROR));
        }
        let preview = egui::Button::new(RichText::new(t("exchange.ui.preview")).size(16.0));
        if ui.add_enabled(!busy, preview).clicked() {
            self.start_merge(cx, false);
        }
        if let Some(report) = self.preview.take() {
            ui.add_space(8.0);
            for f in &report.files {
                file_counts(ui, f);
            }
            self.conflicts(ui, &report);
            ui.add_space(8.0);
            let mut keep = true;
            ui.horizontal(|ui| {
                let confirm = egui::Button::new(RichText::new(t("exchange.ui.confirm")).size(16.0).strong());
                if ui.add_enabled(!busy, confirm).clicked() {
                    self.start_merge(cx, true);
                }
                if ui.add_enabled(!busy, egui::Button::new(t("exchange.ui.cancel"))).clicked() {
                    keep = false;
                }
            });
            if keep {
                self.preview = Some(report);
            }
        }
    }

    /// Adds package files not yet listed; a changed list needs a new preview.
    fn add_packages(&mut self, files: Vec<PathBuf>) {
        for f in files.into_iter().filter(|f| !f.as_os_str().is_empty()) {
            if !self.files.contains(&f) {
                self.files.push(f);
                self.preview = None;
            }
        }
    }

    /// Runs the merge of the listed packages on a worker: only its preview (rolled back), or
    /// for real with the conflicts settled as chosen.
    fn start_merge(&mut self, cx: &mut Cx<'_>, write: bool) {
        let files = self.files.clone();
        let settle =
            if write { Settlement { choices: self.choices.clone(), rest: None } } else { Settlement::newest() };
        let key = if write { "exchange.ui.merge_job" } else { "exchange.ui.preview_job" };
        let label = tf(key, &[("n", &files.len().to_string())]);
        let phrase = Some(self.open_phrase.clone()).filter(|p| !p.is_empty());
        let task = cx.spawn(label, true, move |store, progress| {
            merge::merge_sealed_if(store, &files, phrase.as_deref(), &settle, progress, |_| write)
                .map_err(|e| e.to_string())
        });
        self.merging = Some((task, write));
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
                        self.choices.insert(c.key.clone(), side.unwrap_or(c.newer));
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
                ui.label(crate::i18n::labelled(&merge::table_label(&c.key.table), &c.label));
                let fields: Vec<String> = c.fields.iter().map(merge::field_diff).collect();
                ui.label(fields.join("\n"));
                ui.label(local_time(&c.mine_at));
                ui.label(local_time(&c.theirs_at));
                let choice = self.choices.entry(c.key.clone()).or_insert(c.newer);
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

/// Under a save-to field: when the folder of the path typed is not there, says so and offers to
/// make it (a failure to make it is said in the same place).
fn missing_folder(ui: &mut Ui, typed: &str, failed: &mut Option<String>) {
    let path = unquote(typed);
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) else {
        *failed = None;
        return;
    };
    ui.label("");
    ui.horizontal_wrapped(|ui| {
        let text = tf("exchange.ui.no_folder", &[("path", &dir.display().to_string())]);
        ui.label(RichText::new(text).color(ERROR));
        if ui.button(t("exchange.ui.make_folder")).clicked() {
            *failed = std::fs::create_dir_all(dir).err().map(|e| {
                tf(
                    "exchange.ui.make_folder_failed",
                    &[("path", &dir.display().to_string()), ("reason", &e.to_string())],
                )
            });
        }
        if let Some(e) = failed {
            ui.label(RichText::new(e.as_str()).color(ERROR));
        }
    });
    ui.end_row();
}

/// The file `name` in `current`'s folder (else in the documents folder).
fn in_folder_of(current: &str, name: &str) -> String {
    let folder = unquote(current).parent().filter(|p| p.is_dir()).map(Path::to_path_buf).or_else(|| {
        let dirs = directories::UserDirs::new()?;
        Some(dirs.document_dir().unwrap_or(dirs.home_dir()).to_path_buf())
    });
    folder.map(|d| d.join(name)).unwrap_or_else(|| PathBuf::from(name)).display().to_string()
}
