//! The drafts of unsaved visit forms: what is typed is kept while typing and comes back after
//! a crash.

use super::{Result, Store, Writer};
use crate::model::ids::new_id;
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Keeps what is typed in a visit form (`visit_id` when editing a saved visit).
    pub fn save_draft(&mut self, household_id: &str, visit_id: Option<&str>, body: &str) -> Result<()> {
        self.write(|w| {
            w.delete_draft(household_id, visit_id)?;
            w.tx.execute(
                "INSERT INTO visit_drafts(id, household_id, visit_id, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![new_id(), household_id, visit_id, body, w.stamp],
            )?;
            Ok(())
        })
    }

    /// The draft of a household's new visit (`visit_id` `None`) or of a saved visit: its body
    /// and when it was last written.
    pub fn draft(&self, household_id: &str, visit_id: Option<&str>) -> Result<Option<(String, String)>> {
        Ok(self
            .db()
            .query_row(
                "SELECT body, updated_at FROM visit_drafts WHERE household_id = ?1 AND visit_id IS ?2
                  ORDER BY updated_at DESC LIMIT 1",
                params![household_id, visit_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Throws a draft away.
    pub fn delete_draft(&mut self, household_id: &str, visit_id: Option<&str>) -> Result<()> {
        self.write(|w| w.delete_draft(household_id, visit_id))
    }
}

impl Writer<'_> {
    /// Deletes the draft of a household's new visit (`visit_id` `None`) or of a saved visit.
    pub fn delete_draft(&self, household_id: &str, visit_id: Option<&str>) -> Result<()> {
        self.tx.execute(
            "DELETE FROM visit_drafts WHERE household_id = ?1 AND visit_id IS ?2",
            params![household_id, visit_id],
        )?;
        Ok(())
    }
}
