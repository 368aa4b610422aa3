//! Visits (走访记录) and their answers, the facts about a household a checklist condition needs,
//! and the income rule (年人均纯收入 against the village threshold).

use super::coded::{Category, Health, Labour, Schooling, Work};
use super::id_number::IdNumber;
use super::register::{Household, Member};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

coded!(
    /// 走访类型.
    VisitKind {
        /// 每月走访 (the cadre's monthly visit)
        Monthly = "每月走访",
        /// 信息核实 (checking the seven facts)
        Verify = "信息核实",
        /// 书记遍访 (the secretary visits every household)
        Secretary = "书记遍访",
        /// 陪同督查 (accompanying an inspection)
        Inspection = "陪同督查",
    }
);

coded!(
    /// Where a visit stands in the first secretary's review.
    ReviewStatus {
        /// 待审核
        Pending = "待审核",
        /// 已审核
        Reviewed = "已审核",
        /// 已退回 (sent back to its author for changes)
        Returned = "已退回",
    }
);

coded!(
    /// What became of a problem answer proposed for the ledger.
    Proposal {
        /// 待确认 (proposed, not yet looked at)
        Pending = "待确认",
        /// 已确认 (entered in the ledger)
        Confirmed = "已确认",
        /// 已忽略 (judged not a problem)
        Ignored = "已忽略",
        /// 复查 (the household's open problem for this item is still there: noted in its history)
        Recheck = "复查",
    }
);

/// The answer 是.
pub const YES: &str = "是";
/// The answer 否.
pub const NO: &str = "否";
/// The answer 不适用.
pub const NOT_APPLICABLE: &str = "不适用";

/// One answer of a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Answer {
    /// The template item's code.
    pub item: String,
    /// 是 / 否 / 不适用, a choice, a number or free text.
    pub value: String,
    /// Whether this answer is a problem (set from the template's rule when saved).
    #[serde(default)]
    pub is_problem: bool,
    /// 情况说明 typed beside the answer.
    #[serde(default)]
    pub note: String,
}

/// A visit as the form edits it and the store saves it. A draft is this, serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// Row key (empty until first saved).
    pub id: String,
    /// The household visited.
    pub household_id: String,
    /// The cadre who visited.
    pub cadre_id: String,
    /// 走访日期.
    pub date: NaiveDate,
    /// 走访类型 (its code).
    pub kind: String,
    /// The checklist template version used.
    pub template_id: String,
    /// 本次帮扶措施.
    pub measures: String,
    /// 解决的具体困难.
    pub difficulties: String,
    /// 家庭年纯收入（元）, when asked.
    pub household_income: Option<f64>,
    /// 年人均纯收入（元）, computed from the income and the members.
    pub income_per_capita: Option<f64>,
    /// 满意度.
    pub satisfaction: Option<String>,
    /// The answers, in template order.
    pub answers: Vec<Answer>,
    /// Review state (not part of what the form edits).
    #[serde(skip, default = "pending")]
    pub review: ReviewStatus,
    /// How many applicable items were left unanswered when it was saved (0: complete).
    #[serde(default)]
    pub unanswered: u32,
    /// The cadre who typed it in (我是…), when not the cadre who visited.
    #[serde(default)]
    pub recorded_by: Option<String>,
}

fn pending() -> ReviewStatus {
    ReviewStatus::Pending
}

impl Visit {
    /// A visit not yet answered, waiting for review once saved.
    pub fn new(household_id: &str, cadre_id: &str, date: NaiveDate, kind: VisitKind, template_id: &str) -> Self {
        Visit {
            id: String::new(),
            household_id: household_id.to_string(),
            cadre_id: cadre_id.to_string(),
            date,
            kind: kind.code().to_string(),
            template_id: template_id.to_string(),
            measures: String::new(),
            difficulties: String::new(),
            household_income: None,
            income_per_capita: None,
            satisfaction: None,
            answers: Vec::new(),
            review: ReviewStatus::Pending,
            unanswered: 0,
            recorded_by: None,
        }
    }

