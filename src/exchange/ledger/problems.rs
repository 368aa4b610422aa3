//! 问题整改台账: the problems being worked on in the period, in the columns of the township's
//! monthly form (序号 · 排查项目 · 排查内容 · 排查情况 · 整改措施 · 整改进度 · 责任单位) plus the
//! household, the dates and the status — overdue ones in red with their days.

use super::Result;
use super::rows::Context;
use super::sheet::{Cell, Column, Sheet, Table};
use super::visits::short;
use crate::checklist::Proposed;
use crate::i18n::{t, tf};
use crate::model::ledger::{GROUPS, Problem, Status, days_overdue};
use crate::store::ProblemRow;

/// The 问题整改台账 sheet of `problems` ([`Context::problems`]: found by the period's end and not
/// struck off before it began, each as it stood on the day the workbook is as of), by village,
/// 排查项目 and found date.
pub(super) fn sheet(ctx: &mut Context<'_>, mut problems: Vec<ProblemRow>) -> Result<Sheet> {
    let rank = |g: &str| GROUPS.iter().position(|x| *x == g).unwrap_or(GROUPS.len());
    problems.sort_by(|a, b| {
        let key = |r: &ProblemRow| (ctx.village_name(&r.problem.village_id), rank(&r.problem.group), r.problem.found);
        key(a).cmp(&key(b)).then_with(|| a.head_name.cmp(&b.head_name))
    });
    let mut columns = ctx.lead_columns();
    // Widths chosen so that the township's form prints one A4 landscape page wide at 9 points.
    columns.push(Column { header: t("sheet.item").to_string(), max_width: 10.0 });
    for key in ["sheet.check", "sheet.finding", "sheet.rectify_measures", "sheet.progress"] {
        columns.push(Column { header: t(key).to_string(), max_width: 13.0 });
    }
    columns.push(Column { header: t("sheet.unit").to_string(), max_width: 11.0 });
    for key in ["sheet.head", "sheet.code"] {
        columns.push(Column::short(t(key)));
    }
    for key in ["sheet.found", "sheet.deadline"] {
        columns.push(Column { header: t(key).to_string(), max_width: 12.0 });
    }
    columns.push(Column { header: t("sheet.status").to_string(), max_width: 12.0 });
    let mut rows = Vec::with_capacity(problems.len());
    for (n, r) in problems.iter().enumerate() {
        let check = check_text(ctx, &r.problem)?;
        rows.push(row(ctx, n + 1, r, check));
    }
    let name = t("sheet.problems").to_string();
    Ok(Sheet {
        title: ctx.title(&name),
        name,
        tables: vec![Table { caption: None, columns, rows }],
        frozen_columns: ctx.lead_columns().len() as u16 + 1,
    })
}

/// 排查内容: the checklist item that found the problem, when it came from a visit.
fn check_text(ctx: &mut Context<'_>, p: &Problem) -> Result<String> {
    let (Some(visit_id), Some(item)) = (&p.visit_id, &p.item_code) else { return Ok(String::new()) };
    let Some(template_id) = ctx.store.visit_template_id(visit_id)? else { return Ok(String::new()) };
    let template = ctx.template(&template_id)?;
    Ok(template.item(item).map(|i| short(&i.text)).unwrap_or_default())
}

fn row(ctx: &Context<'_>, n: usize, r: &ProblemRow, check: String) -> Vec<Cell> {
    let p = &r.problem;
    let late = days_overdue(p.status, p.deadline, ctx.as_of);
    let mut cells = ctx.lead_cells(n, &p.village_id);
    cells.push(Cell::text(&p.group));
    cells.push(Cell::text(check));
    cells.push(Cell::text(&p.description));
    cells.push(Cell::text(&p.measures));
    cells.push(Cell::text(progress(p)));
    cells.push(Cell::text(responsible(p)));
    let head = if p.household_id.is_some() { r.head_name.as_str() } else { t("sheet.whole_village") };
    cells.push(Cell::text(head));
    cells.push(Cell::text(&r.household_code));
    cells.push(Cell::date(Some(p.found)));
    let deadline = Cell::date(p.deadline);
    cells.push(if late.is_some() { deadline.alert() } else { deadline });
    cells.push(match late {
        Some(days) => {
            Cell::text(tf("sheet.status_overdue", &[("status", p.status.label()), ("n", &days.to_string())])).alert()
        }
        None => Cell::text(status(p)),
    });
    cells
}

