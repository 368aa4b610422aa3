//! `zoufang bench`: the quality bars measured on synthetic township data, printed as medians,
//! 95th percentiles and ratios in one run, and with `--json FILE` written as one JSON object
//! (numbers in milliseconds unless the key names another unit). Never used by tests.

use crate::checklist::{Catalog, Context};
use crate::demo::{self, DemoOptions};
use crate::exchange::ledger::{self, Book, LedgerOptions, Period, Value};
use crate::exchange::merge::{self, Settlement};
use crate::exchange::package;
use crate::model::month::Month;
use crate::model::register::{Household, Member, Village};
use crate::model::visit::{Answer, Visit, VisitKind, YES};
use crate::store::Store;
use crate::ui::{App, HouseholdFilters, Page, Route, filter_rows, fonts};
use anyhow::Result;
use std::path::Path;
use std::time::{Duration, Instant};

mod photos;

/// What to measure on.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Households in the township (villages of 500).
    pub households: usize,
    /// Months of history.
    pub months: u32,
    /// Where to write every figure as JSON, if anywhere.
    pub json: Option<std::path::PathBuf>,
}

/// Every figure of one run by key, for `--json`.
#[derive(Default)]
struct Figures(serde_json::Map<String, serde_json::Value>);

impl Figures {
    /// A figure in milliseconds (or the unit its key names), to two decimals.
    fn set(&mut self, key: &str, value: f64) {
        self.0.insert(key.to_string(), serde_json::Value::from((value * 100.0).round() / 100.0));
    }

    /// A count.
    fn count(&mut self, key: &str, value: usize) {
        self.0.insert(key.to_string(), serde_json::Value::from(value));
    }

    /// A floor measured beside a figure, against the same `base`: sets `{key}_ms` and
    /// `{key}_ratio`, and returns what the bench prints of it.
    fn floor(&mut self, key: &str, what: &str, floor: Duration, base: Duration) -> String {
        let ratio = floor.as_secs_f64() / base.as_secs_f64();
        self.set(&format!("{key}_ms"), ms(floor));
        self.set(&format!("{key}_ratio"), ratio);
        format!("{what}: {:.1} ms, ratio {ratio:.2}", ms(floor))
    }

    /// A figure inside the object `key` (e.g. `frame_p95_ms` → screen → p95).
    fn nested(&mut self, key: &str, inner: &str, value: f64) {
        let entry = self.0.entry(key.to_string()).or_insert_with(|| serde_json::json!({}));
        if let Some(map) = entry.as_object_mut() {
            map.insert(inner.to_string(), serde_json::Value::from((value * 100.0).round() / 100.0));
        }
    }
}

