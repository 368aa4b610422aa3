//! The signature pad: a white field that records strokes while the pointer (mouse, touchpad,
//! pen or finger: egui turns touch into pointer events) is pressed and moving. Points are kept in
//! the pad's own 0..1 coordinates, so the signature does not depend on the window's size.

use crate::photo::Strokes;
use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, Vec2};

/// The pad's size on screen.
pub const PAD_SIZE: Vec2 = Vec2::new(360.0, 120.0);

/// Draws a pad named `label` (its accessible name) showing `strokes`; when `enabled`, drawing on
/// it adds to `strokes`. Returns whether they changed this frame.
pub fn signature_pad(ui: &mut Ui, label: &str, strokes: &mut Strokes, enabled: bool) -> bool {
    let sense = if enabled { Sense::click_and_drag() } else { Sense::hover() };
    let (rect, response) = ui.allocate_exact_size(PAD_SIZE, sense);
    let name = label.to_string();
    response.widget_info(move || egui::WidgetInfo::labeled(egui::Role::Canvas, enabled, &name));
    let mut changed = false;
    if enabled && !strokes.is_full() {
        if response.drag_started() || (response.is_pointer_button_down_on() && strokes.strokes.is_empty()) {
            strokes.strokes.push(Vec::new());
        }
        if (response.dragged() || response.drag_started())
            && let Some(pos) = response.interact_pointer_pos()
        {
            let p = to_pad(rect, pos);
            if let Some(stroke) = strokes.strokes.last_mut()
                && stroke.last() != Some(&p)
            {
                stroke.push(p);
                changed = true;
            }
        }
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, Color32::WHITE);
    let border =
        if enabled { ui.visuals().widgets.active.bg_stroke } else { ui.visuals().widgets.noninteractive.bg_stroke };
    painter.rect_stroke(rect, 4.0, border, egui::StrokeKind::Inside);
    painter.hline(rect.x_range().shrink(16.0), rect.bottom() - 24.0, Stroke::new(1.0, Color32::LIGHT_GRAY));
    let ink = Stroke::new(2.5, Color32::BLACK);
    for stroke in &strokes.strokes {
        let points: Vec<Pos2> = stroke.iter().map(|p| from_pad(rect, *p)).collect();
        if points.len() >= 2 {
            painter.add(egui::Shape::line(points, ink));
        }
    }
    changed
}

fn to_pad(rect: Rect, pos: Pos2) -> [f32; 2] {
    let x = ((pos.x - rect.left()) / rect.width()).clamp(0.0, 1.0);
    let y = ((pos.y - rect.top()) / rect.height()).clamp(0.0, 1.0);
    [x, y]
}

fn from_pad(rect: Rect, p: [f32; 2]) -> Pos2 {
    Pos2::new(rect.left() + p[0] * rect.width(), rect.top() + p[1] * rect.height())
}
