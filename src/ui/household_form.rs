//! Adding and editing one household with its members: fields validate as they are typed (ID
//! numbers checked, also against other households), the cadre can be changed with the history
//! kept, and the household can be archived. Ctrl+S saves, Esc goes back.

use super::cx::{Cx, Route};
use super::widgets::{ERROR, coded_combo, field_error, line, optional_field, text_field};
use crate::i18n::{t, tf};
use crate::model::coded::Relation;
use crate::model::id_number::IdNumber;
use crate::model::register::{Field, FieldProblem, Group, Household, Member, member_list_problems};
use crate::store::{AssignmentRow, CadreRow, Store, StoreError};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use std::collections::HashMap;

/// The state of the household form.
#[derive(Debug, Clone)]
pub struct HouseholdForm {
    /// The household being edited.
    pub household: Household,
    /// Its members, in order.
    pub members: Vec<Member>,
    original: (Household, Vec<Member>, Option<String>),
    /// The cadre chosen for the household.
    pub cadre: Option<String>,
    history: Vec<AssignmentRow>,
    /// The village's 村民小组, loaded with the form.
    groups: Vec<Group>,
    /// The cadres to choose from, loaded with the form.
    cadres: Vec<CadreRow>,
    /// Which ID numbers already belong to another household (cached per number).
    owners: HashMap<String, Option<String>>,
    /// Required-field errors show once a save was tried.
    tried: bool,
    confirm_discard: bool,
    today: NaiveDate,
}

impl HouseholdForm {
    /// A blank household of `village_id` with one member row for the head.
    pub fn new_household(store: &Store, village_id: String, today: NaiveDate) -> Result<Self, StoreError> {
        let groups = store.groups(&village_id)?;
        let household = Household { village_id, ..Household::default() };
        let members = vec![Member::default()];
        Ok(HouseholdForm {
            original: (household.clone(), members.clone(), None),
            household,
            members,
            cadre: None,
            history: Vec::new(),
            groups,
            cadres: store.cadres(false)?,
            owners: HashMap::new(),
            tried: false,
            confirm_discard: false,
            today,
        })
    }

    /// The form for a stored household.
    pub fn load(store: &Store, id: &str, today: NaiveDate) -> Result<Self, StoreError> {
        let (household, members) = store.household(id)?.ok_or_else(|| StoreError::Missing(id.to_string()))?;
        let history = store.assignment_history(id)?;
        let cadre = history.iter().find(|a| a.assignment.end.is_none()).map(|a| a.assignment.cadre_id.clone());
        let groups = store.groups(&household.village_id)?;
        Ok(HouseholdForm {
            original: (household.clone(), members.clone(), cadre.clone()),
            household,
            members,
            cadre,
            history,
            groups,
            cadres: store.cadres(false)?,
            owners: HashMap::new(),
            tried: false,
            confirm_discard: false,
            today,
        })
    }

    fn is_new(&self) -> bool {
        self.household.id.is_empty()
    }

    fn is_changed(&self) -> bool {
        (&self.household, &self.members, &self.cadre) != (&self.original.0, &self.original.1, &self.original.2)
    }

    /// Every problem of the form, per member index (`None` for the household's own fields).
    fn problems(&mut self, store: &Store) -> Vec<(Option<usize>, FieldProblem)> {
        let keep = |p: &FieldProblem| self.tried || p.message != t("err.required");
        let mut out: Vec<(Option<usize>, FieldProblem)> =
            self.household.problems().into_iter().filter(keep).map(|p| (None, p)).collect();
        for (i, m) in self.members.iter().enumerate() {
            out.extend(m.problems(self.today).into_iter().filter(keep).map(|p| (Some(i), p)));
            if let Ok(id) = IdNumber::parse(&m.id_number, self.today) {
                let owner = self
                    .owners
                    .entry(id.as_str().to_string())
                    .or_insert_with(|| store.id_number_owner(id.as_str(), &self.household.id).ok().flatten());
                if let Some(head) = owner {
                    out.push((
                        Some(i),
                        FieldProblem {
                            field: Field::IdNumber,
                            message: tf("store.err.id_taken", &[("id", id.as_str()), ("head", head)]),
                        },
                    ));
                }
            }
        }
        out.extend(member_list_problems(&self.members, self.today).into_iter().map(|(i, p)| (Some(i), p)));
        out
    }
}

