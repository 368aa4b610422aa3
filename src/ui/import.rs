//! 导入: importing the household roster. The user picks a file (in the file dialog, or by
//! typing its path where no dialog can open), picks the sheet, sees the preview — counts,
//! problem rows, the column mapping (changeable by hand), what changes — and chooses 导入 or
//! 取消. Reading, planning and importing run as background jobs: the window keeps drawing, shows
//! their progress and disables the buttons meanwhile.

use super::cx::{Cx, Route};
use super::jobs::Task;
use super::widgets::{Dialog, ERROR, run_dialog};
use crate::exchange::roster::{self, Action, Imported, Plan, Roster, Target, Workbook};
use crate::i18n::{t, tf};
use crate::model::register::Village;
use crate::store::{Setting, Store};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;

/// What a background job of this page brings back.
enum Outcome {
    /// A workbook read, with its sheet's roster and preview (or why the sheet could not be read).
    Read { book: Workbook, sheet: Result<(Roster, Plan), String> },
    /// A new preview after the column mapping changed.
    Planned(Plan),
    /// The households written.
    Imported(Imported),
    /// The database changed since the preview: this is the new one.
    Changed(Plan),
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
    /// The job running, if one is.
    task: Option<Task<Outcome>>,
}

/// Reads `sheet` (`None`: the first that looks like a roster) of `book` and plans its import.
fn read_sheet(
    store: &Store,
    book: &Workbook,
    sheet: Option<&str>,
    village: Option<Village>,
    today: NaiveDate,
) -> Result<(Roster, Plan), String> {
    let roster = Roster::read(book, sheet).map_err(|e| e.to_string())?;
    let plan = roster::plan(store, &roster, village, today).map_err(|e| e.to_string())?;
    Ok((roster, plan))
}

