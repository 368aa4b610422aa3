//! The local SQLite file: opening it safely, migrations, and one module per table group.
//!
//! Every write runs in one transaction. Opening refuses — without touching the file — anything
//! that is not a zoufang database, a database written by a newer zoufang, or one another running
//! zoufang holds.

mod attachments;
pub mod audit;
mod audit_answers;
pub mod audit_check;
pub mod backup;
mod cadres;
mod coverage;
pub mod crypt;
mod dashboard;
mod day;
mod drafts;
mod error;
mod households;
mod identity;
mod lock;
mod meta;
mod migrations;
mod month;
mod pins;
mod problems;
mod raw;
mod report;
mod review;
mod templates;
mod villages;
mod visits;

pub use attachments::{
    Added, AttachmentRow, NewEvidence, PHOTOS, PendingPhoto, PendingSignature, PeriodPhoto, photo_path,
};
pub use audit::AuditEntry;
pub use cadres::{AssignmentRow, CadreRow};
pub use crypt::{Key, RecoveryCode};
pub use dashboard::{
    Attendance, Coverage, Dashboard, GroupCounts, GroupTally, HouseholdRef, MonthPoint, PROPOSAL_DAYS, Pending,
    VillageFigures, VillageTally,
};
pub use error::{StoreError, io_reason};
pub use households::HouseholdRow;
pub use lock::owner_only;
pub use meta::Setting;
pub use migrations::SCHEMA_VERSION;
pub use month::{CadreMonth, MonthHousehold, MonthStatus, OVERDUE_DAYS, ProblemAnswer};
pub use pins::{LOCKOUT, MAX_TRIES, SIGNED_FOR, valid_pin};
pub use problems::{Histories, OpenProblem, ProblemEvent, ProblemRow, history};
pub use report::{Check, Summary};
pub use review::ReviewRow;
pub use templates::{TemplateRow, content_hash};
pub use visits::{Evidence, LedgerHousehold, VisitEntry, VisitRow};

use crate::model::ids::now_stamp;
use rusqlite::{Connection, OpenFlags, Transaction};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The marker every zoufang database carries in `meta.app`.
const APP_MARKER: &str = "zoufang";

/// An open zoufang database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    device_id: String,
    /// Held open while the store or one of its workers lives: its lock keeps a second zoufang out.
    lock: Option<Arc<File>>,
    /// Transactions this connection committed (see [`Store::revision`]).
    writes: u64,
    /// The data key of an encrypted database (`None`: a plain one), reused by workers and backups.
    key: Option<Key>,
    /// What this connection's audit triggers read (device, who is acting, on or off).
    audit: Arc<audit::AuditContext>,
    /// The approver signed in with their PIN, until when.
    signed: Option<pins::Signed>,
    /// Wrong PIN tries in a row.
    pin_tries: pins::Tries,
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// A read transaction held for [`Store::snapshot`]; ended when dropped.
pub struct Snapshot<'a> {
    _open: Option<Transaction<'a>>,
}

