//! The figures of 首页看板 for one month: visit coverage, households not visited, problems by
//! group, each cadre's attendance, the review backlog and a 12-month series.
//!
//! Problem figures are "as of" the month's last day, or today for the current month, so that for
//! the current month they equal what the ledger lists.

use super::problems::history;
use super::{Result, Store};
use crate::model::ledger::{GROUPS, Problem, StatusChange, days_overdue};
use crate::model::month::Month;
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::HashMap;

/// A household the dashboard lists.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdRef {
    /// Household id.
    pub id: String,
    /// 户主.
    pub head_name: String,
    /// 组.
    pub group: String,
    /// The cadre responsible in that month (empty when none is: see `unassigned`).
    pub cadre_id: String,
    /// Their name (empty when none).
    pub cadre_name: String,
    /// No cadre was responsible for it in the month (未分配帮扶人): it still counts.
    pub unassigned: bool,
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
    /// Proposals from the period's visits still waiting to be confirmed (待确认) as of the same
    /// day: found too, so 本月发现 is `found + pending`. Filled by the checklist layer, which
    /// knows each item's group ([`crate::checklist::group_counts`]); zero from the store alone.
    pub pending: usize,
}

/// Problems counted by checklist group one at a time, as [`Store::problem_group_counts`] counts
/// them: found and rectified in `from..=to`, open and overdue as of `as_of`.
#[derive(Debug, Clone)]
pub struct GroupTally {
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
    groups: Vec<GroupCounts>,
}

impl GroupTally {
    /// No problem counted yet: every group of the checklist at zero.
    pub fn new(from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> GroupTally {
        let groups = GROUPS.iter().map(|g| GroupCounts { group: g.to_string(), ..Default::default() }).collect();
        GroupTally { from, to, as_of, groups }
    }

    /// Counts problem `p`, whose status changes are `history`.
    pub fn add(&mut self, p: &Problem, history: &[StatusChange]) {
        let slot = match self.groups.iter().position(|g| g.group == p.group) {
            Some(i) => i,
            None => {
                self.groups.push(GroupCounts { group: p.group.clone(), ..Default::default() });
                self.groups.len() - 1
            }
        };
        let g = &mut self.groups[slot];
        let period = self.from..=self.to;
        g.found += usize::from(period.contains(&p.found));
        g.rectified += usize::from(p.rectified.is_some_and(|d| period.contains(&d)));
        if let Some((open, overdue)) = standing(p, history, self.as_of) {
            g.open += usize::from(open);
            g.overdue += usize::from(overdue);
        }
    }

    /// The counts: every group of the checklist, in order, then any other.
    pub fn counts(self) -> Vec<GroupCounts> {
        self.groups
    }
}

/// Problems open and overdue in each village at a month's end (or today within it), counted
/// one at a time: the township's comparison table.
#[derive(Debug, Clone)]
pub struct VillageTally {
    month: Month,
    as_of: NaiveDate,
    /// Open and overdue, by village id.
    open: HashMap<String, (usize, usize)>,
}

impl VillageTally {
    /// No problem counted yet, for `month` with `today` bounding "as of".
    pub fn new(month: Month, today: NaiveDate) -> VillageTally {
        VillageTally { month, as_of: month.last_day().min(today), open: HashMap::new() }
    }

    /// Counts problem `p`, whose status changes are `history`.
    pub fn add(&mut self, p: &Problem, history: &[StatusChange]) {
        if let Some((open, overdue)) = standing(p, history, self.as_of) {
            let n = self.open.entry(p.village_id.clone()).or_default();
            n.0 += usize::from(open);
            n.1 += usize::from(overdue);
        }
    }
}

/// Whether problem `p` was open, and overdue, at the end of `day` (`None`: not yet found).
fn standing(p: &Problem, history: &[StatusChange], day: NaiveDate) -> Option<(bool, bool)> {
    let status = p.status_on(history, day)?;
    Some((status.is_open(), days_overdue(status, p.deadline, day).is_some()))
}

/// Proposals waiting to be confirmed (待确认) as of a day: counted beside 未清零 so nothing waits
/// unseen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    /// All of them, from visits up to the day.
    pub total: usize,
    /// Of those, from visits in the period.
    pub in_period: usize,
    /// The visit date of the oldest.
    pub oldest: Option<NaiveDate>,
    /// Days after which one is flagged ([`Setting::ProposalDays`](super::Setting::ProposalDays)).
    pub limit_days: i64,
}

