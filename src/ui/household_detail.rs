//! 户详情: one household at a glance — its facts and members, the six dimensions of
//! 两不愁三保障 and income as coloured chips from the latest visits, a 12-month strip of visits,
//! the latest visit's answers and the visit history (each visit opens read-only).

use super::cache::Cached;
use super::cx::{Cx, Route};
use super::widgets::{self, ERROR, OK, load_error, visit_marks};
use crate::checklist::{self, Catalog, Dimension, DimensionState, Template};
use crate::i18n::{t, tf};
use crate::model::attachment::Signatures;
use crate::model::id_number::mask;
use crate::model::month::Month;
use crate::model::register::{Household, Member};
use crate::model::visit::{Visit, age_on};
use crate::store::{AssignmentRow, Store, VisitRow};
use chrono::{Datelike, Months, NaiveDate};
use egui::{Color32, RichText, Ui, WidgetInfo};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The grey of unknown chips and months without a visit.
const GREY: Color32 = Color32::from_rgb(150, 150, 150);
/// The blue-grey of chips whose items do not apply to the household.
const NOT_APPLICABLE: Color32 = Color32::from_rgb(110, 130, 160);

/// 户详情 of one household: what it shows is read again whenever the data moves (a visit
/// saved, the household edited).
pub struct HouseholdDetail {
    id: String,
    loaded: Cached<NaiveDate, Loaded>,
    /// The latest visit's photos and signatures.
    photos: Option<super::evidence::Evidence>,
}

/// What 户详情 shows.
struct Loaded {
    household: Household,
    members: Vec<Member>,
    group: String,
    history: Vec<AssignmentRow>,
    visits: Vec<VisitRow>,
    dimensions: Vec<Dimension>,
    months: BTreeMap<String, Vec<String>>,
    latest: Option<(Visit, Rc<Template>)>,
    /// What the audit log says about the household, newest first: the lines of 修改记录.
    changes: Vec<String>,
}

impl Loaded {
    /// Reads a household's detail as of `today`.
    fn read(store: &Store, catalog: &mut Catalog, id: &str, today: NaiveDate) -> Result<Self, String> {
        let fail = |e: &dyn std::fmt::Display| e.to_string();
        let (household, members) =
            store.household(id).map_err(|e| fail(&e))?.ok_or_else(|| t("visit.gone").to_string())?;
        let groups = store.groups(&household.village_id).map_err(|e| fail(&e))?;
        let group = groups.into_iter().find(|g| Some(&g.id) == household.group_id.as_ref()).map(|g| g.name);
        let group = group.unwrap_or_default();
        // A visit whose checklist version cannot be read shows in the history only.
        let latest = store
            .latest_visit(id)
            .map_err(|e| fail(&e))?
            .and_then(|v| catalog.get(store, &v.template_id).ok().map(|t| (v, t)));
        Ok(Loaded {
            group,
            history: store.assignment_history(id).map_err(|e| fail(&e))?,
            visits: store.visits_of(id).map_err(|e| fail(&e))?,
            dimensions: checklist::dimensions(store, catalog, id).map_err(|e| fail(&e))?,
            months: store.months_visited(id, strip_start(today)).map_err(|e| fail(&e))?,
            latest,
            changes: super::history::lines(store, store.history_of_household(id).map_err(|e| fail(&e))?)?,
            household,
            members,
        })
    }
}

/// The first month of the 12-month strip ending with `today`'s month.
fn strip_start(today: NaiveDate) -> NaiveDate {
    Month::of(today).first_day() - Months::new(11)
}

