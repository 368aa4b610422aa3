//! Backups and the way back: a consistent copy of the database through SQLite's online backup,
//! kept in a `backups` folder beside it, and restoring one.
//!
//! A backup is made on the first start of each day and before every merge, roster import,
//! template load, restore and migration. Its file name says when and before what it was made:
//! `村-20261121-093015-merge.db`. Daily backups are kept 7 days back plus one a week for 4 weeks;
//! of the backups made before something, the newest [`KEEP_BACKUPS`] are kept.
//!
//! The photo file is backed up once for all of them (see [`photos`]): each backup adds only the
//! pictures taken since the last one.

use super::crypt::{self, FileKind, Key};
use super::{Result, Store, StoreError};
use crate::i18n::t;
use chrono::{Datelike, Local, NaiveDateTime};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod photos;
pub use photos::shared_photos;

/// How many backups made before a merge, an import, a template load or a restore are kept.
pub const KEEP_BACKUPS: usize = 10;
/// Days of daily backups kept.
pub const KEEP_DAILY: usize = 7;
/// Weeks of weekly backups kept beyond the daily ones.
pub const KEEP_WEEKLY: usize = 4;
/// How long a backup waits for a database another program is writing before giving up.
const BUSY_LIMIT: Duration = Duration::from_secs(10);

/// What a backup was made before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The first start of a day.
    Daily,
    /// Asked for (立即备份, `zoufang backup`).
    Manual,
    /// Before merging packages.
    Merge,
    /// Before importing a roster.
    Roster,
    /// Before loading a checklist template.
    Template,
    /// Before restoring another backup.
    Restore,
    /// Before upgrading the database to a newer schema.
    Migration,
}

impl Reason {
    const ALL: [Reason; 7] = [
        Reason::Daily,
        Reason::Manual,
        Reason::Merge,
        Reason::Roster,
        Reason::Template,
        Reason::Restore,
        Reason::Migration,
    ];

    /// The code in the file name.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Daily => "daily",
            Reason::Manual => "manual",
            Reason::Merge => "merge",
            Reason::Roster => "roster",
            Reason::Template => "template",
            Reason::Restore => "restore",
            Reason::Migration => "migration",
        }
    }

    /// What people read: "合并数据包之前".
    pub fn label(self) -> &'static str {
        t(&format!("backup.reason.{}", self.code()))
    }
}

/// One backup in the backup folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// The file.
    pub path: PathBuf,
    /// When it was made (local time).
    pub made: NaiveDateTime,
    /// Its size in bytes.
    pub size: u64,
    /// What it was made before.
    pub reason: Reason,
}

/// Copies the database at `from` (open or not) to `to` page by page, with its pictures: a backup
/// in `from`'s backup folder brings the one shared photo backup up to date, any other copy gets a
/// photo file of its own beside it (made whole, or brought up to date when one is there). The
/// pictures come from `from`'s photo file, or for a backup being copied back, from the photo
/// backup it draws on. The database file is written under a `.partial` name, synced and renamed
/// when complete; on failure nothing is left behind.
pub fn copy_database(from: &Path, to: &Path) -> Result<()> {
    copy_database_keyed(from, to, None)
}

/// [`copy_database`] for a database that may be encrypted with `key`: the copy is encrypted
/// with the same key (a plain database gives a plain copy).
pub fn copy_database_keyed(from: &Path, to: &Path, key: Option<&Key>) -> Result<()> {
    if !from.is_file() {
        return Err(StoreError::NotFound(from.to_path_buf()));
    }
    let photos_to = photos::photo_target(from, to);
    let sources = photos::photo_sources(from);
    copy_file(from, to, key)?;
    for source in sources {
        if let Err(e) = photos::sync_photos(&source, &photos_to, key) {
            let _ = std::fs::remove_file(to);
            return Err(e);
        }
    }
    Ok(())
}

