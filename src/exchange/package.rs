//! The village package (`村名-YYYY-MM.zfp`): one SQLite file holding one village's rows of every
//! travelling table, what its maker knew of other laptops, and a manifest (format version, source
//! device, village, time, row counts, checksum).
//!
//! A package is written into a hidden file beside the target and renamed into place only once it
//! is complete and on disk, so a half-written package never exists under its real name. On disk
//! the SQLite file travels compressed in a versioned envelope ([`container`]); plain SQLite
//! packages of earlier builds are still read. Opening one verifies it completely (envelope,
//! header, format, versions, row counts, checksum) before anything reads its rows.

mod container;

use super::digest::{CHECKSUM_KEY, KNOWLEDGE, MANIFEST, content_digest};
use super::error::ExchangeError;
use super::tables::{TABLES, column_names, key_list};
use crate::model::ids::now_stamp;
use crate::model::register::Village;
use crate::progress::Progress;
use crate::store::{SCHEMA_VERSION, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The file extension of village packages.
pub const EXTENSION: &str = "zfp";
/// The format marker in every package's manifest.
pub const FORMAT: &str = "zoufang-package";
/// The newest package format this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;

type Result<T> = std::result::Result<T, ExchangeError>;

/// What a package says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Package format version.
    pub format_version: i64,
    /// Schema version of the database it was made from.
    pub schema_version: i64,
    /// The device id of the laptop that made it.
    pub device_id: String,
    /// The name of that laptop (its host name; empty in packages of earlier builds).
    pub device_name: String,
    /// Who made it: the cadre chosen as 我是… there, with their role (empty if none was chosen).
    pub made_by: String,
    /// The village's id on that laptop.
    pub village_id: String,
    /// The village's name.
    pub village_name: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// Rows per travelling table, in the order of the tables.
    pub rows: Vec<(&'static str, i64)>,
    /// Hex SHA-256 over the content.
    pub checksum: String,
}

impl Manifest {
    /// The rows of one table.
    pub fn rows_of(&self, table: &str) -> i64 {
        self.rows.iter().find(|(t, _)| *t == table).map(|(_, n)| *n).unwrap_or(0)
    }

    fn entries(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("format".to_string(), FORMAT.to_string()),
            ("format_version".to_string(), self.format_version.to_string()),
            ("schema_version".to_string(), self.schema_version.to_string()),
            ("app_version".to_string(), env!("CARGO_PKG_VERSION").to_string()),
            ("device_id".to_string(), self.device_id.clone()),
            ("device_name".to_string(), self.device_name.clone()),
            ("made_by".to_string(), self.made_by.clone()),
            ("village_id".to_string(), self.village_id.clone()),
            ("village_name".to_string(), self.village_name.clone()),
            ("created_at".to_string(), self.created_at.clone()),
        ];
        out.extend(self.rows.iter().map(|(t, n)| (format!("rows.{t}"), n.to_string())));
        out
    }
}

/// The usual file name of a village's package made on `day`: `村名-YYYY-MM.zfp`.
pub fn default_file_name(village_name: &str, day: NaiveDate) -> String {
    format!("{}-{}.{EXTENSION}", safe_file_part(village_name), day.format("%Y-%m"))
}

/// `text` made fit for a file name on Windows: characters it forbids become `_`.
pub(super) fn safe_file_part(text: &str) -> String {
    let safe: String =
        text.chars().map(|c| if c.is_control() || r#"\/:*?"<>|"#.contains(c) { '_' } else { c }).collect();
    safe.trim().to_string()
}

/// The village to pack: the one named (or with this id), or the only one there is.
pub fn village_to_pack(store: &Store, wanted: Option<&str>) -> Result<Village> {
    if let Some(w) = wanted {
        return Ok(store.find_village(w)?);
    }
    let villages = store.villages()?;
    match villages.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(ExchangeError::NoVillage),
        _ => Err(ExchangeError::WhichVillage(villages.iter().map(Village::label).collect::<Vec<_>>().join("、"))),
    }
}