/// Households per village in the bench township.
const VILLAGE_SIZE: usize = 500;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median and 95th percentile of some durations, in milliseconds.
fn median_p95(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| ms(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    (at(0.5), at(0.95))
}

/// Runs every measurement in a temporary folder and prints one line per figure.
pub fn run(opts: BenchOptions, today: chrono::NaiveDate) -> Result<()> {
    let dir = tempfile_dir()?;
    // Gigabytes of township and copies: the folder goes whether the run ends well or not.
    let measured = measure(&opts, &dir, today);
    let _ = std::fs::remove_dir_all(&dir);
    let fig = measured?;
    if let Some(path) = &opts.json {
        std::fs::write(path, serde_json::to_string_pretty(&serde_json::Value::Object(fig.0))?)?;
        say!("figures written to {}", path.display());
    }
    Ok(())
}

/// Every measurement, in the temporary folder `dir`.
fn measure(opts: &BenchOptions, dir: &Path, today: chrono::NaiveDate) -> Result<Figures> {
    let mut fig = Figures::default();
    fig.count("households", opts.households);
    fig.count("months", opts.months as usize);
    let db = dir.join("township.db");
    let villages = opts.households.div_ceil(VILLAGE_SIZE).max(1);
    let per_village = opts.households / villages;
    // Before the township is written: its gigabytes of dirty pages being flushed would slow the
    // commits measured here.
    bulk_insert(dir, today, &mut fig)?;
    let started = Instant::now();
    {
        let mut store = Store::open(&db)?;
        demo::generate(
            &mut store,
            &DemoOptions { villages, households: per_village, months: opts.months, seed: 1, today },
        )?;
    }
    say!(
        "demo: {villages} villages × {per_village} households, {} months: {:.0} ms",
        opts.months,
        ms(started.elapsed())
    );
    fig.set("demo_ms", ms(started.elapsed()));
    fig.count("villages", villages);

    search(&db, &mut fig)?;
    frames(&db, today, &mut fig, "")?;
    photos::township_with_photos(&db, dir, today, &mut fig)?;
    save_visits(&db, today, &mut fig)?;
    merge_vs_backup(&db, dir, &mut fig)?;
    ledger_vs_bare(&db, dir, today, opts.months, &mut fig)?;
    let peak = peak_rss_mb();
    say!("peak RSS of this run before the whole-period export: {peak:.0} MB");
    fig.set("peak_rss_mb", peak);
    export_all(&db, dir, today, opts.months, &mut fig)?;
    merge_all(&db, dir, &mut fig)?;
    Ok(fig)
}

/// Removes a database the bench no longer needs, with its WAL files and photo file: a township
/// and its copies are gigabytes, and the temporary folder must not fill the disk.
fn remove_database(db: &Path) {
    for path in [db.to_path_buf(), crate::store::photo_path(db)] {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("zoufang-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The store's household writes against raw rusqlite inserts of the same rows (one demo village).
fn bulk_insert(dir: &Path, today: chrono::NaiveDate, fig: &mut Figures) -> Result<()> {
    let db = dir.join("bulk-source.db");
    let mut source = Store::open(&db)?;
    demo::generate(&mut source, &DemoOptions { villages: 1, households: VILLAGE_SIZE, months: 1, seed: 2, today })?;
    let village = source.villages()?.remove(0);
    let ids: Vec<String> = source.household_rows(Some(&village.id))?.into_iter().map(|r| r.id).collect();
    let data: Vec<(Household, Vec<Member>)> = ids
        .iter()
        .filter_map(|id| source.household(id).ok().flatten())
        .map(|(h, m)| (Household { group_id: None, ..h }, m))
        .collect();
    let people: usize = data.iter().map(|(_, m)| m.len()).sum();

    let store_db = dir.join("bulk-store.db");
    let mut store = Store::open(&store_db)?;
    let mut v = village.clone();
    store.write(|w| w.save_village(&mut v))?;
    let mut rows = data.clone();
    let t = Instant::now();
    store.write(|w| {
        for (h, members) in rows.iter_mut() {
            w.save_household(h, members, today)?;
        }
        Ok(())
    })?;
    let store_time = t.elapsed();

    // The same rows by bare INSERTs: on a plain connection (the floor), and on the store's own
    // connection, whose triggers write each row's log entry (the floor with the audit log).
    let raw_db = dir.join("bulk-raw.db");
    drop(Store::open(&raw_db)?);
    let mut conn = rusqlite::Connection::open(&raw_db)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let raw_time = bare_inserts(&mut conn, &village, &data)?;
    let mut logged = Store::open(&dir.join("bulk-logged.db"))?;
    let logged_time = bare_inserts(logged.conn_mut(), &village, &data)?;
    let ratio = store_time.as_secs_f64() / raw_time.as_secs_f64();
    let floor = fig.floor("bulk_logged_floor", "raw inserts logged by the store's triggers", logged_time, raw_time);
    say!(
        "bulk insert of {} households / {people} members: store {:.1} ms vs raw rusqlite {:.1} ms — ratio {ratio:.2} \
         ({floor})",
        data.len(),
        ms(store_time),
        ms(raw_time),
    );
    fig.set("bulk_store_ms", ms(store_time));
    fig.set("bulk_raw_ms", ms(raw_time));
    fig.set("bulk_ratio", ratio);
    Ok(())
}

/// The village, households and members inserted by bare prepared statements in one
/// transaction on `conn`; how long it took.
fn bare_inserts(
    conn: &mut rusqlite::Connection,
    village: &Village,
    data: &[(Household, Vec<Member>)],
) -> Result<Duration> {
    let t = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut v_ins = tx.prepare("INSERT INTO villages(id, name, updated_at, origin) VALUES (?1, ?2, '', '')")?;
        v_ins.execute(rusqlite::params![village.id, village.name])?;
        let mut h_ins = tx.prepare(
            "INSERT INTO households(id, village_id, code, head_name, phone, address, created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', '', '')",
        )?;
        let mut m_ins = tx.prepare(
            "INSERT INTO members(id, household_id, name, id_number, relation, health, labour, schooling, work, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', '')",
        )?;
        for (h, members) in data {
            h_ins.execute(rusqlite::params![h.id, village.id, h.code, h.head_name, h.phone, h.address])?;
            for m in members {
                m_ins.execute(rusqlite::params![
                    m.id,
                    h.id,
                    m.name,
                    m.id_number,
                    m.relation.code(),
                    m.health.code(),
                    m.labour.code(),
                    m.schooling.code(),
                    m.work.code()
                ])?;
            }
        }
    }
    tx.commit()?;
    Ok(t.elapsed())
}

/// Search-as-you-type over every household of the township.
fn search(db: &Path, fig: &mut Figures) -> Result<()> {
    let store = Store::open(db)?;
    let t = Instant::now();
    let rows = store.household_rows(None)?;
    say!("load {} household rows with search keys: {:.1} ms", rows.len(), ms(t.elapsed()));
    fig.set("search_load_ms", ms(t.elapsed()));
    let mut worst: f64 = 0.0;
    for typed in ["z", "zs", "zhangs", "王", "1234", "6102020"] {
        let filters = HouseholdFilters { search: typed.to_string(), ..HouseholdFilters::default() };
        let mut samples = Vec::new();
        let mut hits = 0;
        for _ in 0..21 {
            let t = Instant::now();
            hits = filter_rows(&rows, &filters).len();
            samples.push(t.elapsed());
        }
        let (median, p95) = median_p95(samples);
        say!("search {typed:>8}: median {median:.2} ms, p95 {p95:.2} ms ({hits} hits)");
        fig.nested("search_p95_by_query_ms", typed, p95);
        worst = worst.max(p95);
    }
    fig.set("search_p95_ms", worst);
    Ok(())
}

/// Cold start and frame times of the main screens, built headless with the real fonts.
/// Frame times of the main screens on `db`; figures go under `frame_p95_ms{suffix}` and
/// `frame_median_ms{suffix}`.
fn frames(db: &Path, today: chrono::NaiveDate, fig: &mut Figures, suffix: &str) -> Result<()> {
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1366.0, 768.0))),
        ..Default::default()
    };
    let household = Store::open(db)?.household_rows(None)?.into_iter().find(|r| r.cadre_id.is_some()).map(|r| r.id);
    let household = household.unwrap_or_default();
    let t = Instant::now();
    let mut app = App::new(Store::open(db), today);
    let out = ctx.run_ui(input(), |ui| app.ui(ui));
    settle_textures(out.textures_delta);
    let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    say!("cold start{suffix} (open database, first frame of {:?}): {:.0} ms", app.page(), ms(t.elapsed()));
    fig.set(&format!("cold_start_ms{suffix}"), ms(t.elapsed()));
    for page in [
        Page::Dashboard,
        Page::Households,
        Page::Ledger,
        Page::ThisMonth,
        Page::Review,
        Page::HouseholdDetail,
        Page::VisitForm,
    ] {
        match page {
            Page::HouseholdDetail => app.show(Route::Household(household.clone())),
            Page::VisitForm => app.show(Route::NewVisit {
                household: household.clone(),
                back: Box::new(Route::Household(household.clone())),
            }),
            _ => app.go(page),
        }
        for _ in 0..3 {
            settle_textures(ctx.run_ui(input(), |ui| app.ui(ui)).textures_delta);
        }
        let mut samples = Vec::new();
        for _ in 0..60 {
            let t = Instant::now();
            let out = ctx.run_ui(input(), |ui| app.ui(ui));
            settle_textures(out.textures_delta);
            let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
            samples.push(t.elapsed());
        }
        let (median, p95) = median_p95(samples);
        say!("frame{suffix} {page:?}: median {median:.2} ms, p95 {p95:.2} ms (build + tessellate)");
        fig.nested(&format!("frame_p95_ms{suffix}"), &format!("{page:?}"), p95);
        fig.nested(&format!("frame_median_ms{suffix}"), &format!("{page:?}"), median);
    }
    Ok(())
}

