//! What a month's visiting looks like for a village: who was visited, who is overdue, each
//! cadre's month, and the problem answers the month's visits gave.

use super::{Result, Store};
use crate::model::month::{Month, all_time};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::BTreeMap;

/// A household is overdue when not visited for more than this many days.
pub const OVERDUE_DAYS: i64 = 30;

/// A household in a month's overview.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthHousehold {
    /// Household id.
    pub id: String,
    /// 户主姓名.
    pub head_name: String,
    /// 村民小组.
    pub group: String,
    /// 户编号.
    pub code: String,
    /// The cadre responsible on the reference day (empty when none: see `unassigned`).
    pub cadre_id: String,
    /// Their name (empty when none).
    pub cadre_name: String,
    /// No cadre is responsible for it on the reference day (未分配帮扶人); it still counts.
    pub unassigned: bool,
    /// Whether it had a visit in the month.
    pub visited: bool,
    /// Items left unanswered by the month's most complete visit (0 when complete or none).
    pub unanswered: u32,
    /// The last visit on or before the reference day.
    pub last_visit: Option<NaiveDate>,
    /// Not visited in the month and not for more than [`OVERDUE_DAYS`] days (or never).
    pub overdue: bool,
}

/// One cadre's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CadreMonth {
    /// Cadre id.
    pub cadre_id: String,
    /// Name.
    pub name: String,
    /// Households they are responsible for.
    pub assigned: usize,
    /// Of those, visited in the month (by anyone).
    pub visited: usize,
    /// Visits they made in the month (any household, any kind).
    pub visits: usize,
}

/// A month of visiting in a village (or everywhere).
#[derive(Debug, Clone, PartialEq)]
pub struct MonthStatus {
    /// The month.
    pub month: Month,
    /// The reference day: today within the current month, else the month's last day.
    pub as_of: NaiveDate,
    /// Every active household (with a cadre on the reference day or not), by group and 户编号.
    pub households: Vec<MonthHousehold>,
    /// Per cadre, by name.
    pub cadres: Vec<CadreMonth>,
}

impl MonthStatus {
    /// Households that count: every active household, assigned or not (百分之百走访).
    pub fn assigned(&self) -> usize {
        self.households.len()
    }

    /// Of those, visited in the month.
    pub fn visited(&self) -> usize {
        self.households.iter().filter(|h| h.visited).count()
    }

    /// The overdue households.
    pub fn overdue(&self) -> impl Iterator<Item = &MonthHousehold> {
        self.households.iter().filter(|h| h.overdue)
    }
}

/// A problem answer of a visit, with its household.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemAnswer {
    /// The visit.
    pub visit_id: String,
    /// Its date.
    pub date: NaiveDate,
    /// The household.
    pub household_id: String,
    /// Its village.
    pub village_id: String,
    /// 户主姓名.
    pub head_name: String,
    /// The template version the visit used.
    pub template_id: String,
    /// The item answered.
    pub item: String,
    /// The answer.
    pub value: String,
    /// 情况说明.
    pub note: String,
    /// What became of it as a ledger proposal (code: 待确认 / 已确认 / 已忽略).
    pub proposal: Option<String>,
}