impl Store {
    /// Opens (creating if absent) the plain database at `path`, migrating it to the current
    /// schema. An encrypted one is refused with [`StoreError::PasswordNeeded`].
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, None)
    }

    /// Opens the encrypted database at `path` with its data key (see [`crypt::unlock`] to get
    /// it from a password). A plain file is opened plain; a key that does not fit is
    /// [`StoreError::WrongPassword`], the file untouched.
    pub fn open_keyed(path: &Path, key: &Key) -> Result<Store> {
        Store::open_with(path, Some(key))
    }

    fn open_with(path: &Path, key: Option<&Key>) -> Result<Store> {
        let existing = path.exists() && std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        if existing {
            if key.is_none()
                && crypt::file_kind(path)? == crypt::FileKind::Sealed
                && crypt::keyfile::find(path).is_none()
            {
                return Err(crypt::without_key(path));
            }
            check_writable(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, &e))?;
        }
        let mut lock = lock::take(path)?;
        // A password change killed midway is finished (or forgotten) before anything is read.
        if crypt::convert::recover(path)? {
            drop(lock);
            lock = lock::take(path)?;
        }
        let key = match (crypt::file_kind(path)?, key) {
            (crypt::FileKind::Plain, _) => None,
            (crypt::FileKind::New, key) => key.cloned(),
            (crypt::FileKind::Sealed, Some(key)) => Some(key.clone()),
            (crypt::FileKind::Sealed, None) if crypt::keyfile::find(path).is_some() => {
                return Err(StoreError::PasswordNeeded(path.to_path_buf()));
            }
            (crypt::FileKind::Sealed, None) => return Err(crypt::without_key(path)),
        };
        if existing {
            check_existing(path, key.as_ref())?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::from_open(path, e))?;
        crypt::apply(&conn, key.as_ref())?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            device_id: String::new(),
            lock: Some(Arc::new(lock)),
            writes: 0,
            key,
            audit: Default::default(),
            signed: None,
            pin_tries: Default::default(),
        };
        store.prepare()?;
        store.device_id = store.claim_device_identity()?;
        store.audit.set_device(&store.device_id);
        Ok(store)
    }

    /// Opens the database at `path`, which must already exist: what a command that only reads
    /// (or backs up) uses, so a mistyped path is said instead of creating an empty database.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(StoreError::NotFound(path.to_path_buf()));
        }
        Store::open(path)
    }

    /// A database in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
            device_id: String::new(),
            lock: None,
            writes: 0,
            key: None,
            audit: Default::default(),
            signed: None,
            pin_tries: Default::default(),
        };
        store.prepare()?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Every write statement compiles the audit triggers of its table into itself: with the
        // default 16 cached statements, a visit saved with its problems re-prepared its own
        // statements (40 % of making a demo went to SQLite's parser).
        self.conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        audit::register(&mut self.conn, &self.audit)?;
        self.migrate()?;
        self.attach_photos()?;
        self.device_id = self.ensure_device_id()?;
        self.audit.set_device(&self.device_id);
        audit::install(&self.conn, &self.audit)?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let current: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > 0 && current < SCHEMA_VERSION {
            self.backup_before(backup::Reason::Migration)?;
        }
        for (i, sql) in migrations::MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
            meta::put(&tx, "app", APP_MARKER)?;
            meta::put(&tx, "schema_version", &version.to_string())?;
            tx.commit()?;
        }
        Ok(())
    }

    /// A second connection to the same database for a background job, sharing this store's lock
    /// (a worker thread reads and writes while the window keeps drawing from this one).
    pub fn worker(&self) -> Result<Store> {
        let conn = Connection::open(&self.path).map_err(|e| StoreError::from_open(&self.path, e))?;
        crypt::apply(&conn, self.key.as_ref())?;
        let mut store = Store {
            conn,
            path: self.path.clone(),
            device_id: String::new(),
            lock: self.lock.clone(),
            writes: 0,
            key: self.key.clone(),
            audit: Default::default(),
            signed: None,
            pin_tries: Default::default(),
        };
        store.prepare()?;
        Ok(store)
    }

    /// A second connection for reading beside this one on another thread, as [`Store::worker`];
    /// `None` for a database in memory, which no other connection sees.
    pub fn reader(&self) -> Result<Option<Store>> {
        if self.path == Path::new(":memory:") { Ok(None) } else { self.worker().map(Some) }
    }

    /// One state of the database for every read through this connection until the snapshot is
    /// dropped: a long read (a township's ledger) sees no commit made meanwhile, and its thousands
    /// of statements share one read lock instead of taking one each. Nothing is begun when a
    /// transaction is already open on this connection.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        let open = if self.conn.is_autocommit() {
            let mut tx = self.conn.unchecked_transaction()?;
            // Committed, not rolled back, so that a write made meanwhile is never undone.
            tx.set_drop_behavior(rusqlite::DropBehavior::Commit);
            Some(tx)
        } else {
            None
        };
        Ok(Snapshot { _open: open })
    }

    /// The data revision: it moves whenever a transaction commits, through this connection or
    /// any other (a background job's, another program's). Whatever a screen caches remembers the
    /// revision it was read at and is read again when it moved.
    pub fn revision(&self) -> u64 {
        let others: i64 = self.conn.pragma_query_value(None, "data_version", |r| r.get(0)).unwrap_or(0);
        self.writes.wrapping_add(others as u64)
    }

    /// The path the database was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data key of an encrypted database (`None`: plain), for a job that opens its files.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// Whether the database is encrypted (has a password).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The photo file of the database at `db` (`zoufang.photos.db` for `zoufang.db`), encrypted
    /// with the database's key.
    pub fn photo_path(db: &Path) -> PathBuf {
        crypt::photo_path(db)
    }

    /// This laptop's device id (made on first start), written as `origin` on every row it changes.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Runs `f` in one transaction: all of its writes land, or none.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let w = Writer { tx, origin: self.device_id.clone(), stamp: now_stamp(), audit: self.audit.clone() };
        let value = f(&w)?;
        w.log_answers()?;
        w.tx.commit()?;
        self.writes += 1;
        Ok(value)
    }

    /// Read access for queries.
    fn db(&self) -> &Connection {
        &self.conn
    }
}

