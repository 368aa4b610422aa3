//! 首页看板: the village at a glance for a month — visited / assigned households and who was not
//! visited, problems by group with the 清零 count-down, each cadre's attendance, the review
//! backlog and a 12-month chart. Every number opens the list behind it.

use super::cache::Cached;
use super::cx::{Cx, LedgerFilters, Route, StatusFilter};
use super::widgets::{ERROR, OK, load_error};
use crate::i18n::{t, tf};
use crate::model::month::Month;
use crate::store::{Dashboard, VillageFigures};
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Line, Plot};

/// Which list the dashboard shows under its figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Focus {
    /// Households not visited this month.
    #[default]
    NotVisited,
    /// The households one cadre has not visited this month.
    Cadre(String),
}

/// State of the 首页看板 screen.
#[derive(Default)]
pub struct DashboardPage {
    month: Option<Month>,
    data: Cached<(Option<String>, Month), Dashboard>,
    villages: Cached<Month, Vec<VillageFigures>>,
    focus: Focus,
}

/// The inner width of a figure card on the dashboard.
const CARD_WIDTH: f32 = 160.0;

/// A number drawn as a link, named "`name`：n" for screen readers; true when clicked.
fn number_link(ui: &mut Ui, n: usize, color: Option<egui::Color32>, name: &str, hint: &str) -> bool {
    let mut text = RichText::new(n.to_string()).strong();
    if let Some(c) = color.filter(|_| n > 0) {
        text = text.color(c);
    }
    let r = ui.link(text).on_hover_text(hint);
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Link, true, format!("{name}：{n}")));
    r.clicked()
}

