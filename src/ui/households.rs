//! 农户: the household list — one search box (name, pinyin initials, 户编号, ID tail), filters by
//! 组, 户类别 and cadre, a virtual table that lays out only the visible rows, and assigning the
//! selected households to a cadre.

use super::cache::Cached;
use super::cx::{CadreFilter, Cx, HouseholdFilters, Route};
use super::widgets::{ERROR, date_field, load_error, optional_combo, select_checkbox};
use crate::i18n::{t, tf};
use crate::model::id_number::mask;
use crate::model::search::Query;
use crate::store::{CadreRow, HouseholdRow, Store};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::HashSet;
use std::rc::Rc;

/// State of the 农户 screen.
#[derive(Default)]
pub struct HouseholdsPage {
    loaded: Cached<Option<String>, Rows>,
    /// The filters being edited.
    filters: HouseholdFilters,
    /// Indices of the rows shown, with the rows and filters they were computed for.
    visible: Vec<usize>,
    applied: Option<(HouseholdFilters, Rc<Rows>)>,
    selected: HashSet<String>,
    assign_to: Option<String>,
    assign_date: Option<NaiveDate>,
    focus_search: bool,
}

/// What the list reads from the store.
struct Rows {
    households: Vec<HouseholdRow>,
    /// The village's group names (for the 组 filter).
    groups: Vec<String>,
    /// Every cadre (for the filter and the assign bar).
    cadres: Vec<CadreRow>,
}

impl Rows {
    fn read(store: &Store, village_id: Option<&str>) -> Result<Rows, crate::store::StoreError> {
        let groups = match village_id {
            Some(v) => store.groups(v)?.into_iter().map(|g| g.name).collect(),
            None => Vec::new(),
        };
        Ok(Rows { households: store.household_rows(village_id)?, groups, cadres: store.cadres(true)? })
    }
}

/// Indices of the rows that pass the filters.
pub fn filter_rows(rows: &[HouseholdRow], f: &HouseholdFilters) -> Vec<usize> {
    let query = Query::new(&f.search);
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            (f.archived || !r.archived)
                && f.group.as_ref().is_none_or(|g| &r.group == g)
                && f.category.is_none_or(|c| r.category == Some(c))
                && match &f.cadre {
                    CadreFilter::Any => true,
                    CadreFilter::Unassigned => r.cadre_id.is_none(),
                    CadreFilter::Cadre(id) => r.cadre_id.as_deref() == Some(id),
                }
                && r.key.matches(&query)
        })
        .map(|(i, _)| i)
        .collect()
}

