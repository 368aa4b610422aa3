//! The preview: what importing the roster would add, update or leave alone, computed from the
//! file and the database without writing anything. A household already present — same 户编号,
//! or same head ID number, or else the only household of the village with that head's name
//! that neither tells apart — is updated, never duplicated; only what the file says overwrites
//! what is stored, and an empty cell erases nothing.

use super::Roster;
use super::columns::Target;
use super::error::RosterError;
use super::families::{self, Facts, FileHousehold, FileMember};
use super::problem::Problem;
use crate::i18n::{t, tf};
use crate::model::coded::{Coded, Relation};
use crate::model::id_number::mask;
use crate::model::register::{DEFAULT_INCOME_THRESHOLD, Household, Member, Village};
use crate::store::{HouseholdRow, Store};
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// What happens to one household of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Not in the database yet: added.
    Add,
    /// In the database and the file changes something: updated.
    Update,
    /// In the database exactly as the file says: left alone.
    Unchanged,
}

/// One household of the file, ready to be saved.
#[derive(Debug, Clone)]
pub struct HouseholdPlan {
    /// Added, updated or left alone.
    pub action: Action,
    /// The household as it will be saved (its id is empty when added).
    pub household: Household,
    /// Its whole member list as it will be saved (members absent from the file are kept).
    pub members: Vec<Member>,
    /// The 村民小组 to put it in (`None`: keep).
    pub group: Option<String>,
    /// The cadre to assign it to from the day of the import (`None`: keep).
    pub cadre: Option<String>,
    /// What changes, one sentence each (empty when added or unchanged).
    pub changes: Vec<String>,
    /// The rows it comes from (from 1).
    pub rows: Vec<usize>,
    /// Members added.
    pub members_added: usize,
    /// Members whose facts change.
    pub members_updated: usize,
}

/// The village the households go into.
#[derive(Debug, Clone, PartialEq)]
pub enum VillageTarget {
    /// A village of the database.
    Existing(Village),
    /// A village made from the file's 行政村 / 乡(镇) columns (the database had none).
    New(Village),
}

impl VillageTarget {
    /// The village.
    pub fn village(&self) -> &Village {
        match self {
            VillageTarget::Existing(v) | VillageTarget::New(v) => v,
        }
    }
}

/// The numbers the preview shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Households added.
    pub households_added: usize,
    /// Households updated.
    pub households_updated: usize,
    /// Households already as the file says.
    pub households_unchanged: usize,
    /// Members added (to new and to existing households).
    pub members_added: usize,
    /// Existing members whose facts change.
    pub members_updated: usize,
    /// Rows with a problem.
    pub problem_rows: usize,
    /// Rows not imported because of a problem.
    pub skipped_rows: usize,
    /// Blank rows passed over.
    pub blank_rows: usize,
    /// 合计/总计 rows passed over.
    pub total_rows: usize,
}

/// The preview of an import; [`super::import`] carries it out.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The file.
    pub path: PathBuf,
    /// The sheet read.
    pub sheet: String,
    /// The header's row number (from 1).
    pub header_row: usize,
    /// Where the households go.
    pub village: VillageTarget,
    /// Every household of the file that can be imported, in file order.
    pub households: Vec<HouseholdPlan>,
    /// Cadres to create (names of 帮扶责任人 not in the database yet).
    pub new_cadres: Vec<String>,
    /// Existing cadres by name.
    pub cadre_ids: HashMap<String, String>,
    /// Problems, by row.
    pub problems: Vec<Problem>,
    /// Sentences about how the file was read.
    pub notes: Vec<String>,
    /// The totals.
    pub counts: Counts,
}

impl Plan {
    /// Whether importing would write anything.
    pub fn has_changes(&self) -> bool {
        matches!(self.village, VillageTarget::New(_)) || self.households.iter().any(|h| h.action != Action::Unchanged)
    }

    /// Whether any household of the file can be imported (or already is).
    pub fn has_households(&self) -> bool {
        !self.households.is_empty()
    }
}

