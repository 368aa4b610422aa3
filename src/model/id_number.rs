//! Chinese resident ID numbers (居民身份证号): 18 characters, ISO 7064 MOD 11-2 check character,
//! digits 7–14 the birth date.

use chrono::NaiveDate;
use std::fmt;

/// Why a text is not a usable resident ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Not 18 characters long (the count is given).
    Length(usize),
    /// A character other than a digit, or an X not in last place.
    BadCharacter,
    /// Written as a spreadsheet number: scientific notation or a decimal point.
    NumericForm,
    /// Digits 7–14 are not a real date, or the date lies in the future / before 1900.
    BadBirthDate,
    /// The check character does not match (the expected one is given).
    Checksum(char),
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::i18n::{t, tf};
        match self {
            IdError::Length(n) => write!(f, "{}", tf("id.err.length", &[("n", &n.to_string())])),
            IdError::BadCharacter => write!(f, "{}", t("id.err.char")),
            IdError::NumericForm => write!(f, "{}", t("id.err.numeric")),
            IdError::BadBirthDate => write!(f, "{}", t("id.err.birth")),
            IdError::Checksum(c) => {
                write!(f, "{}", tf("id.err.checksum", &[("c", &c.to_string())]))
            }
        }
    }
}

impl std::error::Error for IdError {}

/// A validated, normalised (upper-case X) resident ID number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String, NaiveDate);

/// No ID number holds a birth date before this day.
const EARLIEST_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits (which must be ASCII digits).
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w).sum();
    CHECK[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses and validates `text`: surrounding (also full-width) spaces are trimmed and a
    /// lower-case x is accepted. `today` bounds the birth date.
    pub fn parse(text: &str, today: NaiveDate) -> Result<Self, IdError> {
        let s: String = crate::model::text::normal_code(text).to_uppercase();
        if s.contains(['E', '.', '+']) && s.chars().all(|c| c.is_ascii_digit() || "E.+-".contains(c)) {
            return Err(IdError::NumericForm);
        }
        let n = s.chars().count();
        if n != 18 {
            return Err(IdError::Length(n));
        }
        if !s.is_ascii() {
            return Err(IdError::BadCharacter);
        }
        let (body, last) = s.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit()) || !last.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
            return Err(IdError::BadCharacter);
        }
        let birth = NaiveDate::parse_from_str(&body[6..14], "%Y%m%d").map_err(|_| IdError::BadBirthDate)?;
        if birth > today || birth < EARLIEST_BIRTH {
            return Err(IdError::BadBirthDate);
        }
        let expected = check_char(body);
        if !last.starts_with(expected) {
            return Err(IdError::Checksum(expected));
        }
        Ok(IdNumber(s, birth))
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date held in digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        self.1
    }

    /// Whether digit 17 marks a man (odd) or a woman (even).
    pub fn is_male(&self) -> bool {
        self.0.as_bytes().get(16).is_some_and(|b| b.wrapping_sub(b'0') % 2 == 1)
    }
}

/// Masks an ID number for lists: the first six and last four characters stay visible.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return id.to_string();
    }
    let mut out: String = chars[..6].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 10));
    out.extend(&chars[chars.len() - 4..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()
    }

    #[test]
    fn accepts_known_valid_numbers() {
        // The GB 11643-1999 example and numbers built from it.
        for id in ["11010519491231002X", "440524198001010014", "610202198001011235"] {
            let body = &id[..17];
            let fixed = format!("{body}{}", check_char(body));
            assert!(IdNumber::parse(&fixed, today()).is_ok(), "{fixed}");
        }
        assert_eq!(check_char("11010519491231002"), 'X');
        assert_eq!(check_char("44052418800101001"), '4');
    }

    #[test]
    fn lower_case_x_and_spaces_are_normalised() {
        let id = IdNumber::parse("　11010519491231002x ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert!(!id.is_male());
    }

    #[test]
    fn wrong_check_character_names_the_expected_one() {
        assert_eq!(IdNumber::parse("110105194912310021", today()), Err(IdError::Checksum('X')));
    }

    #[test]
    fn impossible_and_future_birth_dates_are_refused() {
        for body in ["11010519490231002", "11010520301231002", "11010518991231002"] {
            let id = format!("{body}{}", check_char(body));
            assert_eq!(IdNumber::parse(&id, today()), Err(IdError::BadBirthDate), "{id}");
        }
    }

    #[test]
    fn spreadsheet_numbers_are_flagged() {
        assert_eq!(IdNumber::parse("1.10105E+17", today()), Err(IdError::NumericForm));
        assert_eq!(IdNumber::parse("110105194912310000.0", today()), Err(IdError::NumericForm));
        assert_eq!(IdNumber::parse("11010519491231", today()), Err(IdError::Length(14)));
        assert_eq!(IdNumber::parse("1101051949123100X2", today()), Err(IdError::BadCharacter));
    }

    #[test]
    fn full_width_input_is_read_as_half_width() {
        let id = IdNumber::parse("１１０１０５１９４９１２３１００２ｘ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        // Multi-byte characters that are not full-width digits never split a character.
        assert_eq!(IdNumber::parse("11010519491231002张", today()), Err(IdError::BadCharacter));
        assert_eq!(IdNumber::parse("张三李四王五赵六孙七周八吴九郑十冯陈", today()), Err(IdError::BadCharacter));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any valid number, typed in any mix of full- and half-width characters, lower- or
        /// upper-case x, with spaces around, parses to its canonical half-width form — and
        /// that form parses to itself.
        #[test]
        fn parse_and_format_round_trip_over_full_and_half_width(
            area in 110000u32..660000,
            days in 0i64..40_000,
            serial in 0u32..1000,
            widths in proptest::collection::vec(proptest::bool::ANY, 18),
            lower_x in proptest::bool::ANY,
            pad in 0usize..3,
        ) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::TimeDelta::days(days);
            proptest::prop_assume!(birth <= today());
            let body = format!("{area:06}{}{serial:03}", birth.format("%Y%m%d"));
            let canonical = format!("{body}{}", check_char(&body));
            let typed: String = canonical
                .chars()
                .zip(&widths)
                .map(|(c, &full)| {
                    let c = if c == 'X' && lower_x { 'x' } else { c };
                    if full { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }
                })
                .collect();
            let typed = format!("{}{typed}{}", "\u{3000}".repeat(pad), " ".repeat(pad));
            let id = IdNumber::parse(&typed, today()).unwrap();
            proptest::prop_assert_eq!(id.as_str(), canonical.as_str());
            proptest::prop_assert_eq!(id.birth_date(), birth);
            proptest::prop_assert_eq!(IdNumber::parse(id.as_str(), today()).unwrap(), id);
        }

        /// Whatever is typed, parsing returns (never panics), and what it accepts is canonical.
        #[test]
        fn parse_never_panics(text in "[0-9０-９xXｘＸ张 \u{3000}.E+-]{0,24}") {
            if let Ok(id) = IdNumber::parse(&text, today()) {
                proptest::prop_assert!(id.as_str().is_ascii() && id.as_str().len() == 18);
            }
        }
    }

    #[test]
    fn masks_the_middle() {
        assert_eq!(mask("610202198001011234"), "610202********1234");
        assert_eq!(mask("1234"), "1234");
    }
}
