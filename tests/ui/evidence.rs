//! Photos and signatures on the visit form: a signature drawn with pointer events on each pad
//! gives 双方已签字, and a signed visit refuses an answer change until its signatures are cleared.

use crate::support::{harness, household_of_two, notice, settle, today, visited_household};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use zoufang::store::Store;
use zoufang::ui::{App, Page};

/// A household (张三 and 李四) with one saved visit by its cadre, who is "me"; returns the visit id.
fn visited(path: &std::path::Path) -> String {
    visited_household(path, "food", "是").1.id
}

fn open_visit(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(Role::Button, "农户").click();
    h.run();
    h.get_by_label("张三").click();
    h.run();
    h.get_by_label(&format!("查看 {} 的走访", today())).click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm);
}

/// Draws a zigzag on the pad labelled `pad` with pointer events (press, moves, release).
fn draw(h: &mut Harness<'_, App>, pad: &str) {
    h.get_by_label(pad).scroll_to_me();
    h.run();
    let rect = h.get_by_label(pad).rect();
    let at = |fx: f32, fy: f32| egui::pos2(rect.left() + rect.width() * fx, rect.top() + rect.height() * fy);
    h.hover_at(at(0.1, 0.5));
    h.run();
    h.drag_at(at(0.1, 0.5));
    h.run();
    for (i, x) in [0.2f32, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].iter().enumerate() {
        h.hover_at(at(*x, if i % 2 == 0 { 0.2 } else { 0.8 }));
        h.run();
    }
    h.drop_at(at(0.8, 0.5));
    h.run();
}

/// The household (张三, 户主) signs, then the cadre: 缺干部签字, then 双方已签字.
fn sign_both(h: &mut Harness<'_, App>) {
    draw(h, "户签名签字板");
    h.get_by_label("确认签字（户签名）").click();
    h.run();
    h.get_by_label("缺干部签字");
    draw(h, "干部签名签字板");
    h.get_by_label("确认签字（干部签名）").click();
    h.run();
    h.get_by_label("双方已签字");
    h.get_by_label("签字人：张三（户主）");
}

#[test]
fn signatures_drawn_with_the_pointer_give_both_signed_and_lock_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let visit = visited(&path);
    let mut h = harness(&path);
    h.run();
    open_visit(&mut h);
    h.get_by_label("未签字");

    sign_both(&mut h);

    // Signed: the answers are locked until the signatures are cleared, and the form says so.
    h.get_by_role_and_label(Role::Button, "修改").click();
    h.run();
    assert!(notice(&h).contains("已签字") && notice(&h).contains("清除签字"), "{}", notice(&h));
    assert!(h.query_by_label("保存走访").is_none(), "still read-only");
    h.get_by_label("清除签字").scroll_to_me();
    h.run();
    h.get_by_label("清除签字").click();
    h.run();
    h.get_by_label("未签字");
    h.get_by_role_and_label(Role::Button, "修改").click();
    h.run();
    h.get_by_label("保存走访");
    settle(&mut h);

    drop(h);
    let store = Store::open(&path).unwrap();
    assert!(!store.signatures(&visit).unwrap().any());
    drop(store);
    let kinds: Vec<String> = rusqlite::Connection::open(&path)
        .unwrap()
        .prepare("SELECT kind FROM attachments WHERE owner_id = ?1 ORDER BY created_at")
        .unwrap()
        .query_map([&visit], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, ["户签名", "干部签名"], "both were stored (now cleared as tombstones)");
}

/// Types `file` into 照片路径 and adds it, waiting for the job.
fn add_by_path(h: &mut Harness<'_, App>, file: &std::path::Path) {
    h.get_by_label("照片路径").scroll_to_me();
    h.run();
    crate::support::type_into(h, "照片路径", 0, file.to_str().unwrap());
    h.get_by_label("添加此照片").click();
    settle(h);
}

#[test]
fn photos_added_by_typed_path_show_as_thumbnails_and_an_image_bomb_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let visit = visited(&path);
    let (phone, bomb) = (dir.path().join("phone.jpg"), dir.path().join("bomb.png"));
    std::fs::write(&phone, crate::support::jpeg(4000, 3000, 9)).unwrap();
    std::fs::write(&bomb, crate::support::png_bomb()).unwrap();
    let mut h = harness(&path);
    h.run();
    open_visit(&mut h);
    h.get_by_label("还没有照片。");

    add_by_path(&mut h, &bomb);
    assert!(notice(&h).contains("60000×60000"), "{}", notice(&h));
    h.get_by_label("还没有照片。");
    add_by_path(&mut h, &phone);
    assert!(notice(&h).contains("已添加 1 张照片"), "{}", notice(&h));
    settle(&mut h);
    h.get_by_label("照片 1");
    h.get_by_label("删除照片 1").click();
    h.run();
    h.get_by_label("还没有照片。");
    h.get_by_label("撤销删除").click();
    h.run();
    h.get_by_label("照片 1");

    drop(h);
    let store = Store::open(&path).unwrap();
    let rows = store.attachments_of(&visit).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].width, rows[0].height), (1600, 1200));
}

