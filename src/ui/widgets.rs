//! Small widgets shared by the screens: labelled fields with their error beside them, pickers for
//! closed lists, a Chinese date field, and the message bar.

use crate::i18n::t;
use crate::model::coded::Coded;
use crate::model::month::Month;
use crate::model::register::{Field, FieldProblem};
use chrono::{Datelike, NaiveDate};
use egui::{Color32, Response, RichText, Ui};

/// The red used for errors.
pub const ERROR: Color32 = Color32::from_rgb(200, 30, 30);
/// The green used for success.
pub const OK: Color32 = Color32::from_rgb(20, 130, 60);

/// A turning arc beside running work, redrawn ten times a second. egui's spinner asks for
/// every frame it can get: while a township's ledger was written, a window without a graphics
/// driver spent cores redrawing it that the export needed.
pub fn busy(ui: &mut Ui) -> Response {
    ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let radius = rect.height() * 0.5 - 2.0;
    let start = ui.input(|i| i.time) * std::f64::consts::PI;
    let points: Vec<egui::Pos2> = (0..=16)
        .map(|k| {
            let (sin, cos) = (start + f64::from(k) / 16.0 * 240f64.to_radians()).sin_cos();
            rect.center() + radius * egui::vec2(cos as f32, sin as f32)
        })
        .collect();
    ui.painter().add(egui::Shape::line(points, egui::Stroke::new(3.0, ui.visuals().strong_text_color())));
    response
}

/// A single-line text field exactly `width` wide (also inside grids, whose cells would
/// otherwise shrink it to the column's remembered width).
pub fn line(value: &mut String, width: f32) -> egui::TextEdit<'_> {
    egui::TextEdit::singleline(value).desired_width(width).min_size(egui::vec2(width, 0.0))
}

/// Shows the first problem of `field`, if any, in red; returns whether there was one.
pub fn field_error(ui: &mut Ui, problems: &[FieldProblem], field: Field) -> bool {
    match problems.iter().find(|p| p.field == field) {
        Some(p) => {
            ui.label(RichText::new(&p.message).color(ERROR));
            true
        }
        None => false,
    }
}

/// A label and single-line text field (accessible by the label) with the field's error, as two
/// grid cells.
pub fn text_field(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    width: f32,
    problems: &[FieldProblem],
    field: Option<Field>,
) -> Response {
    let l = ui.label(label);
    ui.horizontal(|ui| {
        let r = ui.add(line(value, width)).labelled_by(l.id);
        if let Some(f) = field {
            field_error(ui, problems, f);
        }
        r
    })
    .inner
}

/// A drop-down for a closed list, accessible by `label`.
pub fn coded_combo<T: Coded>(ui: &mut Ui, id: impl egui::AsIdSalt, label_id: egui::Id, value: &mut T) -> Response {
    let r = egui::ComboBox::from_id_salt(id).selected_text(value.label()).show_ui(ui, |ui| {
        for v in T::all() {
            ui.selectable_value(value, *v, v.label());
        }
    });
    r.response.labelled_by(label_id)
}

/// A drop-down for a closed list that may be left unset; `none` labels the unset choice
/// (未填 in forms, 全部 in filters).
pub fn optional_combo<T: Coded>(
    ui: &mut Ui,
    id: impl egui::AsIdSalt,
    label_id: egui::Id,
    value: &mut Option<T>,
    none: &str,
) -> Response {
    let shown = value.map(|v| v.label()).unwrap_or(none);
    let r = egui::ComboBox::from_id_salt(id).selected_text(shown).show_ui(ui, |ui| {
        ui.selectable_value(value, None, none);
        for v in T::all() {
            ui.selectable_value(value, Some(*v), v.label());
        }
    });
    r.response.labelled_by(label_id)
}