impl DashboardPage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let month = *self.month.get_or_insert(Month::of(cx.today));
        let key = (cx.village_id().map(str::to_string), month);
        let (store, catalog, today) = (&*cx.store, &mut *cx.catalog, cx.today);
        let d = match self.data.get(cx.revision, key, |(v, m)| {
            // 本月发现 by group counts the visits' findings still waiting too, as 汇总 and status do.
            let mut d = store.dashboard(v.as_deref(), *m, today).map_err(|e| e.to_string())?;
            d.groups =
                crate::checklist::group_counts(store, catalog, v.as_deref(), m.first_day(), m.last_day(), d.as_of)
                    .map_err(|e| e.to_string())?;
            Ok::<_, String>(d)
        }) {
            Ok(d) => d,
            Err(e) => return load_error(ui, &e),
        };
        ui.horizontal(|ui| {
            ui.heading(t("dashboard.title"));
            ui.separator();
            if ui.button("◀").on_hover_text(t("dashboard.prev_month")).clicked() {
                self.month = Some(month.prev());
            }
            ui.label(RichText::new(tf("dashboard.month", &[("month", &month.to_string())])).strong().size(17.0));
            let can_next = month < Month::of(cx.today);
            if ui.add_enabled(can_next, egui::Button::new("▶")).on_hover_text(t("dashboard.next_month")).clicked() {
                self.month = Some(month.next());
            }
            if month != Month::of(cx.today) && ui.button(t("dashboard.this_month")).clicked() {
                self.month = Some(Month::of(cx.today));
            }
        });
        ui.add_space(6.0);
        // On a small screen the page scrolls rather than cutting off the chart and the lists.
        egui::ScrollArea::vertical().id_salt("dashboard-scroll").auto_shrink(false).show(ui, |ui| {
            self.cards(cx, ui, &d);
            if cx.village.is_none() && cx.villages.len() > 1 {
                ui.add_space(8.0);
                self.village_table(cx, ui, month);
            }
            ui.add_space(8.0);
            ui.columns(2, |cols| {
                problems_by_group(cx, &mut cols[0], &d);
                self.attendance(&mut cols[1], &d);
            });
            ui.add_space(8.0);
            ui.columns(2, |cols| {
                self.focus_list(cx, &mut cols[0], &d);
                chart(&mut cols[1], &d);
            });
        });
    }

    fn cards(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, d: &Dashboard) {
        let this_month = d.month == Month::of(cx.today);
        // The cards wrap onto a second row rather than running off a narrow window.
        ui.horizontal_wrapped(|ui| {
            // Each card is given its size first, so the row knows when the next one must wrap.
            let card = |ui: &mut Ui, title: &str, add: &mut dyn FnMut(&mut Ui)| {
                ui.allocate_ui(egui::vec2(CARD_WIDTH + 24.0, 72.0), |ui| {
                    egui::Frame::group(ui.style()).inner_margin(10.0).show(ui, |ui| {
                        ui.set_width(CARD_WIDTH);
                        ui.vertical(|ui| {
                            ui.label(RichText::new(title).weak());
                            ui.horizontal(|ui| add(ui));
                        });
                    });
                });
            };
            card(ui, t("dashboard.visited"), &mut |ui| {
                ui.label(RichText::new(format!("{} / {}", d.visited, d.assigned)).size(22.0).strong());
                let pct = if d.assigned == 0 { 0.0 } else { d.visited as f64 * 100.0 / d.assigned as f64 };
                ui.label(format!("{pct:.0}%"));
            });
            card(ui, t("dashboard.not_visited"), &mut |ui| {
                if number_link(
                    ui,
                    d.not_visited.len(),
                    Some(ERROR),
                    t("dashboard.not_visited"),
                    t("dashboard.show_list"),
                ) {
                    self.focus = Focus::NotVisited;
                }
            });
            card(ui, t("dashboard.open"), &mut |ui| {
                let color = if d.open() == 0 { OK } else { ERROR };
                ui.label(RichText::new(t("dashboard.qingling")).color(color));
                if number_link(ui, d.open(), Some(ERROR), t("dashboard.open"), t("dashboard.open_ledger")) && this_month
                {
                    open_ledger(cx, LedgerFilters::default());
                }
            });
            card(ui, t("dashboard.overdue"), &mut |ui| {
                if number_link(ui, d.overdue(), Some(ERROR), t("dashboard.overdue"), t("dashboard.open_ledger"))
                    && this_month
                {
                    open_ledger(cx, LedgerFilters { overdue: true, ..Default::default() });
                }
            });
            card(ui, t("dashboard.pending"), &mut |ui| {
                let p = &d.pending;
                let stale = p.stale(d.as_of);
                let color = if p.total == 0 {
                    OK
                } else if stale {
                    ERROR
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(p.total.to_string()).size(22.0).strong().color(color));
                if let Some(days) = p.oldest_age(d.as_of) {
                    let text = tf("dashboard.pending_oldest", &[("days", &days.to_string())]);
                    let label = RichText::new(text).color(if stale { ERROR } else { ui.visuals().weak_text_color() });
                    ui.label(label).on_hover_text(tf("dashboard.pending_limit", &[("n", &p.limit_days.to_string())]));
                }
            });
            card(ui, t("dashboard.awaiting_review"), &mut |ui| {
                if number_link(ui, d.awaiting_review, None, t("dashboard.awaiting_review"), t("dashboard.open_review"))
                {
                    cx.go(Route::Review);
                }
            });
        });
        if !this_month {
            ui.label(RichText::new(t("dashboard.past_month_hint")).weak());
        }
    }

    /// The township view: each village's coverage and open / overdue problems.
    fn village_table(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, month: Month) {
        let (store, today) = (&*cx.store, cx.today);
        let rows = match self.villages.get(cx.revision, month, |m| store.village_comparison(*m, today)) {
            Ok(rows) => rows,
            Err(e) => return load_error(ui, &e),
        };
        ui.label(RichText::new(t("dashboard.by_village")).strong().size(16.0));
        let mut chosen = None;
        egui::ScrollArea::vertical().id_salt("by-village").max_height(180.0).show(ui, |ui| {
            egui::Grid::new("village-grid").striped(true).num_columns(5).spacing([24.0, 4.0]).show(ui, |ui| {
                for key in [
                    "field.village_name",
                    "dashboard.visited",
                    "dashboard.coverage",
                    "dashboard.open_short",
                    "dashboard.overdue",
                ] {
                    ui.strong(t(key));
                }
                ui.end_row();
                for v in rows.iter() {
                    if ui.link(&v.label).on_hover_text(t("dashboard.open_village")).clicked() {
                        chosen = Some(v.village_id.clone());
                    }
                    ui.label(format!("{} / {}", v.visited, v.assigned));
                    let pct = if v.assigned == 0 { 0.0 } else { v.visited as f64 * 100.0 / v.assigned as f64 };
                    ui.label(format!("{pct:.0}%"));
                    ui.label(RichText::new(v.open.to_string()).color(if v.open == 0 { OK } else { ERROR }));
                    ui.label(RichText::new(v.overdue.to_string()).color(if v.overdue == 0 { OK } else { ERROR }));
                    ui.end_row();
                }
            });
        });
        if let Some(id) = chosen {
            cx.choose_village(Some(id));
        }
    }

    /// 帮扶人到位情况: every cadre's month, the header kept in view while the rows scroll; with
    /// many cadres it grows to the height of the page's visible area (scroll the page to it and
    /// it fills the window), never less than ten rows.
    fn attendance(&mut self, ui: &mut Ui, d: &Dashboard) {
        ui.label(RichText::new(t("dashboard.attendance")).strong().size(16.0));
        let row = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let page = ui.clip_rect().height() - 3.0 * row;
        let height = (row * d.cadres.len() as f32).clamp(row * 10.0, page.max(row * 10.0));
        let mut chosen = None;
        egui_extras::TableBuilder::new(ui)
            .id_salt("attendance")
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(egui_extras::Column::auto().at_least(90.0))
            .columns(egui_extras::Column::auto().at_least(70.0), 3)
            .min_scrolled_height(height)
            .max_scroll_height(height)
            .header(row, |mut h| {
                for key in ["field.cadre", "cadres.households", "dashboard.cadre_visited", "dashboard.missing"] {
                    h.col(|ui| {
                        ui.strong(t(key));
                    });
                }
            })
            .body(|body| {
                body.rows(row, d.cadres.len(), |mut r| {
                    let c = &d.cadres[r.index()];
                    r.col(|ui| {
                        ui.label(&c.name);
                    });
                    r.col(|ui| {
                        ui.label(c.households.to_string());
                    });
                    r.col(|ui| {
                        ui.label(c.visited.to_string());
                    });
                    r.col(|ui| {
                        let name = format!("{} {}", c.name, t("dashboard.missing"));
                        let missing = c.households - c.visited;
                        if number_link(ui, missing, Some(ERROR), &name, t("dashboard.show_list")) {
                            chosen = Some(c.cadre_id.clone());
                        }
                    });
                });
            });
        if let Some(id) = chosen {
            self.focus = Focus::Cadre(id);
        }
    }

    fn focus_list(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, d: &Dashboard) {
        let (title, households): (String, Vec<_>) = match &self.focus {
            Focus::NotVisited => (t("dashboard.not_visited_list").to_string(), d.not_visited.iter().collect()),
            Focus::Cadre(id) => {
                let name = d.cadres.iter().find(|c| &c.cadre_id == id).map(|c| c.name.clone()).unwrap_or_default();
                let list = d.missed_by_cadre.iter().filter(|h| &h.cadre_id == id).collect();
                (tf("dashboard.cadre_missing", &[("name", &name)]), list)
            }
        };
        ui.label(RichText::new(crate::i18n::aside(&title, &households.len().to_string())).strong().size(16.0));
        let mut open = None;
        // Only the rows in view are laid out: early in a month nearly every household is listed.
        let row = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        // Twelve rows (fewer when there are fewer), however little of the window is left below:
        // the page scrolls instead of squeezing the list to a sliver.
        let shown = row * households.len().clamp(1, 12) as f32;
        let scroll =
            egui::ScrollArea::vertical().id_salt("focus-list").max_height(row * 12.0).min_scrolled_height(shown);
        scroll.show_rows(ui, row, households.len(), |ui, range| {
            for h in &households[range] {
                ui.horizontal(|ui| {
                    ui.set_height(row - 4.0);
                    ui.label(crate::i18n::value(&h.group));
                    if ui.link(&h.head_name).clicked() {
                        open = Some(h.id.clone());
                    }
                    if h.unassigned {
                        ui.label(RichText::new(t("cli.unassigned_flag")).color(ERROR));
                    } else {
                        ui.label(RichText::new(&h.cadre_name).weak());
                    }
                });
            }
        });
        if let Some(id) = open {
            cx.go(Route::Household(id));
        }
    }
}

