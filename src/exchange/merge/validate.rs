//! Row-by-row checks of what a package brings, run before the merge writes anything: the same
//! rules the app's own forms keep (ID numbers, dates, closed lists, lengths, required names),
//! times not in the future beyond a day of clock skew, and references to rows that exist in the
//! package or in this database. A package with invalid rows is refused, naming the first few
//! with table, row and field; the database is not touched.
//!
//! The rules of a table are one SQL scan over the package's read-only connection (row
//! positions are computed only for the few rows listed), so a 300,000-row package is checked
//! in one pass per table; ID numbers (a checksum) are checked row
//! by row in Rust.
//!
//! Photos and signatures are bounded too: who signed, how many strokes and points a signature
//! has, a file name (no path separators or control characters), sizes and dimensions; the
//! pictures themselves are checked in [`pictures`] before any is decoded or stored.

use super::super::error::ExchangeError;
use super::super::package::Package;
use super::super::tables::{ANSWERS, TABLES, Table, column_names};
use crate::i18n::{t, tf};
use crate::model::attachment::AttachmentKind;
use crate::model::coded::{Category, Health, Labour, PovertyCause, Relation, Role, Schooling, Work};
use crate::model::id_number::IdNumber;
use crate::model::ledger::Status;
use crate::model::visit::{ReviewStatus, VisitKind};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use rusqlite::types::Value;

/// How many invalid values are listed in the refusal.
const SHOWN: usize = 5;
/// Clock skew allowed between laptops: stamps up to a day ahead are accepted.
const SKEW_DAYS: i64 = 1;
/// The longest name (household head, member, cadre, village, group).
const NAME_CHARS: i64 = 50;
/// The longest free text (notes, measures, descriptions).
const TEXT_CHARS: i64 = 20_000;

mod pictures;

/// The MIME types of stored pictures (photos are JPEG, signatures PNG; WebP allowed for kin).
const PICTURE_MIMES: &[&str] = &["image/jpeg", "image/png", "image/webp"];
/// The longest file name a photo keeps (as it was added).
const FILE_NAME_CHARS: i64 = 255;
/// The longest strokes text of a signature (JSON).
const STROKES_CHARS: i64 = 1_000_000;

/// One invalid value found.
struct Bad {
    table: &'static str,
    row: i64,
    label: String,
    field: String,
    reason: String,
}