impl HouseholdDetail {
    /// 户详情 of the household `id`.
    pub fn new(id: String) -> Self {
        HouseholdDetail { id, loaded: Cached::default(), photos: None }
    }

    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let (store, catalog, id) = (&*cx.store, &mut *cx.catalog, self.id.as_str());
        let d = match self.loaded.get(cx.revision, cx.today, |today| Loaded::read(store, catalog, id, *today)) {
            Ok(d) => d,
            Err(e) => {
                if ui.button(t("form.back")).clicked() {
                    cx.go(Route::Households(None));
                }
                return load_error(ui, &e);
            }
        };
        let id = self.id.clone();
        let mut action = None;
        ui.horizontal(|ui| {
            ui.heading(tf("detail.title", &[("name", &d.household.head_name)]));
            let category = d.household.category.map(|c| c.label()).unwrap_or_default();
            ui.label(
                RichText::new(format!("{} · {} · {}", d.household.code, crate::i18n::value(&d.group), category)).weak(),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(t("form.back")).on_hover_text("Esc").clicked() {
                    action = Some(DetailAction::Back);
                }
                if ui.button(t("detail.edit")).clicked() {
                    action = Some(DetailAction::Edit);
                }
                if ui.button(RichText::new(t("detail.new_visit")).strong().size(16.0)).clicked() {
                    action = Some(DetailAction::NewVisit);
                }
            });
        });
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            for dim in &d.dimensions {
                chip(ui, dim);
            }
        });
        ui.add_space(6.0);
        month_strip(ui, &d.months, cx.today);
        if let Some((latest, _)) = &d.latest {
            if self.photos.as_ref().is_none_or(|p| p.visit_id() != latest.id) {
                self.photos = Some(super::evidence::Evidence::new(&latest.id));
            }
            if let Some(photos) = self.photos.as_mut() {
                photos.gallery(cx, ui);
            }
        }
        ui.separator();
        egui::ScrollArea::vertical().id_salt(("detail-scroll", &id)).auto_shrink(false).show(ui, |ui| {
            // Side by side where the members' table and the answers both fit, else one under
            // the other (a 1024-wide window).
            let opened = if ui.available_width() >= SIDE_BY_SIDE {
                ui.columns(2, |cols| {
                    facts(&mut cols[0], &d, cx.today);
                    visits(&mut cols[1], &d)
                })
            } else {
                facts(ui, &d, cx.today);
                ui.add_space(8.0);
                visits(ui, &d)
            };
            if let Some(open) = opened {
                action = Some(DetailAction::Open(open));
            }
        });
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) && action.is_none() {
            action = Some(DetailAction::Back);
        }
        let back = || Box::new(Route::Household(id.clone()));
        match action {
            Some(DetailAction::Back) => cx.go(Route::Households(None)),
            Some(DetailAction::Edit) => cx.go(Route::EditHousehold(id.clone())),
            Some(DetailAction::NewVisit) => cx.go(Route::NewVisit { household: id.clone(), back: back() }),
            Some(DetailAction::Open(visit)) => cx.go(Route::Visit { visit, back: back() }),
            None => {}
        }
    }
}

/// The page width from which the facts and the visits stand side by side.
const SIDE_BY_SIDE: f32 = 1000.0;

enum DetailAction {
    Back,
    Edit,
    NewVisit,
    Open(String),
}

/// A coloured chip: the dimension, its state, and the date it came from.
fn chip(ui: &mut Ui, dim: &Dimension) {
    let (fill, state) = match dim.state {
        DimensionState::Ok => (OK, t("detail.ok")),
        DimensionState::Problem => (ERROR, t("detail.problem")),
        DimensionState::Unknown => (GREY, t("detail.unknown")),
        DimensionState::NotApplicable => (NOT_APPLICABLE, t("detail.not_applicable")),
    };
    let title = RichText::new(crate::i18n::labelled(crate::i18n::value(dim.group), state))
        .color(Color32::WHITE)
        .strong()
        .size(16.0);
    let date = dim.date.map(|d| d.to_string()).unwrap_or_else(|| t("detail.no_visit").to_string());
    let date = RichText::new(date).color(Color32::WHITE).small();
    // A chip is kept whole: one that does not fit the rest of the row starts the next (the
    // wrapping row would otherwise squeeze its words letter by letter).
    let width = widgets::text_width(ui, title.clone()).max(widgets::text_width(ui, date.clone())) + 24.0;
    if ui.max_rect().right() - ui.cursor().min.x < width {
        ui.end_row();
    }
    egui::Frame::new().fill(fill).corner_radius(12.0).inner_margin(egui::Margin::symmetric(12, 5)).show(ui, |ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.vertical(|ui| {
            ui.label(title);
            ui.label(date);
        });
    });
}

