//! 农户: the household list — one search box (name, pinyin initials, 户编号, ID tail), filters by
//! 组, 户类别 and cadre, a virtual table that lays out only the visible rows, and assigning the
//! selected households to a cadre.

use super::app::{App, Page};
use super::household_form::HouseholdForm;
use super::widgets::{date_field, optional_combo};
use crate::i18n::{t, tf};
use crate::model::coded::Category;
use crate::model::id_number::mask;
use crate::model::search::Query;
use crate::store::{HouseholdRow, Store};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::collections::HashSet;

/// Which cadre's households to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CadreFilter {
    /// Every household.
    #[default]
    Any,
    /// Households with no current cadre.
    Unassigned,
    /// The households of one cadre (by id).
    Cadre(String),
}

/// The filters a user sets; the visible rows are recomputed only when these change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    /// What is typed in the search box.
    pub search: String,
    /// Only this 组 (by name).
    pub group: Option<String>,
    /// Only this 户类别.
    pub category: Option<Category>,
    /// Only this cadre's.
    pub cadre: CadreFilter,
    /// Show archived households too.
    pub archived: bool,
}

/// State of the 农户 screen.
#[derive(Default)]
pub struct HouseholdList {
    rows: Option<Vec<HouseholdRow>>,
    /// The village's group names, loaded with the rows (for the 组 filter).
    groups: Vec<String>,
    visible: Vec<usize>,
    applied: Option<Filters>,
    /// The filters being edited.
    pub filters: Filters,
    selected: HashSet<String>,
    assign_to: Option<String>,
    assign_date: Option<NaiveDate>,
    focus_search: bool,
}

impl HouseholdList {
    /// Forgets the loaded rows (after any write).
    pub fn invalidate(&mut self) {
        self.rows = None;
        self.applied = None;
    }

    /// Loads the rows if needed and recomputes which are visible if the filters changed.
    fn refresh(&mut self, store: &Store, village_id: Option<&str>) {
        if self.rows.is_none() {
            self.rows = Some(store.household_rows(village_id).unwrap_or_default());
            let groups = village_id.and_then(|v| store.groups(v).ok()).unwrap_or_default();
            self.groups = groups.into_iter().map(|g| g.name).collect();
        }
        if self.applied.as_ref() != Some(&self.filters) {
            let rows = self.rows.as_deref().unwrap_or_default();
            self.visible = filter_rows(rows, &self.filters);
            self.applied = Some(self.filters.clone());
        }
    }

    /// The rows currently visible (after [`HouseholdList::refresh`]).
    fn visible_rows(&self) -> impl Iterator<Item = &HouseholdRow> {
        let rows = self.rows.as_deref().unwrap_or_default();
        self.visible.iter().map(move |&i| &rows[i])
    }
}

