//! Text tables (.csv and tab-separated text): the encoding is detected — UTF-8 with or without
//! a byte-order mark, UTF-16 with one, else GBK/GB18030, which Chinese Excel and WPS write by
//! default — then the rows are split on the separator the text uses most (comma, tab or
//! semicolon), honouring double quotes.

use super::book::Cell;
use super::error::RosterError;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::path::Path;

/// Decodes `bytes` and splits them into rows of text cells.
pub fn read_table(path: &Path, bytes: &[u8]) -> Result<Vec<Vec<Cell>>, RosterError> {
    let text = decode(bytes).ok_or_else(|| RosterError::NotSpreadsheet(path.to_path_buf()))?;
    let start = text.trim_start().get(..200).unwrap_or(text.trim_start()).to_ascii_lowercase();
    if start.starts_with('<') && (start.contains("<html") || start.contains("<table") || start.contains("<!doctype")) {
        return Err(RosterError::Html(path.to_path_buf()));
    }
    let separator = guess_separator(&text);
    Ok(split(&text, separator)
        .into_iter()
        .map(|row| row.into_iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s) }).collect())
        .collect())
}

/// The text of `bytes`, or `None` when they are not text in any encoding a roster comes in.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return UTF_16LE.decode_without_bom_handling_and_without_replacement(rest).map(|s| s.into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return UTF_16BE.decode_without_bom_handling_and_without_replacement(rest).map(|s| s.into_owned());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => GB18030.decode_without_bom_handling_and_without_replacement(bytes)?.into_owned(),
    };
    // Control characters other than line ends and tabs mean a binary file.
    let binary = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).count();
    (binary == 0).then_some(text)
}

/// The separator that occurs most often outside quotes in the first lines.
fn guess_separator(text: &str) -> char {
    let sample: String = text.lines().filter(|l| !l.trim().is_empty()).take(30).collect::<Vec<_>>().join("\n");
    let mut counts = [(',', 0usize), ('\t', 0), (';', 0)];
    let mut quoted = false;
    for c in sample.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && let Some(slot) = counts.iter_mut().find(|(s, _)| *s == c) {
            slot.1 += 1;
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).map_or(',', |(c, _)| *c)
}

/// Splits text into rows of fields: fields may be quoted (`""` inside quotes is one quote and
/// quoted fields may span lines); lines end with LF or CRLF.
fn split(text: &str, separator: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' | '\r' if !quoted => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c if c == separator && !quoted => row.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_separators_and_line_ends() {
        let rows = split("姓名,备注\r\n\"张三\",\"说 \"\"你好\"\", 再见\"\n李四,\"两\n行\"\n", ',');
        assert_eq!(rows, vec![vec!["姓名", "备注"], vec!["张三", "说 \"你好\", 再见"], vec!["李四", "两\n行"]]);
        assert_eq!(guess_separator("姓名\t证件号码\t地址,门牌\n张三\t1\t2"), '\t');
    }

    #[test]
    fn encodings_are_detected() {
        let (gbk, _, _) = GB18030.encode("户编号,姓名\n");
        assert_eq!(decode(&gbk).unwrap(), "户编号,姓名\n");
        assert_eq!(decode("\u{feff}姓名".as_bytes()).unwrap(), "姓名");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("姓名".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16).unwrap(), "姓名");
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
    }
}
