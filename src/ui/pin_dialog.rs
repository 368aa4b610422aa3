//! The PIN dialog a sign-off asks for: the approver (第一书记, or the 驻村工作队员 the village chose)
//! picks their name and types their PIN, masked; Enter confirms; a wrong PIN says so, and five
//! wrong tries make the next wait. When no approver has a PIN yet it says so and offers to set
//! the first one.
//!
//! A page holds a `PinDialog` and the action waiting for it; [`PinDialog::show`] returns
//! [`PinOutcome::Signed`] once the store has signed the approver in, and the page then does what
//! it was asked.

use super::cache::Cached;
use super::cx::Cx;
use super::widgets::ERROR;
use crate::i18n::{t, tf};
use crate::model::coded::Role;
use crate::model::register::Cadre;
use crate::store::{Result, Store};
use egui::{RichText, TextEdit};

/// What the dialog came to this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    /// Still open (or closed and idle).
    Open,
    /// The approver is signed in: do the waiting action.
    Signed,
    /// Closed without signing in.
    Cancelled,
}

/// Who may sign off, read when the data revision moves (not every frame the dialog is open).
struct Approvers {
    /// The role whose PIN signs off.
    role: Role,
    /// The cadres of that role, in the register's order.
    cadres: Vec<Cadre>,
    /// Whether any of them has a PIN yet.
    any_pin: bool,
}

impl Approvers {
    fn read(store: &Store) -> Result<Approvers> {
        let role = store.approver_role()?;
        let cadres = store.cadres(false)?.into_iter().map(|r| r.cadre).filter(|c| c.role == role).collect();
        Ok(Approvers { role, cadres, any_pin: store.approver_has_pin()? })
    }
}

/// The dialog's state.
#[derive(Default)]
pub struct PinDialog {
    open: bool,
    cadre: Option<String>,
    pin: String,
    repeat: String,
    error: Option<String>,
    approvers: Cached<(), Approvers>,
}

impl PinDialog {
    /// Opens the dialog (for the approver signed in as 我是… first, when that is one).
    pub fn open(&mut self, cx: &Cx<'_>) {
        let approvers = std::mem::take(&mut self.approvers);
        *self = PinDialog { open: true, cadre: cx.me.map(|m| m.id().to_string()), approvers, ..PinDialog::default() };
    }

    /// Draws the dialog when open; see [`PinOutcome`].
    pub fn show(&mut self, cx: &mut Cx<'_>) -> PinOutcome {
        if !self.open {
            return PinOutcome::Open;
        }
        let read = self.approvers.get(cx.revision, (), |_| Approvers::read(cx.store));
        let (role, approvers, any_pin, read_error) = match &read {
            Ok(a) => (a.role, a.cadres.as_slice(), a.any_pin, None),
            Err(e) => (Role::FirstSecretary, &[][..], false, Some(e.clone())),
        };
        if !self.cadre.as_ref().is_some_and(|id| approvers.iter().any(|c| &c.id == id)) {
            self.cadre = approvers.first().map(|c| c.id.clone());
        }
        let mut outcome = PinOutcome::Open;
        let ctx = cx.ctx.clone();
        egui::Modal::new(egui::Id::unique("pin_dialog")).show(&ctx, |ui| {
            ui.set_width(360.0);
            let title = if any_pin { "pin.title" } else { "pin.first_title" };
            ui.heading(tf(title, &[("role", role.label())]));
            if let Some(e) = &read_error {
                ui.label(RichText::new(e).color(ERROR));
            } else if approvers.is_empty() {
                ui.label(tf("pin.no_approver", &[("role", role.label())]));
            } else {
                if !any_pin {
                    ui.label(tf("pin.no_pin_yet", &[("role", role.label())]));
                }
                let l = ui.label(t("pin.cadre"));
                let chosen = self.cadre.clone().unwrap_or_default();
                let shown = approvers.iter().find(|c| c.id == chosen).map(|c| c.name.clone()).unwrap_or_default();
                egui::ComboBox::from_id_salt("pin_cadre")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for c in approvers {
                            ui.selectable_value(&mut self.cadre, Some(c.id.clone()), &c.name);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                let enter = self.pin_fields(ui, any_pin);
                if let Some(e) = &self.error {
                    ui.label(RichText::new(e).color(ERROR));
                }
                ui.horizontal(|ui| {
                    let confirm = if any_pin { "pin.confirm" } else { "pin.set_and_sign" };
                    if ui.button(t(confirm)).clicked() || enter {
                        outcome = self.confirm(cx, any_pin);
                    }
                    if ui.button(t("pin.cancel")).clicked() {
                        outcome = PinOutcome::Cancelled;
                    }
                });
            }
            if approvers.is_empty() && ui.button(t("pin.cancel")).clicked() {
                outcome = PinOutcome::Cancelled;
            }
        });
        if outcome != PinOutcome::Open {
            self.open = false;
            self.pin.clear();
            self.repeat.clear();
        }
        outcome
    }

    /// The masked PIN field (and its repetition for a first PIN); true when Enter was pressed.
    fn pin_fields(&mut self, ui: &mut egui::Ui, any_pin: bool) -> bool {
        let mut enter = false;
        let l = ui.label(t(if any_pin { "pin.pin" } else { "pin.new_pin" }));
        let r = ui.add(TextEdit::singleline(&mut self.pin).password(true).desired_width(160.0)).labelled_by(l.id);
        if self.error.is_none() && !r.has_focus() && self.pin.is_empty() {
            r.request_focus();
        }
        enter |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if !any_pin {
            let l = ui.label(t("pin.repeat"));
            let r =
                ui.add(TextEdit::singleline(&mut self.repeat).password(true).desired_width(160.0)).labelled_by(l.id);
            enter |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        }
        enter
    }

    fn confirm(&mut self, cx: &mut Cx<'_>, any_pin: bool) -> PinOutcome {
        let Some(id) = self.cadre.clone() else { return PinOutcome::Open };
        let pin = self.pin.trim().to_string();
        if !any_pin {
            if pin != self.repeat.trim() {
                self.error = Some(t("pin.err.repeat").to_string());
                return PinOutcome::Open;
            }
            if let Err(e) = cx.store.set_pin(&id, &pin, None) {
                self.error = Some(e.to_string());
                return PinOutcome::Open;
            }
        }
        match cx.store.sign_in(&id, &pin) {
            Ok(()) => PinOutcome::Signed,
            Err(e) => {
                self.error = Some(e.to_string());
                self.pin.clear();
                PinOutcome::Open
            }
        }
    }
}