/// A label and closed-list drop-down, as two grid cells.
pub fn combo_field<T: Coded>(ui: &mut Ui, label: &str, id: impl egui::AsIdSalt, value: &mut T) -> Response {
    let l = ui.label(label);
    coded_combo(ui, id, l.id, value)
}

/// A label and optional closed-list drop-down, as two grid cells.
pub fn optional_field<T: Coded>(ui: &mut Ui, label: &str, id: impl egui::AsIdSalt, value: &mut Option<T>) -> Response {
    let l = ui.label(label);
    optional_combo(ui, id, l.id, value, t("common.unset"))
}

/// A date as 年/月/日 fields, a small Chinese month calendar and a 今天 button; never later
/// than `max` when given. Returns whether the date changed.
pub fn date_field(ui: &mut Ui, label_id: egui::Id, date: &mut NaiveDate, max: Option<NaiveDate>) -> bool {
    let (mut y, mut m, mut d) = (date.year(), date.month(), date.day());
    let before = *date;
    ui.horizontal(|ui| {
        // 年 月 日 in Chinese; English reads the same fields as 2026 - 12 - 1 (no word after the day).
        let unit = |ui: &mut Ui, key: &str| {
            if !t(key).is_empty() {
                ui.label(t(key));
            }
        };
        ui.add(egui::DragValue::new(&mut y).range(2000..=2100)).labelled_by(label_id);
        unit(ui, "date.year");
        ui.add(egui::DragValue::new(&mut m).range(1..=12)).labelled_by(label_id);
        unit(ui, "date.month");
        ui.add(egui::DragValue::new(&mut d).range(1..=31)).labelled_by(label_id);
        unit(ui, "date.day");
        let last = Month { year: y, month: m }.last_day().day();
        if let Some(new) = NaiveDate::from_ymd_opt(y, m, d.min(last)) {
            *date = new;
        }
        let pick = ui.button(t("date.pick")).on_hover_text(t("date.pick_hint"));
        egui::Popup::from_toggle_button_response(&pick)
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
            .show(|ui| calendar(ui, label_id, date, max));
        if let Some(max) = max {
            *date = (*date).min(max);
            if ui.button(t("date.today")).clicked() {
                *date = max;
            }
        }
    });
    *date != before
}

/// A month calendar (周一 first) for the date picker; the month shown is kept in egui's memory.
fn calendar(ui: &mut Ui, id: egui::Id, date: &mut NaiveDate, max: Option<NaiveDate>) {
    let shown_id = id.with("calendar-month");
    let mut shown: NaiveDate = ui.data(|d| d.get_temp(shown_id)).unwrap_or_else(|| date.with_day(1).unwrap_or(*date));
    ui.horizontal(|ui| {
        if ui.button("<").on_hover_text(t("date.prev_month")).clicked() {
            shown = shown - chrono::Months::new(1);
        }
        ui.label(RichText::new(tf_month(shown)).strong());
        if ui.button(">").on_hover_text(t("date.next_month")).clicked() {
            shown = shown + chrono::Months::new(1);
        }
    });
    egui::Grid::new(shown_id.with("grid")).spacing([4.0, 4.0]).show(ui, |ui| {
        for key in ["date.mon", "date.tue", "date.wed", "date.thu", "date.fri", "date.sat", "date.sun"] {
            ui.label(RichText::new(t(key)).weak());
        }
        ui.end_row();
        for _ in 0..shown.weekday().num_days_from_monday() {
            ui.label("");
        }
        let mut day = shown;
        while day.month() == shown.month() {
            let allowed = max.is_none_or(|m| day <= m);
            let b =
                egui::Button::selectable(day == *date, format!("{:>2}", day.day())).min_size(egui::vec2(28.0, 24.0));
            if ui.add_enabled(allowed, b).clicked() {
                *date = day;
                ui.close();
            }
            if day.weekday() == chrono::Weekday::Sun {
                ui.end_row();
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
    });
    ui.data_mut(|d| d.insert_temp(shown_id, shown));
}

/// 2026年5月.
fn tf_month(first: NaiveDate) -> String {
    crate::i18n::tf("date.month_title", &[("year", &first.year().to_string()), ("month", &first.month().to_string())])
}

/// A row's selection checkbox, named `name` for screen readers, keeping `selected` in step.
pub fn select_checkbox(ui: &mut Ui, selected: &mut std::collections::HashSet<String>, id: &str, name: String) {
    let mut on = selected.contains(id);
    let c = ui.add(egui::Checkbox::without_text(&mut on));
    c.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, &name));
    if c.changed() {
        if on {
            selected.insert(id.to_string());
        } else {
            selected.remove(id);
        }
    }
}

