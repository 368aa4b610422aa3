//! A small laptop's 1024×700 window: what the visit form and 户详情 show lies within it (before,
//! the 情况说明 field, the income warning and the keyboard hint ran off the right edge, and the
//! 12-month strip lost its last months).

use crate::support::{harness_sized, household_of_two};
use egui::Key;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

/// The window's width.
const WIDTH: f32 = 1024.0;

#[test]
fn the_visit_form_and_the_household_fit_a_1024_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    household_of_two(&path);
    let mut h = harness_sized(&path, WIDTH, 700.0);
    h.run();
    h.get_by_role_and_label(Role::Button, "农户").click();
    h.run();
    h.get_by_label("张三").click();
    h.run();
    let last_month = h.get_by_label("2026-11：未走访").rect();
    assert!(last_month.max.x <= WIDTH, "the strip's last month ({last_month:?}) is in the window");
    h.get_by_label("记录走访").click();
    h.run();
    let hint = h.get_by_label_contains("Ctrl+S 保存").rect();
    assert!(hint.max.x <= WIDTH, "the keyboard hint ({hint:?}) wraps within the window");
    // Nine times 1 (是): 居住C级或D级危房 answered 是 is a problem and asks for 情况说明.
    for _ in 0..9 {
        h.key_press(Key::Num1);
        h.run();
    }
    let note = h.get_by_role_and_label(Role::MultilineTextInput, "情况说明").rect();
    assert!(note.max.x <= WIDTH, "情况说明 ({note:?}) lies within the window");
    assert!(note.width() >= 260.0, "and is wide enough to read what is typed ({note:?})");
    let income = h.get_by_role_and_label(Role::TextInput, "家庭年纯收入（元）");
    income.type_text("3000");
    h.run();
    let warning = h.get_by_label_contains("低于本村标准").rect();
    assert!(warning.max.x <= WIDTH && warning.min.x >= 0.0, "the income warning ({warning:?}) is whole in the window");
}
