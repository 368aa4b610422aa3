//! Creating or editing a village: name, township, county, income threshold and its 村民小组.

use super::cx::{Cx, Route};
use super::widgets::{ERROR, field_error, text_field};
use crate::i18n::{t, tf};
use crate::model::register::{DEFAULT_INCOME_THRESHOLD, Field, Village};
use egui::{RichText, Ui};

/// The state of the village form.
#[derive(Debug, Clone)]
pub struct VillageForm {
    /// The village being edited.
    pub village: Village,
    /// Groups to add, as typed (separated by spaces, commas or 、).
    pub new_groups: String,
    existing_groups: Option<Vec<String>>,
    tried: bool,
}

impl VillageForm {
    /// A form for `village`, or for a new one.
    pub fn new(village: Option<Village>) -> Self {
        let is_new = village.is_none();
        let village = village.unwrap_or(Village {
            id: String::new(),
            name: String::new(),
            township: String::new(),
            county: String::new(),
            income_threshold: DEFAULT_INCOME_THRESHOLD,
        });
        VillageForm {
            village,
            new_groups: if is_new { "一组 二组 三组".to_string() } else { String::new() },
            existing_groups: None,
            tried: false,
        }
    }

    /// The group names typed, split on spaces, commas and 、.
    pub fn group_names(&self) -> Vec<String> {
        self.new_groups
            .split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl VillageForm {
    /// Draws the form.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let form = self;
        if form.existing_groups.is_none() {
            match cx.store.groups(&form.village.id) {
                Ok(groups) => form.existing_groups = Some(groups.into_iter().map(|g| g.name).collect()),
                Err(e) => {
                    cx.error(e.to_string());
                    form.existing_groups = Some(Vec::new());
                }
            }
        }
        let problems: Vec<_> =
            form.village.problems().into_iter().filter(|p| form.tried || p.message != t("err.required")).collect();
        ui.heading(if form.village.id.is_empty() { t("village.new_title") } else { t("village.edit_title") });
        ui.add_space(8.0);
        let mut save =
            ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S)));
        let mut cancel = false;
        egui::Grid::new("village-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            let v = &mut form.village;
            text_field(ui, t("field.village_name"), &mut v.name, 220.0, &problems, Some(Field::VillageName));
            ui.end_row();
            text_field(ui, t("field.township"), &mut v.township, 220.0, &problems, None);
            ui.end_row();
            text_field(ui, t("field.county"), &mut v.county, 220.0, &problems, None);
            ui.end_row();
            let l = ui.label(t("field.threshold"));
            ui.horizontal(|ui| {
                ui.add(egui::DragValue::new(&mut v.income_threshold).range(0.0..=100_000.0).speed(50.0).suffix(" 元"))
                    .labelled_by(l.id);
                field_error(ui, &problems, Field::Threshold);
            });
            ui.end_row();
            let existing = form.existing_groups.as_deref().unwrap_or_default();
            if !existing.is_empty() {
                ui.label(t("village.groups"));
                ui.label(existing.join("、"));
                ui.end_row();
            }
            text_field(ui, t("village.add_groups"), &mut form.new_groups, 320.0, &problems, None);
            ui.end_row();
        });
        ui.label(RichText::new(t("village.groups_hint")).weak());
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            save |= ui.button(RichText::new(t("form.save")).strong()).on_hover_text("Ctrl+S").clicked();
            cancel = ui.button(t("form.cancel")).clicked();
        });
        if form.tried && !problems.is_empty() {
            ui.label(RichText::new(t("form.fix_first")).color(ERROR));
        }
        if cancel {
            cx.go(if cx.villages.is_empty() { Route::Welcome } else { Route::Settings });
        } else if save {
            form.save(cx);
        }
    }

    fn save(&mut self, cx: &mut Cx<'_>) {
        self.tried = true;
        let groups = self.group_names();
        let result = cx.store.save_village(&mut self.village, &groups);
        let name = self.village.name.clone();
        if cx.report(result, &tf("village.saved", &[("name", &name)])).is_some() {
            cx.choose_village(Some(self.village.id.clone()));
            cx.go(Route::Households(None));
        }
    }
}
