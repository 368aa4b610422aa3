//! `status`, `problems` and `check`: the database read back as text.

use super::parse_month;
use crate::checklist::{self, Catalog};
use crate::i18n::{t, tf};
use crate::model::ledger::days_overdue;
use crate::model::month::Month;
use crate::model::register::Village;
use crate::store::{Dashboard, GroupCounts, Store};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::process::ExitCode;

/// How many households a list of `status` shows before 等 N 户 (all with `--all`).
const LIST_LIMIT: usize = 20;

/// `zoufang status`: the register, a month's visits, the ledger and the review backlog of one
/// village (or all), every figure as of the month's end (or today within it).
pub fn status(
    store: &Store,
    month: Option<&str>,
    village: Option<&str>,
    all: bool,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let month = parse_month(month, today)?;
    let village = village_of(store, village)?;
    let id = village.as_ref().map(|v| v.id.clone());
    let s = store.summary_of(id.as_deref())?;
    say!("{}", tf("cli.status_db", &[("db", &store.path().display().to_string())]));
    if let Some(v) = &village {
        say!("{}", tf("cli.status_village", &[("village", &v.label())]));
    }
    for (key, n) in [
        ("cli.status_villages", s.villages),
        ("cli.status_groups", s.groups),
        ("cli.status_households", s.households),
        ("cli.status_archived", s.archived),
        ("cli.status_members", s.members),
        ("cli.status_cadres", s.cadres),
        ("cli.status_unassigned", s.unassigned),
    ] {
        say!("  {}：{n}", t(key));
    }
    let limit = if all { usize::MAX } else { LIST_LIMIT };
    let dashboard = store.dashboard(id.as_deref(), month, today)?;
    let mut catalog = Catalog::default();
    let groups = checklist::group_counts(
        store,
        &mut catalog,
        id.as_deref(),
        month.first_day(),
        month.last_day(),
        dashboard.as_of,
    )?;
    print_month(&dashboard, &groups, limit);
    print_findings(store, &mut catalog, id.as_deref(), month, today, limit)
}

/// The village `--village` names (`名`, `名（乡镇）` or its id), if one was asked for.
fn village_of(store: &Store, wanted: Option<&str>) -> anyhow::Result<Option<Village>> {
    Ok(match wanted {
        Some(w) => Some(store.find_village(w)?),
        None => None,
    })
}

/// Up to `limit` names of `names`, then 等 N 户 for the rest.
fn names_list<'n>(names: impl ExactSizeIterator<Item = String> + 'n, limit: usize) -> String {
    let n = names.len();
    let shown: Vec<String> = names.take(limit).collect();
    if shown.is_empty() {
        return String::new();
    }
    let more = if n > shown.len() { tf("cli.and_n_more", &[("n", &n.to_string())]) } else { String::new() };
    format!("（{}{more}）", shown.join("、"))
}

/// A household's name in a list, flagged 未分配帮扶人 when no cadre is responsible for it.
fn flagged(name: &str, unassigned: bool) -> String {
    if unassigned { format!("{name}[{}]", t("cli.unassigned_flag")) } else { name.to_string() }
}

/// Prints a month's visits, problems by group, waiting proposals and the review backlog.
fn print_month(d: &Dashboard, groups: &[GroupCounts], limit: usize) {
    say!("{}", tf("cli.month_title_as_of", &[("month", &d.month.to_string()), ("as_of", &d.as_of.to_string())]));
    say!("  {}：{} / {}", t("dashboard.visited"), d.visited, d.assigned);
    let names = d.not_visited.iter().map(|h| flagged(&h.head_name, h.unassigned));
    let list = names_list(names.collect::<Vec<_>>().into_iter(), limit);
    say!("  {}：{}{list}", t("dashboard.not_visited"), d.not_visited.len());
    let unassigned = d.not_visited.iter().filter(|h| h.unassigned).count();
    if unassigned > 0 {
        say!("  {}", tf("cli.unassigned_not_visited", &[("n", &unassigned.to_string())]));
    }
    say!("  {}：{}", t("dashboard.awaiting_review"), d.awaiting_review);
    say!("{}", tf("cli.ledger_title", &[("open", &d.open().to_string()), ("overdue", &d.overdue().to_string())]));
    let pending = &d.pending;
    let age = pending.oldest_age(d.as_of).map(|n| n.to_string()).unwrap_or_default();
    let key = if pending.stale(d.as_of) { "cli.pending_stale" } else { "cli.pending" };
    if pending.total > 0 {
        say!(
            "  {}",
            tf(key, &[("n", &pending.total.to_string()), ("days", &age), ("limit", &pending.limit_days.to_string())])
        );
    }
    for g in groups.iter().filter(|g| g.found + g.pending + g.rectified + g.open > 0) {
        say!(
            "  {}",
            tf(
                "cli.group_line",
                &[
                    ("group", &g.group),
                    ("found", &(g.found + g.pending).to_string()),
                    ("pending", &g.pending.to_string()),
                    ("rectified", &g.rectified.to_string()),
                    ("open", &g.open.to_string()),
                    ("overdue", &g.overdue.to_string()),
                ],
            )
        );
    }
}