/// The table of a package holding the pictures of its attachments: thumbnails always, the full
/// pictures when the package was made with photos (包含照片原图). Packages of earlier builds
/// have none.
pub const PHOTO_BLOBS: &str = "photo_blobs";

/// Writes the package of the village `village_id` to `out` (replacing an older file there) and
/// returns its manifest. `progress` hears each table copied; cancelling leaves no file behind.
/// Photos travel as thumbnails; [`pack_with_photos`] carries the full pictures too.
pub fn pack(store: &Store, village_id: &str, out: &Path, progress: &Progress) -> Result<Manifest> {
    pack_sealed(store, village_id, out, None, false, progress)
}

/// [`pack`], carrying the full photos when `full_photos` (包含照片原图 / `pack --photos`).
pub fn pack_with_photos(
    store: &Store,
    village_id: &str,
    out: &Path,
    full_photos: bool,
    progress: &Progress,
) -> Result<Manifest> {
    pack_sealed(store, village_id, out, None, full_photos, progress)
}

/// [`pack`], sealed with `passphrase` when one is given (see [`container`]), carrying the full
/// photos when `full_photos`.
pub fn pack_sealed(
    store: &Store,
    village_id: &str,
    out: &Path,
    passphrase: Option<&str>,
    full_photos: bool,
    progress: &Progress,
) -> Result<Manifest> {
    let village = store.village(village_id)?.ok_or_else(|| ExchangeError::UnknownVillage(village_id.to_string()))?;
    let out = std::path::absolute(out).map_err(|e| ExchangeError::io(out, e))?;
    ExchangeError::check_folder(&out)?;
    let name = out.file_name().ok_or_else(|| ExchangeError::Io(out.clone(), "not a file name".into()))?;
    let partial = out.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    remove_if_present(&partial)?;
    let partial_text = partial.to_str().ok_or_else(|| ExchangeError::Io(partial.clone(), "not UTF-8".into()))?;
    let conn = store.conn();
    // Created owner-only before SQLite writes into it; `KEY ''`: the package file is plain even
    // when the database is encrypted (its envelope is what gets sealed).
    drop(crate::store::crypt::keyfile::create_owner_only(&partial).map_err(|e| ExchangeError::io(&partial, e))?);
    conn.execute("ATTACH DATABASE ?1 AS pkg KEY ''", [partial_text])?;
    let mut manifest = Manifest {
        format_version: FORMAT_VERSION,
        schema_version: SCHEMA_VERSION,
        device_id: store.device_id().to_string(),
        device_name: device_name(),
        made_by: made_by(store)?,
        village_id: village.id.clone(),
        village_name: village.name.clone(),
        created_at: now_stamp(),
        rows: Vec::new(),
        checksum: String::new(),
    };
    let filled = fill(conn, &mut manifest, full_photos, progress);
    let detached = conn.execute("DETACH DATABASE pkg", []);
    let wrapped = out.with_file_name(format!(".{}.wrapping", name.to_string_lossy()));
    let finished = filled.and(detached.map(|_| ()).map_err(ExchangeError::from)).and_then(|()| {
        container::wrap_sealed(&partial, &wrapped, passphrase)?;
        crate::store::owner_only(&wrapped);
        std::fs::rename(&wrapped, &out).map_err(|e| ExchangeError::io(&out, e))?;
        sync_folder(&out);
        Ok(())
    });
    let _ = std::fs::remove_file(&partial);
    if finished.is_err() {
        let _ = std::fs::remove_file(&wrapped);
    }
    finished.map(|()| manifest)
}

/// This laptop's name as people know it (the host name), or empty.
fn device_name() -> String {
    let from_env = ["COMPUTERNAME", "HOSTNAME"].iter().find_map(|v| std::env::var(v).ok());
    from_env.or_else(|| std::fs::read_to_string("/etc/hostname").ok()).map(|s| s.trim().to_string()).unwrap_or_default()
}

/// The cadre chosen as 我是… on this laptop, with their role: `张三（第一书记）`.
fn made_by(store: &Store) -> Result<String> {
    let Some(id) = store.setting(crate::store::Setting::Me)? else {
        return Ok(String::new());
    };
    Ok(store.cadre(&id)?.map(|c| format!("{}（{}）", c.name, c.role.code())).unwrap_or_default())
}