impl Pending {
    /// The oldest one's age in days on `day`.
    pub fn oldest_age(&self, day: NaiveDate) -> Option<i64> {
        self.oldest.map(|d| (day - d).num_days())
    }

    /// Whether the oldest has waited longer than the limit on `day`.
    pub fn stale(&self, day: NaiveDate) -> bool {
        self.oldest_age(day).is_some_and(|n| n > self.limit_days)
    }
}

/// Days after which a waiting proposal is flagged, unless set otherwise.
pub const PROPOSAL_DAYS: i64 = 7;

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
    /// 名（乡镇）: tells apart villages of the same name.
    pub label: String,
    /// Households that count (every active one).
    pub assigned: usize,
    /// Of those, visited.
    pub visited: usize,
    /// Problems not struck off (as of the month's end or today).
    pub open: usize,
    /// Of those, overdue.
    pub overdue: usize,
    /// Proposals waiting to be confirmed as of the same day.
    pub pending: usize,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// The month shown.
    pub month: Month,
    /// Households that count: every active household, with a cadre or not (百分之百走访).
    pub assigned: usize,
    /// Of those, visited at least once.
    pub visited: usize,
    /// Households not visited, by group and head (未分配帮扶人 ones flagged).
    pub not_visited: Vec<HouseholdRef>,
    /// Assigned households their own cadre did not visit (someone else may have).
    pub missed_by_cadre: Vec<HouseholdRef>,
    /// Problems by group (every group of the checklist, in order).
    pub groups: Vec<GroupCounts>,
    /// Per-cadre attendance, by name.
    pub cadres: Vec<Attendance>,
    /// Visits awaiting review as of the month's end (or today).
    pub awaiting_review: usize,
    /// Proposals waiting to be confirmed as of the month's end (or today).
    pub pending: Pending,
    /// The day the figures are as of: the month's last day, or today within it.
    pub as_of: NaiveDate,
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
            awaiting_review: self.awaiting_review_as_of(village_id, as_of)?,
            pending: self.pending(village_id, month.first_day(), month.last_day(), as_of)?,
            as_of,
            series,
        })
    }

    /// Problems by checklist group (every group of the checklist, in order, then any other):
    /// found and rectified in `from..=to`, and open / overdue as of `as_of` — each problem as it
    /// stood that day ([`crate::model::ledger::Problem::as_of`]), as 问题整改台账 lists it.
    pub fn problem_group_counts(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<Vec<GroupCounts>> {
        let mut tally = GroupTally::new(from, to, as_of);
        self.count_problems(village_id, |p, history| tally.add(p, history))?;
        Ok(tally.counts())
    }

    /// Proposals waiting to be confirmed as of `as_of` (from visits up to that day), and how many
    /// came from visits in `from..=to`.
    pub fn pending(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<Pending> {
        let (total, in_period, oldest): (i64, i64, Option<NaiveDate>) = self.db().query_row(
            &format!(
                "SELECT count(*), count(CASE WHEN v.visit_date BETWEEN ?2 AND ?3 THEN 1 END), min(v.visit_date)
                   FROM visit_answers a JOIN visits v ON v.id = a.visit_id JOIN households h ON h.id = v.household_id
                  WHERE {} AND a.proposal = '待确认' AND v.deleted_at IS NULL AND v.visit_date <= ?4
                    AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
                super::month::problem_of(village_id)
            ),
            params![village_id, from, to, as_of],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(Pending { total: total as usize, in_period: in_period as usize, oldest, limit_days: self.proposal_days()? })
    }

    /// Days after which a waiting proposal is flagged: the setting, or [`PROPOSAL_DAYS`].
    pub fn proposal_days(&self) -> Result<i64> {
        Ok(self
            .setting(super::Setting::ProposalDays)?
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(PROPOSAL_DAYS))
    }

    /// Visits awaiting the first secretary's review at the end of `day`: dated up to then and
    /// not reviewed (or returned) by then.
    pub fn awaiting_review_as_of(&self, village_id: Option<&str>, day: NaiveDate) -> Result<usize> {
        let n: i64 = self.db().query_row(
            "SELECT count(*) FROM visits v JOIN households h ON h.id = v.household_id
              WHERE v.deleted_at IS NULL AND v.visit_date <= ?2 AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
                AND (v.review_status = '待审核'
                     OR (v.reviewed_at IS NOT NULL AND date(v.reviewed_at, 'localtime') > ?2))",
            params![village_id, day],
            |r| r.get(0),
        )?;
        Ok(n as usize)
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

    /// Coverage, open/overdue problems and waiting proposals of every village for a month, as of
    /// its last day (or today), by village name.
    pub fn village_comparison(&self, month: Month, today: NaiveDate) -> Result<Vec<VillageFigures>> {
        let mut tally = VillageTally::new(month, today);
        self.count_problems(None, |p, history| tally.add(p, history))?;
        self.village_comparison_of(&tally)
    }

    /// Hands each problem of one village or all, with its status changes, to `count`.
    fn count_problems(&self, village_id: Option<&str>, mut count: impl FnMut(&Problem, &[StatusChange])) -> Result<()> {
        let (problems, changes) = self.problems_and_changes(village_id)?;
        for r in &problems {
            count(&r.problem, history(&changes, &r.problem.id));
        }
        Ok(())
    }

    /// [`Store::village_comparison`] with the problems already counted: a ledger counts them as
    /// it lists them.
    pub fn village_comparison_of(&self, tally: &VillageTally) -> Result<Vec<VillageFigures>> {
        let month = tally.month;
        let pending = self.pending_by_village(tally.as_of)?;
        let mut out = Vec::new();
        for v in self.villages()? {
            let (assigned, visited) = self.month_coverage(Some(&v.id), month)?;
            let (open, overdue) = tally.open.get(&v.id).copied().unwrap_or_default();
            out.push(VillageFigures {
                pending: pending.get(&v.id).copied().unwrap_or(0),
                label: v.label(),
                village_id: v.id,
                name: v.name,
                assigned,
                visited,
                open,
                overdue,
            });
        }
        Ok(out)
    }

    /// [`Store::pending`]'s total of each village, by village id, from one read of the
    /// township's problem answers instead of one read of each village's answers (a township's
    /// 20 villages: 1.1 s of a 24-month ledger export).
    fn pending_by_village(&self, as_of: NaiveDate) -> Result<HashMap<String, usize>> {
        let mut st = self.db().prepare_cached(
            "SELECT h.village_id, count(*)
               FROM visit_answers a JOIN visits v ON v.id = a.visit_id JOIN households h ON h.id = v.household_id
              WHERE a.is_problem = 1 AND a.proposal = '待确认' AND v.deleted_at IS NULL AND v.visit_date <= ?1
              GROUP BY h.village_id",
        )?;
        let rows = st.query_map([as_of], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// Households that count: every active household, with a cadre or not (百分之百走访).
    pub assigned: usize,
    /// Of those, not visited by anyone, by group and head (unassigned ones flagged).
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

/// The FROM/WHERE part of the month-coverage query: every active household, assigned or not.
const ASSIGNED_FROM: &str = "
      FROM households h
     WHERE h.deleted_at IS NULL AND h.archived_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)";
