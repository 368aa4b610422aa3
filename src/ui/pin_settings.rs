//! 签批 PIN in 设置: which role signs off (第一书记 or 驻村工作队员, as the village decides), signing
//! in with the approver's PIN (needed to change the village or its thresholds), and setting or
//! changing a cadre's PIN — a change needs the old PIN, a first PIN the approver's.

use super::cache::Cached;
use super::cx::Cx;
use super::pin_dialog::{PinDialog, PinOutcome};
use super::widgets::ERROR;
use crate::i18n::{t, tf};
use crate::model::coded::Role;
use crate::store::{CadreRow, Result, Store};
use egui::{RichText, TextEdit, Ui};

/// What the section shows about PINs, read when the data revision or the chosen cadre moves
/// (not every frame).
#[derive(Debug, Clone, Copy)]
struct PinFacts {
    /// The role whose PIN signs off.
    approver: Role,
    /// Whether any cadre of that role has a PIN.
    any: bool,
    /// Whether the chosen cadre has a PIN.
    has_pin: bool,
}

impl PinFacts {
    fn read(store: &Store, cadre: Option<&str>) -> Result<PinFacts> {
        let has_pin = match cadre {
            Some(id) => store.has_pin(id)?,
            None => false,
        };
        Ok(PinFacts { approver: store.approver_role()?, any: store.approver_has_pin()?, has_pin })
    }
}

/// The state of the 签批 PIN section.
#[derive(Default)]
pub struct PinSettings {
    cadre: Option<String>,
    old: String,
    new: String,
    repeat: String,
    error: Option<String>,
    dialog: PinDialog,
    /// A change of the approver role waiting for the approver's PIN.
    waiting_role: Option<Role>,
    facts: Cached<Option<String>, PinFacts>,
}

impl PinSettings {
    /// Draws the section (one cell of the settings grid).
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, cadres: &[CadreRow]) {
        let facts = match self.facts.get(cx.revision, self.cadre.clone(), |id| PinFacts::read(cx.store, id.as_deref()))
        {
            Ok(f) => *f,
            Err(e) => {
                ui.label(RichText::new(e).color(ERROR));
                return;
            }
        };
        let approver = facts.approver;
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                let l = ui.label(t("pins.approver_role"));
                let mut role = approver;
                ui.radio_value(&mut role, Role::FirstSecretary, Role::FirstSecretary.label()).labelled_by(l.id);
                ui.radio_value(&mut role, Role::TeamMember, Role::TeamMember.label());
                if role != approver {
                    self.change_role(cx, role, facts.any);
                }
            });
            ui.horizontal(|ui| match cx.store.signed_approver() {
                Some(a) => {
                    ui.label(RichText::new(tf("pins.signed", &[("name", &a.name)])).strong());
                    if ui.button(t("pins.sign_out")).clicked() {
                        cx.store.sign_out();
                    }
                }
                None => {
                    if ui.button(tf("pins.sign_in", &[("role", approver.label())])).clicked() {
                        self.dialog.open(cx);
                    }
                }
            });
            self.pin_form(cx, ui, cadres, facts);
        });
        match self.dialog.show(cx) {
            PinOutcome::Signed => {
                if let Some(role) = self.waiting_role.take() {
                    self.change_role(cx, role, facts.any);
                }
            }
            PinOutcome::Cancelled => self.waiting_role = None,
            PinOutcome::Open => {}
        }
    }

    fn change_role(&mut self, cx: &mut Cx<'_>, role: Role, any_pin: bool) {
        if any_pin && cx.store.signed_approver().is_none() {
            self.waiting_role = Some(role);
            self.dialog.open(cx);
            return;
        }
        let r = cx.store.set_approver_role(role);
        cx.report(r, t("settings.saved"));
    }

    /// Set or change one cadre's PIN.
    fn pin_form(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, cadres: &[CadreRow], facts: PinFacts) {
        let PinFacts { approver, any, .. } = facts;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(t("pins.cadre"));
            let chosen = self.cadre.clone().unwrap_or_default();
            let shown = cadres.iter().find(|c| c.cadre.id == chosen).map(|c| c.cadre.name.clone()).unwrap_or_default();
            egui::ComboBox::from_id_salt("pins-cadre")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for c in cadres {
                        let text = crate::i18n::aside(&c.cadre.name, c.cadre.role.label());
                        ui.selectable_value(&mut self.cadre, Some(c.cadre.id.clone()), text);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        let Some(id) = self.cadre.clone() else { return };
        // A cadre chosen just now is read at once (a cache hit otherwise).
        let has_pin = match self.facts.get(cx.revision, Some(id.clone()), |id| PinFacts::read(cx.store, id.as_deref()))
        {
            Ok(f) => f.has_pin,
            Err(e) => {
                ui.label(RichText::new(e).color(ERROR));
                return;
            }
        };
        let authority_label = if has_pin {
            Some(t("pins.old").to_string())
        } else if any {
            Some(tf("pins.approver_pin", &[("role", approver.label())]))
        } else {
            None
        };
        ui.horizontal_wrapped(|ui| {
            if let Some(label) = &authority_label {
                let l = ui.label(label);
                ui.add(TextEdit::singleline(&mut self.old).password(true).desired_width(90.0)).labelled_by(l.id);
            }
            let l = ui.label(t("pin.new_pin"));
            ui.add(TextEdit::singleline(&mut self.new).password(true).desired_width(90.0)).labelled_by(l.id);
            let l = ui.label(t("pin.repeat"));
            ui.add(TextEdit::singleline(&mut self.repeat).password(true).desired_width(90.0)).labelled_by(l.id);
            if ui.button(t("pins.save")).clicked() {
                self.save(cx, &id, has_pin, any, approver);
            }
        });
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(ERROR));
        }
    }

    fn save(&mut self, cx: &mut Cx<'_>, id: &str, has_pin: bool, any: bool, approver: Role) {
        if self.new.trim() != self.repeat.trim() {
            self.error = Some(t("pin.err.repeat").to_string());
            return;
        }
        // A first PIN is confirmed by the signed-in approver's PIN, else by the first approver
        // who has one.
        let approver_id = cx.store.signed_approver().and_then(|a| a.cadre_id).or_else(|| {
            cx.store
                .cadres(false)
                .ok()?
                .into_iter()
                .map(|c| c.cadre)
                .find(|c| c.role == approver && cx.store.has_pin(&c.id).unwrap_or(false))
                .map(|c| c.id)
        });
        let old = self.old.trim().to_string();
        let authority = if has_pin {
            Some((id.to_string(), old))
        } else if any {
            approver_id.map(|a| (a, old))
        } else {
            None
        };
        let r = cx.store.set_pin(id, self.new.trim(), authority.as_ref().map(|(a, p)| (a.as_str(), p.as_str())));
        match r {
            Ok(()) => {
                // The cadre stays chosen: their row now asks for the PIN just set to change it.
                *self = PinSettings {
                    cadre: self.cadre.take(),
                    dialog: std::mem::take(&mut self.dialog),
                    facts: std::mem::take(&mut self.facts),
                    ..PinSettings::default()
                };
                cx.info(t("cli.pin.set"));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}
