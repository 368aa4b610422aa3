//! 帮扶人到位情况 (each cadre's visits of their own households, month by month) and 汇总 (the
//! dashboard's figures for the period; for the township, the villages side by side).

use super::Result;
use super::rows::{Context, ProblemCounts};
use super::sheet::{Cell, Column, Sheet, Table, Value};
use crate::checklist::{self, Proposed};
use crate::i18n::{t, tf};
use crate::model::month::Month;

/// The 帮扶人到位情况 sheet, with a total line.
pub(super) fn attendance(ctx: &Context<'_>) -> Sheet {
    let months = ctx.coverage.len() > 1;
    let mut columns = ctx.lead_columns();
    if months {
        columns.push(Column::short(t("sheet.month_column")));
    }
    columns.push(Column::short(t("sheet.cadre")));
    columns.push(Column::short(t("sheet.work_unit")));
    for key in ["sheet.assigned", "sheet.cadre_visited", "sheet.missing", "sheet.rate"] {
        columns.push(Column::short(t(key)));
    }
    columns.push(Column::long(t("sheet.missed_households")));
    let mut rows = Vec::new();
    let (mut assigned, mut visited) = (0, 0);
    for (month, per_village) in &ctx.coverage {
        for (village, coverage) in per_village {
            for a in &coverage.cadres {
                let mut cells = ctx.lead_cells(rows.len() + 1, &ctx.villages[*village].id);
                if months {
                    cells.push(Cell::text(month.to_string()));
                }
                cells.push(Cell::text(&a.name));
                cells.push(Cell::text(ctx.cadres.get(&a.cadre_id).map_or("", |c| c.cadre.unit.as_str())));
                cells.push(Cell::int(a.households));
                cells.push(Cell::int(a.visited));
                let missing = Cell::int(a.households - a.visited);
                cells.push(if a.visited < a.households { missing.alert() } else { missing });
                cells.push(Cell::share(a.visited, a.households));
                let missed: Vec<&str> = coverage
                    .missed_by_cadre
                    .iter()
                    .filter(|h| h.cadre_id == a.cadre_id)
                    .map(|h| h.head_name.as_str())
                    .collect();
                cells.push(Cell::text(missed.join("、")));
                rows.push(cells);
                assigned += a.households;
                visited += a.visited;
            }
        }
    }
    // Households with no cadre count too (百分之百走访): one line per village and month.
    for (month, per_village) in &ctx.coverage {
        for (village, coverage) in per_village {
            let missed: Vec<&str> =
                coverage.not_visited.iter().filter(|h| h.unassigned).map(|h| h.head_name.as_str()).collect();
            if missed.is_empty() {
                continue;
            }
            let mut cells = ctx.lead_cells(rows.len() + 1, &ctx.villages[*village].id);
            if months {
                cells.push(Cell::text(month.to_string()));
            }
            cells.push(Cell::text(t("sheet.unassigned")).alert());
            cells.push(Cell::text(""));
            // Not visited, so unassigned and missing are the same households.
            cells.push(Cell::int(missed.len()));
            cells.push(Cell::int(0));
            cells.push(Cell::int(missed.len()).alert());
            cells.push(Cell::share(0, missed.len()));
            cells.push(Cell::text(missed.join("、")));
            rows.push(cells);
            assigned += missed.len();
        }
    }
    // The columns before the counts: 序号, 村, 月份, 帮扶干部, 工作单位.
    let names = columns.len() - 5;
    let mut total = vec![Cell::text(t("sheet.total")).total()];
    total.extend((1..names).map(|_| Cell::text("")));
    total.extend([assigned, visited, assigned - visited].map(|n| Cell::int(n).total()));
    total.push(Cell::share(visited, assigned).total());
    total.push(Cell::text(""));
    rows.push(total);
    let name = t("sheet.attendance").to_string();
    Sheet {
        title: ctx.title(&name),
        name,
        tables: vec![Table { caption: None, columns, rows }],
        frozen_columns: names as u16 - 1,
    }
}

