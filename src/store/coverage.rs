//! Visit coverage of months (百分之百走访): every active household, the cadre of its latest
//! assignment overlapping each month, and whether anyone, and that cadre, visited it then. The
//! households, their assignments and their visits are read once for all the months asked: a
//! ledger of 24 months used to ask SQLite the same for each month of each village.

use super::dashboard::{Attendance, Coverage, HouseholdRef};
use super::{Result, Store};
use crate::model::month::Month;
use std::collections::{BTreeMap, HashMap};

/// The households of a village (`?1`; `NULL`: all), on `households h`.
const IN_VILLAGE: &str = "h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)";

/// An assignment overlapping the months: dates as stored (`YYYY-MM-DD`), compared as SQLite does.
struct Assigned {
    cadre_id: String,
    cadre_name: String,
    start: String,
    end: Option<String>,
}

impl Store {
    /// Assigned households, those not visited, and per-cadre attendance for a month.
    pub fn coverage(&self, village_id: Option<&str>, month: Month) -> Result<Coverage> {
        Ok(self.coverage_of_months(village_id, &[month])?.pop().unwrap_or_default())
    }

    /// [`Store::coverage`] of each of `months`, in their order.
    pub fn coverage_of_months(&self, village_id: Option<&str>, months: &[Month]) -> Result<Vec<Coverage>> {
        let days = |m: &Month| (m.first_day().to_string(), m.last_day().to_string());
        let (Some(first), Some(last)) =
            (months.iter().map(|m| days(m).0).min(), months.iter().map(|m| days(m).1).max())
        else {
            return Ok(Vec::new());
        };
        let households: Vec<(String, String, String)> = self
            .db()
            .prepare_cached(&format!(
                "SELECT h.id, h.head_name, coalesce(g.name, '') FROM households h
                   LEFT JOIN village_groups g ON g.id = h.group_id
                  WHERE h.deleted_at IS NULL AND h.archived_at IS NULL AND {IN_VILLAGE}
                  ORDER BY g.sort, g.name, h.code, h.head_name"
            ))?
            .query_map([village_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut assignments: HashMap<String, Vec<Assigned>> = HashMap::new();
        let mut st = self.db().prepare_cached(&format!(
            "SELECT a.household_id, coalesce(a.cadre_id, ''), coalesce(c.name, ''), a.start_date, a.end_date
               FROM assignments a JOIN households h ON h.id = a.household_id
               LEFT JOIN cadres c ON c.id = a.cadre_id
              WHERE a.deleted_at IS NULL AND a.start_date <= ?3 AND (a.end_date IS NULL OR a.end_date >= ?2)
                AND {IN_VILLAGE}"
        ))?;
        let mut rows = st.query(rusqlite::params![village_id, first, last])?;
        while let Some(r) = rows.next()? {
            let a = Assigned { cadre_id: r.get(1)?, cadre_name: r.get(2)?, start: r.get(3)?, end: r.get(4)? };
            assignments.entry(r.get(0)?).or_default().push(a);
        }
        let mut visits: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
        let mut st = self.db().prepare_cached(&format!(
            "SELECT v.household_id, v.visit_date, v.cadre_id FROM visits v JOIN households h ON h.id = v.household_id
              WHERE v.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3 AND {IN_VILLAGE}"
        ))?;
        let mut rows = st.query(rusqlite::params![village_id, first, last])?;
        while let Some(r) = rows.next()? {
            visits.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?));
        }
        Ok(months
            .iter()
            .map(|m| {
                let (from, to) = days(m);
                let rows = households.iter().map(|(id, head_name, group)| {
                    // The latest assignment overlapping the month.
                    let a = assignments
                        .get(id)
                        .into_iter()
                        .flatten()
                        .filter(|a| a.start <= to && a.end.as_ref().is_none_or(|e| *e >= from))
                        .fold(None, |best: Option<&Assigned>, a| match best {
                            Some(b) if b.start >= a.start => Some(b),
                            _ => Some(a),
                        });
                    let cadre_id = a.map(|a| a.cadre_id.clone()).unwrap_or_default();
                    let in_month: Vec<&Option<String>> = visits
                        .get(id)
                        .into_iter()
                        .flatten()
                        .filter(|(day, _)| *day >= from && *day <= to)
                        .map(|(_, cadre)| cadre)
                        .collect();
                    let by_cadre = a.is_some() && in_month.iter().any(|c| c.as_deref() == Some(cadre_id.as_str()));
                    let h = HouseholdRef {
                        id: id.clone(),
                        head_name: head_name.clone(),
                        group: group.clone(),
                        unassigned: cadre_id.is_empty(),
                        cadre_name: a.map(|a| a.cadre_name.clone()).unwrap_or_default(),
                        cadre_id,
                    };
                    (h, !in_month.is_empty(), by_cadre)
                });
                tally(rows)
            })
            .collect())
    }
}

/// The coverage of one month from its households: each with whether anyone, and its own cadre,
/// visited it.
fn tally(rows: impl Iterator<Item = (HouseholdRef, bool, bool)>) -> Coverage {
    let mut assigned = 0;
    let mut not_visited = Vec::new();
    let mut missed_by_cadre = Vec::new();
    let mut per_cadre: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for (h, visited, by_cadre) in rows {
        assigned += 1;
        if h.unassigned {
            if !visited {
                not_visited.push(h);
            }
            continue;
        }
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
    Coverage { assigned, not_visited, missed_by_cadre, cadres }
}
