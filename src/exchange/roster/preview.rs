//! The preview in sentences, as the CLI prints it and the import screen shows its summary.

use super::Roster;
use super::header::Column;
use super::plan::{Action, Plan, VillageTarget};
use super::problem::Problem;
use crate::i18n::{t, tf};

/// How many new cadres the summary names.
const NAMES_SHOWN: usize = 12;

/// The summary: where the households go and how many are added, updated, left alone, skipped.
pub fn summary(plan: &Plan) -> Vec<String> {
    let c = &plan.counts;
    let n = |v: usize| v.to_string();
    let v = plan.village.village();
    let place = [v.county.as_str(), v.township.as_str(), v.name.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let mut out = vec![match plan.village {
        VillageTarget::Existing(_) => tf("roster.sum.village", &[("village", &place)]),
        VillageTarget::New(_) => tf("roster.sum.new_village", &[("village", &place)]),
    }];
    out.push(tf(
        "roster.sum.counts",
        &[
            ("added", &n(c.households_added)),
            (
                "added_members",
                &n(plan.households.iter().filter(|h| h.action == Action::Add).map(|h| h.members_added).sum()),
            ),
            ("updated", &n(c.households_updated)),
            ("unchanged", &n(c.households_unchanged)),
        ],
    ));
    if c.households_updated > 0 {
        let added =
            plan.households.iter().filter(|h| h.action == Action::Update).map(|h| h.members_added).sum::<usize>();
        out.push(tf("roster.sum.member_changes", &[("added", &n(added)), ("updated", &n(c.members_updated))]));
    }
    if !plan.new_cadres.is_empty() {
        let mut names = plan.new_cadres.iter().take(NAMES_SHOWN).cloned().collect::<Vec<_>>().join("、");
        if plan.new_cadres.len() > NAMES_SHOWN {
            names.push_str(t("roster.sum.and_more"));
        }
        out.push(tf("roster.sum.new_cadres", &[("n", &n(plan.new_cadres.len())), ("names", &names)]));
    }
    out.push(tf("roster.sum.problems", &[("rows", &n(c.problem_rows)), ("skipped", &n(c.skipped_rows))]));
    if c.blank_rows + c.total_rows > 0 {
        out.push(tf("roster.sum.passed_over", &[("blank", &n(c.blank_rows)), ("total", &n(c.total_rows))]));
    }
    out.extend(plan.notes.iter().cloned());
    out
}

/// One problem: row, column, reason and what happens to the row.
pub fn problem_line(p: &Problem) -> String {
    let column = if p.column.is_empty() { String::new() } else { format!(" · {}", p.column) };
    tf(
        "roster.problem_line",
        &[("row", &p.row.to_string()), ("column", &column), ("reason", &p.reason), ("outcome", p.outcome())],
    )
}

/// One column: its letters and header text, and what it is read as.
pub fn column_line(c: &Column) -> String {
    let target = match c.target {
        Some(t) if t.is_kept() => t.label().to_string(),
        Some(target) => tf("roster.col.not_kept", &[("column", target.label())]),
        None => t("roster.col.ignored").to_string(),
    };
    let label = if c.label.is_empty() { t("roster.col.no_label") } else { c.label.as_str() };
    format!("{} {} → {}", c.letters(), label, target)
}

/// Everything the preview says, line by line: file, columns, summary, changes, problems.
pub fn preview_lines(roster: &Roster, plan: &Plan) -> Vec<String> {
    let mut out = vec![tf(
        "roster.sum.file",
        &[("path", &plan.path.display().to_string()), ("sheet", &plan.sheet), ("row", &plan.header_row.to_string())],
    )];
    out.push(t("roster.sum.columns").to_string());
    out.extend(roster.header.columns.iter().map(|c| format!("  {}", column_line(c))));
    out.extend(summary(plan));
    let updates: Vec<_> = plan.households.iter().filter(|h| h.action == Action::Update).collect();
    if !updates.is_empty() {
        out.push(t("roster.sum.changes").to_string());
        for h in updates {
            out.push(format!("  {}：{}", household_title(h), h.changes.join("；")));
        }
    }
    if !plan.problems.is_empty() {
        out.push(t("roster.sum.problem_list").to_string());
        out.extend(plan.problems.iter().map(|p| format!("  {}", problem_line(p))));
    }
    out
}

/// "户主 张三（户编号 X，第 5–8 行）".
pub fn household_title(h: &super::HouseholdPlan) -> String {
    let rows = match (h.rows.first(), h.rows.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    tf("roster.household_title", &[("head", &h.household.head_name), ("code", &h.household.code), ("rows", &rows)])
}
