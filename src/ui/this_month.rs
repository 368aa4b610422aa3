//! 本月走访: my households not yet visited this month (one click opens the visit form), and for
//! the village: visited / assigned, overdue households and each cadre's month.

use super::app::{App, Page};
use super::widgets::{ERROR, OK};
use crate::checklist::Catalog;
use crate::i18n::{t, tf};
use crate::model::month::Month;
use crate::model::visit::ReviewStatus;
use crate::store::{MonthHousehold, MonthStatus, OVERDUE_DAYS, ProblemAnswer, ReviewRow, Store};
use chrono::NaiveDate;
use egui::{RichText, Ui, WidgetInfo};
use std::rc::Rc;

/// State of the 本月走访 page.
#[derive(Default)]
pub struct ThisMonthPage {
    month: Option<Month>,
    status: Option<Rc<MonthStatus>>,
    problems: Rc<Vec<Found>>,
    /// Visits the first secretary sent back, with the reason.
    returned: Rc<Vec<ReviewRow>>,
}

/// A problem found in the month: the answer with its item's group and question.
#[derive(Clone)]
struct Found {
    answer: ProblemAnswer,
    group: String,
    question: String,
}

impl ThisMonthPage {
    /// Forgets the loaded month (after a visit is saved).
    pub fn invalidate(&mut self) {
        self.status = None;
    }

    fn load(&mut self, store: &Store, catalog: &mut Catalog, village_id: Option<&str>, today: NaiveDate) {
        let month = *self.month.get_or_insert_with(|| Month::of(today));
        if self.status.is_some() {
            return;
        }
        self.status = store.month_status(village_id, month, today).ok().map(Rc::new);
        self.returned = Rc::new(store.visits_for_review(village_id, Some(ReviewStatus::Returned)).unwrap_or_default());
        self.problems = Rc::new(
            store
                .problem_answers(village_id, month.first_day(), month.last_day())
                .unwrap_or_default()
                .into_iter()
                .map(|answer| {
                    let item = catalog.get(store, &answer.template_id).ok().and_then(|t| t.item(&answer.item).cloned());
                    let (group, question) =
                        item.map(|i| (i.group, i.text)).unwrap_or_else(|| (String::new(), answer.item.clone()));
                    Found { answer, group, question }
                })
                .collect(),
        );
    }
}

/// Row height of the household lists.
const ROW: f32 = 28.0;

impl App {
    pub(super) fn show_this_month(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        let village_id = self.village.as_ref().map(|v| v.id.clone());
        let me = self.me.clone();
        self.this_month.load(store, &mut self.catalog, village_id.as_deref(), self.today);
        let Some(status) = self.this_month.status.clone() else { return };
        let problems = self.this_month.problems.clone();
        let returned = self.this_month.returned.clone();
        let mut visit = None;
        let mut reopen = None;
        let mut detail = None;
        let mut shift = 0i32;
        ui.horizontal(|ui| {
            ui.heading(tf(
                "month.title",
                &[("year", &status.month.year.to_string()), ("month", &status.month.month.to_string())],
            ));
            if ui.button(t("date.prev_month")).clicked() {
                shift = -1;
            }
            if ui.add_enabled(status.month < Month::of(self.today), egui::Button::new(t("date.next_month"))).clicked() {
                shift = 1;
            }
        });
        ui.separator();
        let mine: Vec<&MonthHousehold> =
            status.households.iter().filter(|h| !h.visited && Some(&h.cadre_id) == me.as_ref()).collect();
        match &me {
            None => {
                ui.label(RichText::new(t("month.me_unset")).color(ERROR));
            }
            Some(_) => {
                let name = self.me_name().unwrap_or_default();
                ui.label(
                    RichText::new(tf("month.mine", &[("name", &name), ("n", &mine.len().to_string())]))
                        .strong()
                        .size(16.0),
                );
                if mine.is_empty() {
                    ui.label(RichText::new(t("month.mine_done")).color(OK));
                } else if let Some(id) = household_list(ui, "mine", &mine, 5.0) {
                    visit = Some(id);
                }
            }
        }
        let sent_back: Vec<&ReviewRow> =
            returned.iter().filter(|r| me.as_ref().is_none_or(|m| &r.cadre_id == m)).collect();
        if !sent_back.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new(tf("month.returned", &[("n", &sent_back.len().to_string())])).strong().color(ERROR));
            for r in sent_back {
                ui.horizontal(|ui| {
                    ui.label(format!("{} · {} · {}", r.date, r.head_name, r.cadre_name));
                    ui.label(RichText::new(tf("month.return_reason", &[("reason", &r.comment)])).color(ERROR));
                    if ui.button(t("month.fix_visit")).clicked() {
                        reopen = Some(r.visit_id.clone());
                    }
                });
            }
        }
        ui.add_space(8.0);
        let (visited, assigned) = (status.visited(), status.assigned());
        ui.label(
            RichText::new(tf(
                "month.village",
                &[("visited", &visited.to_string()), ("assigned", &assigned.to_string())],
            ))
            .strong()
            .size(16.0),
        );
        let share = if assigned == 0 { 0.0 } else { visited as f32 / assigned as f32 };
        ui.add(egui::ProgressBar::new(share).desired_width(500.0).show_percentage());
        ui.add_space(6.0);
        ui.columns(2, |cols| {
            let overdue: Vec<&MonthHousehold> = status.overdue().collect();
            cols[0].label(
                RichText::new(tf(
                    "month.overdue",
                    &[("n", &overdue.len().to_string()), ("days", &OVERDUE_DAYS.to_string())],
                ))
                .strong()
                .color(if overdue.is_empty() { OK } else { ERROR }),
            );
            let rows = (cols[0].available_height() / ROW).max(5.0);
            if let Some(id) = household_list(&mut cols[0], "overdue", &overdue, rows) {
                visit = Some(id);
            }
            let ui = &mut cols[1];
            ui.label(RichText::new(t("month.cadres")).strong());
            egui::ScrollArea::vertical().id_salt("month-cadres").max_height(ROW * 7.0).show(ui, |ui| {
                egui::Grid::new("month-cadres-grid").striped(true).num_columns(4).spacing([12.0, 4.0]).show(ui, |ui| {
                    for key in ["field.cadre", "month.assigned", "month.visited", "month.visits"] {
                        ui.label(RichText::new(t(key)).strong());
                    }
                    ui.end_row();
                    for c in &status.cadres {
                        ui.label(&c.name);
                        ui.label(c.assigned.to_string());
                        let text = RichText::new(c.visited.to_string());
                        ui.label(if c.visited < c.assigned { text.color(ERROR) } else { text });
                        ui.label(c.visits.to_string());
                        ui.end_row();
                    }
                });
            });
            ui.add_space(8.0);
            if let Some(id) = found_list(ui, &problems) {
                detail = Some(id);
            }
        });
        if shift != 0 {
            let month = status.month;
            self.this_month.month = Some(if shift < 0 { month.prev() } else { month.next() });
            self.this_month.invalidate();
        }
        if let Some(id) = visit {
            self.open_new_visit(&id, Page::ThisMonth);
        } else if let Some(id) = reopen {
            self.open_visit(&id, Page::ThisMonth);
        } else if let Some(id) = detail {
            self.open_detail(&id);
        }
    }
}

