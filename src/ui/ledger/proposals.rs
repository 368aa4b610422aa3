//! Problems a visit proposed for the ledger: confirm as they are, edit then confirm, dismiss,
//! or add to the household's open problem for the same item. A proposal dealt with stays in its
//! row, saying what was done, so the next one never moves under the pointer.

use super::detail::Detail;
use super::{LedgerData, LedgerPage};
use crate::checklist::Proposed;
use crate::i18n::{t, tf};
use crate::ui::cx::Cx;
use crate::ui::widgets::{ERROR, OK, fixed_row};
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::rc::Rc;

type Key = (Option<String>, Option<String>);

fn key(p: &Proposed) -> Key {
    (p.problem.visit_id.clone(), p.problem.item_code.clone())
}

impl LedgerPage {
    /// Lists the proposals of `data`, keeping the rows dealt with here in their places.
    pub(super) fn sync_proposals(&mut self, data: &Rc<LedgerData>) {
        if self.proposals_from.as_ref().is_some_and(|d| Rc::ptr_eq(d, data)) {
            return;
        }
        let mut pending: HashMap<Key, &Proposed> = data.proposals.iter().map(|p| (key(p), p)).collect();
        let mut rows = Vec::with_capacity(data.proposals.len());
        for (p, done) in self.proposal_rows.drain(..) {
            match pending.remove(&key(&p)) {
                Some(fresh) if done.is_none() => rows.push((fresh.clone(), None)),
                _ if done.is_some() => rows.push((p, done)),
                _ => {}
            }
        }
        rows.extend(data.proposals.iter().filter(|p| pending.contains_key(&key(p))).map(|p| (p.clone(), None)));
        self.proposal_rows = rows;
        self.proposals_from = Some(Rc::clone(data));
    }

    /// The proposals, in a list that lays out only the rows in view.
    /// On a page narrower than [`ROOMY`] (beside the detail panel) a row leaves out its date and
    /// group (shown on hover over the name) so the buttons and the problem stay in view.
    pub(super) fn proposals_panel(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, width: f32) {
        if self.proposal_rows.is_empty() {
            return;
        }
        let n = self.proposal_rows.iter().filter(|(_, done)| done.is_none()).count();
        let mut act = None;
        egui::CollapsingHeader::new(
            RichText::new(tf("ledger.proposals", &[("n", &n.to_string())])).strong().color(ERROR),
        )
        .id_salt("proposals")
        .default_open(true)
        .show(ui, |ui| {
            // Only the rows in view are laid out: a township can have thousands of proposals.
            let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
            let rows = &self.proposal_rows;
            egui::ScrollArea::vertical().id_salt("proposal-list").max_height(150.0).show_rows(
                ui,
                row_height,
                rows.len(),
                |ui, range| {
                    for i in range {
                        let (p, done) = &rows[i];
                        fixed_row(ui, row_height, |ui| {
                            let cell = |ui: &mut Ui, width: f32, text: &str| {
                                ui.add_sized([width, row_height], egui::Label::new(text).truncate());
                            };
                            let found = p.problem.found.to_string();
                            let group = crate::i18n::value(&p.problem.group);
                            if width >= ROOMY {
                                cell(ui, 86.0, &found);
                                cell(ui, 64.0, &p.head_name);
                                cell(ui, 64.0, group);
                            } else {
                                ui.add_sized([64.0, row_height], egui::Label::new(&p.head_name).truncate())
                                    .on_hover_text(format!("{} · {found} · {group}", p.head_name));
                            }
                            if let Some(done) = done {
                                ui.label(RichText::new(done).color(OK));
                                ui.add(egui::Label::new(RichText::new(&p.problem.description).weak()).truncate());
                                return;
                            }
                            // The buttons first, always in view; what does not fit after them is cut.
                            let existing = p.existing.as_ref().map(|open| {
                                tf(
                                    "ledger.proposal.existing",
                                    &[("status", open.status.label()), ("found", &open.found.to_string())],
                                )
                            });
                            if let Some(existing) = &existing {
                                let attach = ui.small_button(t("ledger.proposal.attach")).on_hover_text(existing);
                                if attach.clicked() {
                                    act = Some((i, ProposalAction::Attach));
                                }
                            } else if ui.small_button(t("ledger.confirm")).clicked() {
                                act = Some((i, ProposalAction::Confirm));
                            }
                            if ui.small_button(t("ledger.edit_confirm")).clicked() {
                                act = Some((i, ProposalAction::Edit));
                            }
                            if ui.small_button(t("ledger.dismiss")).clicked() {
                                act = Some((i, ProposalAction::Dismiss));
                            }
                            let what = RichText::new(&p.problem.description).color(ERROR);
                            ui.add(egui::Label::new(what).truncate());
                            if let Some(existing) = existing {
                                ui.add(egui::Label::new(RichText::new(existing).small().weak()).truncate());
                            }
                        });
                    }
                },
            );
        });
        let Some((i, action)) = act else { return };
        let Some((proposed, _)) = self.proposal_rows.get(i) else { return };
        let mut proposed = proposed.clone();
        if let ProposalAction::Edit = action {
            self.detail = Some(Detail::new(proposed.problem));
            return;
        }
        let actor = cx.actor();
        let (visit, item) = key(&proposed);
        let result = match action {
            ProposalAction::Dismiss => cx
                .store
                .dismiss_proposal(visit.as_deref().unwrap_or_default(), item.as_deref().unwrap_or_default())
                .map(|_| t("ledger.dismissed")),
            ProposalAction::Attach => {
                let problem = proposed.existing.as_ref().map(|o| o.id.clone()).unwrap_or_default();
                cx.store.attach_proposal(&proposed.problem, &problem, &actor).map(|_| t("ledger.attached"))
            }
            _ => cx.store.confirm_proposal(&mut proposed.problem, &actor).map(|_| t("ledger.confirmed")),
        };
        if let Some(msg) = cx.report(result, "") {
            cx.info(msg);
            if let Some(row) = self.proposal_rows.get_mut(i) {
                row.1 = Some(msg.to_string());
            }
        }
    }
}

/// The page width from which a proposal's row shows its date and group.
const ROOMY: f32 = 720.0;

enum ProposalAction {
    Confirm,
    Attach,
    Edit,
    Dismiss,
}