/// Texture uploads a renderer would make; there is none here (a debug build asserts that
/// none is dropped unhandled).
fn settle_textures(mut delta: egui::TexturesDelta) {
    delta.clear();
}

/// Saving a whole monthly visit (every item answered) in its own transaction, fsync included.
fn save_visits(db: &Path, today: chrono::NaiveDate, fig: &mut Figures) -> Result<()> {
    let mut store = Store::open(db)?;
    let (template_id, template) = Catalog::default().current(&store, VisitKind::Monthly)?;
    let rows: Vec<_> = store.household_rows(None)?.into_iter().filter(|r| r.cadre_id.is_some()).take(50).collect();
    let mut samples = Vec::new();
    for r in &rows {
        let mut visit =
            Visit::new(&r.id, r.cadre_id.as_deref().unwrap_or_default(), today, VisitKind::Monthly, &template_id);
        visit.answers = template
            .items
            .iter()
            .map(|i| Answer { item: i.code.clone(), value: YES.to_string(), ..Answer::default() })
            .collect();
        template.score(&mut visit, Context { threshold: 4000.0, members: r.members });
        let t = Instant::now();
        store.save_visit(&mut visit, today)?;
        samples.push(t.elapsed());
    }
    let (median, p95) = median_p95(samples);
    say!(
        "save a visit ({} answers, one transaction with fsync): median {median:.2} ms, p95 {p95:.2} ms",
        template.items.len()
    );
    fig.set("save_visit_median_ms", median);
    fig.set("save_visit_p95_ms", p95);
    Ok(())
}

