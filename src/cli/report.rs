//! `status`, `problems` and `check`: the database read back as text.

use super::{parse_month, village_id};
use crate::checklist::{self, Catalog};
use crate::i18n::{t, tf};
use crate::model::ledger::days_overdue;
use crate::model::month::Month;
use crate::store::{Dashboard, Store};
use chrono::NaiveDate;
use std::process::ExitCode;

/// `zoufang status`: the register, a month's visits, the ledger and the review backlog.
pub fn status(store: &Store, month: Option<&str>, village: Option<&str>, today: NaiveDate) -> anyhow::Result<()> {
    let month = parse_month(month, today)?;
    let village = village_id(store, village)?;
    let s = store.summary()?;
    say!("{}", tf("cli.status_db", &[("db", &store.path().display().to_string())]));
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
    print_month(&store.dashboard(village.as_deref(), month, today)?);
    print_findings(store, village.as_deref(), month, today)
}

/// Prints a month's visits, problems by group and the review backlog.
fn print_month(d: &Dashboard) {
    say!("{}", tf("cli.month_title", &[("month", &d.month.to_string())]));
    say!("  {}：{} / {}", t("dashboard.visited"), d.visited, d.assigned);
    let names: Vec<&str> = d.not_visited.iter().take(10).map(|h| h.head_name.as_str()).collect();
    let more = if d.not_visited.len() > names.len() { t("cli.and_more") } else { "" };
    let list = if names.is_empty() { String::new() } else { format!("（{}{more}）", names.join("、")) };
    say!("  {}：{}{list}", t("dashboard.not_visited"), d.not_visited.len());
    say!("  {}：{}", t("dashboard.awaiting_review"), d.awaiting_review);
    say!("{}", tf("cli.ledger_title", &[("open", &d.open().to_string()), ("overdue", &d.overdue().to_string())]));
    for g in d.groups.iter().filter(|g| g.found + g.rectified + g.open > 0) {
        say!(
            "  {}：{} {}，{} {}，{} {}，{} {}",
            g.group,
            t("dashboard.found"),
            g.found,
            t("dashboard.rectified"),
            g.rectified,
            t("dashboard.open_short"),
            g.open,
            t("dashboard.overdue"),
            g.overdue
        );
    }
}

/// Prints what the month's visits found: households overdue for a visit and problem answers
/// by group (proposed ones included, before the ledger takes them up).
fn print_findings(store: &Store, village: Option<&str>, month: Month, today: NaiveDate) -> anyhow::Result<()> {
    let status = store.month_status(village, month, today)?;
    let overdue: Vec<_> = status.overdue().collect();
    say!("{}", tf("cli.month_overdue", &[("n", &overdue.len().to_string()), ("as_of", &status.as_of.to_string())]));
    for h in &overdue {
        let last = h.last_visit.map(|d| d.to_string()).unwrap_or_else(|| t("cli.never").to_string());
        say!(
            "  {} {} {}（{}：{}；{}：{}）",
            h.group,
            h.code,
            h.head_name,
            t("field.cadre"),
            h.cadre_name,
            t("cli.last_visit"),
            last
        );
    }
    let groups =
        checklist::problems_by_group(store, &mut Catalog::default(), village, month.first_day(), month.last_day())?;
    let total: usize = groups.iter().map(|(_, n)| n).sum();
    say!("{}", tf("cli.month_problems", &[("n", &total.to_string())]));
    for (group, n) in groups {
        say!("  {group}：{n}");
    }
    Ok(())
}

/// `zoufang problems`: the ledger as tab-separated text.
pub fn problems(
    store: &Store,
    open: bool,
    overdue: bool,
    village: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let village = village_id(store, village)?;
    let rows = store.problems(village.as_deref())?;
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
            "{}\t{}\t{}\t{}\t{}\t{deadline}{late}\t{}",
            p.status.code(),
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
pub fn check(store: &Store, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let found = store.check(today)?;
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
