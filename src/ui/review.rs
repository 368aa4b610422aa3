//! 审核: the first secretary's list of visits to review — 审核通过 with an optional comment, or
//! 退回 to the cadre with a reason. Reviewed visits become read-only.

use super::app::App;
use super::widgets::{ERROR, Notice, OK};
use crate::i18n::{t, tf};
use crate::model::visit::ReviewStatus;
use crate::store::ReviewRow;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// State of the 审核 screen.
pub struct ReviewPage {
    status: ReviewStatus,
    rows: Option<Vec<ReviewRow>>,
    selected: Option<String>,
    comment: String,
}

impl Default for ReviewPage {
    fn default() -> Self {
        ReviewPage { status: ReviewStatus::Pending, rows: None, selected: None, comment: String::new() }
    }
}

impl ReviewPage {
    /// Forgets the loaded rows (after any write).
    pub fn invalidate(&mut self) {
        self.rows = None;
    }
}

impl App {
    pub(super) fn show_review(&mut self, ui: &mut Ui) {
        let Some(store) = self.store.as_ref() else { return };
        let village = self.village.as_ref().map(|v| v.id.clone());
        let page = &mut self.review;
        if page.rows.is_none() {
            page.rows = Some(store.visits_for_review(village.as_deref(), Some(page.status)).unwrap_or_default());
        }
        let rows = page.rows.clone().unwrap_or_default();
        ui.horizontal(|ui| {
            ui.heading(t("review.title"));
            for &status in ReviewStatus::ALL {
                if ui.selectable_label(page.status == status, status.label()).clicked() && page.status != status {
                    page.status = status;
                    page.rows = None;
                    page.selected = None;
                }
            }
            ui.label(tf("review.count", &[("n", &rows.len().to_string())]));
        });
        ui.separator();
        let mut act = None;
        if let Some(id) = page.selected.clone()
            && let Some(r) = rows.iter().find(|r| r.visit_id == id)
        {
            egui::Panel::bottom("review-actions").show(ui, |ui| {
                ui.label(
                    RichText::new(tf(
                        "review.selected",
                        &[("name", &r.head_name), ("date", &r.date.to_string()), ("cadre", &r.cadre_name)],
                    ))
                    .strong(),
                );
                if r.status == ReviewStatus::Reviewed {
                    ui.label(RichText::new(t("review.read_only")).color(OK));
                } else {
                    ui.horizontal(|ui| {
                        let l = ui.label(t("review.comment"));
                        ui.add(super::widgets::line(&mut page.comment, 420.0).hint_text(t("review.comment_hint")))
                            .labelled_by(l.id);
                        if ui.button(RichText::new(t("review.approve")).color(OK).strong()).clicked() {
                            act = Some((id.clone(), false));
                        }
                        if ui.button(RichText::new(t("review.return")).color(ERROR)).clicked() {
                            act = Some((id.clone(), true));
                        }
                    });
                }
            });
        }
        if rows.is_empty() {
            ui.label(RichText::new(t("review.none")).size(16.0).weak());
        } else {
            let mut open_household = None;
            let mut open_visit = None;
            let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
            TableBuilder::new(ui)
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::exact(100.0))
                .column(Column::exact(100.0))
                .column(Column::exact(90.0))
                .column(Column::exact(90.0))
                .column(Column::exact(80.0))
                .column(Column::remainder())
                .header(26.0, |mut h| {
                    for key in [
                        "review.date",
                        "field.head_name",
                        "field.cadre",
                        "review.kind",
                        "review.problems",
                        "review.comment",
                    ] {
                        h.col(|ui| {
                            ui.strong(t(key));
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, rows.len(), |mut row| {
                        let r = &rows[row.index()];
                        row.set_selected(page.selected.as_ref() == Some(&r.visit_id));
                        row.col(|ui| {
                            ui.label(r.date.to_string());
                        });
                        row.col(|ui| {
                            if ui.link(&r.head_name).clicked() {
                                open_household = Some(r.household_id.clone());
                            }
                        });
                        row.col(|ui| {
                            ui.label(&r.cadre_name);
                        });
                        row.col(|ui| {
                            ui.label(&r.kind);
                        });
                        row.col(|ui| {
                            let color = if r.problems > 0 { ERROR } else { OK };
                            ui.label(RichText::new(r.problems.to_string()).color(color));
                        });
                        row.col(|ui| {
                            if ui.button(t("review.open")).clicked() {
                                open_visit = Some(r.visit_id.clone());
                            }
                            if ui.button(t("review.pick")).clicked() {
                                page.selected = Some(r.visit_id.clone());
                                page.comment = r.comment.clone();
                            }
                            ui.label(&r.comment);
                        });
                        if row.response().clicked() {
                            page.selected = Some(r.visit_id.clone());
                            page.comment = r.comment.clone();
                        }
                    });
                });
            if let Some(id) = open_household {
                self.open_household(&id);
            }
            if let Some(id) = open_visit {
                self.open_visit(&id, super::app::Page::Review);
            }
        }
        if let Some((id, returned)) = act {
            let actor = self.actor();
            let comment = self.review.comment.clone();
            let Some(store) = self.store.as_mut() else { return };
            match store.review_visit(&id, &actor, returned, &comment) {
                Ok(()) => {
                    self.notice = Some(Notice::info(t(if returned { "review.returned" } else { "review.approved" })));
                    self.review.selected = None;
                    self.review.comment.clear();
                    self.data_changed();
                }
                Err(e) => self.notice = Some(Notice::error(e.to_string())),
            }
        }
    }
}