/// Opens the ledger with these filters.
fn open_ledger(cx: &mut Cx<'_>, filters: LedgerFilters) {
    cx.go(Route::Ledger { filters: Some(filters), problem: None });
}

/// Problems by checklist group: found, rectified, open and overdue, each opening its list.
fn problems_by_group(cx: &mut Cx<'_>, ui: &mut Ui, d: &Dashboard) {
    ui.label(RichText::new(t("dashboard.by_group")).strong().size(16.0));
    let month = d.month;
    egui::Grid::new("by-group").striped(true).num_columns(5).spacing([18.0, 4.0]).show(ui, |ui| {
        for key in [
            "field.problem_group",
            "dashboard.found",
            "dashboard.rectified",
            "dashboard.open_short",
            "dashboard.overdue",
        ] {
            ui.strong(t(key));
        }
        ui.end_row();
        for g in d.groups.iter().filter(|g| g.found + g.pending + g.rectified + g.open > 0) {
            ui.label(crate::i18n::value(&g.group));
            let group = Some(g.group.clone());
            let all = StatusFilter::All;
            let name = |key: &str| format!("{} {}", crate::i18n::value(&g.group), t(key));
            if number_link(ui, g.found + g.pending, None, &name("dashboard.found"), t("dashboard.open_ledger")) {
                open_ledger(
                    cx,
                    LedgerFilters { group: group.clone(), status: all, found_in: Some(month), ..Default::default() },
                );
            }
            if number_link(ui, g.rectified, Some(OK), &name("dashboard.rectified"), t("dashboard.open_ledger")) {
                open_ledger(
                    cx,
                    LedgerFilters {
                        group: group.clone(),
                        status: all,
                        rectified_in: Some(month),
                        ..Default::default()
                    },
                );
            }
            if number_link(ui, g.open, Some(ERROR), &name("dashboard.open_short"), t("dashboard.open_ledger")) {
                open_ledger(cx, LedgerFilters { group: group.clone(), ..Default::default() });
            }
            if number_link(ui, g.overdue, Some(ERROR), &name("dashboard.overdue"), t("dashboard.open_ledger")) {
                open_ledger(cx, LedgerFilters { group, overdue: true, ..Default::default() });
            }
            ui.end_row();
        }
    });
    if d.groups.iter().all(|g| g.found + g.pending + g.rectified + g.open == 0) {
        ui.label(RichText::new(t("dashboard.no_problems")).color(OK));
    }
}

