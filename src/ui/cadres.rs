//! 干部: the village's cadres with their current load; add, edit and archive; open a cadre's
//! households in the 农户 list (where households are assigned).

use super::app::{App, Page};
use super::households::{CadreFilter, Filters};
use super::widgets::{ERROR, combo_field, text_field};
use crate::i18n::{t, tf};
use crate::model::register::{Cadre, Field};
use crate::store::{CadreRow, Store};
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// State of the 干部 screen.
#[derive(Default)]
pub struct CadresPage {
    rows: Option<Vec<CadreRow>>,
    editing: Option<Cadre>,
    tried: bool,
    show_archived: bool,
}

impl CadresPage {
    /// Forgets the loaded rows (after any write).
    pub fn invalidate(&mut self) {
        self.rows = None;
    }

    /// All cadres (archived included), loaded once until invalidated.
    pub fn rows(&mut self, store: &Store) -> &[CadreRow] {
        self.rows.get_or_insert_with(|| store.cadres(true).unwrap_or_default())
    }
}

impl App {
    pub(super) fn show_cadres(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        let show_archived = self.cadres.show_archived;
        let rows: Vec<CadreRow> =
            self.cadres.rows(store).iter().filter(|c| show_archived || !c.cadre.archived).cloned().collect();
        let mut open_households = None;
        let mut toggle_archive = None;
        ui.horizontal(|ui| {
            ui.heading(t("cadres.title"));
            ui.label(tf("cadres.count", &[("n", &rows.len().to_string())]));
            ui.checkbox(&mut self.cadres.show_archived, t("cadres.show_archived"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(t("cadres.new")).clicked() {
                    self.cadres.editing = Some(Cadre::default());
                    self.cadres.tried = false;
                }
            });
        });
        ui.separator();
        if self.cadres.editing.is_some() {
            egui::Panel::right("cadre-form").exact_size(420.0).show(ui, |ui| self.cadre_form(ui));
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
                    let c = &rows[row.index()];
                    row.col(|ui| {
                        let text = if c.cadre.archived {
                            RichText::new(format!("{}（{}）", c.cadre.name, t("cadres.archived"))).weak()
                        } else {
                            RichText::new(&c.cadre.name)
                        };
                        if ui.link(text).clicked() {
                            self.cadres.editing = Some(c.cadre.clone());
                            self.cadres.tried = false;
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
            self.households.filters = Filters { cadre: CadreFilter::Cadre(id), ..Filters::default() };
            self.page = Page::Households;
        }
        if let Some((id, archive, load)) = toggle_archive {
            if archive && load > 0 {
                self.notice =
                    Some(super::widgets::Notice::error(tf("cadres.reassign_first", &[("n", &load.to_string())])));
            } else if let Some(store) = self.store.as_mut() {
                let r = store.set_cadre_archived(&id, archive);
                self.data_changed();
                self.report(r, t(if archive { "cadres.archived_done" } else { "cadres.restored_done" }));
            }
        }
    }

    fn cadre_form(&mut self, ui: &mut Ui) {
        let Some(c) = self.cadres.editing.as_mut() else { return };
        let problems: Vec<_> =
            c.problems().into_iter().filter(|p| self.cadres.tried || p.message != t("err.required")).collect();
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
        if !problems.is_empty() && self.cadres.tried {
            ui.label(RichText::new(t("form.fix_first")).color(ERROR));
        }
        if close {
            self.cadres.editing = None;
        } else if save {
            self.cadres.tried = true;
            let village = self.village.as_ref().map(|v| v.id.clone());
            let (Some(store), Some(c)) = (self.store.as_mut(), self.cadres.editing.as_mut()) else { return };
            let r = store.save_cadre(c, village.as_deref());
            let msg = tf("cadres.saved", &[("name", &c.name)]);
            if self.report(r, &msg) {
                self.cadres.editing = None;
                self.data_changed();
            }
        }
    }
}