/// Computes the preview of importing `roster` into `village` (`None`: the database has no
/// village yet and one is made from the file). Writes nothing.
pub fn plan(store: &Store, roster: &Roster, village: Option<Village>, today: NaiveDate) -> Result<Plan, RosterError> {
    let reading = families::read(&roster.sheet, &roster.header, today);
    let village = match village {
        Some(v) => VillageTarget::Existing(v),
        None => VillageTarget::New(village_from_file(reading.first_village.as_ref())?),
    };
    let mut planner = Planner::new(store, &village, roster)?;
    planner.problems = reading.problems;
    for fh in &reading.households {
        planner.household(fh)?;
    }
    let Planner { households, new_cadres, cadre_ids, mut problems, .. } = planner;
    problems.sort_by_key(|p| p.row);
    let counts = Counts {
        households_added: households.iter().filter(|h| h.action == Action::Add).count(),
        households_updated: households.iter().filter(|h| h.action == Action::Update).count(),
        households_unchanged: households.iter().filter(|h| h.action == Action::Unchanged).count(),
        members_added: households.iter().map(|h| h.members_added).sum(),
        members_updated: households.iter().map(|h| h.members_updated).sum(),
        problem_rows: problems.iter().map(|p| p.row).collect::<BTreeSet<_>>().len(),
        skipped_rows: problems.iter().filter(|p| p.skipped).map(|p| p.row).collect::<BTreeSet<_>>().len(),
        blank_rows: reading.blank_rows,
        total_rows: reading.total_rows,
    };
    Ok(Plan {
        path: roster.path.clone(),
        sheet: roster.sheet.name.clone(),
        header_row: roster.header.row + 1,
        village,
        households,
        new_cadres,
        cadre_ids,
        problems,
        notes: reading.notes,
        counts,
    })
}

/// The village named by the first row that names one.
fn village_from_file(named: Option<&Facts>) -> Result<Village, RosterError> {
    let named = named.ok_or(RosterError::NoVillage)?;
    Ok(Village {
        id: String::new(),
        name: named.village.clone().unwrap_or_default(),
        township: named.township.clone().unwrap_or_default(),
        county: named.county.clone().unwrap_or_default(),
        income_threshold: DEFAULT_INCOME_THRESHOLD,
    })
}

/// Whether two spellings name the same village ("杨家沟" and "杨家沟村").
fn same_village(a: &str, b: &str) -> bool {
    let stem = |s: &str| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.trim_end_matches("村委会").trim_end_matches("村民委员会").trim_end_matches('村').to_string()
    };
    stem(a) == stem(b)
}

struct Planner<'a> {
    store: &'a Store,
    village: &'a Village,
    labels: HashMap<Target, String>,
    existing: Vec<HouseholdRow>,
    by_code: HashMap<String, usize>,
    by_head_id: HashMap<String, usize>,
    /// Existing household index → the first row of the file household matched to it.
    matched: HashMap<usize, usize>,
    groups: HashMap<String, String>,
    cadre_ids: HashMap<String, String>,
    new_cadres: Vec<String>,
    households: Vec<HouseholdPlan>,
    problems: Vec<Problem>,
}

impl<'a> Planner<'a> {
    fn new(store: &'a Store, village: &'a VillageTarget, roster: &Roster) -> Result<Self, RosterError> {
        let existing = store.household_rows(None)?;
        let mut by_code = HashMap::new();
        let mut by_head_id = HashMap::new();
        for (i, row) in existing.iter().enumerate() {
            if !row.code.is_empty() {
                by_code.insert(row.code.clone(), i);
            }
            if !row.head_id_number.is_empty() {
                by_head_id.insert(row.head_id_number.clone(), i);
            }
        }
        let village = village.village();
        let groups = if village.id.is_empty() { Vec::new() } else { store.groups(&village.id)? };
        let mut cadre_ids = HashMap::new();
        // Cadres of this village (or of none); current ones win over archived ones of the same
        // name, which are listed after them.
        for c in store.cadres(true)?.into_iter().rev() {
            if c.village_id.as_ref().is_none_or(|v| *v == village.id) {
                cadre_ids.insert(c.cadre.name.clone(), c.cadre.id.clone());
            }
        }
        let labels = Target::ALL
            .iter()
            .filter_map(|t| roster.header.column_of(*t).map(|c| (*t, roster.header.label_of(c).to_string())))
            .collect();
        Ok(Planner {
            store,
            village,
            labels,
            existing,
            by_code,
            by_head_id,
            matched: HashMap::new(),
            groups: groups.into_iter().map(|g| (g.id, g.name)).collect(),
            cadre_ids,
            new_cadres: Vec::new(),
            households: Vec::new(),
            problems: Vec::new(),
        })
    }

    fn label(&self, target: Target) -> &str {
        self.labels.get(&target).map_or("", String::as_str)
    }

    /// Leaves every row of the household out, for `reason`.
    fn skip(&mut self, fh: &FileHousehold, target: Target, reason: String) {
        let column = self.label(target).to_string();
        for row in fh.rows() {
            self.problems.push(Problem::skip(row, &column, reason.clone()));
        }
    }

    /// The existing household the file household is, if any: same 户编号, else same head ID
    /// number, else the only household of the village whose head has the same name and where
    /// neither the 户编号 nor the head's ID number tell them apart.
    fn find(&self, fh: &FileHousehold) -> Option<usize> {
        if let Some(&i) = self.by_code.get(&fh.code).filter(|_| !fh.code.is_empty()) {
            return Some(i);
        }
        let head = fh.head();
        if let Some(&i) = head.id_number.as_ref().and_then(|id| self.by_head_id.get(id)) {
            return Some(i);
        }
        let same: Vec<usize> = (0..self.existing.len())
            .filter(|&i| {
                let row = &self.existing[i];
                row.village_id == self.village.id
                    && row.head_name == head.name
                    && (fh.code.is_empty() || row.code.is_empty())
                    && (head.id_number.is_none() || row.head_id_number.is_empty())
            })
            .collect();
        match same[..] {
            [only] => Some(only),
            _ => None,
        }
    }