/// Packing one village and merging its package, against an SQLite backup copy of the database
/// the merge made; then the monthly case: merging it again into the whole township.
fn merge_vs_backup(db: &Path, dir: &Path, fig: &mut Figures) -> Result<()> {
    let file = dir.join("village.zfp");
    let (rows, pack_time) = {
        let township = Store::open(db)?;
        let village = township.villages()?.remove(0);
        let t = Instant::now();
        let manifest = package::pack(&township, &village.id, &file, &crate::progress::Progress::none())?;
        (manifest.rows.iter().map(|(_, n)| n).sum::<i64>(), t.elapsed())
    };
    let mb = std::fs::metadata(&file)?.len() as f64 / 1_048_576.0;
    say!("pack one village ({rows} rows): {:.0} ms, {mb:.1} MB on disk", ms(pack_time));
    fig.set("pack_ms", ms(pack_time));
    fig.count("package_rows", rows as usize);
    fig.set("package_mb_per_village", mb);
    let merged = dir.join("merged.db");
    let merge_time = {
        let mut store = Store::open(&merged)?;
        let t = Instant::now();
        merge::merge(&mut store, std::slice::from_ref(&file), &Settlement::newest())?;
        t.elapsed()
    };
    let t = Instant::now();
    {
        let src = rusqlite::Connection::open(&merged)?;
        let mut dst = rusqlite::Connection::open(dir.join("merged-copy.db"))?;
        rusqlite::backup::Backup::new(&src, &mut dst)?.step(-1)?;
    }
    let backup_time = t.elapsed();
    remove_database(&merged);
    remove_database(&dir.join("merged-copy.db"));
    let what = "bare INSERT … SELECT of its tables, no checks and no log";
    let floor = fig.floor("merge_floor", what, merge_floor(&file, dir)?, backup_time);
    let ratio = merge_time.as_secs_f64() / backup_time.as_secs_f64();
    say!(
        "merge that package into an empty database: {:.0} ms vs SQLite backup copy of the result {:.0} ms — ratio \
         {ratio:.1} ({floor})",
        ms(merge_time),
        ms(backup_time),
    );
    fig.set("merge_ms", ms(merge_time));
    fig.set("merge_backup_ms", ms(backup_time));
    fig.set("merge_ratio", ratio);
    let mut township = Store::open(db)?;
    let t = Instant::now();
    let report = merge::merge(&mut township, &[file], &Settlement::newest())?;
    say!(
        "merge it again into the township (all {} rows unchanged): {:.0} ms",
        report.totals().unchanged,
        ms(t.elapsed())
    );
    fig.set("remerge_unchanged_ms", ms(t.elapsed()));
    // The copy of the township the merge made first (its way back).
    let _ = std::fs::remove_dir_all(dir.join("backups"));
    Ok(())
}

