//! 走访表单: recording a visit to a household. The checklist is grouped under collapsible
//! headers; items that do not apply are hidden (or shown as 不适用); 是/否/不适用 are large
//! toggles that work from the keyboard (Tab, arrows, Space/Enter, or 1/2/3 which also move on to
//! the next item); problem answers are highlighted and listed at the bottom as proposed ledger
//! entries. What is typed is kept as a draft in the database while typing; Ctrl+S saves.
//!
//! Photos and signatures can be taken on a new visit too: they are held with the form and saved
//! with the visit in one transaction. Until then they are part of what the form keeps: the draft
//! names them (so leaving the form, or a crash, loses none of them — they come back with the
//! draft), 返回 asks before throwing them away, and once a side has signed the answers are locked
//! as on a saved signed visit.

use super::cx::{Cx, Route};
use super::evidence::Evidence;
use super::visit_items::{ItemOutcome, item_row};
use super::widgets::{ERROR, OK, date_field};
use crate::checklist::{Applies, Catalog, Context, ItemRole, ProblemRule, Template};
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use crate::model::register::{Household, Member};
use crate::model::visit::{HouseholdFacts, Proposal, ReviewStatus, Visit, VisitKind, YES};
use crate::store::{CadreRow, NewEvidence, Store};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::rc::Rc;

/// Seconds between draft writes while typing.
const DRAFT_EVERY: f64 = 1.0;

/// The state of the visit form.
pub struct VisitForm {
    /// The visit being recorded or edited.
    pub visit: Visit,
    original: Visit,
    template: Rc<Template>,
    household: Household,
    members: Vec<Member>,
    threshold: f64,
    /// Shown only: a saved visit opened from the history.
    pub read_only: bool,
    /// Items that do not apply are listed (as 不适用) too.
    show_not_applicable: bool,
    /// Index of the item to give keyboard focus next frame.
    focus: Option<usize>,
    /// What was last written as a draft (the visit and the photos and signatures held), and when.
    drafted: Option<(Visit, NewEvidence, f64)>,
    confirm: Option<Confirm>,
    /// The cadres to choose from, read when the form opened.
    cadres: Vec<CadreRow>,
    /// The first secretary's comment when the visit is reviewed here.
    review_comment: String,
    /// Why the last review click was refused, shown beside the comment.
    review_error: Option<String>,
    /// The approver's PIN, asked before a review is recorded; the review waiting for it.
    pin: super::pin_dialog::PinDialog,
    pin_waiting: Option<bool>,
    /// The saved visit's history from the audit log.
    changes: super::cache::Cached<String, Vec<String>>,
    /// What became of the saved visit's problem answers proposed for the ledger, by item.
    proposals: super::cache::Cached<String, HashMap<String, Proposal>>,
    /// Where 返回 goes.
    back_to: Route,
    /// Photos and signatures: written at once on a saved visit, held until saving on a new one.
    evidence: Evidence,
}

/// What a draft holds: the visit as typed and, for a new visit, the photos and signatures taken.
/// A draft written before photos could be taken on a new visit reads with none.
#[derive(serde::Serialize, serde::Deserialize)]
struct DraftBody {
    #[serde(flatten)]
    visit: Visit,
    #[serde(default, skip_serializing_if = "NewEvidence::is_empty_and_unstaged")]
    evidence: NewEvidence,
}

/// A question the form is waiting on.
#[derive(Debug, Clone, PartialEq)]
enum Confirm {
    /// The same cadre already visited this household this month (on this date).
    SameMonth(NaiveDate),
    /// Leave without saving?
    Discard,
    /// Saving with items unanswered, or with problems answered 是 (items worded so that 是 is
    /// the bad answer, easily given by rhythm): the questions of each.
    Unfinished { unanswered: Vec<String>, inverted: Vec<String> },
}

