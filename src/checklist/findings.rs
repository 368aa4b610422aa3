//! What visits found, joined to the checklist items that asked: a period's problem answers with
//! their group and question, and the answers still waiting as ledger proposals (待确认), each
//! as the problem it would become. One query for the answers; each template is read once.

use super::{Catalog, Result};
use crate::model::ledger::{GROUPS, Problem};
use crate::model::month::all_time;
use crate::store::{GroupCounts, OpenProblem, ProblemAnswer, Store};
use chrono::NaiveDate;

/// A problem answer with its item's group and question.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The answer, its visit and household.
    pub answer: ProblemAnswer,
    /// The item's group (两不愁…); the last ledger group when the item is unknown.
    pub group: String,
    /// The item's question (its code when unknown).
    pub question: String,
}

/// A proposal waiting to be confirmed, as the problem it would become.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposed {
    /// The problem as it would be entered.
    pub problem: Problem,
    /// 户主姓名.
    pub head_name: String,
    /// The household's open problem for the same item, if one was entered since: the proposal
    /// may be added to it rather than entered twice.
    pub existing: Option<OpenProblem>,
}

/// The problem answers of visits in `from..=to` in a village (`None`: everywhere), newest first.
pub fn findings(
    store: &Store,
    catalog: &mut Catalog,
    village_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Finding>> {
    Ok(joined(store, catalog, store.problem_answers(village_id, from, to)?))
}

/// `answers` with their items' groups and questions.
fn joined(store: &Store, catalog: &mut Catalog, answers: Vec<ProblemAnswer>) -> Vec<Finding> {
    answers
        .into_iter()
        .map(|answer| {
            let item = catalog.get(store, &answer.template_id).ok().and_then(|t| t.item(&answer.item).cloned());
            let (group, question) = item
                .map(|i| (i.group, i.text))
                .unwrap_or_else(|| (GROUPS[GROUPS.len() - 1].to_string(), answer.item.clone()));
            Finding { answer, group, question }
        })
        .collect()
}

/// The pending proposals of a village (or all), newest visit first.
pub fn pending_proposals(store: &Store, catalog: &mut Catalog, village_id: Option<&str>) -> Result<Vec<Proposed>> {
    pending_until(store, catalog, village_id, all_time().1)
}

/// The proposals of visits up to `day` still waiting to be confirmed, newest visit first.
pub fn pending_until(
    store: &Store,
    catalog: &mut Catalog,
    village_id: Option<&str>,
    day: NaiveDate,
) -> Result<Vec<Proposed>> {
    let open = store.open_problems_by_item(village_id)?;
    Ok(joined(store, catalog, store.pending_answers(village_id, day)?)
        .into_iter()
        .map(|f| {
            let a = f.answer;
            let mut description = format!("{}：{}", f.question, a.value);
            if !a.note.trim().is_empty() {
                description = format!("{description}（{}）", a.note.trim());
            }
            let mut problem = Problem::new(&a.village_id, Some(a.household_id.clone()), &f.group, &description, a.date);
            problem.visit_id = Some(a.visit_id.clone());
            problem.item_code = Some(a.item.clone());
            let existing = open.get(&(a.household_id.clone(), a.item.clone())).cloned();
            Proposed { problem, head_name: a.head_name, existing }
        })
        .collect())
}

/// Problems by checklist group for `from..=to` as of `as_of` ([`Store::problem_group_counts`]),
/// with each group's proposals from the period's visits still waiting to be confirmed on
/// `as_of`: 本月发现 counts both, so a finding not yet confirmed is not lost.
pub fn group_counts(
    store: &Store,
    catalog: &mut Catalog,
    village_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<GroupCounts>> {
    let groups = store.problem_group_counts(village_id, from, to, as_of)?;
    Ok(with_pending(groups, &pending_until(store, catalog, village_id, as_of)?, from, to))
}

/// `groups` ([`Store::problem_group_counts`]) with each group's proposals in `pending` that came
/// from visits in `from..=to`.
pub fn with_pending(
    mut groups: Vec<GroupCounts>,
    pending: &[Proposed],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<GroupCounts> {
    for p in pending {
        if !(from..=to).contains(&p.problem.found) {
            continue;
        }
        match groups.iter_mut().find(|g| g.group == p.problem.group) {
            Some(g) => g.pending += 1,
            None => groups.push(GroupCounts { group: p.problem.group.clone(), pending: 1, ..Default::default() }),
        }
    }
    groups
}
