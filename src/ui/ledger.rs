//! 问题台账: every problem of the village in a virtual table — filters by status, group,
//! household, cadre and overdue; overdue problems in red with their days; sorting; bulk change of
//! responsible unit or deadline; the 未清零 count always in view; a side panel to record a problem
//! by hand, edit it, move it along 待整改 → 整改中 → 已整改 → 已销号 and read its history.

use super::app::App;
use super::widgets::{ERROR, Notice, OK, date_field, line};
use crate::checklist::Catalog;
use crate::i18n::{t, tf};
use crate::model::ledger::{Actor, GROUPS, Problem, Status, days_overdue, next_statuses};
use crate::model::month::{Month, all_time};
use crate::model::search::Query;
use crate::model::visit::Proposal;
use crate::store::{HouseholdRow, ProblemEvent, ProblemRow, Store};
use chrono::NaiveDate;
use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::{HashMap, HashSet};

/// Which statuses the ledger shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Everything not yet struck off (the default: what stands between the village and 清零).
    #[default]
    NotClosed,
    /// Every problem.
    All,
    /// One status.
    Only(Status),
}

/// The ledger's filters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerFilters {
    /// Status filter.
    pub status: StatusFilter,
    /// Only this checklist group.
    pub group: Option<String>,
    /// Household search text (name, pinyin, 户编号).
    pub household: String,
    /// Only problems of this cadre's households.
    pub cadre: Option<String>,
    /// Only overdue problems.
    pub overdue: bool,
    /// Latest deadline first instead of earliest.
    pub newest_first: bool,
    /// Only problems found in this month.
    pub found_in: Option<Month>,
    /// Only problems rectified in this month.
    pub rectified_in: Option<Month>,
}

/// The problem open in the side panel.
struct Detail {
    problem: Problem,
    events: Vec<ProblemEvent>,
    household_query: String,
    note: String,
    tried: bool,
}

/// State of the 问题台账 screen.
#[derive(Default)]
pub struct LedgerPage {
    rows: Option<Vec<ProblemRow>>,
    households: Option<Vec<HouseholdRow>>,
    visible: Vec<usize>,
    applied: Option<(LedgerFilters, NaiveDate)>,
    /// The filters being edited.
    pub filters: LedgerFilters,
    selected: HashSet<String>,
    bulk_unit: String,
    bulk_deadline: Option<NaiveDate>,
    detail: Option<Detail>,
    /// Problem answers of visits waiting to be confirmed or dismissed.
    proposals: Vec<Proposed>,
    /// Open problems a later visit found fine: problem id → that visit's date.
    rechecked: HashMap<String, NaiveDate>,
}

/// A visit's problem answer proposed for the ledger, as the problem it would become.
#[derive(Debug, Clone)]
struct Proposed {
    problem: Problem,
    head_name: String,
}

/// The pending proposals of a village (or all), newest visit first.
fn pending_proposals(store: &Store, catalog: &mut Catalog, village_id: Option<&str>) -> Vec<Proposed> {
    let (from, to) = all_time();
    let answers = store.problem_answers(village_id, from, to).unwrap_or_default();
    answers
        .into_iter()
        .filter(|a| a.proposal.as_deref() == Some(Proposal::Pending.code()))
        .map(|a| {
            let item = catalog.get(store, &a.template_id).ok().and_then(|t| t.item(&a.item).cloned());
            let (group, text) = item
                .map(|i| (i.group, i.text))
                .unwrap_or_else(|| (GROUPS[GROUPS.len() - 1].to_string(), a.item.clone()));
            let mut description = format!("{text}：{}", a.value);
            if !a.note.trim().is_empty() {
                description = format!("{description}（{}）", a.note.trim());
            }
            let village =
                store.household(&a.household_id).ok().flatten().map(|(h, _)| h.village_id).unwrap_or_default();
            let mut problem = Problem::new(&village, Some(a.household_id.clone()), &group, &description, a.date);
            problem.visit_id = Some(a.visit_id.clone());
            problem.item_code = Some(a.item.clone());
            Proposed { problem, head_name: a.head_name }
        })
        .collect()
}

impl LedgerPage {
    /// Forgets the loaded rows (after any write).
    pub fn invalidate(&mut self) {
        self.rows = None;
        self.households = None;
        self.applied = None;
    }

