//! Cleaning text typed or imported by people.

/// Trims ordinary and full-width spaces (and other Unicode white space) from both ends.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
}

/// Full-width ASCII forms (`６１０２`, `ＡＢ`, `－`: what a Chinese input method types) and the
/// ideographic space written as their ordinary (half-width) characters; everything else kept.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// An ID number, phone number or 户编号 as typed, made comparable: trimmed, half-width.
pub fn normal_code(s: &str) -> String {
    half_width(clean(s))
}

/// Whether a phone number looks plausible: digits, spaces, `-` and `+`, 7 to 20 characters.
pub fn is_plausible_phone(s: &str) -> bool {
    let s = &normal_code(s);
    let digits = s.chars().filter(char::is_ascii_digit).count();
    s.chars().all(|c| c.is_ascii_digit() || " -+".contains(c)) && (7..=20).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_full_width_spaces() {
        assert_eq!(clean("\u{3000} 张三\u{3000}"), "张三");
        assert_eq!(clean("\u{feff}户编号"), "户编号");
    }

    #[test]
    fn phones() {
        assert!(is_plausible_phone("138 0000 1234"));
        assert!(is_plausible_phone("0912-3456789"));
        assert!(!is_plausible_phone("12ab"));
        assert!(!is_plausible_phone("123"));
        assert!(is_plausible_phone("１３８００００１２３４"));
    }

    #[test]
    fn full_width_forms_become_half_width() {
        assert_eq!(half_width("６１０２ＡＢｘ－\u{3000}张"), "6102ABx- 张");
        assert_eq!(normal_code("\u{3000}ＳＪ－００１ "), "SJ-001");
    }
}
