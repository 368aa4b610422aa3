//! Shared helpers for the UI tests: a harness on the real app with the real fonts, and typing
//! into fields found by their labels.
#![allow(dead_code)]

use chrono::NaiveDate;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use image::ImageEncoder;
use std::path::Path;
use zoufang::store::Store;
use zoufang::ui::App;

/// The day the tests pretend it is.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
}

/// The app on the database at `db`, at a cadre laptop's 1366×768, with the shipped fonts (a
/// glyph missing from them fails the test).
pub fn harness(db: &Path) -> Harness<'static, App> {
    build(App::new(Store::open(db), today()))
}

/// The app on the database at `db` in a window `width`×`height` (1024×700: the small laptop).
pub fn harness_sized(db: &Path, width: f32, height: f32) -> Harness<'static, App> {
    build_sized(App::new(Store::open(db), today()), egui::vec2(width, height))
}

/// A harness on `app` at 1366×768 with the real fonts.
fn build(app: App) -> Harness<'static, App> {
    build_sized(app, egui::vec2(1366.0, 768.0))
}

/// A harness on `app` in a window `size` with the real fonts.
fn build_sized(app: App, size: egui::Vec2) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .with_max_steps(30)
        .with_context_setup(zoufang::ui::fonts::install)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app)
}

/// The role of the text field labelled `label`: single- or multi-line.
fn text_role(h: &Harness<'_, App>, label: &str) -> Role {
    if h.query_all_by_role_and_label(Role::TextInput, label).next().is_some() {
        Role::TextInput
    } else {
        Role::MultilineTextInput
    }
}

/// Focuses the text field labelled `label` (the `nth` of that name) and types `text` into it.
pub fn type_into(h: &mut Harness<'_, App>, label: &str, nth: usize, text: &str) {
    let role = text_role(h, label);
    h.get_all_by_role_and_label(role, label).nth(nth).unwrap_or_else(|| panic!("no field {label}")).focus();
    h.run();
    h.get_all_by_role_and_label(role, label).nth(nth).unwrap().type_text(text);
    h.run();
}

/// The current value of the text field labelled `label`.
pub fn value_of(h: &Harness<'_, App>, label: &str, nth: usize) -> String {
    h.get_all_by_role_and_label(text_role(h, label), label).nth(nth).unwrap().value().unwrap_or_default()
}

/// Clicks the button labelled `label`.
pub fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    h.run();
}

