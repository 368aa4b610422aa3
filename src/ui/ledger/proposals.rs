//! Problems a visit proposed for the ledger: confirm as they are, edit then confirm, or dismiss.

use super::detail::Detail;
use super::{LedgerData, LedgerPage};
use crate::i18n::{t, tf};
use crate::ui::cx::Cx;
use crate::ui::widgets::ERROR;
use egui::{RichText, Ui};

impl LedgerPage {
    /// The proposals waiting, in a list that lays out only the rows in view.
    pub(super) fn proposals_panel(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, data: &LedgerData) {
        let n = data.proposals.len();
        if n == 0 {
            return;
        }
        let mut act = None;
        egui::CollapsingHeader::new(
            RichText::new(tf("ledger.proposals", &[("n", &n.to_string())])).strong().color(ERROR),
        )
        .id_salt("proposals")
        .default_open(true)
        .show(ui, |ui| {
            // Only the rows in view are laid out: a township can have thousands of proposals.
            let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
            let proposals = &data.proposals;
            egui::ScrollArea::vertical().id_salt("proposal-list").max_height(150.0).show_rows(
                ui,
                row_height,
                proposals.len(),
                |ui, range| {
                    for i in range {
                        let p = &proposals[i];
                        ui.horizontal(|ui| {
                            let cell = |ui: &mut Ui, width: f32, text: &str| {
                                ui.add_sized([width, row_height], egui::Label::new(text).truncate());
                            };
                            cell(ui, 86.0, &p.problem.found.to_string());
                            cell(ui, 64.0, &p.head_name);
                            cell(ui, 64.0, &p.problem.group);
                            if ui.small_button(t("ledger.confirm")).clicked() {
                                act = Some((i, ProposalAction::Confirm));
                            }
                            if ui.small_button(t("ledger.edit_confirm")).clicked() {
                                act = Some((i, ProposalAction::Edit));
                            }
                            if ui.small_button(t("ledger.dismiss")).clicked() {
                                act = Some((i, ProposalAction::Dismiss));
                            }
                            ui.add(egui::Label::new(RichText::new(&p.problem.description).color(ERROR)).truncate());
                        });
                    }
                },
            );
        });
        let Some((i, action)) = act else { return };
        let mut proposed = data.proposals[i].problem.clone();
        if let ProposalAction::Edit = action {
            self.detail = Some(Detail::new(proposed));
            return;
        }
        let actor = cx.actor();
        let result = match action {
            ProposalAction::Dismiss => cx
                .store
                .dismiss_proposal(
                    proposed.visit_id.as_deref().unwrap_or_default(),
                    proposed.item_code.as_deref().unwrap_or_default(),
                )
                .map(|_| t("ledger.dismissed")),
            _ => cx.store.confirm_proposal(&mut proposed, &actor).map(|_| t("ledger.confirmed")),
        };
        if let Some(msg) = cx.report(result, "") {
            cx.info(msg);
        }
    }
}

enum ProposalAction {
    Confirm,
    Edit,
    Dismiss,
}
