//! 本月走访: my households not yet visited this month (one click opens the visit form), and for
//! the village: visited / assigned, overdue households and each cadre's month.

use super::cache::Cached;
use super::cx::{Cx, Route};
use super::widgets::{ERROR, OK, WARN, load_error};
use crate::checklist::{Finding, findings};
use crate::i18n::{t, tf};
use crate::model::month::Month;
use crate::model::visit::ReviewStatus;
use crate::store::{MonthHousehold, MonthStatus, OVERDUE_DAYS, ReviewRow};
use egui::{RichText, Ui, WidgetInfo};

/// State of the 本月走访 page.
#[derive(Default)]
pub struct ThisMonthPage {
    month: Option<Month>,
    month_data: Cached<(Option<String>, Month), MonthData>,
}

/// What the page shows for a month, read together.
struct MonthData {
    status: MonthStatus,
    /// Problems the month's visits found.
    problems: Vec<Finding>,
    /// Visits the first secretary sent back, with the reason.
    returned: Vec<ReviewRow>,
}

/// Row height of the household lists.
const ROW: f32 = 28.0;

impl ThisMonthPage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let month = *self.month.get_or_insert_with(|| Month::of(cx.today));
        let key = (cx.village_id().map(str::to_string), month);
        let (store, catalog, today) = (&*cx.store, &mut *cx.catalog, cx.today);
        let data = self.month_data.get(cx.revision, key, |(village, month)| {
            let village = village.as_deref();
            Ok::<_, String>(MonthData {
                status: store.month_status(village, *month, today).map_err(|e| e.to_string())?,
                problems: findings(store, catalog, village, month.first_day(), month.last_day())
                    .map_err(|e| e.to_string())?,
                returned: store.visits_for_review(village, Some(ReviewStatus::Returned)).map_err(|e| e.to_string())?,
            })
        });
        let data = match data {
            Ok(d) => d,
            Err(e) => return load_error(ui, &e),
        };
        let (status, problems, returned) = (&data.status, &data.problems, &data.returned);
        let me = cx.me_id().map(str::to_string);
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
            if ui.add_enabled(status.month < Month::of(cx.today), egui::Button::new(t("date.next_month"))).clicked() {
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
                let name = cx.me.map(|m| m.cadre.label()).unwrap_or_default();
                ui.label(
                    RichText::new(tf("month.mine", &[("name", &name), ("n", &mine.len().to_string())]))
                        .strong()
                        .size(16.0),
                );
                let assigned = status.households.iter().any(|h| Some(&h.cadre_id) == me.as_ref());
                if !assigned {
                    ui.label(RichText::new(t("month.none_assigned")).weak());
                } else if mine.is_empty() {
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
        let incomplete: Vec<&MonthHousehold> = status.households.iter().filter(|h| h.unanswered > 0).collect();
        if !incomplete.is_empty() {
            ui.horizontal_wrapped(|ui| {
                let n = incomplete.len().to_string();
                ui.label(RichText::new(tf("month.incomplete", &[("n", &n)])).color(WARN).strong());
                for h in incomplete {
                    let text =
                        crate::i18n::aside(&h.head_name, &tf("visit.incomplete", &[("n", &h.unanswered.to_string())]));
                    if ui.link(text).clicked() {
                        detail = Some(h.id.clone());
                    }
                }
            });
        }
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
            // Half of what is left of the page (at least seven rows): the found problems below.
            let height = (ui.available_height() * 0.5).max(ROW * 7.0);
            egui::ScrollArea::vertical().id_salt("month-cadres").max_height(height).show(ui, |ui| {
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
            if let Some(id) = found_list(ui, problems) {
                detail = Some(id);
            }
        });
        if shift != 0 {
            self.month = Some(if shift < 0 { month.prev() } else { month.next() });
        }
        let back = Box::new(Route::ThisMonth);
        if let Some(household) = visit {
            cx.go(Route::NewVisit { household, back });
        } else if let Some(visit) = reopen {
            cx.go(Route::Visit { visit, back });
        } else if let Some(id) = detail {
            cx.go(Route::Household(id));
        }
    }
}

/// The problems found in the month, by group then one line each; returns a household to open.
fn found_list(ui: &mut Ui, problems: &[Finding]) -> Option<String> {
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
    let summary: Vec<String> = groups.iter().map(|(g, n)| format!("{} {n}", crate::i18n::value(g))).collect();
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
                    let text = format!("【{}】{}：{}", crate::i18n::value(&p.group), p.question, p.answer.value);
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
            // Narrower than this, a row leaves its 户编号 to the name's hover so the date of the
            // last visit stays clear of the column beside.
            let roomy = ui.available_width() >= 480.0;
            for h in &rows[range] {
                super::widgets::fixed_row(ui, ROW - 4.0, |ui| {
                    let b = ui.button(t("month.visit"));
                    let label = tf("month.visit_of", &[("name", &h.head_name)]);
                    b.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
                    if b.clicked() {
                        visit = Some(h.id.clone());
                    }
                    let name = ui.label(RichText::new(&h.head_name).strong());
                    if roomy {
                        ui.label(format!("{} {}", crate::i18n::value(&h.group), h.code));
                    } else {
                        name.on_hover_text(&h.code);
                        ui.label(crate::i18n::value(&h.group));
                    }
                    if h.unassigned {
                        ui.label(RichText::new(t("cli.unassigned_flag")).color(super::widgets::ERROR));
                    } else {
                        ui.label(RichText::new(&h.cadre_name).weak());
                    }
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