/// The 12-month chart: coverage (bars, %) and problems open at each month's end (line).
fn chart(ui: &mut Ui, d: &Dashboard) {
    ui.label(RichText::new(t("dashboard.chart")).strong().size(16.0));
    let bars: Vec<Bar> = d
        .series
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let pct = if p.assigned == 0 { 0.0 } else { p.visited as f64 * 100.0 / p.assigned as f64 };
            Bar::new(i as f64, pct).name(p.month.to_string()).width(0.6)
        })
        .collect();
    let open: Vec<[f64; 2]> = d.series.iter().enumerate().map(|(i, p)| [i as f64, p.open as f64]).collect();
    let names: Vec<&str> = t("dashboard.month_names").split_whitespace().collect();
    let labels: Vec<String> = d
        .series
        .iter()
        .map(|p| names.get(p.month.month as usize - 1).copied().unwrap_or_default().to_string())
        .collect();
    // egui_plot leaves out a month whose label is wider than a month's room (10月–12月 on a small
    // screen): the labels get a smaller font where they would not fit.
    let body = egui::TextStyle::Body.resolve(ui.style());
    let widest = labels.iter().map(|l| super::widgets::text_width(ui, l.as_str())).fold(0.0, f32::max);
    // The plot's frame is the column less the y axis and the margins (~80 points).
    let room = (ui.available_width() - 80.0) / (d.series.len() as f32 + 0.2);
    let size = if widest + 2.0 > room { (body.size * (room - 2.0) / widest).max(9.0) } else { body.size };
    let tick_font = egui::FontId::new(size, body.family);
    Plot::new("twelve-months")
        .height(200.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        // Headroom above the 100 % bars for the legend, which would otherwise cover the last ones.
        .include_y(135.0)
        .include_x(-0.6)
        .include_x(d.series.len() as f64 - 0.4)
        .legend(egui_plot::Legend::default().position(egui_plot::Corner::LeftTop))
        // A label under every month, not only where the automatic grid puts a line.
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        // Month labels sit ~45 px apart on a laptop: closer than egui_plot's default spacing
        // (60 px) at which it hides axis labels, so allow them down to 24 px.
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x().label_spacing(24.0..=32.0).tick_label_font(tick_font).formatter(
                move |mark, _| {
                    let i = mark.value.round();
                    let whole = (mark.value - i).abs() < 1e-6 && i >= 0.0;
                    labels.get(i as usize).filter(|_| whole).cloned().unwrap_or_default()
                },
            ),
        ])
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(t("dashboard.coverage"), bars).color(egui::Color32::from_rgb(90, 150, 220)));
            plot.line(Line::new(t("dashboard.open_line"), open).color(ERROR).width(2.0));
        });
}
