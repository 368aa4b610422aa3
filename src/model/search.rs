//! Finding a household by what a cadre types: a name, its pinyin (initials `zs`, full `zhangsan`
//! or a mix such as `zhangs`), the 户编号, or the last digits of an ID number.

use pinyin::ToPinyinMulti;

/// One name split into syllables; each syllable lists its possible readings (heteronyms such as
/// 单 shan/dan all count).
#[derive(Debug, Clone)]
struct Spelled {
    name: String,
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
        Spelled { name: name.to_string(), syllables }
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

/// Everything a household can be found by, prepared once when the list is loaded.
#[derive(Debug, Clone, Default)]
pub struct SearchKey {
    names: Vec<Spelled>,
    code: String,
    id_numbers: Vec<String>,
}

impl SearchKey {
    /// Prepares the key of a household: its people's names, its 户编号 and their ID numbers.
    pub fn new<'a>(
        names: impl IntoIterator<Item = &'a str>,
        code: &str,
        id_numbers: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        SearchKey {
            names: names.into_iter().filter(|n| !n.is_empty()).map(Spelled::new).collect(),
            code: code.to_lowercase(),
            id_numbers: id_numbers.into_iter().map(str::to_lowercase).collect(),
        }
    }

    /// Whether the household matches `query` (already trimmed; an empty query matches all).
    pub fn matches(&self, query: &Query) -> bool {
        let q = query.0.as_str();
        if q.is_empty() || self.code.contains(q) {
            return true;
        }
        if q.len() >= 3
            && q.bytes().all(|b| b.is_ascii_digit() || b == b'x')
            && self.id_numbers.iter().any(|id| id.ends_with(q))
        {
            return true;
        }
        if q.is_ascii() {
            q.bytes().all(|b| b.is_ascii_alphabetic()) && self.names.iter().any(|n| n.spells(q))
        } else {
            self.names.iter().any(|n| n.name.contains(q))
        }
    }
}

/// A search text, normalised once (trimmed, lower-case, spaces removed) for many matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    /// Normalises what was typed.
    pub fn new(typed: &str) -> Self {
        Query(typed.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect())
    }

    /// Whether nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
