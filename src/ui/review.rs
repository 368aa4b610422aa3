//! 审核: the first secretary's list of visits to review — 审核通过 with an optional comment, or
//! 退回 to the cadre with a reason. Reviewed visits become read-only.

use super::cache::Cached;
use super::cx::{Cx, Route};
use super::pin_dialog::{PinDialog, PinOutcome};
use super::widgets::{ERROR, OK, load_error, visit_marks};
use crate::i18n::{t, tf};
use crate::model::attachment::Signatures;
use crate::model::visit::ReviewStatus;
use crate::store::ReviewRow;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

/// State of the 审核 screen.
pub struct ReviewPage {
    status: ReviewStatus,
    rows: Cached<(Option<String>, ReviewStatus), Vec<ReviewRow>>,
    selected: Option<String>,
    comment: String,
    /// The approver's PIN, asked before a review is recorded.
    pin: PinDialog,
    /// The review waiting for the PIN: visit, returned.
    waiting: Option<(String, bool)>,
}

impl Default for ReviewPage {
    fn default() -> Self {
        ReviewPage {
            status: ReviewStatus::Pending,
            rows: Cached::default(),
            selected: None,
            comment: String::new(),
            pin: PinDialog::default(),
            waiting: None,
        }
    }
}

impl ReviewPage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        let key = (cx.village_id().map(str::to_string), self.status);
        let store = &*cx.store;
        let rows = match self.rows.get(cx.revision, key, |(v, s)| store.visits_for_review(v.as_deref(), Some(*s))) {
            Ok(rows) => rows,
            Err(e) => return load_error(ui, &e),
        };
        let page = self;
        ui.horizontal(|ui| {
            ui.heading(t("review.title"));
            for &status in ReviewStatus::ALL {
                if ui.selectable_label(page.status == status, status.label()).clicked() && page.status != status {
                    page.status = status;
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
                .column(Column::exact(150.0))
                .column(Column::exact(100.0))
                .column(Column::exact(90.0))
                .column(Column::exact(90.0))
                .column(Column::exact(80.0))
                .column(Column::exact(150.0))
                .column(Column::remainder())
                .header(26.0, |mut h| {
                    for key in [
                        "review.date",
                        "field.head_name",
                        "field.cadre",
                        "review.kind",
                        "review.problems",
                        "review.evidence",
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
                            if r.changed_after_review {
                                ui.label(RichText::new(t("audit.changed_after_review")).color(ERROR).strong())
                                    .on_hover_text(t("audit.changed_after_review_hint"));
                            }
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
                            ui.label(crate::i18n::value(&r.kind));
                        });
                        row.col(|ui| {
                            let color = if r.problems > 0 { ERROR } else { OK };
                            ui.label(RichText::new(r.problems.to_string()).color(color));
                        });
                        row.col(|ui| {
                            let color = if r.signatures == Signatures::Both { OK } else { ERROR };
                            let photos = tf("review.photo_count", &[("n", &r.photos.to_string())]);
                            ui.label(photos);
                            ui.label(RichText::new(r.signatures.label()).color(color));
                        });
                        row.col(|ui| {
                            if ui.button(t("review.open")).clicked() {
                                open_visit = Some(r.visit_id.clone());
                            }
                            if ui.button(t("review.pick")).clicked() {
                                page.selected = Some(r.visit_id.clone());
                                page.comment = r.comment.clone();
                            }
                            visit_marks(ui, r.unanswered, &r.recorder_name);
                            ui.label(&r.comment);
                        });
                        if row.response().clicked() {
                            page.selected = Some(r.visit_id.clone());
                            page.comment = r.comment.clone();
                        }
                    });
                });
            if let Some(id) = open_household {
                cx.go(Route::Household(id));
            }
            if let Some(id) = open_visit {
                cx.go(Route::Visit { visit: id, back: Box::new(Route::Review) });
            }
        }
        if let Some((id, returned)) = act {
            if returned && page.comment.trim().is_empty() {
                cx.error(t("review.err.reason_required").to_string());
            } else if cx.store.signed_approver().is_none() {
                page.waiting = Some((id, returned));
                page.pin.open(cx);
            } else {
                page.record(cx, &id, returned);
            }
        }
        match page.pin.show(cx) {
            PinOutcome::Signed => {
                if let Some((id, returned)) = page.waiting.take() {
                    page.record(cx, &id, returned);
                }
            }
            PinOutcome::Cancelled => page.waiting = None,
            PinOutcome::Open => {}
        }
    }

    /// Records the review under the signed-in approver.
    fn record(&mut self, cx: &mut Cx<'_>, id: &str, returned: bool) {
        let r = cx.store.review_visit(id, returned, &self.comment);
        if cx.report(r, t(if returned { "review.returned" } else { "review.approved" })).is_some() {
            self.selected = None;
            self.comment.clear();
        }
    }
}
