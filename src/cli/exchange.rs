//! `import-roster`, `pack`, `merge` and `export-ledger`: files in and out.

use super::{Settle, parse_month};
use crate::exchange::error::ExchangeError;
use crate::exchange::ledger::{self, LedgerOptions, Period};
use crate::exchange::merge::{self, MergeReport, Settlement, Side};
use crate::exchange::package;
use crate::exchange::roster::{self, Roster, Workbook};
use crate::i18n::{t, tf};
use crate::model::ids::local_time;
use crate::progress::Progress;
use crate::store::{Setting, Store};
use chrono::{Local, NaiveDate};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Reads the roster file before the database is opened.
pub fn read_roster(file: &Path, sheet: Option<&str>) -> anyhow::Result<Roster> {
    Ok(Roster::read(&Workbook::open(file)?, sheet)?)
}

/// `zoufang import-roster`: prints the preview of importing `roster`, then imports it unless `dry_run`.
pub fn import_roster(
    store: &mut Store,
    roster: &Roster,
    village: Option<&str>,
    dry_run: bool,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let village = roster::target_village(store, village)?;
    let plan = roster::plan(store, roster, village, today)?;
    for line in roster::preview_lines(roster, &plan) {
        say!("{line}");
    }
    if !plan.has_households() {
        say_err!("{}", t("roster.nothing"));
        return Ok(ExitCode::FAILURE);
    }
    if dry_run {
        say!("{}", t("cli.import_dry_run"));
    } else if !plan.has_changes() {
        say!("{}", t("roster.no_change"));
    } else {
        say!("{}", roster::import(store, &plan, today, &Progress::none())?.sentence());
    }
    Ok(ExitCode::SUCCESS)
}

/// `zoufang pack`: one village's package.
pub fn pack(
    store: &Store,
    out: PathBuf,
    village: Option<&str>,
    encrypt: bool,
    photos: bool,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let village = package::village_to_pack(store, village)?;
    let out = if out.is_dir() { out.join(package::default_file_name(&village.label(), today)) } else { out };
    let passphrase = if encrypt { Some(new_passphrase()?) } else { None };
    let m = package::pack_sealed(store, &village.id, &out, passphrase.as_deref(), photos, &Progress::none())?;
    say!(
        "{}",
        tf(
            "cli.pack_done",
            &[
                ("path", &out.display().to_string()),
                ("village", &m.village_name),
                ("households", &m.rows_of("households").to_string()),
                ("visits", &m.rows_of("visits").to_string()),
                ("problems", &m.rows_of("problems").to_string()),
                ("checksum", m.checksum.get(..12).unwrap_or(&m.checksum)),
            ],
        )
    );
    let who = if m.made_by.is_empty() { "—" } else { m.made_by.as_str() };
    let device = format!("{} {}", m.device_name, m.device_id.get(..8).unwrap_or(&m.device_id));
    say!("{}", tf("cli.pack_made_by", &[("device", device.trim()), ("who", who)]));
    if encrypt {
        say!("{}", t("cli.pack_sealed"));
    }
    Ok(())
}

/// The environment variable holding the passphrase of sealed packages.
pub const PASSPHRASE_VAR: &str = "ZOUFANG_PACKAGE_PASSPHRASE";
/// The shortest package passphrase accepted.
const MIN_PASSPHRASE: usize = 8;

/// The passphrase to seal a package with: `ZOUFANG_PACKAGE_PASSPHRASE`, else asked twice on
/// the terminal.
fn new_passphrase() -> anyhow::Result<String> {
    let phrase = match std::env::var(PASSPHRASE_VAR) {
        Ok(p) => p,
        Err(_) if std::io::stdin().is_terminal() => {
            let first = rpassword::prompt_password(t("cli.package.ask"))?;
            if rpassword::prompt_password(t("cli.package.again"))? != first {
                anyhow::bail!(t("cli.package.mismatch"));
            }
            first
        }
        Err(_) => anyhow::bail!(t("cli.package.needed")),
    };
    if phrase.chars().count() < MIN_PASSPHRASE {
        anyhow::bail!(tf("cli.package.short", &[("n", &MIN_PASSPHRASE.to_string())]));
    }
    Ok(phrase)
}

/// The passphrase of sealed packages among `files`: `ZOUFANG_PACKAGE_PASSPHRASE`, else asked
/// on the terminal; `None` when no package is sealed (or none can be asked: merge then says
/// which package needs one).
fn passphrase_for(files: &[PathBuf]) -> anyhow::Result<Option<String>> {
    if !files.iter().any(|f| package::is_sealed(f).unwrap_or(false)) {
        return Ok(None);
    }
    if let Ok(p) = std::env::var(PASSPHRASE_VAR) {
        return Ok(Some(p));
    }
    if std::io::stdin().is_terminal() {
        return Ok(Some(rpassword::prompt_password(t("cli.package.ask"))?));
    }
    Ok(None)
}

