//! Checklist templates: TOML files → versioned templates in the store; a household's facts →
//! which items apply; answers → problems.
//!
//! A template version is named by the hash of its text. Visits keep the version they used, so
//! loading a changed file (a township's own checklist) makes a new version and never touches old
//! visits. The built-in templates in `assets/checklists/` are stored the first time they are
//! needed, unless a template of the same code was loaded before.

mod condition;
mod findings;
mod template;

pub use condition::{Applies, Condition};
pub use findings::{Finding, Proposed, findings, group_counts, pending_proposals, pending_until, with_pending};
pub use template::{
    Item, ItemKind, ItemRole, Limit, MAX_BYTES as TEMPLATE_MAX_BYTES, ProblemRule, Template, TemplateError, parse,
};

use crate::i18n::tf;
use crate::model::visit::{
    Answer, HouseholdFacts, NOT_APPLICABLE, Visit, VisitKind, below_threshold, parse_amount, per_capita,
};
use crate::store::{Store, StoreError, TemplateRow, Writer};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

/// The built-in templates: (code, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("monthly", include_str!("../../assets/checklists/monthly.toml")),
    ("verify", include_str!("../../assets/checklists/verify.toml")),
    ("secretary", include_str!("../../assets/checklists/secretary.toml")),
];

/// The six dimensions of 两不愁三保障 plus income, shown as chips on 户详情: the first six
/// checklist groups.
pub const DIMENSIONS: &[&str] = crate::model::ledger::GROUPS.split_at(6).0;

/// What can go wrong loading a template.
#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    /// The file could not be read.
    #[error("{}", tf("template.err.file", &[("path", &.0.display().to_string()), ("reason", .1)]))]
    File(std::path::PathBuf, String),
    /// The file is not a valid template.
    #[error("{}", tf("template.err.in_file", &[("path", &.0.display().to_string()), ("reason", &.1.to_string())]))]
    Invalid(std::path::PathBuf, TemplateError),
    /// A stored template no longer parses (the database was changed by hand).
    #[error("{}", tf("template.err.stored", &[("name", .0), ("reason", &.1.to_string())]))]
    Stored(String, TemplateError),
    /// No template serves this visit kind.
    #[error("{}", tf("template.err.none_for_kind", &[("kind", .0)]))]
    NoneForKind(String),
    /// The database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Result of checklist operations.
pub type Result<T> = std::result::Result<T, ChecklistError>;

/// Each checklist item's question by its code, as the audit log names answers: from every stored
/// template version (the newest's where versions differ), then the built-in templates.
pub fn item_questions(store: &Store) -> Result<HashMap<String, String>> {
    let rows = store.templates()?;
    let texts = rows.iter().map(|r| r.body.as_str()).chain(BUILTIN.iter().map(|(_, body)| *body));
    let mut questions = HashMap::new();
    // A stored version that no longer parses (loaded by an older build) names none.
    for template in texts.filter_map(|text| parse(text).ok()) {
        for item in template.items {
            questions.entry(item.code).or_insert(item.text);
        }
    }
    Ok(questions)
}

/// Stores the built-in templates whose code has no stored version yet.
pub fn ensure_builtins(w: &Writer<'_>) -> std::result::Result<(), StoreError> {
    BUILTIN.iter().try_for_each(|(code, _)| ensure_builtin(w, code))
}

/// Stores the built-in template `code` unless a version of it is stored.
pub fn ensure_builtin(w: &Writer<'_>, code: &str) -> std::result::Result<(), StoreError> {
    let Some((_, body)) = BUILTIN.iter().find(|(c, _)| *c == code) else { return Ok(()) };
    if !w.has_template(code)? {
        #[allow(clippy::expect_used, reason = "the built-in templates are compiled in and parsed by the tests")]
        let t = parse(body).expect("built-in templates are valid");
        w.store_template(&t.code, &t.version, &t.name, body)?;
    }
    Ok(())
}