/// The 汇总 sheet: visits per month, problems by 排查项目, the 清零 count and the review
/// backlog; for the township, the villages compared in the period's last month.
pub(super) fn summary(ctx: &Context<'_>, counts: ProblemCounts, pending: &[Proposed]) -> Result<Sheet> {
    let village = ctx.opts.village_id.clone();
    let village = village.as_deref();
    let period = ctx.opts.period;
    let as_of = ctx.as_of;
    let mut tables = vec![coverage_table(ctx)];

    let groups = checklist::with_pending(counts.groups.counts(), pending, period.first_day(), period.last_day());
    let mut rows: Vec<Vec<Cell>> = groups
        .iter()
        .map(|g| {
            let mut cells = vec![Cell::text(&g.group)];
            cells.extend([g.found + g.pending, g.pending, g.rectified, g.open, g.overdue].map(Cell::int));
            cells
        })
        .collect();
    let sum = |f: fn(&crate::store::GroupCounts) -> usize| groups.iter().map(f).sum::<usize>();
    let (open, overdue) = (sum(|g| g.open), sum(|g| g.overdue));
    let mut total = vec![Cell::text(t("sheet.total")).total()];
    total.extend(
        [sum(|g| g.found + g.pending), sum(|g| g.pending), sum(|g| g.rectified), open, overdue]
            .map(|n| Cell::int(n).total()),
    );
    rows.push(total);
    tables.push(Table {
        caption: Some(tf("sheet.by_group", &[("date", &as_of.to_string())])),
        columns: columns(&[
            "sheet.item",
            "sheet.found_in_period",
            "sheet.pending_in_period",
            "sheet.rectified_in_period",
            "sheet.open",
            "sheet.overdue",
        ]),
        rows,
    });
    let pending = ctx.store.pending(village, period.first_day(), period.last_day(), as_of)?;

    let overdue_cell = if overdue > 0 { Cell::int(overdue).alert() } else { Cell::int(overdue) };
    tables.push(Table {
        caption: Some(tf("sheet.clearing", &[("date", &as_of.to_string())])),
        columns: columns(&["sheet.figure", "sheet.count"]),
        rows: vec![
            vec![Cell::text(t("sheet.not_cleared")), Cell::int(open)],
            vec![Cell::text(t("sheet.overdue")), overdue_cell],
            vec![Cell::text(t("sheet.pending_total")), Cell::int(pending.total)],
            vec![
                Cell::text(t("sheet.pending_oldest")),
                Cell::from(pending.oldest_age(as_of).map_or(Value::Empty, Value::Int)),
            ],
            vec![Cell::text(t("sheet.awaiting_review")), Cell::int(ctx.store.awaiting_review_as_of(village, as_of)?)],
        ],
    });

    if ctx.all_villages() {
        let month = Month::of(period.last_day());
        let rows = ctx
            .store
            .village_comparison_of(&counts.villages)?
            .into_iter()
            .map(|v| {
                vec![
                    Cell::text(v.label),
                    Cell::int(v.assigned),
                    Cell::int(v.visited),
                    Cell::share(v.visited, v.assigned),
                    Cell::int(v.open),
                    if v.overdue > 0 { Cell::int(v.overdue).alert() } else { Cell::int(v.overdue) },
                    Cell::int(v.pending),
                ]
            })
            .collect();
        tables.push(Table {
            caption: Some(tf("sheet.by_village", &[("month", &month.to_string())])),
            columns: columns(&[
                "sheet.village",
                "sheet.assigned",
                "sheet.visited",
                "sheet.visit_rate",
                "sheet.open",
                "sheet.overdue",
                "sheet.pending_total",
            ]),
            rows,
        });
    }
    let name = t("sheet.summary").to_string();
    Ok(Sheet { title: ctx.title(&name), name, tables, frozen_columns: 0 })
}

/// Households assigned and visited in each month of the period.
fn coverage_table(ctx: &Context<'_>) -> Table {
    let rows = ctx
        .coverage
        .iter()
        .map(|(month, per_village)| {
            let assigned: usize = per_village.iter().map(|(_, c)| c.assigned).sum();
            let visited: usize = per_village.iter().map(|(_, c)| c.visited()).sum();
            vec![
                Cell::text(month.to_string()),
                Cell::int(assigned),
                Cell::int(visited),
                Cell::int(assigned - visited),
                Cell::share(visited, assigned),
            ]
        })
        .collect();
    Table {
        caption: Some(t("sheet.coverage").to_string()),
        columns: columns(&[
            "sheet.month_column",
            "sheet.assigned",
            "sheet.visited",
            "sheet.not_visited",
            "sheet.visit_rate",
        ]),
        rows,
    }
}

/// Short columns headed by these text keys.
fn columns(keys: &[&str]) -> Vec<Column> {
    keys.iter().map(|k| Column::short(t(k))).collect()
}
