//! The headless twin of each GUI job: [`args`] defines the command line, one function per
//! command runs it. Errors go to stderr as one sentence; the exit code is non-zero on failure.

mod args;
mod audit;
mod backup;
mod crash_loop;
mod exchange;
mod password;
mod photos;
mod register;
mod report;

pub use args::{Cli, Command, PinAction, Settle, TemplateAction, default_db_path};

use crate::i18n::{self, Lang, tf};
use crate::model::month::Month;
use crate::store::{Setting, Store};
use chrono::NaiveDate;
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;

/// Parses the command line and runs it; `today` is the date the entry point read once.
pub fn main(today: NaiveDate) -> ExitCode {
    crate::out::install_panic_hook();
    let cli = Cli::parse();
    let db = cli.db.clone().unwrap_or_else(default_db_path);
    match cli.command {
        None => crate::ui::run(db, today),
        Some(command) => match run(&db, command, today) {
            Ok(code) => code,
            Err(e) => {
                say_err!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Runs one headless command against the database at `db`.
pub fn run(db: &Path, command: Command, today: NaiveDate) -> anyhow::Result<ExitCode> {
    if let Command::Bench { households, months, json } = command {
        crate::bench::run(crate::bench::BenchOptions { households, months, json }, today)?;
        return Ok(ExitCode::SUCCESS);
    }
    // A roster that cannot be read is refused before the database is even opened.
    let roster = match &command {
        Command::ImportRoster { file, sheet, .. } => Some(exchange::read_roster(file, sheet.as_deref())?),
        _ => None,
    };
    match &command {
        Command::Backup { out } => return backup::backup(db, out.clone()).map(|()| ExitCode::SUCCESS),
        Command::Restore { backup: file, yes } => return backup::restore(db, file, *yes),
        Command::Password { action } => return password::run(db, *action).map(|()| ExitCode::SUCCESS),
        _ => {}
    }
    let reads = matches!(
        command,
        Command::Status { .. }
            | Command::Problems { .. }
            | Command::Check { .. }
            | Command::Pack { .. }
            | Command::ExportLedger { .. }
            | Command::Photos { .. }
            | Command::Attach { .. }
            | Command::Template { action: TemplateAction::List }
            | Command::Audit { .. }
    );
    let mut store = if reads { open_existing(db)? } else { open(db)? };
    match command {
        Command::Demo { villages, households, months, seed } => {
            register::demo(&mut store, crate::demo::DemoOptions { villages, households, months, seed, today })?
        }
        Command::Status { month, village, all } => {
            report::status(&store, month.as_deref(), village.as_deref(), all, today)?
        }
        Command::Problems { open, overdue, village } => {
            report::problems(&store, open, overdue, village.as_deref(), today)?
        }
        Command::Check { full } => return report::check(&store, today, full),
        Command::Template { action } => register::template(&mut store, action)?,
        Command::Bench { .. } => unreachable!("handled before the database opens"),
        Command::Backup { .. } | Command::Restore { .. } | Command::Password { .. } => {
            unreachable!("handled before the database opens")
        }
        Command::Audit { household, since } => audit::audit(&store, household.as_deref(), since.as_deref())?,
        Command::Pin { action: PinAction::Set { cadre, by } } => audit::set_pin(&mut store, &cadre, by.as_deref())?,
        Command::CrashLoop { rounds } => crash_loop::run(&mut store, today, rounds)?,
        Command::Pack { out, village, encrypt, photos } => {
            exchange::pack(&store, out, village.as_deref(), encrypt, photos, today)?
        }
        Command::Attach { visit, files } => return photos::attach(&mut store, &visit, &files),
        Command::Photos { out, period } => {
            let (period, village) = exchange::period_and_scope(&store, &period, today)?;
            photos::export(&store, &out, village.as_deref(), period)?
        }
        Command::Merge { files, dry_run, conflicts } => return exchange::merge(&mut store, &files, dry_run, conflicts),
        Command::ExportLedger { out, period, full_ids } => {
            let (period, village) = exchange::period_and_scope(&store, &period, today)?;
            exchange::export_ledger(&store, &out, period, village, full_ids, today)?
        }
        Command::ImportRoster { village, dry_run, .. } => {
            let Some(roster) = roster else { unreachable!("read above") };
            return exchange::import_roster(&mut store, &roster, village.as_deref(), dry_run, today);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the database (asking its password when it has one) and takes its language for what
/// is printed.
fn open(db: &Path) -> anyhow::Result<Store> {
    with_language(password::open_store(db)?)
}

/// Opens a database that must exist (a command that reads): a mistyped path creates nothing.
fn open_existing(db: &Path) -> anyhow::Result<Store> {
    if !db.is_file() {
        return Err(crate::store::StoreError::NotFound(db.to_path_buf()).into());
    }
    open(db)
}

fn with_language(store: Store) -> anyhow::Result<Store> {
    if let Some(code) = store.setting(Setting::Language)? {
        i18n::set_lang(Lang::from_code(&code));
    }
    Ok(store)
}

/// Reads `--month YYYY-MM` (default: the month of `today`).
fn parse_month(text: Option<&str>, today: NaiveDate) -> anyhow::Result<Month> {
    match text {
        None => Ok(Month::of(today)),
        Some(s) => Month::parse(s).ok_or_else(|| anyhow::anyhow!(tf("cli.err.month", &[("month", s)]))),
    }
}
