//! 导入: importing the household roster. The user picks a file (in the file dialog, or by
//! typing its path where no dialog can open), picks the sheet, sees the preview — counts,
//! problem rows, the column mapping (changeable by hand), what changes — and chooses 导入 or
//! 取消. Reading and importing show progress and disable the buttons while they run.

use super::app::{App, Page};
use super::widgets::{ERROR, Notice};
use crate::exchange::roster::{self, Action, Plan, Roster, Target, Workbook};
use crate::i18n::{t, tf};
use crate::store::Setting;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A file dialog that answers sooner than this never opened (no portal or zenity on this system).
const DIALOG_UNAVAILABLE: Duration = Duration::from_millis(300);

/// Work the screen runs on the frame after the one that shows its progress.
#[derive(Debug, Clone, PartialEq)]
enum Job {
    /// Read the file at the typed path.
    Open,
    /// Read another sheet of the open file.
    Sheet(String),
    /// Recompute the preview after the mapping changed.
    Replan,
    /// Write the preview's households.
    Import,
}

/// Which part of the preview is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum View {
    /// Rows with problems.
    #[default]
    Problems,
    /// The column mapping.
    Columns,
    /// What changes in households already registered.
    Changes,
}

/// State of the import screen.
#[derive(Default)]
pub struct ImportPage {
    /// The file's path, as typed or picked.
    pub path: String,
    book: Option<Workbook>,
    sheet: String,
    roster: Option<Roster>,
    plan: Option<Plan>,
    error: Option<String>,
    dialog_note: Option<String>,
    view: View,
    /// The job to run and whether its progress has been shown yet.
    pending: Option<(Job, bool)>,
}

