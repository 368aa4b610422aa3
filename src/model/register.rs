//! The village register: villages and their groups, households, members, cadres and assignments,
//! with the rules a form checks as the user types.

use super::coded::{Category, Health, Labour, PovertyCause, Relation, Role, Schooling, Work};
use super::id_number::IdNumber;
use super::text::{clean, is_plausible_phone, normal_code};
use crate::i18n::t;
use chrono::NaiveDate;

/// The default income threshold (元 per person per year) below which income is a problem.
pub const DEFAULT_INCOME_THRESHOLD: f64 = 4000.0;

/// A 行政村.
#[derive(Debug, Clone, PartialEq)]
pub struct Village {
    /// Row key.
    pub id: String,
    /// 村名.
    pub name: String,
    /// 乡镇.
    pub township: String,
    /// 区/县.
    pub county: String,
    /// 年人均纯收入 threshold (元).
    pub income_threshold: f64,
}

impl Village {
    /// A new (not yet saved) village with the default income threshold.
    pub fn new(name: &str, township: &str, county: &str) -> Self {
        Village {
            id: String::new(),
            name: name.to_string(),
            township: township.to_string(),
            county: county.to_string(),
            income_threshold: DEFAULT_INCOME_THRESHOLD,
        }
    }

    /// The village as people tell it apart: 名（乡镇）, or the name alone when no township is
    /// recorded.
    pub fn label(&self) -> String {
        if self.township.trim().is_empty() {
            self.name.clone()
        } else {
            format!("{}（{}）", self.name, self.township)
        }
    }
}

/// What a `--village` text named among the villages.
#[derive(Debug, Clone, PartialEq)]
pub enum VillageMatch<'a> {
    /// Exactly one village.
    One(&'a Village),
    /// No village.
    None,
    /// Several villages: the name alone does not tell them apart.
    Several(Vec<&'a Village>),
}

/// Finds the village `wanted` names: its id, `名`, or `名（乡镇）` (full-width or ASCII
/// parentheses, spaces ignored). A name matching villages of several townships is ambiguous.
pub fn match_village<'a>(villages: &'a [Village], wanted: &str) -> VillageMatch<'a> {
    let wanted = wanted.trim();
    if let Some(v) = villages.iter().find(|v| v.id == wanted) {
        return VillageMatch::One(v);
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(wanted).replace('(', "（").replace(')', "）");
    let (name, township) = match text.strip_suffix('）').and_then(|t| t.split_once('（')) {
        Some((name, township)) => (name.to_string(), Some(township.to_string())),
        None => (text.clone(), None),
    };
    let found: Vec<&Village> = villages
        .iter()
        .filter(|v| squeeze(&v.name) == name && township.as_ref().is_none_or(|t| squeeze(&v.township) == *t))
        .collect();
    match found.len() {
        0 => VillageMatch::None,
        1 => VillageMatch::One(found[0]),
        _ => VillageMatch::Several(found),
    }
}

/// A 村民小组.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Row key.
    pub id: String,
    /// Its village.
    pub village_id: String,
    /// Name, e.g. 一组.
    pub name: String,
}

/// A household (户).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Household {
    /// Row key (empty until first saved).
    pub id: String,
    /// Its village.
    pub village_id: String,
    /// Its 村民小组, if known.
    pub group_id: Option<String>,
    /// 户编号 in the national system (may be empty).
    pub code: String,
    /// 户主姓名.
    pub head_name: String,
    /// 户类别.
    pub category: Option<Category>,
    /// 主要致贫原因.
    pub poverty_cause: Option<PovertyCause>,
    /// 家庭劳动能力.
    pub labour: Option<Labour>,
    /// 联系电话.
    pub phone: String,
    /// 住址.
    pub address: String,
    /// 备注.
    pub notes: String,
    /// Whether the household is archived (moved away, merged, died out).
    pub archived: bool,
}

