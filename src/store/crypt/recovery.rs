//! The recovery code: 24 characters printed when a password is set, which open the database
//! in place of a forgotten password.
//!
//! Crockford's base-32 alphabet (no I, L, O or U, so nothing reads as another character):
//! 24 characters carry 120 random bits, shown in six groups of four (`7K2M-…`). Typed back,
//! case, spaces and dashes do not matter, and O, I and L are read as 0, 1 and 1.

use super::{Result, random_bytes};
use zeroize::Zeroizing;

/// The 32 characters of the code.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code.
pub const CODE_LEN: usize = 24;

/// A recovery code (its 24 characters, without dashes); wiped from memory when dropped.
#[derive(Clone)]
pub struct RecoveryCode(Zeroizing<String>);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

impl RecoveryCode {
    /// A fresh random code.
    pub fn random() -> Result<RecoveryCode> {
        let mut bytes = Zeroizing::new([0u8; CODE_LEN]);
        random_bytes(bytes.as_mut())?;
        let text: String = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect();
        Ok(RecoveryCode(Zeroizing::new(text)))
    }

    /// Reads a typed code: `None` when `text` is not one (wrong length or characters).
    pub fn parse(text: &str) -> Option<RecoveryCode> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_LEN));
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return None;
            }
            out.push(c);
        }
        (out.len() == CODE_LEN).then_some(RecoveryCode(out))
    }

    /// The characters the key is derived from (no dashes).
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }

    /// The code as printed: six groups of four joined by dashes.
    pub fn display(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_whatever_its_case_dashes_and_lookalikes() {
        let code = RecoveryCode::random().unwrap();
        let shown = code.display();
        assert_eq!(shown.len(), CODE_LEN + 5, "{shown}");
        assert_eq!(RecoveryCode::parse(&shown).unwrap().secret(), code.secret());
        assert_eq!(RecoveryCode::parse(&shown.to_lowercase().replace('-', " ")).unwrap().secret(), code.secret());
        let with_o = "O0I1L0000000000000000000";
        assert_eq!(RecoveryCode::parse(with_o).unwrap().secret(), "001110000000000000000000");
        assert!(RecoveryCode::parse("ABCD").is_none());
        assert!(RecoveryCode::parse("密码密码").is_none());
        assert!(RecoveryCode::parse(&format!("{}U", &code.secret()[..23])).is_none());
    }
}