/// Whether some node's label contains `text`.
pub fn shows(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Runs the real `zoufang` binary on the database at `db`.
pub fn zoufang(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_zoufang"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("zoufang runs")
}

/// What a run printed, standard output then standard error.
pub fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The standard output of a run that must succeed.
pub fn ok(out: std::process::Output) -> String {
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The standard error of a run that must fail.
pub fn failed(out: std::process::Output) -> String {
    assert!(!out.status.success(), "should fail: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

/// The app on an open store, at a cadre laptop's 1366×768, with the shipped fonts.
pub fn store_harness(store: Store) -> Harness<'static, App> {
    build(App::new(Ok(store), today()))
}

/// Clicks the button labelled `label`.
pub fn button(h: &Harness<'_, App>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
}

/// What the message bar says.
pub fn notice(h: &Harness<'_, App>) -> String {
    h.state().notice_text().to_string()
}

/// Steps the app until its background jobs ended and their pages took the results (a job
/// runs on its own thread: the frames go on meanwhile).
pub fn settle(h: &mut Harness<'_, App>) {
    h.step();
    for _ in 0..3000 {
        if !h.state_mut().is_busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    assert!(!h.state_mut().is_busy(), "the background job ended");
    h.run();
}

/// Ctrl+S on the visit form, saying 仍然保存 when it asks about unanswered items or problems
/// answered 是 (the tests that fill part of a visit mean to save it so).
pub fn save_visit(h: &mut Harness<'_, App>) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    if h.query_by_label("继续填写").is_some() {
        button(h, "仍然保存");
        h.run();
    }
}

/// Types `pin` into the masked PIN field labelled `label` (a password field: its own role).
pub fn type_pin(h: &mut Harness<'_, App>, label: &str, pin: &str) {
    h.get_by_role_and_label(Role::PasswordInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, label).type_text(pin);
    h.run();
}

/// Gives the demo's first cadre of `role` the PIN `pin` (the first approver PIN needs nobody's).
pub fn give_pin(db: &Path, role: zoufang::model::coded::Role, pin: &str) -> String {
    let mut s = Store::open(db).unwrap();
    let c = s.cadres(false).unwrap().into_iter().find(|c| c.cadre.role == role).unwrap().cadre;
    s.set_pin(&c.id, pin, None).unwrap();
    c.id
}

/// A JPEG of `w`×`h` whose pixels depend on `shade`.
pub fn jpeg(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([shade, (x % 256) as u8, (y % 256) as u8]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A green PNG of `w`×`h`.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([30, 160, 60]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// An orange lossless WebP of `w`×`h`.
pub fn webp(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 100, 30, 255]));
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// A PNG that declares 60000×60000 pixels (valid header CRC, almost no data).
pub fn png_bomb() -> Vec<u8> {
    let mut p = png(4, 4);
    p[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    p[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &p[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    p[29..33].copy_from_slice(&(!crc).to_be_bytes());
    p
}

/// A village with one household of two adults (张三 and 李四: no children, nobody 60+) and its
/// cadre 王干部, who is also "me" on this laptop. Returns the store, the household and the cadre.
pub fn household_of_two(path: &Path) -> (Store, String, String) {
    use zoufang::model::coded::{Relation, Role as CadreRole};
    use zoufang::model::id_number::check_char;
    use zoufang::model::register::{Cadre, Household, Member, Village};
    let id = |body: &str| format!("{body}{}", check_char(body));
    let mut store = Store::open(path).unwrap();
    let mut v = Village::new("杨家沟村", "黄堡镇", "王益区");
    store.save_village(&mut v, &["一组".into()]).unwrap();
    let mut c = Cadre { name: "王干部".into(), role: CadreRole::Cadre, ..Cadre::default() };
    store.save_cadre(&mut c, Some(&v.id)).unwrap();
    let mut h = Household { village_id: v.id.clone(), code: "6102020010001".into(), ..Household::default() };
    let head = Member {
        name: "张三".into(),
        id_number: id("61020219860101123"),
        relation: Relation::Head,
        ..Member::default()
    };
    let spouse = Member {
        name: "李四".into(),
        id_number: id("61020219880202124"),
        relation: Relation::Spouse,
        ..Member::default()
    };
    let mut members = vec![head, spouse];
    store.save_household(&mut h, &mut members, Some(&c.id), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap();
    store.set_setting(zoufang::store::Setting::Me, &c.id).unwrap();
    (store, h.id, c.id)
}

/// [`household_of_two`] with one saved monthly visit by its cadre today, answering `item` with
/// `value`. Returns the store and the visit.
pub fn visited_household(path: &Path, item: &str, value: &str) -> (Store, zoufang::model::visit::Visit) {
    use zoufang::model::visit::{Answer, Visit, VisitKind};
    let (mut store, household, cadre) = household_of_two(path);
    let mut catalog = zoufang::checklist::Catalog::default();
    store.write(|w| zoufang::checklist::ensure_builtin(w, "monthly")).unwrap();
    let (template, _) = catalog.current(&store, VisitKind::Monthly).unwrap();
    let mut visit = Visit::new(&household, &cadre, today(), VisitKind::Monthly, &template);
    visit.answers.push(Answer { item: item.into(), value: value.into(), ..Answer::default() });
    store.save_visit(&mut visit, today()).unwrap();
    (store, visit)
}