/// The floor under a merge: the package's rows copied into an empty database of this schema by
/// bare `INSERT … SELECT`, one statement per table in one transaction: no verification, no
/// matching, no log, no backup.
fn merge_floor(file: &Path, dir: &Path) -> Result<Duration> {
    let unpacked = dir.join("floor-package.sqlite");
    package::unpack(file, &unpacked)?;
    let empty = dir.join("floor.db");
    drop(Store::open(&empty)?);
    let conn = rusqlite::Connection::open(&empty)?;
    conn.execute("ATTACH DATABASE ?1 AS p KEY ''", [unpacked.to_string_lossy()])?;
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM p.sqlite_master WHERE type = 'table' AND name NOT LIKE 'package%'
               AND name IN (SELECT name FROM main.sqlite_master WHERE type = 'table') ORDER BY rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let t = Instant::now();
    conn.execute_batch("BEGIN")?;
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1, 'p')")?
            .query_map([table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let list = columns.join(", ");
        conn.execute(&format!("INSERT INTO main.{table} ({list}) SELECT {list} FROM p.{table}"), [])?;
    }
    conn.execute_batch("COMMIT")?;
    let took = t.elapsed();
    drop(conn);
    remove_database(&empty);
    let _ = std::fs::remove_file(&unpacked);
    Ok(took)
}