/// Whether the package at `path` is sealed with a passphrase.
pub fn is_sealed(path: &Path) -> Result<bool> {
    let mut head = Vec::with_capacity(16);
    let file = std::fs::File::open(path).map_err(|e| ExchangeError::io(path, e))?;
    file.take(16).read_to_end(&mut head).map_err(|e| ExchangeError::io(path, e))?;
    Ok(container::is_sealed(&head))
}

/// Copies the village's rows into the attached `pkg`, then writes knowledge and manifest.
fn fill(conn: &Connection, manifest: &mut Manifest, full_photos: bool, progress: &Progress) -> Result<()> {
    conn.pragma_update_and_check(Some("pkg"), "journal_mode", "DELETE", |r| r.get::<_, String>(0))?;
    let tx = conn.unchecked_transaction()?;
    for (i, t) in TABLES.iter().enumerate() {
        let name = t.name;
        if progress.cancelled() {
            return Err(StoreError::Cancelled.into());
        }
        progress.step(
            crate::i18n::tf("exchange.packing", &[("table", &super::tables::table_label(name))]),
            TABLES.len() as u64,
        );
        progress.set_done(i as u64);
        // Columns without a declared type keep every value exactly as stored; a composite key
        // (answers) makes a table without rowid, as in the database.
        let columns = column_names(&tx, name)?.join(", ");
        let rowid = if t.key.len() > 1 { " WITHOUT ROWID" } else { "" };
        tx.execute(&format!("CREATE TABLE pkg.{name} ({columns}, PRIMARY KEY ({})){rowid}", key_list(t)), [])?;
        let n = tx.execute(
            &format!("INSERT INTO pkg.{name} ({columns}) SELECT {columns} FROM main.{name} WHERE {}", t.of_village),
            [&manifest.village_id],
        )?;
        manifest.rows.push((name, n as i64));
    }
    super::audit::pack(&tx)?;
    if progress.cancelled() {
        return Err(StoreError::Cancelled.into());
    }
    progress.step(crate::i18n::t("exchange.packing_photos"), 1);
    tx.execute(
        &format!(
            "CREATE TABLE pkg.{PHOTO_BLOBS} (sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, thumb BLOB NOT NULL, full BLOB)"
        ),
        [],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO pkg.{PHOTO_BLOBS} SELECT sha256, mime, thumb, CASE WHEN ?1 THEN full END
               FROM {}.blobs WHERE sha256 IN (SELECT sha256 FROM pkg.attachments)",
            crate::store::PHOTOS
        ),
        [full_photos],
    )?;
    tx.execute(&format!("CREATE TABLE pkg.{KNOWLEDGE} (device_id TEXT PRIMARY KEY, up_to TEXT NOT NULL)"), [])?;
    tx.execute(
        &format!(
            "INSERT INTO pkg.{KNOWLEDGE} SELECT device_id, received_up_to FROM main.sync_state
              WHERE village_id = ?1 AND device_id <> ?2"
        ),
        params![manifest.village_id, manifest.device_id],
    )?;
    tx.execute(
        &format!("INSERT INTO pkg.{KNOWLEDGE} VALUES (?1, ?2)"),
        params![manifest.device_id, manifest.created_at],
    )?;
    tx.execute(&format!("CREATE TABLE pkg.{MANIFEST} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"), [])?;
    for (key, value) in manifest.entries() {
        tx.execute(&format!("INSERT INTO pkg.{MANIFEST} VALUES (?1, ?2)"), params![key, value])?;
    }
    manifest.checksum = content_digest(&tx, "pkg")?;
    tx.execute(&format!("INSERT INTO pkg.{MANIFEST} VALUES (?1, ?2)"), params![CHECKSUM_KEY, manifest.checksum])?;
    tx.commit()?;
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(ExchangeError::io(path, e)),
        _ => Ok(()),
    }
}

