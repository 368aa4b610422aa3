//! The window: app state, one module per screen, shared widgets. Screens talk to the store's
//! methods, never to SQL.

mod app;
mod cadres;
mod exchange;
pub mod fonts;
mod household_form;
mod households;
mod settings;
mod village_form;
mod welcome;
mod widgets;

pub use app::{App, Page};

use crate::store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the window on the database at `db`. A database that cannot be opened is reported in
/// the window (and on stderr) and left untouched.
pub fn run(db: PathBuf) -> ExitCode {
    let opened = Store::open(&db);
    if let Err(e) = &opened {
        eprintln!("{e}");
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
            Ok(Box::new(Window(App::new(opened, crate::cli::today()))))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
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
}