impl HouseholdForm {
    /// Draws the form.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let problems = self.problems(cx.store);
        let form = self;
        let (groups, cadres) = (std::mem::take(&mut form.groups), std::mem::take(&mut form.cadres));
        let save =
            ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S)));
        let escape = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
        let mut action = None;

        ui.horizontal(|ui| {
            let title = if form.is_new() {
                t("form.new_title").to_string()
            } else {
                tf("form.edit_title", &[("name", &form.household.head_name)])
            };
            ui.heading(title);
            if form.household.archived {
                ui.label(RichText::new(t("households.archived")).color(ERROR).strong());
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(t("form.back")).on_hover_text("Esc").clicked() {
                    action = Some(FormAction::Back);
                }
                if ui.button(RichText::new(t("form.save")).strong()).on_hover_text("Ctrl+S").clicked() {
                    action = Some(FormAction::Save);
                }
                if !form.is_new() {
                    let key = if form.household.archived { "form.restore" } else { "form.archive" };
                    if ui.button(t(key)).clicked() {
                        action = Some(FormAction::Archive);
                    }
                }
            });
        });
        if form.confirm_discard {
            ui.horizontal(|ui| {
                ui.label(RichText::new(t("form.discard_question")).color(ERROR).strong());
                if ui.button(t("form.discard")).clicked() {
                    action = Some(FormAction::Discard);
                }
                if ui.button(t("form.keep_editing")).clicked() {
                    form.confirm_discard = false;
                }
            });
        }
        ui.separator();
        let household_problems: Vec<FieldProblem> =
            problems.iter().filter(|(i, _)| i.is_none()).map(|(_, p)| p.clone()).collect();
        egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            ui.label(RichText::new(t("form.household_section")).strong().size(17.0));
            egui::Grid::new("household-grid").num_columns(4).spacing([12.0, 6.0]).show(ui, |ui| {
                let h = &mut form.household;
                let head_from_member = form.members.iter().any(|m| m.relation == Relation::Head);
                let l = ui.label(t("field.head_name"));
                ui.horizontal(|ui| {
                    if head_from_member {
                        let name = form
                            .members
                            .iter()
                            .find(|m| m.relation == Relation::Head)
                            .map(|m| m.name.clone())
                            .unwrap_or_default();
                        ui.label(RichText::new(name).strong()).labelled_by(l.id);
                        ui.label(RichText::new(t("form.head_from_member")).weak());
                    } else {
                        ui.add(line(&mut h.head_name, 160.0)).labelled_by(l.id);
                        field_error(ui, &household_problems, Field::HeadName);
                    }
                });
                text_field(ui, t("field.code"), &mut h.code, 200.0, &household_problems, Some(Field::Code));
                ui.end_row();
                let l = ui.label(t("field.group"));
                let shown = groups
                    .iter()
                    .find(|g| Some(&g.id) == h.group_id.as_ref())
                    .map(|g| g.name.clone())
                    .unwrap_or_else(|| t("common.unset").to_string());
                egui::ComboBox::from_id_salt("form-group")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut h.group_id, None, t("common.unset"));
                        for g in &groups {
                            ui.selectable_value(&mut h.group_id, Some(g.id.clone()), &g.name);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                optional_field(ui, t("field.category"), "form-category", &mut h.category);
                ui.end_row();
                optional_field(ui, t("field.poverty_cause"), "form-cause", &mut h.poverty_cause);
                optional_field(ui, t("field.household_labour"), "form-labour", &mut h.labour);
                ui.end_row();
                text_field(ui, t("field.address"), &mut h.address, 300.0, &household_problems, None);
                text_field(ui, t("field.notes"), &mut h.notes, 300.0, &household_problems, None);
                ui.end_row();
                text_field(ui, t("field.phone"), &mut h.phone, 200.0, &household_problems, Some(Field::Phone));
                let l = ui.label(t("field.cadre"));
                let shown = form
                    .cadre
                    .as_ref()
                    .and_then(|id| cadres.iter().find(|c| &c.cadre.id == id))
                    .map(|c| c.cadre.name.clone())
                    .unwrap_or_else(|| t("households.unassigned").to_string());
                egui::ComboBox::from_id_salt("form-cadre")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for c in cadres.iter().filter(|c| !c.cadre.archived) {
                            ui.selectable_value(&mut form.cadre, Some(c.cadre.id.clone()), c.cadre.label());
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
            });
            if !form.history.is_empty() {
                ui.label(RichText::new(t("form.history")).strong());
                for a in &form.history {
                    let until =
                        a.assignment.end.map(|d| d.to_string()).unwrap_or_else(|| t("form.until_now").to_string());
                    ui.label(format!(
                        "  {}",
                        crate::i18n::labelled(&format!("{} — {}", a.assignment.start, until), &a.cadre_name)
                    ));
                }
            }
            ui.add_space(10.0);
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(tf("form.members_section", &[("n", &form.members.len().to_string())]))
                        .strong()
                        .size(17.0),
                );
                if ui.button(t("form.add_member")).clicked() {
                    let relation = if form.members.iter().any(|m| m.relation == Relation::Head) {
                        Relation::Spouse
                    } else {
                        Relation::Head
                    };
                    form.members.push(Member { relation, ..Member::default() });
                }
            });
            let mut remove = None;
            for (i, m) in form.members.iter_mut().enumerate() {
                let mine: Vec<FieldProblem> =
                    problems.iter().filter(|(j, _)| *j == Some(i)).map(|(_, p)| p.clone()).collect();
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    member_fields(ui, i, m, &mine);
                    if ui.button(t("form.remove_member")).clicked() {
                        remove = Some(i);
                    }
                });
            }
            if let Some(i) = remove {
                form.members.remove(i);
            }
        });

        if save {
            action = Some(FormAction::Save);
        }
        if escape && action.is_none() {
            action = Some(FormAction::Back);
        }
        form.groups = groups;
        form.cadres = cadres;
        match action {
            Some(FormAction::Save) => form.save(cx, false),
            Some(FormAction::Archive) => form.save(cx, true),
            Some(FormAction::Back) if form.is_changed() => form.confirm_discard = true,
            Some(FormAction::Back | FormAction::Discard) => form.close(cx),
            None => {}
        }
    }

    /// Leaves the form: for 户详情 of a household that existed, else for the list.
    fn close(&self, cx: &mut Cx<'_>) {
        match self.original.0.id.as_str() {
            "" => cx.go(Route::Households(None)),
            id => cx.go(Route::Household(id.to_string())),
        }
    }

    /// Saves the form (toggling the archive flag first when asked).
    fn save(&mut self, cx: &mut Cx<'_>, toggle_archive: bool) {
        self.tried = true;
        if toggle_archive {
            self.household.archived = !self.household.archived;
        }
        let cadre_changed = self.cadre != self.original.2;
        let assign = if cadre_changed { self.cadre.as_deref() } else { None };
        let result = cx.store.save_household(&mut self.household, &mut self.members, assign, cx.today);
        if result.is_err() && toggle_archive {
            self.household.archived = !self.household.archived;
        }
        let name = self.household.head_name.clone();
        if cx.report(result, &tf("form.saved", &[("name", &name)])).is_some() {
            let missing: Vec<&str> = [
                (self.household.group_id.is_none(), "field.group"),
                (self.household.category.is_none(), "field.category"),
                (self.cadre.is_none(), "field.cadre"),
            ]
            .into_iter()
            .filter(|(missing, _)| *missing)
            .map(|(_, key)| t(key))
            .collect();
            if !missing.is_empty() {
                cx.info(tf("form.saved_missing", &[("name", &name), ("fields", &missing.join("、"))]));
            }
            self.close(cx);
        }
    }
}

