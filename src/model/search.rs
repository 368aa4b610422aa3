//! Finding a household by what a cadre types: a name, its pinyin (initials `zs`, full `zhangsan`
//! or a mix such as `zhangs`), the 户编号, or the last digits of an ID number.
//!
//! Search runs over every household on each keystroke (10,000 in a township), so a key is
//! prepared once when the list is loaded and matching allocates nothing: the names' readings sit
//! in one byte string per household, the query's substring finder is built once per query, and
//! bit masks of letters rule most households out before any text is looked at.

use memchr::memmem;
use pinyin::ToPinyinMulti;

/// Between the readings of one syllable (单 → `shan|dan|chan`).
const READING: u8 = b'|';
/// After each syllable.
const SYLLABLE: u8 = b' ';
/// After each name.
const NAME: u8 = b'\n';
/// Stands for a character that no pinyin query can spell (punctuation such as the `·` of
/// 阿不都·热合曼), keeping its place so syllables either side are not consecutive.
const NOTHING: u8 = b'#';

/// Appends `name`'s syllables, each with its readings (heteronyms such as 单 shan/dan all
/// count), to `out`, and returns the bit masks of the letters in any reading and of the
/// readings' first letters.
fn spell_into(name: &str, out: &mut Vec<u8>) -> (u32, u32) {
    let (mut letters, mut initials) = (0, 0);
    for c in name.chars().filter(|c| !c.is_whitespace()) {
        let start = out.len();
        match c.to_pinyin_multi() {
            Some(multi) => {
                let mut last = String::new();
                for p in multi {
                    let reading = p.plain().replace('ü', "v");
                    if reading == last {
                        continue;
                    }
                    if out.len() > start {
                        out.push(READING);
                    }
                    out.extend_from_slice(reading.as_bytes());
                    last = reading;
                }
            }
            None => {
                for l in c.to_lowercase() {
                    if l.is_ascii_alphanumeric() {
                        out.push(l as u8);
                    } else if l.is_ascii() {
                        out.push(NOTHING);
                    } else {
                        let mut buf = [0; 4];
                        out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
        }
        for reading in out[start..].split(|b| *b == READING) {
            letters |= letter_mask(reading);
            initials |= letter_mask(&reading[..reading.len().min(1)]);
        }
        out.push(SYLLABLE);
    }
    out.push(NAME);
    (letters, initials)
}

/// Whether `query` (lower-case ASCII letters) spells a run of consecutive syllables of one name
/// in `spelled` (as [`spell_into`] wrote it), each by a non-empty prefix of one of its readings.
fn spells(spelled: &[u8], query: &[u8]) -> bool {
    spelled.split(|b| *b == NAME).any(|name| {
        let mut rest = name;
        while !rest.is_empty() {
            if spells_from(rest, query) {
                return true;
            }
            rest = rest.iter().position(|b| *b == SYLLABLE).map_or(&[][..], |at| &rest[at + 1..]);
        }
        false
    })
}

/// Whether `query` spells the syllables at the start of `syllables`, from the first on.
fn spells_from(syllables: &[u8], query: &[u8]) -> bool {
    if query.is_empty() {
        return true;
    }
    let end = syllables.iter().position(|b| *b == SYLLABLE).unwrap_or(syllables.len());
    if end == 0 {
        return false;
    }
    let rest = syllables.get(end + 1..).unwrap_or(&[]);
    syllables[..end].split(|b| *b == READING).any(|reading| {
        let common = reading.iter().zip(query).take_while(|(a, b)| a == b).count();
        (1..=common).rev().any(|k| spells_from(rest, &query[k..]))
    })
}

/// The set of ASCII letters in `s` as bits (a = bit 0).
fn letter_mask(s: &[u8]) -> u32 {
    s.iter().filter(|b| b.is_ascii_lowercase()).fold(0, |m, b| m | 1 << (b - b'a'))
}

/// Everything a household can be found by, prepared once when the list is loaded. The letter
/// masks sit in the key itself, so most households are ruled out without following a pointer;
/// the texts share one buffer, so a household that is not ruled out costs one pointer to follow
/// rather than one per text (on a busy machine each is a trip to memory: a search of 10,000
/// households ran 4–8 ms with them apart).
#[derive(Debug, Clone, Default)]
pub struct SearchKey {
    /// Names and 户编号, lower-case, one per line; then every name's syllables and their
    /// readings, as [`spell_into`] writes them; then the 身份证号, lower-case, one per line.
    packed: Box<[u8]>,
    /// Where the syllables start in `packed`…
    spelled_at: u32,
    /// …and where the 身份证号 start.
    ids_at: u32,
    /// Letters of any reading of any name.
    letters: u32,
    /// First letters of the readings.
    initials: u32,
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
        let mut packed = format!("{}\n{}", distinct.join("\n"), code.to_lowercase()).into_bytes();
        let spelled_at = packed.len();
        let (mut letters, mut initials) = (0, 0);
        for name in &distinct {
            let (l, i) = spell_into(name, &mut packed);
            letters |= l;
            initials |= i;
        }
        let ids_at = packed.len();
        for id in id_numbers {
            packed.extend(id.to_lowercase().bytes());
            packed.push(b'\n');
        }
        SearchKey {
            packed: packed.into_boxed_slice(),
            spelled_at: spelled_at as u32,
            ids_at: ids_at as u32,
            letters,
            initials,
        }
    }

    /// Whether the household matches `query` (an empty query matches all).
    pub fn matches(&self, query: &Query) -> bool {
        let q = query.text.as_bytes();
        let (spelled_at, ids_at) = (self.spelled_at as usize, self.ids_at as usize);
        if q.is_empty() || query.finder.find(&self.packed[..spelled_at]).is_some() {
            return true;
        }
        if query.id_tail && self.packed[ids_at..].split(|b| *b == b'\n').any(|id| id.ends_with(q)) {
            return true;
        }
        if !query.pinyin || query.letters & !self.letters != 0 || self.initials & query.first == 0 {
            return false;
        }
        // One letter is spelled exactly when some reading starts with it: the initials say so.
        q.len() == 1 || spells(&self.packed[spelled_at..ids_at], q)
    }
}

/// A search text, normalised once (trimmed, lower-case, spaces removed) for many matches.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    /// Finds the text inside a key's text, built once for all keys.
    finder: memmem::Finder<'static>,
    /// Three or more digits (or x): may be the end of an ID number.
    id_tail: bool,
    /// Letters only: may be pinyin.
    pinyin: bool,
    /// The letters of the text.
    letters: u32,
    /// Its first letter.
    first: u32,
}

impl Query {
    /// Normalises what was typed.
    pub fn new(typed: &str) -> Self {
        let text: String = typed.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
        let bytes = text.as_bytes();
        Query {
            id_tail: text.len() >= 3 && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'x'),
            pinyin: !text.is_empty() && bytes.iter().all(u8::is_ascii_lowercase),
            letters: letter_mask(bytes),
            first: letter_mask(&bytes[..bytes.len().min(1)]),
            finder: memmem::Finder::new(bytes).into_owned(),
            text,
        }
    }

    /// Whether nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl Default for Query {
    fn default() -> Self {
        Query::new("")
    }
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Query {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> SearchKey {
        SearchKey::new(["张三", "李秀英"], "6102020101", ["610202198001011234"])
    }

    fn finds(q: &str) -> bool {
        key().matches(&Query::new(q))
    }

    #[test]
    fn pinyin_initials_full_and_mixed() {
        for q in ["zs", "zhangs", "zhangsan", "ZS", "zsan", "lxy", "xiuying", "san", "z", "y"] {
            assert!(finds(q), "{q}");
        }
        for q in ["zx", "zhangsx", "ls", "wang", "w", "a"] {
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
    fn each_id_number_is_matched_by_its_own_tail() {
        let key = SearchKey::new(["张三"], "01", ["61020219800101123X", "610202198502025678"]);
        let finds = |q: &str| key.matches(&Query::new(q));
        assert!(finds("123x") && finds("5678"), "the tail of either");
        assert!(!finds("1230") && !finds("123x6102"), "not the middle of one, nor across two");
        assert!(!finds("19800101"), "ID numbers are not searched as names are");
    }

    #[test]
    fn heteronym_surnames() {
        let k = SearchKey::new(["单田芳"], "", []);
        assert!(k.matches(&Query::new("stf")));
        assert!(k.matches(&Query::new("shantf")));
        assert!(k.matches(&Query::new("dtf")));
    }

    #[test]
    fn names_with_punctuation_or_latin_letters() {
        // The middle dot of minority names is two bytes in UTF-8: it once split a reading mid-character.
        let k = SearchKey::new(["阿不都·热合曼", "Anna", "Zoë"], "", []);
        assert!(k.matches(&Query::new("abd")));
        assert!(k.matches(&Query::new("rhm")));
        assert!(!k.matches(&Query::new("abdr")), "the dot stands between the syllables");
        assert!(k.matches(&Query::new("anna")));
        assert!(k.matches(&Query::new("zo")));
        assert!(!k.matches(&Query::new("zoe")), "ë is not e");
        let k = SearchKey::new(["A|B"], "", []);
        assert!(!k.matches(&Query::new("ab")), "an ASCII mark is no reading separator");
    }

    /// The matcher as it was before the readings were packed into one byte string: syllables as
    /// lists of readings, tried recursively.
    fn reference(names: &[&str], query: &Query) -> bool {
        let q = query.text.as_str();
        if q.is_empty() || names.join("\n").contains(q) {
            return true;
        }
        query.pinyin
            && names.iter().any(|name| {
                let syllables: Vec<Vec<String>> = name
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| match c.to_pinyin_multi() {
                        Some(multi) => multi.into_iter().map(|p| p.plain().replace('ü', "v")).collect(),
                        None => vec![c.to_lowercase().collect()],
                    })
                    .collect();
                (0..syllables.len()).any(|start| reference_from(&syllables[start..], q))
            })
    }

    fn reference_from(syllables: &[Vec<String>], query: &str) -> bool {
        if query.is_empty() {
            return true;
        }
        let Some((first, rest)) = syllables.split_first() else { return false };
        first.iter().any(|reading| {
            (1..=reading.len().min(query.len()))
                .rev()
                .any(|k| reading.as_bytes()[..k] == query.as_bytes()[..k] && reference_from(rest, &query[k..]))
        })
    }

    proptest! {
        #[test]
        fn packed_readings_match_as_the_lists_did(
            names in proptest::collection::vec("[张王李赵单长乐曾重行朴区解A-Za-z·]{1,4}", 1..4),
            query in "[a-z]{1,6}",
        ) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let key = SearchKey::new(names.iter().copied(), "", []);
            let query = Query::new(&query);
            prop_assert_eq!(key.matches(&query), reference(&names, &query));
        }
    }
}