/// A household member (家庭成员).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Row key (empty until first saved).
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 证件号码 as typed; normalised when saved.
    pub id_number: String,
    /// 与户主关系.
    pub relation: Relation,
    /// 健康状况.
    pub health: Health,
    /// 残疾等级 (free text such as 二级肢体), when disabled.
    pub disability: String,
    /// 劳动能力.
    pub labour: Labour,
    /// 在校生状况.
    pub schooling: Schooling,
    /// 务工状况.
    pub work: Work,
    /// 务工地点.
    pub work_place: String,
    /// 务工联系方式.
    pub work_contact: String,
}

impl Default for Member {
    fn default() -> Self {
        Member {
            id: String::new(),
            name: String::new(),
            id_number: String::new(),
            relation: Relation::Head,
            health: Health::Healthy,
            disability: String::new(),
            labour: Labour::Able,
            schooling: Schooling::NotStudent,
            work: Work::None,
            work_place: String::new(),
            work_contact: String::new(),
        }
    }
}

/// An assistance cadre, first secretary, team member or village official.
#[derive(Debug, Clone, PartialEq)]
pub struct Cadre {
    /// Row key (empty until first saved).
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 联系电话.
    pub phone: String,
    /// Role in the village.
    pub role: Role,
    /// Whether the cadre is archived (left the village).
    pub archived: bool,
}

impl Default for Cadre {
    fn default() -> Self {
        Cadre {
            id: String::new(),
            name: String::new(),
            unit: String::new(),
            phone: String::new(),
            role: Role::Cadre,
            archived: false,
        }
    }
}

/// A period during which a cadre is responsible for a household.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Row key.
    pub id: String,
    /// The household.
    pub household_id: String,
    /// The cadre.
    pub cadre_id: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day, or `None` while current.
    pub end: Option<NaiveDate>,
}

/// Which form field a problem belongs to; its label is the catalogue key `field.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 户主姓名
    HeadName,
    /// 户编号
    Code,
    /// 联系电话
    Phone,
    /// 姓名
    Name,
    /// 证件号码
    IdNumber,
    /// 与户主关系
    Relation,
    /// 村名
    VillageName,
    /// 收入标准
    Threshold,
    /// 排查项目 (a problem's group)
    Group,
    /// 问题描述
    Description,
    /// 整改时限
    Deadline,
}

/// A problem shown beside a field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    /// The field.
    pub field: Field,
    /// One sentence in the UI language.
    pub message: String,
}

impl FieldProblem {
    fn new(field: Field, key: &str) -> Self {
        FieldProblem { field, message: t(key).to_string() }
    }
}

impl Household {
    /// Takes the head's name from the member whose relation is 户主, if there is one.
    pub fn adopt_head(&mut self, members: &[Member]) {
        if let Some(head) = members.iter().find(|m| m.relation == Relation::Head) {
            self.head_name = clean(&head.name).to_string();
        }
    }

    /// Problems with the household's own fields.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if clean(&self.head_name).is_empty() {
            out.push(FieldProblem::new(Field::HeadName, "err.required"));
        }
        if !self.code.is_empty() && !normal_code(&self.code).chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.push(FieldProblem::new(Field::Code, "err.code_chars"));
        }
        if !clean(&self.phone).is_empty() && !is_plausible_phone(clean(&self.phone)) {
            out.push(FieldProblem::new(Field::Phone, "err.phone"));
        }
        out
    }
}

impl Member {
    /// Problems with this member's fields (`today` bounds birth dates).
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if clean(&self.name).is_empty() {
            out.push(FieldProblem::new(Field::Name, "err.required"));
        }
        if !clean(&self.id_number).is_empty()
            && let Err(e) = IdNumber::parse(&self.id_number, today)
        {
            out.push(FieldProblem { field: Field::IdNumber, message: e.to_string() });
        }
        out
    }

    /// The ID number normalised, or empty when none was given (call after [`Member::problems`]).
    pub fn normalised_id(&self, today: NaiveDate) -> String {
        IdNumber::parse(&self.id_number, today).map(|id| id.as_str().to_string()).unwrap_or_default()
    }
}