impl Store {
    /// A month's visiting in a village (`None`: every village), as of `today`.
    pub fn month_status(&self, village_id: Option<&str>, month: Month, today: NaiveDate) -> Result<MonthStatus> {
        let end = month.last_day();
        let as_of = today.clamp(month.first_day(), end);
        let mut st = self.db().prepare_cached(
            "SELECT h.id, h.head_name, coalesce(g.name, ''), h.code, coalesce(a.cadre_id, ''), coalesce(c.name, ''),
                    (SELECT max(v.visit_date) FROM visits v
                      WHERE v.household_id = h.id AND v.deleted_at IS NULL AND v.visit_date <= ?3),
                    (SELECT min(v.unanswered) FROM visits v
                      WHERE v.household_id = h.id AND v.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?4)
               FROM households h
               LEFT JOIN assignments a ON a.id = (
                    SELECT a2.id FROM assignments a2 WHERE a2.household_id = h.id AND a2.deleted_at IS NULL
                       AND a2.start_date <= ?3 AND (a2.end_date IS NULL OR a2.end_date >= ?3)
                     ORDER BY a2.start_date DESC LIMIT 1)
               LEFT JOIN cadres c ON c.id = a.cadre_id
               LEFT JOIN village_groups g ON g.id = h.group_id
              WHERE h.deleted_at IS NULL AND h.archived_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY g.sort, g.name, h.code, h.head_name",
        )?;
        let households = st
            .query_map(params![village_id, month.first_day(), as_of, end], |r| {
                let last_visit: Option<NaiveDate> = r.get(6)?;
                let unanswered: Option<u32> = r.get(7)?;
                let visited = unanswered.is_some();
                let cadre_id: String = r.get(4)?;
                Ok(MonthHousehold {
                    id: r.get(0)?,
                    head_name: r.get(1)?,
                    group: r.get(2)?,
                    code: r.get(3)?,
                    unassigned: cadre_id.is_empty(),
                    cadre_id,
                    cadre_name: r.get(5)?,
                    visited,
                    unanswered: unanswered.unwrap_or(0),
                    last_visit,
                    overdue: !visited && last_visit.is_none_or(|d| (as_of - d).num_days() > OVERDUE_DAYS),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut cadres: BTreeMap<String, CadreMonth> = BTreeMap::new();
        for h in households.iter().filter(|h| !h.unassigned) {
            let c = cadres.entry(h.cadre_id.clone()).or_insert_with(|| CadreMonth {
                cadre_id: h.cadre_id.clone(),
                name: h.cadre_name.clone(),
                assigned: 0,
                visited: 0,
                visits: 0,
            });
            c.assigned += 1;
            c.visited += usize::from(h.visited);
        }
        let mut st = self.db().prepare_cached(
            "SELECT v.cadre_id, coalesce(c.name, ''), count(*) FROM visits v
               JOIN households h ON h.id = v.household_id
               LEFT JOIN cadres c ON c.id = v.cadre_id
              WHERE v.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3 AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              GROUP BY v.cadre_id",
        )?;
        for row in st.query_map(params![village_id, month.first_day(), end], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })? {
            let (id, name, n) = row?;
            cadres
                .entry(id.clone())
                .or_insert_with(|| CadreMonth { cadre_id: id, name, assigned: 0, visited: 0, visits: 0 })
                .visits = n as usize;
        }
        let mut cadres: Vec<CadreMonth> = cadres.into_values().collect();
        cadres.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(MonthStatus { month, as_of, households, cadres })
    }

    /// The problem answers of visits in `from..=to` in a village (`None`: everywhere), newest
    /// first.
    pub fn problem_answers(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ProblemAnswer>> {
        self.problem_answers_where(village_id, from, to, "")
    }

    /// The problem answers of visits up to `to` still waiting to be confirmed (待确认), as
    /// [`Store::problem_answers`] lists them: the few of the township's problems that are
    /// proposals are sorted out by SQLite rather than read into memory.
    pub fn pending_answers(&self, village_id: Option<&str>, to: NaiveDate) -> Result<Vec<ProblemAnswer>> {
        self.problem_answers_where(village_id, all_time().0, to, "AND a.proposal = '待确认'")
    }

    /// [`Store::problem_answers`] with a further condition on the answers `a`.
    fn problem_answers_where(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        also: &str,
    ) -> Result<Vec<ProblemAnswer>> {
        let mut st = self.db().prepare_cached(&format!(
            "SELECT v.id, v.visit_date, h.id, h.head_name, v.template_id, a.item_code, a.value, a.note, a.proposal,
                    h.village_id
               FROM visit_answers a
               JOIN visits v ON v.id = a.visit_id
               JOIN households h ON h.id = v.household_id
              WHERE {} {also} AND v.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3
                AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY v.visit_date DESC, h.head_name",
            problem_of(village_id)
        ))?;
        let rows = st.query_map(params![village_id, from, to], |r| {
            Ok(ProblemAnswer {
                visit_id: r.get(0)?,
                date: r.get(1)?,
                household_id: r.get(2)?,
                head_name: r.get(3)?,
                template_id: r.get(4)?,
                item: r.get(5)?,
                value: r.get(6)?,
                note: r.get(7)?,
                proposal: r.get(8)?,
                village_id: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Problem answers of visits in `from..=to` in a village (`None`: everywhere), counted per
    /// template version and item code.
    pub fn problem_counts(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, usize)>> {
        let mut st = self.db().prepare_cached(&format!(
            "SELECT v.template_id, a.item_code, count(*) FROM visit_answers a
               JOIN visits v ON v.id = a.visit_id
               JOIN households h ON h.id = v.household_id
              WHERE {} AND v.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3
                AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              GROUP BY v.template_id, a.item_code",
            problem_of(village_id)
        ))?;
        let rows =
            st.query_map(params![village_id, from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as usize)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The condition `a.is_problem = 1` on the answers `a` of a query about one village (`Some`) or
/// all. For one village SQLite must start from its households: through the index of problem
/// answers, which the `+` keeps it from, it would read every problem of the township.
pub(super) fn problem_of(village_id: Option<&str>) -> &'static str {
    if village_id.is_some() { "+a.is_problem = 1" } else { "a.is_problem = 1" }
}
