//! The side panel of one problem: record it by hand or edit it, move it along its statuses,
//! add progress notes, and read its history.

use super::{LedgerData, LedgerPage, status_color};
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use crate::model::ledger::{GROUPS, Problem, Status, next_statuses};
use crate::model::register::Field;
use crate::model::search::Query;
use crate::store::{ProblemEvent, Store};
use crate::ui::cx::Cx;
use crate::ui::widgets::{ERROR, OK, date_field, field_error, line, text_field};
use egui::{RichText, Ui};

/// The problem open in the side panel.
pub(super) struct Detail {
    problem: Problem,
    events: Vec<ProblemEvent>,
    household_query: String,
    note: String,
    tried: bool,
    /// 已销号 was clicked: waiting for its confirmation.
    confirm_close: bool,
    /// 保存 was clicked with no 责任单位: it was asked for once; the next 保存 goes ahead.
    unit_asked: bool,
    /// The approver's PIN, asked before 销号.
    pin: crate::ui::pin_dialog::PinDialog,
    /// What the audit log says about the problem and its events.
    changes: Vec<String>,
}

impl Detail {
    /// A problem not yet stored (entered by hand, or a proposal being edited); without a
    /// deadline it gets the village's usual one, [`DEFAULT_DAYS`] after it was found.
    pub(super) fn new(mut problem: Problem) -> Self {
        if problem.id.is_empty() && problem.deadline.is_none() {
            problem.deadline = Some(problem.found + chrono::Days::new(DEFAULT_DAYS));
        }
        Detail {
            problem,
            events: Vec::new(),
            household_query: String::new(),
            note: String::new(),
            tried: false,
            confirm_close: false,
            unit_asked: false,
            pin: Default::default(),
            changes: Vec::new(),
        }
    }

    /// A stored problem with its history.
    pub(super) fn open(store: &Store, id: &str) -> Result<Self, String> {
        let problem =
            store.problem(id).map_err(|e| e.to_string())?.ok_or_else(|| tf("store.err.missing", &[("what", id)]))?;
        let events = store.problem_events(id).map_err(|e| e.to_string())?;
        let changes = crate::ui::history::lines(store, store.history_of("problems", id).map_err(|e| e.to_string())?)?;
        Ok(Detail { events, changes, ..Detail::new(problem) })
    }
}