/// Problems across a household's members: two heads, or one ID number twice.
pub fn member_list_problems(members: &[Member], today: NaiveDate) -> Vec<(usize, FieldProblem)> {
    let mut out = Vec::new();
    let heads: Vec<usize> = (0..members.len()).filter(|&i| members[i].relation == Relation::Head).collect();
    for &i in heads.iter().skip(1) {
        out.push((i, FieldProblem::new(Field::Relation, "err.two_heads")));
    }
    for (i, m) in members.iter().enumerate() {
        let id = m.normalised_id(today);
        if !id.is_empty() && members[..i].iter().any(|o| o.normalised_id(today) == id) {
            out.push((i, FieldProblem::new(Field::IdNumber, "err.id_twice_in_household")));
        }
    }
    out
}

impl Cadre {
    /// The cadre as lists show them: 姓名（角色）.
    pub fn label(&self) -> String {
        crate::i18n::aside(&self.name, self.role.label())
    }

    /// Problems with the cadre's fields.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if clean(&self.name).is_empty() {
            out.push(FieldProblem::new(Field::Name, "err.required"));
        }
        if !clean(&self.phone).is_empty() && !is_plausible_phone(clean(&self.phone)) {
            out.push(FieldProblem::new(Field::Phone, "err.phone"));
        }
        out
    }
}

impl Village {
    /// Problems with the village's fields.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if clean(&self.name).is_empty() {
            out.push(FieldProblem::new(Field::VillageName, "err.required"));
        }
        if !(self.income_threshold.is_finite() && self.income_threshold > 0.0) {
            out.push(FieldProblem::new(Field::Threshold, "err.threshold"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn household_needs_a_head_name() {
        let h = Household { head_name: " \u{3000}".into(), ..Default::default() };
        assert_eq!(h.problems()[0].field, Field::HeadName);
        let h = Household { head_name: "张三".into(), phone: "13800001234".into(), ..Default::default() };
        assert!(h.problems().is_empty());
    }

    #[test]
    fn member_id_number_is_checked_and_normalised() {
        let mut m = Member { name: "张三".into(), id_number: "110105194912310021".into(), ..Default::default() };
        assert_eq!(m.problems(today())[0].field, Field::IdNumber);
        m.id_number = "11010519491231002x".into();
        assert!(m.problems(today()).is_empty());
        assert_eq!(m.normalised_id(today()), "11010519491231002X");
    }

    #[test]
    fn two_heads_and_repeated_ids_are_flagged() {
        let a = Member { name: "甲".into(), id_number: "11010519491231002X".into(), ..Default::default() };
        let b = Member { name: "乙".into(), id_number: "11010519491231002x".into(), ..Default::default() };
        let p = member_list_problems(&[a, b], today());
        assert_eq!(p.len(), 2);
        assert!(p.iter().all(|(i, _)| *i == 1));
    }

    #[test]
    fn villages_are_told_apart_by_township() {
        let mut a = Village::new("双泉川村", "东关镇", "");
        a.id = "a".into();
        let mut b = Village::new("双泉川村", "西河乡", "");
        b.id = "b".into();
        let mut c = Village::new("太平庄村", "东关镇", "");
        c.id = "c".into();
        let all = [a, b, c];
        assert_eq!(match_village(&all, "太平庄村"), VillageMatch::One(&all[2]));
        assert_eq!(match_village(&all, "b"), VillageMatch::One(&all[1]), "by id");
        assert_eq!(match_village(&all, "双泉川村（西河乡）"), VillageMatch::One(&all[1]));
        assert_eq!(match_village(&all, " 双泉川村 (东关镇) "), VillageMatch::One(&all[0]), "ASCII parentheses");
        assert_eq!(match_village(&all, "双泉川村"), VillageMatch::Several(vec![&all[0], &all[1]]));
        assert_eq!(match_village(&all, "双泉川村（北山镇）"), VillageMatch::None);
        assert_eq!(match_village(&all, "无名村"), VillageMatch::None);
        assert_eq!(all[1].label(), "双泉川村（西河乡）");
    }
}
