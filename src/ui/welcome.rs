//! First start: an empty database offers a demo village, creating the village, a roster import,
//! or merging a package from the first secretary or another laptop.

use super::cx::{Cx, Route};
use super::jobs::Task;
use crate::demo::{self, DemoOptions, DemoReport};
use crate::i18n::{t, tf};
use egui::{RichText, Ui};

/// Households in the demo village the welcome page loads.
const DEMO_HOUSEHOLDS: usize = 120;

/// State of the welcome page: the demo village being made, if it is.
#[derive(Default)]
pub struct WelcomePage {
    demo: Option<Task<DemoReport>>,
}

impl WelcomePage {
    /// Draws the page.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.add_space(60.0);
        ui.vertical_centered(|ui| {
            ui.label(RichText::new(t("welcome.title")).size(30.0).strong());
            ui.add_space(8.0);
            ui.label(RichText::new(t("welcome.subtitle")).size(16.0));
            ui.add_space(36.0);
            let size = [320.0, 52.0];
            let idle = self.demo.is_none();
            let demo = egui::Button::new(RichText::new(t("welcome.demo")).size(18.0));
            if ui.add_enabled_ui(idle, |ui| ui.add_sized(size, demo)).inner.clicked() {
                self.start_demo(cx);
            }
            ui.label(RichText::new(t("welcome.demo_hint")).weak());
            ui.add_space(16.0);
            for (key, hint, route) in [
                ("welcome.create", "welcome.create_hint", Route::Village(None)),
                ("welcome.import", "welcome.import_hint", Route::Import),
                ("welcome.merge", "welcome.merge_hint", Route::Exchange),
            ] {
                if ui.add_sized(size, egui::Button::new(RichText::new(t(key)).size(18.0))).clicked() {
                    cx.go(route);
                }
                ui.label(RichText::new(t(hint)).weak());
                ui.add_space(16.0);
            }
            if !cx.store.is_encrypted() {
                if ui.add_sized(size, egui::Button::new(RichText::new(t("password.set")).size(18.0))).clicked() {
                    cx.go(Route::Settings);
                }
                ui.label(RichText::new(t("welcome.password_hint")).weak());
            }
        });
    }

    fn start_demo(&mut self, cx: &mut Cx<'_>) {
        let opts = DemoOptions { villages: 1, households: DEMO_HOUSEHOLDS, months: 6, seed: 1, today: cx.today };
        self.demo = Some(cx.spawn(t("welcome.demo_job").to_string(), true, move |store, _| {
            demo::generate(store, &opts).map_err(|e| e.to_string())
        }));
    }

    /// Takes the demo's result when it is made: the dashboard opens on it.
    pub fn poll(&mut self, cx: &mut Cx<'_>) {
        let Some(result) = self.demo.as_ref().and_then(|t| t.poll()) else { return };
        self.demo = None;
        if let Some(r) = cx.report(result, "") {
            cx.info(tf(
                "welcome.demo_loaded",
                &[("households", &r.households.to_string()), ("members", &r.members.to_string())],
            ));
            cx.go(Route::Dashboard);
        }
    }
}
