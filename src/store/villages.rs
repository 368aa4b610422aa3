//! Villages and their 村民小组.

use super::{Result, Store, Writer};
use crate::model::ids::new_id;
use crate::model::register::{Group, Village, VillageMatch, match_village};
use crate::model::text::clean;
use rusqlite::params;

impl Store {
    /// Villages not deleted, by name.
    pub fn villages(&self) -> Result<Vec<Village>> {
        let mut st = self.db().prepare_cached(
            "SELECT id, name, township, county, income_threshold FROM villages WHERE deleted_at IS NULL ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Village {
                id: r.get(0)?,
                name: r.get(1)?,
                township: r.get(2)?,
                county: r.get(3)?,
                income_threshold: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The village `wanted` names — its id, `名` or `名（乡镇）` — for every command that takes
    /// `--village`: refused when none matches, or when the name alone matches villages of
    /// several townships (the candidates are listed).
    pub fn find_village(&self, wanted: &str) -> Result<Village> {
        let villages = self.villages()?;
        let labels = |vs: &mut dyn Iterator<Item = &Village>| vs.map(Village::label).collect::<Vec<_>>().join("、");
        match match_village(&villages, wanted) {
            VillageMatch::One(v) => Ok(v.clone()),
            VillageMatch::None => {
                Err(super::StoreError::UnknownVillage(wanted.trim().to_string(), labels(&mut villages.iter())))
            }
            VillageMatch::Several(found) => {
                Err(super::StoreError::AmbiguousVillage(wanted.trim().to_string(), labels(&mut found.into_iter())))
            }
        }
    }

    /// One village.
    pub fn village(&self, id: &str) -> Result<Option<Village>> {
        Ok(self.villages()?.into_iter().find(|v| v.id == id))
    }

    /// The groups of a village, in their order.
    pub fn groups(&self, village_id: &str) -> Result<Vec<Group>> {
        let mut st = self.db().prepare_cached(
            "SELECT id, village_id, name FROM village_groups WHERE village_id = ?1 AND deleted_at IS NULL ORDER BY sort, name",
        )?;
        let rows =
            st.query_map([village_id], |r| Ok(Group { id: r.get(0)?, village_id: r.get(1)?, name: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Creates or updates a village and makes sure it has the groups named in `group_names`
    /// (existing groups are kept).
    pub fn save_village(&mut self, village: &mut Village, group_names: &[String]) -> Result<()> {
        let problems = village.problems();
        if !problems.is_empty() {
            return Err(super::StoreError::Invalid(problems));
        }
        // Changing an existing village (its name, threshold, groups) is a sign-off once the
        // village's approver has a PIN; a new village is set up before anyone has one.
        let signer = if village.id.is_empty() { None } else { self.require_signed_if_any_pin()? };
        let who = signer.and_then(|a| a.cadre_id.map(|id| (id, a.name)));
        self.acting_as(who.as_ref().map(|(i, n)| (i.as_str(), n.as_str())), |store| {
            store.record_village(village, group_names)
        })
    }

    fn record_village(&mut self, village: &mut Village, group_names: &[String]) -> Result<()> {
        self.write(|w| {
            w.save_village(village)?;
            for name in group_names {
                w.ensure_group(&village.id, name)?;
            }
            Ok(())
        })
    }
}

impl Writer<'_> {
    /// Inserts or updates a village (a new one gets its id here).
    pub fn save_village(&self, v: &mut Village) -> Result<()> {
        if v.id.is_empty() {
            v.id = new_id();
        }
        self.exec(
            "INSERT INTO villages(id, name, township, county, income_threshold, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, township = excluded.township, county = excluded.county,
               income_threshold = excluded.income_threshold, updated_at = excluded.updated_at, origin = excluded.origin",
            params![v.id, clean(&v.name), clean(&v.township), clean(&v.county), v.income_threshold, self.stamp, self.origin],
        )?;
        Ok(())
    }

    /// The id of the group `name` in the village, creating it when absent. Empty names give `None`.
    pub fn ensure_group(&self, village_id: &str, name: &str) -> Result<Option<String>> {
        let name = clean(name);
        if name.is_empty() {
            return Ok(None);
        }
        let found: Option<String> = self.row(
            "SELECT id FROM village_groups WHERE village_id = ?1 AND name = ?2 AND deleted_at IS NULL",
            params![village_id, name],
            |r| r.get(0),
        )?;
        if let Some(id) = found {
            return Ok(Some(id));
        }
        let id = new_id();
        let sort: i64 = self
            .row("SELECT count(*) FROM village_groups WHERE village_id = ?1", [village_id], |r| r.get(0))?
            .unwrap_or(0);
        self.exec(
            "INSERT INTO village_groups(id, village_id, name, sort, updated_at, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, village_id, name, sort, self.stamp, self.origin],
        )?;
        Ok(Some(id))
    }
}
