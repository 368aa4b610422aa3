//! 走访台账: one row per visit of the period — who was visited, by whom and when, each checklist
//! group's result, what was found and done, and where the review stands.

use super::Result;
use super::rows::Context;
use super::sheet::{Cell, Column, Sheet, Table, Value};
use crate::checklist::{Item, Template};
use crate::i18n::{t, tf};
use crate::model::attachment::Signatures;
use crate::model::ledger::GROUPS;
use crate::model::visit::{NOT_APPLICABLE, ReviewStatus, Visit, VisitKind};
use crate::store::VisitEntry;
use std::rc::Rc;

/// The 走访台账 sheet and the 走访检查结果 sheet beside it: one row per visit each, with the same
/// 序号. The record (who, when, what was found and done, the review) and each checklist group's
/// result (✓ / ✗ / — / ○, a legend under the title) are split so that each prints one A4
/// landscape page wide in type a clerk can read.
pub(super) fn sheets(ctx: &mut Context<'_>) -> Result<(Sheet, Sheet)> {
    let village = ctx.opts.village_id.clone();
    let (from, to) = (ctx.opts.period.first_day(), ctx.opts.period.last_day());
    let entries = ctx.store.visits_between(village.as_deref(), from, to)?;
    let mut templates = Vec::with_capacity(entries.len());
    for e in &entries {
        templates.push(ctx.template(&e.visit.template_id)?);
    }
    let groups = groups_of(&templates);
    let mut columns = ctx.lead_columns();
    // 序号, 村, 组 and 户主 stay in view when scrolling right.
    let frozen = columns.len() as u16 + 2;
    for key in ["sheet.group", "sheet.head", "sheet.id_number", "sheet.cadre"] {
        columns.push(Column { header: t(key).to_string(), max_width: 20.0 });
    }
    columns.push(Column { header: t("sheet.visit_date").to_string(), max_width: 12.0 });
    columns.push(Column { header: t("sheet.visit_kind").to_string(), max_width: 10.0 });
    columns.push(Column { header: t("sheet.problem_count").to_string(), max_width: 6.0 });
    columns.push(Column { header: t("sheet.problem_texts").to_string(), max_width: 22.0 });
    columns.push(Column { header: t("sheet.measures").to_string(), max_width: 20.0 });
    columns.push(Column { header: t("sheet.difficulties").to_string(), max_width: 14.0 });
    columns.push(Column { header: t("sheet.satisfaction").to_string(), max_width: 6.0 });
    columns.push(Column { header: t("sheet.review").to_string(), max_width: 12.0 });
    columns.push(Column { header: t("sheet.photos").to_string(), max_width: 5.0 });
    columns.push(Column { header: t("sheet.signatures").to_string(), max_width: 8.0 });
    let evidence = ctx.store.evidence_between(from, to)?;

    let mut result_columns = ctx.lead_columns();
    for key in ["sheet.group", "sheet.head", "sheet.code"] {
        result_columns.push(Column::short(t(key)));
    }
    result_columns.push(Column { header: t("sheet.visit_date").to_string(), max_width: 12.0 });
    result_columns.push(Column { header: t("sheet.income").to_string(), max_width: 8.0 });
    result_columns.extend(groups.iter().map(|g| Column { header: g.clone(), max_width: 6.0 }));

    let mut rows = Vec::with_capacity(entries.len());
    let mut results = Vec::with_capacity(entries.len());
    for (n, (e, template)) in entries.iter().zip(&templates).enumerate() {
        let mut cells = row(ctx, n + 1, e, template);
        let (photos, household, cadre) = evidence.get(&e.visit.id).copied().unwrap_or((0, false, false));
        cells.push(Cell::int(photos as usize));
        cells.push(Cell::text(Signatures::of(household, cadre).short()));
        rows.push(cells);
        results.push(result_row(ctx, n + 1, e, template, &groups));
    }
    let name = t("sheet.visits").to_string();
    let visits = Sheet {
        title: ctx.title(&name),
        name,
        tables: vec![Table { caption: None, columns, rows }],
        frozen_columns: frozen,
    };
    let name = t("sheet.results").to_string();
    let results = Sheet {
        title: format!("{}\n{}", ctx.title(&name), t("sheet.results_legend")),
        name,
        tables: vec![Table { caption: None, columns: result_columns, rows: results }],
        frozen_columns: frozen,
    };
    Ok((visits, results))
}