/// Twelve months ending with this one: filled where a visit was made, with who made it.
fn month_strip(ui: &mut Ui, months: &BTreeMap<String, Vec<String>>, today: NaiveDate) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(t("detail.strip")).strong());
        // Twelve cells share the row (58 points each where there is room): none off the window.
        let gap = ui.spacing().item_spacing.x + 8.0;
        let cell = (ui.available_width() / 12.0 - gap).clamp(30.0, 58.0);
        let first = strip_start(today);
        for k in 0..12 {
            let month = first + Months::new(k);
            let key = Month::of(month).to_string();
            let who = months.get(&key);
            let fill = if who.is_some() { OK } else { Color32::from_gray(225) };
            let text_color = if who.is_some() { Color32::WHITE } else { Color32::from_gray(90) };
            let names = who.map(|w| w.join("、")).unwrap_or_default();
            let r = egui::Frame::new()
                .fill(fill)
                .corner_radius(4.0)
                .inner_margin(egui::Margin::symmetric(4, 3))
                .show(ui, |ui| {
                    ui.set_width(cell);
                    ui.vertical_centered(|ui| {
                        let names: Vec<&str> = t("dashboard.month_names").split_whitespace().collect();
                        let name = names.get(month.month0() as usize).copied().unwrap_or_default();
                        ui.label(RichText::new(name).color(text_color));
                        let first_name = who.and_then(|w| w.first()).cloned().unwrap_or_else(|| "—".to_string());
                        ui.label(RichText::new(first_name).color(text_color).small());
                    });
                })
                .response;
            let label = match who {
                Some(_) => tf("detail.month_visited", &[("month", &key), ("who", &names)]),
                None => tf("detail.month_missed", &[("month", &key)]),
            };
            r.widget_info(|| WidgetInfo::labeled(egui::Role::Label, true, label.clone()));
            r.on_hover_text(label);
        }
    });
}

/// The household's facts and members.
fn facts(ui: &mut Ui, d: &Loaded, today: NaiveDate) {
    ui.label(RichText::new(t("form.household_section")).strong().size(16.0));
    let h = &d.household;
    let cadre = d
        .history
        .iter()
        .find(|a| a.assignment.end.is_none())
        .map(|a| a.cadre_name.clone())
        .unwrap_or_else(|| t("households.unassigned").to_string());
    egui::Grid::new("detail-facts").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        for (key, value) in [
            ("field.code", h.code.clone()),
            ("field.group", crate::i18n::value(&d.group).to_string()),
            ("field.category", h.category.map(|c| c.label().to_string()).unwrap_or_default()),
            ("field.poverty_cause", h.poverty_cause.map(|c| c.label().to_string()).unwrap_or_default()),
            ("field.household_labour", h.labour.map(|c| c.label().to_string()).unwrap_or_default()),
            ("field.phone", h.phone.clone()),
            ("field.address", h.address.clone()),
            ("field.cadre", cadre),
        ] {
            ui.label(RichText::new(t(key)).weak());
            ui.label(value);
            ui.end_row();
        }
    });
    ui.add_space(6.0);
    ui.label(RichText::new(tf("form.members_section", &[("n", &d.members.len().to_string())])).strong().size(16.0));
    egui::Grid::new("detail-members").striped(true).num_columns(6).spacing([10.0, 4.0]).show(ui, |ui| {
        for key in ["field.name", "field.relation", "detail.age", "field.health", "field.schooling", "field.work"] {
            ui.label(RichText::new(t(key)).strong());
        }
        ui.end_row();
        for m in &d.members {
            ui.label(&m.name).on_hover_text(mask(&m.id_number));
            ui.label(m.relation.label());
            ui.label(age_on(m, today).map(|a| a.to_string()).unwrap_or_default());
            let health = if m.disability.is_empty() {
                m.health.label().to_string()
            } else {
                crate::i18n::aside(m.health.label(), &m.disability)
            };
            ui.label(health);
            ui.label(m.schooling.label());
            ui.label(m.work.label());
            ui.end_row();
        }
    });
}