/// Makes the rename durable where the system allows syncing a folder.
fn sync_folder(file: &Path) {
    #[cfg(unix)]
    if let Some(dir) = file.parent() {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// A verified package, open read-only.
pub struct Package {
    conn: Connection,
    path: PathBuf,
    manifest: Manifest,
    knowledge: HashMap<String, String>,
    /// The unpacked SQLite file of an enveloped package, removed after the connection closes.
    unwrapped: Option<container::Unwrapped>,
}

impl Package {
    /// Opens and verifies the package at `path`; anything that is not a complete, intact package
    /// this build can read is refused with one sentence naming the file.
    pub fn open(path: &Path) -> Result<Package> {
        Package::open_sealed(path, None)
    }

    /// [`Package::open`] for a package that may be sealed: `passphrase` opens it.
    pub fn open_sealed(path: &Path, passphrase: Option<&str>) -> Result<Package> {
        let unwrapped = if is_enveloped(path)? { Some(container::unwrap_sealed(path, passphrase)?) } else { None };
        let db = unwrapped.as_ref().map_or(path, |u| u.path());
        check_header(db, path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(read_only_uri(db)?, flags).map_err(|e| damaged(path, e))?;
        check_schema(&conn, path)?;
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| damaged(path, e))?;
        if !tables.iter().any(|t| t == MANIFEST) {
            let marker: Option<String> = if tables.iter().any(|t| t == "meta") {
                conn.query_row("SELECT value FROM meta WHERE key = 'app'", [], |r| r.get(0)).optional().ok().flatten()
            } else {
                None
            };
            return Err(if marker.as_deref() == Some("zoufang") {
                ExchangeError::DatabaseNotPackage(path.to_path_buf())
            } else {
                ExchangeError::Foreign(path.to_path_buf())
            });
        }
        let manifest = read_manifest(&conn, path)?;
        let knowledge = conn
            .prepare(&format!("SELECT device_id, up_to FROM {KNOWLEDGE}"))
            .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(|e| damaged(path, e))?;
        for (table, expected) in &manifest.rows {
            let found: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| damaged(path, e))?;
            if found != *expected {
                return Err(ExchangeError::Damaged(
                    path.to_path_buf(),
                    crate::i18n::tf(
                        "exchange.err.row_count",
                        &[("table", table), ("expected", &expected.to_string()), ("found", &found.to_string())],
                    ),
                ));
            }
        }
        if content_digest(&conn, "main").map_err(|e| damaged(path, e))? != manifest.checksum {
            return Err(ExchangeError::Checksum(path.to_path_buf()));
        }
        Ok(Package { conn, path: path.to_path_buf(), manifest, knowledge, unwrapped })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the package says about itself.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A read-only `file:` URI of the package's SQLite file, to attach it to another connection.
    pub(super) fn sqlite_uri(&self) -> Result<String> {
        read_only_uri(self.unwrapped.as_ref().map_or(self.path.as_path(), |u| u.path()))
    }

    /// The read-only connection to the package.
    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// How far the maker had seen each laptop's rows of this village (its own: up to making it).
    pub(super) fn knew(&self, device: &str, stamp: &str) -> bool {
        self.knowledge.get(device).is_some_and(|up_to| up_to.as_str() >= stamp)
    }

    /// The knowledge rows, to add to this laptop's.
    pub(super) fn knowledge(&self) -> impl Iterator<Item = (&str, &str)> {
        self.knowledge.iter().map(|(d, t)| (d.as_str(), t.as_str()))
    }
}

/// Writes the package at `path` to `out` as a plain SQLite file (the uncompressed form older
/// builds wrote, which merge still reads), so tests can damage its pages by hand.
#[doc(hidden)]
pub fn unpack(path: &Path, out: &Path) -> Result<()> {
    if is_enveloped(path)? {
        let unwrapped = container::unwrap(path)?;
        std::fs::copy(unwrapped.path(), out).map_err(|e| ExchangeError::io(out, e))?;
    } else {
        std::fs::copy(path, out).map_err(|e| ExchangeError::io(out, e))?;
    }
    Ok(())
}

/// Edits the rows of the package at `path` with `sql` and recomputes its checksum (unpacking
/// and packing it again when compressed) — what a forger can do, so the tests of row validation
/// (and the fuzzers) do it too.
#[doc(hidden)]
pub fn forge(path: &Path, sql: &str) -> Result<()> {
    if is_enveloped(path)? {
        let unwrapped = container::unwrap(path)?;
        forge(unwrapped.path(), sql)?;
        return container::wrap(unwrapped.path(), path);
    }
    let conn = Connection::open(path).map_err(|e| damaged(path, e))?;
    conn.execute_batch(sql)?;
    check_schema(&conn, path)?;
    let digest = content_digest(&conn, "main")?;
    conn.execute(&format!("UPDATE {MANIFEST} SET value = ?1 WHERE key = ?2"), params![digest, CHECKSUM_KEY])?;
    Ok(())
}

/// Refuses, before any of its rows is read, a package whose schema holds anything but plain
/// tables (a view, trigger or virtual table runs code of the sender's choosing when read: a
/// recursive view never ends), a name or column name that is not UTF-8, or lacks a travelling
/// table.
fn check_schema(conn: &Connection, path: &Path) -> Result<()> {
    let refuse = |reason: String| ExchangeError::Damaged(path.to_path_buf(), reason);
    let unreadable = || refuse(crate::i18n::t("exchange.err.schema_name").to_string());
    let objects: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = conn
        .prepare("SELECT CAST(type AS BLOB), CAST(name AS BLOB), CAST(coalesce(sql, '') AS BLOB) FROM sqlite_master")
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
        .map_err(|e| damaged(path, e))?;
    let is_package = objects.iter().any(|(kind, name, _)| kind == b"table" && name == MANIFEST.as_bytes());
    if !is_package {
        // Not a package at all: the caller says which kind of file it is.
        return Ok(());
    }
    let mut tables = Vec::new();
    for (kind, name, sql) in objects {
        let (Ok(kind), Ok(name)) = (String::from_utf8(kind), String::from_utf8(name)) else {
            return Err(unreadable());
        };
        let sql = String::from_utf8_lossy(&sql).trim_start().to_ascii_uppercase();
        let refused = match kind.as_str() {
            "table" if sql.starts_with("CREATE VIRTUAL") => Some("exchange.kind.virtual"),
            "table" => {
                tables.push(name);
                continue;
            }
            "index" => continue,
            "view" => Some("exchange.kind.view"),
            _ => Some("exchange.kind.trigger"),
        };
        if let Some(key) = refused {
            let kind = crate::i18n::t(key).to_string();
            return Err(refuse(crate::i18n::tf("exchange.err.schema_object", &[("kind", &kind), ("name", &name)])));
        }
    }
    for t in TABLES.iter().map(|t| t.name).chain([KNOWLEDGE]) {
        if !tables.iter().any(|x| x == t) {
            return Err(refuse(crate::i18n::tf("exchange.err.schema_missing", &[("table", t)])));
        }
    }
    for t in &tables {
        let names: Vec<Vec<u8>> = conn
            .prepare("SELECT CAST(name AS BLOB) FROM pragma_table_info(?1)")
            .and_then(|mut st| st.query_map([t], |r| r.get(0))?.collect())
            .map_err(|e| damaged(path, e))?;
        if names.iter().any(|n| std::str::from_utf8(n).is_err()) {
            return Err(unreadable());
        }
    }
    Ok(())
}

fn damaged(path: &Path, e: rusqlite::Error) -> ExchangeError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => ExchangeError::NotPackage(path.to_path_buf()),
        _ => ExchangeError::Damaged(path.to_path_buf(), e.to_string()),
    }
}

