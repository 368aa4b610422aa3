//! Visits with their answers: saving, reading one, a household's history and a period's list.
//! Drafts live in [`super::drafts`], a month's overview in [`super::month`].

use super::day::day;
use super::{Result, Store, StoreError, Writer};
use crate::i18n::t;
use crate::model::attachment::Signatures;
use crate::model::ids::new_id;
use crate::model::ledger::Actor;
use crate::model::month::Month;
use crate::model::visit::{Answer, Proposal, ReviewStatus, Visit};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use std::collections::{BTreeMap, HashMap};

/// One line of a household's visit history.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    /// Visit id.
    pub id: String,
    /// 走访日期.
    pub date: NaiveDate,
    /// The cadre who visited.
    pub cadre_id: String,
    /// Their name.
    pub cadre_name: String,
    /// 走访类型 (code).
    pub kind: String,
    /// Review state.
    pub review: ReviewStatus,
    /// How many answers are problems.
    pub problems: usize,
    /// Applicable items left unanswered when it was saved (0: complete).
    pub unanswered: u32,
    /// Who typed it in, when not the cadre who visited (empty otherwise).
    pub recorder_name: String,
    /// Photos on the visit.
    pub photos: i64,
    /// Which signatures it has.
    pub signatures: Signatures,
}

/// A visit with its answers and the first secretary's comment, as ledgers list it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitEntry {
    /// The visit with its answers.
    pub visit: Visit,
    /// The reviewer's comment or the reason it was returned.
    pub review_comment: String,
    /// Changed (itself or its answers) after it was reviewed, as the audit log tells.
    pub changed_after_review: bool,
}

/// The photos and signatures on a visit, as the visit ledger counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evidence {
    /// Photos.
    pub photos: i64,
    /// Which signatures it has.
    pub signatures: Signatures,
}

/// A household as the visit ledgers name it: where it is and who heads it, without the members
/// and search keys of a [`super::HouseholdRow`] (a township's 10,000 households stay small).
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerHousehold {
    /// Its village.
    pub village_id: String,
    /// 村民小组 name (empty when unknown).
    pub group: String,
    /// 户编号.
    pub code: String,
    /// 户主姓名.
    pub head_name: String,
    /// The head's ID number (full; masked for display), empty when no member is 户主.
    pub head_id_number: String,
}

const VISIT_COLUMNS: &str = "id, household_id, cadre_id, visit_date, kind, template_id, measures, difficulties,
     household_income, income_per_capita, satisfaction, review_status, unanswered, recorded_by";

fn visit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Visit> {
    Ok(Visit {
        id: r.get(0)?,
        household_id: r.get(1)?,
        cadre_id: r.get(2)?,
        date: day(r, 3)?,
        kind: r.get(4)?,
        template_id: r.get(5)?,
        measures: r.get(6)?,
        difficulties: r.get(7)?,
        household_income: r.get(8)?,
        income_per_capita: r.get(9)?,
        satisfaction: r.get(10)?,
        answers: Vec::new(),
        review: ReviewStatus::from_code(&r.get::<_, String>(11)?).unwrap_or(ReviewStatus::Pending),
        unanswered: r.get(12)?,
        recorded_by: r.get(13)?,
    })
}

/// An answer from the columns item_code, value, is_problem, note starting at `at`.
fn answer_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Answer> {
    Ok(Answer { item: r.get(at)?, value: r.get(at + 1)?, is_problem: r.get(at + 2)?, note: r.get(at + 3)? })
}

/// [`answer_at`] from column 0, written over `answer`'s strings instead of new ones.
fn answer_into(r: &rusqlite::Row<'_>, answer: &mut Answer) -> rusqlite::Result<()> {
    for (at, s) in [(0, &mut answer.item), (1, &mut answer.value), (3, &mut answer.note)] {
        s.clear();
        s.push_str(r.get_ref(at)?.as_str()?);
    }
    answer.is_problem = r.get(2)?;
    Ok(())
}

impl Store {
    /// Saves a visit and its answers in one transaction and deletes the form's draft. A new
    /// visit gets its id. Refused: a date after `today`, a missing cadre, or a visit already
    /// reviewed.
    pub fn save_visit(&mut self, visit: &mut Visit, today: NaiveDate) -> Result<Vec<String>> {
        self.save_visit_then(visit, today, |_, _| Ok(()))
    }