/// The groups of the checklists used, in the order of the monthly checklist (groups it does not
/// have after, as they first appear); with no visit, the monthly checklist's groups.
fn groups_of(templates: &[Rc<Template>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in templates {
        for g in t.groups() {
            if !out.iter().any(|o| o == g) {
                out.push(g.to_string());
            }
        }
    }
    if out.is_empty() {
        out = GROUPS.iter().filter(|g| **g != "其他").map(|g| g.to_string()).collect();
    }
    let rank = |g: &str| GROUPS.iter().position(|x| *x == g).unwrap_or(GROUPS.len());
    out.sort_by_key(|g| rank(g));
    out
}

fn row(ctx: &Context<'_>, n: usize, e: &VisitEntry, template: &Template) -> Vec<Cell> {
    let v = &e.visit;
    let h = ctx.households.get(&v.household_id);
    let field = |f: fn(&crate::store::HouseholdRow) -> &str| Cell::text(h.map_or("", f));
    let mut cells = ctx.lead_cells(n, h.map_or("", |h| h.village_id.as_str()));
    cells.push(field(|h| &h.group));
    cells.push(field(|h| &h.head_name));
    cells.push(Cell::text(h.map(|h| ctx.id_number(&h.head_id_number)).unwrap_or_default()));
    let name = |id: &str| ctx.cadres.get(id).map_or(String::new(), |c| c.cadre.name.clone());
    let mut cadre = name(&v.cadre_id);
    if let Some(by) = v.recorded_by.as_deref() {
        cadre = format!("{cadre}（{}）", tf("visit.recorded_by", &[("name", &name(by))]));
    }
    cells.push(Cell::text(cadre));
    cells.push(Cell::date(Some(v.date)));
    cells.push(Cell::text(VisitKind::from_code(&v.kind).map_or(v.kind.clone(), |k| k.label().to_string())));
    let problems: Vec<String> =
        v.problems().filter_map(|a| template.item(&a.item).map(|i| problem_text(i, &a.value, &a.note))).collect();
    cells.push(Cell::int(v.problems().count()));
    cells.push(Cell::text(problems.join("；")));
    cells.push(Cell::text(&v.measures));
    cells.push(Cell::text(&v.difficulties));
    cells.push(Cell::text(v.satisfaction.as_deref().unwrap_or_default()));
    let mut review = review(v.review, &e.review_comment);
    if e.changed_after_review {
        review.push_str(crate::i18n::t("sheet.changed_after_review"));
    }
    cells.push(match v.unanswered {
        0 => Cell::text(review),
        n => Cell::text(format!("{review}；{}", tf("visit.incomplete", &[("n", &n.to_string())]))).alert(),
    });
    cells
}

/// A visit's line of 走访检查结果: the household, the income and each group's mark.
fn result_row(ctx: &Context<'_>, n: usize, e: &VisitEntry, template: &Template, groups: &[String]) -> Vec<Cell> {
    let v = &e.visit;
    let h = ctx.households.get(&v.household_id);
    let mut cells = ctx.lead_cells(n, h.map_or("", |h| h.village_id.as_str()));
    cells.push(Cell::text(h.map_or("", |h| h.group.as_str())));
    cells.push(Cell::text(h.map_or("", |h| h.head_name.as_str())));
    cells.push(Cell::text(h.map_or("", |h| h.code.as_str())));
    cells.push(Cell::date(Some(v.date)));
    cells.push(Cell::from(v.income_per_capita.map_or(Value::Empty, |x| Value::Number(x.round()))));
    for g in groups {
        let problem = matches!(group_result(template, g, v), GroupResult::Problems(_));
        let mark = Cell::text(group_mark(template, g, v));
        cells.push(if problem { mark.alert() } else { mark });
    }
    cells
}

/// A group's result as one mark: ✓ 正常, ✗ 有问题 (the items are in 走访台账's 问题说明),
/// — 不适用, ○ 未查, nothing when the checklist has no such group.
fn group_mark(template: &Template, group: &str, visit: &Visit) -> &'static str {
    match group_result(template, group, visit) {
        GroupResult::Absent => "",
        GroupResult::Fine => t("sheet.mark_ok"),
        GroupResult::Problems(_) => t("sheet.mark_problem"),
        GroupResult::NotApplicable => t("sheet.mark_na"),
        GroupResult::Unchecked => t("sheet.mark_unchecked"),
    }
}