/// What a file dialog answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog<T> {
    /// The user chose this.
    Chosen(T),
    /// The user closed it without choosing.
    Cancelled,
    /// No dialog could open (no desktop portal and no zenity): the path field is the way.
    Unavailable,
}

/// A file dialog that answers "nothing chosen" sooner than this never opened.
const NO_DIALOG: std::time::Duration = std::time::Duration::from_millis(300);

/// Runs a file dialog (`open` is one of rfd's blocking calls) and tells a cancelled dialog from
/// one that could not open at all.
pub fn run_dialog<T>(open: impl FnOnce() -> Option<T>) -> Dialog<T> {
    let started = std::time::Instant::now();
    match open() {
        Some(chosen) => Dialog::Chosen(chosen),
        None if started.elapsed() < NO_DIALOG => Dialog::Unavailable,
        None => Dialog::Cancelled,
    }
}

/// The width `text` takes on one line of body text.
pub fn text_width(ui: &Ui, text: impl Into<egui::WidgetText>) -> f32 {
    text.into().into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, egui::TextStyle::Body).size().x
}

/// A row `height` high exactly as wide as the room left: what does not fit is cut at its right
/// edge instead of widening the page (and every row after it) past the window or a side panel.
pub fn fixed_row<R>(ui: &mut Ui, height: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width(), height), egui::Sense::hover());
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    let mut row = ui.new_child(egui::UiBuilder::new().max_rect(rect).layout(layout));
    row.set_clip_rect(rect.intersect(ui.clip_rect()));
    add(&mut row)
}

/// The colour of a warning (something left undone, not wrong).
pub const WARN: Color32 = Color32::from_rgb(200, 110, 0);

/// A saved visit's marks beside its cadre: 未答 N 项 when applicable items were left unanswered,
/// and who typed it in when that was not the cadre who visited.
pub fn visit_marks(ui: &mut Ui, unanswered: u32, recorder: &str) {
    if unanswered > 0 {
        let text = crate::i18n::tf("visit.incomplete", &[("n", &unanswered.to_string())]);
        ui.label(egui::RichText::new(text).color(WARN).strong());
    }
    if !recorder.is_empty() {
        ui.label(egui::RichText::new(crate::i18n::tf("visit.recorded_by", &[("name", recorder)])).weak());
    }
}

/// Shows a failed read in place of what it would have shown: a database error is said, never
/// hidden as an empty table.
pub fn load_error(ui: &mut Ui, message: &str) {
    ui.label(RichText::new(crate::i18n::tf("app.load_failed", &[("reason", message)])).color(ERROR));
}

/// A message for the bar at the bottom of the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The sentence.
    pub text: String,
    /// Whether it reports a failure.
    pub is_error: bool,
}

impl Notice {
    /// A success or information message.
    pub fn info(text: impl Into<String>) -> Self {
        Notice { text: text.into(), is_error: false }
    }

    /// A failure message.
    pub fn error(text: impl Into<String>) -> Self {
        Notice { text: text.into(), is_error: true }
    }

    /// Shows the message in its colour.
    pub fn show(&self, ui: &mut Ui) {
        let color = if self.is_error { ERROR } else { OK };
        ui.label(RichText::new(&self.text).color(color).strong());
    }
}
