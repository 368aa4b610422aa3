//! When a checklist item applies to a household, judged from the register's facts (ages from ID
//! numbers, health, schooling, work, 户类别). Where the register lacks the fact (an old house,
//! 危改户) or an age is unknown, the cadre is asked: the item shows with 不适用 available.

use crate::model::coded::{Category, Health, Labour, Schooling, Work};
use crate::model::visit::HouseholdFacts;

/// A condition a template item can carry (`when = "…"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// `student`: a member is in school (学前 to 本科).
    Student,
    /// `school_age_child`: a member aged 6–15.
    SchoolAgeChild,
    /// `disabled_child`: a disabled member aged 6–15.
    DisabledChild,
    /// `disabled_member`: a disabled member.
    DisabledMember,
    /// `member_60_plus`: a member aged 60 or more.
    Member60Plus,
    /// `chronic_illness`: a member with a chronic or serious illness.
    ChronicIllness,
    /// `public_post`: a member works on a 公益性岗位.
    PublicPost,
    /// `able_member`: a member able to work.
    AbleMember,
    /// `vulnerable`: elderly, disabled or 兜底 (低保 / 特困) household.
    Vulnerable,
    /// `old_unsafe_house`: an old unsafe house remains (not in the register: asked).
    OldUnsafeHouse,
    /// `renovated_house`: a 危改户 (not in the register: asked).
    RenovatedHouse,
}

/// Whether an item applies to a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// It applies.
    Yes,
    /// It does not apply.
    No,
    /// The register cannot tell: the cadre answers, 不适用 being one answer.
    Ask,
}

const KEYS: &[(&str, Condition)] = &[
    ("student", Condition::Student),
    ("school_age_child", Condition::SchoolAgeChild),
    ("disabled_child", Condition::DisabledChild),
    ("disabled_member", Condition::DisabledMember),
    ("member_60_plus", Condition::Member60Plus),
    ("chronic_illness", Condition::ChronicIllness),
    ("public_post", Condition::PublicPost),
    ("able_member", Condition::AbleMember),
    ("vulnerable", Condition::Vulnerable),
    ("old_unsafe_house", Condition::OldUnsafeHouse),
    ("renovated_house", Condition::RenovatedHouse),
];

fn school_age(age: u32) -> bool {
    (6..=15).contains(&age)
}

/// Whether compulsory schooling shows a member is of school age when the age is unknown.
fn in_compulsory_school(s: Schooling) -> bool {
    matches!(s, Schooling::Primary | Schooling::Junior)
}

/// `Yes` when some member fits; otherwise `Ask` when some member's age is unknown and might
/// fit; otherwise `No`.
fn any_member(f: &HouseholdFacts, fits: impl Fn(usize, Option<u32>) -> Option<bool>) -> Applies {
    let mut unsure = false;
    for (i, age) in f.ages.iter().enumerate() {
        match fits(i, *age) {
            Some(true) => return Applies::Yes,
            Some(false) => {}
            None => unsure = true,
        }
    }
    if unsure { Applies::Ask } else { Applies::No }
}

fn known(b: bool) -> Applies {
    if b { Applies::Yes } else { Applies::No }
}

impl Condition {
    /// Reads the name used in template files.
    pub fn from_key(key: &str) -> Option<Self> {
        KEYS.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
    }