    /// [`Self::save_visit`], then `also` with the visit's id, in the same transaction.
    pub(super) fn save_visit_then(
        &mut self,
        visit: &mut Visit,
        today: NaiveDate,
        also: impl FnOnce(&Writer<'_>, &str) -> Result<()>,
    ) -> Result<Vec<String>> {
        if let Some(key) = visit.refusal(today) {
            return Err(StoreError::Refused(t(key).to_string()));
        }
        self.write(|w| {
            if !visit.id.is_empty() {
                let status: Option<String> =
                    w.tx.query_row("SELECT review_status FROM visits WHERE id = ?1", [&visit.id], |r| r.get(0))
                        .optional()?;
                if status.as_deref() == Some(ReviewStatus::Reviewed.code()) {
                    return Err(StoreError::Refused(t("visit.err.reviewed").to_string()));
                }
                if w.is_signed(&visit.id)? && w.answers_changed(visit)? {
                    return Err(StoreError::Refused(t("visit.err.signed").to_string()));
                }
            }
            let draft_of = (!visit.id.is_empty()).then(|| visit.id.clone());
            let rechecked = w.save_visit(visit, draft_of.is_some())?;
            w.delete_draft(&visit.household_id, draft_of.as_deref())?;
            also(w, &visit.id)?;
            Ok(rechecked)
        })
    }

    /// A visit with its answers.
    pub fn visit(&self, id: &str) -> Result<Option<Visit>> {
        let visit = self
            .db()
            .query_row(
                &format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = ?1 AND deleted_at IS NULL"),
                [id],
                visit_from_row,
            )
            .optional()?;
        let Some(mut visit) = visit else { return Ok(None) };
        let mut st = self
            .db()
            .prepare_cached("SELECT item_code, value, is_problem, note FROM visit_answers WHERE visit_id = ?1")?;
        visit.answers = st.query_map([id], |r| answer_at(r, 0))?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(visit))
    }

    /// The checklist version a visit used (`None` when there is no such visit).
    pub fn visit_template_id(&self, id: &str) -> Result<Option<String>> {
        let mut st = self.db().prepare_cached("SELECT template_id FROM visits WHERE id = ?1 AND deleted_at IS NULL")?;
        Ok(st.query_row([id], |r| r.get(0)).optional()?)
    }