/// The latest visit's answers and the history; returns a visit to open.
fn visits(ui: &mut Ui, d: &Loaded) -> Option<String> {
    let mut open = None;
    match &d.latest {
        None => {
            ui.label(RichText::new(t("detail.never_visited")).color(ERROR).size(16.0));
        }
        Some((v, template)) => {
            let cadre = d.visits.first().map(|r| r.cadre_name.clone()).unwrap_or_default();
            ui.label(
                RichText::new(tf(
                    "detail.latest",
                    &[("date", &v.date.to_string()), ("who", &cadre), ("kind", &v.kind)],
                ))
                .strong()
                .size(16.0),
            );
            let mut answers: Vec<_> = template.items.iter().filter_map(|i| v.answer(&i.code).map(|a| (i, a))).collect();
            answers.sort_by_key(|(_, a)| !a.is_problem);
            egui::Grid::new("detail-answers").num_columns(2).spacing([10.0, 2.0]).show(ui, |ui| {
                for (item, a) in answers {
                    let full = format!("{} · {}", crate::i18n::value(&item.group), item.text);
                    let (value, question) = if a.is_problem {
                        (
                            RichText::new(crate::i18n::value(&a.value)).color(ERROR).strong(),
                            RichText::new(&full).color(ERROR),
                        )
                    } else {
                        (RichText::new(crate::i18n::value(&a.value)), RichText::new(&full).weak())
                    };
                    ui.label(value);
                    let note = if a.note.is_empty() { full.clone() } else { format!("{full}\n{}", a.note) };
                    ui.add(egui::Label::new(question).truncate()).on_hover_text(note);
                    ui.end_row();
                }
            });
            if !v.measures.is_empty() {
                ui.label(crate::i18n::labelled(t("visit.measures"), &v.measures));
            }
            if !v.difficulties.is_empty() {
                ui.label(crate::i18n::labelled(t("visit.difficulties"), &v.difficulties));
            }
        }
    }
    ui.add_space(8.0);
    ui.label(RichText::new(tf("detail.history", &[("n", &d.visits.len().to_string())])).strong().size(16.0));
    // One striped row a visit, 查看 first: the rest wraps in a narrow column instead of pushing
    // the button off the window.
    for (i, r) in d.visits.iter().enumerate() {
        let fill = if i % 2 == 1 { ui.visuals().faint_bg_color } else { Color32::TRANSPARENT };
        egui::Frame::new().fill(fill).inner_margin(egui::Margin::symmetric(4, 2)).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                // Each piece whole: one that does not fit starts the next line.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                history_row(ui, r, &mut open);
            });
        });
    }
    ui.add_space(8.0);
    super::history::show(ui, "household", &d.changes);
    open
}

/// One visit of the household's history: 查看, then its date, cadre, kind, review, problems,
/// photos, signatures and marks.
fn history_row(ui: &mut Ui, r: &VisitRow, open: &mut Option<String>) {
    let b = ui.button(t("detail.open_visit"));
    let label = tf("detail.open_visit_of", &[("date", &r.date.to_string())]);
    b.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
    if b.clicked() {
        *open = Some(r.id.clone());
    }
    ui.label(r.date.to_string());
    ui.label(&r.cadre_name);
    ui.label(crate::i18n::value(&r.kind));
    ui.label(r.review.label());
    if r.problems > 0 {
        ui.label(RichText::new(tf("detail.problems", &[("n", &r.problems.to_string())])).color(ERROR));
    }
    ui.label(tf("review.photo_count", &[("n", &r.photos.to_string())]));
    let color = if r.signatures == Signatures::Both { OK } else { ERROR };
    ui.label(RichText::new(r.signatures.label()).color(color));
    visit_marks(ui, r.unanswered, &r.recorder_name);
}