/// What loading a template file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The stored version's id.
    pub id: String,
    /// The template's name and version label.
    pub name: String,
    /// The version label.
    pub version: String,
    /// False when the same text was already stored.
    pub new: bool,
}

/// Loads a template file (UTF-8, or GB18030 as Windows editors save it) into the store.
pub fn load_file(store: &mut Store, path: &Path) -> Result<Loaded> {
    let io = |e: std::io::Error| ChecklistError::File(path.to_path_buf(), e.to_string());
    if std::fs::metadata(path).map_err(io)?.len() > template::MAX_BYTES as u64 {
        return Err(ChecklistError::Invalid(path.to_path_buf(), template::too_large()));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
    };
    let template = parse(&text).map_err(|e| ChecklistError::Invalid(path.to_path_buf(), e))?;
    let (id, new) = store.store_template(&template.code, &template.version, &template.name, &text)?;
    Ok(Loaded { id, name: template.name, version: template.version, new })
}

/// Parsed templates by version id, read from the store once each.
#[derive(Default)]
pub struct Catalog {
    parsed: HashMap<String, Rc<Template>>,
}

impl Catalog {
    /// The template version `id`.
    pub fn get(&mut self, store: &Store, id: &str) -> Result<Rc<Template>> {
        if let Some(t) = self.parsed.get(id) {
            return Ok(t.clone());
        }
        let row = store.template(id)?.ok_or_else(|| StoreError::Missing(id.to_string()))?;
        let t = Rc::new(parse(&row.body).map_err(|e| ChecklistError::Stored(row.name.clone(), e))?);
        self.parsed.insert(id.to_string(), t.clone());
        Ok(t)
    }

    /// The newest stored template serving `kind`, with its id (versions that do not parse,
    /// which only a hand-edited database holds, are passed over).
    pub fn current(&mut self, store: &Store, kind: VisitKind) -> Result<(String, Rc<Template>)> {
        let rows: Vec<TemplateRow> = store.templates()?;
        for row in rows {
            match self.get(store, &row.id) {
                Ok(t) if t.kinds.contains(&kind) => return Ok((row.id, t)),
                Ok(_) | Err(ChecklistError::Stored(..)) => {}
                Err(e) => return Err(e),
            }
        }
        Err(ChecklistError::NoneForKind(kind.label().to_string()))
    }

    /// The group of an item of a template version (empty when unknown).
    pub fn group_of(&mut self, store: &Store, template_id: &str, item: &str) -> String {
        self.get(store, template_id).ok().and_then(|t| t.item(item).map(|i| i.group.clone())).unwrap_or_default()
    }
}

/// What a problem judgement needs beyond the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The village's 年人均纯收入 threshold.
    pub threshold: f64,
    /// The household's members.
    pub members: usize,
}

impl Template {
    /// The item with this code.
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The groups, in the order they first appear.
    pub fn groups(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for i in &self.items {
            if !out.contains(&i.group.as_str()) {
                out.push(&i.group);
            }
        }
        out
    }

    /// Fills what the answers decide in a visit: each answer's problem flag, the household
    /// income with its per-capita value, and the satisfaction.
    pub fn score(&self, visit: &mut Visit, ctx: Context) {
        visit.household_income = None;
        visit.income_per_capita = None;
        visit.satisfaction = None;
        for a in &mut visit.answers {
            let Some(item) = self.item(&a.item) else {
                a.is_problem = false;
                continue;
            };
            a.is_problem = item.is_problem(&a.value, ctx);
            match item.role {
                Some(ItemRole::HouseholdIncome) => {
                    visit.household_income = parse_amount(&a.value);
                    visit.income_per_capita = visit.household_income.and_then(|v| per_capita(v, ctx.members));
                }
                Some(ItemRole::Satisfaction) if !a.value.is_empty() => visit.satisfaction = Some(a.value.clone()),
                _ => {}
            }
        }
    }
}

