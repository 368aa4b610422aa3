//! The command line's arguments: every subcommand and flag, with the help text `--help` prints.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
        /// Only this village: 名, 名（乡镇） or its id.
        #[arg(long)]
        village: Option<String>,
        /// List every household, not only the first 20 of a long list.
        #[arg(long)]
        all: bool,
    },
    /// List problems of the ledger as text (问题台账).
    Problems {
        /// Only problems not yet struck off.
        #[arg(long)]
        open: bool,
        /// Only problems past their deadline and not rectified.
        #[arg(long)]
        overdue: bool,
        /// Only this village: 名, 名（乡镇） or its id.
        #[arg(long)]
        village: Option<String>,
    },
    /// Check integrity and consistency; exits non-zero on any problem (检查).
    Check {
        /// Also verify every index entry against its table (PRAGMA integrity_check; slower).
        #[arg(long)]
        full: bool,
    },
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
        /// Also write every figure to this JSON file (numbers in ms unless the key names a unit).
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    /// Add photos to a visit (添加走访照片): prints for each file whether it was stored, skipped
    /// as a duplicate or refused and why; exits non-zero if any was refused.
    Attach {
        /// The visit's id (shown on its form and by `status`).
        #[arg(long, value_name = "VISIT_ID")]
        visit: String,
        /// JPEG, PNG or WebP files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write the visit photos of a period into DIR, one folder per village and group, files named
    /// 组-户主-日期-序号.jpg (导出走访照片).
    Photos {
        /// The folder to write into (made if absent).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The period and the villages.
        #[command(flatten)]
        period: PeriodArgs,
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
    /// Back the database up (备份): to FILE (never over another file than an earlier backup of
    /// this database), or dated into the `backups` folder beside it.
    Backup {
        /// Where to write the copy (given a folder, a dated file inside it).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write one village's package for the township or the first secretary (导出数据包).
    Pack {
        /// The package file to write; given a folder, 村名-YYYY-MM.zfp inside it.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The village (名, 名（乡镇） or its id); needed when the database holds several.
        #[arg(long, value_name = "NAME")]
        village: Option<String>,
        /// Seal the package with a passphrase agreed with the township (from
        /// ZOUFANG_PACKAGE_PASSPHRASE, else asked twice on the terminal).
        #[arg(long)]
        encrypt: bool,
        /// Carry the full photos too (包含照片原图); thumbnails always travel.
        #[arg(long)]
        photos: bool,
    },
    /// Export the ledgers (走访台账, 问题整改台账, 帮扶人到位情况, 汇总) of a month or a date range as an
    /// Excel workbook, or as one CSV file per sheet when FILE ends in .csv (导出台账).
    ExportLedger {
        /// The file to write: FILE.xlsx, or FILE.csv for FILE-走访台账.csv and the others.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The period and the villages.
        #[command(flatten)]
        period: PeriodArgs,
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
    /// Replace the database with a backup, after backing up its present state (恢复备份).
    Restore {
        /// The backup file (in the `backups` folder beside the database, or any copy).
        #[arg(value_name = "BACKUP")]
        backup: PathBuf,
        /// Do not ask before replacing.
        #[arg(long)]
        yes: bool,
    },
    /// Set, change or remove the database password (数据库密码); new passwords are read from
    /// standard input, the current one from ZOUFANG_PASSWORD or the terminal.
    Password {
        /// What to do.
        #[command(subcommand)]
        action: super::password::PasswordAction,
    },
    /// Print the audit log: who changed what, when, on which laptop, old → new (审计日志).
    Audit {
        /// Only this household (its id, 户编号 or 户主姓名).
        #[arg(long, value_name = "ID")]
        household: Option<String>,
        /// Only entries from this day on, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
    },
    /// A cadre's PIN for sign-off (签批 PIN).
    Pin {
        /// What to do.
        #[command(subcommand)]
        action: PinAction,
    },
    /// Save visits in a loop, printing each after its commit, until killed (the crash test).
    #[command(hide = true)]
    CrashLoop {
        /// Stop after this many rounds.
        #[arg(long)]
        rounds: Option<u64>,
    },
}

/// The period and the villages of a ledger or photo export.
#[derive(Debug, clap::Args)]
pub struct PeriodArgs {
    /// The month, YYYY-MM (default: this month).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// The first day of a date range, YYYY-MM-DD (with --to).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// The last day of a date range, YYYY-MM-DD (with --from).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// The village: 名, 名（乡镇） or its id (default: the village chosen in the window, or the
    /// only one).
    #[arg(long, value_name = "NAME")]
    pub village: Option<String>,
    /// Every village of the database (a township's).
    #[arg(long)]
    pub all_villages: bool,
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

/// What to do with PINs.
#[derive(Debug, Subcommand)]
pub enum PinAction {
    /// Set or change a cadre's PIN: the new PIN on the first line of standard input, then the old
    /// PIN (or, for a first PIN, the approver's, naming them with --by) on the second.
    Set {
        /// The cadre (id or name).
        #[arg(long, value_name = "ID")]
        cadre: String,
        /// The approver confirming a first PIN (id or name).
        #[arg(long, value_name = "ID")]
        by: Option<String>,
    },
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
