//! The figures of 首页看板 for one month: visit coverage, households not visited, problems by
//! group, each cadre's attendance, the review backlog and a 12-month series.
//!
//! Problem figures are "as of" the month's last day, or today for the current month, so that for
//! the current month they equal what the ledger lists.

use super::{Result, Store};
use crate::model::ledger::GROUPS;
use crate::model::month::Month;
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::BTreeMap;

/// A household the dashboard lists.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdRef {
    /// Household id.
    pub id: String,
    /// 户主.
    pub head_name: String,
    /// 组.
    pub group: String,
    /// The cadre responsible in that month.
    pub cadre_id: String,
    /// Their name.
    pub cadre_name: String,
}

/// Problem counts of one checklist group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// 排查项目.
    pub group: String,
    /// Found in the month.
    pub found: usize,
    /// Rectified in the month.
    pub rectified: usize,
    /// Not struck off as of the month's end (or today).
    pub open: usize,
    /// Of those, past their deadline and not rectified.
    pub overdue: usize,
}

/// 帮扶人到位情况 of one cadre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// Cadre id.
    pub cadre_id: String,
    /// Name.
    pub name: String,
    /// Households assigned in the month.
    pub households: usize,
    /// Of those, visited by the cadre in the month.
    pub visited: usize,
}

/// One month of the 12-month series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthPoint {
    /// The month.
    pub month: Month,
    /// Households assigned.
    pub assigned: usize,
    /// Households visited.
    pub visited: usize,
    /// Problems open at its end.
    pub open: usize,
}

/// One village in the township's comparison table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageFigures {
    /// Village id.
    pub village_id: String,
    /// Its name.
    pub name: String,
    /// Households assigned in the month.
    pub assigned: usize,
    /// Of those, visited.
    pub visited: usize,
    /// Problems not struck off (as of the month's end or today).
    pub open: usize,
    /// Of those, overdue.
    pub overdue: usize,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// The month shown.
    pub month: Month,
    /// Households assigned to a cadre in the month.
    pub assigned: usize,
    /// Of those, visited at least once.
    pub visited: usize,
    /// Assigned households not visited, by group and head.
    pub not_visited: Vec<HouseholdRef>,
    /// Assigned households their own cadre did not visit (someone else may have).
    pub missed_by_cadre: Vec<HouseholdRef>,
    /// Problems by group (every group of the checklist, in order).
    pub groups: Vec<GroupCounts>,
    /// Per-cadre attendance, by name.
    pub cadres: Vec<Attendance>,
    /// Visits awaiting review.
    pub awaiting_review: usize,
    /// The 12 months ending with this one.
    pub series: Vec<MonthPoint>,
}

impl Dashboard {
    /// Problems not yet struck off (the 清零 count-down).
    pub fn open(&self) -> usize {
        self.groups.iter().map(|g| g.open).sum()
    }

    /// Problems overdue.
    pub fn overdue(&self) -> usize {
        self.groups.iter().map(|g| g.overdue).sum()
    }
}

/// Households assigned in the month with the cadre of their latest overlapping assignment, and
/// whether anyone / that cadre visited them in the month.
const ASSIGNED_SQL: &str = "
    SELECT h.id, h.head_name, coalesce(g.name, ''), a.cadre_id, c.name,
           EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.deleted_at IS NULL
                     AND v.visit_date BETWEEN ?2 AND ?3),
           EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.deleted_at IS NULL
                     AND v.cadre_id = a.cadre_id AND v.visit_date BETWEEN ?2 AND ?3)
      FROM households h
      JOIN assignments a ON a.id = (
             SELECT a2.id FROM assignments a2
              WHERE a2.household_id = h.id AND a2.deleted_at IS NULL AND a2.start_date <= ?3
                AND (a2.end_date IS NULL OR a2.end_date >= ?2)
              ORDER BY a2.start_date DESC LIMIT 1)
      JOIN cadres c ON c.id = a.cadre_id
      LEFT JOIN village_groups g ON g.id = h.group_id
     WHERE h.deleted_at IS NULL AND h.archived_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
     ORDER BY g.sort, g.name, h.code, h.head_name";

impl Store {
    /// The dashboard of `month` for one village or all, with `today` bounding "as of".
    pub fn dashboard(&self, village_id: Option<&str>, month: Month, today: NaiveDate) -> Result<Dashboard> {
        let Coverage { assigned, not_visited, missed_by_cadre, cadres } = self.coverage(village_id, month)?;
        let as_of = month.last_day().min(today);
        let groups = self.problem_group_counts(village_id, month.first_day(), month.last_day(), as_of)?;
        let mut series = Vec::new();
        for m in month.last_n(12) {
            let (assigned, visited) =
                if m == month { (assigned, assigned - not_visited.len()) } else { self.month_coverage(village_id, m)? };
            let end = m.last_day().min(today);
            let open: i64 = self.db().query_row(
                "SELECT count(*) FROM problems WHERE deleted_at IS NULL AND village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
                   AND found_date <= ?2 AND (closed_date IS NULL OR closed_date > ?2)",
                params![village_id, end],
                |r| r.get(0),
            )?;
            series.push(MonthPoint { month: m, assigned, visited, open: open as usize });
        }
        Ok(Dashboard {
            month,
            assigned,
            visited: assigned - not_visited.len(),
            not_visited,
            missed_by_cadre,
            groups,
            cadres,
            awaiting_review: self.awaiting_review(village_id)?,
            series,
        })
    }