/// The ledgers of one village over all its months: reading the rows and writing the formatted
/// workbook, against a bare rust_xlsxwriter write of the same cells (same strings and numbers,
/// no formats, widths, heights or page set-up). Medians of five runs.
fn ledger_vs_bare(db: &Path, dir: &Path, today: chrono::NaiveDate, months: u32, fig: &mut Figures) -> Result<()> {
    let store = Store::open(db)?;
    let village = store.villages()?.remove(0);
    let from = Month::of(today).first_day() - chrono::Months::new(months);
    let opts = LedgerOptions {
        period: Period::range(from, today)?,
        village_id: Some(village.id),
        full_ids: false,
        today,
        exported_at: chrono::Local::now().naive_local(),
    };
    let (mut build, mut write, mut bare, mut export) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut book = None;
    for _ in 0..5 {
        let t = Instant::now();
        ledger::export(&store, &opts, &dir.join("ledger-export.xlsx"), &crate::progress::Progress::none())?;
        export.push(t.elapsed());
        let t = Instant::now();
        let b = ledger::build(&store, &opts)?;
        build.push(t.elapsed());
        let t = Instant::now();
        ledger::write(&b, &dir.join("ledger.xlsx"))?;
        write.push(t.elapsed());
        let t = Instant::now();
        bare_xlsx(&b, &dir.join("bare.xlsx"))?;
        bare.push(t.elapsed());
        book = Some(b);
    }
    let book = book.expect("five runs");
    let cells: usize = book.sheets.iter().flat_map(|s| &s.tables).map(|t| t.rows.len() * t.columns.len()).sum();
    let (build, write, bare) = (median_p95(build).0, median_p95(write).0, median_p95(bare).0);
    let export = median_p95(export).0;
    say!(
        "ledger export of one village ({} visits, {} problems, {cells} cells): streamed read + write {export:.0} ms \
         vs bare rust_xlsxwriter write of the same cells {bare:.0} ms — ratio {:.2} (read into memory {build:.0} ms, \
         then written {write:.0} ms)",
        book.sheets[0].tables[0].rows.len(),
        book.sheets[2].tables[0].rows.len(),
        export / bare,
    );
    fig.set("ledger_export_ms", export);
    fig.set("ledger_read_ms", build);
    fig.set("ledger_write_ms", write);
    fig.set("ledger_bare_ms", bare);
    fig.set("ledger_ratio", export / bare);
    fig.count("ledger_visits", book.sheets[0].tables[0].rows.len());
    fig.count("ledger_cells", cells);
    Ok(())
}

/// The ledger of every village over the whole period as one workbook: its time and its peak
/// resident memory.
fn export_all(db: &Path, dir: &Path, today: chrono::NaiveDate, months: u32, fig: &mut Figures) -> Result<()> {
    let from = Month::of(today).first_day() - chrono::Months::new(months);
    let out = dir.join("all.xlsx");
    let t = Instant::now();
    let peak = export_everything(db, from, today, &out)?;
    let took = t.elapsed();
    let visits = Store::open(db)?.visit_order(None, from, today)?.0.len();
    say!(
        "ledger export of every village over {months} months ({visits} visits) by `export-ledger --all-villages` in \
         a process of its own: {:.0} ms, peak RSS {peak:.0} MB",
        ms(took)
    );
    fig.set("export_24m_ms", ms(took));
    fig.set("export_24m_peak_rss_mb", peak);
    let _ = std::fs::remove_file(out);
    Ok(())
}

