//! 问题台账: every problem of the village in a virtual table — filters by status, group,
//! household, cadre and overdue; overdue problems in red with their days; sorting; bulk change of
//! responsible unit or deadline; the 未清零 count always in view; proposals from visits to confirm
//! ([`proposals`]); a side panel to record a problem by hand, edit it, move it along
//! 待整改 → 整改中 → 已整改 → 已销号 and read its history ([`detail`]).

mod detail;
mod list;
mod proposals;

use super::cache::Cached;
use super::cx::{Cx, LedgerFilters};
use super::widgets::{ERROR, OK, load_error};
use crate::checklist::{Proposed, pending_proposals};
use crate::i18n::{t, tf};
use crate::model::ledger::{GROUPS, Problem, Status, days_overdue};
use crate::store::{CadreRow, HouseholdRow, ProblemRow, Store};
use chrono::NaiveDate;
use detail::Detail;
use egui::{Color32, RichText, Ui};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

pub use list::filter_problems;

/// State of the 问题台账 screen.
#[derive(Default)]
pub struct LedgerPage {
    loaded: Cached<Option<String>, LedgerData>,
    /// The filters being edited.
    filters: LedgerFilters,
    /// Indices of the rows shown, with the rows, filters and day they were computed for.
    visible: Vec<usize>,
    applied: Option<(LedgerFilters, NaiveDate, Rc<LedgerData>)>,
    selected: HashSet<String>,
    bulk_unit: String,
    bulk_deadline: Option<NaiveDate>,
    detail: Option<Detail>,
    /// When (egui time) a problem's status last changed here.
    last_move: Option<f64>,
    /// The proposals listed, each with what was done to it here (it stays in place, so the
    /// next one never slides under the pointer), and the data they were listed from.
    proposal_rows: Vec<(Proposed, Option<String>)>,
    proposals_from: Option<Rc<LedgerData>>,
}

/// What the ledger reads from the store.
struct LedgerData {
    rows: Vec<ProblemRow>,
    households: Vec<HouseholdRow>,
    cadres: Vec<CadreRow>,
    /// Problem answers of visits waiting to be confirmed or dismissed.
    proposals: Vec<Proposed>,
    /// Open problems a later visit found fine: problem id → that visit's date.
    rechecked: HashMap<String, NaiveDate>,
}

impl LedgerData {
    fn read(store: &Store, catalog: &mut crate::checklist::Catalog, village: Option<&str>) -> Result<Self, String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        Ok(LedgerData {
            rows: store.problems(village).map_err(|x| e(&x))?,
            households: store.household_rows(village).map_err(|x| e(&x))?,
            cadres: store.cadres(true).map_err(|x| e(&x))?,
            proposals: pending_proposals(store, catalog, village).map_err(|x| e(&x))?,
            rechecked: store.rechecked_fine(village).map_err(|x| e(&x))?,
        })
    }
}