    /// The visits of `from..=to` in a village (`None`: everywhere) with their answers and review
    /// comments, by date, then 户编号; visits of households removed from the register are left out.
    pub fn visits_between(&self, village_id: Option<&str>, from: NaiveDate, to: NaiveDate) -> Result<Vec<VisitEntry>> {
        let columns = VISIT_COLUMNS.split(',').map(|c| format!("v.{}", c.trim())).collect::<Vec<_>>().join(", ");
        // SQLite works out both sides of an AND in a result column: the CASE spares the audit-log
        // look-ups of visits never reviewed.
        let mut st = self.db().prepare_cached(&format!(
            "SELECT {columns}, v.review_comment, CASE WHEN v.reviewed_at IS NULL THEN 0 ELSE {changed} END
               FROM visits v JOIN households h ON h.id = v.household_id
              WHERE v.deleted_at IS NULL AND h.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3
                AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY v.visit_date, h.code, v.created_at",
            changed = super::audit::CHANGED_AFTER_REVIEW
        ))?;
        let mut entries = st
            .query_map(params![village_id, from, to], |r| {
                let n = VISIT_COLUMNS.split(',').count();
                Ok(VisitEntry {
                    visit: visit_from_row(r)?,
                    review_comment: r.get(n)?,
                    changed_after_review: r.get(n + 1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let at: HashMap<String, usize> = entries.iter().enumerate().map(|(i, e)| (e.visit.id.clone(), i)).collect();
        let mut st = self.db().prepare_cached(
            "SELECT a.visit_id, a.item_code, a.value, a.is_problem, a.note FROM visit_answers a
               JOIN visits v ON v.id = a.visit_id JOIN households h ON h.id = v.household_id
              WHERE v.deleted_at IS NULL AND h.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3
                AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
        )?;
        let answers =
            st.query_map(params![village_id, from, to], |r| Ok((r.get::<_, String>(0)?, answer_at(r, 1)?)))?;
        for row in answers {
            let (visit_id, answer) = row?;
            if let Some(&i) = at.get(&visit_id) {
                entries[i].visit.answers.push(answer);
            }
        }
        Ok(entries)
    }

    /// The visits of `from..=to` in a village (`None`: everywhere), in the order of
    /// [`Store::visits_between`], as the rowids [`Store::each_visit_of`] reads them by; and the
    /// checklist versions they used, in the order of their first visit.
    pub fn visit_order(
        &self,
        village_id: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(Vec<i64>, Vec<String>)> {
        // The order first, then each visit by its rowid: SQLite keeps its sorts in memory, and
        // sorting whole rows held a township's 24 months of visits there (60 MB).
        let mut st = self.db().prepare_cached(
            "SELECT v.rowid, v.template_id FROM visits v JOIN households h ON h.id = v.household_id
              WHERE v.deleted_at IS NULL AND h.deleted_at IS NULL AND v.visit_date BETWEEN ?2 AND ?3
                AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)
              ORDER BY v.visit_date, h.code, v.created_at",
        )?;
        let mut rows = st.query(params![village_id, from, to])?;
        let (mut order, mut templates) = (Vec::new(), Vec::<String>::new());
        while let Some(r) = rows.next()? {
            order.push(r.get(0)?);
            // A period has a version or two: a look along them is cheaper than a string per visit.
            let template = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            if !templates.iter().any(|t| t == template) {
                templates.push(template.to_string());
            }
        }
        Ok((order, templates))
    }

    /// The visits `order` names (from [`Store::visit_order`]), with the content of
    /// [`Store::visits_between`], handed to `each` one at a time with the photos and signatures
    /// on each: nothing of the period is held in memory, so a township's 24 months stream into a
    /// ledger. A visit deleted since is left out. Returns how many were handed over.
    pub fn each_visit_of<E: From<StoreError>>(
        &self,
        order: &[i64],
        mut each: impl FnMut(&VisitEntry, Evidence) -> std::result::Result<(), E>,
    ) -> std::result::Result<usize, E> {
        let columns = VISIT_COLUMNS.split(',').map(|c| format!("v.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let n = VISIT_COLUMNS.split(',').count();
        let sql = |e: rusqlite::Error| E::from(StoreError::from(e));
        let mut st = self
            .db()
            .prepare_cached(&format!(
                "SELECT {columns}, v.review_comment, CASE WHEN v.reviewed_at IS NULL THEN 0 ELSE {changed} END,
                        (SELECT count(*) FROM attachments x WHERE x.owner_id = v.id AND x.kind = '照片' AND x.deleted_at IS NULL),
                        EXISTS (SELECT 1 FROM attachments x WHERE x.owner_id = v.id AND x.kind = '户签名' AND x.deleted_at IS NULL),
                        EXISTS (SELECT 1 FROM attachments x WHERE x.owner_id = v.id AND x.kind = '干部签名' AND x.deleted_at IS NULL)
                   FROM visits v WHERE v.rowid = ?1",
                changed = super::audit::CHANGED_AFTER_REVIEW
            ))
            .map_err(sql)?;
        let mut answers = self
            .db()
            .prepare_cached("SELECT item_code, value, is_problem, note FROM visit_answers WHERE visit_id = ?1")
            .map_err(sql)?;
        let mut count = 0;
        // One visit's answers at a time, their strings written over the last visit's: a
        // township's 24 months are 5.5 million answers.
        let mut kept: Vec<Answer> = Vec::new();
        for rowid in order {
            let mut rows = st.query([rowid]).map_err(sql)?;
            let Some(r) = rows.next().map_err(sql)? else { continue };
            let mut entry = VisitEntry {
                visit: visit_from_row(r).map_err(sql)?,
                review_comment: r.get(n).map_err(sql)?,
                changed_after_review: r.get(n + 1).map_err(sql)?,
            };
            let evidence = Evidence {
                photos: r.get(n + 2).map_err(sql)?,
                signatures: Signatures::of(r.get(n + 3).map_err(sql)?, r.get(n + 4).map_err(sql)?),
            };
            let mut given = 0;
            let mut rows = answers.query([&entry.visit.id]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                if given == kept.len() {
                    kept.push(Answer::default());
                }
                answer_into(r, &mut kept[given]).map_err(sql)?;
                given += 1;
            }
            kept.truncate(given);
            entry.visit.answers = std::mem::take(&mut kept);
            each(&entry, evidence)?;
            kept = std::mem::take(&mut entry.visit.answers);
            count += 1;
        }
        Ok(count)
    }

    /// What became of visit `visit_id`'s problem answers proposed for the ledger, by item.
    pub fn proposals_of(&self, visit_id: &str) -> Result<HashMap<String, Proposal>> {
        let mut st = self.db().prepare_cached(
            "SELECT item_code, proposal FROM visit_answers WHERE visit_id = ?1 AND is_problem = 1 AND proposal IS NOT NULL",
        )?;
        let rows = st.query_map([visit_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (item, code) = row?;
            if let Some(p) = Proposal::from_code(&code) {
                out.insert(item, p);
            }
        }
        Ok(out)
    }

    /// The households of a village (`None`: every village), archived ones too (old visits name
    /// them), by id: what [`Store::household_rows`] tells of each, in one seek per household.
    pub fn ledger_households(&self, village_id: Option<&str>) -> Result<HashMap<String, LedgerHousehold>> {
        // The first 户主 in the members' order, as the household list finds it.
        let mut st = self.db().prepare_cached(
            "SELECT h.id, h.village_id, coalesce(g.name, ''), h.code, h.head_name,
                    coalesce((SELECT m.id_number FROM members m
                               WHERE m.household_id = h.id AND m.deleted_at IS NULL AND m.relation = ?2
                               ORDER BY m.rowid LIMIT 1), '')
               FROM households h LEFT JOIN village_groups g ON g.id = h.group_id
              WHERE h.deleted_at IS NULL AND h.village_id IN (SELECT id FROM villages WHERE ?1 IS NULL OR id = ?1)",
        )?;
        let rows = st.query_map(params![village_id, crate::model::coded::Relation::Head.code()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                LedgerHousehold {
                    village_id: r.get(1)?,
                    group: r.get(2)?,
                    code: r.get(3)?,
                    head_name: r.get(4)?,
                    head_id_number: r.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A household's visits, newest first.
    pub fn visits_of(&self, household_id: &str) -> Result<Vec<VisitRow>> {
        let mut st = self.db().prepare_cached(
            "SELECT v.id, v.visit_date, v.cadre_id, coalesce(c.name, ''), v.kind, v.review_status,
                    (SELECT count(*) FROM visit_answers a WHERE a.visit_id = v.id AND a.is_problem = 1),
                    v.unanswered, coalesce(rc.name, ''),
                    (SELECT count(*) FROM attachments x WHERE x.owner_id = v.id AND x.kind = '照片' AND x.deleted_at IS NULL),
                    EXISTS (SELECT 1 FROM attachments x WHERE x.owner_id = v.id AND x.kind = '户签名' AND x.deleted_at IS NULL),
                    EXISTS (SELECT 1 FROM attachments x WHERE x.owner_id = v.id AND x.kind = '干部签名' AND x.deleted_at IS NULL)
               FROM visits v LEFT JOIN cadres c ON c.id = v.cadre_id LEFT JOIN cadres rc ON rc.id = v.recorded_by
              WHERE v.household_id = ?1 AND v.deleted_at IS NULL
              ORDER BY v.visit_date DESC, v.created_at DESC",
        )?;
        let rows = st.query_map([household_id], |r| {
            Ok(VisitRow {
                id: r.get(0)?,
                date: r.get(1)?,
                cadre_id: r.get(2)?,
                cadre_name: r.get(3)?,
                kind: r.get(4)?,
                review: ReviewStatus::from_code(&r.get::<_, String>(5)?).unwrap_or(ReviewStatus::Pending),
                problems: r.get::<_, i64>(6)? as usize,
                unanswered: r.get(7)?,
                recorder_name: r.get(8)?,
                photos: r.get(9)?,
                signatures: Signatures::of(r.get(10)?, r.get(11)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A household's latest visit, with its answers.
    pub fn latest_visit(&self, household_id: &str) -> Result<Option<Visit>> {
        match self.visits_of(household_id)?.first() {
            Some(row) => self.visit(&row.id),
            None => Ok(None),
        }
    }

    /// The months (`YYYY-MM`) from `from` on in which a household was visited, each with the
    /// names of who visited.
    pub fn months_visited(&self, household_id: &str, from: NaiveDate) -> Result<BTreeMap<String, Vec<String>>> {
        let mut st = self.db().prepare_cached(
            "SELECT DISTINCT substr(v.visit_date, 1, 7), coalesce(c.name, '')
               FROM visits v LEFT JOIN cadres c ON c.id = v.cadre_id
              WHERE v.household_id = ?1 AND v.visit_date >= ?2 AND v.deleted_at IS NULL
              ORDER BY v.visit_date",
        )?;
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in
            st.query_map(params![household_id, from], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        {
            let (month, name) = row?;
            out.entry(month).or_default().push(name);
        }
        Ok(out)
    }

    /// The date of another visit (not `except`) by the same cadre to the same household in the
    /// month of `date`, if there is one.
    pub fn same_month_visit(
        &self,
        household_id: &str,
        cadre_id: &str,
        date: NaiveDate,
        except: &str,
    ) -> Result<Option<NaiveDate>> {
        let month = Month::of(date);
        Ok(self
            .db()
            .query_row(
                "SELECT visit_date FROM visits
                  WHERE household_id = ?1 AND cadre_id = ?2 AND visit_date BETWEEN ?3 AND ?4 AND id <> ?5 AND deleted_at IS NULL
                  ORDER BY visit_date LIMIT 1",
                params![household_id, cadre_id, month.first_day(), month.last_day(), except],
                |r| r.get(0),
            )
            .optional()?)
    }
}

impl Writer<'_> {
    /// Whether `v`'s answers differ from those stored for it.
    fn answers_changed(&self, v: &Visit) -> Result<bool> {
        let mut st = self.tx.prepare_cached("SELECT item_code, value FROM visit_answers WHERE visit_id = ?1")?;
        let stored: BTreeMap<String, String> =
            st.query_map([&v.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let given: BTreeMap<String, String> =
            v.answers.iter().map(|a| (a.item.clone(), a.value.trim().to_string())).collect();
        Ok(stored != given)
    }

    /// Upserts a visit (a new one gets its id) and its answers within this transaction. A new
    /// visit is stored with its review state; an existing one keeps its own (one sent back
    /// becomes 待审核 again). When it `existed`, answers no longer given are removed. Problem answers are proposed for the
    /// ledger (待确认) unless the household's open problem for the item is still there (see
    /// [`Self::recheck_open_problems`]; those items are returned); a proposal already confirmed or
    /// ignored is kept while the answer stays a problem.
    pub fn save_visit(&self, v: &mut Visit, existed: bool) -> Result<Vec<String>> {
        if v.id.is_empty() {
            v.id = new_id();
        }
        self.tx
            .prepare_cached(
                "INSERT INTO visits(id, household_id, cadre_id, visit_date, kind, template_id, measures, difficulties,
                                    household_income, income_per_capita, satisfaction, review_status, created_at,
                                    updated_at, origin, unanswered, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?14, ?12, ?12, ?13, ?15, ?16)
                 ON CONFLICT(id) DO UPDATE SET cadre_id = excluded.cadre_id, visit_date = excluded.visit_date,
                   kind = excluded.kind, measures = excluded.measures, difficulties = excluded.difficulties,
                   household_income = excluded.household_income, income_per_capita = excluded.income_per_capita,
                   satisfaction = excluded.satisfaction, unanswered = excluded.unanswered,
                   recorded_by = excluded.recorded_by,
                   review_status = CASE WHEN visits.review_status = '已退回' THEN '待审核' ELSE visits.review_status END,
                   updated_at = excluded.updated_at, origin = excluded.origin",
            )?
            .execute(params![
                v.id,
                v.household_id,
                v.cadre_id,
                v.date,
                v.kind,
                v.template_id,
                v.measures.trim(),
                v.difficulties.trim(),
                v.household_income,
                v.income_per_capita,
                v.satisfaction,
                self.stamp,
                self.origin,
                v.review.code(),
                v.unanswered,
                v.recorded_by.as_deref().filter(|c| *c != v.cadre_id)
            ])?;
        if existed {
            #[allow(clippy::expect_used, reason = "a list of strings always serialises")]
            let kept = serde_json::to_string(&v.answers.iter().map(|a| a.item.as_str()).collect::<Vec<_>>())
                .expect("strings serialise");
            self.tx
                .prepare_cached(
                    "DELETE FROM visit_answers WHERE visit_id = ?1 AND item_code NOT IN (SELECT value FROM json_each(?2))",
                )?
                .execute(params![v.id, kept])?;
        }
        let mut st = self.tx.prepare_cached(
            "INSERT INTO visit_answers(visit_id, item_code, value, is_problem, proposal, note)
             VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 THEN ?5 END, ?6)
             ON CONFLICT(visit_id, item_code) DO UPDATE SET value = excluded.value, is_problem = excluded.is_problem,
               note = excluded.note,
               proposal = CASE WHEN excluded.is_problem THEN coalesce(visit_answers.proposal, excluded.proposal) END",
        )?;
        for a in &v.answers {
            st.execute(params![v.id, a.item, a.value.trim(), a.is_problem, Proposal::Pending.code(), a.note.trim()])?;
        }
        let rechecked = self.recheck_open_problems(v)?;
        self.log_answers()?;
        Ok(rechecked)
    }

    /// Problem answers of `v` still waiting to be proposed whose household already has an open
    /// problem for the same item (entered from an earlier visit) are not proposed again: the
    /// problem's history gains a 复查仍存在 event with the date and answer, and the answer is marked
    /// 复查. Returns the items so attached.
    fn recheck_open_problems(&self, v: &Visit) -> Result<Vec<String>> {
        let found: Vec<(String, String, String, String)> = self
            .tx
            .prepare_cached(
                "SELECT a.item_code, a.value, a.note,
                        (SELECT p.id FROM problems p
                          WHERE p.household_id = ?2 AND p.item_code = a.item_code AND p.deleted_at IS NULL
                            AND p.status <> '已销号' AND p.found_date <= ?3 AND p.visit_id IS NOT ?1
                          ORDER BY p.found_date DESC, p.id LIMIT 1)
                   FROM visit_answers a
                  WHERE a.visit_id = ?1 AND a.proposal = '待确认'",
            )?
            .query_map(params![v.id, v.household_id, v.date], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .filter_map(|r| match r {
                Ok((item, value, note, Some(problem))) => Some(Ok((item, value, note, problem))),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<_>>()?;
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let actor = self.visit_actor(&v.cadre_id)?;
        let mut items = Vec::new();
        for (item, value, note, problem) in found {
            self.recheck(&problem, &v.id, v.date, &item, &value, &note, &actor)?;
            items.push(item);
        }
        Ok(items)
    }
}

impl Writer<'_> {
    /// The cadre `cadre_id` as the author of what their visit records.
    pub(crate) fn visit_actor(&self, cadre_id: &str) -> Result<Actor> {
        let name: String = self
            .tx
            .query_row("SELECT name FROM cadres WHERE id = ?1", [cadre_id], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        Ok(Actor { cadre_id: Some(cadre_id.to_string()), name, role: None })
    }

    /// Notes on `problem` that the visit `visit_id` of `date` found its item still a problem
    /// (answer `value`, 情况说明 `note`), and marks that answer 复查.
    #[allow(clippy::too_many_arguments, reason = "one event's facts, each a different column")]
    pub(crate) fn recheck(
        &self,
        problem: &str,
        visit_id: &str,
        date: NaiveDate,
        item: &str,
        value: &str,
        note: &str,
        actor: &Actor,
    ) -> Result<()> {
        let mut line = crate::i18n::tf("ledger.recheck.line", &[("date", &date.to_string()), ("value", value)]);
        if !note.trim().is_empty() {
            line = format!("{line}（{}）", note.trim());
        }
        self.problem_event(problem, actor, RECHECK_EVENT, None, None, &line)?;
        self.set_proposal(visit_id, item, Proposal::Recheck)
    }
}

/// The kind of a problem's history event recording that a later visit found it still there.
pub const RECHECK_EVENT: &str = "复查仍存在";
