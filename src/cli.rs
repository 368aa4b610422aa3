//! The headless twin of each GUI job. Errors go to stderr as one sentence; the exit code is
//! non-zero on failure.

use crate::checklist::{self, Catalog};
use crate::demo::{self, DemoOptions};
use crate::exchange::error::ExchangeError;
use crate::exchange::ledger::{self, LedgerOptions, Period};
use crate::exchange::merge::{self, MergeReport, Settlement, Side};
use crate::exchange::package;
use crate::exchange::roster::{self, Roster, Workbook};
use crate::i18n::{self, Lang, t, tf};
use crate::model::ledger::days_overdue;
use crate::model::month::Month;
use crate::store::backup::copy_database;
use crate::store::{Dashboard, Setting, Store};
use chrono::{Local, NaiveDate};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// zoufang (走访) — 帮扶干部入户走访清单 / household visit checklists.
#[derive(Debug, Parser)]
#[command(name = "zoufang", version, about)]
pub struct Cli {
    /// Database file (default: zoufang.db in the user's data folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// What to do; none opens the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless jobs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make synthetic demo villages (演示数据).
    Demo {
        /// Number of villages.
        #[arg(long, default_value_t = 1)]
        villages: usize,
        /// Households per village.
        #[arg(long, default_value_t = 120)]
        households: usize,
        /// Months of history.
        #[arg(long, default_value_t = 6)]
        months: u32,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print a short summary: register, visits of a month, ledger, review backlog (概况).
    Status {
        /// The month, YYYY-MM (default: this month).
        #[arg(long)]
        month: Option<String>,
        /// Only this village (by name).
        #[arg(long)]
        village: Option<String>,
    },
    /// List problems of the ledger as text (问题台账).
    Problems {
        /// Only problems not yet struck off.
        #[arg(long)]
        open: bool,
        /// Only problems past their deadline and not rectified.
        #[arg(long)]
        overdue: bool,
        /// Only this village (by name).
        #[arg(long)]
        village: Option<String>,
    },
    /// Check integrity and consistency; exits non-zero on any problem (检查).
    Check,
    /// Checklist templates (走访清单).
    Template {
        /// What to do with templates.
        #[command(subcommand)]
        action: TemplateAction,
    },
    /// Measure the quality bars on synthetic township data in a temporary folder (性能测试).
    Bench {
        /// Households in the township.
        #[arg(long, default_value_t = 10_000)]
        households: usize,
        /// Months of visit history.
        #[arg(long, default_value_t = 24)]
        months: u32,
    },
    /// Import the household roster (花名册) from .xlsx, .xls or .csv, printing the preview first;
    /// exits non-zero only when nothing could be imported (导入花名册).
    ImportRoster {
        /// The roster file.
        file: PathBuf,
        /// The sheet to read (default: the first that looks like a roster).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// The village to import into (default: the database's only village; with none, one is
        /// made from the file's 行政村 column).
        #[arg(long, value_name = "NAME")]
        village: Option<String>,
        /// Print the preview only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Back the database up (备份): to FILE, or dated into the `backups` folder beside it,
    /// keeping the newest ten.
    Backup {
        /// Where to write the copy.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write one village's package for the township or the first secretary (导出数据包).
    Pack {
        /// The package file to write; given a folder, 村名-YYYY-MM.zfp inside it.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The village (name or id); needed when the database holds several.
        #[arg(long, value_name = "NAME")]
        village: Option<String>,
    },
    /// Export the ledgers (走访台账, 问题整改台账, 帮扶人到位情况, 汇总) of a month or a date range as an
    /// Excel workbook, or as one CSV file per sheet when FILE ends in .csv (导出台账).
    ExportLedger {
        /// The file to write: FILE.xlsx, or FILE.csv for FILE-走访台账.csv and the others.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The month, YYYY-MM (default: this month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// The first day of a date range, YYYY-MM-DD (with --to).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// The last day of a date range, YYYY-MM-DD (with --from).
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// The village (default: the village chosen in the window, or the only one).
        #[arg(long, value_name = "NAME")]
        village: Option<String>,
        /// Every village of the database (a township's ledgers).
        #[arg(long)]
        all_villages: bool,
        /// Write ID numbers in full (by default the middle digits are hidden).
        #[arg(long)]
        full_ids: bool,
    },
    /// Merge village packages into the database, all in one transaction (合并).
    Merge {
        /// Package files (.zfp).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Only show what merging would do.
        #[arg(long)]
        dry_run: bool,
        /// How to settle rows changed on both sides; without it, conflicts stop the merge.
        #[arg(long, value_enum, value_name = "WHICH")]
        conflicts: Option<Settle>,
    },
}

/// How `merge` settles conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Settle {
    /// The newer version wins.
    Newest,
    /// Keep this database's version.
    Mine,
    /// Take the package's version.
    Theirs,
}

/// What to do with checklist templates.
#[derive(Debug, Subcommand)]
pub enum TemplateAction {
    /// Load a template file (TOML); a changed file becomes a new version, old visits keep theirs.
    Load {
        /// The template file.
        file: PathBuf,
    },
    /// List the stored template versions, newest first.
    List,
}

/// The default database: `zoufang.db` in the user's data folder.
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("cn", "zoufang", "zoufang")
        .map(|d| d.data_dir().join("zoufang.db"))
        .unwrap_or_else(|| PathBuf::from("zoufang.db"))
}

/// Today's date on this laptop.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.clone().unwrap_or_else(default_db_path);
    match cli.command {
        None => crate::ui::run(db),
        Some(command) => match run(&db, command) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn open(db: &std::path::Path) -> anyhow::Result<Store> {
    let store = Store::open(db)?;
    if let Some(code) = store.setting(Setting::Language)? {
        i18n::set_lang(Lang::from_code(&code));
    }
    Ok(store)
}

/// Reads `--month YYYY-MM` (default: this month).
fn parse_month(text: Option<&str>) -> anyhow::Result<Month> {
    match text {
        None => Ok(Month::of(today())),
        Some(s) => Month::parse(s).ok_or_else(|| anyhow::anyhow!(tf("cli.err.month", &[("month", s)]))),
    }
}

/// The id of the village named `name`, if one was asked for.
fn village_id(store: &Store, name: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(name) = name else { return Ok(None) };
    let found = store.villages()?.into_iter().find(|v| v.name == name.trim());
    found.map(|v| Some(v.id)).ok_or_else(|| anyhow::anyhow!(tf("cli.err.village", &[("name", name)])))
}

/// The period of `export-ledger`: a month (default: this one) or `--from`/`--to`.
fn ledger_period(month: Option<&str>, from: Option<&str>, to: Option<&str>) -> anyhow::Result<Period> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!(tf("sheet.err.date", &[("date", s)])))
    };
    match (month, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => anyhow::bail!(t("sheet.err.month_and_range")),
        (_, Some(from), Some(to)) => Ok(Period::range(date(from)?, date(to)?)?),
        (_, Some(_), None) | (_, None, Some(_)) => anyhow::bail!(t("sheet.err.half_range")),
        (month, None, None) => Ok(Period::Month(parse_month(month)?)),
    }
}