impl Item {
    /// Whether the item applies to a household.
    pub fn applies(&self, facts: &HouseholdFacts) -> Applies {
        self.condition.map_or(Applies::Yes, |c| c.applies(facts))
    }

    /// Whether `value` is a problem answer to this item.
    pub fn is_problem(&self, value: &str, ctx: Context) -> bool {
        let value = value.trim();
        if value.is_empty() || value == NOT_APPLICABLE {
            return false;
        }
        match &self.problem {
            ProblemRule::Never => false,
            ProblemRule::Answer(a) => value == a,
            ProblemRule::Below(limit) => {
                let Some(n) = parse_amount(value) else { return false };
                let n = if self.role == Some(ItemRole::HouseholdIncome) {
                    match per_capita(n, ctx.members) {
                        Some(pc) => pc,
                        None => return false,
                    }
                } else {
                    n
                };
                below_threshold(
                    n,
                    match limit {
                        Limit::Threshold => ctx.threshold,
                        Limit::Value(v) => *v,
                    },
                )
            }
        }
    }
}

/// How one dimension of a household stands.
#[derive(Debug, Clone, PartialEq)]
pub enum DimensionState {
    /// Answered in a visit: no problem.
    Ok,
    /// Answered in a visit: a problem.
    Problem,
    /// Never answered: no visit yet.
    Unknown,
    /// Visited, but nothing of the group applied to the household (or it was answered 不适用),
    /// e.g. 义务教育 in a household without school-age children.
    NotApplicable,
}

/// A dimension chip: its group, state and the date of the visit it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    /// The group name (两不愁…).
    pub group: &'static str,
    /// How it stands.
    pub state: DimensionState,
    /// The visit it came from.
    pub date: Option<chrono::NaiveDate>,
}

/// The six dimensions of a household, each from the latest visit that answered it (answers of
/// 不适用 do not count); a dimension no visit answered is 不适用 as of the latest visit, and
/// unknown only when the household was never visited.
pub fn dimensions(store: &Store, catalog: &mut Catalog, household_id: &str) -> Result<Vec<Dimension>> {
    let mut out: Vec<Dimension> =
        DIMENSIONS.iter().map(|g| Dimension { group: g, state: DimensionState::Unknown, date: None }).collect();
    let visits = store.visits_of(household_id)?;
    let latest = visits.first().map(|v| v.date);
    for row in visits {
        if out.iter().all(|d| d.date.is_some()) {
            break;
        }
        let Some(visit) = store.visit(&row.id)? else { continue };
        let template = match catalog.get(store, &visit.template_id) {
            Ok(t) => t,
            Err(ChecklistError::Stored(..)) => continue,
            Err(e) => return Err(e),
        };
        for d in out.iter_mut().filter(|d| d.date.is_none()) {
            let answered: Vec<&Answer> = visit
                .answers
                .iter()
                .filter(|a| !a.value.trim().is_empty() && a.value != NOT_APPLICABLE)
                .filter(|a| template.item(&a.item).is_some_and(|i| i.group == d.group))
                .collect();
            if !answered.is_empty() {
                d.state =
                    if answered.iter().any(|a| a.is_problem) { DimensionState::Problem } else { DimensionState::Ok };
                d.date = Some(visit.date);
            }
        }
    }
    if let Some(date) = latest {
        for d in out.iter_mut().filter(|d| d.date.is_none()) {
            d.state = DimensionState::NotApplicable;
            d.date = Some(date);
        }
    }
    Ok(out)
}

/// Problems found in `from..=to` counted by template group, in a village (`None`: everywhere),
/// largest first.
pub fn problems_by_group(
    store: &Store,
    catalog: &mut Catalog,
    village_id: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<(String, usize)>> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (template, item, n) in store.problem_counts(village_id, from, to)? {
        *counts.entry(catalog.group_of(store, &template, &item)).or_default() += n;
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

#[cfg(test)]
mod tests;
