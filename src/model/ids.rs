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
