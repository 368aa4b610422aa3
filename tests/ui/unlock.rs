//! The start dialog of an encrypted database: a wrong password says so and asks again; the
//! right one (or the recovery key) opens the app.

use crate::support::{harness, shows};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use zoufang::progress::Progress;
use zoufang::store::Store;
use zoufang::store::crypt::convert;

/// Types `text` into the password field.
fn type_password(h: &mut egui_kittest::Harness<'_, zoufang::ui::App>, text: &str) {
    h.get_by_role_and_label(Role::PasswordInput, "密码").focus();
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, "密码").type_text(text);
    h.run();
}

/// Clicks 打开 (the frames then repaint until the key is derived: stepped, not run).
fn press_open(h: &mut egui_kittest::Harness<'_, zoufang::ui::App>) {
    h.get_by_role_and_label(Role::Button, "打开").click();
    h.step();
}

/// Steps until `done` holds (the key is derived on a thread).
fn wait(
    h: &mut egui_kittest::Harness<'_, zoufang::ui::App>,
    done: impl Fn(&egui_kittest::Harness<'_, zoufang::ui::App>) -> bool,
) {
    for _ in 0..1000 {
        if done(h) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    panic!("the dialog never answered");
}

#[test]
fn a_wrong_password_is_said_and_the_right_one_opens_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    drop(Store::open(&db).unwrap());
    convert::set_password(&db, "正确的密码123", &Progress::none()).unwrap();

    let mut h = harness(&db);
    h.run();
    assert!(shows(&h, "数据库已设密码"));
    type_password(&mut h, "不对的密码");
    press_open(&mut h);
    wait(&mut h, |h| shows(h, "数据库密码不正确"));
    assert!(shows(&h, "数据库已设密码"), "asked again");

    type_password(&mut h, "正确的密码123");
    press_open(&mut h);
    wait(&mut h, |h| !shows(h, "数据库已设密码"));
    h.run();
    assert!(h.query_by_role_and_label(Role::Button, "打开").is_none());
}