/// How a visit found one checklist group.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum GroupResult {
    /// The checklist the visit used has no such group.
    Absent,
    /// Answered, no problem (正常).
    Fine,
    /// Problems, by item (有问题).
    Problems(Vec<String>),
    /// Nothing answered but 不适用, or only items for other households (不适用).
    NotApplicable,
    /// Not answered (未查).
    Unchecked,
}

/// How a visit found one checklist group.
pub(super) fn group_result(template: &Template, group: &str, visit: &Visit) -> GroupResult {
    let items: Vec<&Item> = template.items.iter().filter(|i| i.group == group).collect();
    if items.is_empty() {
        return GroupResult::Absent;
    }
    let answered: Vec<(&Item, bool, bool)> = items
        .iter()
        .filter_map(|i| visit.answer(&i.code).map(|a| (*i, a)))
        .filter(|(_, a)| !a.value.trim().is_empty())
        .map(|(i, a)| (i, a.is_problem, a.value == NOT_APPLICABLE))
        .collect();
    let problems: Vec<String> = answered.iter().filter(|(_, p, _)| *p).map(|(i, _, _)| short(&i.text)).collect();
    if !problems.is_empty() {
        GroupResult::Problems(problems)
    } else if answered.iter().any(|(_, _, na)| !na) {
        GroupResult::Fine
    } else if !answered.is_empty() || items.iter().all(|i| i.condition.is_some()) {
        GroupResult::NotApplicable
    } else {
        GroupResult::Unchecked
    }
}

/// One problem answer in a few words: 饮水安全达标：否（说明）.
fn problem_text(item: &Item, value: &str, note: &str) -> String {
    let mut out = format!("{}：{value}{}", short(&item.text), item.unit);
    if !note.trim().is_empty() {
        out.push_str(&format!("（{}）", note.trim()));
    }
    out
}

/// An item's text without its parenthesised explanations: 吃穿不愁（有粮有肉、四季衣被） → 吃穿不愁.
pub(super) fn short(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '（' => depth += 1,
            '）' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if out.trim().is_empty() { text.to_string() } else { out.trim().to_string() }
}

/// 审核: the state, with the reviewer's comment or the reason for returning.
fn review(status: ReviewStatus, comment: &str) -> String {
    if comment.trim().is_empty() {
        status.label().to_string()
    } else {
        tf("sheet.review_with_comment", &[("status", status.label()), ("comment", comment.trim())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_texts_lose_their_explanations() {
        assert_eq!(short("吃穿不愁（有粮有肉、四季衣被）"), "吃穿不愁");
        assert_eq!(short("适龄儿童少年（6–15岁）有失学辍学"), "适龄儿童少年有失学辍学");
        assert_eq!(short("“五干净一规范”（院坝、房间）"), "“五干净一规范”");
        assert_eq!(short("（全是说明）"), "（全是说明）");
    }
}
