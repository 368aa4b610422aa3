//! The headless twin of each GUI job. Errors go to stderr as one sentence; the exit code is
//! non-zero on failure.

use crate::demo::{self, DemoOptions};
use crate::i18n::{self, Lang, t, tf};
use crate::store::{Setting, Store};
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
    /// Print a short summary of the database (概况).
    Status,
    /// Check integrity and consistency; exits non-zero on any problem (检查).
    Check,
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
        }
        Command::Status => {
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
