//! Carrying out a preview: every household it adds or updates, the new cadres and their
//! assignments, and the village when it makes one — in one transaction, all or nothing.

use super::plan::{Action, Plan, VillageTarget};
use crate::model::register::Cadre;
use crate::progress::Progress;
use crate::store::{Result, Store, StoreError};
use chrono::NaiveDate;

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Households added.
    pub households_added: usize,
    /// Households updated.
    pub households_updated: usize,
    /// Members added.
    pub members_added: usize,
    /// Members updated.
    pub members_updated: usize,
    /// Cadres created.
    pub cadres_added: usize,
    /// The id of the village the households went into.
    pub village_id: String,
}

impl Imported {
    /// What was written, in one sentence.
    pub fn sentence(&self) -> String {
        crate::i18n::tf(
            "roster.imported",
            &[
                ("added", &self.households_added.to_string()),
                ("updated", &self.households_updated.to_string()),
                ("members", &self.members_added.to_string()),
                ("cadres", &self.cadres_added.to_string()),
            ],
        )
    }
}

/// Writes the preview's households into the database in one transaction; assignments start
/// `today`. On any failure nothing is written.
/// `progress` counts the households written; cancelling it rolls everything back.
pub fn import(store: &mut Store, plan: &Plan, today: NaiveDate, progress: &Progress) -> Result<Imported> {
    let changing = plan.households.iter().filter(|h| h.action != Action::Unchanged).count();
    store.backup_before(crate::store::backup::Reason::Roster)?;
    progress.step(crate::i18n::t("roster.importing"), changing as u64);
    store.write(|w| {
        let mut village = plan.village.village().clone();
        if let VillageTarget::New(_) = plan.village {
            w.save_village(&mut village)?;
        }
        let mut done = Imported { village_id: village.id.clone(), ..Imported::default() };
        let mut cadre_ids = plan.cadre_ids.clone();
        for name in &plan.new_cadres {
            let mut cadre = Cadre { name: name.clone(), ..Cadre::default() };
            w.save_cadre(&mut cadre, Some(&village.id))?;
            cadre_ids.insert(name.clone(), cadre.id);
            done.cadres_added += 1;
        }
        for hp in plan.households.iter().filter(|h| h.action != Action::Unchanged) {
            if progress.cancelled() {
                return Err(StoreError::Cancelled);
            }
            progress.add(1);
            let mut household = hp.household.clone();
            household.village_id = village.id.clone();
            if let Some(group) = &hp.group {
                household.group_id = w.ensure_group(&village.id, group)?;
            }
            let mut members = hp.members.clone();
            w.save_household(&mut household, &mut members, today)?;
            if let Some(id) = hp.cadre.as_ref().and_then(|name| cadre_ids.get(name)) {
                w.assign(&household.id, id, today)?;
            }
            match hp.action {
                Action::Add => done.households_added += 1,
                _ => done.households_updated += 1,
            }
            done.members_added += hp.members_added;
            done.members_updated += hp.members_updated;
        }
        Ok(done)
    })
}