/// Copies one SQLite file (see [`copy_database`]), encrypted alike.
fn copy_file(from: &Path, to: &Path, key: Option<&Key>) -> Result<()> {
    let key = key_for(from, key)?;
    let src = open_read_only(from, key)?;
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let partial = to.with_file_name(name);
    let _ = std::fs::remove_file(&partial);
    let done = copy_into(&src, &partial, key).and_then(|()| {
        super::lock::owner_only(&partial);
        std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| StoreError::io(&partial, &e))?;
        std::fs::rename(&partial, to).map_err(|e| StoreError::io(to, &e))
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    // A full disk here is the backup's disk, not a change that failed to save.
    done.map_err(|e| match e {
        StoreError::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => {
            StoreError::Io(to.to_path_buf(), t("io.full").to_string())
        }
        StoreError::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::SystemIoFailure) => {
            StoreError::Io(to.to_path_buf(), t("io.write_failed").to_string())
        }
        e => e,
    })
}

/// Opens `path` to read only; a database another program is writing is waited for briefly.
/// A file nobody can write (read-only, with no journal waiting beside it) is opened as
/// immutable: SQLite then makes no `-wal`/`-shm` files beside it, which would be left behind
/// read-only and stop the database from being written again once its permissions are restored.
fn open_read_only(path: &Path, key: Option<&Key>) -> Result<Connection> {
    let mut wal = path.as_os_str().to_os_string();
    wal.push("-wal");
    let journal_waiting = std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0);
    let read_only = std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = if read_only && !journal_waiting {
        let uri = url_path(path).map(|p| format!("file:{p}?immutable=1"));
        match uri {
            Some(uri) => Connection::open_with_flags(uri, flags),
            None => Connection::open_with_flags(path, flags),
        }
    } else {
        Connection::open_with_flags(path, flags - OpenFlags::SQLITE_OPEN_URI)
    }
    .map_err(|e| StoreError::from_open(path, e))?;
    crypt::apply(&conn, key)?;
    conn.busy_timeout(BUSY_LIMIT)?;
    // Reading the schema here surfaces a file SQLite cannot read (not a database, a read-only
    // WAL database whose index cannot be made, a wrong key) as an error now, not as a retry
    // loop later.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|e| {
        match (key, e.sqlite_error_code()) {
            (Some(_), Some(rusqlite::ErrorCode::NotADatabase)) => StoreError::WrongPassword(path.to_path_buf()),
            _ => StoreError::from_open(path, e),
        }
    })?;
    Ok(conn)
}

/// `path` percent-encoded for an SQLite URI, if it can be.
fn url_path(path: &Path) -> Option<String> {
    let abs = std::path::absolute(path).ok()?;
    let text = abs.to_str()?.replace('\\', "/");
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '?' | '#' | '%' | '&' | '=' => out.push_str(&format!("%{:02X}", c as u32)),
            _ => out.push(c),
        }
    }
    Some(if out.starts_with('/') { out } else { format!("/{out}") })
}

/// The key `path` needs: `key` for an encrypted file, none for a plain one.
fn key_for<'k>(path: &Path, key: Option<&'k Key>) -> Result<Option<&'k Key>> {
    Ok(match crypt::file_kind(path)? {
        FileKind::Sealed => key,
        FileKind::Plain | FileKind::New => None,
    })
}

fn copy_into(src: &Connection, partial: &Path, key: Option<&Key>) -> Result<()> {
    let _ = crypt::keyfile::create_owner_only(partial);
    let mut dst = Connection::open(partial).map_err(|e| StoreError::from_open(partial, e))?;
    crypt::apply(&dst, key)?;
    {
        let backup = rusqlite::backup::Backup::new(src, &mut dst)?;
        step_to_end(&backup, partial)?;
    }
    // A backup is one self-contained file: no `-wal` beside it when it is read or carried.
    dst.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0))?;
    Ok(())
}

fn step_to_end(backup: &rusqlite::backup::Backup<'_, '_>, partial: &Path) -> Result<()> {
    let started = Instant::now();
    loop {
        match backup.step(1024)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            rusqlite::backup::StepResult::More => {}
            rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                if started.elapsed() > BUSY_LIMIT {
                    return Err(StoreError::Locked(partial.to_path_buf()));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {}
        }
    }
}

/// The folder automatic backups of `db` go to.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

fn stem(db: &Path) -> String {
    db.file_stem().unwrap_or_default().to_string_lossy().to_string()
}

