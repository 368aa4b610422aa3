//! Cleaning text typed or imported by people.

/// Trims ordinary and full-width spaces (and other Unicode white space) from both ends.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
}

/// Whether a phone number looks plausible: digits, spaces, `-` and `+`, 7 to 20 characters.
pub fn is_plausible_phone(s: &str) -> bool {
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
    }
}
