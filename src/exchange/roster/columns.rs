//! The columns a roster may have, and the names (with their common variants) that identify
//! them in a header row.

/// What a column of the roster holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// 序号 (not stored).
    Serial,
    /// 区(县): names the village created from the file.
    County,
    /// 乡(镇): names the village created from the file.
    Township,
    /// 行政村: rows of another village are not imported into this one.
    Village,
    /// 村民小组.
    Group,
    /// 户编号.
    Code,
    /// 人编号 (not stored).
    PersonCode,
    /// 姓名 (one row per person).
    Name,
    /// 户主姓名.
    HeadName,
    /// 证件号码.
    IdNumber,
    /// 户主证件号码 (in a file with one row per household and no 姓名 column).
    HeadIdNumber,
    /// 人数 (checked against the household's rows).
    Size,
    /// 与户主关系.
    Relation,
    /// 民族 (not stored).
    Ethnicity,
    /// 文化程度 (not stored).
    Education,
    /// 在校生状况.
    Schooling,
    /// 健康状况.
    Health,
    /// 残疾等级.
    Disability,
    /// 劳动技能 / 劳动能力.
    Labour,
    /// 务工状况.
    Work,
    /// 务工地点.
    WorkPlace,
    /// 户类别 / 贫困户属性.
    Category,
    /// 主要致贫原因.
    Cause,
    /// 脱贫年度 (marks a 贫困户 as 脱贫户; not stored itself).
    LiftedYear,
    /// 联系电话.
    Phone,
    /// 住址.
    Address,
    /// 帮扶责任人.
    Cadre,
}

impl Target {
    /// Every target, in the order the mapping picker lists them.
    pub const ALL: &'static [Target] = &[
        Target::Serial,
        Target::County,
        Target::Township,
        Target::Village,
        Target::Group,
        Target::Code,
        Target::PersonCode,
        Target::Name,
        Target::HeadName,
        Target::IdNumber,
        Target::HeadIdNumber,
        Target::Size,
        Target::Relation,
        Target::Ethnicity,
        Target::Education,
        Target::Schooling,
        Target::Health,
        Target::Disability,
        Target::Labour,
        Target::Work,
        Target::WorkPlace,
        Target::Category,
        Target::Cause,
        Target::LiftedYear,
        Target::Phone,
        Target::Address,
        Target::Cadre,
    ];

    /// The header names that mean this column (after [`normalise`]).
    fn names(self) -> &'static [&'static str] {
        match self {
            Target::Serial => &["序号", "序"],
            Target::County => &["区(县)", "县(区)", "县(市、区)", "县(市区)", "县", "区县", "县区", "县(市)"],
            Target::Township => &["乡(镇)", "乡镇", "乡(镇、街道)", "乡镇(街道)", "镇", "乡", "街道", "乡镇名称"],
            Target::Village => &["行政村", "村", "村名", "村(社区)", "村委会", "行政村名称", "所在村"],
            Target::Group => &["村民小组", "组", "自然村", "小组", "村组", "组别", "自然村(组)", "村民组", "所在组"],
            Target::Code => &["户编号", "户号", "户码", "家庭编号", "户主编号"],
            Target::PersonCode => &["人编号", "人员编号", "个人编号", "成员编号"],
            Target::Name => &["姓名", "成员姓名", "家庭成员姓名", "人员姓名"],
            Target::HeadName => &["户主姓名", "户主", "户主名"],
            Target::IdNumber => &[
                "证件号码",
                "身份证号",
                "身份证号码",
                "身份证",
                "公民身份号码",
                "居民身份证号",
                "居民身份证号码",
                "证件号",
                "身份证件号码",
            ],
            Target::HeadIdNumber => &["户主证件号码", "户主身份证号", "户主身份证号码", "户主身份证"],
            Target::Size => &["人数", "家庭人口数", "家庭人口", "人口数", "户人数", "家庭人数", "共同生活人数"],
            Target::Relation => &["与户主关系", "与户主的关系", "家庭关系", "关系"],
            Target::Ethnicity => &["民族"],
            Target::Education => &["文化程度", "学历"],
            Target::Schooling => &["在校生状况", "在校生情况", "在校情况", "就学情况", "在校生"],
            Target::Health => &["健康状况", "健康情况", "身体状况"],
            Target::Disability => &["残疾等级", "残疾类别及等级", "残疾类别", "残疾情况"],
            Target::Labour => &["劳动技能", "劳动能力", "劳动力状况", "劳动力类型"],
            Target::Work => &["务工状况", "务工情况", "务工类型", "就业状况", "就业情况"],
            Target::WorkPlace => &["务工地点", "务工所在地", "务工地址", "就业地点"],
            Target::Category => &["贫困户属性", "户类别", "户属性", "农户类别", "贫困户类别", "户类型", "户别"],
            Target::Cause => &["主要致贫原因", "致贫原因", "主要返贫致贫风险", "风险类型"],
            Target::LiftedYear => &["脱贫年度", "脱贫年份", "脱贫时间", "计划脱贫年度"],
            Target::Phone => &["联系电话", "电话", "联系方式", "手机号码", "手机号", "户主联系电话", "电话号码"],
            Target::Address => &["住址", "家庭住址", "地址", "现住址", "居住地址"],
            Target::Cadre => &["帮扶责任人", "帮扶责任人姓名", "帮扶人", "帮扶干部", "帮扶人姓名", "结对帮扶责任人"],
        }
    }

    /// The catalogue key of the column's label.
    pub fn key(self) -> &'static str {
        match self {
            Target::Serial => "roster.col.serial",
            Target::County => "field.county",
            Target::Township => "field.township",
            Target::Village => "field.village_name",
            Target::Group => "field.group",
            Target::Code => "field.code",
            Target::PersonCode => "roster.col.person_code",
            Target::Name => "field.name",
            Target::HeadName => "field.head_name",
            Target::IdNumber => "field.id_number",
            Target::HeadIdNumber => "roster.col.head_id_number",
            Target::Size => "roster.col.size",
            Target::Relation => "field.relation",
            Target::Ethnicity => "roster.col.ethnicity",
            Target::Education => "roster.col.education",
            Target::Schooling => "field.schooling",
            Target::Health => "field.health",
            Target::Disability => "field.disability",
            Target::Labour => "field.labour",
            Target::Work => "field.work",
            Target::WorkPlace => "field.work_place",
            Target::Category => "field.category",
            Target::Cause => "field.poverty_cause",
            Target::LiftedYear => "roster.col.lifted_year",
            Target::Phone => "field.phone",
            Target::Address => "field.address",
            Target::Cadre => "field.cadre",
        }
    }

    /// The column's label in the UI language.
    pub fn label(self) -> &'static str {
        crate::i18n::t(self.key())
    }

    /// Whether zoufang keeps what the column holds (序号, 民族… are read but not kept).
    pub fn is_kept(self) -> bool {
        !matches!(self, Target::Serial | Target::PersonCode | Target::Ethnicity | Target::Education)
    }

    /// The column a header cell names. `above` is the cell above it when the header has two
    /// rows (a group heading such as 户主信息 over 姓名 / 证件号码).
    pub fn recognise(label: &str, above: Option<&str>) -> Option<Target> {
        let name = normalise(label);
        let found = Self::find(&name).or_else(|| Self::find(&strip_notes(&name)))?;
        let under_head = above.is_some_and(|a| normalise(a).contains("户主"));
        Some(match found {
            Target::Name if under_head => Target::HeadName,
            Target::IdNumber if under_head => Target::HeadIdNumber,
            other => other,
        })
    }

    fn find(name: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.names().contains(&name))
    }
}