/// 整改进度: the progress notes, or where the problem stands when there are none.
fn progress(p: &Problem) -> String {
    if !p.progress.trim().is_empty() {
        return p.progress.trim().to_string();
    }
    match p.status {
        Status::Open => t("sheet.progress_open").to_string(),
        Status::InProgress => t("sheet.progress_working").to_string(),
        Status::Rectified | Status::Closed => status(p),
    }
}

/// The 待确认问题 sheet of `pending` ([`Context::pending`], newest first): what visits found that
/// nobody has yet entered in the ledger or dismissed as of the day the workbook is as of, oldest
/// first, with how long each has waited.
pub(super) fn pending_sheet(ctx: &Context<'_>, pending: &[Proposed]) -> Sheet {
    let mut columns = ctx.lead_columns();
    columns.push(Column { header: t("sheet.item").to_string(), max_width: 10.0 });
    columns.push(Column { header: t("sheet.finding").to_string(), max_width: 40.0 });
    for key in ["sheet.group", "sheet.head", "sheet.code"] {
        columns.push(Column::short(t(key)));
    }
    columns.push(Column { header: t("sheet.visit_date").to_string(), max_width: 12.0 });
    columns.push(Column { header: t("sheet.waited_days").to_string(), max_width: 8.0 });
    let mut rows = Vec::with_capacity(pending.len());
    for (n, proposed) in pending.iter().rev().enumerate() {
        let p = &proposed.problem;
        let household = p.household_id.as_ref().and_then(|id| ctx.households.get(id));
        let mut cells = ctx.lead_cells(n + 1, &p.village_id);
        cells.push(Cell::text(&p.group));
        cells.push(Cell::text(&p.description));
        cells.push(Cell::text(household.map_or("", |h| h.group.as_str())));
        cells.push(Cell::text(&proposed.head_name));
        cells.push(Cell::text(household.map_or("", |h| h.code.as_str())));
        cells.push(Cell::date(Some(p.found)));
        let days = (ctx.as_of - p.found).num_days().max(0) as usize;
        let waited = Cell::int(days);
        cells.push(if days as i64 > ctx.proposal_days() { waited.alert() } else { waited });
        rows.push(cells);
    }
    let name = t("sheet.pending").to_string();
    Sheet {
        title: ctx.title(&name),
        name,
        tables: vec![Table { caption: None, columns, rows }],
        frozen_columns: ctx.lead_columns().len() as u16 + 1,
    }
}

/// 责任单位, with the person responsible after it when there is one.
fn responsible(p: &Problem) -> String {
    match (p.responsible_unit.trim(), p.responsible_person.trim()) {
        (unit, "") => unit.to_string(),
        ("", person) => person.to_string(),
        (unit, person) => tf("sheet.unit_person", &[("unit", unit), ("person", person)]),
    }
}

/// The status, with the day it was rectified or struck off.
fn status(p: &Problem) -> String {
    let dated = |d: Option<chrono::NaiveDate>| match d {
        Some(d) => tf("sheet.status_dated", &[("status", p.status.label()), ("date", &d.to_string())]),
        None => p.status.label().to_string(),
    };
    match p.status {
        Status::Rectified => dated(p.rectified),
        Status::Closed => dated(p.closed),
        Status::Open | Status::InProgress => p.status.label().to_string(),
    }
}
