//! The problem ledger: problems, their status changes and the event history of each.

use super::day::{day, maybe_day};
use super::{Result, Store, StoreError, Writer};
use crate::i18n::t;
use crate::model::ids::new_id;
use crate::model::ledger::{Actor, Problem, Status, StatusChange, check_transition};
use crate::model::visit::Proposal;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};
use std::collections::HashMap;

/// One line of the ledger: the problem with the household and cadre it concerns.
#[derive(Debug, Clone)]
pub struct ProblemRow {
    /// The problem.
    pub problem: Problem,
    /// 户主 (empty for village-wide problems).
    pub head_name: String,
    /// 户编号.
    pub household_code: String,
    /// The household's current cadre.
    pub cadre_id: Option<String>,
    /// That cadre's name.
    pub cadre_name: String,
}

/// One change in a problem's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemEvent {
    /// When (RFC 3339).
    pub at: String,
    /// Who (the name given by "我是…", empty when unknown).
    pub actor_name: String,
    /// 登记 / 状态 / 修改 / 进展.
    pub kind: String,
    /// The status before, for status changes.
    pub from: Option<Status>,
    /// The status after, for status changes.
    pub to: Option<Status>,
    /// What changed or was noted.
    pub note: String,
}

const PROBLEM_COLUMNS: &str =
    "p.id, p.village_id, p.household_id, p.visit_id, p.item_code, p.group_name, p.description,
    p.found_date, p.responsible_person, p.responsible_unit, p.deadline, p.measures, p.progress, p.status,
    p.rectified_date, p.closed_by, p.closed_date";

fn problem_from_row(r: &Row<'_>) -> rusqlite::Result<Problem> {
    Ok(Problem {
        id: r.get(0)?,
        village_id: r.get(1)?,
        household_id: r.get(2)?,
        visit_id: r.get(3)?,
        item_code: r.get(4)?,
        group: r.get(5)?,
        description: r.get(6)?,
        found: day(r, 7)?,
        responsible_person: r.get(8)?,
        responsible_unit: r.get(9)?,
        deadline: maybe_day(r, 10)?,
        measures: r.get(11)?,
        progress: r.get(12)?,
        status: Status::from_code(&r.get::<_, String>(13)?).unwrap_or(Status::Open),
        rectified: maybe_day(r, 14)?,
        closed_by: r.get(15)?,
        closed: maybe_day(r, 16)?,
    })
}

/// A household's open problem entered from a checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenProblem {
    /// The problem.
    pub id: String,
    /// Its status (not 已销号).
    pub status: Status,
    /// 发现日期.
    pub found: NaiveDate,
}

/// Problems' status changes, oldest first, by problem id.
pub type Histories = HashMap<String, Vec<StatusChange>>;

/// A problem's status changes in `changes` ([`Store::status_changes`]).
pub fn history<'c>(changes: &'c Histories, problem_id: &str) -> &'c [StatusChange] {
    changes.get(problem_id).map_or(&[][..], Vec::as_slice)
}