/// `zoufang merge`: packages into the database, or only their preview with `dry_run`.
pub fn merge(
    store: &mut Store,
    files: &[PathBuf],
    dry_run: bool,
    conflicts: Option<Settle>,
) -> anyhow::Result<ExitCode> {
    let settle = match conflicts {
        None | Some(Settle::Newest) => Settlement::newest(),
        Some(Settle::Mine) => Settlement::all(Side::Mine),
        Some(Settle::Theirs) => Settlement::all(Side::Theirs),
    };
    let passphrase = passphrase_for(files)?;
    let report = merge::merge_sealed_if(store, files, passphrase.as_deref(), &settle, &Progress::none(), |r| {
        !dry_run && (conflicts.is_some() || r.conflicts().next().is_none())
    })?;
    print_merge(&report);
    if report.written {
        let c = report.totals();
        let n = |x: usize| x.to_string();
        say!(
            "{}",
            tf(
                "cli.merge_done",
                &[
                    ("n", &n(report.files.len())),
                    ("added", &n(c.added)),
                    ("updated", &n(c.updated)),
                    ("unchanged", &n(c.unchanged)),
                    ("kept", &n(c.kept)),
                    ("conflicts", &n(c.conflicts)),
                ],
            )
        );
    } else if dry_run {
        say!("{}", t("cli.merge_dry_run"));
    } else {
        say_err!("{}", tf("cli.merge_unsettled", &[("n", &report.conflicts().count().to_string())]));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what a merge did (or would do) per package and table, then each conflict.
fn print_merge(report: &MergeReport) {
    for f in &report.files {
        say!("{}", merge::file_line(f));
        for (table, c) in f.tables.iter().filter(|(_, c)| c.total() > 0) {
            let n = |x: usize| x.to_string();
            let line = tf(
                "cli.merge_counts",
                &[
                    ("table", &merge::table_label(table)),
                    ("added", &n(c.added)),
                    ("updated", &n(c.updated)),
                    ("unchanged", &n(c.unchanged)),
                    ("kept", &n(c.kept)),
                    ("conflicts", &n(c.conflicts)),
                ],
            );
            say!("  {line}");
        }
        for c in &f.conflicts {
            let fields: Vec<String> = c.fields.iter().map(merge::field_diff).collect();
            let line = tf(
                "cli.merge_conflict",
                &[
                    ("table", &merge::table_label(&c.key.table)),
                    ("row", &c.label),
                    ("fields", &fields.join("；")),
                    ("mine_at", &local_time(&c.mine_at)),
                    ("theirs_at", &local_time(&c.theirs_at)),
                    ("chosen", merge::side_label(c.chosen)),
                ],
            );
            say!("  {line}");
        }
    }
}

/// The period and the village (`None`: all) that `export-ledger` and `photos` were asked for.
pub fn period_and_scope(
    store: &Store,
    args: &super::args::PeriodArgs,
    today: NaiveDate,
) -> anyhow::Result<(Period, Option<String>)> {
    let period = ledger_period(args.month.as_deref(), args.from.as_deref(), args.to.as_deref(), today)?;
    Ok((period, ledger_scope(store, args.village.as_deref(), args.all_villages)?))
}

/// The period of `export-ledger`: a month (default: this one) or `--from`/`--to`.
fn ledger_period(
    month: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<Period> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!(tf("sheet.err.date", &[("date", s)])))
    };
    match (month, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => anyhow::bail!(t("sheet.err.month_and_range")),
        (_, Some(from), Some(to)) => Ok(Period::range(date(from)?, date(to)?)?),
        (_, Some(_), None) | (_, None, Some(_)) => anyhow::bail!(t("sheet.err.half_range")),
        (month, None, None) => Ok(Period::Month(parse_month(month, today)?)),
    }
}

/// The village of `export-ledger` (`None`: all villages): the one named, else the one chosen in
/// the window, else the only one.
fn ledger_scope(store: &Store, name: Option<&str>, all_villages: bool) -> anyhow::Result<Option<String>> {
    match (name, all_villages) {
        (Some(_), true) => anyhow::bail!(t("sheet.err.village_and_all")),
        (_, true) => return Ok(None),
        _ => {}
    }
    if name.is_none()
        && let Some(current) = store.setting(Setting::CurrentVillage)?
        && store.village(&current)?.is_some()
    {
        return Ok(Some(current));
    }
    match package::village_to_pack(store, name) {
        Ok(v) => Ok(Some(v.id)),
        Err(ExchangeError::WhichVillage(names)) => {
            anyhow::bail!(tf("sheet.err.which_village", &[("names", &names)]))
        }
        Err(e) => Err(e.into()),
    }
}

/// `zoufang export-ledger`: the workbook, or one CSV per sheet.
pub fn export_ledger(
    store: &Store,
    out: &Path,
    period: Period,
    village_id: Option<String>,
    full_ids: bool,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let opts = LedgerOptions { period, village_id, full_ids, today, exported_at: Local::now().naive_local() };
    let done = ledger::export(store, &opts, out, &Progress::none())?;
    let (visits, problems) = (done.visits.to_string(), done.problems.to_string());
    if ledger::Format::of(out) == Some(ledger::Format::Csv) {
        let n = done.files.len().to_string();
        say!("{}", tf("sheet.cli.done_csv", &[("n", &n), ("visits", &visits), ("problems", &problems)]));
        for f in &done.files {
            say!("  {}", f.display());
        }
    } else {
        let path = out.display().to_string();
        say!("{}", tf("sheet.cli.done_xlsx", &[("path", &path), ("visits", &visits), ("problems", &problems)]));
    }
    say!("{}", t(if full_ids { "sheet.cli.full" } else { "sheet.cli.masked" }));
    Ok(())
}