/// A header name without spaces, line breaks and marks; full-width brackets made ASCII.
pub fn normalise(label: &str) -> String {
    label
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '\u{feff}'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '，' => '、',
            c => c,
        })
        .collect()
}

/// A name without a trailing note in brackets ("联系电话(手机)") or a trailing colon.
fn strip_notes(name: &str) -> String {
    let name = name.trim_end_matches([':', '：']);
    match name.strip_suffix(')').and_then(|n| n.rfind('(').map(|i| &name[..i])) {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_variants() {
        assert_eq!(Target::recognise("身份证号码", None), Some(Target::IdNumber));
        assert_eq!(Target::recognise(" 乡（镇） ", None), Some(Target::Township));
        assert_eq!(Target::recognise("与户主\n关系", None), Some(Target::Relation));
        assert_eq!(Target::recognise("联系电话（手机）", None), Some(Target::Phone));
        assert_eq!(Target::recognise("*姓名", None), Some(Target::Name));
        assert_eq!(Target::recognise("姓名", Some("户主信息")), Some(Target::HeadName));
        assert_eq!(Target::recognise("身份证号", Some("户主信息")), Some(Target::HeadIdNumber));
        assert_eq!(Target::recognise("劳动技能", None), Some(Target::Labour));
        assert_eq!(Target::recognise("帮扶责任人联系电话", None), None);
        assert_eq!(Target::recognise("银行卡号", None), None);
    }

    #[test]
    fn every_target_is_listed_once_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in Target::ALL {
            for n in t.names() {
                assert!(seen.insert(*n), "{n} names two columns");
                assert_eq!(normalise(n), *n, "{n} is not in normal form");
            }
        }
    }
}