impl ImportPage {
    fn start(&mut self, job: Job) {
        self.error = None;
        self.pending = Some((job, false));
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}

impl App {
    pub(super) fn show_import(&mut self, ui: &mut Ui) {
        self.run_pending_job(ui);
        let busy = self.import.busy();
        ui.heading(t("import.title"));
        ui.label(RichText::new(t("import.hint")).weak());
        ui.add_space(6.0);
        self.file_row(ui, busy);
        if let Some(note) = &self.import.dialog_note {
            ui.label(RichText::new(note).color(ERROR));
        }
        if let Some((job, _)) = &self.import.pending {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(t(if *job == Job::Import { "import.importing" } else { "import.reading" }));
            });
        }
        if let Some(error) = &self.import.error {
            ui.label(RichText::new(error).color(ERROR).strong());
        }
        if self.import.book.is_some() {
            self.sheet_row(ui, busy);
        }
        if self.import.plan.is_some() {
            self.preview(ui, busy);
        }
    }

    /// Runs the pending job once its progress has been on screen for a frame.
    fn run_pending_job(&mut self, ui: &Ui) {
        let Some((job, shown)) = self.import.pending.clone() else { return };
        ui.ctx().request_repaint();
        if !shown {
            self.import.pending = Some((job, true));
            return;
        }
        self.import.pending = None;
        match job {
            Job::Open => self.open_file(),
            Job::Sheet(name) => self.read_sheet(Some(&name)),
            Job::Replan => self.replan(),
            Job::Import => self.import_plan(),
        }
    }

    fn file_row(&mut self, ui: &mut Ui, busy: bool) {
        let page = &mut self.import;
        let mut job = None;
        ui.horizontal(|ui| {
            let l = ui.label(t("import.path"));
            let field = ui
                .add_enabled(
                    !busy,
                    egui::TextEdit::singleline(&mut page.path).hint_text(t("import.path_hint")).desired_width(520.0),
                )
                .labelled_by(l.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let ready = !busy && !page.path.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new(t("import.open"))).clicked() || (entered && ready) {
                job = Some(Job::Open);
            }
            if ui.add_enabled(!busy, egui::Button::new(t("import.choose"))).clicked() {
                let started = Instant::now();
                let picked =
                    rfd::FileDialog::new().add_filter(t("import.filter"), &["xlsx", "xls", "csv", "txt"]).pick_file();
                match picked {
                    Some(path) => {
                        page.path = path.display().to_string();
                        page.dialog_note = None;
                        job = Some(Job::Open);
                    }
                    None if started.elapsed() < DIALOG_UNAVAILABLE => {
                        page.dialog_note = Some(t("import.no_dialog").to_string());
                    }
                    None => page.dialog_note = Some(t("import.none_chosen").to_string()),
                }
            }
        });
        if let Some(job) = job {
            page.start(job);
        }
    }

    fn sheet_row(&mut self, ui: &mut Ui, busy: bool) {
        let page = &mut self.import;
        let Some(book) = &page.book else { return };
        let current = page.sheet.clone();
        let mut chosen = None;
        ui.horizontal(|ui| {
            let l = ui.label(t("import.sheet"));
            ui.add_enabled_ui(!busy, |ui| {
                egui::ComboBox::from_id_salt("import-sheet")
                    .selected_text(&current)
                    .show_ui(ui, |ui| {
                        for name in book.sheet_names() {
                            if ui.selectable_label(name == current, name).clicked() && name != current {
                                chosen = Some(name.to_string());
                            }
                        }
                    })
                    .response
                    .labelled_by(l.id);
            });
            if let Some(roster) = &page.roster {
                ui.label(tf("import.header_at", &[("row", &(roster.header.row + 1).to_string())]));
            }
        });
        if let Some(name) = chosen {
            page.sheet = name.clone();
            page.start(Job::Sheet(name));
        }
    }

    fn preview(&mut self, ui: &mut Ui, busy: bool) {
        let Some(plan) = &self.import.plan else { return };
        ui.separator();
        for line in roster::summary(plan) {
            ui.label(line);
        }
        let can_import = !busy && plan.has_households() && plan.has_changes();
        let counts = plan.counts;
        let changes = plan.households.iter().filter(|h| h.action == Action::Update).count();
        let mut action = None;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let import = egui::Button::new(RichText::new(t("import.do")).strong().size(16.0));
            if ui.add_enabled(can_import, import).clicked() {
                action = Some(true);
            }
            if ui.add_enabled(!busy, egui::Button::new(RichText::new(t("import.cancel")).size(16.0))).clicked() {
                action = Some(false);
            }
            if !plan.has_households() {
                ui.label(RichText::new(t("roster.nothing")).color(ERROR));
            } else if !plan.has_changes() {
                ui.label(t("roster.no_change"));
            }
        });
        ui.add_space(4.0);
        let page = &mut self.import;
        ui.horizontal(|ui| {
            let tabs = [
                (View::Problems, tf("import.tab_problems", &[("n", &counts.problem_rows.to_string())])),
                (View::Columns, t("import.tab_columns").to_string()),
                (View::Changes, tf("import.tab_changes", &[("n", &changes.to_string())])),
            ];
            for (view, text) in tabs {
                if ui.selectable_label(page.view == view, text).clicked() {
                    page.view = view;
                }
            }
        });
        ui.separator();
        match page.view {
            View::Problems => self.problem_table(ui),
            View::Columns => self.column_mapping(ui, busy),
            View::Changes => self.change_list(ui),
        }
        match action {
            Some(true) => self.import.start(Job::Import),
            Some(false) => self.cancel_import(),
            None => {}
        }
    }

    fn problem_table(&mut self, ui: &mut Ui) {
        let Some(plan) = &self.import.plan else { return };
        if plan.problems.is_empty() {
            ui.label(t("import.no_problems"));
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        TableBuilder::new(ui)
            .id_salt("import-problems")
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(70.0))
            .column(Column::exact(110.0))
            .column(Column::remainder().at_least(300.0).clip(true))
            .column(Column::exact(130.0))
            .header(24.0, |mut h| {
                for key in ["import.col_row", "import.col_column", "import.col_reason", "import.col_outcome"] {
                    h.col(|ui| {
                        ui.strong(t(key));
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, plan.problems.len(), |mut row| {
                    let p = &plan.problems[row.index()];
                    row.col(|ui| {
                        ui.label(tf("import.row_n", &[("n", &p.row.to_string())]));
                    });
                    row.col(|ui| {
                        ui.label(&p.column);
                    });
                    row.col(|ui| {
                        ui.label(&p.reason).on_hover_text(&p.reason);
                    });
                    row.col(|ui| {
                        let text = RichText::new(p.outcome());
                        ui.label(if p.skipped { text.color(ERROR) } else { text });
                    });
                });
            });
    }

    fn column_mapping(&mut self, ui: &mut Ui, busy: bool) {
        let Some(roster) = &mut self.import.roster else { return };
        let mut changed = false;
        ui.label(RichText::new(t("import.columns_hint")).weak());
        egui::ScrollArea::vertical().id_salt("import-columns").show(ui, |ui| {
            egui::Grid::new("import-columns-grid").num_columns(3).spacing([16.0, 6.0]).striped(true).show(ui, |ui| {
                for i in 0..roster.header.columns.len() {
                    let column = roster.header.columns[i].clone();
                    let label = if column.label.is_empty() { t("roster.col.no_label") } else { &column.label };
                    let l = ui.label(tf("import.column", &[("letters", &column.letters()), ("label", label)]));
                    let shown = column.target.map_or(t("roster.col.ignored"), Target::label);
                    let mut target = column.target;
                    ui.add_enabled_ui(!busy, |ui| {
                        egui::ComboBox::from_id_salt(("import-map", column.index))
                            .selected_text(shown)
                            .width(220.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut target, None, t("roster.col.ignored"));
                                for t in Target::ALL {
                                    ui.selectable_value(&mut target, Some(*t), t.label());
                                }
                            })
                            .response
                            .labelled_by(l.id);
                    });
                    if target != column.target {
                        roster.header.set_target(column.index, target);
                        changed = true;
                    }
                    let sample = roster.sample(column.index);
                    if !sample.is_empty() {
                        ui.label(RichText::new(tf("import.sample", &[("value", &sample)])).weak());
                    }
                    ui.end_row();
                }
            });
        });
        if changed {
            self.import.start(Job::Replan);
        }
    }

    fn change_list(&mut self, ui: &mut Ui) {
        let Some(plan) = &self.import.plan else { return };
        let updates: Vec<_> = plan.households.iter().filter(|h| h.action == Action::Update).collect();
        if updates.is_empty() {
            ui.label(t("import.no_changes"));
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        egui::ScrollArea::vertical().id_salt("import-changes").show_rows(ui, row_height, updates.len(), |ui, range| {
            for h in &updates[range] {
                let text = format!("{}：{}", roster::household_title(h), h.changes.join("；"));
                ui.add(egui::Label::new(&text).truncate()).on_hover_text(&text);
            }
        });
    }

    fn open_file(&mut self) {
        let path = PathBuf::from(self.import.path.trim());
        let page = &mut self.import;
        page.book = None;
        page.roster = None;
        page.plan = None;
        match Workbook::open(&path) {
            Ok(book) => {
                page.dialog_note = None;
                page.book = Some(book);
                self.read_sheet(None);
            }
            Err(e) => page.error = Some(e.to_string()),
        }
    }

    fn read_sheet(&mut self, name: Option<&str>) {
        let page = &mut self.import;
        let Some(book) = &page.book else { return };
        page.plan = None;
        page.roster = None;
        match Roster::read(book, name) {
            Ok(roster) => {
                page.sheet = roster.sheet.name.clone();
                page.roster = Some(roster);
                self.replan();
            }
            // The sheet picker stays, so another sheet can be chosen.
            Err(e) => page.error = Some(e.to_string()),
        }
    }

    fn replan(&mut self) {
        let (Some(store), Some(roster)) = (&self.store, &self.import.roster) else { return };
        let village = if self.villages.is_empty() { None } else { self.village.clone() };
        match roster::plan(store, roster, village, self.today) {
            Ok(plan) => {
                self.import.view = if plan.problems.is_empty() { View::Columns } else { View::Problems };
                self.import.plan = Some(plan);
            }
            Err(e) => {
                self.import.plan = None;
                self.import.error = Some(e.to_string());
            }
        }
    }

    fn import_plan(&mut self) {
        // The database may have changed since the preview (the user can leave this screen and
        // edit households): import only what the user saw, else show the new preview.
        let shown = self.import.plan.take();
        self.replan();
        let (Some(shown), Some(fresh)) = (shown, self.import.plan.as_ref()) else { return };
        if !same_preview(&shown, fresh) {
            self.import.error = Some(t("import.changed_meanwhile").to_string());
            return;
        }
        let (Some(store), Some(plan)) = (self.store.as_mut(), self.import.plan.as_ref()) else { return };
        let new_village = matches!(plan.village, roster::VillageTarget::New(_));
        let result = roster::import(store, plan, self.today, &crate::progress::Progress::none()).and_then(|done| {
            if new_village {
                store.set_setting(Setting::CurrentVillage, &done.village_id)?;
            }
            Ok(done)
        });
        match result {
            Ok(done) => {
                self.notice = Some(Notice::info(done.sentence()));
                self.import = ImportPage::default();
                self.reload_villages();
                self.page = Page::Households;
            }
            Err(e) => {
                self.import.error = Some(e.to_string());
                self.notice = Some(Notice::error(t("import.failed")));
            }
        }
    }

    fn cancel_import(&mut self) {
        self.import = ImportPage::default();
        self.notice = Some(Notice::info(t("import.cancelled")));
        self.page = if self.village.is_some() { Page::Households } else { Page::Welcome };
    }
}

/// Whether two previews would write the same.
fn same_preview(a: &Plan, b: &Plan) -> bool {
    let changes = |p: &Plan| p.households.iter().map(|h| (h.action, h.changes.clone())).collect::<Vec<_>>();
    a.counts == b.counts && a.new_cadres == b.new_cadres && a.village == b.village && changes(a) == changes(b)
}