impl VisitForm {
    /// A new visit to `household_id` by its assigned cadre (else by `me`); a draft left by a
    /// crash is recovered: the second value says when it was written.
    pub fn new_visit(
        store: &Store,
        catalog: &mut Catalog,
        household_id: &str,
        me: Option<String>,
        today: NaiveDate,
        back_to: Route,
    ) -> Result<(Self, Option<String>), String> {
        let assigned = store
            .assignment_history(household_id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|a| a.assignment.end.is_none())
            .map(|a| a.assignment.cadre_id);
        let cadre = assigned.or(me).unwrap_or_default();
        let (template_id, template) = catalog.current(store, VisitKind::Monthly).map_err(|e| e.to_string())?;
        let blank = Visit::new(household_id, &cadre, today, VisitKind::Monthly, &template_id);
        let mut form = Self::with_visit(store, blank.clone(), template, false, back_to)?;
        let recovered = form.recover_draft(store, catalog);
        form.focus = Some(0);
        Ok((form, recovered))
    }

    /// A saved visit, shown read-only.
    pub fn open(store: &Store, catalog: &mut Catalog, visit_id: &str, back_to: Route) -> Result<Self, String> {
        let visit = store.visit(visit_id).map_err(|e| e.to_string())?.ok_or_else(|| t("visit.gone").to_string())?;
        let template = catalog.get(store, &visit.template_id).map_err(|e| e.to_string())?;
        Self::with_visit(store, visit, template, true, back_to)
    }

    fn with_visit(
        store: &Store,
        visit: Visit,
        template: Rc<Template>,
        read_only: bool,
        back_to: Route,
    ) -> Result<Self, String> {
        let (household, members) = store
            .household(&visit.household_id)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| t("visit.gone").to_string())?;
        let threshold = store
            .village(&household.village_id)
            .map_err(|e| e.to_string())?
            .map_or(crate::model::register::DEFAULT_INCOME_THRESHOLD, |v| v.income_threshold);
        let cadres = store.cadres(false).map_err(|e| e.to_string())?;
        let evidence =
            if visit.id.is_empty() { Evidence::pending(NewEvidence::default()) } else { Evidence::new(&visit.id) };
        Ok(VisitForm {
            evidence,
            original: visit.clone(),
            visit,
            template,
            household,
            members,
            threshold,
            read_only,
            show_not_applicable: false,
            focus: None,
            drafted: None,
            confirm: None,
            cadres,
            review_comment: String::new(),
            review_error: None,
            pin: Default::default(),
            pin_waiting: None,
            changes: Default::default(),
            proposals: Default::default(),
            back_to,
        })
    }

    /// Starts editing a saved visit, recovering its draft if one was left.
    pub fn start_editing(&mut self, store: &Store, catalog: &mut Catalog) -> Option<String> {
        self.read_only = false;
        self.focus = Some(0);
        self.recover_draft(store, catalog)
    }

    fn draft_key(&self) -> Option<&str> {
        (!self.original.id.is_empty()).then_some(self.original.id.as_str())
    }

    /// Takes over a draft left for this form; returns when it was written.
    fn recover_draft(&mut self, store: &Store, catalog: &mut Catalog) -> Option<String> {
        let (body, at) = store.draft(&self.visit.household_id, self.draft_key()).ok().flatten()?;
        let DraftBody { visit: mut draft, evidence } = serde_json::from_str(&body).ok()?;
        let template = catalog.get(store, &draft.template_id).ok()?;
        draft.id = self.original.id.clone();
        draft.review = self.original.review;
        self.template = template;
        self.visit = draft;
        if self.evidence.held().is_some() {
            self.evidence = Evidence::pending(evidence);
        }
        Some(local_time(&at))
    }

    fn context(&self) -> Context {
        Context { threshold: self.threshold, members: self.members.len() }
    }

    fn facts(&self) -> HouseholdFacts {
        HouseholdFacts::of(&self.household, &self.members, self.visit.date)
    }

    /// Whether anything differs from what was opened (answers left empty do not count), photos
    /// and signatures held for a new visit included.
    pub fn is_changed(&self) -> bool {
        typed(&self.visit) != typed(&self.original) || self.evidence.held().is_some_and(|e| !e.is_empty())
    }

    /// The photos and signatures held for a new visit (none on a saved one).
    fn held(&self) -> NewEvidence {
        self.evidence.held().cloned().unwrap_or_default()
    }

    /// The visit as it will be saved: answers in template order, unanswered ones and those to
    /// items that do not apply left out, problems judged.
    fn finished(&self) -> Visit {
        let facts = self.facts();
        let mut v = self.visit.clone();
        v.answers = self
            .template
            .items
            .iter()
            .filter(|i| i.applies(&facts) != Applies::No)
            .filter_map(|i| v.answer(&i.code).filter(|a| !a.value.trim().is_empty()).cloned())
            .collect();
        let applicable = self.template.items.iter().filter(|i| i.applies(&facts) != Applies::No);
        v.unanswered = applicable.filter(|i| v.answer(&i.code).is_none()).count() as u32;
        self.template.score(&mut v, self.context());
        v
    }

    /// Writes the draft when something changed and the last write is old enough; returns
    /// whether a write is still due (the caller asks for a repaint then).
    fn keep_draft(&mut self, store: &mut Store, now: f64) -> bool {
        if self.read_only {
            return false;
        }
        if !self.is_changed() {
            // Back to what was opened: a draft written before would bring back the undone text.
            if self.drafted.take().is_some() {
                let _ = store.delete_draft(&self.visit.household_id, self.draft_key());
            }
            return false;
        }
        let held = self.held();
        let due = match &self.drafted {
            Some((v, e, _)) if typed(v) == typed(&self.visit) && *e == held => return false,
            // A photo or a signature is kept at once, not a second later.
            Some((_, e, _)) if *e != held => true,
            Some((_, _, at)) => now - at >= DRAFT_EVERY,
            None => true,
        };
        let body = DraftBody { visit: self.visit.clone(), evidence: held };
        if due
            && let Ok(text) = serde_json::to_string(&body)
            && store.save_draft(&self.visit.household_id, self.draft_key(), &text).is_ok()
        {
            self.drafted = Some((body.visit, body.evidence, now));
        }
        !due
    }

    fn switch_kind(&mut self, store: &Store, catalog: &mut Catalog, kind: VisitKind) -> Result<(), String> {
        let (template_id, template) = catalog.current(store, kind).map_err(|e| e.to_string())?;
        self.visit.kind = kind.code().to_string();
        self.visit.template_id = template_id;
        self.visit.answers.retain(|a| template.item(&a.item).is_some());
        self.template = template;
        Ok(())
    }
}