    /// Problems by checklist group (every group of the checklist, in order, then any other):
    /// found and rectified in `from..=to`, and open / overdue as of `as_of`.
    pub fn problem_group_counts(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<Vec<GroupCounts>> {
        let mut groups: Vec<GroupCounts> =
            GROUPS.iter().map(|g| GroupCounts { group: g.to_string(), ..Default::default() }).collect();
        let mut st = self.db().prepare_cached(
            "SELECT group_name,
                    count(CASE WHEN found_date BETWEEN ?2 AND ?3 THEN 1 END),
                    count(CASE WHEN rectified_date BETWEEN ?2 AND ?3 THEN 1 END),
                    count(CASE WHEN found_date <= ?4 AND (closed_date IS NULL OR closed_date > ?4) THEN 1 END),
                    count(CASE WHEN found_date <= ?4 AND (closed_date IS NULL OR closed_date > ?4)
                        AND (rectified_date IS NULL OR rectified_date > ?4) AND deadline < ?4 THEN 1 END)
               FROM problems WHERE deleted_at IS NULL AND village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              GROUP BY group_name",
        )?;
        let rows = st.query_map(params![village_id, from, to, as_of], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (group, found, rectified, open, overdue) = row?;
            let slot = match groups.iter().position(|g| g.group == group) {
                Some(i) => i,
                None => {
                    groups.push(GroupCounts { group, ..Default::default() });
                    groups.len() - 1
                }
            };
            let g = &mut groups[slot];
            (g.found, g.rectified, g.open, g.overdue) =
                (found as usize, rectified as usize, open as usize, overdue as usize);
        }
        Ok(groups)
    }

    /// Visits awaiting the first secretary's review, in one village or all.
    pub fn awaiting_review(&self, village_id: Option<&str>) -> Result<usize> {
        let n: i64 = self.db().query_row(
            "SELECT count(*) FROM visits v JOIN households h ON h.id = v.household_id
              WHERE v.deleted_at IS NULL AND v.review_status = '待审核' AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
            [village_id],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Assigned households, those not visited, and per-cadre attendance for a month.
    pub fn coverage(&self, village_id: Option<&str>, month: Month) -> Result<Coverage> {
        let mut st = self.db().prepare_cached(ASSIGNED_SQL)?;
        let rows = st.query_map(params![village_id, month.first_day(), month.last_day()], |r| {
            Ok((
                HouseholdRef {
                    id: r.get(0)?,
                    head_name: r.get(1)?,
                    group: r.get(2)?,
                    cadre_id: r.get(3)?,
                    cadre_name: r.get(4)?,
                },
                r.get::<_, bool>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        let mut assigned = 0;
        let mut not_visited = Vec::new();
        let mut missed_by_cadre = Vec::new();
        let mut per_cadre: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for row in rows {
            let (h, visited, by_cadre) = row?;
            assigned += 1;
            let entry = per_cadre.entry((h.cadre_name.clone(), h.cadre_id.clone())).or_default();
            entry.0 += 1;
            entry.1 += usize::from(by_cadre);
            if !by_cadre {
                missed_by_cadre.push(h.clone());
            }
            if !visited {
                not_visited.push(h);
            }
        }
        let cadres = per_cadre
            .into_iter()
            .map(|((name, cadre_id), (households, visited))| Attendance { cadre_id, name, households, visited })
            .collect();
        Ok(Coverage { assigned, not_visited, missed_by_cadre, cadres })
    }

    /// Coverage and open/overdue problems of every village for a month, by village name.
    pub fn village_comparison(&self, month: Month, today: NaiveDate) -> Result<Vec<VillageFigures>> {
        let as_of = month.last_day().min(today);
        let mut out = Vec::new();
        for v in self.villages()? {
            let (assigned, visited) = self.month_coverage(Some(&v.id), month)?;
            let (open, overdue): (i64, i64) = self.db().query_row(
                "SELECT count(*), count(CASE WHEN (rectified_date IS NULL OR rectified_date > ?2) AND deadline < ?2 THEN 1 END)
                   FROM problems WHERE deleted_at IS NULL AND village_id = ?1
                    AND found_date <= ?2 AND (closed_date IS NULL OR closed_date > ?2)",
                params![v.id, as_of],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            out.push(VillageFigures {
                village_id: v.id,
                name: v.name,
                assigned,
                visited,
                open: open as usize,
                overdue: overdue as usize,
            });
        }
        Ok(out)
    }

    /// Households assigned and visited in a month.
    fn month_coverage(&self, village_id: Option<&str>, month: Month) -> Result<(usize, usize)> {
        let sql = format!(
            "SELECT count(*), coalesce(sum(visited), 0) FROM (SELECT h.id, {} AS visited {})",
            "EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3)",
            ASSIGNED_FROM
        );
        let (a, v): (i64, i64) =
            self.db().query_row(&sql, params![village_id, month.first_day(), month.last_day()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((a as usize, v as usize))
    }
}

/// Visit coverage of a month.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Households assigned to a cadre in the month.
    pub assigned: usize,
    /// Of those, not visited by anyone, by group and head.
    pub not_visited: Vec<HouseholdRef>,
    /// Of those, not visited by their own cadre.
    pub missed_by_cadre: Vec<HouseholdRef>,
    /// Per-cadre attendance, by name.
    pub cadres: Vec<Attendance>,
}

impl Coverage {
    /// Households visited at least once.
    pub fn visited(&self) -> usize {
        self.assigned - self.not_visited.len()
    }
}

/// The FROM/WHERE part shared by the month-coverage query (households assigned in the month).
const ASSIGNED_FROM: &str = "
      FROM households h
     WHERE h.deleted_at IS NULL AND h.archived_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
       AND EXISTS (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.deleted_at IS NULL
                     AND a.start_date <= ?3 AND (a.end_date IS NULL OR a.end_date >= ?2))";
