//! First start: an empty database offers a demo village, creating the village, a roster import,
//! or merging a package from the first secretary or another laptop.

use super::app::{App, Page};
use super::village_form::VillageForm;
use crate::demo::{self, DemoOptions};
use crate::i18n::{t, tf};
use egui::{RichText, Ui};

/// Households in the demo village the welcome page loads.
const DEMO_HOUSEHOLDS: usize = 120;

impl App {
    pub(super) fn show_welcome(&mut self, ui: &mut Ui) {
        ui.add_space(60.0);
        ui.vertical_centered(|ui| {
            ui.label(RichText::new(t("welcome.title")).size(30.0).strong());
            ui.add_space(8.0);
            ui.label(RichText::new(t("welcome.subtitle")).size(16.0));
            ui.add_space(36.0);
            let size = [320.0, 52.0];
            if ui.add_sized(size, egui::Button::new(RichText::new(t("welcome.demo")).size(18.0))).clicked() {
                self.load_demo();
            }
            ui.label(RichText::new(t("welcome.demo_hint")).weak());
            ui.add_space(16.0);
            if ui.add_sized(size, egui::Button::new(RichText::new(t("welcome.create")).size(18.0))).clicked() {
                self.village_form = Some(VillageForm::new(None));
                self.page = Page::VillageEdit;
            }
            ui.label(RichText::new(t("welcome.create_hint")).weak());
            ui.add_space(16.0);
            if ui.add_sized(size, egui::Button::new(RichText::new(t("welcome.import")).size(18.0))).clicked() {
                self.page = Page::Import;
            }
            ui.label(RichText::new(t("welcome.import_hint")).weak());
            ui.add_space(16.0);
            if ui.add_sized(size, egui::Button::new(RichText::new(t("welcome.merge")).size(18.0))).clicked() {
                self.page = Page::Exchange;
            }
            ui.label(RichText::new(t("welcome.merge_hint")).weak());
        });
    }

    fn load_demo(&mut self) {
        let Some(store) = &mut self.store else { return };
        let opts = DemoOptions { villages: 1, households: DEMO_HOUSEHOLDS, months: 6, seed: 1, today: self.today };
        match demo::generate(store, &opts) {
            Ok(r) => {
                self.notice = Some(super::widgets::Notice::info(tf(
                    "welcome.demo_loaded",
                    &[("households", &r.households.to_string()), ("members", &r.members.to_string())],
                )));
                self.reload_villages();
                self.page = Page::Households;
            }
            Err(e) => self.notice = Some(super::widgets::Notice::error(e.to_string())),
        }
    }
}
