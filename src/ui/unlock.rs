//! The start dialog of an encrypted database: asks its password (or recovery key), says so when
//! it is wrong and asks again; 取消 closes the window. The key is derived on a thread (Argon2id
//! takes a moment), the frame keeps drawing.

use crate::i18n::{t, tf};
use crate::store::{Store, StoreError, crypt};
use egui::{RichText, Ui};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

/// What the dialog ended with.
pub enum UnlockOutcome {
    /// The database opened.
    Opened(Box<Store>),
    /// The user chose 取消.
    Quit,
}

/// The password dialog shown before anything else.
pub struct UnlockDialog {
    path: PathBuf,
    password: String,
    error: Option<String>,
    trying: Option<Receiver<Result<Store, StoreError>>>,
    /// Whether the field takes the keyboard on the next frame (at start, after a wrong password).
    focus: bool,
}

impl UnlockDialog {
    /// The dialog for the encrypted database at `path`.
    pub fn new(path: PathBuf) -> Self {
        UnlockDialog { path, password: String::new(), error: None, trying: None, focus: true }
    }

    /// Draws the dialog; returns what it ended with, if it did.
    pub fn ui(&mut self, ui: &mut Ui) -> Option<UnlockOutcome> {
        if let Some(outcome) = self.poll(ui) {
            return Some(outcome);
        }
        let mut outcome = None;
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(80.0);
            ui.vertical_centered(|ui| {
                ui.heading(t("unlock.title"));
                ui.add_space(8.0);
                ui.label(tf("unlock.hint", &[("path", &self.path.display().to_string())]));
                ui.add_space(16.0);
                let label = ui.label(t("unlock.password"));
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.password)
                            .password(true)
                            .desired_width(320.0)
                            .hint_text(t("unlock.placeholder")),
                    )
                    .labelled_by(label.id);
                if std::mem::take(&mut self.focus) {
                    field.request_focus();
                }
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.add_space(8.0);
                if let Some(e) = &self.error {
                    ui.label(RichText::new(e).color(super::widgets::ERROR));
                }
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    ui.add_space((ui.available_width() - 200.0).max(0.0) / 2.0);
                    let busy = self.trying.is_some();
                    let open = ui.add_enabled(!busy, egui::Button::new(t("unlock.open"))).clicked();
                    if (open || entered) && !busy && !self.password.is_empty() {
                        self.start();
                    }
                    if ui.button(t("unlock.cancel")).clicked() {
                        outcome = Some(UnlockOutcome::Quit);
                    }
                    if busy {
                        super::widgets::busy(ui);
                    }
                });
                ui.add_space(16.0);
                ui.label(RichText::new(t("unlock.forgotten")).weak());
            });
        });
        outcome
    }

    fn start(&mut self) {
        let (tx, rx) = channel();
        let (path, secret) = (self.path.clone(), std::mem::take(&mut self.password));
        std::thread::spawn(move || {
            let _ = tx.send(crypt::unlock(&path, &secret));
        });
        self.error = None;
        self.trying = Some(rx);
    }

    fn poll(&mut self, ui: &Ui) -> Option<UnlockOutcome> {
        let rx = self.trying.as_ref()?;
        match rx.try_recv() {
            Ok(Ok(store)) => return Some(UnlockOutcome::Opened(Box::new(store))),
            Ok(Err(e)) => {
                self.error = Some(e.to_string());
                self.trying = None;
                self.focus = true;
            }
            // The key is derived on another thread: look again soon, not every frame.
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.trying = None,
        }
        None
    }
}
