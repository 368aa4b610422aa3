//! What visits found, joined to the checklist items that asked: a period's problem answers with
//! their group and question, and the answers still waiting as ledger proposals (待确认), each
//! as the problem it would become. One query for the answers; each template is read once.

use super::{Catalog, Result};
use crate::model::ledger::{GROUPS, Problem};
use crate::model::month::all_time;
use crate::model::visit::Proposal;
use crate::store::{ProblemAnswer, Store};
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
}

/// The problem answers of visits in `from..=to` in a village (`None`: everywhere), newest first.
pub fn findings(
    store: &Store,
    catalog: &mut Catalog,
    village_id: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Finding>> {
    let answers = store.problem_answers(village_id, from, to)?;
    Ok(answers
        .into_iter()
        .map(|answer| {
            let item = catalog.get(store, &answer.template_id).ok().and_then(|t| t.item(&answer.item).cloned());
            let (group, question) = item
                .map(|i| (i.group, i.text))
                .unwrap_or_else(|| (GROUPS[GROUPS.len() - 1].to_string(), answer.item.clone()));
            Finding { answer, group, question }
        })
        .collect())
}

/// The pending proposals of a village (or all), newest visit first.
pub fn pending_proposals(store: &Store, catalog: &mut Catalog, village_id: Option<&str>) -> Result<Vec<Proposed>> {
    let (from, to) = all_time();
    Ok(findings(store, catalog, village_id, from, to)?
        .into_iter()
        .filter(|f| f.answer.proposal.as_deref() == Some(Proposal::Pending.code()))
        .map(|f| {
            let a = f.answer;
            let mut description = format!("{}：{}", f.question, a.value);
            if !a.note.trim().is_empty() {
                description = format!("{description}（{}）", a.note.trim());
            }
            let mut problem = Problem::new(&a.village_id, Some(a.household_id.clone()), &f.group, &description, a.date);
            problem.visit_id = Some(a.visit_id.clone());
            problem.item_code = Some(a.item.clone());
            Proposed { problem, head_name: a.head_name }
        })
        .collect())
}