/// Writes every village's ledger of `from..=to` to `out` as a user does, by `zoufang
/// export-ledger` in a process of its own, and returns that process's peak resident memory in
/// MB. Measured in this process, the peak would include what the bench's earlier steps left
/// allocated (40 MB and more); so would `getrusage(RUSAGE_CHILDREN)`, since Linux carries the
/// parent's peak into a child that shared its memory until `exec`. The child's own high-water
/// mark is read while it runs instead (it only grows; 10 ms may go unseen at its end).
#[cfg(target_os = "linux")]
fn export_everything(db: &Path, from: chrono::NaiveDate, to: chrono::NaiveDate, out: &Path) -> Result<f64> {
    use std::io::Read;
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .arg("--db")
        .arg(db)
        .args(["export-ledger", "--all-villages", "--from", &from.to_string(), "--to", &to.to_string(), "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak: f64 = 0.0;
    let done = loop {
        peak = peak.max(vm_hwm_mb(&status));
        if let Some(done) = child.try_wait()? {
            break done;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let said = said.join().unwrap_or_default();
    anyhow::ensure!(done.success(), "export-ledger: {}", said.trim());
    Ok(peak)
}

/// Elsewhere, in this process ([`peak_rss_mb`] is 0 there).
#[cfg(not(target_os = "linux"))]
fn export_everything(db: &Path, from: chrono::NaiveDate, to: chrono::NaiveDate, out: &Path) -> Result<f64> {
    let opts = LedgerOptions {
        period: Period::range(from, to)?,
        village_id: None,
        full_ids: false,
        today: to,
        exported_at: chrono::Local::now().naive_local(),
    };
    ledger::export(&Store::open(db)?, &opts, out, &crate::progress::Progress::none())?;
    Ok(peak_rss_mb())
}

/// Packing every village, then merging all the packages into an empty database, against an
/// SQLite backup copy of the database the merge made.
fn merge_all(db: &Path, dir: &Path, fig: &mut Figures) -> Result<()> {
    let township = Store::open(db)?;
    let t = Instant::now();
    let mut files = Vec::new();
    for (i, v) in township.villages()?.iter().enumerate() {
        let file = dir.join(format!("village-{i}.zfp"));
        package::pack(&township, &v.id, &file, &crate::progress::Progress::none())?;
        files.push(file);
    }
    let pack_time = t.elapsed();
    drop(township);
    let merged = dir.join("merged-all.db");
    let merge_time = {
        let mut store = Store::open(&merged)?;
        let t = Instant::now();
        merge::merge(&mut store, &files, &Settlement::newest())?;
        t.elapsed()
    };
    let t = Instant::now();
    {
        let src = rusqlite::Connection::open(&merged)?;
        let mut dst = rusqlite::Connection::open(dir.join("merged-all-copy.db"))?;
        rusqlite::backup::Backup::new(&src, &mut dst)?.step(-1)?;
    }
    let backup_time = t.elapsed();
    remove_database(&merged);
    remove_database(&dir.join("merged-all-copy.db"));
    say!(
        "pack all {} villages: {:.0} ms; merge them into an empty database: {:.0} ms vs SQLite backup copy {:.0} ms — \
         ratio {:.1} (pack {:.1})",
        files.len(),
        ms(pack_time),
        ms(merge_time),
        ms(backup_time),
        merge_time.as_secs_f64() / backup_time.as_secs_f64(),
        pack_time.as_secs_f64() / backup_time.as_secs_f64()
    );
    fig.set("pack_all_ms", ms(pack_time));
    fig.set("merge_all_ms", ms(merge_time));
    fig.set("merge_all_backup_ms", ms(backup_time));
    fig.set("merge_all_ratio", merge_time.as_secs_f64() / backup_time.as_secs_f64());
    fig.set("pack_all_ratio", pack_time.as_secs_f64() / backup_time.as_secs_f64());
    Ok(())
}

/// The cells of a ledger written with no formatting at all (dates as their serial numbers), zipped
/// as the ledger is.
fn bare_xlsx(book: &Book, path: &Path) -> Result<()> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    let mut workbook = crate::exchange::ledger::new_workbook();
    for sheet in &book.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name)?;
        ws.write_string(0, 0, &sheet.title)?;
        let mut row = 1;
        for table in &sheet.tables {
            if let Some(caption) = &table.caption {
                ws.write_string(row, 0, caption)?;
                row += 1;
            }
            for (col, c) in table.columns.iter().enumerate() {
                ws.write_string(row, col as u16, &c.header)?;
            }
            row += 1;
            for cells in &table.rows {
                for (col, cell) in cells.iter().enumerate() {
                    let col = col as u16;
                    match &cell.value {
                        Value::Empty => {}
                        Value::Text(s) => _ = ws.write_string(row, col, s)?,
                        Value::Int(n) => _ = ws.write_number(row, col, *n as f64)?,
                        Value::Number(n) | Value::Percent(n) => _ = ws.write_number(row, col, *n)?,
                        Value::Date(d) => _ = ws.write_number(row, col, (*d - epoch).num_days() as f64)?,
                    }
                }
                row += 1;
            }
        }
    }
    workbook.save(path)?;
    Ok(())
}

/// The peak resident set size of this process in MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    vm_hwm_mb("/proc/self/status")
}

/// The peak resident set size (`VmHWM`) in MB that the process status file `status` gives; 0
/// when there is none (not Linux, or the process has ended).
fn vm_hwm_mb(status: &str) -> f64 {
    let kb = std::fs::read_to_string(status).ok().and_then(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    kb.unwrap_or(0) as f64 / 1024.0
}
