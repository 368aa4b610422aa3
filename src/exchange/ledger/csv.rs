//! Writing a ledger as CSV: one file per sheet, UTF-8 with a byte order mark (so Excel and WPS
//! read the Chinese correctly), fields quoted as RFC 4180 says, lines ending CRLF.

use super::rows::{self, Context};
use super::sheet::{Book, Cell, Sheet, Value};
use super::xlsx::replace_file;
use super::{Result, csv_path, csv_paths, visits, write_file};
use crate::exchange::error::ExchangeError;
use crate::progress::Progress;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The UTF-8 byte order mark.
const BOM: &str = "\u{feff}";

/// Writes one CSV file per sheet beside `path` and returns their paths.
pub(super) fn write(book: &Book, path: &Path) -> Result<Vec<PathBuf>> {
    let paths = csv_paths(book, path);
    for (sheet, file) in book.sheets.iter().zip(&paths) {
        write_file(file, sheet_text(sheet).as_bytes())?;
    }
    Ok(paths)
}

/// Reads the ledger and writes one CSV file per sheet beside `path`, the two visit sheets line
/// by line as their visits are read; each file is moved into place when complete. Returns the
/// files, the visits and the problems written.
pub(super) fn export(ctx: &mut Context<'_>, path: &Path, progress: &Progress) -> Result<(Vec<PathBuf>, usize, usize)> {
    let heads = visits::heads(ctx)?;
    let (visits_path, results_path) = (csv_path(path, &heads.visits.name), csv_path(path, &heads.results.name));
    let mut n = 0;
    replace_file(&visits_path, |mut visits| {
        replace_file(&results_path, |mut results| {
            visits.write_all(sheet_text(&heads.visits).as_bytes()).map_err(io_error(&visits_path))?;
            results.write_all(sheet_text(&heads.results).as_bytes()).map_err(io_error(&results_path))?;
            let mut text = String::new();
            n = visits::rows(ctx, &heads, progress, |a, b| {
                text.clear();
                line(&mut text, a.iter().map(cell));
                visits.write_all(text.as_bytes()).map_err(io_error(&visits_path))?;
                text.clear();
                line(&mut text, b.iter().map(cell));
                results.write_all(text.as_bytes()).map_err(io_error(&results_path))
            })?;
            results.flush().map_err(io_error(&results_path))
        })?;
        visits.flush().map_err(|e| ExchangeError::io(&visits_path, e))
    })?;
    let mut files = vec![visits_path, results_path];
    let problems = rows::rest(ctx, |sheet| {
        let file = csv_path(path, &sheet.name);
        replace_file(&file, |mut w| {
            w.write_all(sheet_text(&sheet).as_bytes()).and_then(|()| w.flush()).map_err(|e| ExchangeError::io(&file, e))
        })?;
        files.push(file);
        Ok(())
    })?;
    Ok((files, n, problems))
}

/// Turns an I/O failure on `path` into its one-sentence error.
fn io_error(path: &Path) -> impl Fn(std::io::Error) -> ExchangeError + '_ {
    move |e| ExchangeError::io(path, e)
}

/// A sheet as CSV text: the title line, then each table's caption, headers and rows, with an
/// empty line between tables.
pub(super) fn sheet_text(sheet: &Sheet) -> String {
    let mut out = String::from(BOM);
    line(&mut out, [text_field(&sheet.title)]);
    for (i, table) in sheet.tables.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        if let Some(caption) = &table.caption {
            line(&mut out, [text_field(caption)]);
        }
        line(&mut out, table.columns.iter().map(|c| text_field(&c.header)));
        for cells in &table.rows {
            line(&mut out, cells.iter().map(cell));
        }
    }
    out
}

fn line(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// A cell as a field. A long run of digits (a full ID number, a 户编号) is written as the
/// formula ="…" so that Excel and WPS keep it as text rather than rounding it to 15 digits.
fn cell(c: &Cell) -> String {
    match &c.value {
        Value::Text(s) if s.len() >= 12 && s.chars().all(|ch| ch.is_ascii_digit() || ch == 'X') => {
            field(&format!("=\"{s}\""))
        }
        Value::Text(s) => text_field(s),
        _ => field(&c.shown()),
    }
}

/// A field of text typed by people: one that Excel or WPS would run as a formula (it starts
/// with `=`, `+`, `-` or `@`, or a tab or carriage return before one) gets a leading `'`, so it
/// shows as the text it is and never computes or calls out.
fn text_field(text: &str) -> String {
    if text.trim_start_matches(['\t', '\r', ' ']).starts_with(['=', '+', '-', '@']) || text.starts_with(['\t', '\r']) {
        field(&format!("'{text}"))
    } else {
        field(text)
    }
}

/// Quotes a field that holds a comma, a quote or a line break, doubling its quotes.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("张三"), "张三");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("他说\"好\""), "\"他说\"\"好\"\"\"");
        assert_eq!(field("第一行\n第二行"), "\"第一行\n第二行\"");
    }

    #[test]
    fn formula_like_text_is_defused() {
        assert_eq!(
            cell(&Cell::text("=HYPERLINK(\"http://x\",\"点\")")),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"点\"\")\""
        );
        for t in ["+1+1", "-2+3", "@SUM(A1)", " =1", "\t=1"] {
            assert!(cell(&Cell::text(t)).trim_start_matches('"').starts_with('\''), "{t}");
        }
        assert_eq!(cell(&Cell::text("张三-李四")), "张三-李四");
        let negative = Cell { value: Value::Number(-5.0), ..Cell::text("") };
        assert!(!cell(&negative).starts_with('\''), "numbers are never defused");
        assert_eq!(text_field("=村"), "'=村");
    }

    #[test]
    fn long_digit_runs_stay_text_in_excel() {
        assert_eq!(cell(&Cell::text("61020219800101123X")), "\"=\"\"61020219800101123X\"\"\"");
        assert_eq!(cell(&Cell::text("610202********123X")), "610202********123X");
        assert_eq!(cell(&Cell::int(1234567890123)), "1234567890123");
    }
}