enum FormAction {
    Save,
    Archive,
    Back,
    Discard,
}

/// The fields of one member, in a grid of two rows, with their problems beside them.
fn member_fields(ui: &mut Ui, i: usize, m: &mut Member, problems: &[FieldProblem]) {
    egui::Grid::new(("member", i)).num_columns(10).spacing([8.0, 6.0]).show(ui, |ui| {
        let l = ui.label(t("field.name"));
        ui.add(line(&mut m.name, 90.0)).labelled_by(l.id);
        let l = ui.label(t("field.id_number"));
        ui.add(line(&mut m.id_number, 200.0).font(egui::TextStyle::Monospace)).labelled_by(l.id);
        let l = ui.label(t("field.relation"));
        coded_combo(ui, ("relation", i), l.id, &mut m.relation);
        let l = ui.label(t("field.health"));
        coded_combo(ui, ("health", i), l.id, &mut m.health);
        let l = ui.label(t("field.disability"));
        ui.add_enabled(m.health == crate::model::coded::Health::Disabled, line(&mut m.disability, 90.0))
            .labelled_by(l.id);
        ui.end_row();
        let l = ui.label(t("field.labour"));
        coded_combo(ui, ("labour", i), l.id, &mut m.labour);
        let l = ui.label(t("field.schooling"));
        coded_combo(ui, ("schooling", i), l.id, &mut m.schooling);
        let l = ui.label(t("field.work"));
        coded_combo(ui, ("work", i), l.id, &mut m.work);
        let l = ui.label(t("field.work_place"));
        ui.add(line(&mut m.work_place, 120.0)).labelled_by(l.id);
        let l = ui.label(t("field.work_contact"));
        ui.add(line(&mut m.work_contact, 110.0)).labelled_by(l.id);
        ui.end_row();
    });
    for p in problems {
        ui.label(RichText::new(crate::i18n::labelled(t(field_key(p.field)), &p.message)).color(ERROR));
    }
}

/// The catalogue key of a field's label.
pub fn field_key(f: Field) -> &'static str {
    match f {
        Field::HeadName => "field.head_name",
        Field::Code => "field.code",
        Field::Phone => "field.phone",
        Field::Name => "field.name",
        Field::IdNumber => "field.id_number",
        Field::Relation => "field.relation",
        Field::VillageName => "field.village_name",
        Field::Threshold => "field.threshold",
        Field::Group => "field.problem_group",
        Field::Description => "field.description",
        Field::Deadline => "field.deadline",
    }
}
