//! Closed lists of values (户类别, 致贫原因, 与户主关系…). Their codes are the Chinese words the
//! national system and the village spreadsheets use; they are what the database stores.

/// A closed list of values stored by their Chinese code.
pub trait Coded: Copy + PartialEq + 'static {
    /// Every value, in display order.
    fn all() -> &'static [Self];
    /// The stored (Chinese) code.
    fn code(self) -> &'static str;
    /// The label in the current UI language.
    fn label(self) -> &'static str {
        crate::i18n::value(self.code())
    }
}

/// Defines a closed list whose variants carry their stored Chinese code.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (Chinese) code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Reads a stored code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The label in the current UI language.
            pub fn label(self) -> &'static str {
                crate::i18n::value(self.code())
            }
        }

        impl $crate::model::coded::Coded for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                $name::code(self)
            }
        }
    };
}

coded!(
    /// 户类别.
    Category {
        /// 脱贫户
        Lifted = "脱贫户",
        /// 未脱贫户
        Poor = "未脱贫户",
        /// 脱贫不稳定户 (监测户)
        Unstable = "脱贫不稳定户",
        /// 边缘易致贫户
        Edge = "边缘易致贫户",
        /// 低保户
        Dibao = "低保户",
        /// 特困供养户
        Tekun = "特困供养户",
        /// 一般农户
        Ordinary = "一般农户",
    }
);

coded!(
    /// 主要致贫原因.
    PovertyCause {
        /// 因病
        Illness = "因病",
        /// 因残
        Disability = "因残",
        /// 因学
        Schooling = "因学",
        /// 缺劳力
        NoLabour = "缺劳力",
        /// 缺技术
        NoSkills = "缺技术",
        /// 缺资金
        NoCapital = "缺资金",
        /// 缺土地
        NoLand = "缺土地",
        /// 缺水
        NoWater = "缺水",
        /// 因灾
        Disaster = "因灾",
        /// 自身发展动力不足
        NoDrive = "自身发展动力不足",
        /// 其他
        Other = "其他",
    }
);

coded!(
    /// 劳动能力.
    Labour {
        /// 有劳动能力
        Able = "有劳动能力",
        /// 弱(半)劳动能力
        Weak = "弱(半)劳动能力",
        /// 丧失劳动能力
        Lost = "丧失劳动能力",
        /// 无劳动能力 (children, students)
        None = "无劳动能力",
    }
);

coded!(
    /// 健康状况.
    Health {
        /// 健康
        Healthy = "健康",
        /// 长期慢性病
        Chronic = "长期慢性病",
        /// 大病
        Serious = "大病",
        /// 残疾
        Disabled = "残疾",
    }
);

coded!(
    /// 与户主关系.
    Relation {
        /// 户主
        Head = "户主",
        /// 配偶
        Spouse = "配偶",
        /// 之子
        Son = "之子",
        /// 之女
        Daughter = "之女",
        /// 之儿媳
        DaughterInLaw = "之儿媳",
        /// 之女婿
        SonInLaw = "之女婿",
        /// 之孙子
        Grandson = "之孙子",
        /// 之孙女
        Granddaughter = "之孙女",
        /// 之父
        Father = "之父",
        /// 之母
        Mother = "之母",
        /// 兄弟姐妹
        Sibling = "兄弟姐妹",
        /// 其他
        Other = "其他",
    }
);

coded!(
    /// 在校生状况.
    Schooling {
        /// 非在校生
        NotStudent = "非在校生",
        /// 学前教育
        Preschool = "学前教育",
        /// 小学
        Primary = "小学",
        /// 初中
        Junior = "初中",
        /// 高中
        Senior = "高中",
        /// 中职
        Vocational = "中职",
        /// 高职/大专
        College = "高职/大专",
        /// 本科及以上
        University = "本科及以上",
    }
);

coded!(
    /// 务工状况.
    Work {
        /// 未务工
        None = "未务工",
        /// 县内务工
        InCounty = "县内务工",
        /// 县外省内务工
        InProvince = "县外省内务工",
        /// 省外务工
        OutOfProvince = "省外务工",
        /// 公益性岗位
        PublicPost = "公益性岗位",
    }
);

coded!(
    /// A cadre's role in the village.
    Role {
        /// 帮扶干部 (assistance cadre)
        Cadre = "帮扶干部",
        /// 第一书记 (first secretary)
        FirstSecretary = "第一书记",
        /// 驻村工作队员 (resident team member)
        TeamMember = "驻村工作队员",
        /// 村干部 (village official)
        VillageOfficial = "村干部",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(*c));
        }
        assert_eq!(Relation::from_code("户主"), Some(Relation::Head));
        assert_eq!(Role::from_code("乡长"), None);
    }
}