    /// The name used in template files (and in the catalogue as `cond.<key>`).
    #[allow(clippy::expect_used, reason = "KEYS lists every variant; a test reads each key back")]
    pub fn key(self) -> &'static str {
        KEYS.iter().find(|(_, c)| *c == self).map(|(k, _)| *k).expect("every condition has a key")
    }

    /// Whether an item with this condition applies to the household.
    pub fn applies(self, f: &HouseholdFacts) -> Applies {
        let child = |i: usize, age: Option<u32>| match age {
            Some(a) => Some(school_age(a)),
            None if in_compulsory_school(f.schooling[i]) => Some(true),
            None => None,
        };
        match self {
            Condition::Student => known(f.schooling.iter().any(|s| *s != Schooling::NotStudent)),
            Condition::SchoolAgeChild => any_member(f, child),
            Condition::DisabledChild => {
                any_member(f, |i, age| if f.health[i] == Health::Disabled { child(i, age) } else { Some(false) })
            }
            Condition::DisabledMember => known(f.health.contains(&Health::Disabled)),
            Condition::Member60Plus => any_member(f, |_, age| age.map(|a| a >= 60)),
            Condition::ChronicIllness => known(f.health.iter().any(|h| matches!(h, Health::Chronic | Health::Serious))),
            Condition::PublicPost => known(f.work.contains(&Work::PublicPost)),
            Condition::AbleMember => known(f.labour.contains(&Labour::Able)),
            Condition::Vulnerable => {
                if matches!(f.category, Some(Category::Dibao | Category::Tekun)) || f.health.contains(&Health::Disabled)
                {
                    Applies::Yes
                } else {
                    Condition::Member60Plus.applies(f)
                }
            }
            Condition::OldUnsafeHouse | Condition::RenovatedHouse => Applies::Ask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(people: &[(Option<u32>, Health, Schooling)]) -> HouseholdFacts {
        HouseholdFacts {
            category: Some(Category::Lifted),
            ages: people.iter().map(|p| p.0).collect(),
            health: people.iter().map(|p| p.1).collect(),
            schooling: people.iter().map(|p| p.2).collect(),
            labour: people.iter().map(|_| Labour::Able).collect(),
            work: people.iter().map(|_| Work::None).collect(),
        }
    }

    const ADULT: (Option<u32>, Health, Schooling) = (Some(40), Health::Healthy, Schooling::NotStudent);

    #[test]
    fn school_age_children_by_age_or_schooling() {
        let c = Condition::SchoolAgeChild;
        assert_eq!(c.applies(&facts(&[ADULT])), Applies::No);
        assert_eq!(c.applies(&facts(&[ADULT, (Some(6), Health::Healthy, Schooling::Primary)])), Applies::Yes);
        assert_eq!(c.applies(&facts(&[ADULT, (Some(16), Health::Healthy, Schooling::Senior)])), Applies::No);
        assert_eq!(c.applies(&facts(&[ADULT, (None, Health::Healthy, Schooling::Junior)])), Applies::Yes);
        assert_eq!(
            c.applies(&facts(&[ADULT, (None, Health::Healthy, Schooling::NotStudent)])),
            Applies::Ask,
            "an unknown age could hide a child out of school"
        );
    }

    #[test]
    fn disabled_children_elderly_and_vulnerable() {
        let disabled_child = (Some(10), Health::Disabled, Schooling::NotStudent);
        let disabled_adult = (Some(30), Health::Disabled, Schooling::NotStudent);
        assert_eq!(Condition::DisabledChild.applies(&facts(&[ADULT, disabled_child])), Applies::Yes);
        assert_eq!(Condition::DisabledChild.applies(&facts(&[disabled_adult])), Applies::No);
        assert_eq!(Condition::DisabledMember.applies(&facts(&[disabled_adult])), Applies::Yes);
        assert_eq!(
            Condition::Member60Plus.applies(&facts(&[(Some(60), Health::Healthy, Schooling::NotStudent)])),
            Applies::Yes
        );
        assert_eq!(Condition::Member60Plus.applies(&facts(&[ADULT])), Applies::No);
        assert_eq!(Condition::Vulnerable.applies(&facts(&[ADULT])), Applies::No);
        let mut dibao = facts(&[ADULT]);
        dibao.category = Some(Category::Dibao);
        assert_eq!(Condition::Vulnerable.applies(&dibao), Applies::Yes);
        assert_eq!(
            Condition::Vulnerable.applies(&facts(&[(None, Health::Healthy, Schooling::NotStudent)])),
            Applies::Ask
        );
    }

    #[test]
    fn illness_work_and_facts_the_register_lacks() {
        let mut f = facts(&[ADULT, (Some(70), Health::Chronic, Schooling::NotStudent)]);
        assert_eq!(Condition::ChronicIllness.applies(&f), Applies::Yes);
        assert_eq!(Condition::PublicPost.applies(&f), Applies::No);
        f.work[0] = Work::PublicPost;
        assert_eq!(Condition::PublicPost.applies(&f), Applies::Yes);
        assert_eq!(Condition::RenovatedHouse.applies(&f), Applies::Ask);
        assert_eq!(Condition::OldUnsafeHouse.applies(&f), Applies::Ask);
        for (key, c) in KEYS {
            assert_eq!(Condition::from_key(key), Some(*c));
            assert_eq!(c.key(), *key);
        }
    }
}
