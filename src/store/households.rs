//! Households and their members.

use super::{Result, Store, StoreError, Writer};
use crate::model::coded::{Category, Health, Labour, PovertyCause, Relation, Schooling, Work};
use crate::model::ids::new_id;
use crate::model::register::{Household, Member, member_list_problems};
use crate::model::search::SearchKey;
use crate::model::text::{clean, normal_code};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

/// One line of the 农户 list, with what it can be searched by.
#[derive(Debug, Clone)]
pub struct HouseholdRow {
    /// Household id.
    pub id: String,
    /// Its village.
    pub village_id: String,
    /// 村民小组 name (empty when unknown).
    pub group: String,
    /// 户编号.
    pub code: String,
    /// 户主姓名.
    pub head_name: String,
    /// The head's ID number (full; mask it for display).
    pub head_id_number: String,
    /// 户类别.
    pub category: Option<Category>,
    /// Number of members.
    pub members: usize,
    /// The current cadre, if assigned.
    pub cadre_id: Option<String>,
    /// The current cadre's name (empty when unassigned).
    pub cadre_name: String,
    /// Archived households are hidden unless asked for.
    pub archived: bool,
    /// Prepared search key.
    pub key: SearchKey,
}

const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

fn household_from_row(r: &Row<'_>) -> rusqlite::Result<Household> {
    Ok(Household {
        id: r.get(0)?,
        village_id: r.get(1)?,
        group_id: r.get(2)?,
        code: r.get(3)?,
        head_name: r.get(4)?,
        category: r.get::<_, Option<String>>(5)?.as_deref().and_then(Category::from_code),
        poverty_cause: r.get::<_, Option<String>>(6)?.as_deref().and_then(PovertyCause::from_code),
        labour: r.get::<_, Option<String>>(7)?.as_deref().and_then(Labour::from_code),
        phone: r.get(8)?,
        address: r.get(9)?,
        notes: r.get(10)?,
        archived: r.get::<_, Option<String>>(11)?.is_some(),
    })
}

fn member_from_row(r: &Row<'_>) -> rusqlite::Result<Member> {
    let code = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    Ok(Member {
        id: r.get(0)?,
        name: r.get(1)?,
        id_number: r.get(2)?,
        relation: Relation::from_code(&code(3)?).unwrap_or(Relation::Other),
        health: Health::from_code(&code(4)?).unwrap_or(Health::Healthy),
        disability: r.get(5)?,
        labour: Labour::from_code(&code(6)?).unwrap_or(Labour::Able),
        schooling: Schooling::from_code(&code(7)?).unwrap_or(Schooling::NotStudent),
        work: Work::from_code(&code(8)?).unwrap_or(Work::None),
        work_place: r.get(9)?,
        work_contact: r.get(10)?,
    })
}