    fn household(&mut self, fh: &FileHousehold) -> Result<(), RosterError> {
        if let Some(name) = &fh.facts.village
            && !same_village(name, &self.village.name)
        {
            let reason = tf("roster.p.other_village", &[("name", name), ("village", &self.village.name)]);
            self.skip(fh, Target::Village, reason);
            return Ok(());
        }
        let found = self.find(fh);
        if let Some(i) = found {
            let row = &self.existing[i];
            if row.village_id != self.village.id {
                let other = self.store.village(&row.village_id)?.map(|v| v.name).unwrap_or_default();
                let reason = tf("roster.p.in_other_village", &[("head", &row.head_name), ("village", &other)]);
                self.skip(fh, Target::Code, reason);
                return Ok(());
            }
            let first = fh.members[0].row;
            if let Some(&earlier) = self.matched.get(&i) {
                let reason = tf("roster.p.same_household", &[("row", &earlier.to_string()), ("head", &row.head_name)]);
                self.skip(fh, Target::Code, reason);
                return Ok(());
            }
            self.matched.insert(i, first);
        }
        let except = found.map(|i| self.existing[i].id.clone()).unwrap_or_default();
        let mut file_members = fh.members.clone();
        for m in &mut file_members {
            if let Some(id) = &m.id_number
                && let Some(head) = self.store.id_number_owner(id, &except)?
            {
                let reason = tf("roster.p.id_taken", &[("id", &mask(id)), ("head", &head)]);
                self.problems.push(Problem::note(m.row, self.label(Target::IdNumber), reason));
                m.id_number = None;
            }
        }
        let plan = match found {
            None => self.added(fh, &file_members),
            Some(i) => self.updated(fh, &file_members, i)?,
        };
        if let Some(name) = &plan.cadre
            && !self.cadre_ids.contains_key(name)
            && !self.new_cadres.contains(name)
        {
            self.new_cadres.push(name.clone());
        }
        self.households.push(plan);
        Ok(())
    }

    fn added(&self, fh: &FileHousehold, file_members: &[FileMember]) -> HouseholdPlan {
        let mut household =
            Household { village_id: self.village.id.clone(), code: fh.code.clone(), ..Household::default() };
        let mut ignored = Vec::new();
        apply_facts(&mut household, fh, &mut Diff::new(String::new(), &mut ignored));
        let members: Vec<Member> = file_members
            .iter()
            .map(|fm| {
                let mut m = Member::default();
                apply_member(&mut m, fm, &mut Diff::new(String::new(), &mut ignored));
                m
            })
            .collect();
        household.adopt_head(&members);
        HouseholdPlan {
            action: Action::Add,
            household,
            members_added: members.len(),
            members,
            group: fh.facts.group.clone(),
            cadre: fh.facts.cadre.clone(),
            changes: Vec::new(),
            rows: fh.rows().collect(),
            members_updated: 0,
        }
    }

