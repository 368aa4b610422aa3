//! The `meta` table: schema version, device id and settings.

use super::{Result, Store};
use rusqlite::{Connection, OptionalExtension, params};

/// A setting kept in `meta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// UI language code.
    Language,
    /// The village shown (empty: all villages).
    CurrentVillage,
    /// The cadre the user of this laptop is ("我是…").
    Me,
    /// Days after which a proposal still waiting to be confirmed is flagged (default 7).
    ProposalDays,
}

impl Setting {
    fn key(self) -> &'static str {
        match self {
            Setting::Language => "setting.language",
            Setting::CurrentVillage => "setting.village",
            Setting::Me => "setting.me",
            Setting::ProposalDays => "setting.proposal_days",
        }
    }
}

pub(super) fn put(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub(super) fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()
}

impl Store {
    pub(super) fn ensure_device_id(&mut self) -> Result<String> {
        if let Some(id) = get(self.db(), "device_id")? {
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().to_string();
        put(self.db(), "device_id", &id)?;
        Ok(id)
    }

    /// A setting's value, if set.
    pub fn setting(&self, s: Setting) -> Result<Option<String>> {
        Ok(get(self.db(), s.key())?.filter(|v| !v.is_empty()))
    }

    /// Stores a setting.
    /// The threshold for proposals (a village setting) is a sign-off once the approver has a PIN.
    pub fn set_setting(&mut self, s: Setting, value: &str) -> Result<()> {
        if s == Setting::ProposalDays {
            self.require_signed_if_any_pin()?;
        }
        self.write(|w| Ok(put(&w.tx, s.key(), value)?))
    }

    /// The schema version recorded in `meta`.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(get(self.db(), "schema_version")?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }
}
