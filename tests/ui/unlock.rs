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
    // The frame that opened the database drew nothing: without another on its own, the window
    // stayed blank until the mouse moved.
    assert!(h.ctx.has_requested_repaint(), "the opened database is drawn without waiting for input");
    h.run();
    assert!(h.query_by_role_and_label(Role::Button, "打开").is_none());
    assert!(shows(&h, "欢迎使用 走访"), "the app is shown");
}

#[test]
fn a_password_is_set_in_settings_and_the_recovery_key_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("村.db");
    {
        let mut store = Store::open(&db).unwrap();
        let mut v = zoufang::model::register::Village::new("杨家沟村", "黄堡镇", "王益区");
        store.save_village(&mut v, &["一组".into()]).unwrap();
    }
    let mut h = harness(&db);
    h.state_mut().go(zoufang::ui::Page::Settings);
    h.run();
    assert!(shows(&h, "未设密码"));
    h.get_by_role_and_label(Role::Button, "设置密码").click();
    h.run();
    assert!(shows(&h, "忘记密码又没有恢复密钥"), "the warning comes first");
    for label in ["新密码", "再输入一次"] {
        h.get_by_role_and_label(Role::PasswordInput, label).focus();
        h.run();
        h.get_by_role_and_label(Role::PasswordInput, label).type_text("设置里的密码1");
        h.run();
    }
    h.get_by_role_and_label(Role::Button, "确定").click();
    h.step();
    wait(&mut h, |h| shows(h, "恢复密钥（只显示这一次）"));
    h.run();
    assert!(zoufang::store::crypt::is_encrypted(&db));
    h.get_by_role_and_label(Role::Button, "我已抄下").click();
    h.run();
    assert!(!shows(&h, "恢复密钥（只显示这一次）"));
    assert!(shows(&h, "已设密码"), "the store is open again, encrypted");
    drop(h);
    assert!(zoufang::store::crypt::unlock(&db, "设置里的密码1").is_ok());
}