impl ImportPage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let busy = self.task.is_some();
        ui.heading(t("import.title"));
        ui.label(RichText::new(t("import.hint")).weak());
        ui.add_space(6.0);
        self.file_row(cx, ui, busy);
        if let Some(note) = &self.dialog_note {
            ui.label(RichText::new(note).color(ERROR));
        }
        if let Some(task) = &self.task {
            ui.horizontal(|ui| {
                super::widgets::busy(ui);
                ui.label(task.snapshot().step);
            });
        }
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(ERROR).strong());
        }
        if self.book.is_some() {
            self.sheet_row(cx, ui, busy);
        }
        if self.plan.is_some() {
            self.preview(cx, ui, busy);
        }
    }

    /// The village the roster goes into: the one in view, or (with none) one made from the file.
    fn village(cx: &Cx<'_>) -> Option<Village> {
        cx.village.cloned()
    }

    /// Starts a job whose step reads `step`.
    fn start(
        &mut self,
        cx: &mut Cx<'_>,
        step: &'static str,
        writes: bool,
        work: impl FnOnce(&mut Store, &crate::progress::Progress) -> Result<Outcome, String> + Send + 'static,
    ) {
        self.error = None;
        self.task = Some(cx.spawn(t("import.job").to_string(), writes, move |store, progress| {
            progress.step(t(step), 0);
            work(store, progress)
        }));
    }

    fn open_file(&mut self, cx: &mut Cx<'_>) {
        let path = PathBuf::from(self.path.trim());
        self.book = None;
        self.roster = None;
        self.plan = None;
        let (village, today) = (Self::village(cx), cx.today);
        self.start(cx, "import.reading", false, move |store, _| {
            let book = Workbook::open(&path).map_err(|e| e.to_string())?;
            let sheet = read_sheet(store, &book, None, village, today);
            Ok(Outcome::Read { book, sheet })
        });
    }

    fn read_other_sheet(&mut self, cx: &mut Cx<'_>, name: String) {
        let Some(book) = self.book.take() else { return };
        self.roster = None;
        self.plan = None;
        let (village, today) = (Self::village(cx), cx.today);
        self.start(cx, "import.reading", false, move |store, _| {
            let sheet = read_sheet(store, &book, Some(&name), village, today);
            Ok(Outcome::Read { book, sheet })
        });
    }

    fn replan(&mut self, cx: &mut Cx<'_>) {
        let Some(roster) = self.roster.clone() else { return };
        let (village, today) = (Self::village(cx), cx.today);
        self.start(cx, "import.reading", false, move |store, _| {
            roster::plan(store, &roster, village, today).map(Outcome::Planned).map_err(|e| e.to_string())
        });
    }

    /// Imports what the preview showed. The database may have changed since (the user can leave
    /// this screen and edit households): only what the user saw is written, else the new
    /// preview is shown.
    fn import(&mut self, cx: &mut Cx<'_>) {
        let (Some(roster), Some(shown)) = (self.roster.clone(), self.plan.clone()) else { return };
        let (village, today) = (Self::village(cx), cx.today);
        self.start(cx, "import.importing", true, move |store, progress| {
            let fresh = roster::plan(store, &roster, village, today).map_err(|e| e.to_string())?;
            if !same_preview(&shown, &fresh) {
                return Ok(Outcome::Changed(fresh));
            }
            let new_village = matches!(fresh.village, roster::VillageTarget::New(_));
            let done = roster::import(store, &fresh, today, progress).map_err(|e| e.to_string())?;
            if new_village {
                store.set_setting(Setting::CurrentVillage, &done.village_id).map_err(|e| e.to_string())?;
            }
            Ok(Outcome::Imported(done))
        });
    }

    /// Takes a finished job's result (also while another page is shown).
    pub fn poll(&mut self, cx: &mut Cx<'_>) {
        let Some(result) = self.task.as_ref().and_then(|t| t.poll()) else { return };
        self.task = None;
        match result {
            Err(e) => {
                if self.roster.is_some() {
                    cx.error(t("import.failed"));
                }
                self.error = Some(e);
            }
            Ok(Outcome::Read { book, sheet }) => {
                self.dialog_note = None;
                self.book = Some(book);
                match sheet {
                    Ok((roster, plan)) => {
                        self.sheet = roster.sheet.name.clone();
                        self.roster = Some(roster);
                        self.show_plan(plan);
                    }
                    // The sheet picker stays, so another sheet can be chosen.
                    Err(e) => self.error = Some(e),
                }
            }
            Ok(Outcome::Planned(plan)) => self.show_plan(plan),
            Ok(Outcome::Changed(plan)) => {
                self.show_plan(plan);
                self.error = Some(t("import.changed_meanwhile").to_string());
            }
            Ok(Outcome::Imported(done)) => {
                cx.info(done.sentence());
                *self = ImportPage::default();
                cx.go(Route::Households(None));
            }
        }
    }

    fn show_plan(&mut self, plan: Plan) {
        self.view = if plan.problems.is_empty() { View::Columns } else { View::Problems };
        self.plan = Some(plan);
    }

    fn file_row(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, busy: bool) {
        let mut open = false;
        ui.horizontal(|ui| {
            let l = ui.label(t("import.path"));
            let field = ui
                .add_enabled(
                    !busy,
                    egui::TextEdit::singleline(&mut self.path).hint_text(t("import.path_hint")).desired_width(520.0),
                )
                .labelled_by(l.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let ready = !busy && !self.path.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new(t("import.open"))).clicked() || (entered && ready) {
                open = true;
            }
            if ui.add_enabled(!busy, egui::Button::new(t("import.choose"))).clicked() {
                let dialog = rfd::FileDialog::new().add_filter(t("import.filter"), &["xlsx", "xls", "csv", "txt"]);
                match run_dialog(|| dialog.pick_file()) {
                    Dialog::Chosen(path) => {
                        self.path = path.display().to_string();
                        self.dialog_note = None;
                        open = true;
                    }
                    Dialog::Unavailable => self.dialog_note = Some(t("import.no_dialog").to_string()),
                    Dialog::Cancelled => self.dialog_note = Some(t("import.none_chosen").to_string()),
                }
            }
        });
        if open {
            self.open_file(cx);
        }
    }

    fn sheet_row(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, busy: bool) {
        let Some(book) = &self.book else { return };
        let current = self.sheet.clone();
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
            if let Some(roster) = &self.roster {
                ui.label(tf("import.header_at", &[("row", &(roster.header.row + 1).to_string())]));
            }
        });
        if let Some(name) = chosen {
            self.sheet = name.clone();
            self.read_other_sheet(cx, name);
        }
    }

    fn preview(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, busy: bool) {
        let Some(plan) = &self.plan else { return };
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
        ui.horizontal(|ui| {
            let tabs = [
                (View::Problems, tf("import.tab_problems", &[("n", &counts.problem_rows.to_string())])),
                (View::Columns, t("import.tab_columns").to_string()),
                (View::Changes, tf("import.tab_changes", &[("n", &changes.to_string())])),
            ];
            for (view, text) in tabs {
                if ui.selectable_label(self.view == view, text).clicked() {
                    self.view = view;
                }
            }
        });
        ui.separator();
        match self.view {
            View::Problems => self.problem_table(ui),
            View::Columns => self.column_mapping(cx, ui, busy),
            View::Changes => self.change_list(ui),
        }
        match action {
            Some(true) => self.import(cx),
            Some(false) => {
                *self = ImportPage::default();
                cx.info(t("import.cancelled"));
                cx.go(if cx.village.is_some() { Route::Households(None) } else { Route::Welcome });
            }
            None => {}
        }
    }

    fn problem_table(&mut self, ui: &mut Ui) {
        let Some(plan) = &self.plan else { return };
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

    fn column_mapping(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, busy: bool) {
        let Some(roster) = &mut self.roster else { return };
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
            self.replan(cx);
        }
    }

    fn change_list(&mut self, ui: &mut Ui) {
        let Some(plan) = &self.plan else { return };
        let updates: Vec<_> = plan.households.iter().filter(|h| h.action == Action::Update).collect();
        if updates.is_empty() {
            ui.label(t("import.no_changes"));
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        egui::ScrollArea::vertical().id_salt("import-changes").show_rows(ui, row_height, updates.len(), |ui, range| {
            for h in &updates[range] {
                let text = crate::i18n::labelled(&roster::household_title(h), &h.changes.join("；"));
                ui.add(egui::Label::new(&text).truncate()).on_hover_text(&text);
            }
        });
    }
}

/// Whether two previews would write the same.
fn same_preview(a: &Plan, b: &Plan) -> bool {
    let changes = |p: &Plan| p.households.iter().map(|h| (h.action, h.changes.clone())).collect::<Vec<_>>();
    a.counts == b.counts && a.new_cadres == b.new_cadres && a.village == b.village && changes(a) == changes(b)
}