impl Store {
    /// The ledger of one village or all (`None`), by deadline (none last) then found date.
    pub fn problems(&self, village_id: Option<&str>) -> Result<Vec<ProblemRow>> {
        let sql = format!(
            "SELECT {PROBLEM_COLUMNS}, coalesce(h.head_name, ''), coalesce(h.code, ''), a.cadre_id, coalesce(c.name, '')
               FROM problems p
               LEFT JOIN households h ON h.id = p.household_id
               LEFT JOIN assignments a ON a.household_id = p.household_id AND a.end_date IS NULL AND a.deleted_at IS NULL
               LEFT JOIN cadres c ON c.id = a.cadre_id
              WHERE p.deleted_at IS NULL AND p.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY p.deadline IS NULL, p.deadline, p.found_date, p.id"
        );
        let mut st = self.db().prepare_cached(&sql)?;
        let rows = st.query_map([village_id], |r| {
            Ok(ProblemRow {
                problem: problem_from_row(r)?,
                head_name: r.get(17)?,
                household_code: r.get(18)?,
                cadre_id: r.get(19)?,
                cadre_name: r.get(20)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// [`Store::problems`] and [`Store::status_changes`] of one village or all.
    pub fn problems_and_changes(&self, village_id: Option<&str>) -> Result<(Vec<ProblemRow>, Histories)> {
        Ok((self.problems(village_id)?, self.status_changes(village_id)?))
    }

    /// The status changes of the problems of one village or all, oldest first per problem, on
    /// this laptop's local day.
    pub fn status_changes(&self, village_id: Option<&str>) -> Result<Histories> {
        let mut st = self.db().prepare_cached(
            "SELECT e.problem_id, date(e.at, 'localtime'), e.from_status, e.to_status FROM problem_events e
               JOIN problems p ON p.id = e.problem_id
              WHERE e.kind = '状态' AND e.deleted_at IS NULL AND e.to_status IS NOT NULL
                AND p.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY e.at, e.rowid",
        )?;
        let mut out = Histories::new();
        let rows = st.query_map([village_id], |r| {
            Ok((r.get::<_, String>(0)?, day(r, 1)?, r.get::<_, Option<String>>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (id, on, from, to) = row?;
            let Some(to) = Status::from_code(&to) else { continue };
            out.entry(id).or_default().push(StatusChange { on, from: from.as_deref().and_then(Status::from_code), to });
        }
        Ok(out)
    }

    /// One problem.
    pub fn problem(&self, id: &str) -> Result<Option<Problem>> {
        let sql = format!("SELECT {PROBLEM_COLUMNS} FROM problems p WHERE p.id = ?1 AND p.deleted_at IS NULL");
        Ok(self.db().query_row(&sql, [id], problem_from_row).optional()?)
    }

    /// A problem's history, oldest first.
    pub fn problem_events(&self, problem_id: &str) -> Result<Vec<ProblemEvent>> {
        let mut st = self.db().prepare_cached(
            "SELECT at, actor_name, kind, from_status, to_status, note FROM problem_events
              WHERE problem_id = ?1 AND deleted_at IS NULL ORDER BY at, rowid",
        )?;
        let rows = st.query_map([problem_id], |r| {
            Ok(ProblemEvent {
                at: r.get(0)?,
                actor_name: r.get(1)?,
                kind: r.get(2)?,
                from: r.get::<_, Option<String>>(3)?.as_deref().and_then(Status::from_code),
                to: r.get::<_, Option<String>>(4)?.as_deref().and_then(Status::from_code),
                note: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a new problem or the edits of an existing one (its status is changed only by
    /// [`Store::change_status`]); the history gets a 登记 or 修改 event.
    pub fn save_problem(&mut self, p: &mut Problem, actor: &Actor) -> Result<()> {
        let problems = p.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let before = if p.id.is_empty() { None } else { self.problem(&p.id)? };
        self.write(|w| w.save_problem(p, before.as_ref(), actor))
    }

    /// Moves a problem to `to` (checked against the ledger's path and the actor's role), with an
    /// optional note, on `today`.
    /// 销号 needs the approver signed in with their PIN, under whom it is recorded.
    pub fn change_status(&mut self, id: &str, to: Status, actor: &Actor, note: &str, today: NaiveDate) -> Result<()> {
        let p = self.problem(id)?.ok_or_else(|| StoreError::Missing(id.to_string()))?;
        if to != Status::Closed {
            check_transition(p.status, to, actor)?;
            return self.record_status(id, &p, to, actor, note, today);
        }
        // The approver strikes off in the first secretary's place when the village so decided.
        let signer = Actor { role: Some(crate::model::coded::Role::FirstSecretary), ..self.require_signed()? };
        check_transition(p.status, to, &signer)?;
        let who = signer.cadre_id.clone().map(|id| (id, signer.name.clone()));
        self.acting_as(who.as_ref().map(|(i, n)| (i.as_str(), n.as_str())), |store| {
            store.record_status(id, &p, to, &signer, note, today)
        })
    }

    fn record_status(
        &mut self,
        id: &str,
        p: &Problem,
        to: Status,
        actor: &Actor,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.write(|w| {
            w.exec(
                "UPDATE problems SET status = ?2,
                        rectified_date = CASE WHEN ?2 = '已整改' THEN ?3 WHEN ?2 IN ('待整改', '整改中') THEN NULL ELSE rectified_date END,
                        closed_by = CASE WHEN ?2 = '已销号' THEN ?4 END,
                        closed_date = CASE WHEN ?2 = '已销号' THEN ?3 END,
                        updated_at = ?5, origin = ?6
                  WHERE id = ?1",
                params![id, to.code(), today, actor.cadre_id, w.stamp, w.origin],
            )?;
            w.problem_event(id, actor, "状态", Some(p.status), Some(to), note)
        })
    }

    /// Adds a dated progress note (整改进度) to a problem.
    pub fn add_progress(&mut self, id: &str, note: &str, actor: &Actor, today: NaiveDate) -> Result<()> {
        let note = note.trim();
        if note.is_empty() {
            return Ok(());
        }
        self.write(|w| {
            let line = format!("{today} {note}");
            let n = w.exec(
                "UPDATE problems SET progress = CASE WHEN progress = '' THEN ?2 ELSE progress || char(10) || ?2 END,
                        updated_at = ?3, origin = ?4 WHERE id = ?1 AND deleted_at IS NULL",
                params![id, line, w.stamp, w.origin],
            )?;
            if n == 0 {
                return Err(StoreError::Missing(id.to_string()));
            }
            w.problem_event(id, actor, "进展", None, None, note)
        })
    }

    /// Enters a problem proposed by a visit's answer (`p.visit_id` and `p.item_code` name it) in
    /// the ledger and marks the proposal 已确认, in one transaction.
    pub fn confirm_proposal(&mut self, p: &mut Problem, actor: &Actor) -> Result<()> {
        let problems = p.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let (Some(visit), Some(item)) = (p.visit_id.clone(), p.item_code.clone()) else {
            return Err(StoreError::Missing(t("ledger.proposal").to_string()));
        };
        self.write(|w| {
            w.save_problem(p, None, actor)?;
            w.set_proposal(&visit, &item, Proposal::Confirmed)
        })
    }

    /// Adds a proposal to the household's open problem `problem_id` for the same item instead of
    /// entering a new one: the problem's history gains a 复查仍存在 event, the answer is marked 复查.
    pub fn attach_proposal(&mut self, p: &Problem, problem_id: &str, actor: &Actor) -> Result<()> {
        let (Some(visit), Some(item)) = (p.visit_id.clone(), p.item_code.clone()) else {
            return Err(StoreError::Missing(t("ledger.proposal").to_string()));
        };
        self.write(|w| {
            let (value, note): (String, String) = w.tx.query_row(
                "SELECT value, note FROM visit_answers WHERE visit_id = ?1 AND item_code = ?2",
                params![visit, item],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            w.recheck(problem_id, &visit, p.found, &item, &value, &note, actor)
        })
    }

    /// The open (not 已销号) problems entered from a checklist item, by (household, item): the
    /// newest one's id, status and found date.
    pub fn open_problems_by_item(&self, village_id: Option<&str>) -> Result<HashMap<(String, String), OpenProblem>> {
        let mut st = self.db().prepare_cached(
            "SELECT household_id, item_code, id, status, found_date FROM problems
              WHERE deleted_at IS NULL AND status <> '已销号' AND household_id IS NOT NULL AND item_code IS NOT NULL
                AND village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY found_date, id",
        )?;
        let rows = st.query_map([village_id], |r| {
            let status = Status::from_code(&r.get::<_, String>(3)?).unwrap_or(Status::Open);
            Ok(((r.get(0)?, r.get(1)?), OpenProblem { id: r.get(2)?, status, found: r.get(4)? }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a proposed answer 已忽略 (judged not a problem).
    pub fn dismiss_proposal(&mut self, visit_id: &str, item: &str) -> Result<()> {
        self.write(|w| w.set_proposal(visit_id, item, Proposal::Ignored))
    }

    /// Problems not yet rectified that came from a checklist item which a later visit to the same
    /// household answered without a problem: problem id → the date of that visit.
    pub fn rechecked_fine(&self, village_id: Option<&str>) -> Result<HashMap<String, NaiveDate>> {
        let mut st = self.db().prepare_cached(
            "SELECT p.id, max(v.visit_date) FROM problems p
               JOIN visits v ON v.household_id = p.household_id AND v.deleted_at IS NULL AND v.visit_date > p.found_date
               JOIN visit_answers a ON a.visit_id = v.id AND a.item_code = p.item_code
              WHERE p.deleted_at IS NULL AND p.status IN ('待整改', '整改中') AND a.is_problem = 0 AND a.value <> '不适用'
                AND p.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              GROUP BY p.id",
        )?;
        let rows = st.query_map([village_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets the responsible unit and/or the deadline of many problems at once, in one
    /// transaction, each change in its problem's history. Returns how many changed.
    pub fn bulk_update(
        &mut self,
        ids: &[String],
        unit: Option<&str>,
        deadline: Option<NaiveDate>,
        actor: &Actor,
    ) -> Result<usize> {
        let mut before = Vec::new();
        for id in ids {
            before.push(self.problem(id)?.ok_or_else(|| StoreError::Missing(id.clone()))?);
        }
        self.write(|w| {
            let mut changed = 0;
            for old in &before {
                let mut p = old.clone();
                if let Some(u) = unit {
                    p.responsible_unit = u.trim().to_string();
                }
                if deadline.is_some() {
                    p.deadline = deadline;
                }
                if p != *old {
                    w.save_problem(&mut p, Some(old), actor)?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
    }
}

impl Writer<'_> {
    /// Inserts or updates a problem and records the event (`before` is the stored version). A new
    /// problem is stored with its status and dates as given; an existing one keeps its own (they
    /// change only through [`Store::change_status`]).
    pub fn save_problem(&self, p: &mut Problem, before: Option<&Problem>, actor: &Actor) -> Result<()> {
        let is_new = p.id.is_empty();
        if is_new {
            p.id = new_id();
        }
        let status = before.map_or(p.status, |b| b.status);
        self.exec(
            "INSERT INTO problems(id, village_id, household_id, visit_id, item_code, group_name, description, found_date,
                                  responsible_person, responsible_unit, deadline, measures, progress, status,
                                  rectified_date, closed_by, closed_date, created_at, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?17, ?18, ?19, ?15, ?15, ?16)
             ON CONFLICT(id) DO UPDATE SET household_id = excluded.household_id, group_name = excluded.group_name,
               description = excluded.description, found_date = excluded.found_date,
               responsible_person = excluded.responsible_person, responsible_unit = excluded.responsible_unit,
               deadline = excluded.deadline, measures = excluded.measures, progress = excluded.progress,
               updated_at = excluded.updated_at, origin = excluded.origin",
            params![
                p.id,
                p.village_id,
                p.household_id,
                p.visit_id,
                p.item_code,
                p.group.trim(),
                p.description.trim(),
                p.found,
                p.responsible_person.trim(),
                p.responsible_unit.trim(),
                p.deadline,
                p.measures.trim(),
                p.progress,
                status.code(),
                self.stamp,
                self.origin,
                p.rectified,
                p.closed_by,
                p.closed
            ],
        )?;
        match before {
            None => self.problem_event(&p.id, actor, "登记", None, Some(status), &p.description),
            Some(old) => {
                let note = describe_changes(old, p);
                if note.is_empty() { Ok(()) } else { self.problem_event(&p.id, actor, "修改", None, None, &note) }
            }
        }
    }

    /// Records what became of a visit's proposed problem; the visit's stamp moves so the
    /// decision travels with it to other laptops.
    pub(crate) fn set_proposal(&self, visit_id: &str, item: &str, to: Proposal) -> Result<()> {
        let n = self.exec(
            "UPDATE visit_answers SET proposal = ?3 WHERE visit_id = ?1 AND item_code = ?2 AND is_problem = 1",
            params![visit_id, item, to.code()],
        )?;
        if n == 0 {
            return Err(StoreError::Missing(format!("{visit_id}/{item}")));
        }
        self.exec(
            "UPDATE visits SET updated_at = ?2, origin = ?3 WHERE id = ?1",
            params![visit_id, self.stamp, self.origin],
        )?;
        Ok(())
    }

    /// Appends an event to a problem's history.
    pub fn problem_event(
        &self,
        problem_id: &str,
        actor: &Actor,
        kind: &str,
        from: Option<Status>,
        to: Option<Status>,
        note: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO problem_events(id, problem_id, at, actor_id, actor_name, kind, from_status, to_status, note, updated_at, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?10)",
            params![
                new_id(),
                problem_id,
                self.stamp,
                actor.cadre_id,
                actor.name,
                kind,
                from.map(Status::code),
                to.map(Status::code),
                note,
                self.origin
            ],
        )?;
        Ok(())
    }
}

/// "field: old → new" for each field an edit changed, one per line.
fn describe_changes(old: &Problem, new: &Problem) -> String {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let pairs = [
        ("field.problem_group", old.group.clone(), new.group.clone()),
        ("field.description", old.description.clone(), new.description.clone()),
        ("field.found_date", old.found.to_string(), new.found.to_string()),
        ("field.responsible_person", old.responsible_person.clone(), new.responsible_person.clone()),
        ("field.responsible_unit", old.responsible_unit.clone(), new.responsible_unit.clone()),
        ("field.deadline", date(old.deadline), date(new.deadline)),
        ("field.measures", old.measures.clone(), new.measures.clone()),
    ];
    pairs
        .iter()
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(key, a, b)| format!("{}：{} → {}", t(key), a.trim(), b.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}