impl VisitForm {
    /// Writes the draft now (the window is closing).
    pub fn flush_draft(&mut self, store: &mut Store) {
        self.drafted = None;
        self.keep_draft(store, 0.0);
    }

    /// Draws the form.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let form = self;
        let cadres = std::mem::take(&mut form.cadres);
        let save =
            ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S)));
        let escape = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        let mut action = None;
        let facts = form.facts();
        let scored = form.finished();
        let editable = !form.read_only;
        // Signed (on a new visit: a side has signed here): the answers wait for the signatures
        // to be cleared, as on a saved signed visit.
        let answers_open = editable && !form.evidence.held().is_some_and(|e| e.signatures().any());
        let can_edit = form.read_only && scored.editable_by(cx.me_id()) && !form.visit.id.is_empty();

        ui.horizontal(|ui| {
            ui.heading(tf("visit.title", &[("name", &form.household.head_name)]));
            ui.label(RichText::new(format!("{} · {}", form.household.code, form.template.name)).weak());
            if form.read_only {
                ui.label(RichText::new(tf("visit.read_only", &[("status", form.visit.review.label())])).strong());
                let recorder = form.visit.recorded_by.as_ref().and_then(|id| cadres.iter().find(|c| &c.cadre.id == id));
                let recorder = recorder.map(|c| c.cadre.name.as_str()).unwrap_or_default();
                super::widgets::visit_marks(ui, form.visit.unanswered, recorder);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(t("form.back")).on_hover_text("Esc").clicked() {
                    action = Some(Action::Back);
                }
                if editable
                    && ui.button(RichText::new(t("visit.save")).strong().size(16.0)).on_hover_text("Ctrl+S").clicked()
                {
                    action = Some(Action::Save);
                }
                if can_edit && ui.button(t("visit.edit")).clicked() {
                    action = Some(Action::Edit);
                }
            });
        });
        if form.read_only && form.back_to == Route::Review && form.visit.review != ReviewStatus::Reviewed {
            form.review_bar(cx, ui);
        }
        match &form.confirm {
            Some(Confirm::Unfinished { unanswered, inverted }) => {
                if let Some(a) = unfinished_bar(ui, unanswered, inverted) {
                    action = Some(a);
                }
            }
            Some(Confirm::SameMonth(date)) => {
                let date = *date;
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(tf("visit.same_month", &[("date", &date.to_string())])).color(ERROR).strong(),
                    );
                    if ui.button(t("visit.save_anyway")).clicked() {
                        action = Some(Action::SaveAnyway);
                    }
                    if ui.button(t("form.keep_editing")).clicked() {
                        form.confirm = None;
                    }
                });
            }
            Some(Confirm::Discard) => {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(t("visit.discard_question")).color(ERROR).strong());
                    if form.evidence.held().is_some_and(|e| !e.is_empty()) {
                        ui.label(RichText::new(t("visit.discard_evidence")).color(ERROR));
                    }
                    if ui.button(t("form.discard")).clicked() {
                        action = Some(Action::Discard);
                    }
                    if ui.button(t("form.keep_editing")).clicked() {
                        form.confirm = None;
                    }
                });
            }
            None => {}
        }
        ui.add_enabled_ui(answers_open, |ui| {
            egui::Grid::new("visit-head").num_columns(6).spacing([10.0, 6.0]).show(ui, |ui| {
                let l = ui.label(t("visit.date"));
                date_field(ui, l.id, &mut form.visit.date, Some(cx.today));
                let l = ui.label(t("visit.cadre"));
                let shown = cadres
                    .iter()
                    .find(|c| c.cadre.id == form.visit.cadre_id)
                    .map(|c| c.cadre.name.clone())
                    .unwrap_or_else(|| t("common.choose").to_string());
                egui::ComboBox::from_id_salt("visit-cadre")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for c in cadres.iter().filter(|c| !c.cadre.archived) {
                            ui.selectable_value(&mut form.visit.cadre_id, c.cadre.id.clone(), c.cadre.label());
                        }
                    })
                    .response
                    .labelled_by(l.id);
                let l = ui.label(t("visit.kind"));
                let mut kind = VisitKind::from_code(&form.visit.kind).unwrap_or(VisitKind::Monthly);
                let before = kind;
                let enabled = form.visit.id.is_empty();
                ui.add_enabled_ui(enabled, |ui| {
                    super::widgets::coded_combo(ui, "visit-kind", l.id, &mut kind);
                });
                if kind != before {
                    action = Some(Action::Kind(kind));
                }
                ui.end_row();
            });
        });
        let answered = scored.answers.len();
        let applicable = form.template.items.iter().filter(|i| i.applies(&facts) != Applies::No).count();
        // Wrapped: on a small screen the keyboard hint goes on under the counts, never off the window.
        ui.horizontal_wrapped(|ui| {
            ui.label(tf("visit.progress", &[("n", &answered.to_string()), ("total", &applicable.to_string())]));
            let problems = scored.problems().count();
            if problems > 0 {
                ui.label(
                    RichText::new(tf("visit.problem_count", &[("n", &problems.to_string())])).color(ERROR).strong(),
                );
            }
            ui.checkbox(&mut form.show_not_applicable, t("visit.show_na"));
            if editable {
                ui.label(RichText::new(t("visit.keys_hint")).weak());
            }
        });
        ui.separator();

        let ctx = form.context();
        egui::ScrollArea::vertical().id_salt(("visit-scroll", &form.visit.household_id)).auto_shrink(false).show(
            ui,
            |ui| {
                ui.add_enabled_ui(answers_open, |ui| {
                    let template = form.template.clone();
                    let focus = form.focus.take();
                    for group in template.groups() {
                        let shown = |i: &&crate::checklist::Item| {
                            i.group == group && (form.show_not_applicable || i.applies(&facts) != Applies::No)
                        };
                        if !template.items.iter().any(|i| shown(&i)) {
                            continue;
                        }
                        egui::CollapsingHeader::new(RichText::new(crate::i18n::value(group)).strong().size(17.0))
                            .id_salt(("visit-group", group))
                            .default_open(true)
                            .show(ui, |ui| {
                                for (i, item) in template.items.iter().enumerate().filter(|(_, it)| shown(it)) {
                                    let applies = item.applies(&facts);
                                    let outcome = item_row(ui, item, applies, &mut form.visit, ctx, focus == Some(i));
                                    if outcome == ItemOutcome::Next {
                                        // After the last item, on to 本次帮扶措施.
                                        form.focus =
                                            next_applicable(&template, &facts, i).or(Some(template.items.len()));
                                    }
                                }
                            });
                    }
                    ui.add_space(10.0);
                    for (key, hint, text) in [
                        ("visit.measures", "visit.measures_hint", &mut form.visit.measures),
                        ("visit.difficulties", "visit.difficulties_hint", &mut form.visit.difficulties),
                    ] {
                        let l = ui.label(RichText::new(t(key)).strong());
                        let r = ui
                            .add(
                                egui::TextEdit::multiline(text)
                                    .hint_text(t(hint))
                                    .desired_rows(2)
                                    .desired_width(f32::INFINITY),
                            )
                            .labelled_by(l.id);
                        if key == "visit.measures" && focus == Some(template.items.len()) {
                            r.request_focus();
                            r.scroll_to_me(Some(egui::Align::Center));
                        }
                    }
                });
                ui.add_space(10.0);
                let proposals = match form.visit.id.as_str() {
                    "" => None,
                    id => {
                        let store = &*cx.store;
                        Some(form.proposals.get(cx.revision, id.to_string(), |id| store.proposals_of(id)))
                    }
                };
                let proposals = proposals.as_ref().map(|r| r.as_deref().map_err(String::as_str));
                proposed_problems(ui, &form.template, &scored, proposals);
                ui.add_space(10.0);
                ui.separator();
                form.evidence.ui(cx, ui, &form.members);
                if !form.visit.id.is_empty() {
                    let store = &*cx.store;
                    let changes = form.changes.get(cx.revision, form.visit.id.clone(), |id| {
                        store
                            .history_of("visits", id)
                            .map_err(|e| e.to_string())
                            .and_then(|e| super::history::lines(store, e))
                    });
                    ui.add_space(10.0);
                    match changes {
                        Ok(entries) => super::history::show(ui, "visit", &entries),
                        Err(e) => {
                            ui.label(RichText::new(e).color(ERROR));
                        }
                    }
                }
            },
        );

        if save {
            action = Some(if editable { Action::Save } else { Action::Back });
        }
        if escape && action.is_none() {
            action = Some(Action::Back);
        }
        form.cadres = cadres;
        let now = ui.input(|i| i.time);
        if form.keep_draft(cx.store, now) {
            ui.ctx().request_repaint_after(std::time::Duration::from_secs_f64(DRAFT_EVERY));
        }
        match action {
            Some(Action::Save) => match form.unfinished(&facts, &scored) {
                Some(question) => form.confirm = Some(question),
                None => form.save(cx, false),
            },
            Some(Action::SaveUnfinished) => form.save(cx, false),
            Some(Action::KeepEditing) => form.confirm = None,
            Some(Action::KeepDraft) => {
                form.flush_draft(cx.store);
                form.close(cx, false);
            }
            Some(Action::SaveAnyway) => form.save(cx, true),
            Some(Action::Edit) if form.evidence.signatures(cx).any() => {
                cx.error(t("visit.err.signed"));
            }
            Some(Action::Edit) => {
                if let Some(at) = form.start_editing(cx.store, cx.catalog) {
                    cx.info(tf("visit.recovered", &[("at", &at)]));
                }
            }
            Some(Action::Kind(kind)) => {
                if let Err(e) = form.switch_kind(cx.store, cx.catalog, kind) {
                    cx.error(e);
                }
            }
            Some(Action::Back) if form.read_only || !form.is_changed() => form.close(cx, false),
            Some(Action::Back) => form.confirm = Some(Confirm::Discard),
            Some(Action::Discard) => form.close(cx, true),
            None => {}
        }
    }

    /// What to ask before saving `scored`: the applicable items left unanswered and the problems
    /// answered 是; `None` when there is nothing to ask.
    fn unfinished(&self, facts: &HouseholdFacts, scored: &Visit) -> Option<Confirm> {
        let items = self.template.items.iter().filter(|i| i.applies(facts) != Applies::No);
        let unanswered: Vec<String> =
            items.clone().filter(|i| scored.answer(&i.code).is_none()).map(|i| i.text.clone()).collect();
        let inverted: Vec<String> = items
            .filter(|i| i.problem == ProblemRule::Answer(YES.to_string()))
            .filter(|i| scored.answer(&i.code).is_some_and(|a| a.is_problem))
            .map(|i| i.text.clone())
            .collect();
        (!unanswered.is_empty() || !inverted.is_empty()).then_some(Confirm::Unfinished { unanswered, inverted })
    }

    /// 审核通过 / 退回 at the top of a visit opened from 走访审核, with the comment beside them; a
    /// return without a reason is refused beside the field.
    fn review_bar(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let mut act = None;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let l = ui.label(t("review.comment"));
                ui.add(super::widgets::line(&mut self.review_comment, 360.0).hint_text(t("review.comment_hint")))
                    .labelled_by(l.id);
                if ui.button(RichText::new(t("review.approve")).color(OK).strong()).clicked() {
                    act = Some(false);
                }
                if ui.button(RichText::new(t("review.return")).color(ERROR)).clicked() {
                    act = Some(true);
                }
                if let Some(e) = &self.review_error {
                    ui.label(RichText::new(e).color(ERROR));
                }
            });
        });
        match self.pin.show(cx) {
            super::pin_dialog::PinOutcome::Signed => {
                if let Some(returned) = self.pin_waiting.take() {
                    self.record_review(cx, returned);
                }
            }
            super::pin_dialog::PinOutcome::Cancelled => self.pin_waiting = None,
            super::pin_dialog::PinOutcome::Open => {}
        }
        let Some(returned) = act else { return };
        if returned && self.review_comment.trim().is_empty() {
            self.review_error = Some(t("review.err.reason_required").to_string());
            return;
        }
        if cx.store.signed_approver().is_none() {
            self.pin_waiting = Some(returned);
            self.pin.open(cx);
            return;
        }
        self.record_review(cx, returned);
    }

    /// Records the review under the approver signed in with their PIN.
    fn record_review(&mut self, cx: &mut Cx<'_>, returned: bool) {
        match cx.store.review_visit(&self.visit.id, returned, &self.review_comment) {
            Ok(()) => {
                cx.info(t(if returned { "review.returned" } else { "review.approved" }));
                cx.go(Route::Review);
            }
            Err(e) => self.review_error = Some(e.to_string()),
        }
    }

    /// Leaves the form (throwing its draft away when asked) for the page it came from.
    fn close(&mut self, cx: &mut Cx<'_>, drop_draft: bool) {
        if drop_draft {
            let r = cx.store.delete_draft(&self.visit.household_id, self.draft_key());
            cx.report(r, "");
            self.drafted = None;
            // The photos staged for it go too (unless another draft or a visit uses them).
            let r = cx.store.sweep_staged(&self.held().staged);
            cx.report(r, "");
        }
        // Left behind: nothing more is kept as a draft from it.
        self.read_only = true;
        cx.go(self.back_to.clone());
    }

    /// Saves the visit; unless `anyway`, asks first when the cadre already visited this month.
    fn save(&mut self, cx: &mut Cx<'_>, anyway: bool) {
        if self.evidence.is_adding() {
            cx.error(t("evidence.err.adding"));
            return;
        }
        let mut visit = self.finished();
        visit.recorded_by = cx.me.map(|m| m.id().to_string()).filter(|me| *me != visit.cadre_id);
        if let Some(key) = visit.refusal(cx.today) {
            cx.error(t(key));
            return;
        }
        if !anyway {
            match cx.store.same_month_visit(&visit.household_id, &visit.cadre_id, visit.date, &visit.id) {
                Ok(Some(date)) => {
                    self.confirm = Some(Confirm::SameMonth(date));
                    return;
                }
                Ok(None) => {}
                Err(e) => {
                    cx.error(e.to_string());
                    return;
                }
            }
        }
        let problems = visit.problems().count();
        let result = cx.store.save_visit_with(&mut visit, cx.today, &self.held());
        let message = tf(
            "visit.saved",
            &[("name", &self.household.head_name), ("date", &visit.date.to_string()), ("n", &problems.to_string())],
        );
        if let Some(rechecked) = cx.report(result, "") {
            let message = match rechecked.len() {
                0 => message,
                n => format!("{message}{}", tf("visit.saved.rechecked", &[("n", &n.to_string())])),
            };
            cx.info(&message);
            self.drafted = None;
            self.original = visit.clone();
            self.evidence = Evidence::new(&visit.id);
            self.visit = visit;
            self.read_only = true;
            cx.go(self.back_to.clone());
        }
    }
}