    fn updated(
        &self,
        fh: &FileHousehold,
        file_members: &[FileMember],
        index: usize,
    ) -> Result<HouseholdPlan, RosterError> {
        let row = &self.existing[index];
        let (stored, stored_members) =
            self.store.household(&row.id)?.ok_or_else(|| crate::store::StoreError::Missing(row.id.clone()))?;
        let mut changes = Vec::new();
        let mut household = stored.clone();
        if !fh.code.is_empty() {
            Diff::new(String::new(), &mut changes).text("field.code", &mut household.code, Some(&fh.code));
        }
        apply_facts(&mut household, fh, &mut Diff::new(String::new(), &mut changes));
        let current_group = stored.group_id.as_ref().and_then(|g| self.groups.get(g)).cloned().unwrap_or_default();
        let group = fh.facts.group.clone().filter(|g| *g != current_group);
        if let Some(g) = &group {
            changes.push(household_change("field.group", &current_group, g));
        }
        let cadre = fh.facts.cadre.clone().filter(|c| *c != row.cadre_name);
        if let Some(c) = &cadre {
            changes.push(household_change("field.cadre", &row.cadre_name, c));
        }
        let mut members = stored_members.clone();
        let mut taken = vec![false; members.len()];
        let (mut added, mut updated) = (0, 0);
        for fm in file_members {
            let found = fm
                .id_number
                .as_ref()
                .and_then(|id| (0..members.len()).find(|&i| !taken[i] && members[i].id_number == *id))
                .or_else(|| (0..members.len()).find(|&i| !taken[i] && members[i].name == fm.name));
            match found {
                Some(i) => {
                    taken[i] = true;
                    let before = changes.len();
                    let who = members[i].name.clone();
                    apply_member(&mut members[i], fm, &mut Diff::new(who, &mut changes));
                    updated += usize::from(changes.len() > before);
                }
                None => {
                    let mut m = Member::default();
                    apply_member(&mut m, fm, &mut Diff::new(String::new(), &mut Vec::new()));
                    changes.push(tf("roster.change.member_added", &[("name", &m.name)]));
                    members.push(m);
                    taken.push(true);
                    added += 1;
                }
            }
        }
        // A new 户主 from the file: a former one the file does not list is no longer 户主.
        if file_members.iter().any(|m| m.relation == Some(Relation::Head)) {
            for (i, m) in members.iter_mut().enumerate() {
                if !taken[i] && m.relation == Relation::Head {
                    let mut diff = Diff::new(m.name.clone(), &mut changes);
                    diff.coded("field.relation", &mut m.relation, Some(Relation::Other));
                    updated += 1;
                }
            }
        }
        household.adopt_head(&members);
        let action = if changes.is_empty() { Action::Unchanged } else { Action::Update };
        Ok(HouseholdPlan {
            action,
            household,
            members,
            group,
            cadre,
            changes,
            rows: fh.rows().collect(),
            members_added: added,
            members_updated: updated,
        })
    }
}

/// Writes the file's household facts over `h`, noting each change.
fn apply_facts(h: &mut Household, fh: &FileHousehold, diff: &mut Diff<'_>) {
    let f = &fh.facts;
    diff.optional("field.category", &mut h.category, f.category);
    diff.optional("field.poverty_cause", &mut h.poverty_cause, f.cause);
    diff.text("field.phone", &mut h.phone, f.phone.as_ref());
    diff.text("field.address", &mut h.address, f.address.as_ref());
}

/// Writes what the file says of a person over `m`, noting each change.
fn apply_member(m: &mut Member, fm: &FileMember, diff: &mut Diff<'_>) {
    diff.text("field.name", &mut m.name, Some(&fm.name));
    if let Some(id) = &fm.id_number
        && *id != m.id_number
    {
        diff.push("field.id_number", &mask(&m.id_number), &mask(id));
        m.id_number = id.clone();
    }
    diff.coded("field.relation", &mut m.relation, fm.relation);
    diff.coded("field.health", &mut m.health, fm.health);
    diff.text("field.disability", &mut m.disability, fm.disability.as_ref());
    diff.coded("field.labour", &mut m.labour, fm.labour);
    diff.coded("field.schooling", &mut m.schooling, fm.schooling);
    diff.coded("field.work", &mut m.work, fm.work);
    diff.text("field.work_place", &mut m.work_place, fm.work_place.as_ref());
}

fn household_change(key: &str, old: &str, new: &str) -> String {
    let empty = t("roster.change.empty");
    tf("roster.change.household", &[("field", t(key)), ("old", if old.is_empty() { empty } else { old }), ("new", new)])
}

/// Applies new values to one household or member and notes what changes.
struct Diff<'a> {
    who: String,
    changes: &'a mut Vec<String>,
}

impl<'a> Diff<'a> {
    fn new(who: String, changes: &'a mut Vec<String>) -> Self {
        Diff { who, changes }
    }

    fn push(&mut self, key: &str, old: &str, new: &str) {
        if self.who.is_empty() {
            self.changes.push(household_change(key, old, new));
        } else {
            let empty = t("roster.change.empty");
            let old = if old.is_empty() { empty } else { old };
            self.changes.push(tf(
                "roster.change.member",
                &[("name", &self.who), ("field", t(key)), ("old", old), ("new", new)],
            ));
        }
    }

    fn text(&mut self, key: &str, field: &mut String, new: Option<&String>) {
        if let Some(new) = new
            && new != field
        {
            self.push(key, &field.clone(), new);
            *field = new.clone();
        }
    }

    fn coded<T: Coded>(&mut self, key: &str, field: &mut T, new: Option<T>) {
        if let Some(new) = new
            && new != *field
        {
            self.push(key, field.label(), new.label());
            *field = new;
        }
    }

    fn optional<T: Coded>(&mut self, key: &str, field: &mut Option<T>, new: Option<T>) {
        if let Some(new) = new
            && Some(new) != *field
        {
            self.push(key, field.map_or("", |f| f.label()), new.label());
            *field = Some(new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn village_spellings() {
        assert!(same_village("杨家沟", "杨家沟村"));
        assert!(same_village("杨家沟村委会", "杨家沟村"));
        assert!(!same_village("李家沟村", "杨家沟村"));
    }
}
