//! The ledger's list: its filters, the bulk bar and the virtual table.

use super::{LedgerData, LedgerPage, status_color};
use crate::i18n::{t, tf};
use crate::model::ledger::{GROUPS, Status, days_overdue};
use crate::model::month::Month;
use crate::model::search::Query;
use crate::store::{HouseholdRow, ProblemRow};
use crate::ui::cx::{Cx, LedgerFilters, StatusFilter};
use crate::ui::widgets::{ERROR, OK, date_field, line, select_checkbox, text_width};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::HashSet;

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

impl LedgerPage {
    pub(super) fn filter_bar(&mut self, ui: &mut Ui, data: &LedgerData) {
        let f = &mut self.filters;
        let cadres = &data.cadres;
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
                .selected_text(f.group.as_deref().map_or(t("common.all"), crate::i18n::value))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.group, None, t("common.all"));
                    for g in GROUPS {
                        ui.selectable_value(&mut f.group, Some(g.to_string()), crate::i18n::value(g));
                    }
                })
                .response
                .labelled_by(l.id);
            let l = ui.label(t("ledger.household"));
            ui.add(line(&mut f.household, 170.0).hint_text(t("ledger.household_hint"))).labelled_by(l.id);
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

    pub(super) fn bulk_bar(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, data: &LedgerData) {
        let n = self.selected.len();
        let mut apply = false;
        let page = &mut *self;
        ui.horizontal_wrapped(|ui| {
            ui.label(tf("ledger.selected", &[("n", &n.to_string())]));
            if ui.button(t("households.select_shown")).clicked() {
                let ids: Vec<String> = page.visible.iter().map(|&i| data.rows[i].problem.id.clone()).collect();
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
                (true, false) => page.bulk_deadline = Some(cx.today),
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
            let actor = cx.actor();
            let ids: Vec<String> = self.selected.iter().cloned().collect();
            let unit = Some(self.bulk_unit.trim()).filter(|u| !u.is_empty()).map(str::to_string);
            let result = cx.store.bulk_update(&ids, unit.as_deref(), self.bulk_deadline, &actor);
            if let Some(changed) = cx.report(result, "") {
                cx.info(tf("ledger.bulk_done", &[("n", &changed.to_string())]));
                self.selected.clear();
            }
        }
    }

    /// The virtual table; returns a problem to open.
    pub(super) fn table(&mut self, ui: &mut Ui, data: &LedgerData, today: NaiveDate) -> Option<String> {
        let page = self;
        if page.visible.is_empty() {
            ui.add_space(20.0);
            ui.label(RichText::new(t("ledger.none")).size(16.0).weak());
            return None;
        }
        // Beside the detail panel only the key columns stay, each as wide as its text needs; the
        // problem's description gets the rest, cut with … (its full text on hover).
        let key_view = page.detail.is_some();
        let cols: &[Col] = if key_view { &Col::KEY } else { &Col::ALL };
        let rows = &data.rows;
        let mut open = None;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let mut draw = |ui: &mut Ui| {
            let (widths, days_shown) = column_widths(ui, cols, key_view);
            // Each set of columns keeps its own remembered widths.
            let salt = if key_view { "ledger-key-columns" } else { "ledger-all-columns" };
            let mut table = TableBuilder::new(ui)
                .id_salt(salt)
                .striped(true)
                .auto_shrink([false, true])
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
            for w in widths {
                table = table.column(w);
            }
            table
                .header(26.0, |mut h| {
                    for c in cols {
                        h.col(|ui| {
                            if let Some(key) = c.header() {
                                ui.add(egui::Label::new(RichText::new(t(key)).strong()).truncate());
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, page.visible.len(), |mut row| {
                        let r = &rows[page.visible[row.index()]];
                        let p = &r.problem;
                        for c in cols {
                            row.col(|ui| {
                                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                                match c {
                                    Col::Check => select_checkbox(
                                        ui,
                                        &mut page.selected,
                                        &p.id,
                                        tf("ledger.select_one", &[("what", &p.description)]),
                                    ),
                                    Col::Status => {
                                        ui.label(
                                            RichText::new(p.status.label()).color(status_color(p.status)).strong(),
                                        );
                                        if let Some(date) = data.rechecked.get(&p.id) {
                                            ui.label(RichText::new("✓").color(OK))
                                                .on_hover_text(tf("ledger.rechecked", &[("date", &date.to_string())]));
                                        }
                                    }
                                    Col::Group => {
                                        ui.label(crate::i18n::value(&p.group));
                                    }
                                    Col::Description => {
                                        let link = ui.link(&p.description).on_hover_text(&p.description);
                                        if link.clicked() {
                                            open = Some(p.id.clone());
                                        }
                                    }
                                    Col::Head => {
                                        ui.label(match p.household_id {
                                            Some(_) => r.head_name.as_str(),
                                            None => t("ledger.whole_village"),
                                        });
                                    }
                                    Col::Cadre => {
                                        ui.label(&r.cadre_name);
                                    }
                                    Col::Found => {
                                        ui.label(p.found.to_string());
                                    }
                                    Col::Deadline => deadline_cell(ui, p, today, days_shown),
                                    Col::Unit => {
                                        ui.label(&p.responsible_unit);
                                    }
                                }
                            });
                        }
                    });
                });
        };
        // The full table scrolls sideways on a narrow window; the key columns fit beside the panel.
        if page.detail.is_some() {
            draw(ui);
        } else {
            egui::ScrollArea::horizontal().id_salt("ledger-wide").show(ui, draw);
        }
        open
    }
}

/// A column of the ledger table.
#[derive(Clone, Copy)]
enum Col {
    Check,
    Status,
    Group,
    Description,
    Head,
    Cadre,
    Found,
    Deadline,
    Unit,
}

impl Col {
    const ALL: [Col; 9] = [
        Col::Check,
        Col::Status,
        Col::Group,
        Col::Description,
        Col::Head,
        Col::Cadre,
        Col::Found,
        Col::Deadline,
        Col::Unit,
    ];
    /// The columns kept beside the detail panel.
    const KEY: [Col; 5] = [Col::Check, Col::Status, Col::Description, Col::Head, Col::Deadline];

    fn header(self) -> Option<&'static str> {
        Some(match self {
            Col::Check => return None,
            Col::Status => "ledger.status",
            Col::Group => "field.problem_group",
            Col::Description => "field.description",
            Col::Head => "ledger.col.head",
            Col::Cadre => "field.cadre",
            Col::Found => "field.found_date",
            Col::Deadline => "field.deadline",
            Col::Unit => "field.responsible_unit",
        })
    }
}

/// 整改时限, in red when overdue, with the days overdue when `days` (else on hover).
fn deadline_cell(ui: &mut Ui, p: &crate::model::ledger::Problem, today: NaiveDate, days: bool) {
    match (p.deadline, days_overdue(p.status, p.deadline, today)) {
        (Some(d), Some(late)) => {
            let late = tf("ledger.days_overdue", &[("n", &late.to_string())]);
            if days {
                ui.label(RichText::new(format!("{d} {late}")).color(ERROR).strong());
            } else {
                ui.label(RichText::new(d.to_string()).color(ERROR).strong()).on_hover_text(late);
            }
        }
        (Some(d), None) => {
            ui.label(d.to_string());
        }
        (None, _) => {
            ui.label(RichText::new(t("ledger.no_deadline")).weak());
        }
    }
}

/// The columns' widths, measured in the language shown: 状态 as wide as its longest status,
/// 户主 and 帮扶责任人 a four-character name, 时限 a date with the days overdue, and so on; 问题
/// gets the rest. The full table scrolls sideways when the rest is under 180 points; beside the
/// detail panel (`key_view`) the columns always fit, the days overdue moving to the date's hover
/// when the description would be left under 220. Also whether the days overdue are shown.
fn column_widths(ui: &Ui, cols: &[Col], key_view: bool) -> (Vec<Column>, bool) {
    let strong = |key: &str| text_width(ui, RichText::new(t(key)).strong());
    let header = |c: &Col| c.header().map_or(0.0, strong);
    let pad = ui.spacing().item_spacing.x;
    let widest = |texts: &mut dyn Iterator<Item = f32>| texts.fold(0.0, f32::max);
    let status = widest(&mut Status::ALL.iter().map(|s| text_width(ui, RichText::new(s.label()).strong())))
        + pad
        + text_width(ui, "✓");
    let group = widest(&mut GROUPS.iter().map(|g| text_width(ui, crate::i18n::value(g)))).min(120.0);
    let name = text_width(ui, "欧阳建国");
    let date = text_width(ui, RichText::new("2026-12-31").strong());
    let late = text_width(ui, RichText::new(format!(" {}", tf("ledger.days_overdue", &[("n", "999")]))).strong());
    let unit = text_width(ui, "县乡村振兴局");
    let width = |c: &Col, days: bool| match c {
        Col::Check => 28.0,
        Col::Description => 0.0,
        Col::Status => status.max(header(c)),
        Col::Group => group.max(header(c).min(120.0)),
        // The names are short; a long English header is cut (in full on hover).
        Col::Head | Col::Cadre => name.max(header(c).min(90.0)),
        Col::Found => date.max(header(c)),
        Col::Deadline if days => (date + late).max(header(c)),
        Col::Deadline => date.max(header(c)),
        Col::Unit => unit.max(header(c).min(120.0)),
    };
    let spacing = 1.5 * pad * cols.len() as f32 + ui.spacing().scroll.bar_width + 2.0 * pad;
    let rest = |days: bool| ui.available_width() - spacing - cols.iter().map(|c| width(c, days)).sum::<f32>();
    let days = !key_view || rest(true) >= 220.0;
    let least = if key_view { 60.0 } else { 180.0 };
    let widths = cols
        .iter()
        .map(|c| match c {
            Col::Description => Column::exact(rest(days).max(least)).clip(true),
            // A little room beyond the widest text: the floating scroll bar lies over the last.
            c => Column::exact(width(c, days) + pad / 2.0).clip(true),
        })
        .collect();
    (widths, days)
}