    /// The answer to `item`, if given.
    pub fn answer(&self, item: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.item == item)
    }

    /// The answers that are problems.
    pub fn problems(&self) -> impl Iterator<Item = &Answer> {
        self.answers.iter().filter(|a| a.is_problem)
    }

    /// Whether `me` (the cadre using this laptop; `None` when not set) may still change the
    /// visit: its author may, until it is reviewed.
    pub fn editable_by(&self, me: Option<&str>) -> bool {
        self.review != ReviewStatus::Reviewed && me.is_none_or(|m| m == self.cadre_id)
    }

    /// Why the visit cannot be saved as it is (`today` bounds the date), if it cannot.
    pub fn refusal(&self, today: NaiveDate) -> Option<&'static str> {
        if self.date > today {
            Some("visit.err.future")
        } else if self.cadre_id.is_empty() {
            Some("visit.err.no_cadre")
        } else if self.household_id.is_empty() || self.template_id.is_empty() {
            Some("visit.err.incomplete")
        } else {
            None
        }
    }
}

/// 年人均纯收入: household income shared by its members; `None` without members.
pub fn per_capita(household_income: f64, members: usize) -> Option<f64> {
    (members > 0 && household_income.is_finite()).then(|| household_income / members as f64)
}

/// Whether a per-capita income is under the village's threshold.
pub fn below_threshold(per_capita: f64, threshold: f64) -> bool {
    per_capita < threshold
}

/// Reads a number as typed: spaces, thousands commas and a trailing 元 are allowed.
pub fn parse_amount(text: &str) -> Option<f64> {
    let cleaned: String =
        super::text::clean(text).trim_end_matches('元').chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0)
}

/// A member's age in whole years on `on`, when their ID number gives the birth date.
pub fn age_on(member: &Member, on: NaiveDate) -> Option<u32> {
    let birth = IdNumber::parse(&member.id_number, on).ok()?.birth_date();
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

/// What the register says about a household that checklist conditions ask about.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HouseholdFacts {
    /// 户类别.
    pub category: Option<Category>,
    /// Each member's age on the visit date (`None`: unknown, no valid ID number).
    pub ages: Vec<Option<u32>>,
    /// Each member's health.
    pub health: Vec<Health>,
    /// Each member's schooling.
    pub schooling: Vec<Schooling>,
    /// Each member's labour capacity.
    pub labour: Vec<Labour>,
    /// Each member's work.
    pub work: Vec<Work>,
}

impl HouseholdFacts {
    /// The facts of a household and its members on the visit date.
    pub fn of(household: &Household, members: &[Member], on: NaiveDate) -> Self {
        HouseholdFacts {
            category: household.category,
            ages: members.iter().map(|m| age_on(m, on)).collect(),
            health: members.iter().map(|m| m.health).collect(),
            schooling: members.iter().map(|m| m.schooling).collect(),
            labour: members.iter().map(|m| m.labour).collect(),
            work: members.iter().map(|m| m.work).collect(),
        }
    }

    /// Number of members.
    pub fn members(&self) -> usize {
        self.health.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::id_number::check_char;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn income_is_shared_by_members_and_compared_with_the_threshold() {
        assert_eq!(per_capita(15000.0, 4), Some(3750.0));
        assert_eq!(per_capita(15000.0, 0), None);
        assert!(below_threshold(3750.0, 4000.0));
        assert!(!below_threshold(4000.0, 4000.0), "exactly the threshold is not under it");
        assert!(!below_threshold(3750.0, 3000.0));
    }

    #[test]
    fn amounts_are_read_as_typed() {
        assert_eq!(parse_amount(" 12,000 元"), Some(12000.0));
        assert_eq!(parse_amount("8500.5"), Some(8500.5));
        assert_eq!(parse_amount("一万"), None);
        assert_eq!(parse_amount("-5"), None);
    }

    #[test]
    fn ages_come_from_id_numbers() {
        let body = "61020220100315123";
        let m = Member { id_number: format!("{body}{}", check_char(body)), ..Member::default() };
        assert_eq!(age_on(&m, d(2026, 3, 14)), Some(15));
        assert_eq!(age_on(&m, d(2026, 3, 15)), Some(16));
        assert_eq!(age_on(&Member::default(), d(2026, 3, 15)), None);
    }

    #[test]
    fn only_the_author_edits_and_only_until_reviewed() {
        let mut v = Visit::new("h", "c1", d(2026, 5, 1), VisitKind::Monthly, "t");
        assert!(v.editable_by(Some("c1")));
        assert!(!v.editable_by(Some("c2")));
        v.review = ReviewStatus::Returned;
        assert!(v.editable_by(Some("c1")));
        v.review = ReviewStatus::Reviewed;
        assert!(!v.editable_by(Some("c1")));
        assert_eq!(v.refusal(d(2026, 4, 30)), Some("visit.err.future"));
        assert_eq!(v.refusal(d(2026, 5, 1)), None);
    }
}
