//! Numbered schema migrations. Each runs once, in order, in its own transaction; the number of
//! the last one applied is kept in `PRAGMA user_version` and mirrored in `meta.schema_version`.
//! Released migrations are never edited: a change is a new migration at the end.

/// The migrations, in order; the schema version is the count applied.
pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/001_register.sql"),
    include_str!("sql/002_visits_and_ledger.sql"),
    include_str!("sql/003_sync.sql"),
    include_str!("sql/004_whole_deletion.sql"),
    include_str!("sql/005_photos.sql"),
    include_str!("sql/006_audit.sql"),
    include_str!("sql/007_visit_record.sql"),
    include_str!("sql/008_lean_audit_log.sql"),
    include_str!("sql/009_answers_logged_per_visit.sql"),
    include_str!("sql/010_ledger_indexes.sql"),
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