/// Prints what the month's visits found: households overdue for a visit and problem answers
/// by group (proposed ones included, before the ledger takes them up).
fn print_findings(
    store: &Store,
    catalog: &mut Catalog,
    village: Option<&str>,
    month: Month,
    today: NaiveDate,
    limit: usize,
) -> anyhow::Result<()> {
    let status = store.month_status(village, month, today)?;
    let overdue: Vec<_> = status.overdue().collect();
    say!("{}", tf("cli.month_overdue", &[("n", &overdue.len().to_string()), ("as_of", &status.as_of.to_string())]));
    for h in overdue.iter().take(limit) {
        let last = h.last_visit.map(|d| d.to_string()).unwrap_or_else(|| t("cli.never").to_string());
        let cadre = if h.unassigned { t("cli.unassigned_flag") } else { h.cadre_name.as_str() };
        say!(
            "  {} {} {}（{}：{}；{}：{}）",
            h.group,
            h.code,
            h.head_name,
            t("field.cadre"),
            cadre,
            t("cli.last_visit"),
            last
        );
    }
    if overdue.len() > limit {
        say!("  {}", tf("cli.list_more", &[("n", &overdue.len().to_string()), ("shown", &limit.to_string())]));
    }
    let groups = checklist::problems_by_group(store, catalog, village, month.first_day(), month.last_day())?;
    let total: usize = groups.iter().map(|(_, n)| n).sum();
    say!("{}", tf("cli.month_problems", &[("n", &total.to_string())]));
    for (group, n) in groups {
        say!("  {group}：{n}");
    }
    Ok(())
}

/// `zoufang problems`: the ledger as tab-separated text, each line naming its village.
pub fn problems(
    store: &Store,
    open: bool,
    overdue: bool,
    village: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let village = village_of(store, village)?;
    let labels: HashMap<String, String> = store.villages()?.into_iter().map(|v| (v.id.clone(), v.label())).collect();
    let rows = store.problems(village.as_ref().map(|v| v.id.as_str()))?;
    let mut shown = 0;
    for r in &rows {
        let p = &r.problem;
        let late = days_overdue(p.status, p.deadline, today);
        if (open && !p.status.is_open()) || (overdue && late.is_none()) {
            continue;
        }
        shown += 1;
        let who = if p.household_id.is_some() { r.head_name.as_str() } else { t("ledger.whole_village") };
        let deadline = p.deadline.map(|d| d.to_string()).unwrap_or_else(|| t("ledger.no_deadline").to_string());
        let late =
            late.map(|n| format!(" {}", tf("ledger.days_overdue", &[("n", &n.to_string())]))).unwrap_or_default();
        say!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{deadline}{late}\t{}",
            p.status.code(),
            labels.get(&p.village_id).map_or("", String::as_str),
            p.group,
            who,
            p.description,
            p.found,
            p.responsible_unit
        );
    }
    say!("{}", tf("cli.problems_count", &[("n", &shown.to_string()), ("total", &rows.len().to_string())]));
    Ok(())
}

/// `zoufang check`: integrity and consistency; a failure exit on any finding.
pub fn check(store: &Store, today: NaiveDate, full: bool) -> anyhow::Result<ExitCode> {
    let found = store.check_as(today, full)?;
    if found.is_empty() {
        say!("{}", t("cli.check_ok"));
        return Ok(ExitCode::SUCCESS);
    }
    for c in &found {
        say_err!("{}", c.message);
    }
    say_err!("{}", tf("cli.check_failed", &[("n", &found.len().to_string())]));
    Ok(ExitCode::FAILURE)
}