/// The problems found in the month, by group then one line each; returns a household to open.
fn found_list(ui: &mut Ui, problems: &[Found]) -> Option<String> {
    let mut open = None;
    let color = if problems.is_empty() { OK } else { ERROR };
    ui.label(RichText::new(tf("month.problems", &[("n", &problems.len().to_string())])).strong().color(color));
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for p in problems {
        match groups.iter_mut().find(|(g, _)| *g == p.group) {
            Some((_, n)) => *n += 1,
            None => groups.push((&p.group, 1)),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let summary: Vec<String> = groups.iter().map(|(g, n)| format!("{g} {n}")).collect();
    ui.label(summary.join(" · "));
    egui::ScrollArea::vertical().id_salt("month-problems").auto_shrink([false, true]).show_rows(
        ui,
        ROW,
        problems.len(),
        |ui, range| {
            for p in &problems[range] {
                ui.horizontal(|ui| {
                    ui.set_height(ROW - 6.0);
                    ui.label(RichText::new(p.answer.date.format("%m-%d").to_string()).weak());
                    if ui.link(&p.answer.head_name).clicked() {
                        open = Some(p.answer.household_id.clone());
                    }
                    let text = format!("【{}】{}：{}", p.group, p.question, p.answer.value);
                    ui.add(egui::Label::new(RichText::new(text).color(ERROR)).truncate()).on_hover_text(&p.answer.note);
                });
            }
        },
    );
    open
}

/// A scrolling list of households, each with a 走访 button; returns the household to visit.
fn household_list(ui: &mut Ui, salt: &str, rows: &[&MonthHousehold], visible_rows: f32) -> Option<String> {
    let mut visit = None;
    egui::ScrollArea::vertical().id_salt(salt).max_height(ROW * visible_rows).auto_shrink([false, true]).show_rows(
        ui,
        ROW,
        rows.len(),
        |ui, range| {
            for h in &rows[range] {
                ui.horizontal(|ui| {
                    ui.set_height(ROW - 4.0);
                    let b = ui.button(t("month.visit"));
                    let label = tf("month.visit_of", &[("name", &h.head_name)]);
                    b.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
                    if b.clicked() {
                        visit = Some(h.id.clone());
                    }
                    ui.label(RichText::new(&h.head_name).strong());
                    ui.label(format!("{} {}", h.group, h.code));
                    ui.label(RichText::new(&h.cadre_name).weak());
                    let last = match h.last_visit {
                        Some(d) => tf("month.last", &[("date", &d.to_string())]),
                        None => t("cli.never").to_string(),
                    };
                    ui.label(RichText::new(last).weak());
                });
            }
        },
    );
    visit
}
