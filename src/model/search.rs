//! Finding a household by what a cadre types: a name, its pinyin (initials `zs`, full `zhangsan`
//! or a mix such as `zhangs`), the 户编号, or the last digits of an ID number.

use pinyin::ToPinyinMulti;

/// One name split into syllables; each syllable lists its possible readings (heteronyms such as
/// 单 shan/dan all count).
#[derive(Debug, Clone)]
struct Spelled {
    syllables: Vec<Vec<String>>,
}

impl Spelled {
    fn new(name: &str) -> Self {
        let syllables = name
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c.to_pinyin_multi() {
                Some(multi) => {
                    let mut readings: Vec<String> = multi.into_iter().map(|p| p.plain().replace('ü', "v")).collect();
                    readings.dedup();
                    readings
                }
                None => vec![c.to_lowercase().collect()],
            })
            .collect();
        Spelled { syllables }
    }

    /// Bit masks of the letters in any reading, and of the readings' first letters.
    fn masks(&self) -> (u32, u32) {
        let mut letters = 0;
        let mut initials = 0;
        for reading in self.syllables.iter().flatten() {
            letters |= letter_mask(reading);
            initials |= letter_mask(&reading[..reading.len().min(1)]);
        }
        (letters, initials)
    }

    /// Whether `query` (lower-case ASCII) spells a run of consecutive syllables, each by a
    /// non-empty prefix of one of its readings.
    fn spells(&self, query: &str) -> bool {
        (0..self.syllables.len()).any(|start| spells_from(&self.syllables[start..], query))
    }
}

fn spells_from(syllables: &[Vec<String>], query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let Some((first, rest)) = syllables.split_first() else {
        return false;
    };
    first.iter().any(|reading| {
        (1..=reading.len().min(query.len()))
            .rev()
            .any(|k| reading.as_bytes()[..k] == query.as_bytes()[..k] && spells_from(rest, &query[k..]))
    })
}

/// The set of ASCII letters in `s` as bits (a = bit 0).
fn letter_mask(s: &str) -> u32 {
    s.bytes().filter(u8::is_ascii_lowercase).fold(0, |m, b| m | 1 << (b - b'a'))
}

/// Everything a household can be found by, prepared once when the list is loaded. The text and
/// the letter masks sit in the key itself, so most households are ruled out without following
/// a pointer.
#[derive(Debug, Clone, Default)]
pub struct SearchKey {
    /// Names and 户编号, lower-case, one per line.
    text: String,
    /// Letters of any reading of any name.
    letters: u32,
    /// First letters of the readings.
    initials: u32,
    names: Vec<Spelled>,
    id_numbers: Vec<String>,
}

impl SearchKey {
    /// Prepares the key of a household: its people's names, its 户编号 and their ID numbers.
    pub fn new<'a>(
        names: impl IntoIterator<Item = &'a str>,
        code: &str,
        id_numbers: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut distinct: Vec<&str> = Vec::new();
        for name in names {
            if !name.is_empty() && !distinct.contains(&name) {
                distinct.push(name);
            }
        }
        let names: Vec<Spelled> = distinct.iter().map(|n| Spelled::new(n)).collect();
        let (letters, initials) = names.iter().map(Spelled::masks).fold((0, 0), |(l, i), (a, b)| (l | a, i | b));
        SearchKey {
            text: format!("{}\n{}", distinct.join("\n"), code.to_lowercase()),
            letters,
            initials,
            names,
            id_numbers: id_numbers.into_iter().map(str::to_lowercase).collect(),
        }
    }

    /// Whether the household matches `query` (an empty query matches all).
    pub fn matches(&self, query: &Query) -> bool {
        let q = query.text.as_str();
        if q.is_empty() || self.text.contains(q) {
            return true;
        }
        if query.id_tail && self.id_numbers.iter().any(|id| id.ends_with(q)) {
            return true;
        }
        query.pinyin
            && query.letters & !self.letters == 0
            && self.initials & letter_mask(&q[..1]) != 0
            && self.names.iter().any(|n| n.spells(q))
    }
}

/// A search text, normalised once (trimmed, lower-case, spaces removed) for many matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    text: String,
    /// Three or more digits (or x): may be the end of an ID number.
    id_tail: bool,
    /// Letters only: may be pinyin.
    pinyin: bool,
    letters: u32,
}

impl Query {
    /// Normalises what was typed.
    pub fn new(typed: &str) -> Self {
        let text: String = typed.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        Query {
            id_tail: text.len() >= 3 && text.bytes().all(|b| b.is_ascii_digit() || b == b'x'),
            pinyin: !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase()),
            letters: letter_mask(&text),
            text,
        }
    }

    /// Whether nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SearchKey {
        SearchKey::new(["张三", "李秀英"], "6102020101", ["610202198001011234"])
    }

    fn finds(q: &str) -> bool {
        key().matches(&Query::new(q))
    }

    #[test]
    fn pinyin_initials_full_and_mixed() {
        for q in ["zs", "zhangs", "zhangsan", "ZS", "zsan", "lxy", "xiuying", "san"] {
            assert!(finds(q), "{q}");
        }
        for q in ["zx", "zhangsx", "ls", "wang"] {
            assert!(!finds(q), "{q}");
        }
    }

    #[test]
    fn chinese_code_and_id_tail() {
        assert!(finds("张"));
        assert!(finds("秀英"));
        assert!(finds("1234"));
        assert!(finds("020101"));
        assert!(!finds("王"));
        assert!(!finds("9999"));
        assert!(finds(" "));
    }

    #[test]
    fn heteronym_surnames() {
        let k = SearchKey::new(["单田芳"], "", []);
        assert!(k.matches(&Query::new("stf")));
        assert!(k.matches(&Query::new("shantf")));
    }
}
