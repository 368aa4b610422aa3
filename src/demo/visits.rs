//! Demo visits: a household's cadre visits it most months, answers fit the household (items that
//! do not apply are skipped, the income follows who works), and now and then a problem is found.

use super::Generator;
use crate::checklist::{Applies, Context, ItemKind, ItemRole, ProblemRule, Template};
use crate::model::coded::{Health, Work};
use crate::model::register::{Household, Member};
use crate::model::visit::{Answer, HouseholdFacts, NO, NOT_APPLICABLE, ReviewStatus, Visit, VisitKind, YES, age_on};
use crate::store::{Result, Writer};
use chrono::{Datelike, Days, Months, NaiveDate};

/// Share of months a household is visited.
const VISITED: f64 = 0.9;
/// Chance that an applicable yes/no item shows a problem on a visit.
const PROBLEM: f64 = 0.006;

const MEASURES: &[&str] = &[
    "宣讲健康扶贫和医保政策",
    "协助办理慢病卡",
    "联系县内企业推荐务工岗位",
    "讲解小额信贷政策",
    "指导春季种植和养殖",
    "核对家庭收入台账",
    "帮助整理《帮扶手册》和明白卡",
    "督促落实“五干净一规范”",
    "送去米面油等慰问物资",
    "协调村医上门随访",
    "讲解教育资助政策",
];

const DIFFICULTIES: &[&str] = &[
    "协调解决了自来水管冻裂问题",
    "帮助申请临时救助",
    "联系维修了入户道路",
    "帮助孩子办理学生资助",
    "协助报销住院费用",
    "帮助销售农产品",
];

/// The household's yearly net income as its members' work and ages suggest.
fn yearly_income(g: &mut Generator, members: &[Member], on: NaiveDate) -> f64 {
    let mut income = g.rng.range(3000, 9000) as f64; // farming and sidelines
    for m in members {
        income += g.rng.range(1200, 2500) as f64; // land, forest and transfer income per person
        income += match m.work {
            Work::InCounty => g.rng.range(18_000, 32_000),
            Work::InProvince => g.rng.range(25_000, 42_000),
            Work::OutOfProvince => g.rng.range(30_000, 55_000),
            Work::PublicPost => g.rng.range(6_000, 9_600),
            Work::None => 0,
        } as f64;
        if age_on(m, on).is_some_and(|a| a >= 60) {
            income += g.rng.range(1_500, 3_000) as f64;
        }
        if m.health == Health::Disabled {
            income += 1_200.0;
        }
    }
    (income / 100.0).round() * 100.0
}

impl Generator {
    /// A row key for a visit: keys increase in the order visits are made, so their rows are
    /// appended to the tables' indexes rather than scattered through them.
    pub(super) fn visit_key(&mut self) -> String {
        self.visit_millis += 1;
        self.rng.uuid_v7(self.visit_millis)
    }

    /// Visits of one household by its cadre from `start` (a first of month) to today.
    pub(super) fn visits(
        &mut self,
        w: &Writer<'_>,
        household: &Household,
        members: &[Member],
        cadre: &str,
        start: NaiveDate,
        threshold: f64,
    ) -> Result<usize> {
        let Some((template_id, template)) = self.template.clone() else { return Ok(0) };
        let today = self.opts.today;
        // Facts the register lacks, fixed per household.
        let old_house = self.rng.chance(0.1);
        let renovated = self.rng.chance(0.15);
        let base_income = yearly_income(self, members, today);
        let ctx = Context { threshold, members: members.len() };
        let mut made = 0;
        let mut month = start;
        while month <= today {
            let last = (month + Months::new(1) - Days::new(1)).min(today);
            let this_month = last == today;
            // In the current month only some households have had their visit yet.
            let visited = self.rng.chance(if this_month { VISITED * f64::from(today.day()) / 31.0 } else { VISITED });
            if visited {
                let date = month + Days::new(self.rng.range(0, i64::from(last.day()) - 1) as u64);
                let facts = HouseholdFacts::of(household, members, date);
                let income = (base_income * (0.95 + self.rng.range(0, 10) as f64 / 100.0)).round();
                let answers = self.answers(&template, &facts, old_house, renovated, income);
                let mut visit = Visit::new(&household.id, cadre, date, VisitKind::Monthly, &template_id);
                visit.id = self.visit_key();
                visit.measures = self.rng.pick(MEASURES).to_string();
                if self.rng.chance(0.3) {
                    visit.difficulties = self.rng.pick(DIFFICULTIES).to_string();
                }
                visit.answers = answers;
                // The first secretary has gone through the months before this one.
                if !this_month {
                    visit.review = ReviewStatus::Reviewed;
                }
                template.score(&mut visit, ctx);
                let rechecked = w.save_visit(&mut visit, false)?;
                if !this_month {
                    self.ledger_entries(w, &visit, &rechecked, &template, &household.village_id)?;
                }
                made += 1;
            }
            month = month + Months::new(1);
        }
        Ok(made)
    }