impl HouseholdsPage {
    /// Shows the list with these filters (from another page's link).
    pub fn set_filters(&mut self, filters: HouseholdFilters) {
        self.filters = filters;
    }

    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let store = &*cx.store;
        let rows = match self
            .loaded
            .get(cx.revision, cx.village_id().map(str::to_string), |v| Rows::read(store, v.as_deref()))
        {
            Ok(rows) => rows,
            Err(e) => return load_error(ui, &e),
        };
        if self.applied.as_ref().is_none_or(|(f, r)| *f != self.filters || !Rc::ptr_eq(r, &rows)) {
            self.visible = filter_rows(&rows.households, &self.filters);
            self.applied = Some((self.filters.clone(), Rc::clone(&rows)));
        }
        if ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::F))) {
            self.focus_search = true;
        }
        if ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::N))) {
            open_new_household(cx);
            return;
        }
        ui.horizontal(|ui| {
            ui.heading(t("households.title"));
            let total = rows.households.iter().filter(|r| !r.archived).count();
            ui.label(tf(
                "households.count",
                &[("shown", &self.visible.len().to_string()), ("total", &total.to_string())],
            ));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let one_village = cx.village.is_some();
                let new = ui.add_enabled(one_village, egui::Button::new(t("households.new")));
                if new.on_hover_text("Ctrl+N").on_disabled_hover_text(t("app.pick_village")).clicked() {
                    open_new_household(cx);
                }
            });
        });
        self.filter_bar(ui, &rows);
        self.assign_bar(cx, ui, &rows);
        ui.separator();
        if let Some(id) = self.household_table(ui, &rows) {
            cx.go(Route::Household(id));
        }
    }

    fn filter_bar(&mut self, ui: &mut Ui, rows: &Rows) {
        let f = &mut self.filters;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(t("households.search"));
            // Wide enough for the whole hint (it says what can be searched), within the row.
            let hint = t("households.search_hint");
            let width = (super::widgets::text_width(ui, hint) + 32.0).max(360.0).min(ui.available_width() - 80.0);
            let search = ui.add(egui::TextEdit::singleline(&mut f.search).hint_text(hint).desired_width(width));
            let search = search.labelled_by(l.id);
            if std::mem::take(&mut self.focus_search) {
                search.request_focus();
            }
            let l = ui.label(t("field.group"));
            egui::ComboBox::from_id_salt("filter-group")
                .selected_text(f.group.as_deref().map_or(t("common.all"), crate::i18n::value))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.group, None, t("common.all"));
                    for g in &rows.groups {
                        ui.selectable_value(&mut f.group, Some(g.clone()), crate::i18n::value(g));
                    }
                })
                .response
                .labelled_by(l.id);
            let l = ui.label(t("field.category"));
            optional_combo(ui, "filter-category", l.id, &mut f.category, t("common.all"));
            let l = ui.label(t("field.cadre"));
            let shown = match &f.cadre {
                CadreFilter::Any => t("common.all").to_string(),
                CadreFilter::Unassigned => t("households.unassigned").to_string(),
                CadreFilter::Cadre(id) => {
                    rows.cadres.iter().find(|c| &c.cadre.id == id).map(|c| c.cadre.name.clone()).unwrap_or_default()
                }
            };
            egui::ComboBox::from_id_salt("filter-cadre")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.cadre, CadreFilter::Any, t("common.all"));
                    ui.selectable_value(&mut f.cadre, CadreFilter::Unassigned, t("households.unassigned"));
                    for c in &rows.cadres {
                        ui.selectable_value(&mut f.cadre, CadreFilter::Cadre(c.cadre.id.clone()), &c.cadre.name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.checkbox(&mut f.archived, t("households.show_archived"));
            if ui.button(t("households.clear")).clicked() {
                *f = HouseholdFilters::default();
            }
        });
    }

    /// The bar for assigning the selected households to a cadre.
    fn assign_bar(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, rows: &Rows) {
        let n = self.selected.len();
        let mut assign = false;
        ui.horizontal(|ui| {
            ui.label(tf("households.selected", &[("n", &n.to_string())]));
            if ui.button(t("households.select_shown")).clicked() {
                let ids = self.visible.iter().map(|&i| rows.households[i].id.clone());
                self.selected.extend(ids);
            }
            if ui.add_enabled(n > 0, egui::Button::new(t("households.select_none"))).clicked() {
                self.selected.clear();
            }
            ui.separator();
            let l = ui.label(t("households.assign_to"));
            let shown = self
                .assign_to
                .as_ref()
                .and_then(|id| rows.cadres.iter().find(|c| &c.cadre.id == id))
                .map(|c| c.cadre.name.clone())
                .unwrap_or_else(|| t("common.choose").to_string());
            egui::ComboBox::from_id_salt("assign-cadre")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for c in rows.cadres.iter().filter(|c| !c.cadre.archived) {
                        let text = format!(
                            "{}（{}，{}）",
                            c.cadre.name,
                            c.cadre.role.label(),
                            tf("cadres.load", &[("n", &c.households.to_string())])
                        );
                        ui.selectable_value(&mut self.assign_to, Some(c.cadre.id.clone()), text);
                    }
                })
                .response
                .labelled_by(l.id);
            let l = ui.label(t("households.assign_from"));
            let date = self.assign_date.get_or_insert(cx.today);
            date_field(ui, l.id, date, None);
            assign =
                ui.add_enabled(n > 0 && self.assign_to.is_some(), egui::Button::new(t("households.assign"))).clicked();
        });
        if assign {
            self.assign_selected(cx);
        }
    }

    fn assign_selected(&mut self, cx: &mut Cx<'_>) {
        let Some(cadre) = self.assign_to.clone() else { return };
        let ids: Vec<String> = self.selected.iter().cloned().collect();
        let date = self.assign_date.unwrap_or(cx.today);
        let result = cx.store.assign(&ids, &cadre, date);
        if let Some(changed) = cx.report(result, "") {
            let same = (ids.len() - changed).to_string();
            cx.info(tf("households.assigned", &[("n", &changed.to_string()), ("same", &same)]));
            self.selected.clear();
        }
    }

    /// The virtual table; returns a household to open.
    fn household_table(&mut self, ui: &mut Ui, rows: &Rows) -> Option<String> {
        let mut open = None;
        if self.visible.is_empty() {
            ui.add_space(20.0);
            ui.label(RichText::new(t("households.none")).size(16.0).weak());
            return None;
        }
        let rows = &rows.households;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        TableBuilder::new(ui)
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(28.0))
            .column(Column::exact(60.0))
            .column(Column::exact(150.0))
            .column(Column::exact(110.0))
            .column(Column::exact(170.0))
            .column(Column::exact(44.0))
            .column(Column::exact(110.0))
            .column(Column::remainder().at_least(90.0))
            .header(26.0, |mut h| {
                for key in [
                    "",
                    "field.group",
                    "field.code",
                    "field.head_name",
                    "field.id_number",
                    "households.people",
                    "field.category",
                    "field.cadre",
                ] {
                    h.col(|ui| {
                        if !key.is_empty() {
                            ui.strong(t(key));
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.visible.len(), |mut row| {
                    let r = &rows[self.visible[row.index()]];
                    row.col(|ui| {
                        select_checkbox(
                            ui,
                            &mut self.selected,
                            &r.id,
                            tf("households.select_one", &[("name", &r.head_name)]),
                        );
                    });
                    row.col(|ui| {
                        ui.label(crate::i18n::value(&r.group));
                    });
                    row.col(|ui| {
                        ui.monospace(&r.code);
                    });
                    row.col(|ui| {
                        let text = if r.archived {
                            RichText::new(crate::i18n::aside(&r.head_name, t("households.archived"))).weak()
                        } else {
                            RichText::new(&r.head_name)
                        };
                        if ui.link(text).on_hover_text(t("households.open_hint")).clicked() {
                            open = Some(r.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.monospace(mask(&r.head_id_number));
                    });
                    row.col(|ui| {
                        ui.label(r.members.to_string());
                    });
                    row.col(|ui| {
                        ui.label(r.category.map(|c| c.label()).unwrap_or(""));
                    });
                    row.col(|ui| {
                        if r.cadre_name.is_empty() {
                            ui.label(RichText::new(t("households.unassigned")).color(ERROR));
                        } else {
                            ui.label(&r.cadre_name);
                        }
                    });
                });
            });
        open
    }
}

/// Opens 户信息 for a new household of the village in view.
fn open_new_household(cx: &mut Cx<'_>) {
    if cx.village.is_none() {
        cx.error(t("app.pick_village"));
    } else {
        cx.go(Route::NewHousehold);
    }
}
