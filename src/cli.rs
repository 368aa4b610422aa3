//! The headless twin of each GUI job. Errors go to stderr as one sentence; the exit code is
//! non-zero on failure.

use crate::checklist::{self, Catalog};
use crate::demo::{self, DemoOptions};
use crate::i18n::{self, Lang, t, tf};
use crate::model::visit::{month_of, parse_month};
use crate::store::{Setting, Store, month_end};
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
    /// Print a short summary of the database and of a month's visits (概况).
    Status {
        /// The month to report, YYYY-MM (default: this month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
    },
    /// Checklist templates (走访清单).
    Template {
        /// What to do with templates.
        #[command(subcommand)]
        action: TemplateAction,
    },
    /// Check integrity and consistency; exits non-zero on any problem (检查).
    Check,
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

/// Runs one headless command against the database at `db`.
pub fn run(db: &std::path::Path, command: Command) -> anyhow::Result<ExitCode> {
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
        Command::Status { month } => {
            let month = match month {
                Some(text) => {
                    parse_month(&text).ok_or_else(|| anyhow::anyhow!(tf("cli.bad_month", &[("month", &text)])))?
                }
                None => today(),
            };
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
                println!("  {:<12}{n}", t(key));
            }
            print_month(&store, month)?;
        }
        Command::Template { action: TemplateAction::Load { file } } => {
            let loaded = checklist::load_file(&mut store, &file)?;
            let key = if loaded.new { "cli.template_loaded" } else { "cli.template_known" };
            println!("{}", tf(key, &[("name", &loaded.name), ("version", &loaded.version)]));
        }
        Command::Template { action: TemplateAction::List } => {
            store.write(checklist::ensure_builtins)?;
            for row in store.templates()? {
                println!(
                    "{}  {}  {}  {}  {}",
                    &row.created_at[..10],
                    row.code,
                    row.version,
                    row.name,
                    &row.content_hash[..12]
                );
            }
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
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a month's visiting: visited / assigned, per cadre, overdue households and problems
/// found by group.
fn print_month(store: &Store, month: NaiveDate) -> anyhow::Result<()> {
    let status = store.month_status(None, month, today())?;
    println!();
    println!(
        "{}",
        tf(
            "cli.month_visited",
            &[
                ("month", &month_of(status.month)),
                ("visited", &status.visited().to_string()),
                ("assigned", &status.assigned().to_string()),
            ],
        )
    );
    for c in &status.cadres {
        println!(
            "  {}",
            tf(
                "cli.month_cadre",
                &[
                    ("name", &c.name),
                    ("visited", &c.visited.to_string()),
                    ("assigned", &c.assigned.to_string()),
                    ("visits", &c.visits.to_string()),
                ],
            )
        );
    }
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
        checklist::problems_by_group(store, &mut Catalog::default(), None, status.month, month_end(status.month))?;
    let total: usize = groups.iter().map(|(_, n)| n).sum();
    println!("{}", tf("cli.month_problems", &[("n", &total.to_string())]));
    for (group, n) in groups {
        println!("  {group:<10}{n}");
    }
    Ok(())
}
