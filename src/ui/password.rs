//! 设置 › 数据库密码: 设置密码 / 修改密码 / 取消密码, with the plain warning and the recovery key
//! shown once (复制, 保存为文件).
//!
//! Setting or removing a password rewrites every file of the database, which no connection may
//! hold meanwhile: the page asks the app ([`Conversion`]) to close the store, run the conversion
//! on a thread with its progress shown, and open the database again. Changing it only rewraps
//! the key, a job like any other.

use super::cx::Cx;
use super::jobs::Task;
use super::widgets::{Dialog, ERROR, run_dialog};
use crate::i18n::{t, tf};
use crate::progress::Progress;
use crate::store::crypt::{convert, keyfile};
use crate::store::{Key, Store};
use egui::{RichText, Ui};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where a conversion's end is handed back to the page: the recovery key (a password was set),
/// nothing (it was removed), or the error.
pub type Outcome = Arc<Mutex<Option<Result<Option<String>, String>>>>;

/// What the user is doing in the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Idle,
    Set,
    Change,
    Remove,
}

/// The 数据库密码 section of 设置.
#[derive(Default)]
pub struct PasswordSection {
    mode: Mode,
    current: String,
    new: String,
    again: String,
    /// A password change under way.
    changing: Option<Task<()>>,
    /// Where the app puts the outcome of a conversion: the recovery key (set) or nothing
    /// (removed), or the error.
    outcome: Outcome,
    /// The recovery key, shown until the user says it is written down.
    code: Option<String>,
}

/// A conversion the app runs with the store closed.
pub struct Conversion {
    /// The database.
    pub db: PathBuf,
    /// Set (`Some(new password)`) or remove (`None`, with `secret` the current one).
    pub new: Option<String>,
    /// The current password (for removing).
    pub secret: String,
    /// Where the outcome goes back to the page.
    pub outcome: Outcome,
}

/// A conversion asked of the app (compared by identity).
#[derive(Clone)]
pub struct ConversionRequest(pub Arc<Conversion>);

impl PartialEq for ConversionRequest {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for ConversionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Conversion({})", self.0.db.display())
    }
}

impl Conversion {
    /// Runs the conversion (the store closed); returns the key to open the database with.
    pub fn run(&self, progress: &Progress) -> Result<Option<Key>, String> {
        let done = match &self.new {
            Some(password) => convert::set_password(&self.db, password, progress).and_then(|code| {
                let key = keyfile::unlock(&self.db, password)?;
                Ok((Some(code.display()), Some(key)))
            }),
            None => convert::remove_password(&self.db, &self.secret, progress).map(|()| (None, None)),
        };
        let (reply, key) = match done {
            Ok((code, key)) => (Ok(code), Ok(key)),
            Err(e) => (Err(e.to_string()), Err(e.to_string())),
        };
        if let Ok(mut slot) = self.outcome.lock() {
            *slot = Some(reply);
        }
        key
    }
}