    fn refresh(&mut self, store: &Store, catalog: &mut Catalog, village_id: Option<&str>, today: NaiveDate) {
        if self.rows.is_none() {
            self.rows = Some(store.problems(village_id).unwrap_or_default());
            self.households = Some(store.household_rows(village_id).unwrap_or_default());
            self.rechecked = store.rechecked_fine(village_id).unwrap_or_default();
            self.proposals = pending_proposals(store, catalog, village_id);
        }
        if self.applied.as_ref() != Some(&(self.filters.clone(), today)) {
            self.visible = filter_problems(
                self.rows.as_deref().unwrap_or_default(),
                self.households.as_deref().unwrap_or_default(),
                &self.filters,
                today,
            );
            self.applied = Some((self.filters.clone(), today));
        }
    }
}

/// Indices of the problems that pass the filters, in the chosen deadline order.
pub fn filter_problems(
    rows: &[ProblemRow],
    households: &[HouseholdRow],
    f: &LedgerFilters,
    today: NaiveDate,
) -> Vec<usize> {
    let query = Query::new(&f.household);
    let matching: Option<HashSet<&str>> = (!query.is_empty())
        .then(|| households.iter().filter(|h| h.key.matches(&query)).map(|h| h.id.as_str()).collect());
    let mut out: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let p = &r.problem;
            (match f.status {
                StatusFilter::NotClosed => p.status.is_open(),
                StatusFilter::All => true,
                StatusFilter::Only(s) => p.status == s,
            }) && f.group.as_ref().is_none_or(|g| &p.group == g)
                && f.cadre.as_ref().is_none_or(|c| r.cadre_id.as_ref() == Some(c))
                && (!f.overdue || days_overdue(p.status, p.deadline, today).is_some())
                && matching.as_ref().is_none_or(|m| p.household_id.as_deref().is_some_and(|h| m.contains(h)))
                && f.found_in.is_none_or(|m| Month::of(p.found) == m)
                && f.rectified_in.is_none_or(|m| p.rectified.is_some_and(|d| Month::of(d) == m))
        })
        .map(|(i, _)| i)
        .collect();
    if f.newest_first {
        out.reverse();
    }
    out
}

/// The colour of a status.
fn status_color(s: Status) -> Color32 {
    match s {
        Status::Open => ERROR,
        Status::InProgress => Color32::from_rgb(200, 120, 0),
        Status::Rectified => Color32::from_rgb(30, 100, 190),
        Status::Closed => OK,
    }
}

impl App {
    /// The acting cadre, from "我是…".
    pub(super) fn actor(&mut self) -> Actor {
        let Some(store) = self.store.as_ref() else { return Actor::default() };
        let me = self.me.clone();
        self.cadres
            .rows(store)
            .iter()
            .find(|c| Some(&c.cadre.id) == me.as_ref())
            .map(|c| Actor { cadre_id: Some(c.cadre.id.clone()), name: c.cadre.name.clone(), role: Some(c.cadre.role) })
            .unwrap_or_default()
    }