fn read_manifest(conn: &Connection, path: &Path) -> Result<Manifest> {
    let entries: HashMap<String, String> = conn
        .prepare(&format!("SELECT key, value FROM {MANIFEST}"))
        .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(|e| damaged(path, e))?;
    let get = |key: &str| entries.get(key).cloned().unwrap_or_default();
    if get("format") != FORMAT {
        return Err(ExchangeError::Foreign(path.to_path_buf()));
    }
    let number = |key: &str| {
        get(key).parse::<i64>().map_err(|_| {
            ExchangeError::Damaged(path.to_path_buf(), crate::i18n::tf("exchange.err.manifest_entry", &[("key", key)]))
        })
    };
    let (format_version, schema_version) = (number("format_version")?, number("schema_version")?);
    for (found, known) in [(format_version, FORMAT_VERSION), (schema_version, SCHEMA_VERSION)] {
        if found > known {
            return Err(ExchangeError::Newer {
                path: path.to_path_buf(),
                found: found.to_string(),
                known: known.to_string(),
            });
        }
    }
    let rows =
        TABLES.iter().map(|t| number(&format!("rows.{}", t.name)).map(|n| (t.name, n))).collect::<Result<_>>()?;
    Ok(Manifest {
        format_version,
        schema_version,
        device_id: get("device_id"),
        device_name: get("device_name"),
        made_by: get("made_by"),
        village_id: get("village_id"),
        village_name: get("village_name"),
        created_at: get("created_at"),
        rows,
        checksum: get(CHECKSUM_KEY),
    })
}