impl LedgerPage {
    /// Shows the ledger with `filters` (kept as they are when `None`), opening `problem`.
    pub fn show(&mut self, filters: Option<LedgerFilters>, problem: Option<&str>, store: &Store) -> Result<(), String> {
        if let Some(f) = filters {
            self.filters = f;
        }
        if let Some(id) = problem {
            self.detail = Some(Detail::open(store, id)?);
        }
        self.proposal_rows.retain(|(_, done)| done.is_none());
        Ok(())
    }

    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let key = cx.village_id().map(str::to_string);
        let (store, catalog) = (&*cx.store, &mut *cx.catalog);
        let data = match self.loaded.get(cx.revision, key, |v| LedgerData::read(store, catalog, v.as_deref())) {
            Ok(d) => d,
            Err(e) => return load_error(ui, &e),
        };
        let fresh = |(f, day, d): &(LedgerFilters, NaiveDate, Rc<LedgerData>)| {
            *f == self.filters && *day == cx.today && Rc::ptr_eq(d, &data)
        };
        if !self.applied.as_ref().is_some_and(fresh) {
            self.visible = filter_problems(&data.rows, &data.households, &self.filters, cx.today);
            self.applied = Some((self.filters.clone(), cx.today, Rc::clone(&data)));
        }
        self.sync_proposals(&data);
        let mut panel_left = f32::INFINITY;
        let right = ui.max_rect().right();
        if self.detail.is_some() {
            let width = detail::panel_width(ui.available_width());
            let panel = egui::Panel::right("problem-detail").exact_size(width).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.detail_panel(cx, ui, &data));
            });
            // The panel's frame and margins come on top of its width (its response can say less).
            panel_left = panel.response.rect.min.x.min(right - width) - 3.0 * ui.spacing().item_spacing.x;
        }
        // Everything else stays left of the detail panel (its frame included), however wide the
        // table would be.
        let mut rest = ui.available_rect_before_wrap();
        rest.max.x = rest.max.x.min(panel_left);
        ui.scope_builder(egui::UiBuilder::new().max_rect(rest), |ui| {
            ui.set_clip_rect(rest.intersect(ui.clip_rect()));
            self.main(cx, ui, &data);
        });
    }

    fn main(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, data: &LedgerData) {
        let open = data.rows.iter().filter(|r| r.problem.status.is_open()).count();
        let overdue =
            data.rows.iter().filter(|r| days_overdue(r.problem.status, r.problem.deadline, cx.today).is_some()).count();
        // The room this page has: a row wider than it (a long English label) must not widen
        // what comes after it, the table least of all.
        let area = ui.max_rect();
        ui.horizontal_wrapped(|ui| {
            ui.heading(t("ledger.title"));
            let color = if open == 0 { OK } else { ERROR };
            ui.label(
                RichText::new(tf("ledger.not_cleared", &[("n", &open.to_string())])).color(color).strong().size(18.0),
            );
            if overdue > 0 {
                ui.label(RichText::new(tf("ledger.overdue_count", &[("n", &overdue.to_string())])).color(ERROR));
            }
            ui.label(tf("ledger.shown", &[("n", &self.visible.len().to_string())]));
            // 登记问题 at the right end of the row, or at the start of the next when it does not fit.
            let village_id = cx.village_id();
            let button = egui::Button::new(t("ledger.new"));
            let text = egui::WidgetText::from(t("ledger.new"));
            let galley = text.into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, egui::TextStyle::Button);
            let width = galley.size().x + 2.0 * ui.spacing().button_padding.x;
            // (A wrapping row's available width is the whole row's: what is left is to the cursor.)
            let room = ui.max_rect().right() - ui.cursor().min.x - width - 2.0 * ui.spacing().item_spacing.x - 1.0;
            if room > 0.0 {
                ui.add_space(room);
            }
            let new = ui.add_enabled(village_id.is_some(), button);
            if new.on_disabled_hover_text(t("app.pick_village")).clicked() {
                let v = village_id.unwrap_or_default();
                self.detail = Some(Detail::new(Problem::new(v, None, GROUPS[0], "", cx.today)));
            }
        });
        self.proposals_panel(cx, ui, area.width());
        self.filter_bar(ui, data);
        self.bulk_bar(cx, ui, data);
        ui.separator();
        let mut rest = ui.available_rect_before_wrap();
        rest.max.x = rest.max.x.min(area.max.x);
        let table = ui.scope_builder(egui::UiBuilder::new().max_rect(rest), |ui| self.table(ui, data, cx.today));
        if let Some(id) = table.inner {
            self.open(cx, &id);
        }
    }

    /// Opens a problem in the side panel.
    fn open(&mut self, cx: &mut Cx<'_>, id: &str) {
        match Detail::open(cx.store, id) {
            Ok(d) => self.detail = Some(d),
            Err(e) => cx.error(e),
        }
    }
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
