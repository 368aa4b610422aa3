//! 干部: the village's cadres with their current load; add, edit and archive; open a cadre's
//! households in the 农户 list (where households are assigned).

use super::cache::Cached;
use super::cx::{CadreFilter, Cx, HouseholdFilters, Route};
use super::widgets::{ERROR, combo_field, load_error, text_field};
use crate::i18n::{t, tf};
use crate::model::register::{Cadre, Field};
use crate::store::CadreRow;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// State of the 干部 screen.
#[derive(Default)]
pub struct CadresPage {
    rows: Cached<(), Vec<CadreRow>>,
    editing: Option<Cadre>,
    tried: bool,
    show_archived: bool,
}

impl CadresPage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let all = match self.rows.get(cx.revision, (), |_| cx.store.cadres(true)) {
            Ok(rows) => rows,
            Err(e) => return load_error(ui, &e),
        };
        let show_archived = self.show_archived;
        let rows: Vec<&CadreRow> = all.iter().filter(|c| show_archived || !c.cadre.archived).collect();
        let mut open_households = None;
        let mut toggle_archive = None;
        ui.horizontal(|ui| {
            ui.heading(t("cadres.title"));
            ui.label(tf("cadres.count", &[("n", &rows.len().to_string())]));
            ui.checkbox(&mut self.show_archived, t("cadres.show_archived"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(t("cadres.new")).clicked() {
                    self.editing = Some(Cadre::default());
                    self.tried = false;
                }
            });
        });
        ui.separator();
        if self.editing.is_some() {
            egui::Panel::right("cadre-form").exact_size(420.0).show(ui, |ui| self.cadre_form(cx, ui));
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 10.0;
        TableBuilder::new(ui)
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(90.0))
            .column(Column::exact(110.0))
            .column(Column::exact(130.0))
            .column(Column::exact(120.0))
            .column(Column::exact(70.0))
            .column(Column::remainder().at_least(200.0))
            .header(26.0, |mut h| {
                for key in ["field.name", "field.role", "field.unit", "field.phone", "cadres.households", ""] {
                    h.col(|ui| {
                        ui.strong(t(key));
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, rows.len(), |mut row| {
                    let c = rows[row.index()];
                    row.col(|ui| {
                        let text = if c.cadre.archived {
                            RichText::new(crate::i18n::aside(&c.cadre.name, t("cadres.archived"))).weak()
                        } else {
                            RichText::new(&c.cadre.name)
                        };
                        if ui.link(text).clicked() {
                            self.editing = Some(c.cadre.clone());
                            self.tried = false;
                        }
                    });
                    row.col(|ui| {
                        ui.label(c.cadre.role.label());
                    });
                    row.col(|ui| {
                        ui.label(&c.cadre.unit);
                    });
                    row.col(|ui| {
                        ui.label(&c.cadre.phone);
                    });
                    row.col(|ui| {
                        ui.label(c.households.to_string());
                    });
                    row.col(|ui| {
                        if ui.small_button(t("cadres.their_households")).clicked() {
                            open_households = Some(c.cadre.id.clone());
                        }
                        let key = if c.cadre.archived { "cadres.restore" } else { "cadres.archive" };
                        if ui.small_button(t(key)).clicked() {
                            toggle_archive = Some((c.cadre.id.clone(), !c.cadre.archived, c.households));
                        }
                    });
                });
            });
        if let Some(id) = open_households {
            let filters = HouseholdFilters { cadre: CadreFilter::Cadre(id), ..HouseholdFilters::default() };
            cx.go(Route::Households(Some(filters)));
        }
        if let Some((id, archive, load)) = toggle_archive {
            if archive && load > 0 {
                cx.error(tf("cadres.reassign_first", &[("n", &load.to_string())]));
            } else {
                let r = cx.store.set_cadre_archived(&id, archive);
                cx.report(r, t(if archive { "cadres.archived_done" } else { "cadres.restored_done" }));
            }
        }
    }

    fn cadre_form(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let Some(c) = self.editing.as_mut() else { return };
        let problems: Vec<_> =
            c.problems().into_iter().filter(|p| self.tried || p.message != t("err.required")).collect();
        ui.heading(if c.id.is_empty() { t("cadres.new") } else { t("cadres.edit") });
        let mut save =
            ui.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S)));
        let mut close = false;
        egui::Grid::new("cadre-grid").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
            text_field(ui, t("field.name"), &mut c.name, 180.0, &problems, Some(Field::Name));
            ui.end_row();
            combo_field(ui, t("field.role"), "cadre-role", &mut c.role);
            ui.end_row();
            text_field(ui, t("field.unit"), &mut c.unit, 220.0, &problems, None);
            ui.end_row();
            text_field(ui, t("field.phone"), &mut c.phone, 180.0, &problems, Some(Field::Phone));
            ui.end_row();
        });
        ui.horizontal(|ui| {
            save |= ui.button(RichText::new(t("form.save")).strong()).on_hover_text("Ctrl+S").clicked();
            close = ui.button(t("form.cancel")).clicked();
        });
        if !problems.is_empty() && self.tried {
            ui.label(RichText::new(t("form.fix_first")).color(ERROR));
        }
        if close {
            self.editing = None;
        } else if save {
            self.tried = true;
            let Some(c) = self.editing.as_mut() else { return };
            let r = cx.store.save_cadre(c, cx.village.map(|v| v.id.as_str()));
            let msg = tf("cadres.saved", &[("name", &c.name)]);
            if cx.report(r, &msg).is_some() {
                self.editing = None;
            }
        }
    }
}