/// Indices of the rows that pass the filters.
pub fn filter_rows(rows: &[HouseholdRow], f: &Filters) -> Vec<usize> {
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

impl App {
    pub(super) fn show_households(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        let village_id = self.village.as_ref().map(|v| v.id.clone());
        self.households.refresh(store, village_id.as_deref());
        let groups = self.households.groups.clone();
        let cadres = self.cadres.rows(store).to_vec();

        if ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::F))) {
            self.households.focus_search = true;
        }
        if ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::N))) {
            self.open_new_household();
            return;
        }

        ui.horizontal(|ui| {
            ui.heading(t("households.title"));
            let total = self.households.rows.as_ref().map_or(0, |r| r.iter().filter(|r| !r.archived).count());
            ui.label(tf(
                "households.count",
                &[("shown", &self.households.visible.len().to_string()), ("total", &total.to_string())],
            ));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let one_village = self.village.is_some();
                let new = ui.add_enabled(one_village, egui::Button::new(t("households.new")));
                if new.on_hover_text("Ctrl+N").on_disabled_hover_text(t("app.pick_village")).clicked() {
                    self.open_new_household();
                }
            });
        });
        if self.page != Page::Households {
            return;
        }
        let f = &mut self.households.filters;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(t("households.search"));
            let search = ui.add(
                egui::TextEdit::singleline(&mut f.search).hint_text(t("households.search_hint")).desired_width(260.0),
            );
            let search = search.labelled_by(l.id);
            if std::mem::take(&mut self.households.focus_search) {
                search.request_focus();
            }
            let l = ui.label(t("field.group"));
            egui::ComboBox::from_id_salt("filter-group")
                .selected_text(f.group.clone().unwrap_or_else(|| t("common.all").to_string()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.group, None, t("common.all"));
                    for g in &groups {
                        ui.selectable_value(&mut f.group, Some(g.clone()), g);
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
                    cadres.iter().find(|c| &c.cadre.id == id).map(|c| c.cadre.name.clone()).unwrap_or_default()
                }
            };
            egui::ComboBox::from_id_salt("filter-cadre")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut f.cadre, CadreFilter::Any, t("common.all"));
                    ui.selectable_value(&mut f.cadre, CadreFilter::Unassigned, t("households.unassigned"));
                    for c in &cadres {
                        ui.selectable_value(&mut f.cadre, CadreFilter::Cadre(c.cadre.id.clone()), &c.cadre.name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.checkbox(&mut f.archived, t("households.show_archived"));
            if ui.button(t("households.clear")).clicked() {
                *f = Filters::default();
            }
        });
        self.assign_bar(ui);
        ui.separator();
        let Some(store) = self.store.as_ref() else { return };
        self.households.refresh(store, village_id.as_deref());
        self.household_table(ui);
    }

    fn open_new_household(&mut self) {
        let Some(village_id) = self.village.as_ref().map(|v| v.id.clone()) else {
            self.notice = Some(super::widgets::Notice::error(t("app.pick_village")));
            return;
        };
        let Some(store) = self.store.as_ref() else { return };
        self.form = Some(HouseholdForm::new_household(store, village_id, self.today));
        self.page = Page::HouseholdEdit;
    }

    pub(super) fn open_household(&mut self, id: &str) {
        let Some(store) = &self.store else { return };
        match HouseholdForm::load(store, id, self.today) {
            Ok(form) => {
                self.form = Some(form);
                self.page = Page::HouseholdEdit;
            }
            Err(e) => self.notice = Some(super::widgets::Notice::error(e.to_string())),
        }
    }

    /// The bar for assigning the selected households to a cadre.
    fn assign_bar(&mut self, ui: &mut Ui) {
        let list = &mut self.households;
        let n = list.selected.len();
        let cadres = self.store.as_ref().map(|s| self.cadres.rows(s).to_vec()).unwrap_or_default();
        let mut assign = false;
        ui.horizontal(|ui| {
            ui.label(tf("households.selected", &[("n", &n.to_string())]));
            if ui.button(t("households.select_shown")).clicked() {
                let ids: Vec<String> = list.visible_rows().map(|r| r.id.clone()).collect();
                list.selected.extend(ids);
            }
            if ui.add_enabled(n > 0, egui::Button::new(t("households.select_none"))).clicked() {
                list.selected.clear();
            }
            ui.separator();
            let l = ui.label(t("households.assign_to"));
            let shown = list
                .assign_to
                .as_ref()
                .and_then(|id| cadres.iter().find(|c| &c.cadre.id == id))
                .map(|c| c.cadre.name.clone())
                .unwrap_or_else(|| t("common.choose").to_string());
            egui::ComboBox::from_id_salt("assign-cadre")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for c in cadres.iter().filter(|c| !c.cadre.archived) {
                        let text = format!(
                            "{}（{}，{}）",
                            c.cadre.name,
                            c.cadre.role.label(),
                            tf("cadres.load", &[("n", &c.households.to_string())])
                        );
                        ui.selectable_value(&mut list.assign_to, Some(c.cadre.id.clone()), text);
                    }
                })
                .response
                .labelled_by(l.id);
            let l = ui.label(t("households.assign_from"));
            let date = list.assign_date.get_or_insert(self.today);
            date_field(ui, l.id, date, None);
            assign =
                ui.add_enabled(n > 0 && list.assign_to.is_some(), egui::Button::new(t("households.assign"))).clicked();
        });
        if assign {
            self.assign_selected();
        }
    }

    fn assign_selected(&mut self) {
        let list = &mut self.households;
        let (Some(store), Some(cadre)) = (self.store.as_mut(), list.assign_to.clone()) else { return };
        let ids: Vec<String> = list.selected.iter().cloned().collect();
        let date = list.assign_date.unwrap_or(self.today);
        let result = store.assign(&ids, &cadre, date);
        if let Ok(changed) = &result {
            let msg =
                tf("households.assigned", &[("n", &changed.to_string()), ("same", &(ids.len() - changed).to_string())]);
            self.households.selected.clear();
            self.data_changed();
            self.report(result, &msg);
        } else {
            self.report(result, "");
        }
    }

    fn household_table(&mut self, ui: &mut Ui) {
        let mut open = None;
        let list = &mut self.households;
        if list.visible.is_empty() {
            ui.add_space(20.0);
            ui.label(RichText::new(t("households.none")).size(16.0).weak());
            return;
        }
        let rows = list.rows.as_deref().unwrap_or_default();
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
                body.rows(row_height, list.visible.len(), |mut row| {
                    let r = &rows[list.visible[row.index()]];
                    row.col(|ui| {
                        super::widgets::select_checkbox(
                            ui,
                            &mut list.selected,
                            &r.id,
                            tf("households.select_one", &[("name", &r.head_name)]),
                        );
                    });
                    row.col(|ui| {
                        ui.label(&r.group);
                    });
                    row.col(|ui| {
                        ui.monospace(&r.code);
                    });
                    row.col(|ui| {
                        let text = if r.archived {
                            RichText::new(format!("{}（{}）", r.head_name, t("households.archived"))).weak()
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
                            ui.label(RichText::new(t("households.unassigned")).color(super::widgets::ERROR));
                        } else {
                            ui.label(&r.cadre_name);
                        }
                    });
                });
            });
        if let Some(id) = open {
            self.open_detail(&id);
        }
    }
}