/// What one rule finds wrong with a column.
enum Rule {
    /// Not NULL, not empty, and at most this many characters.
    Required(i64),
    /// Text (or NULL when `nullable`) of at most this many characters.
    Text(i64),
    /// A date `YYYY-MM-DD` (NULL allowed when `nullable`), not after today + skew when `past`.
    Date { nullable: bool, past: bool },
    /// An RFC 3339 time (NULL allowed when `nullable`), never in the future beyond the skew.
    Stamp { nullable: bool },
    /// One of the codes (NULL allowed when `nullable`).
    Code { codes: Vec<&'static str>, nullable: bool },
    /// A finite number (NULL allowed when `nullable`).
    Number { nullable: bool },
    /// A whole number from 0 to `max`.
    Count { max: i64 },
    /// A hex SHA-256: 64 digits 0-9a-f.
    Hash,
    /// A file name of at most this many characters, with no path separator (`/`, `\`, `:`), no
    /// control character and not `.` or `..`.
    FileName(i64),
    /// A signature's strokes (JSON; empty for a photo) within the pad's bounds.
    Strokes,
}

fn codes<T: crate::model::coded::Coded>(all: &'static [T]) -> Vec<&'static str> {
    all.iter().map(|c| c.code()).collect()
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Rule {
    /// An SQL condition true when `c` breaks the rule, and the reason said.
    fn condition(&self, c: &str, today: &str, now: &str) -> (String, String) {
        let null_ok = |nullable: bool| if nullable { format!("{c} IS NOT NULL AND ") } else { String::new() };
        match self {
            Rule::Required(n) => (
                format!("typeof({c}) <> 'text' OR trim({c}) = '' OR length({c}) > {n}"),
                format!("{}/{}", t("exchange.bad.required"), tf("exchange.bad.length", &[("n", &n.to_string())])),
            ),
            Rule::Text(n) => (
                format!("{c} IS NOT NULL AND (typeof({c}) <> 'text' OR length({c}) > {n})"),
                tf("exchange.bad.length", &[("n", &n.to_string())]),
            ),
            Rule::Date { nullable, past } => {
                let future = if *past {
                    format!(" OR {c} > date({}, '+{SKEW_DAYS} day')", sql_text(today))
                } else {
                    String::new()
                };
                (
                    format!(
                        "{}(typeof({c}) <> 'text' OR {c} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' OR date({c}) IS NOT {c}{future})",
                        null_ok(*nullable)
                    ),
                    format!(
                        "{}{}",
                        t("exchange.bad.date"),
                        if *past { format!("/{}", t("exchange.bad.future")) } else { String::new() }
                    ),
                )
            }
            Rule::Stamp { nullable } => (
                format!(
                    "{}(typeof({c}) <> 'text' OR length({c}) > 40 OR julianday({c}) IS NULL OR julianday({c}) > julianday({}) + {SKEW_DAYS})",
                    null_ok(*nullable),
                    sql_text(now)
                ),
                format!("{}/{}", t("exchange.bad.stamp"), t("exchange.bad.future")),
            ),
            Rule::Code { codes, nullable } => {
                let list: Vec<String> = codes.iter().map(|s| sql_text(s)).collect();
                (
                    format!("{}({c} NOT IN ({}))", null_ok(*nullable), list.join(", ")),
                    t("exchange.bad.code").to_string(),
                )
            }
            Rule::Number { nullable } => (
                format!("{}(typeof({c}) NOT IN ('integer', 'real') OR abs({c}) > 1e15)", null_ok(*nullable)),
                t("exchange.bad.number").to_string(),
            ),
            Rule::Count { max } => (
                format!("typeof({c}) <> 'integer' OR {c} < 0 OR {c} > {max}"),
                tf("exchange.bad.range", &[("max", &max.to_string())]),
            ),
            Rule::Hash => (
                format!("typeof({c}) <> 'text' OR length({c}) <> 64 OR {c} GLOB '*[^0-9a-f]*'"),
                t("exchange.bad.sha256").to_string(),
            ),
            Rule::FileName(n) => (
                format!(
                    "typeof({c}) <> 'text' OR length({c}) > {n} OR {c} GLOB '*[/\\:]*' OR {c} IN ('.', '..')
                     OR {c} GLOB '*[' || char(1) || '-' || char(31) || char(127) || ']*'
                     OR instr(CAST({c} AS BLOB), X'00') > 0"
                ),
                tf("exchange.bad.file_name", &[("n", &n.to_string())]),
            ),
            Rule::Strokes => {
                use crate::photo::{MAX_POINTS, MAX_STROKES};
                (
                    format!(
                        "CASE WHEN typeof({c}) <> 'text' OR length({c}) > {STROKES_CHARS} THEN 1
                              WHEN {c} = '' THEN 0
                              WHEN NOT json_valid({c}) THEN 1
                              WHEN json_type({c}, '$.strokes') IS NOT 'array' THEN 1
                              WHEN json_array_length({c}, '$.strokes') > {MAX_STROKES} THEN 1
                              WHEN (SELECT coalesce(sum(json_array_length(value)), 0)
                                      FROM json_each({c}, '$.strokes')) > {MAX_POINTS} THEN 1
                              ELSE 0 END"
                    ),
                    tf(
                        "exchange.bad.strokes",
                        &[("strokes", &MAX_STROKES.to_string()), ("points", &MAX_POINTS.to_string())],
                    ),
                )
            }
        }
    }
}

/// The rules of each table's columns, beyond the stamps every travelling table has.
fn rules(table: &str) -> Vec<(&'static str, Rule)> {
    use Rule::*;
    let date = |nullable, past| Date { nullable, past };
    let code = |codes, nullable| Code { codes, nullable };
    match table {
        "villages" => vec![
            ("name", Required(NAME_CHARS)),
            ("township", Text(NAME_CHARS)),
            ("county", Text(NAME_CHARS)),
            ("income_threshold", Number { nullable: false }),
        ],
        "village_groups" => vec![("name", Required(NAME_CHARS))],
        "cadres" => vec![
            ("name", Required(NAME_CHARS)),
            ("unit", Text(200)),
            ("phone", Text(30)),
            ("role", code(codes(Role::ALL), false)),
        ],
        "checklist_templates" => {
            vec![("code", Required(100)), ("body", Required(crate::checklist::TEMPLATE_MAX_BYTES as i64))]
        }
        "households" => vec![
            ("head_name", Required(NAME_CHARS)),
            ("code", Text(40)),
            ("phone", Text(30)),
            ("address", Text(500)),
            ("notes", Text(TEXT_CHARS)),
            ("category", code(codes(Category::ALL), true)),
            ("poverty_cause", code(codes(PovertyCause::ALL), true)),
            ("labour", code(codes(Labour::ALL), true)),
        ],
        "members" => vec![
            ("name", Required(NAME_CHARS)),
            ("id_number", Text(18)),
            ("relation", code(codes(Relation::ALL), false)),
            ("health", code(codes(Health::ALL), false)),
            ("labour", code(codes(Labour::ALL), false)),
            ("schooling", code(codes(Schooling::ALL), false)),
            ("work", code(codes(Work::ALL), false)),
            ("work_place", Text(500)),
        ],
        "assignments" => vec![("start_date", date(false, false)), ("end_date", date(true, false))],
        "visits" => vec![
            ("visit_date", date(false, true)),
            ("kind", code(codes(VisitKind::ALL), false)),
            ("review_status", code(codes(ReviewStatus::ALL), false)),
            ("measures", Text(TEXT_CHARS)),
            ("difficulties", Text(TEXT_CHARS)),
            ("household_income", Number { nullable: true }),
            ("income_per_capita", Number { nullable: true }),
            ("reviewed_at", Stamp { nullable: true }),
            ("unanswered", Number { nullable: false }),
        ],
        ANSWERS => vec![("item_code", Required(100)), ("value", Text(TEXT_CHARS)), ("note", Text(TEXT_CHARS))],
        "problems" => vec![
            ("group_name", Required(NAME_CHARS)),
            ("description", Required(TEXT_CHARS)),
            ("found_date", date(false, true)),
            ("deadline", date(true, false)),
            ("rectified_date", date(true, true)),
            ("closed_date", date(true, true)),
            ("status", code(codes(Status::ALL), false)),
        ],
        "problem_events" => vec![
            ("at", Stamp { nullable: false }),
            ("kind", Required(20)),
            ("from_status", code(codes(Status::ALL), true)),
            ("to_status", code(codes(Status::ALL), true)),
        ],
        "attachments" => vec![
            ("kind", code(codes(AttachmentKind::ALL), false)),
            ("mime", code(PICTURE_MIMES.to_vec(), false)),
            ("sha256", Hash),
            ("signer", Text(NAME_CHARS)),
            ("file_name", FileName(FILE_NAME_CHARS)),
            ("strokes", Strokes),
            ("size", Count { max: pictures::MAX_PICTURE_BYTES }),
            ("width", Count { max: i64::from(crate::photo::FULL_SIDE) }),
            ("height", Count { max: i64::from(crate::photo::FULL_SIDE) }),
        ],
        _ => Vec::new(),
    }
}

/// Checks every row `pkg` brings against the rules, and its references against the package and
/// `local`; refuses the package naming the first few invalid values. `now` bounds stamps.
pub(super) fn check(pkg: &Package, local: &Connection, now: DateTime<Utc>) -> Result<(), ExchangeError> {
    let today = now.date_naive();
    let today_text = today.format("%Y-%m-%d").to_string();
    let now_text = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut found: Vec<Bad> = Vec::new();
    let mut total = 0usize;
    for table in TABLES {
        let mut rules = rules(table.name);
        if table.name != ANSWERS {
            rules.push(("id", Rule::Required(64)));
            rules.push(("origin", Rule::Required(64)));
            rules.push(("updated_at", Rule::Stamp { nullable: false }));
            rules.push(("deleted_at", Rule::Stamp { nullable: true }));
        }
        // A package of an earlier schema lacks the later columns (their defaults then apply).
        let present = column_names(pkg.conn(), table.name)?;
        rules.retain(|(column, _)| present.iter().any(|p| p == column));
        let checks: Vec<(&str, String, String)> = rules
            .iter()
            .map(|(column, rule)| {
                let (condition, reason) = rule.condition(column, &today_text, &now_text);
                (*column, condition, reason)
            })
            .collect();
        total += scan(pkg.conn(), table, &checks, &mut found)?;
        total += references(pkg, local, table, &mut found)?;
    }
    total += id_numbers(pkg.conn(), today, &mut found)?;
    total += pictures::check(pkg.conn(), &mut found)?;
    if total == 0 {
        return Ok(());
    }
    let rows: Vec<String> = found
        .iter()
        .take(SHOWN)
        .map(|b| {
            let table = super::table_label(b.table);
            let row = b.row.to_string();
            let args: [(&str, &str); 5] =
                [("table", &table), ("row", &row), ("label", &b.label), ("field", &b.field), ("reason", &b.reason)];
            let mut line = tf("exchange.err.invalid_row", &args);
            line.truncate(line.char_indices().nth(200).map_or(line.len(), |(i, _)| i));
            line
        })
        .collect();
    Err(ExchangeError::Invalid { path: pkg.path().to_path_buf(), count: total, rows: rows.join("；") })
}

/// The label columns of `table` as one SQL text expression.
fn label_sql(table: &Table) -> String {
    let parts: Vec<String> =
        table.label.iter().map(|c| format!("substr(coalesce(CAST({c} AS TEXT), ''), 1, 30)")).collect();
    if parts.is_empty() { "''".to_string() } else { parts.join(" || ' · ' || ") }
}

/// Where a row sits among its table's rows in key order (1-based): computed only for the few
/// rows shown, so checking stays one scan per table.
fn position(conn: &Connection, table: &Table, key: &[Value]) -> Result<i64, ExchangeError> {
    let marks: Vec<String> = (1..=key.len()).map(|i| format!("?{i}")).collect();
    let sql =
        format!("SELECT count(*) + 1 FROM {} WHERE ({}) < ({})", table.name, table.key.join(", "), marks.join(", "));
    Ok(conn.query_row(&sql, rusqlite::params_from_iter(key), |r| r.get(0))?)
}

/// A found row: its key, label and what is wrong; pushed while few enough are listed.
fn note(
    conn: &Connection,
    table: &'static Table,
    key: &[Value],
    label: String,
    (column, reason): (&str, &str),
    found: &mut Vec<Bad>,
) -> Result<(), ExchangeError> {
    if found.len() < SHOWN {
        let row = position(conn, table, key)?;
        found.push(Bad {
            table: table.name,
            row,
            label,
            field: super::field_label(column),
            reason: reason.to_string(),
        });
    }
    Ok(())
}

/// Runs every rule of a table in one scan; lists the first few rows breaking one, returns how
/// many values break a rule.
fn scan(
    conn: &Connection,
    table: &'static Table,
    checks: &[(&str, String, String)],
    found: &mut Vec<Bad>,
) -> Result<usize, ExchangeError> {
    if checks.is_empty() {
        return Ok(0);
    }
    let flags: Vec<String> = checks.iter().map(|(_, c, _)| format!("coalesce(({c}), 0)")).collect();
    let sql = format!(
        "SELECT {}, {} AS label, {} FROM {} WHERE {}",
        table.key.join(", "),
        label_sql(table),
        flags.join(", "),
        table.name,
        flags.join(" OR ")
    );
    let width = table.key.len();
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query([])?;
    let mut count = 0usize;
    while let Some(r) = rows.next()? {
        let key = (0..width).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        let label = r.get::<_, Option<String>>(width)?.unwrap_or_default();
        for (i, (column, _, reason)) in checks.iter().enumerate() {
            if r.get::<_, i64>(width + 1 + i)? != 0 {
                count += 1;
                note(conn, table, &key, label.clone(), (column, reason), found)?;
            }
        }
    }
    Ok(count)
}

/// References to rows neither in the package nor in this database.
fn references(
    pkg: &Package,
    local: &Connection,
    table: &'static Table,
    found: &mut Vec<Bad>,
) -> Result<usize, ExchangeError> {
    let mut count = 0;
    let width = table.key.len();
    for r in table.refs {
        let inside: Vec<String> = r.targets.iter().map(|t| format!("SELECT id FROM {t}")).collect();
        let sql = format!(
            "SELECT {keys}, {label}, CAST({c} AS TEXT) FROM {t} WHERE {c} IS NOT NULL AND {c} NOT IN ({inside})",
            c = r.column,
            keys = table.key.join(", "),
            label = label_sql(table),
            t = table.name,
            inside = inside.join(" UNION ALL ")
        );
        let mut st = pkg.conn().prepare(&sql)?;
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            let id: Option<String> = row.get(width + 1)?;
            let mut known = false;
            for t in r.targets.iter().filter(|_| id.is_some()) {
                let n: i64 =
                    local.query_row(&format!("SELECT count(*) FROM main.{t} WHERE id = ?1"), [&id], |x| x.get(0))?;
                known |= n > 0;
            }
            if known {
                continue;
            }
            count += 1;
            let key = (0..width).map(|i| row.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
            let label = row.get::<_, Option<String>>(width)?.unwrap_or_default();
            note(pkg.conn(), table, &key, label, (r.column, t("exchange.bad.reference")), found)?;
        }
    }
    Ok(count)
}

/// Members' ID numbers: empty, or valid and written as the app writes them (half-width, upper
/// case X) — a full-width ID number would never match its person again.
fn id_numbers(conn: &Connection, today: NaiveDate, found: &mut Vec<Bad>) -> Result<usize, ExchangeError> {
    let Some(table) = TABLES.iter().find(|t| t.name == "members") else { return Ok(0) };
    let sql = format!(
        "SELECT id, {}, CAST(id_number AS BLOB) FROM members WHERE id_number IS NOT NULL AND id_number <> ''",
        label_sql(table)
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query([])?;
    let mut count = 0;
    while let Some(r) = rows.next()? {
        let bytes: Vec<u8> = r.get(2)?;
        let ok = std::str::from_utf8(&bytes).is_ok_and(|s| IdNumber::parse(s, today).is_ok_and(|id| id.as_str() == s));
        if ok {
            continue;
        }
        count += 1;
        let label = r.get::<_, Option<String>>(1)?.unwrap_or_default();
        note(conn, table, &[r.get::<_, Value>(0)?], label, ("id_number", t("exchange.bad.id_number")), found)?;
    }
    Ok(count)
}