enum Action {
    Save,
    SaveUnfinished,
    KeepEditing,
    KeepDraft,
    SaveAnyway,
    Edit,
    Kind(VisitKind),
    Back,
    Discard,
}

/// The question asked before saving an unfinished visit; the user's answer, once given.
fn unfinished_bar(ui: &mut Ui, unanswered: &[String], inverted: &[String]) -> Option<Action> {
    let mut action = None;
    let list = |items: &[String]| {
        let shown: Vec<&str> = items.iter().take(LISTED).map(String::as_str).collect();
        let more =
            if items.len() > LISTED { tf("visit.and_more", &[("n", &items.len().to_string())]) } else { String::new() };
        format!("{}{more}", shown.join("；"))
    };
    egui::Frame::group(ui.style()).fill(egui::Color32::from_rgb(255, 244, 229)).show(ui, |ui| {
        if !unanswered.is_empty() {
            let n = unanswered.len().to_string();
            ui.label(RichText::new(tf("visit.unanswered", &[("n", &n)])).color(ERROR).strong());
            ui.add(egui::Label::new(list(unanswered)).wrap());
        }
        if !inverted.is_empty() {
            let n = inverted.len().to_string();
            ui.label(RichText::new(tf("visit.inverted", &[("n", &n)])).color(ERROR).strong());
            ui.add(egui::Label::new(list(inverted)).wrap());
        }
        ui.horizontal(|ui| {
            if ui.button(RichText::new(t("visit.keep_filling")).strong()).clicked() {
                action = Some(Action::KeepEditing);
            }
            if ui.button(t("visit.keep_draft")).clicked() {
                action = Some(Action::KeepDraft);
            }
            if ui.button(t("visit.save_unfinished")).clicked() {
                action = Some(Action::SaveUnfinished);
            }
        });
    });
    action
}