    pub(super) fn show_ledger(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        let village_id = self.village.as_ref().map(|v| v.id.clone());
        self.ledger.refresh(store, &mut self.catalog, village_id.as_deref(), self.today);
        let cadres = self.cadres.rows(store).to_vec();
        let rows = self.ledger.rows.as_deref().unwrap_or_default();
        let open = rows.iter().filter(|r| r.problem.status.is_open()).count();
        let overdue =
            rows.iter().filter(|r| days_overdue(r.problem.status, r.problem.deadline, self.today).is_some()).count();

        if self.ledger.detail.is_some() {
            egui::Panel::right("problem-detail").exact_size(430.0).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.problem_detail(ui));
            });
        }
        // Everything else stays left of the detail panel, however wide the table would be.
        let rest = ui.available_rect_before_wrap();
        ui.scope_builder(egui::UiBuilder::new().max_rect(rest), |ui| {
            ui.set_clip_rect(rest.intersect(ui.clip_rect()));
            self.ledger_main(ui, village_id.as_deref(), open, overdue, &cadres);
        });
    }

    fn ledger_main(
        &mut self,
        ui: &mut Ui,
        village_id: Option<&str>,
        open: usize,
        overdue: usize,
        cadres: &[crate::store::CadreRow],
    ) {
        ui.horizontal(|ui| {
            ui.heading(t("ledger.title"));
            let color = if open == 0 { OK } else { ERROR };
            ui.label(
                RichText::new(tf("ledger.not_cleared", &[("n", &open.to_string())])).color(color).strong().size(18.0),
            );
            if overdue > 0 {
                ui.label(RichText::new(tf("ledger.overdue_count", &[("n", &overdue.to_string())])).color(ERROR));
            }
            ui.label(tf("ledger.shown", &[("n", &self.ledger.visible.len().to_string())]));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let new = ui.add_enabled(village_id.is_some(), egui::Button::new(t("ledger.new")));
                if new.on_disabled_hover_text(t("app.pick_village")).clicked() {
                    let v = village_id.unwrap_or_default();
                    self.ledger.detail = Some(Detail {
                        problem: Problem::new(v, None, GROUPS[0], "", self.today),
                        events: Vec::new(),
                        household_query: String::new(),
                        note: String::new(),
                        tried: false,
                    });
                }
            });
        });
        self.proposals_panel(ui);
        self.ledger_filters(ui, cadres);
        self.ledger_bulk_bar(ui);
        ui.separator();
        self.ledger_table(ui);
    }

    /// Problems proposed by visits: confirm as they are, edit then confirm, or dismiss.
    fn proposals_panel(&mut self, ui: &mut Ui) {
        let n = self.ledger.proposals.len();
        if n == 0 {
            return;
        }
        let mut act = None;
        egui::CollapsingHeader::new(
            RichText::new(tf("ledger.proposals", &[("n", &n.to_string())])).strong().color(ERROR),
        )
        .id_salt("proposals")
        .default_open(true)
        .show(ui, |ui| {
            // Only the rows in view are laid out: a township can have thousands of proposals.
            let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
            let proposals = &self.ledger.proposals;
            egui::ScrollArea::vertical().id_salt("proposal-list").max_height(150.0).show_rows(
                ui,
                row_height,
                proposals.len(),
                |ui, range| {
                    for i in range {
                        let p = &proposals[i];
                        ui.horizontal(|ui| {
                            let cell = |ui: &mut Ui, width: f32, text: &str| {
                                ui.add_sized([width, row_height], egui::Label::new(text).truncate());
                            };
                            cell(ui, 86.0, &p.problem.found.to_string());
                            cell(ui, 64.0, &p.head_name);
                            cell(ui, 64.0, &p.problem.group);
                            if ui.small_button(t("ledger.confirm")).clicked() {
                                act = Some((i, ProposalAction::Confirm));
                            }
                            if ui.small_button(t("ledger.edit_confirm")).clicked() {
                                act = Some((i, ProposalAction::Edit));
                            }
                            if ui.small_button(t("ledger.dismiss")).clicked() {
                                act = Some((i, ProposalAction::Dismiss));
                            }
                            ui.add(egui::Label::new(RichText::new(&p.problem.description).color(ERROR)).truncate());
                        });
                    }
                },
            );
        });
        let Some((i, action)) = act else { return };
        let mut proposed = self.ledger.proposals[i].problem.clone();
        if let ProposalAction::Edit = action {
            self.ledger.detail = Some(Detail {
                problem: proposed,
                events: Vec::new(),
                household_query: String::new(),
                note: String::new(),
                tried: false,
            });
            return;
        }
        let actor = self.actor();
        let Some(store) = self.store.as_mut() else { return };
        let result = match action {
            ProposalAction::Dismiss => store
                .dismiss_proposal(
                    proposed.visit_id.as_deref().unwrap_or_default(),
                    proposed.item_code.as_deref().unwrap_or_default(),
                )
                .map(|_| t("ledger.dismissed")),
            _ => store.confirm_proposal(&mut proposed, &actor).map(|_| t("ledger.confirmed")),
        };
        match result {
            Ok(msg) => {
                self.notice = Some(Notice::info(msg));
                self.data_changed();
            }
            Err(e) => self.notice = Some(Notice::error(e.to_string())),
        }
    }

    fn ledger_filters(&mut self, ui: &mut Ui, cadres: &[crate::store::CadreRow]) {
        let f = &mut self.ledger.filters;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(t("ledger.status"));
            let shown = match f.status {
                StatusFilter::NotClosed => t("ledger.not_closed").to_string(),
                StatusFilter::All => t("common.all").to_string(),
                StatusFilter::Only(s) => s.label().to_string(),
            };
            egui::ComboBox::from_id_salt("ledger-status")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.status, StatusFilter::NotClosed, t("ledger.not_closed"));
                    ui.selectable_value(&mut f.status, StatusFilter::All, t("common.all"));
                    for s in Status::ALL {
                        ui.selectable_value(&mut f.status, StatusFilter::Only(*s), s.label());
                    }
                })
                .response
                .labelled_by(l.id);
            let l = ui.label(t("field.problem_group"));
            egui::ComboBox::from_id_salt("ledger-group")
                .selected_text(f.group.clone().unwrap_or_else(|| t("common.all").to_string()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.group, None, t("common.all"));
                    for g in GROUPS {
                        ui.selectable_value(&mut f.group, Some(g.to_string()), *g);
                    }
                })
                .response
                .labelled_by(l.id);
            let l = ui.label(t("ledger.household"));
            ui.add(line(&mut f.household, 140.0).hint_text(t("ledger.household_hint"))).labelled_by(l.id);
            let l = ui.label(t("field.cadre"));
            let shown = f
                .cadre
                .as_ref()
                .and_then(|id| cadres.iter().find(|c| &c.cadre.id == id))
                .map(|c| c.cadre.name.clone())
                .unwrap_or_else(|| t("common.all").to_string());
            egui::ComboBox::from_id_salt("ledger-cadre")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.cadre, None, t("common.all"));
                    for c in cadres.iter().filter(|c| c.households > 0) {
                        ui.selectable_value(&mut f.cadre, Some(c.cadre.id.clone()), &c.cadre.name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.checkbox(&mut f.overdue, t("ledger.only_overdue"));
            for (month, key) in [(&mut f.found_in, "ledger.found_in"), (&mut f.rectified_in, "ledger.rectified_in")] {
                if let Some(m) = *month
                    && ui.button(format!("{} ✕", tf(key, &[("month", &m.to_string())]))).clicked()
                {
                    *month = None;
                }
            }
            let order = if f.newest_first { t("ledger.deadline_desc") } else { t("ledger.deadline_asc") };
            if ui.button(order).clicked() {
                f.newest_first = !f.newest_first;
            }
            if ui.button(t("households.clear")).clicked() {
                *f = LedgerFilters::default();
            }
        });
    }

    fn ledger_bulk_bar(&mut self, ui: &mut Ui) {
        let n = self.ledger.selected.len();
        let mut apply = false;
        ui.horizontal(|ui| {
            let page = &mut self.ledger;
            ui.label(tf("households.selected", &[("n", &n.to_string())]));
            if ui.button(t("households.select_shown")).clicked() {
                let rows = page.rows.as_deref().unwrap_or_default();
                let ids: Vec<String> = page.visible.iter().map(|&i| rows[i].problem.id.clone()).collect();
                page.selected.extend(ids);
            }
            if ui.add_enabled(n > 0, egui::Button::new(t("households.select_none"))).clicked() {
                page.selected.clear();
            }
            ui.separator();
            let l = ui.label(t("ledger.bulk_unit"));
            ui.add(line(&mut page.bulk_unit, 130.0)).labelled_by(l.id);
            let mut set_deadline = page.bulk_deadline.is_some();
            ui.checkbox(&mut set_deadline, t("ledger.bulk_deadline"));
            match (set_deadline, page.bulk_deadline.is_some()) {
                (true, false) => page.bulk_deadline = Some(self.today),
                (false, true) => page.bulk_deadline = None,
                _ => {}
            }
            if let Some(d) = page.bulk_deadline.as_mut() {
                let l = ui.label(t("field.deadline"));
                date_field(ui, l.id, d, None);
            }
            let ready = n > 0 && (!page.bulk_unit.trim().is_empty() || page.bulk_deadline.is_some());
            apply = ui.add_enabled(ready, egui::Button::new(t("ledger.bulk_apply"))).clicked();
        });
        if apply {
            let actor = self.actor();
            let page = &mut self.ledger;
            let ids: Vec<String> = page.selected.iter().cloned().collect();
            let unit = Some(page.bulk_unit.trim()).filter(|u| !u.is_empty()).map(str::to_string);
            let deadline = page.bulk_deadline;
            let Some(store) = self.store.as_mut() else { return };
            let result = store.bulk_update(&ids, unit.as_deref(), deadline, &actor);
            if let Ok(changed) = &result {
                let msg = tf("ledger.bulk_done", &[("n", &changed.to_string())]);
                self.ledger.selected.clear();
                self.data_changed();
                self.report(result, &msg);
            } else {
                self.report(result, "");
            }
        }
    }

    fn ledger_table(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        let village_id = self.village.as_ref().map(|v| v.id.as_str());
        self.ledger.refresh(store, &mut self.catalog, village_id, self.today);
        let page = &mut self.ledger;
        if page.visible.is_empty() {
            ui.add_space(20.0);
            ui.label(RichText::new(t("ledger.none")).size(16.0).weak());
            return;
        }
        let today = self.today;
        let rows = page.rows.as_deref().unwrap_or_default();
        let mut open = None;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        egui::ScrollArea::horizontal().id_salt("ledger-wide").show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::exact(28.0))
                .column(Column::exact(80.0))
                .column(Column::exact(76.0))
                .column(Column::remainder().at_least(180.0).clip(true))
                .column(Column::exact(80.0))
                .column(Column::exact(84.0))
                .column(Column::exact(92.0))
                .column(Column::exact(176.0))
                .column(Column::exact(100.0))
                .header(26.0, |mut h| {
                    for key in [
                        "",
                        "ledger.status",
                        "field.problem_group",
                        "field.description",
                        "field.head_name",
                        "field.cadre",
                        "field.found_date",
                        "field.deadline",
                        "field.responsible_unit",
                    ] {
                        h.col(|ui| {
                            if !key.is_empty() {
                                ui.strong(t(key));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, page.visible.len(), |mut row| {
                        let r = &rows[page.visible[row.index()]];
                        let p = &r.problem;
                        row.col(|ui| {
                            super::widgets::select_checkbox(
                                ui,
                                &mut page.selected,
                                &p.id,
                                tf("ledger.select_one", &[("what", &p.description)]),
                            );
                        });
                        row.col(|ui| {
                            let r = ui.label(RichText::new(p.status.label()).color(status_color(p.status)).strong());
                            if let Some(date) = page.rechecked.get(&p.id) {
                                ui.label(RichText::new("✓").color(OK))
                                    .on_hover_text(tf("ledger.rechecked", &[("date", &date.to_string())]));
                            }
                            drop(r);
                        });
                        row.col(|ui| {
                            ui.label(&p.group);
                        });
                        row.col(|ui| {
                            if ui.link(&p.description).clicked() {
                                open = Some(p.id.clone());
                            }
                        });
                        row.col(|ui| {
                            ui.label(if p.household_id.is_some() {
                                r.head_name.as_str()
                            } else {
                                t("ledger.whole_village")
                            });
                        });
                        row.col(|ui| {
                            ui.label(&r.cadre_name);
                        });
                        row.col(|ui| {
                            ui.label(p.found.to_string());
                        });
                        row.col(|ui| match (p.deadline, days_overdue(p.status, p.deadline, today)) {
                            (Some(d), Some(late)) => {
                                ui.label(
                                    RichText::new(format!(
                                        "{d} {}",
                                        tf("ledger.days_overdue", &[("n", &late.to_string())])
                                    ))
                                    .color(ERROR)
                                    .strong(),
                                );
                            }
                            (Some(d), None) => {
                                ui.label(d.to_string());
                            }
                            (None, _) => {
                                ui.label(RichText::new(t("ledger.no_deadline")).weak());
                            }
                        });
                        row.col(|ui| {
                            ui.label(&p.responsible_unit);
                        });
                    });
                });
        });
        if let Some(id) = open {
            self.open_problem(&id);
        }
    }

    /// Opens a problem in the side panel.
    pub(super) fn open_problem(&mut self, id: &str) {
        let Some(store) = self.store.as_ref() else { return };
        match (store.problem(id), store.problem_events(id)) {
            (Ok(Some(problem)), Ok(events)) => {
                self.ledger.detail =
                    Some(Detail { problem, events, household_query: String::new(), note: String::new(), tried: false });
            }
            (Err(e), _) | (_, Err(e)) => self.notice = Some(Notice::error(e.to_string())),
            (Ok(None), _) => self.notice = Some(Notice::error(tf("store.err.missing", &[("what", id)]))),
        }
    }

    fn problem_detail(&mut self, ui: &mut Ui) {
        let households = self.ledger.households.clone().unwrap_or_default();
        let rechecked = self.ledger.rechecked.clone();
        let Some(d) = self.ledger.detail.as_mut() else { return };
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
        egui::Grid::new("problem-grid").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
            let p = &mut d.problem;
            let l = ui.label(t("field.head_name"));
            ui.vertical(|ui| {
                let current = p
                    .household_id
                    .as_ref()
                    .and_then(|id| households.iter().find(|h| &h.id == id))
                    .map(|h| format!("{}（{}）", h.head_name, h.group))
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
                                    format!("{}（{} {}）", h.head_name, h.group, h.code),
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
            ui.end_row();
            let l = ui.label(t("field.problem_group"));
            egui::ComboBox::from_id_salt("problem-group")
                .selected_text(p.group.clone())
                .show_ui(ui, |ui| {
                    for g in GROUPS {
                        ui.selectable_value(&mut p.group, g.to_string(), *g);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(t("field.description"));
            ui.vertical(|ui| {
                ui.add_enabled(
                    editable,
                    egui::TextEdit::multiline(&mut p.description).desired_rows(2).desired_width(300.0),
                )
                .labelled_by(l.id);
                super::widgets::field_error(ui, &problems, crate::model::register::Field::Description);
            });
            ui.end_row();
            let l = ui.label(t("field.found_date"));
            date_field(ui, l.id, &mut p.found, Some(self.today));
            ui.end_row();
            let l = ui.label(t("field.deadline"));
            ui.vertical(|ui| {
                let mut has = p.deadline.is_some();
                ui.checkbox(&mut has, t("ledger.has_deadline"));
                match (has, p.deadline) {
                    (true, None) => p.deadline = Some(p.found + chrono::Days::new(30)),
                    (false, Some(_)) => p.deadline = None,
                    _ => {}
                }
                if let Some(dl) = p.deadline.as_mut() {
                    date_field(ui, l.id, dl, None);
                }
                super::widgets::field_error(ui, &problems, crate::model::register::Field::Deadline);
            });
            ui.end_row();
            super::widgets::text_field(
                ui,
                t("field.responsible_person"),
                &mut p.responsible_person,
                200.0,
                &problems,
                None,
            );
            ui.end_row();
            super::widgets::text_field(
                ui,
                t("field.responsible_unit"),
                &mut p.responsible_unit,
                200.0,
                &problems,
                None,
            );
            ui.end_row();
            let l = ui.label(t("field.measures"));
            ui.add(egui::TextEdit::multiline(&mut p.measures).desired_rows(2).desired_width(300.0)).labelled_by(l.id);
            ui.end_row();
        });
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
                    .desired_width(400.0)
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
                for to in next_statuses(d.problem.status) {
                    let label = tf("ledger.move_to", &[("status", to.label())]);
                    if ui.button(RichText::new(label).color(status_color(*to))).clicked() {
                        action = Some(DetailAction::Move(*to));
                    }
                }
            });
            ui.separator();
            ui.label(RichText::new(t("ledger.history")).strong());
            for e in &d.events {
                let when = chrono::DateTime::parse_from_rfc3339(&e.at)
                    .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|_| e.at.clone());
                let what = match (e.from, e.to) {
                    (Some(a), Some(b)) => format!("{} → {}", a.label(), b.label()),
                    (None, Some(b)) => b.label().to_string(),
                    _ => String::new(),
                };
                let who = if e.actor_name.is_empty() { String::new() } else { format!(" · {}", e.actor_name) };
                ui.label(RichText::new(format!("{when}{who} · {} {what}", e.kind)).small().strong());
                if !e.note.is_empty() {
                    ui.label(&e.note);
                }
            }
        }
        if let Some(a) = action {
            self.problem_action(a);
        }
    }

    fn problem_action(&mut self, action: DetailAction) {
        let actor = self.actor();
        let today = self.today;
        let (Some(store), Some(d)) = (self.store.as_mut(), self.ledger.detail.as_mut()) else { return };
        let id = d.problem.id.clone();
        let result = match action {
            DetailAction::Close => {
                self.ledger.detail = None;
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
            DetailAction::Move(to) => store.change_status(&id, to, &actor, &d.note, today).map(|_| to.label()),
        };
        match result {
            Ok(msg) => {
                let id = d.problem.id.clone();
                self.notice = Some(Notice::info(msg));
                self.data_changed();
                self.open_problem(&id);
            }
            Err(e) => self.notice = Some(Notice::error(e.to_string())),
        }
    }
}

enum ProposalAction {
    Confirm,
    Edit,
    Dismiss,
}

enum DetailAction {
    Save,
    Close,
    Progress,
    Move(Status),
}
