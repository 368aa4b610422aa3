//! Reading the closed-list cells (与户主关系, 健康状况, 户类别…) in the wordings the national
//! system and hand-typed rosters use. Each reader returns `None` for a wording it does not know.

use crate::model::coded::{Category, Health, Labour, PovertyCause, Relation, Schooling, Work};

fn has(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// 与户主关系.
pub fn relation(text: &str) -> Option<Relation> {
    let t = text.strip_prefix('之').unwrap_or(text);
    Some(match t {
        "户主" | "本人" | "户主本人" => Relation::Head,
        "配偶" | "妻" | "妻子" | "夫" | "丈夫" | "之妻" | "之夫" => Relation::Spouse,
        "子" | "儿子" | "长子" | "次子" | "三子" | "四子" | "独子" | "养子" | "继子" => Relation::Son,
        "女" | "女儿" | "长女" | "次女" | "三女" | "四女" | "独女" | "养女" | "继女" => {
            Relation::Daughter
        }
        "儿媳" | "媳" => Relation::DaughterInLaw,
        "女婿" | "婿" => Relation::SonInLaw,
        "孙子" | "孙" | "外孙子" | "外孙" => Relation::Grandson,
        "孙女" | "外孙女" => Relation::Granddaughter,
        "父" | "父亲" | "公公" | "岳父" => Relation::Father,
        "母" | "母亲" | "婆婆" | "岳母" => Relation::Mother,
        "兄弟姐妹" | "兄" | "弟" | "姐" | "妹" | "哥哥" | "弟弟" | "姐姐" | "妹妹" | "兄弟" | "姐妹" => {
            Relation::Sibling
        }
        "其他" | "其它" => Relation::Other,
        // The national system's other kin (之曾孙子, 之侄子, 之祖父母…) are 其他 here.
        _ if text.starts_with('之') || has(t, &["侄", "甥", "曾", "祖", "叔", "伯", "姑", "舅", "姨"]) => {
            Relation::Other
        }
        _ => return None,
    })
}

/// 健康状况: several conditions ("长期慢性病,残疾") give the most serious.
pub fn health(text: &str) -> Option<Health> {
    if has(text, &["残"]) {
        Some(Health::Disabled)
    } else if has(text, &["大病", "重病", "重疾"]) {
        Some(Health::Serious)
    } else if has(text, &["慢性病", "慢病", "长期"]) {
        Some(Health::Chronic)
    } else if has(text, &["健康", "良好", "正常"]) {
        Some(Health::Healthy)
    } else {
        None
    }
}

/// 劳动技能 / 劳动能力.
pub fn labour(text: &str) -> Option<Labour> {
    if has(text, &["丧失"]) {
        Some(Labour::Lost)
    } else if has(text, &["弱", "半"]) {
        Some(Labour::Weak)
    } else if has(text, &["无劳动", "无"]) {
        Some(Labour::None)
    } else if has(text, &["劳动力", "劳动能力", "普通", "技能"]) {
        Some(Labour::Able)
    } else {
        None
    }
}

/// 在校生状况 (school stages and grades as the national system writes them).
pub fn schooling(text: &str) -> Option<Schooling> {
    let rules: &[(&[&str], Schooling)] = &[
        (&["非在校", "不在校", "未在校", "否", "无", "辍学", "毕业"], Schooling::NotStudent),
        (&["学前", "幼儿", "幼稚"], Schooling::Preschool),
        (&["本科", "大学", "研究生", "硕士", "博士"], Schooling::University),
        (&["高职", "大专", "专科", "高专"], Schooling::College),
        (&["中职", "中专", "职高", "技工", "技校", "职业高中"], Schooling::Vocational),
        (&["高中", "高一", "高二", "高三"], Schooling::Senior),
        (&["初中", "初一", "初二", "初三", "七年级", "八年级", "九年级"], Schooling::Junior),
        (&["小学", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级"], Schooling::Primary),
    ];
    rules.iter().find(|(words, _)| has(text, words)).map(|(_, s)| *s)
}

/// 务工状况.
pub fn work(text: &str) -> Option<Work> {
    if has(text, &["公益"]) {
        Some(Work::PublicPost)
    } else if has(text, &["未务工", "无", "否", "不务工", "未就业"]) {
        Some(Work::None)
    } else if has(text, &["县外", "省内", "市内", "区外"]) {
        Some(Work::InProvince)
    } else if has(text, &["省外", "外省", "出省"]) {
        Some(Work::OutOfProvince)
    } else if has(text, &["县内", "乡", "镇", "本地", "村内", "就近", "区内"]) {
        Some(Work::InCounty)
    } else {
        None
    }
}

/// 户类别 / 贫困户属性: `lifted` is whether a 脱贫年度 is given, which makes a 贫困户 a 脱贫户.
pub fn category(text: &str, lifted: bool) -> Option<Category> {
    let c = if has(text, &["监测", "不稳定"]) {
        Category::Unstable
    } else if has(text, &["边缘"]) {
        Category::Edge
    } else if has(text, &["特困", "五保", "供养"]) {
        Category::Tekun
    } else if has(text, &["低保"]) {
        Category::Dibao
    } else if has(text, &["未脱贫"]) {
        Category::Poor
    } else if has(text, &["脱贫"]) {
        Category::Lifted
    } else if has(text, &["一般农户", "非贫困", "普通农户"]) {
        Category::Ordinary
    } else if has(text, &["贫困"]) {
        Category::Poor
    } else {
        return None;
    };
    Some(if c == Category::Poor && lifted { Category::Lifted } else { c })
}

/// 主要致贫原因 ("因病致贫", "缺劳动力"…).
pub fn cause(text: &str) -> Option<PovertyCause> {
    let t = text.trim_end_matches("致贫").trim_end_matches("返贫");
    if let Some(c) = PovertyCause::from_code(t) {
        return Some(c);
    }
    let rules: &[(&[&str], PovertyCause)] = &[
        (&["病"], PovertyCause::Illness),
        (&["残"], PovertyCause::Disability),
        (&["学"], PovertyCause::Schooling),
        (&["劳力", "劳动力"], PovertyCause::NoLabour),
        (&["技术"], PovertyCause::NoSkills),
        (&["资金"], PovertyCause::NoCapital),
        (&["土地", "耕地"], PovertyCause::NoLand),
        (&["缺水", "水"], PovertyCause::NoWater),
        (&["灾"], PovertyCause::Disaster),
        (&["动力"], PovertyCause::NoDrive),
        (&["其他", "其它", "交通", "婚", "丧"], PovertyCause::Other),
    ];
    rules.iter().find(|(words, _)| has(t, words)).map(|(_, c)| *c)
}

/// Whether a 脱贫年度 cell names a year.
pub fn is_year(text: &str) -> bool {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.len() >= 4 && digits[..4].parse::<u32>().is_ok_and(|y| (2000..=2100).contains(&y))
}

/// A whole number of people (人数), as a count.
pub fn count(text: &str) -> Option<usize> {
    text.trim_end_matches('人').trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_wordings() {
        assert_eq!(relation("之子"), Some(Relation::Son));
        assert_eq!(relation("之曾孙子"), Some(Relation::Other));
        assert_eq!(relation("户主"), Some(Relation::Head));
        assert_eq!(relation("邻居"), None);
        assert_eq!(health("长期慢性病,残疾"), Some(Health::Disabled));
        assert_eq!(health("患有大病"), Some(Health::Serious));
        assert_eq!(labour("普通劳动力"), Some(Labour::Able));
        assert_eq!(labour("弱劳动力或半劳动力"), Some(Labour::Weak));
        assert_eq!(labour("丧失劳动力"), Some(Labour::Lost));
        assert_eq!(labour("无劳动力"), Some(Labour::None));
        assert_eq!(schooling("普通高中二年级"), Some(Schooling::Senior));
        assert_eq!(schooling("七年级"), Some(Schooling::Junior));
        assert_eq!(schooling("小学三年级"), Some(Schooling::Primary));
        assert_eq!(schooling("中职一年级"), Some(Schooling::Vocational));
        assert_eq!(schooling("非在校生"), Some(Schooling::NotStudent));
        assert_eq!(work("乡（镇）外县内务工"), Some(Work::InCounty));
        assert_eq!(work("县外省内务工"), Some(Work::InProvince));
        assert_eq!(work("省外务工"), Some(Work::OutOfProvince));
        assert_eq!(category("一般贫困户", true), Some(Category::Lifted));
        assert_eq!(category("一般贫困户", false), Some(Category::Poor));
        assert_eq!(category("低保贫困户", true), Some(Category::Dibao));
        assert_eq!(category("特困供养贫困户", false), Some(Category::Tekun));
        assert_eq!(category("脱贫不稳定户", false), Some(Category::Unstable));
        assert_eq!(category("未知", false), None);
        assert_eq!(cause("因病致贫"), Some(PovertyCause::Illness));
        assert_eq!(cause("缺劳力"), Some(PovertyCause::NoLabour));
        assert_eq!(cause("自身发展动力不足"), Some(PovertyCause::NoDrive));
        assert!(is_year("2019年"));
        assert!(!is_year("无"));
        assert_eq!(count("4"), Some(4));
    }
}