impl PasswordSection {
    /// Draws the section.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        self.take_outcome(cx);
        ui.vertical(|ui| {
            if let Some(code) = self.code.clone() {
                self.show_code(cx, ui, &code);
                return;
            }
            let encrypted = cx.store.is_encrypted();
            ui.label(t(if encrypted { "password.on" } else { "password.off" }));
            ui.horizontal(|ui| {
                let idle = self.changing.is_none() && cx.busy().is_none();
                let modes: &[(Mode, &str)] = if encrypted {
                    &[(Mode::Change, "password.change"), (Mode::Remove, "password.remove")]
                } else {
                    &[(Mode::Set, "password.set")]
                };
                for (mode, key) in modes {
                    if ui.add_enabled(idle, egui::Button::new(t(key))).clicked() {
                        self.mode = *mode;
                    }
                }
            });
            if self.mode != Mode::Idle {
                self.form(cx, ui);
            }
        });
    }

    fn form(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        if self.mode == Mode::Set {
            ui.label(RichText::new(t("password.warning")).color(ERROR));
        }
        egui::Grid::new("password-grid").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            if self.mode != Mode::Set {
                field(ui, t("password.current"), &mut self.current);
            }
            if self.mode != Mode::Remove {
                field(ui, t("password.new"), &mut self.new);
                field(ui, t("password.again"), &mut self.again);
            }
        });
        ui.horizontal(|ui| {
            if ui.button(t("password.ok")).clicked() {
                self.submit(cx);
            }
            if ui.button(t("password.cancel")).clicked() {
                self.clear();
            }
        });
    }

    fn submit(&mut self, cx: &mut Cx<'_>) {
        if self.mode != Mode::Remove {
            if let Err(e) = convert::check_password(&self.new) {
                return cx.error(e.to_string());
            }
            if self.new != self.again {
                return cx.error(t("cli.password.mismatch"));
            }
        }
        let db = cx.store.path().to_path_buf();
        match self.mode {
            Mode::Idle => {}
            Mode::Change => {
                let (old, new) = (self.current.clone(), self.new.clone());
                self.changing = Some(cx.spawn(t("password.change").to_string(), false, move |_, _| {
                    convert::change_password(&db, &old, &new).map_err(|e| e.to_string())
                }));
            }
            Mode::Set | Mode::Remove => {
                let new = (self.mode == Mode::Set).then(|| self.new.clone());
                let outcome = Arc::clone(&self.outcome);
                cx.convert(Conversion { db, new, secret: self.current.clone(), outcome });
            }
        }
        self.clear();
    }

    fn clear(&mut self) {
        self.mode = Mode::Idle;
        self.current.clear();
        self.new.clear();
        self.again.clear();
    }

    fn take_outcome(&mut self, cx: &mut Cx<'_>) {
        if let Some(result) = self.changing.as_ref().and_then(|t| t.poll()) {
            self.changing = None;
            cx.report(result, t("password.changed"));
        }
        let taken = self.outcome.lock().ok().and_then(|mut slot| slot.take());
        match taken {
            Some(Ok(Some(code))) => self.code = Some(code),
            Some(Ok(None)) => cx.info(t("password.removed")),
            Some(Err(e)) => cx.error(e),
            None => {}
        }
    }

    /// The recovery key, once, with the warning, 复制 and 保存为文件.
    fn show_code(&mut self, cx: &mut Cx<'_>, ui: &mut Ui, code: &str) {
        ui.label(RichText::new(t("password.code_title")).strong());
        ui.label(RichText::new(code).monospace().size(22.0));
        ui.label(RichText::new(t("cli.password.warning")).color(ERROR));
        ui.horizontal(|ui| {
            if ui.button(t("password.copy")).clicked() {
                ui.ctx().copy_text(code.to_string());
                cx.info(t("password.copied"));
            }
            if ui.button(t("password.save")).clicked() {
                let dialog = rfd::FileDialog::new().set_file_name(t("password.file_name"));
                match run_dialog(|| dialog.save_file()) {
                    Dialog::Chosen(path) => {
                        let text = format!("{}\n\n{code}\n\n{}\n", t("password.code_title"), t("cli.password.warning"));
                        let r = std::fs::write(&path, text).map_err(|e| crate::store::io_reason(&e));
                        cx.report(r, &tf("password.saved", &[("path", &path.display().to_string())]));
                    }
                    Dialog::Unavailable => cx.error(t("exchange.ui.no_dialog")),
                    Dialog::Cancelled => {}
                }
            }
            if ui.button(t("password.written")).clicked() {
                self.code = None;
            }
        });
    }
}

/// A labelled password field in the grid.
fn field(ui: &mut Ui, label: &str, text: &mut String) {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).password(true).desired_width(280.0)).labelled_by(l.id);
    ui.end_row();
}

/// Opens the database at `db` after a conversion, with `key` when it is encrypted now.
pub fn reopen(db: &std::path::Path, key: Option<&Key>) -> Result<Store, crate::store::StoreError> {
    match key {
        Some(key) => Store::open_keyed(db, key),
        None => Store::open(db),
    }
}