/// A household (张三 and 李四) with no visit yet; its cadre is "me".
fn not_visited(path: &std::path::Path) {
    let (mut store, _, _) = household_of_two(path);
    store.write(|w| zoufang::checklist::ensure_builtin(w, "monthly")).unwrap();
}

/// 记录走访 on 张三's household, with the first item answered 是 from the keyboard.
fn new_visit(h: &mut Harness<'_, App>) {
    h.get_by_role_and_label(Role::Button, "农户").click();
    h.run();
    h.get_by_label("张三").click();
    h.run();
    h.get_by_label("记录走访").click();
    h.run();
    assert_eq!(h.state().page(), Page::VisitForm);
    h.key_press(egui::Key::Num1);
    h.run();
}

fn count(path: &std::path::Path, sql: &str) -> i64 {
    let photos = path.with_file_name("z.photos.db");
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute("ATTACH DATABASE ?1 AS photos", [photos.to_str().unwrap()]).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_visit_takes_a_photo_and_both_signatures_and_saves_them_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    not_visited(&path);
    let phone = dir.path().join("phone.jpg");
    std::fs::write(&phone, crate::support::jpeg(2000, 1500, 3)).unwrap();
    let mut h = harness(&path);
    h.run();
    new_visit(&mut h);
    assert!(h.query_by_label("保存走访后，在户详情的走访记录中打开这次走访，即可添加照片和双方签字。").is_none());
    h.get_by_label("未签字");

    add_by_path(&mut h, &phone);
    assert!(notice(&h).contains("已添加 1 张照片"), "{}", notice(&h));
    settle(&mut h);
    h.get_by_label("照片 1");
    sign_both(&mut h);
    h.get_by_label("已签字的走访不能修改答案；如需修改，请先清除签字，改完后重新签字。");
    assert!(
        h.get_by_label("吃穿不愁（有粮有肉、四季衣被）：是").accesskit_node().is_disabled(),
        "signed: the answers are locked"
    );
    assert_eq!(count(&path, "SELECT count(*) FROM attachments"), 0, "held, not written before the visit");
    assert_eq!(
        count(&path, "SELECT count(*) FROM visit_drafts WHERE body LIKE '%\"evidence\"%'"),
        1,
        "kept with the draft"
    );

    crate::support::save_visit(&mut h);
    assert_ne!(h.state().page(), Page::VisitForm, "saved: {}", notice(&h));
    h.get_by_label(&format!("查看 {} 的走访", today())).click();
    h.run();
    h.get_by_label("双方已签字");
    h.get_by_label("照片 1");
    h.get_by_label("签字人：张三（户主）");

    drop(h);
    let visit: String =
        rusqlite::Connection::open(&path).unwrap().query_row("SELECT id FROM visits", [], |r| r.get(0)).unwrap();
    let store = Store::open(&path).unwrap();
    let rows = store.attachments_of(&visit).unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.code()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "照片").count(), 1, "{kinds:?}");
    assert_eq!(store.signatures(&visit).unwrap(), zoufang::model::attachment::Signatures::Both);
    assert_eq!(count(&path, "SELECT count(*) FROM visit_drafts"), 0, "the draft went with the save");
}

#[test]
fn what_a_new_visit_holds_comes_back_with_its_draft_and_goes_when_thrown_away() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    not_visited(&path);
    let phone = dir.path().join("phone.jpg");
    std::fs::write(&phone, crate::support::jpeg(800, 600, 5)).unwrap();
    let mut h = harness(&path);
    h.run();
    new_visit(&mut h);
    add_by_path(&mut h, &phone);
    draw(&mut h, "干部签名签字板");
    h.get_by_label("确认签字（干部签名）").click();
    h.run();
    h.get_by_label("缺户主签字");

    // Left for another page: the photo and the signature stay with the draft.
    h.get_by_role_and_label(Role::Button, "农户").click();
    h.run();
    new_visit(&mut h);
    assert!(notice(&h).contains("已恢复"), "{}", notice(&h));
    settle(&mut h);
    h.get_by_label("照片 1");
    h.get_by_label("缺户主签字");
    assert_eq!(count(&path, "SELECT count(*) FROM photos.blobs"), 1);

    // 返回 asks; 放弃修改 throws the draft away with the staged picture.
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("这次走访还没有保存，确定放弃吗？（草稿将被删除）");
    h.get_by_label("这次走访的照片和签字也会一并丢弃。");
    h.get_by_label("放弃修改").click();
    h.run();
    assert_ne!(h.state().page(), Page::VisitForm);
    assert_eq!(count(&path, "SELECT count(*) FROM visit_drafts"), 0);
    assert_eq!(count(&path, "SELECT count(*) FROM photos.blobs"), 0, "nothing left in the photo file");
    assert_eq!(count(&path, "SELECT count(*) FROM attachments"), 0);
}
