//! Cadres and their assignments to households (the history is kept: an assignment ends, it is
//! never overwritten).

use super::{Result, Store, StoreError, Writer};
use crate::model::coded::Role;
use crate::model::ids::new_id;
use crate::model::register::{Assignment, Cadre};
use crate::model::text::{clean, normal_code};
use chrono::{Days, NaiveDate};
use rusqlite::params;

/// One cadre with how many households are currently assigned to them.
#[derive(Debug, Clone)]
pub struct CadreRow {
    /// The cadre.
    pub cadre: Cadre,
    /// The village they work in, if any.
    pub village_id: Option<String>,
    /// Households currently assigned.
    pub households: usize,
}

/// A past or current assignment with the cadre's name.
#[derive(Debug, Clone)]
pub struct AssignmentRow {
    /// The assignment.
    pub assignment: Assignment,
    /// The cadre's name.
    pub cadre_name: String,
}

/// A cadre from the first six columns of a row: id, name, unit, phone, role, archived.
fn cadre_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Cadre> {
    Ok(Cadre {
        id: r.get(0)?,
        name: r.get(1)?,
        unit: r.get(2)?,
        phone: r.get(3)?,
        role: Role::from_code(&r.get::<_, String>(4)?).unwrap_or(Role::Cadre),
        archived: r.get(5)?,
    })
}

impl Store {
    /// Cadres (archived ones too when asked), by role then name, with their current load.
    pub fn cadres(&self, include_archived: bool) -> Result<Vec<CadreRow>> {
        let mut st = self.db().prepare_cached(
            "SELECT c.id, c.name, c.unit, c.phone, c.role, c.archived_at IS NOT NULL, c.village_id,
                    (SELECT count(*) FROM assignments a WHERE a.cadre_id = c.id AND a.end_date IS NULL AND a.deleted_at IS NULL)
               FROM cadres c
              WHERE c.deleted_at IS NULL AND (?1 OR c.archived_at IS NULL)
              ORDER BY c.archived_at IS NOT NULL, c.role, c.name",
        )?;
        let rows = st.query_map([include_archived], |r| {
            Ok(CadreRow { cadre: cadre_from_row(r)?, village_id: r.get(6)?, households: r.get::<_, i64>(7)? as usize })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One cadre (archived or not), unless deleted.
    pub fn cadre(&self, id: &str) -> Result<Option<Cadre>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .db()
            .prepare_cached(
                "SELECT id, name, unit, phone, role, archived_at IS NOT NULL FROM cadres
                  WHERE id = ?1 AND deleted_at IS NULL",
            )?
            .query_row([id], cadre_from_row)
            .optional()?)
    }

    /// Creates or updates a cadre (of `village_id`, if given).
    pub fn save_cadre(&mut self, cadre: &mut Cadre, village_id: Option<&str>) -> Result<()> {
        let problems = cadre.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        self.write(|w| w.save_cadre(cadre, village_id))
    }

    /// Assigns each household to `cadre_id` from `start`: a household's current assignment to
    /// someone else ends the day before. Returns how many households changed hands.
    pub fn assign(&mut self, household_ids: &[String], cadre_id: &str, start: NaiveDate) -> Result<usize> {
        self.write(|w| {
            let mut changed = 0;
            for h in household_ids {
                changed += usize::from(w.assign(h, cadre_id, start)?);
            }
            Ok(changed)
        })
    }

    /// A household's assignments, newest first.
    pub fn assignment_history(&self, household_id: &str) -> Result<Vec<AssignmentRow>> {
        let mut st = self.db().prepare_cached(
            "SELECT a.id, a.household_id, a.cadre_id, a.start_date, a.end_date, c.name
               FROM assignments a JOIN cadres c ON c.id = a.cadre_id
              WHERE a.household_id = ?1 AND a.deleted_at IS NULL
              ORDER BY a.start_date DESC, a.end_date IS NULL DESC",
        )?;
        let rows = st.query_map([household_id], |r| {
            Ok(AssignmentRow {
                assignment: Assignment {
                    id: r.get(0)?,
                    household_id: r.get(1)?,
                    cadre_id: r.get(2)?,
                    start: r.get(3)?,
                    end: r.get(4)?,
                },
                cadre_name: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Archives (or restores) a cadre. Archiving does not end their assignments: the user
    /// reassigns the households first (the UI says so).
    pub fn set_cadre_archived(&mut self, id: &str, archived: bool) -> Result<()> {
        self.write(|w| {
            let n = w.exec(
                "UPDATE cadres SET archived_at = CASE WHEN ?2 THEN ?3 END, updated_at = ?3, origin = ?4 WHERE id = ?1",
                params![id, archived, w.stamp, w.origin],
            )?;
            if n == 0 {
                return Err(StoreError::Missing(id.to_string()));
            }
            Ok(())
        })
    }
}

impl Writer<'_> {
    /// Inserts or updates a cadre.
    pub fn save_cadre(&self, c: &mut Cadre, village_id: Option<&str>) -> Result<()> {
        if c.id.is_empty() {
            c.id = new_id();
        }
        self.exec(
            "INSERT INTO cadres(id, village_id, name, unit, phone, role, archived_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 THEN ?8 END, ?8, ?9)
             ON CONFLICT(id) DO UPDATE SET village_id = coalesce(excluded.village_id, cadres.village_id), name = excluded.name,
               unit = excluded.unit, phone = excluded.phone, role = excluded.role,
               archived_at = CASE WHEN ?7 THEN coalesce(cadres.archived_at, ?8) END,
               updated_at = excluded.updated_at, origin = excluded.origin
             WHERE (cadres.name, cadres.unit, cadres.phone, cadres.role, cadres.archived_at IS NOT NULL, cadres.village_id)
                IS NOT (excluded.name, excluded.unit, excluded.phone, excluded.role, ?7, coalesce(excluded.village_id, cadres.village_id))",
            params![c.id, village_id, clean(&c.name), clean(&c.unit), normal_code(&c.phone), c.role.code(), c.archived, self.stamp, self.origin],
        )?;
        Ok(())
    }

    /// Assigns one household; returns false when it already was this cadre's.
    pub fn assign(&self, household_id: &str, cadre_id: &str, start: NaiveDate) -> Result<bool> {
        let current: Option<String> = self.row(
            "SELECT cadre_id FROM assignments WHERE household_id = ?1 AND end_date IS NULL AND deleted_at IS NULL",
            [household_id],
            |r| r.get(0),
        )?;
        if current.as_deref() == Some(cadre_id) {
            return Ok(false);
        }
        self.end_assignment(household_id, start.checked_sub_days(Days::new(1)).unwrap_or(start))?;
        self.exec(
            "INSERT INTO assignments(id, household_id, cadre_id, start_date, updated_at, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![new_id(), household_id, cadre_id, start, self.stamp, self.origin],
        )?;
        Ok(true)
    }

    /// Ends a household's current assignment, if any, on `end` (never before its start).
    pub fn end_assignment(&self, household_id: &str, end: NaiveDate) -> Result<()> {
        self.exec(
            "UPDATE assignments SET end_date = max(start_date, ?2), updated_at = ?3, origin = ?4
              WHERE household_id = ?1 AND end_date IS NULL AND deleted_at IS NULL",
            params![household_id, end, self.stamp, self.origin],
        )?;
        Ok(())
    }
}