/// How many questions the save question lists before saying how many more.
const LISTED: usize = 8;

/// A visit without the empty answers the form adds as items are drawn.
fn typed(v: &Visit) -> Visit {
    let mut v = v.clone();
    v.answers.retain(|a| !a.value.is_empty() || !a.note.is_empty());
    v
}

/// The next item after `i` that applies (or is asked), if any.
fn next_applicable(t: &Template, facts: &HouseholdFacts, i: usize) -> Option<usize> {
    (i + 1..t.items.len()).find(|&j| t.items[j].applies(facts) != Applies::No)
}

/// The problem answers: on a new visit, as the ledger entries they will be proposed as; on a
/// saved one (`proposals`, by item), each with what became of its proposal, or as proposed when
/// saved for an answer that is a problem only since; or the reason that could not be read.
fn proposed_problems(
    ui: &mut Ui,
    template: &Template,
    visit: &Visit,
    proposals: Option<Result<&HashMap<String, Proposal>, &str>>,
) {
    let problems: Vec<_> = visit.problems().collect();
    let caption = if proposals.is_some() { "visit.found" } else { "visit.proposed" };
    ui.label(
        RichText::new(tf(caption, &[("n", &problems.len().to_string())]))
            .strong()
            .size(17.0)
            .color(if problems.is_empty() { OK } else { ERROR }),
    );
    if let (Some(Err(error)), false) = (proposals, problems.is_empty()) {
        ui.label(RichText::new(tf("visit.err.proposal_states", &[("error", error)])).color(ERROR));
    }
    if problems.is_empty() {
        ui.label(RichText::new(t("visit.no_problems")).weak());
    }
    for a in problems {
        let Some(item) = template.item(&a.item) else { continue };
        let note = if a.note.trim().is_empty() { String::new() } else { format!("——{}", a.note.trim()) };
        let value = match (item.role, visit.income_per_capita) {
            (Some(ItemRole::HouseholdIncome), Some(pc)) => {
                crate::i18n::aside(&a.value, &tf("visit.per_capita_short", &[("amount", &format!("{pc:.0}"))]))
            }
            _ => a.value.clone(),
        };
        let state = match proposals.map(|p| p.map(|p| p.get(&a.item))) {
            None | Some(Err(_)) => String::new(),
            Some(Ok(Some(p))) => tf("visit.proposal_state", &[("state", p.label())]),
            Some(Ok(None)) => t("visit.proposal_when_saved").to_string(),
        };
        ui.label(
            RichText::new(format!("【{}】{}：{}{}{}", crate::i18n::value(&item.group), item.text, value, note, state))
                .color(ERROR),
        );
    }
}
