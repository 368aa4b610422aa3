//! 走访台账: one row per visit of the period — who was visited, by whom and when, each checklist
//! group's result, what was found and done, and where the review stands.

use super::Result;
use super::rows::Context;
use super::sheet::{Cell, Column, Sheet, Table, Value};
use crate::checklist::{Item, Template};
use crate::exchange::error::ExchangeError;
use crate::i18n::{t, tf};
use crate::model::ledger::GROUPS;
use crate::model::visit::{NOT_APPLICABLE, ReviewStatus, Visit, VisitKind};
use crate::progress::Progress;
use crate::store::{Evidence, StoreError, VisitEntry};
use std::collections::HashMap;
use std::rc::Rc;

/// The 走访台账 sheet and the 走访检查结果 sheet beside it, without their rows (see [`rows`]):
/// one row per visit each, with the same 序号. The record (who, when, what was found and done,
/// the review) and each checklist group's result (✓ / ✗ / — / ○, a legend under the title) are
/// split so that each prints one A4 landscape page wide in type a clerk can read.
pub(super) struct VisitSheets {
    /// 走访台账, its rows empty.
    pub visits: Sheet,
    /// 走访检查结果, its rows empty.
    pub results: Sheet,
    /// The period's visits in the ledger's order, as the rowids [`rows_of`] reads them by.
    pub order: Vec<i64>,
    /// The checklist groups of 走访检查结果's columns.
    groups: Vec<String>,
}

