//! Row keys and time stamps for rows that travel between laptops.

use chrono::{SecondsFormat, Utc};

/// A new UUIDv7 row key.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current UTC time as stored in `updated_at` (RFC 3339, milliseconds, `Z`): such stamps
/// sort as text in time order.
pub fn now_stamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored stamp (RFC 3339, UTC) as this laptop's local time to the second,
/// `YYYY-MM-DD HH:MM:SS` (two edits in one minute must look different); anything unreadable as
/// it is.
pub fn local_time(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|d| d.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| stamp.to_string())
}
