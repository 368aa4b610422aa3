//! Photos and signatures on the visit form: a signature drawn with pointer events on each pad
//! gives 双方已签字, and a signed visit refuses an answer change until its signatures are cleared.

use crate::support::{harness, household_of_two, notice, settle, today};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use zoufang::model::visit::{Answer, Visit, VisitKind};
use zoufang::store::Store;
use zoufang::ui::{App, Page};

/// A household (张三 and 李四) with one saved visit by its cadre, who is "me"; returns the visit id.
fn visited(path: &std::path::Path) -> String {
    let (mut store, household, cadre) = household_of_two(path);
    let mut catalog = zoufang::checklist::Catalog::default();
    store.write(|w| zoufang::checklist::ensure_builtin(w, "monthly")).unwrap();
    let (template, _) = catalog.current(&store, VisitKind::Monthly).unwrap();
    let mut visit = Visit::new(&household, &cadre, today(), VisitKind::Monthly, &template);
    visit.answers.push(Answer { item: "food".into(), value: "是".into(), ..Answer::default() });
    store.save_visit(&mut visit, today()).unwrap();
    visit.id
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

#[test]
fn signatures_drawn_with_the_pointer_give_both_signed_and_lock_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.db");
    let visit = visited(&path);
    let mut h = harness(&path);
    h.run();
    open_visit(&mut h);
    h.get_by_label("未签字");

    draw(&mut h, "户签名签字板");
    h.get_by_label("确认签字（户签名）").click();
    h.run();
    h.get_by_label("缺干部签字");
    draw(&mut h, "干部签名签字板");
    h.get_by_label("确认签字（干部签名）").click();
    h.run();
    h.get_by_label("双方已签字");
    h.get_by_label("签字人：张三（户主）");

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