/// The two visit sheets' names, titles and columns, from which checklist versions the period's
/// visits used (read with their order, before any visit).
pub(super) fn heads(ctx: &mut Context<'_>) -> Result<VisitSheets> {
    let village = ctx.opts.village_id.clone();
    let (from, to) = (ctx.opts.period.first_day(), ctx.opts.period.last_day());
    let (order, used) = ctx.store.visit_order(village.as_deref(), from, to)?;
    let mut templates = Vec::with_capacity(used.len());
    for id in &used {
        templates.push(ctx.template(id)?);
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

    let mut result_columns = ctx.lead_columns();
    for key in ["sheet.group", "sheet.head", "sheet.code"] {
        result_columns.push(Column::short(t(key)));
    }
    result_columns.push(Column { header: t("sheet.visit_date").to_string(), max_width: 12.0 });
    result_columns.push(Column { header: t("sheet.income").to_string(), max_width: 8.0 });
    result_columns.extend(groups.iter().map(|g| Column { header: g.clone(), max_width: 6.0 }));

    let name = t("sheet.visits").to_string();
    let visits = Sheet {
        title: ctx.title(&name),
        name,
        tables: vec![Table { caption: None, columns, rows: Vec::new() }],
        frozen_columns: frozen,
    };
    let name = t("sheet.results").to_string();
    let results = Sheet {
        title: format!("{}\n{}", ctx.title(&name), t("sheet.results_legend")),
        name,
        tables: vec![Table { caption: None, columns: result_columns, rows: Vec::new() }],
        frozen_columns: frozen,
    };
    Ok(VisitSheets { visits, results, order, groups })
}

/// Reads the period's visits one at a time, oldest first, and hands each one's row of 走访台账
/// and of 走访检查结果 to `each`; nothing of the period is kept. `progress` counts the visits;
/// a cancel stops at the next visit. Returns how many visits were read.
pub(super) fn rows(
    ctx: &mut Context<'_>,
    sheets: &VisitSheets,
    progress: &Progress,
    each: impl FnMut(&[Cell], &[Cell]) -> Result<()>,
) -> Result<usize> {
    progress.step(t("sheet.reading"), sheets.order.len() as u64);
    rows_of(ctx, sheets, &sheets.order, 0, progress, each)
}

/// [`rows`] of the visits `order` names (a run of [`VisitSheets::order`]), numbered (序号) from `first + 1`.
pub(super) fn rows_of(
    ctx: &mut Context<'_>,
    sheets: &VisitSheets,
    order: &[i64],
    first: usize,
    progress: &Progress,
    mut each: impl FnMut(&[Cell], &[Cell]) -> Result<()>,
) -> Result<usize> {
    let store = ctx.store;
    let mut layouts: HashMap<String, Rc<Layout>> = HashMap::new();
    let mut n = first;
    store.each_visit_of(order, |e: &VisitEntry, evidence: Evidence| {
        if progress.cancelled() {
            return Err(ExchangeError::Store(StoreError::Cancelled));
        }
        let id = &e.visit.template_id;
        let layout = match layouts.get(id) {
            Some(l) => Rc::clone(l),
            None => {
                let l = Rc::new(Layout::new(ctx.template(id)?, &sheets.groups));
                layouts.insert(id.clone(), Rc::clone(&l));
                l
            }
        };
        n += 1;
        let mut cells = row(ctx, n, e, &layout.template);
        cells.push(Cell::int(evidence.photos as usize));
        cells.push(Cell::text(evidence.signatures.short()));
        let result = result_row(ctx, n, e, &layout);
        progress.add(1);
        each(&cells, &result)
    })
}

/// The 走访台账 and 走访检查结果 sheets with their rows, read into memory (tests and the
/// bench's comparison with a bare write; exports stream them).
pub(super) fn sheets(ctx: &mut Context<'_>) -> Result<(Sheet, Sheet)> {
    let mut heads = heads(ctx)?;
    let (mut visits, mut results) = (Vec::with_capacity(heads.order.len()), Vec::with_capacity(heads.order.len()));
    rows(ctx, &heads, &Progress::none(), |a, b| {
        visits.push(a.to_vec());
        results.push(b.to_vec());
        Ok(())
    })?;
    heads.visits.tables[0].rows = visits;
    heads.results.tables[0].rows = results;
    Ok((heads.visits, heads.results))
}

/// Where a checklist version's items fall among 走访检查结果's group columns, worked out once
/// per version so that a visit's marks take one pass over its answers.
struct Layout {
    template: Rc<Template>,
    /// Each item's column.
    column_of: HashMap<String, usize>,
    /// Per column: whether the checklist has items in that group…
    present: Vec<bool>,
    /// …and whether all of them ask only some households.
    all_conditional: Vec<bool>,
}

impl Layout {
    fn new(template: Rc<Template>, groups: &[String]) -> Layout {
        let mut column_of = HashMap::new();
        let mut present = vec![false; groups.len()];
        let mut all_conditional = vec![true; groups.len()];
        for item in &template.items {
            let Some(col) = groups.iter().position(|g| *g == item.group) else { continue };
            column_of.insert(item.code.clone(), col);
            present[col] = true;
            all_conditional[col] &= item.condition.is_some();
        }
        Layout { template, column_of, present, all_conditional }
    }

    /// Each group column's mark for `visit`, and whether it shows problems (as [`group_result`]
    /// finds them).
    fn marks(&self, visit: &Visit) -> Vec<(&'static str, bool)> {
        let n = self.present.len();
        let (mut answered, mut fine, mut problem) = (vec![false; n], vec![false; n], vec![false; n]);
        for a in &visit.answers {
            let Some(&col) = self.column_of.get(&a.item) else { continue };
            if a.value.trim().is_empty() {
                continue;
            }
            answered[col] = true;
            problem[col] |= a.is_problem;
            fine[col] |= a.value != NOT_APPLICABLE;
        }
        (0..n)
            .map(|c| match () {
                _ if !self.present[c] => ("", false),
                _ if problem[c] => (t("sheet.mark_problem"), true),
                _ if fine[c] => (t("sheet.mark_ok"), false),
                _ if answered[c] || self.all_conditional[c] => (t("sheet.mark_na"), false),
                _ => (t("sheet.mark_unchecked"), false),
            })
            .collect()
    }
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
    let field = |f: fn(&crate::store::LedgerHousehold) -> &str| Cell::text(h.map_or("", f));
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
fn result_row(ctx: &Context<'_>, n: usize, e: &VisitEntry, layout: &Layout) -> Vec<Cell> {
    let v = &e.visit;
    let h = ctx.households.get(&v.household_id);
    let mut cells = ctx.lead_cells(n, h.map_or("", |h| h.village_id.as_str()));
    cells.push(Cell::text(h.map_or("", |h| h.group.as_str())));
    cells.push(Cell::text(h.map_or("", |h| h.head_name.as_str())));
    cells.push(Cell::text(h.map_or("", |h| h.code.as_str())));
    cells.push(Cell::date(Some(v.date)));
    cells.push(Cell::from(v.income_per_capita.map_or(Value::Empty, |x| Value::Number(x.round()))));
    for (mark, problem) in layout.marks(v) {
        let mark = Cell::text(mark);
        cells.push(if problem { mark.alert() } else { mark });
    }
    cells
}

/// A group's result as one mark: ✓ 正常, ✗ 有问题 (the items are in 走访台账's 问题说明),
/// — 不适用, ○ 未查, nothing when the checklist has no such group.
#[cfg(test)]
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
#[cfg(test)]
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

/// How a visit found one checklist group: the rule [`Layout::marks`] follows, item by item.
#[cfg(test)]
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
    fn marks_of_one_pass_agree_with_the_group_rule() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let opts = crate::demo::DemoOptions { villages: 1, households: 30, months: 3, seed: 11, today };
        crate::demo::generate(&mut store, &opts).unwrap();
        let mut catalog = crate::checklist::Catalog::default();
        let visits = store.visits_between(None, today - chrono::Days::new(120), today).unwrap();
        assert!(visits.len() > 50);
        let mut seen = std::collections::HashSet::new();
        for e in &visits {
            let template = catalog.get(&store, &e.visit.template_id).unwrap();
            let mut groups: Vec<String> = template.groups().into_iter().map(str::to_string).collect();
            groups.push("不在清单里的组".into());
            let layout = Layout::new(Rc::clone(&template), &groups);
            let marks = layout.marks(&e.visit);
            for (g, (mark, problem)) in groups.iter().zip(marks) {
                assert_eq!(mark, group_mark(&template, g, &e.visit), "{g}");
                assert_eq!(problem, matches!(group_result(&template, g, &e.visit), GroupResult::Problems(_)));
                seen.insert(mark);
            }
        }
        assert!(seen.len() >= 4, "the demo covers most marks: {seen:?}");
    }

    #[test]
    fn item_texts_lose_their_explanations() {
        assert_eq!(short("吃穿不愁（有粮有肉、四季衣被）"), "吃穿不愁");
        assert_eq!(short("适龄儿童少年（6–15岁）有失学辍学"), "适龄儿童少年有失学辍学");
        assert_eq!(short("“五干净一规范”（院坝、房间）"), "“五干净一规范”");
        assert_eq!(short("（全是说明）"), "（全是说明）");
    }
}