    fn answers(
        &mut self,
        template: &Template,
        facts: &HouseholdFacts,
        old_house: bool,
        renovated: bool,
        income: f64,
    ) -> Vec<Answer> {
        let mut out = Vec::with_capacity(template.items.len());
        for item in &template.items {
            let value = match (item.applies(facts), &item.kind) {
                (Applies::No, _) => continue,
                (_, ItemKind::Number) if item.role == Some(ItemRole::HouseholdIncome) => format!("{income:.0}"),
                (_, ItemKind::Number | ItemKind::Text) => continue,
                (_, ItemKind::Choice(choices)) => {
                    let weights: Vec<(usize, u32)> =
                        (0..choices.len()).map(|i| (i, [85, 14].get(i).copied().unwrap_or(1))).collect();
                    choices[*self.rng.weighted(&weights)].clone()
                }
                (Applies::Ask, ItemKind::YesNoNa) if !fits_asked(item.code.as_str(), old_house, renovated) => {
                    NOT_APPLICABLE.to_string()
                }
                (_, ItemKind::YesNoNa) if item.code == "hospital_payment" && self.rng.chance(0.7) => {
                    NOT_APPLICABLE.to_string()
                }
                (_, ItemKind::YesNoNa) => {
                    let problem = match &item.problem {
                        ProblemRule::Answer(a) => Some(a.as_str()),
                        _ => None,
                    };
                    let good = if problem == Some(YES) { NO } else { YES };
                    match problem {
                        Some(bad) if self.rng.chance(PROBLEM) => bad.to_string(),
                        _ => good.to_string(),
                    }
                }
            };
            out.push(Answer { item: item.code.clone(), value, is_problem: false, note: String::new() });
        }
        out
    }
}

/// Whether an item the register cannot decide applies to this household's house.
fn fits_asked(code: &str, old_house: bool, renovated: bool) -> bool {
    match code {
        "old_house_sealed" => old_house,
        "renovation_accepted" => renovated,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{DemoOptions, generate};
    use crate::model::month::Month;
    use crate::model::visit::age_on;
    use crate::store::Store;
    use chrono::NaiveDate;

    fn demo(seed: u64) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        generate(&mut store, &DemoOptions { villages: 1, households: 60, months: 6, seed, today }).unwrap();
        store
    }

    #[test]
    fn visits_are_mostly_monthly_fit_the_household_and_repeat_per_seed() {
        let store = demo(3);
        let mut visits = 0;
        let mut problems = 0;
        let mut months_missed = 0;
        let mut signature = Vec::new();
        for row in store.household_rows(None).unwrap().iter().filter(|r| r.cadre_id.is_some()) {
            let (_, members) = store.household(&row.id).unwrap().unwrap();
            let history = store.visits_of(&row.id).unwrap();
            let months: std::collections::HashSet<String> =
                history.iter().map(|v| Month::of(v.date).to_string()).collect();
            months_missed += 6 - months.iter().filter(|m| m.as_str() < "2026-11").count();
            for v in &history {
                let visit = store.visit(&v.id).unwrap().unwrap();
                visits += 1;
                problems += visit.problems().count();
                signature.push((visit.date, visit.answers.len(), visit.household_income));
                let elderly = members.iter().any(|m| age_on(m, visit.date).is_some_and(|a| a >= 60));
                assert_eq!(visit.answer("pension").is_some(), elderly, "养老 asked only where someone is 60+");
                let per_capita = visit.household_income.unwrap() / members.len() as f64;
                assert_eq!(visit.income_per_capita, Some(per_capita));
            }
        }
        assert!(visits > 250, "{visits} visits");
        assert!(months_missed > 0, "some months are missed");
        assert!(problems > 0, "some problems are found");
        let again = demo(3);
        let mut second = Vec::new();
        for row in again.household_rows(None).unwrap().iter().filter(|r| r.cadre_id.is_some()) {
            for v in again.visits_of(&row.id).unwrap() {
                let visit = again.visit(&v.id).unwrap().unwrap();
                second.push((visit.date, visit.answers.len(), visit.household_income));
            }
        }
        assert_eq!(signature, second, "the same seed gives the same visits");
    }
}
