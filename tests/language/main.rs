//! Switching the interface to English in 设置, and screens laid out in both languages (their
//! own test binary: the language is global, and the tests here take turns with [`LANGUAGE`]).

mod layout;
#[path = "../support/mod.rs"]
mod support;

use egui_kittest::kittest::Queryable;
use support::*;

/// Held by each test here: the language is one for the whole process.
pub static LANGUAGE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn the_language_switches_to_english_and_is_remembered() {
    let _turn = LANGUAGE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    {
        let mut h = harness(&db);
        h.run();
        button(&h, "载入演示村");
        settle(&mut h);
        click(&mut h, "设置");
        h.get_by_label("English").click();
        h.run();
        assert!(h.query_by_label("Households").is_some(), "navigation in English");
        assert!(shows(&h, "Settings saved"));
        click(&mut h, "Households");
        assert!(shows(&h, "Showing 120 of 120 households"));
        assert!(h.query_all_by_label("Lifted out of poverty").next().is_some(), "stored values shown in English");
    }
    zoufang::i18n::set_lang(zoufang::i18n::Lang::Zh);
    let mut h = harness(&db);
    h.run();
    assert!(
        h.query_by_role_and_label(egui::accesskit::Role::Button, "Dashboard").is_some(),
        "the choice is kept in the database"
    );
    click(&mut h, "Settings");
    h.get_by_label("简体中文").click();
    h.run();
    assert!(h.query_by_role_and_label(egui::accesskit::Role::Button, "农户").is_some());
}