impl LedgerPage {
    pub(super) fn detail_panel(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, data: &LedgerData) {
        let (households, rechecked) = (&data.households, &data.rechecked);
        let Some(d) = self.detail.as_mut() else { return };
        let is_new = d.problem.id.is_empty();
        let problems: Vec<_> =
            d.problem.problems().into_iter().filter(|p| d.tried || p.message != t("err.required")).collect();
        let mut action = None;
        ui.horizontal(|ui| {
            ui.heading(if is_new { t("ledger.new") } else { t("ledger.detail") });
            if !is_new {
                ui.label(RichText::new(d.problem.status.label()).color(status_color(d.problem.status)).strong());
            }
        });
        let editable = d.problem.status != Status::Closed;
        // Labels beside their fields where the panel is wide enough, above them where not.
        let grid = side_by_side(ui.available_width());
        let wide = if grid { 300.0 } else { ui.available_width() };
        let end_row = |ui: &mut Ui| {
            if grid {
                ui.end_row();
            } else {
                ui.add_space(4.0);
            }
        };
        let fields = |ui: &mut Ui| {
            let p = &mut d.problem;
            let l = ui.label(t("field.head_name"));
            ui.vertical(|ui| {
                let current = p
                    .household_id
                    .as_ref()
                    .and_then(|id| households.iter().find(|h| &h.id == id))
                    .map(|h| crate::i18n::aside(&h.head_name, crate::i18n::value(&h.group)))
                    .unwrap_or_else(|| t("ledger.whole_village").to_string());
                ui.label(RichText::new(current).strong()).labelled_by(l.id);
                if is_new {
                    let l = ui.label(t("ledger.find_household"));
                    ui.add(line(&mut d.household_query, 180.0).hint_text(t("ledger.household_hint"))).labelled_by(l.id);
                    let q = Query::new(&d.household_query);
                    if !q.is_empty() {
                        for h in households.iter().filter(|h| !h.archived && h.key.matches(&q)).take(6) {
                            if ui
                                .selectable_label(
                                    p.household_id.as_ref() == Some(&h.id),
                                    crate::i18n::aside(
                                        &h.head_name,
                                        &format!("{} {}", crate::i18n::value(&h.group), h.code),
                                    ),
                                )
                                .clicked()
                            {
                                p.household_id = Some(h.id.clone());
                            }
                        }
                    }
                    if ui.selectable_label(p.household_id.is_none(), t("ledger.whole_village")).clicked() {
                        p.household_id = None;
                    }
                }
            });
            end_row(ui);
            let l = ui.label(t("field.problem_group"));
            egui::ComboBox::from_id_salt("problem-group")
                .selected_text(crate::i18n::value(&p.group))
                .show_ui(ui, |ui| {
                    for g in GROUPS {
                        ui.selectable_value(&mut p.group, g.to_string(), crate::i18n::value(g));
                    }
                })
                .response
                .labelled_by(l.id);
            end_row(ui);
            let l = ui.label(t("field.description"));
            ui.vertical(|ui| {
                ui.add_enabled(
                    editable,
                    egui::TextEdit::multiline(&mut p.description).desired_rows(2).desired_width(wide),
                )
                .labelled_by(l.id);
                field_error(ui, &problems, Field::Description);
            });
            end_row(ui);
            let l = ui.label(t("field.found_date"));
            date_field(ui, l.id, &mut p.found, Some(cx.today));
            end_row(ui);
            let l = ui.label(t("field.deadline"));
            ui.vertical(|ui| {
                let mut has = p.deadline.is_some();
                ui.checkbox(&mut has, t("ledger.has_deadline"));
                match (has, p.deadline) {
                    (true, None) => p.deadline = Some(p.found + chrono::Days::new(DEFAULT_DAYS)),
                    (false, Some(_)) => p.deadline = None,
                    _ => {}
                }
                if let Some(dl) = p.deadline.as_mut() {
                    date_field(ui, l.id, dl, None);
                }
                field_error(ui, &problems, Field::Deadline);
            });
            end_row(ui);
            text_field(ui, t("field.responsible_person"), &mut p.responsible_person, 200.0, &problems, None);
            end_row(ui);
            text_field(ui, t("field.responsible_unit"), &mut p.responsible_unit, 200.0, &problems, None);
            end_row(ui);
            if d.unit_asked && p.responsible_unit.trim().is_empty() {
                if grid {
                    ui.label("");
                }
                ui.add(egui::Label::new(RichText::new(t("ledger.unit_asked")).color(ERROR)).wrap());
                end_row(ui);
            }
            let l = ui.label(t("field.measures"));
            ui.add(egui::TextEdit::multiline(&mut p.measures).desired_rows(2).desired_width(wide)).labelled_by(l.id);
            end_row(ui);
        };
        if grid {
            egui::Grid::new("problem-grid").num_columns(2).spacing([8.0, 6.0]).show(ui, fields);
        } else {
            ui.vertical(fields);
        }
        ui.horizontal(|ui| {
            if ui.add_enabled(editable, egui::Button::new(RichText::new(t("form.save")).strong())).clicked() {
                action = Some(DetailAction::Save);
            }
            if ui.button(t("form.cancel")).clicked() {
                action = Some(DetailAction::Close);
            }
        });
        if !is_new {
            ui.separator();
            let l = ui.label(t("ledger.note"));
            ui.add(
                egui::TextEdit::multiline(&mut d.note)
                    .desired_rows(2)
                    .desired_width(ui.available_width().min(400.0))
                    .hint_text(t("ledger.note_hint")),
            )
            .labelled_by(l.id);
            ui.horizontal_wrapped(|ui| {
                if ui.add_enabled(!d.note.trim().is_empty(), egui::Button::new(t("ledger.add_progress"))).clicked() {
                    action = Some(DetailAction::Progress);
                }
                if let Some(date) = rechecked.get(&d.problem.id) {
                    ui.label(RichText::new(tf("ledger.rechecked", &[("date", &date.to_string())])).color(OK));
                }
                // The next stage's button appears where the last one was: for a moment after a
                // change it takes no click, so a double-click cannot skip a stage.
                let now = ui.input(|i| i.time);
                let settling = self.last_move.is_some_and(|at| now - at < SETTLE_SECONDS);
                for to in next_statuses(d.problem.status) {
                    let label = tf("ledger.move_to", &[("status", to.label())]);
                    let b = ui.add_enabled(!settling, egui::Button::new(RichText::new(label).color(status_color(*to))));
                    if b.clicked() {
                        action = Some(DetailAction::Move(*to));
                    }
                }
            });
            if d.confirm_close {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(t("ledger.close_question")).color(ERROR).strong());
                    if ui.button(RichText::new(t("ledger.close_confirm")).color(ERROR).strong()).clicked() {
                        action = Some(DetailAction::CloseConfirmed);
                    }
                    if ui.button(t("form.cancel")).clicked() {
                        d.confirm_close = false;
                    }
                });
            }
            ui.separator();
            ui.label(RichText::new(t("ledger.history")).strong());
            for e in &d.events {
                let when = local_time(&e.at);
                let what = match (e.from, e.to) {
                    (Some(a), Some(b)) => format!("{} → {}", a.label(), b.label()),
                    (None, Some(b)) => b.label().to_string(),
                    _ => String::new(),
                };
                let who = if e.actor_name.is_empty() { String::new() } else { format!(" · {}", e.actor_name) };
                ui.label(
                    RichText::new(format!("{when}{who} · {} {what}", crate::i18n::value(&e.kind))).small().strong(),
                );
                if !e.note.is_empty() {
                    ui.label(&e.note);
                }
            }
        }
        if let Some(d) = self.detail.as_ref()
            && !d.changes.is_empty()
        {
            ui.add_space(8.0);
            crate::ui::history::show(ui, "problem", &d.changes);
        }
        if let Some(d) = self.detail.as_mut()
            && d.pin.show(cx) == crate::ui::pin_dialog::PinOutcome::Signed
        {
            action = Some(DetailAction::CloseConfirmed);
        }
        if let Some(a) = action {
            self.act(cx, a, ui.input(|i| i.time));
        }
    }

    fn act(&mut self, cx: &mut Cx<'_>, action: DetailAction, now: f64) {
        let Some(d) = self.detail.as_mut() else { return };
        let (actor, today) = (cx.actor(), cx.today);
        let store = &mut *cx.store;
        let id = d.problem.id.clone();
        let result = match action {
            DetailAction::Close => {
                self.detail = None;
                return;
            }
            DetailAction::Save
                if d.problem.responsible_unit.trim().is_empty() && !d.unit_asked && d.problem.problems().is_empty() =>
            {
                d.unit_asked = true;
                return;
            }
            DetailAction::Save => {
                d.tried = true;
                if d.problem.id.is_empty() && d.problem.visit_id.is_some() {
                    store.confirm_proposal(&mut d.problem, &actor).map(|_| t("ledger.confirmed"))
                } else {
                    store.save_problem(&mut d.problem, &actor).map(|_| t("ledger.saved"))
                }
            }
            DetailAction::Progress => {
                store.add_progress(&id, &d.note, &actor, today).map(|_| t("ledger.progress_added"))
            }
            DetailAction::Move(Status::Closed) => {
                // Striking off is final and reported upward: it is asked once more.
                d.confirm_close = true;
                return;
            }
            DetailAction::Move(to) => store.change_status(&id, to, &actor, &d.note, today).map(|_| to.label()),
            DetailAction::CloseConfirmed if store.signed_approver().is_none() => {
                d.pin.open(cx);
                return;
            }
            DetailAction::CloseConfirmed => {
                let to = Status::Closed;
                store.change_status(&id, to, &actor, &d.note, today).map(|_| to.label())
            }
        };
        self.last_move = Some(now);
        if let Some(msg) = cx.report(result, "") {
            let id = d.problem.id.clone();
            cx.info(msg);
            self.open(cx, &id);
        }
    }
}

enum DetailAction {
    Save,
    Close,
    Progress,
    Move(Status),
    CloseConfirmed,
}

/// The detail panel's width on a page `available` wide: at most 430 points (540 for English
/// words) and 40 % of the page, so the table beside it keeps its key columns readable; at least
/// 340, where the fields go under their labels.
pub(super) fn panel_width(available: f32) -> f32 {
    let widest = if crate::i18n::lang() == crate::i18n::Lang::En { 540.0 } else { 430.0 };
    (available * 0.4).clamp(340.0, widest)
}

/// Whether a panel `width` wide has room for the labels beside their fields.
fn side_by_side(width: f32) -> bool {
    width >= if crate::i18n::lang() == crate::i18n::Lang::En { 470.0 } else { 390.0 }
}

/// Days from finding a problem to its default 整改时限.
const DEFAULT_DAYS: u64 = 30;

/// Seconds after a status change during which the status buttons take no click.
const SETTLE_SECONDS: f64 = 0.5;
