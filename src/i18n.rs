//! The UI text catalogue: Simplified Chinese by default, English switchable.
//!
//! Texts live in `assets/i18n/*.toml` (flat `key = "text"`); a key missing from English falls back
//! to Chinese, and a key missing everywhere shows as itself so it is easy to spot.
//! Coded values stored in the database (户类别, 与户主关系…) are Chinese words: in Chinese they show
//! as they are, in English through the `value.` keys of the catalogue.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文 (the default).
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The code stored in settings.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads a stored code; anything unknown is Chinese.
    pub fn from_code(code: &str) -> Self {
        if code == "en" { Lang::En } else { Lang::Zh }
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Switches the language of every text looked up from now on.
pub fn set_lang(lang: Lang) {
    CURRENT.store(matches!(lang, Lang::En) as u8, Ordering::Relaxed);
}

/// The language in use.
pub fn lang() -> Lang {
    if CURRENT.load(Ordering::Relaxed) == 1 { Lang::En } else { Lang::Zh }
}

type Catalogue = HashMap<String, &'static str>;

#[allow(clippy::expect_used, reason = "the catalogues are compiled in; a test reads both at every run")]
fn parse(text: &'static str) -> Catalogue {
    let table: toml::Table = text.parse().expect("the built-in catalogue is valid TOML");
    table
        .into_iter()
        .map(|(k, v)| {
            let s = v.as_str().expect("catalogue values are strings").to_string();
            (k, &*Box::leak(s.into_boxed_str()))
        })
        .collect()
}

/// The Chinese catalogue.
pub fn zh() -> &'static Catalogue {
    static ZH: OnceLock<Catalogue> = OnceLock::new();
    ZH.get_or_init(|| parse(include_str!("../assets/i18n/zh-CN.toml")))
}

/// The English catalogue.
pub fn en() -> &'static Catalogue {
    static EN: OnceLock<Catalogue> = OnceLock::new();
    EN.get_or_init(|| parse(include_str!("../assets/i18n/en.toml")))
}

/// `label` then `value` after a colon: `收入：有问题` in Chinese, `Income: problem` in English.
pub fn labelled(label: &str, value: &str) -> String {
    match lang() {
        Lang::Zh => format!("{label}：{value}"),
        Lang::En => format!("{label}: {value}"),
    }
}

/// `main` with `note` in brackets after it: `张三（户主）` in Chinese, `张三 (户主)` in English
/// (full-width brackets among English words read as a glitch).
pub fn aside(main: &str, note: &str) -> String {
    match lang() {
        Lang::Zh => format!("{main}（{note}）"),
        Lang::En => format!("{main} ({note})"),
    }
}

/// The text for `key` in the current language.
pub fn t(key: &str) -> &'static str {
    let found = match lang() {
        Lang::En => en().get(key).or_else(|| zh().get(key)),
        Lang::Zh => zh().get(key),
    };
    match found {
        Some(s) => s,
        None => Box::leak(key.to_string().into_boxed_str()),
    }
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn tf(key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// How a stored Chinese value (户类别, 关系…) shows in the current language.
pub fn value(code: &str) -> &str {
    match lang() {
        Lang::Zh => code,
        Lang::En => en().get(&format!("value.{code}")).copied().unwrap_or(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_english_key_exists_in_chinese() {
        let missing: Vec<_> = en().keys().filter(|k| !k.starts_with("value.") && !zh().contains_key(*k)).collect();
        assert!(missing.is_empty(), "keys only in en.toml: {missing:?}");
    }

    #[test]
    fn every_chinese_key_has_an_english_text() {
        let missing: Vec<_> = zh().keys().filter(|k| !en().contains_key(*k)).collect();
        assert!(missing.is_empty(), "keys without English: {missing:?}");
    }

    /// Every key the code names literally — `t("…")`, `tf("…", …)` and keys written as string
    /// literals in key lists (`"area.word"`) — is in both catalogues.
    #[test]
    fn every_key_used_in_the_code_is_in_both_catalogues() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let prefixes: std::collections::HashSet<&str> =
            zh().keys().filter_map(|k| k.split_once('.').map(|(area, _)| area)).collect();
        let mut missing = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            // Every string literal shaped like a key of a known area: `area.word_word…`.
            for literal in text.split('"').skip(1).step_by(2) {
                let Some((area, rest)) = literal.split_once('.') else { continue };
                // File names such as `village.zfp` are not keys.
                if ["zfp", "xlsx", "csv", "db", "toml", "png", "jpg"].contains(&rest) {
                    continue;
                }
                let shaped = !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                    && !rest.ends_with('.');
                let prefix_of_keys = zh().keys().any(|k| k.starts_with(&format!("{literal}.")));
                let known = zh().contains_key(literal) && en().contains_key(literal);
                if prefixes.contains(area) && shaped && !known && !prefix_of_keys {
                    missing.push(format!("{}: {literal}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys used in the code but missing from a catalogue: {missing:#?}");
    }

    #[test]
    fn placeholders_are_filled() {
        assert!(zh()["id.err.length"].contains("{n}"));
        assert!(!tf("id.err.length", &[("n", "17")]).contains("{n}"));
    }
}
