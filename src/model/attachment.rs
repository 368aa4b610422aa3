//! What is attached to a visit — photos (走访图片影像) and the two signatures (双方签字认可) — and
//! what the signatures together say about a visit.

coded!(
    /// What an attachment is.
    AttachmentKind {
        /// 照片 (a visit photo)
        Photo = "照片",
        /// 户签名 (the household's signature: 户主 or another member)
        Household = "户签名",
        /// 干部签名 (the cadre's signature)
        Cadre = "干部签名",
    }
);

/// Which signatures a visit has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signatures {
    /// 双方已签字.
    Both,
    /// The cadre signed, the household did not: 缺户主签字.
    MissingHousehold,
    /// The household signed, the cadre did not: 缺干部签字.
    MissingCadre,
    /// Nobody signed yet: 未签字.
    None,
}

impl Signatures {
    /// From whether each side signed.
    pub fn of(household: bool, cadre: bool) -> Self {
        match (household, cadre) {
            (true, true) => Signatures::Both,
            (false, true) => Signatures::MissingHousehold,
            (true, false) => Signatures::MissingCadre,
            (false, false) => Signatures::None,
        }
    }

    /// Whether any side signed (the answers are then locked).
    pub fn any(self) -> bool {
        self != Signatures::None
    }

    /// What the visit shows: 双方已签字 / 缺户主签字 / 缺干部签字 / 未签字.
    pub fn label(self) -> &'static str {
        crate::i18n::t(match self {
            Signatures::Both => "sign.both",
            Signatures::MissingHousehold => "sign.missing_household",
            Signatures::MissingCadre => "sign.missing_cadre",
            Signatures::None => "sign.none",
        })
    }

    /// The short form of the ledger's 签字 column: 双方已签 / 缺户主 / 缺干部 (neither: 未签).
    pub fn short(self) -> &'static str {
        crate::i18n::t(match self {
            Signatures::Both => "sign.short.both",
            Signatures::MissingHousehold => "sign.short.missing_household",
            Signatures::MissingCadre => "sign.short.missing_cadre",
            Signatures::None => "sign.short.none",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_of_signatures_has_its_status() {
        assert_eq!(Signatures::of(true, true), Signatures::Both);
        assert_eq!(Signatures::of(false, true), Signatures::MissingHousehold);
        assert_eq!(Signatures::of(true, false), Signatures::MissingCadre);
        assert!(!Signatures::of(false, false).any());
        assert_eq!(AttachmentKind::from_code("户签名"), Some(AttachmentKind::Household));
    }
}