/// Reads `村-20261121-093015[-merge][-2].db` back into when and why.
fn parse_name(stem: &str, name: &str) -> Option<(NaiveDateTime, Reason)> {
    let rest = name.strip_prefix(stem)?.strip_prefix('-')?.strip_suffix(".db")?;
    let made = NaiveDateTime::parse_from_str(rest.get(..15)?, "%Y%m%d-%H%M%S").ok()?;
    let tail = rest.get(15..)?.trim_start_matches('-');
    let code = tail.split('-').next().unwrap_or("");
    let reason = Reason::ALL.into_iter().find(|r| r.code() == code).unwrap_or(Reason::Daily);
    Some((made, reason))
}

/// Backups of `db` in its backup folder, newest first.
pub fn backups(db: &Path) -> Vec<BackupInfo> {
    let stem = stem(db);
    let mut found: Vec<BackupInfo> = std::fs::read_dir(backup_dir(db))
        .map(|rd| rd.filter_map(|e| e.ok()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".photos.db"))
        .filter_map(|e| {
            let (made, reason) = parse_name(&stem, &e.file_name().to_string_lossy())?;
            Some(BackupInfo { path: e.path(), made, size: e.metadata().ok()?.len(), reason })
        })
        .collect();
    found.sort_by(|a, b| b.made.cmp(&a.made).then_with(|| b.path.cmp(&a.path)));
    found
}

/// Paths of the backups of `db`, oldest first.
pub fn list_backups(db: &Path) -> Vec<PathBuf> {
    backups(db).into_iter().rev().map(|b| b.path).collect()
}

/// Makes a backup of the plain database `db` in its backup folder made before `reason`, then
/// prunes old ones.
pub fn backup_before(db: &Path, reason: Reason) -> Result<PathBuf> {
    backup_before_keyed(db, reason, None)
}

/// [`backup_before`] for a database that may be encrypted with `key`: the backup is encrypted
/// with it, and a copy of the key file is kept in the backup folder.
pub fn backup_before_keyed(db: &Path, reason: Reason, key: Option<&Key>) -> Result<PathBuf> {
    let dir = backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, &e))?;
    let base = format!("{}-{}-{}", stem(db), Local::now().format("%Y%m%d-%H%M%S"), reason.code());
    let mut to = dir.join(format!("{base}.db"));
    for n in 2.. {
        if !to.exists() {
            break;
        }
        to = dir.join(format!("{base}-{n}.db"));
    }
    copy_database_keyed(db, &to, key)?;
    if key.is_some() && !crypt::keyfile::backup_copy_of(db).is_file() {
        let file = crypt::keyfile::KeyFile::read(&crypt::keyfile::path_of(db))?;
        crypt::keyfile::save_backup_copy(db, &file)?;
    }
    prune(db, KEEP_BACKUPS);
    Ok(to)
}

/// A daily backup of `db` (made on start), old ones pruned keeping `keep` of those made
/// before something.
pub fn rotating_backup(db: &Path, keep: usize) -> Result<PathBuf> {
    rotating_backup_keyed(db, keep, None)
}

/// [`rotating_backup`] for a database that may be encrypted with `key`.
pub fn rotating_backup_keyed(db: &Path, keep: usize, key: Option<&Key>) -> Result<PathBuf> {
    let to = backup_before_keyed(db, Reason::Daily, key)?;
    prune(db, keep);
    Ok(to)
}

/// Deletes backups beyond the policy: daily ones beyond [`KEEP_DAILY`] days and [`KEEP_WEEKLY`]
/// weeks (the newest of each day and week kept), others beyond the newest `keep`.
pub fn prune(db: &Path, keep: usize) {
    let (mut days, mut weeks, mut others) = (Vec::new(), Vec::new(), 0);
    let week_of = |d: chrono::NaiveDate| (d.iso_week().year(), d.iso_week().week());
    for b in backups(db) {
        let (day, week) = (b.made.date(), week_of(b.made.date()));
        let kept = if b.reason != Reason::Daily {
            others += 1;
            others <= keep
        } else if days.len() < KEEP_DAILY || days.contains(&day) {
            let first = !days.contains(&day);
            if first {
                days.push(day);
            }
            first
        } else if weeks.len() < KEEP_WEEKLY && !weeks.contains(&week) && !days.iter().any(|d| week_of(*d) == week) {
            weeks.push(week);
            true
        } else {
            false
        };
        if !kept {
            let _ = std::fs::remove_file(&b.path);
            let _ = std::fs::remove_file(super::photo_path(&b.path));
        }
    }
}

