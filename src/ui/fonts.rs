//! Chinese glyphs: the shipped Noto Sans SC subset, pushed last in both families so egui's own
//! Latin fonts stay primary.

use egui::{FontData, FontDefinitions, FontFamily};
use std::sync::Arc;

const CJK_NAME: &str = "noto-sans-sc-subset";
const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-zoufang.otf");

/// Font definitions: egui's defaults plus the CJK subset as fallback for every text style.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(CJK_NAME.to_owned(), Arc::new(FontData::from_static(CJK_FONT)));
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push(CJK_NAME.to_owned());
    }
    fonts
}

/// Installs the fonts and the app's text sizes in a context.
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
    ctx.options_mut(|o| o.theme_preference = egui::ThemePreference::Light);
    ctx.all_styles_mut(|style| {
        use egui::{FontId, TextStyle};
        style.text_styles.insert(TextStyle::Body, FontId::proportional(15.0));
        style.text_styles.insert(TextStyle::Button, FontId::proportional(15.0));
        style.text_styles.insert(TextStyle::Heading, FontId::proportional(21.0));
        style.text_styles.insert(TextStyle::Small, FontId::proportional(12.0));
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}