impl Store {
    /// The rows of the 农户 list, for one village or all (`None`), ordered by group and 户编号.
    pub fn household_rows(&self, village_id: Option<&str>) -> Result<Vec<HouseholdRow>> {
        let mut st = self.db().prepare_cached(
            "SELECT h.id, h.village_id, coalesce(g.name, ''), h.code, h.head_name, h.category, h.archived_at IS NOT NULL,
                    (SELECT group_concat(m.name || char(31) || m.id_number || char(31) || m.relation, char(30))
                       FROM members m WHERE m.household_id = h.id AND m.deleted_at IS NULL),
                    a.cadre_id, coalesce(c.name, '')
               FROM households h
               LEFT JOIN village_groups g ON g.id = h.group_id
               LEFT JOIN assignments a ON a.household_id = h.id AND a.end_date IS NULL AND a.deleted_at IS NULL
               LEFT JOIN cadres c ON c.id = a.cadre_id
              WHERE h.deleted_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY g.sort, g.name, h.code, h.head_name",
        )?;
        let rows = st.query_map([village_id], |r| {
            let people: Option<String> = r.get(7)?;
            let people: Vec<Vec<&str>> = people
                .as_deref()
                .map(|p| p.split(RECORD).map(|m| m.split(UNIT).collect()).collect())
                .unwrap_or_default();
            let head_name: String = r.get(4)?;
            let code: String = r.get(3)?;
            let head_id = people
                .iter()
                .find(|m| m.get(2) == Some(&Relation::Head.code()))
                .and_then(|m| m.get(1))
                .unwrap_or(&"")
                .to_string();
            let key = SearchKey::new(
                std::iter::once(head_name.as_str()).chain(people.iter().map(|m| m[0])),
                &code,
                people.iter().filter_map(|m| m.get(1).copied()).filter(|s| !s.is_empty()),
            );
            Ok(HouseholdRow {
                id: r.get(0)?,
                village_id: r.get(1)?,
                group: r.get(2)?,
                code,
                head_name,
                head_id_number: head_id,
                category: r.get::<_, Option<String>>(5)?.as_deref().and_then(Category::from_code),
                archived: r.get(6)?,
                members: people.len(),
                cadre_id: r.get(8)?,
                cadre_name: r.get(9)?,
                key,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A household with its members (tombstoned ones left out), in their order.
    pub fn household(&self, id: &str) -> Result<Option<(Household, Vec<Member>)>> {
        let h = self
            .db()
            .query_row(
                "SELECT id, village_id, group_id, code, head_name, category, poverty_cause, labour, phone, address, notes, archived_at
                   FROM households WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                household_from_row,
            )
            .optional()?;
        let Some(h) = h else { return Ok(None) };
        let mut st = self.db().prepare_cached(
            "SELECT id, name, id_number, relation, health, disability, labour, schooling, work, work_place, work_contact
               FROM members WHERE household_id = ?1 AND deleted_at IS NULL ORDER BY sort",
        )?;
        let members = st.query_map([id], member_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(Some((h, members)))
    }

    /// The head of the household (other than `except`) whose member holds this ID number.
    pub fn id_number_owner(&self, id_number: &str, except: &str) -> Result<Option<String>> {
        Ok(self
            .db()
            .query_row(
                "SELECT h.head_name FROM members m JOIN households h ON h.id = m.household_id
                  WHERE m.id_number = ?1 AND m.id_number <> '' AND m.deleted_at IS NULL AND h.id <> ?2",
                params![id_number, except],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Saves a household and its whole member list in one transaction: members no longer in the
    /// list are tombstoned; the head's name follows the member whose relation is 户主. With
    /// `assign_to`, the household is also assigned to that cadre from `today`.
    /// New rows get their ids written back.
    pub fn save_household(
        &mut self,
        h: &mut Household,
        members: &mut [Member],
        assign_to: Option<&str>,
        today: NaiveDate,
    ) -> Result<()> {
        h.adopt_head(members);
        let mut problems = h.problems();
        for m in members.iter() {
            problems.extend(m.problems(today));
        }
        problems.extend(member_list_problems(members, today).into_iter().map(|(_, p)| p));
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        self.write(|w| {
            w.save_household(h, members, today)?;
            if let Some(cadre) = assign_to {
                w.assign(&h.id, cadre, today)?;
            }
            Ok(())
        })
    }
}

impl Writer<'_> {
    /// Upserts a household and its members (already validated) within this transaction.
    pub fn save_household(&self, h: &mut Household, members: &mut [Member], today: NaiveDate) -> Result<()> {
        if h.id.is_empty() {
            h.id = new_id();
        }
        h.adopt_head(members);
        let code = normal_code(&h.code);
        if !code.is_empty() {
            let other: Option<String> = self.row(
                "SELECT head_name FROM households WHERE code = ?1 AND code <> '' AND id <> ?2 AND deleted_at IS NULL",
                params![code, h.id],
                |r| r.get(0),
            )?;
            if let Some(head) = other {
                return Err(StoreError::CodeTaken { code, head });
            }
        }
        self.exec(
            "INSERT INTO households(id, village_id, group_id, code, head_name, category, poverty_cause, labour, phone, address, notes,
                                    archived_at, created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, CASE WHEN ?12 THEN ?13 END, ?13, ?13, ?14)
             ON CONFLICT(id) DO UPDATE SET village_id = excluded.village_id, group_id = excluded.group_id, code = excluded.code,
               head_name = excluded.head_name, category = excluded.category, poverty_cause = excluded.poverty_cause,
               labour = excluded.labour, phone = excluded.phone, address = excluded.address, notes = excluded.notes,
               archived_at = CASE WHEN ?12 THEN coalesce(households.archived_at, ?13) END,
               updated_at = excluded.updated_at, origin = excluded.origin
             WHERE (households.village_id, households.group_id, households.code, households.head_name, households.category,
                    households.poverty_cause, households.labour, households.phone, households.address, households.notes,
                    households.archived_at IS NOT NULL, households.deleted_at)
                IS NOT (excluded.village_id, excluded.group_id, excluded.code, excluded.head_name, excluded.category,
                    excluded.poverty_cause, excluded.labour, excluded.phone, excluded.address, excluded.notes, ?12, NULL)",
            params![
                h.id,
                h.village_id,
                h.group_id,
                code,
                clean(&h.head_name),
                h.category.map(|c| c.code()),
                h.poverty_cause.map(|c| c.code()),
                h.labour.map(|c| c.code()),
                normal_code(&h.phone),
                clean(&h.address),
                h.notes.trim(),
                h.archived,
                self.stamp,
                self.origin
            ],
        )?;
        let keep: Vec<&str> = members.iter().map(|m| m.id.as_str()).filter(|id| !id.is_empty()).collect();
        let mut existing =
            self.tx.prepare_cached("SELECT id FROM members WHERE household_id = ?1 AND deleted_at IS NULL")?;
        let gone: Vec<String> = existing
            .query_map([&h.id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|id| !keep.contains(&id.as_str()))
            .collect();
        for id in gone {
            self.exec(
                "UPDATE members SET deleted_at = ?2, updated_at = ?2, origin = ?3 WHERE id = ?1",
                params![id, self.stamp, self.origin],
            )?;
        }
        for (sort, m) in members.iter_mut().enumerate() {
            self.save_member(&h.id, m, sort, today)?;
        }
        Ok(())
    }

    fn save_member(&self, household_id: &str, m: &mut Member, sort: usize, today: NaiveDate) -> Result<()> {
        if m.id.is_empty() {
            m.id = new_id();
        }
        let id_number = m.normalised_id(today);
        if !id_number.is_empty() {
            let other: Option<String> = self.row(
                "SELECT h.head_name FROM members m JOIN households h ON h.id = m.household_id
                      WHERE m.id_number = ?1 AND m.id_number <> '' AND m.deleted_at IS NULL AND m.household_id <> ?2",
                params![id_number, household_id],
                |r| r.get(0),
            )?;
            if let Some(head) = other {
                return Err(StoreError::IdTaken { id: id_number, head });
            }
        }
        m.id_number = id_number;
        self.exec(
            "INSERT INTO members(id, household_id, name, id_number, relation, health, disability, labour, schooling, work,
                                 work_place, work_contact, sort, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT(id) DO UPDATE SET household_id = excluded.household_id, name = excluded.name,
               id_number = excluded.id_number, relation = excluded.relation, health = excluded.health,
               disability = excluded.disability, labour = excluded.labour, schooling = excluded.schooling,
               work = excluded.work, work_place = excluded.work_place, work_contact = excluded.work_contact,
               sort = excluded.sort, updated_at = excluded.updated_at, origin = excluded.origin, deleted_at = NULL
             WHERE (members.household_id, members.name, members.id_number, members.relation, members.health, members.disability,
                    members.labour, members.schooling, members.work, members.work_place, members.work_contact, members.sort,
                    members.deleted_at)
                IS NOT (excluded.household_id, excluded.name, excluded.id_number, excluded.relation, excluded.health,
                    excluded.disability, excluded.labour, excluded.schooling, excluded.work, excluded.work_place,
                    excluded.work_contact, excluded.sort, NULL)",
            params![
                m.id,
                household_id,
                clean(&m.name),
                m.id_number,
                m.relation.code(),
                m.health.code(),
                clean(&m.disability),
                m.labour.code(),
                m.schooling.code(),
                m.work.code(),
                clean(&m.work_place),
                clean(&m.work_contact),
                sort as i64,
                self.stamp,
                self.origin
            ],
        )?;
        Ok(())
    }
}