/// Whether `db`'s newest daily backup is older than `max_age` (or missing).
pub fn backup_due(db: &Path, max_age: Duration) -> bool {
    backups(db)
        .into_iter()
        .find(|b| b.reason == Reason::Daily)
        .and_then(|b| std::fs::metadata(b.path).ok()?.modified().ok())
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age > max_age)
}

/// Checks that `file` is a plain zoufang database this build can open (a backup worth
/// restoring).
pub fn check_backup(file: &Path) -> Result<()> {
    check_backup_keyed(file, None)
}

/// [`check_backup`] for a backup that may be encrypted with `key`.
pub fn check_backup_keyed(file: &Path, key: Option<&Key>) -> Result<()> {
    let refuse = || StoreError::NotBackup(file.to_path_buf());
    if !file.is_file() {
        return Err(StoreError::io(file, &std::io::ErrorKind::NotFound.into()));
    }
    let key = key_for(file, key)?;
    if key.is_none() {
        super::check_header(file).map_err(|_| refuse())?;
    }
    match super::check_existing(file, key) {
        Ok(()) => {}
        Err(e @ (StoreError::Newer { .. } | StoreError::WrongPassword(_))) => return Err(e),
        Err(_) => return Err(refuse()),
    }
    let conn = open_read_only(file, key).map_err(|_| refuse())?;
    let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|_| refuse())?;
    let app: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'app'", [], |r| r.get(0)).ok();
    if ok != "ok" || app.as_deref() != Some(super::APP_MARKER) {
        return Err(refuse());
    }
    Ok(())
}

impl Store {
    /// Backs the open database up beside it, as asked by the user.
    pub fn backup(&self) -> Result<PathBuf> {
        backup_before_keyed(self.path(), Reason::Manual, self.key())
    }

    /// Backs the database up before `reason` (nothing for a database in memory).
    pub fn backup_before(&self, reason: Reason) -> Result<Option<PathBuf>> {
        if !self.path().is_file() {
            return Ok(None);
        }
        backup_before_keyed(self.path(), reason, self.key()).map(Some)
    }

    /// Replaces the whole database with the backup `from`, after backing the current state up
    /// (returned: restoring that one undoes this). The backup is checked first; a refused one
    /// changes nothing. An older backup is migrated as it is restored.
    pub fn restore(&mut self, from: &Path) -> Result<Option<PathBuf>> {
        check_backup_keyed(from, self.key())?;
        let before = self.backup_before(Reason::Restore)?;
        // A backup made before the password was set (or after it was removed) is converted to
        // this database's encryption first: pages copy only between files encrypted alike.
        let converted = crypt::with_suffix(self.path(), ".restoring");
        let photo_sources = photos::photo_sources(from);
        let from_key = key_for(from, self.key())?;
        let from = if from_key.is_some() != self.key.is_some() {
            crypt::convert::export(from, from_key, &converted, self.key.as_ref())?;
            converted.as_path()
        } else {
            from
        };
        let src = open_read_only(from, self.key.as_ref())?;
        {
            let backup = rusqlite::backup::Backup::new(&src, &mut self.conn)?;
            step_to_end(&backup, from)?;
        }
        drop(src);
        // Its pictures come back too: those the photo file lacks are added from the photo
        // backup (or the backup's own photo file, made by an earlier build). The pictures here
        // stay; unreferenced ones are harmless.
        for source in photo_sources {
            photos::attach_source(&self.conn, &source, key_for(&source, self.key.as_ref())?)?;
            let added = photos::add_missing(&mut self.conn, super::PHOTOS, photos::SOURCE);
            let _ = self.conn.execute(&format!("DETACH DATABASE {}", photos::SOURCE), []);
            added?;
        }
        let _ = std::fs::remove_file(&converted);
        self.writes += 1;
        self.prepare()?;
        self.device_id = self.claim_device_identity()?;
        Ok(before)
    }
}

#[cfg(test)]
mod tests;