/// Prepared statements kept per connection (each write statement carries its compiled triggers).
const STATEMENT_CACHE: usize = 256;

/// An open write transaction with the stamp (`updated_at`) and origin its rows get.
pub struct Writer<'a> {
    tx: Transaction<'a>,
    origin: String,
    stamp: String,
    audit: Arc<audit::AuditContext>,
}

impl Writer<'_> {
    /// Logs the answers written so far in this transaction, one entry per visit (see
    /// [`audit_answers`]); [`Store::write`] does it before committing.
    pub(crate) fn log_answers(&self) -> Result<()> {
        Ok(audit_answers::log(&self.tx, &self.audit)?)
    }

    /// The `updated_at` written by this transaction.
    pub fn stamp(&self) -> &str {
        &self.stamp
    }

    /// Runs one statement through the connection's statement cache (writes repeat the same few
    /// statements thousands of times in an import or a merge).
    pub(crate) fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        Ok(self.tx.prepare_cached(sql)?.execute(params)?)
    }

    /// Reads at most one row through the statement cache.
    pub(crate) fn row<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        use rusqlite::OptionalExtension;
        Ok(self.tx.prepare_cached(sql)?.query_row(params, f).optional()?)
    }
}

fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = File::open(path).map_err(|e| StoreError::io(path, &e))?;
    let n = f.read(&mut head).map_err(|e| StoreError::io(path, &e))?;
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err(StoreError::NotDatabase(path.to_path_buf()));
    }
    Ok(())
}

/// A database this user may not write (the file or its folder read-only) is refused at once
/// with a sentence saying so, before SQLite is asked to write to it.
fn check_writable(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| StoreError::io(path, &e))?;
    if meta.permissions().readonly() {
        return Err(StoreError::ReadOnly(path.to_path_buf()));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if std::fs::metadata(dir).is_ok_and(|m| m.permissions().readonly()) || !lock::dir_writable(dir) {
        return Err(StoreError::ReadOnlyFolder(dir.to_path_buf()));
    }
    Ok(())
}

/// Reads an existing file read-only (with `key` when it is encrypted): is it a zoufang database
/// of a schema this build knows? A key that does not fit is [`StoreError::WrongPassword`].
fn check_existing(path: &Path, key: Option<&Key>) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| StoreError::from_open(path, e))?;
    crypt::apply(&conn, key)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
        .map_err(|e| match (key, e.sqlite_error_code()) {
            (Some(_), Some(rusqlite::ErrorCode::NotADatabase)) => StoreError::WrongPassword(path.to_path_buf()),
            _ => StoreError::from_open(path, e),
        })?;
    if tables == 0 {
        return Ok(());
    }
    let marker: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'app'", [], |r| r.get(0)).ok();
    if marker.as_deref() != Some(APP_MARKER) {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Newer { path: path.to_path_buf(), found: version, known: SCHEMA_VERSION });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