/// The village of `export-ledger`: the one named, else the one chosen in the window, else the
/// only one.
fn ledger_village(store: &Store, name: Option<&str>) -> anyhow::Result<String> {
    if name.is_none()
        && let Some(current) = store.setting(Setting::CurrentVillage)?
        && store.village(&current)?.is_some()
    {
        return Ok(current);
    }
    match package::village_to_pack(store, name) {
        Ok(v) => Ok(v.id),
        Err(ExchangeError::WhichVillage(names)) => {
            anyhow::bail!(tf("sheet.err.which_village", &[("names", &names)]))
        }
        Err(e) => Err(e.into()),
    }
}

/// Prints a month's visits, problems by group and the review backlog.
fn print_month(d: &Dashboard) {
    println!("{}", tf("cli.month_title", &[("month", &d.month.to_string())]));
    println!("  {}：{} / {}", t("dashboard.visited"), d.visited, d.assigned);
    let names: Vec<&str> = d.not_visited.iter().take(10).map(|h| h.head_name.as_str()).collect();
    let more = if d.not_visited.len() > names.len() { t("cli.and_more") } else { "" };
    let list = if names.is_empty() { String::new() } else { format!("（{}{more}）", names.join("、")) };
    println!("  {}：{}{list}", t("dashboard.not_visited"), d.not_visited.len());
    println!("  {}：{}", t("dashboard.awaiting_review"), d.awaiting_review);
    println!("{}", tf("cli.ledger_title", &[("open", &d.open().to_string()), ("overdue", &d.overdue().to_string())]));
    for g in d.groups.iter().filter(|g| g.found + g.rectified + g.open > 0) {
        println!(
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
fn print_findings(store: &Store, village: Option<&str>, month: Month) -> anyhow::Result<()> {
    let status = store.month_status(village, month, today())?;
    let overdue: Vec<_> = status.overdue().collect();
    println!("{}", tf("cli.month_overdue", &[("n", &overdue.len().to_string()), ("as_of", &status.as_of.to_string())]));
    for h in &overdue {
        let last = h.last_visit.map(|d| d.to_string()).unwrap_or_else(|| t("cli.never").to_string());
        println!(
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
    println!("{}", tf("cli.month_problems", &[("n", &total.to_string())]));
    for (group, n) in groups {
        println!("  {group}：{n}");
    }
    Ok(())
}

/// Runs one headless command against the database at `db`.
pub fn run(db: &std::path::Path, command: Command) -> anyhow::Result<ExitCode> {
    if let Command::Bench { households, months } = command {
        crate::bench::run(crate::bench::BenchOptions { households, months })?;
        return Ok(ExitCode::SUCCESS);
    }
    // A roster that cannot be read is refused before the database is even opened.
    let roster = match &command {
        Command::ImportRoster { file, sheet, .. } => Some(Roster::read(&Workbook::open(file)?, sheet.as_deref())?),
        _ => None,
    };
    let mut store = open(db)?;
    match command {
        Command::Demo { villages, households, months, seed } => {
            let opts = DemoOptions { villages, households, months, seed, today: today() };
            let r = demo::generate(&mut store, &opts)?;
            println!(
                "{}",
                tf(
                    "cli.demo_done",
                    &[
                        ("villages", &r.villages.to_string()),
                        ("households", &r.households.to_string()),
                        ("members", &r.members.to_string()),
                        ("cadres", &r.cadres.to_string()),
                        ("db", &db.display().to_string()),
                    ],
                )
            );
            println!(
                "{}",
                tf("cli.demo_visits", &[("visits", &r.visits.to_string()), ("months", &months.to_string())])
            );
        }
        Command::Status { month, village } => {
            let month = parse_month(month.as_deref())?;
            let village = village_id(&store, village.as_deref())?;
            let s = store.summary()?;
            println!("{}", tf("cli.status_db", &[("db", &db.display().to_string())]));
            for (key, n) in [
                ("cli.status_villages", s.villages),
                ("cli.status_groups", s.groups),
                ("cli.status_households", s.households),
                ("cli.status_archived", s.archived),
                ("cli.status_members", s.members),
                ("cli.status_cadres", s.cadres),
                ("cli.status_unassigned", s.unassigned),
            ] {
                println!("  {}：{n}", t(key));
            }
            print_month(&store.dashboard(village.as_deref(), month, today())?);
            print_findings(&store, village.as_deref(), month)?;
        }
        Command::Template { action: TemplateAction::Load { file } } => {
            let loaded = checklist::load_file(&mut store, &file)?;
            let key = if loaded.new { "cli.template_loaded" } else { "cli.template_known" };
            println!("{}", tf(key, &[("name", &loaded.name), ("version", &loaded.version)]));
        }
        Command::Template { action: TemplateAction::List } => {
            store.write(checklist::ensure_builtins)?;
            for row in store.templates()? {
                let loaded = row.created_at.get(..10).unwrap_or(&row.created_at);
                println!("{loaded}  {}  {}  {}  {}", row.code, row.version, row.name, &row.content_hash[..12]);
            }
        }
        Command::Problems { open, overdue, village } => {
            let village = village_id(&store, village.as_deref())?;
            let rows = store.problems(village.as_deref())?;
            let mut shown = 0;
            for r in &rows {
                let p = &r.problem;
                let late = days_overdue(p.status, p.deadline, today());
                if (open && !p.status.is_open()) || (overdue && late.is_none()) {
                    continue;
                }
                shown += 1;
                let who = if p.household_id.is_some() { r.head_name.as_str() } else { t("ledger.whole_village") };
                let deadline = p.deadline.map(|d| d.to_string()).unwrap_or_else(|| t("ledger.no_deadline").to_string());
                let late = late
                    .map(|n| format!(" {}", tf("ledger.days_overdue", &[("n", &n.to_string())])))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{deadline}{late}\t{}",
                    p.status.code(),
                    p.group,
                    who,
                    p.description,
                    p.found,
                    p.responsible_unit
                );
            }
            println!("{}", tf("cli.problems_count", &[("n", &shown.to_string()), ("total", &rows.len().to_string())]));
        }
        Command::Bench { .. } => unreachable!("handled before the database opens"),
        Command::Backup { out } => {
            let path = match out {
                Some(out) => {
                    copy_database(store.path(), &out)?;
                    out
                }
                None => store.backup()?,
            };
            println!("{}", tf("cli.backup_done", &[("path", &path.display().to_string())]));
        }
        Command::Check => {
            let found = store.check(today())?;
            if found.is_empty() {
                println!("{}", t("cli.check_ok"));
            } else {
                for c in &found {
                    eprintln!("{}", c.message);
                }
                eprintln!("{}", tf("cli.check_failed", &[("n", &found.len().to_string())]));
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Pack { out, village } => {
            let village = package::village_to_pack(&store, village.as_deref())?;
            let out = if out.is_dir() { out.join(package::default_file_name(&village.name, today())) } else { out };
            let m = package::pack(&store, &village.id, &out)?;
            println!(
                "{}",
                tf(
                    "cli.pack_done",
                    &[
                        ("path", &out.display().to_string()),
                        ("village", &m.village_name),
                        ("households", &m.rows_of("households").to_string()),
                        ("visits", &m.rows_of("visits").to_string()),
                        ("problems", &m.rows_of("problems").to_string()),
                        ("checksum", &m.checksum[..12]),
                    ],
                )
            );
        }
        Command::Merge { files, dry_run, conflicts } => {
            let settle = match conflicts {
                None | Some(Settle::Newest) => Settlement::newest(),
                Some(Settle::Mine) => Settlement::all(Side::Mine),
                Some(Settle::Theirs) => Settlement::all(Side::Theirs),
            };
            let report = merge::merge_if(&mut store, &files, &settle, |r| {
                !dry_run && (conflicts.is_some() || r.conflicts().next().is_none())
            })?;
            print_merge(&report);
            let unsettled = report.conflicts().count();
            if report.written {
                let c = report.totals();
                let n = |x: usize| x.to_string();
                println!(
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
                println!("{}", t("cli.merge_dry_run"));
            } else {
                eprintln!("{}", tf("cli.merge_unsettled", &[("n", &unsettled.to_string())]));
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::ExportLedger { out, month, from, to, village, all_villages, full_ids } => {
            let period = ledger_period(month.as_deref(), from.as_deref(), to.as_deref())?;
            let village_id = match (village.as_deref(), all_villages) {
                (Some(_), true) => anyhow::bail!(t("sheet.err.village_and_all")),
                (_, true) => None,
                (name, false) => Some(ledger_village(&store, name)?),
            };
            let opts =
                LedgerOptions { period, village_id, full_ids, today: today(), exported_at: Local::now().naive_local() };
            let done = ledger::export(&store, &opts, &out)?;
            let (visits, problems) = (done.visits.to_string(), done.problems.to_string());
            if ledger::Format::of(&out) == Some(ledger::Format::Csv) {
                let n = done.files.len().to_string();
                println!("{}", tf("sheet.cli.done_csv", &[("n", &n), ("visits", &visits), ("problems", &problems)]));
                for f in &done.files {
                    println!("  {}", f.display());
                }
            } else {
                let path = out.display().to_string();
                println!(
                    "{}",
                    tf("sheet.cli.done_xlsx", &[("path", &path), ("visits", &visits), ("problems", &problems)])
                );
            }
            println!("{}", t(if full_ids { "sheet.cli.full" } else { "sheet.cli.masked" }));
        }
        Command::ImportRoster { village, dry_run, .. } => {
            let roster = roster.expect("read above");
            return import_roster(&mut store, &roster, village.as_deref(), dry_run);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the preview of importing `roster`, then imports it unless `dry_run`.
fn import_roster(store: &mut Store, roster: &Roster, village: Option<&str>, dry_run: bool) -> anyhow::Result<ExitCode> {
    let village = roster::target_village(store, village)?;
    let plan = roster::plan(store, roster, village, today())?;
    for line in roster::preview_lines(roster, &plan) {
        println!("{line}");
    }
    if !plan.has_households() {
        eprintln!("{}", t("roster.nothing"));
        return Ok(ExitCode::FAILURE);
    }
    if dry_run {
        println!("{}", t("cli.import_dry_run"));
    } else if !plan.has_changes() {
        println!("{}", t("roster.no_change"));
    } else {
        println!("{}", roster::import(store, &plan, today())?.sentence());
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what a merge did (or would do) per package and table, then each conflict.
fn print_merge(report: &MergeReport) {
    for f in &report.files {
        println!("{}", merge::file_line(f));
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
            println!("  {line}");
        }
        for c in &f.conflicts {
            let fields: Vec<String> = c.fields.iter().map(merge::field_diff).collect();
            let line = tf(
                "cli.merge_conflict",
                &[
                    ("table", &merge::table_label(&c.key.table)),
                    ("row", &c.label),
                    ("fields", &fields.join("；")),
                    ("mine_at", &merge::local_time(&c.mine_at)),
                    ("theirs_at", &merge::local_time(&c.theirs_at)),
                    ("chosen", merge::side_label(c.chosen)),
                ],
            );
            println!("  {line}");
        }
    }
}
