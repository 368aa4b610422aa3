//! 设置 › 签批 PIN: the rows follow what is stored — after a first PIN is set, changing it asks
//! for the old one, and another cadre's first PIN asks for the approver's.

use crate::support::*;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use zoufang::demo::{self, DemoOptions};
use zoufang::model::coded::Role as CadreRole;
use zoufang::store::Store;

/// Picks `name` in the 为干部设置 PIN： drop-down.
fn choose_cadre(h: &mut egui_kittest::Harness<'_, zoufang::ui::App>, name: &str) {
    h.get_by_role_and_label(Role::ComboBox, "为干部设置 PIN：").click();
    h.run();
    h.get_by_label(name).click();
    h.run();
}

#[test]
fn the_pin_rows_follow_a_pin_just_set_and_the_cadre_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let (secretary, cadre) = {
        let mut s = Store::open(&db).unwrap();
        demo::generate(&mut s, &DemoOptions { villages: 1, households: 10, months: 1, seed: 3, today: today() })
            .unwrap();
        let cadres: Vec<_> = s.cadres(false).unwrap().into_iter().map(|c| c.cadre).collect();
        let named = |role: CadreRole| {
            let c = cadres.iter().find(|c| c.role == role).unwrap();
            format!("{}（{}）", c.name, role.label())
        };
        (named(CadreRole::FirstSecretary), named(CadreRole::Cadre))
    };
    let mut h = harness(&db);
    h.run();
    click(&mut h, "设置");
    choose_cadre(&mut h, &secretary);
    assert!(h.query_by_label("原 PIN").is_none(), "no PIN yet: nothing old to ask for");
    type_pin(&mut h, "新 PIN（4–8 位数字）", "2468");
    type_pin(&mut h, "再输入一次", "2468");
    click(&mut h, "保存 PIN");
    assert!(notice(&h).contains("PIN 已设置"), "{}", notice(&h));
    assert!(h.query_by_label("原 PIN").is_some(), "the PIN just set is read again: changing it asks for it");
    choose_cadre(&mut h, &cadre);
    assert!(h.query_by_label("原 PIN").is_none());
    assert!(h.query_by_label("第一书记的 PIN").is_some(), "another cadre's first PIN needs the approver's");
}
