//! Checklist templates as stored: the text as loaded, named by its content hash. A stored
//! template is never changed; a changed file is a new row.

use super::{Result, Store, Writer};
use crate::model::ids::new_id;
use rusqlite::{OptionalExtension, Row, params};

/// One stored template version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    /// Row key; visits name the version they used by it.
    pub id: String,
    /// The checklist's code (`monthly`, `verify`…).
    pub code: String,
    /// The version label the file gives itself.
    pub version: String,
    /// 名称.
    pub name: String,
    /// The TOML text as loaded.
    pub body: String,
    /// sha256 of the body, hex.
    pub content_hash: String,
    /// When it was stored (RFC 3339).
    pub created_at: String,
}

/// The sha256 of a template's text, hex.
pub fn content_hash(body: &str) -> String {
    crate::model::digest::sha256_hex(body.as_bytes())
}

const COLUMNS: &str = "id, code, version, name, body, content_hash, created_at";

fn template_from_row(r: &Row<'_>) -> rusqlite::Result<TemplateRow> {
    Ok(TemplateRow {
        id: r.get(0)?,
        code: r.get(1)?,
        version: r.get(2)?,
        name: r.get(3)?,
        body: r.get(4)?,
        content_hash: r.get(5)?,
        created_at: r.get(6)?,
    })
}

impl Store {
    /// Every stored template version, newest first.
    pub fn templates(&self) -> Result<Vec<TemplateRow>> {
        let mut st = self.db().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM checklist_templates WHERE deleted_at IS NULL ORDER BY created_at DESC, rowid DESC"
        ))?;
        Ok(st.query_map([], template_from_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// One template version.
    pub fn template(&self, id: &str) -> Result<Option<TemplateRow>> {
        Ok(self
            .db()
            .query_row(&format!("SELECT {COLUMNS} FROM checklist_templates WHERE id = ?1"), [id], template_from_row)
            .optional()?)
    }

    /// Stores a template version unless the same text is already stored; returns its id and
    /// whether it is new.
    /// A backup is made first (a loaded template can be undone by restoring it).
    pub fn store_template(&mut self, code: &str, version: &str, name: &str, body: &str) -> Result<(String, bool)> {
        self.backup_before(super::backup::Reason::Template)?;
        self.write(|w| w.store_template(code, version, name, body))
    }
}

impl Writer<'_> {
    /// [`Store::store_template`] within this transaction.
    pub fn store_template(&self, code: &str, version: &str, name: &str, body: &str) -> Result<(String, bool)> {
        let hash = content_hash(body);
        let existing: Option<String> = self
            .tx
            .query_row("SELECT id FROM checklist_templates WHERE content_hash = ?1", [&hash], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
        let id = new_id();
        self.tx.execute(
            "INSERT INTO checklist_templates(id, code, version, name, body, content_hash, created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            params![id, code, version, name, body, hash, self.stamp, self.origin],
        )?;
        Ok((id, true))
    }

    /// Whether a template with this code is stored.
    pub fn has_template(&self, code: &str) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM checklist_templates WHERE code = ?1 AND deleted_at IS NULL)",
            [code],
            |r| r.get(0),
        )?)
    }
}