/// Whether the file at `path` starts with the envelope of a compressed package.
fn is_enveloped(path: &Path) -> Result<bool> {
    let mut head = Vec::with_capacity(16);
    let file = std::fs::File::open(path).map_err(|e| ExchangeError::io(path, e))?;
    file.take(16).read_to_end(&mut head).map_err(|e| ExchangeError::io(path, e))?;
    Ok(container::is_enveloped(&head))
}

/// Refuses, before SQLite reads it, a file `db` that is not SQLite or is shorter than its header
/// says; errors name `path`, the package as the user knows it.
fn check_header(db: &Path, path: &Path) -> Result<()> {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let mut file = std::fs::File::open(db).map_err(|e| ExchangeError::io(path, e))?;
    let len = file.metadata().map_err(|e| ExchangeError::io(path, e))?.len();
    let mut head = Vec::with_capacity(100);
    file.by_ref().take(100).read_to_end(&mut head).map_err(|e| ExchangeError::io(path, e))?;
    if head.len() < MAGIC.len() || &head[..16] != MAGIC {
        return Err(ExchangeError::NotPackage(path.to_path_buf()));
    }
    if head.len() < 100 {
        return Err(ExchangeError::Truncated(path.to_path_buf()));
    }
    let be32 = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    // The page count in the header is valid when the "version-valid-for" number matches the
    // change counter (SQLite file format, section 1.3).
    let pages = u64::from(be32(28));
    if pages > 0 && be32(24) == be32(92) && len < pages * page_size {
        return Err(ExchangeError::Truncated(path.to_path_buf()));
    }
    Ok(())
}

/// A `file:` URI opening `path` read-only and immutable: nothing beside the file is created or
/// locked, so a package on a read-only USB stick opens too.
fn read_only_uri(path: &Path) -> Result<String> {
    let abs = std::path::absolute(path).map_err(|e| ExchangeError::io(path, e))?;
    let text = abs.to_str().ok_or_else(|| ExchangeError::Io(abs.clone(), "not UTF-8".into()))?;
    #[cfg(windows)]
    let text = text.replace('\\', "/");
    let mut uri = String::from(if text.starts_with('/') { "file://" } else { "file:///" });
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Ok(uri)
}

/// The SQLite file inside the package at `path`, as bytes (tests edit it and write it back as a
/// plain package, the format of earlier builds).
#[cfg(test)]
pub(crate) fn sqlite_bytes(path: &Path) -> Vec<u8> {
    let unwrapped = container::unwrap(path).expect("an enveloped package");
    std::fs::read(unwrapped.path()).expect("readable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_dated() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(default_file_name("杨家沟村", day), "杨家沟村-2026-11.zfp");
        assert_eq!(default_file_name("a/b:c", day), "a_b_c-2026-11.zfp");
    }

    #[test]
    fn uris_escape_what_sqlite_would_read_as_syntax() {
        let uri = read_only_uri(Path::new("/tmp/村 #1?.zfp")).unwrap();
        assert!(uri.starts_with("file:///tmp/%E6%9D%91%20%231%3F.zfp?mode=ro"), "{uri}");
    }
}
