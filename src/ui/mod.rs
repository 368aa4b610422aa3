//! The window: the app shell ([`app`]), one module per screen, shared widgets. Each screen owns
//! its state and is handed a [`cx::Cx`] each frame; it asks for anything beyond itself by a
//! command the app applies in one place. Screens talk to the store's methods, never to SQL; long
//! work runs as [`jobs`] off the UI thread.

mod app;
mod cache;
mod cadres;
pub mod cx;
mod dashboard;
mod evidence;
mod exchange;
pub mod fonts;
mod history;
mod household_detail;
mod household_form;
mod households;
mod import;
mod jobs;
mod ledger;
mod password;
mod pin_dialog;
mod pin_settings;
mod review;
mod route;
mod settings;
mod signature_pad;
mod this_month;
mod unlock;
mod village_form;
mod visit_form;
mod visit_items;
mod welcome;
mod widgets;

pub use app::App;
pub use households::filter_rows;
pub use route::{HouseholdFilters, Page, Route};

use crate::store::{Store, backup};
use std::path::PathBuf;
use std::process::ExitCode;

/// How old the newest backup may be before starting the app makes another.
const DAILY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// A day's first start backs the database up in the background (with its key when encrypted).
pub(crate) fn daily_backup(store: &Store) {
    let db = store.path().to_path_buf();
    if !backup::backup_due(&db, DAILY) {
        return;
    }
    let key = store.key().cloned();
    std::thread::spawn(move || {
        if let Err(e) = backup::rotating_backup_keyed(&db, backup::KEEP_BACKUPS, key.as_ref()) {
            say_err!("{e}");
        }
    });
}

/// Opens the window on the database at `db`. A database that cannot be opened is reported in
/// the window (and on stderr) and left untouched.
pub fn run(db: PathBuf, today: chrono::NaiveDate) -> ExitCode {
    // An encrypted database opens with ZOUFANG_PASSWORD when it is set.
    let opened = match std::env::var("ZOUFANG_PASSWORD") {
        Ok(secret) if crate::store::crypt::is_encrypted(&db) => crate::store::crypt::unlock(&db, &secret),
        _ => Store::open(&db),
    };
    match &opened {
        Err(crate::store::StoreError::PasswordNeeded(_)) => {}
        Err(e) => say_err!("{e}"),
        Ok(store) => daily_backup(store),
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(format!("走访 zoufang — {}", db.display()))
            .with_inner_size([1366.0, 768.0])
            .with_min_inner_size([1024.0, 600.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        "zoufang",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            Ok(Box::new(Window(App::new(opened, today))))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say_err!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The eframe wrapper around [`App`].
struct Window(App);

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.ui(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.0.flush_draft();
    }
}
