//! Hostile roster files, made here byte by byte: each is refused with one Chinese sentence (or
//! read sensibly) — never a panic, a giant allocation or a hang — and the database is unchanged.

use super::fixtures::*;
use crate::support::{failed, ok, zoufang};
use std::io::Write;
use std::path::{Path, PathBuf};
use zoufang::exchange::roster::{Cell, LIMITS, Workbook};
use zoufang::store::Store;

/// An .xlsx holding one sheet whose `<worksheet>` body is `body` (and `styles` as its styles).
fn raw_xlsx(path: &Path, body: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{body}</worksheet>"#
            ),
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn households(db: &Path) -> i64 {
    Store::open(db).unwrap().summary().unwrap().households
}

/// A database holding one imported household, to show a refused file changes nothing.
fn seeded(dir: &Path) -> PathBuf {
    let db = dir.join("z.db");
    let csv = dir.join("first.csv");
    std::fs::write(
        &csv,
        format!("行政村,户编号,姓名,证件号码,与户主关系\n杨家沟村,A1,张三,{},户主\n", id("61020219800101123")),
    )
    .unwrap();
    ok(zoufang(&db, &["import-roster", csv.to_str().unwrap()]));
    assert_eq!(households(&db), 1);
    db
}

#[test]
fn a_cell_at_xfd1048576_is_refused_without_allocating_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let path = dir.path().join("far.xlsx");
    let body = format!(
        "<sheetData><row r=\"1\">{}</row><row r=\"1048576\">{}</row></sheetData>",
        inline("A1", "姓名"),
        inline("XFD1048576", "x")
    );
    raw_xlsx(&path, &body);
    assert!(std::fs::metadata(&path).unwrap().len() < 4096);
    let err = failed(zoufang(&db, &["import-roster", path.to_str().unwrap()]));
    assert!(
        err.contains("far.xlsx") && err.contains("超出花名册的读取上限") && err.contains("数据库未作修改"),
        "{err}"
    );
    assert_eq!(households(&db), 1);
}

#[test]
fn a_far_empty_cell_and_a_huge_dimension_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dim.xlsx");
    let body = format!(
        "<dimension ref=\"A1:XFD1048576\"/><sheetData><row r=\"1\">{}{}</row><row r=\"2\">{}</row><row r=\"1048576\"><c r=\"XFD1048576\"/></row></sheetData>",
        inline("A1", "姓名"),
        inline("B1", "证件号码"),
        inline("A2", "张三")
    );
    raw_xlsx(&path, &body);
    let book = Workbook::open(&path).unwrap();
    assert_eq!((book.sheets[0].height(), book.sheets[0].width()), (2, 2));
}

#[test]
fn a_malformed_cell_reference_is_a_damaged_sheet() {
    let dir = tempfile::tempdir().unwrap();
    for (i, r) in ["ZZZZZZZZZZZZ1", "A99999999999999999999", "1A", "A0", ""].iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.xlsx"));
        raw_xlsx(&path, &format!("<sheetData><row r=\"1\">{}</row></sheetData>", inline(r, "x")));
        match Workbook::open(&path) {
            Ok(_) => {}
            Err(e) => assert!(e.to_string().contains(&format!("bad{i}.xlsx")), "{e}"),
        }
    }
}

#[test]
fn many_overlapping_merged_regions_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let path = dir.path().join("merges.xlsx");
    let mut rows = String::new();
    for r in 1..=300 {
        rows.push_str(&format!(
            "<row r=\"{r}\">{}{}</row>",
            inline(&format!("A{r}"), "张三"),
            inline(&format!("T{r}"), "x")
        ));
    }
    let merges: String = (0..100_000).map(|i| format!("<mergeCell ref=\"A{}:T{}\"/>", 1 + i % 50, 300)).collect();
    raw_xlsx(&path, &format!("<sheetData>{rows}</sheetData><mergeCells count=\"100000\">{merges}</mergeCells>"));
    let started = std::time::Instant::now();
    let err = failed(zoufang(&db, &["import-roster", path.to_str().unwrap()]));
    assert!(err.contains("合并单元格") && err.contains("merges.xlsx"), "{err}");
    assert_eq!(households(&db), 1);
    // Not a timing assertion: a quadratic fill takes minutes, and this says so if it returns.
    eprintln!("100,000 merged regions refused in {:?}", started.elapsed());
}

#[test]
fn a_date_cell_of_1e15_days_is_read_as_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("date.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "出生日期").unwrap();
    sheet.write_number_with_format(1, 0, 1e15, &date).unwrap();
    sheet.write_number_with_format(2, 0, -1e15, &date).unwrap();
    sheet.write_number_with_format(3, 0, 45000.0, &date).unwrap();
    book.save(&path).unwrap();
    let book = Workbook::open(&path).unwrap();
    let s = &book.sheets[0];
    assert_eq!(s.cell(1, 0), &Cell::Number(1e15));
    assert!(matches!(s.cell(2, 0), Cell::Number(_)));
    assert_eq!(s.cell(3, 0).text(), "2023-03-15");
}

#[test]
fn a_file_over_the_size_budget_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, "姓名\n张三\n".repeat(10)).unwrap();
    let tiny = zoufang::exchange::roster::Limits { file_bytes: 16, ..LIMITS };
    let err = Workbook::open_within(&path, tiny).unwrap_err().to_string();
    assert!(err.contains("big.csv") && err.contains("MB"), "{err}");
    let few = zoufang::exchange::roster::Limits { rows: 5, ..LIMITS };
    let err = Workbook::open_within(&path, few).unwrap_err().to_string();
    assert!(err.contains("第 5 行"), "{err}");
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let path = dir.path().join("bomb.xlsx");
    raw_xlsx(&path, &format!("<sheetData><row r=\"1\">{}</row></sheetData>", inline("A1", "姓名")));
    // A well-formed workbook plus one part that unpacks to 600 MB from well under a megabyte.
    let mut zip =
        zip::ZipWriter::new_append(std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap()).unwrap();
    zip.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default().large_file(true)).unwrap();
    let chunk = "<si><t>a</t></si>".repeat(1 << 16);
    for _ in 0..(600 << 20) / chunk.len() {
        zip.write_all(chunk.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 4 << 20);
    let err = failed(zoufang(&db, &["import-roster", path.to_str().unwrap()]));
    assert!(err.contains("bomb.xlsx") && err.contains("解压后不超过 512 MB"), "{err}");
    assert_eq!(households(&db), 1);
}

#[test]
fn full_width_id_numbers_codes_and_phones_are_read_as_half_width() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let csv = dir.path().join("fw.csv");
    let full: String = id("61020219800101123").chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    std::fs::write(
        &csv,
        format!(
            "行政村,户编号,姓名,证件号码,与户主关系,联系电话\n杨家沟村,Ａ１,张三,{full},户主,１３８００００１２３４\n"
        ),
    )
    .unwrap();
    let out = ok(zoufang(&db, &["import-roster", csv.to_str().unwrap()]));
    assert!(out.contains("新增 1 户"), "{out}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (code, phone, idn): (String, String, String) = conn
        .query_row(
            "SELECT h.code, h.phone, m.id_number FROM households h JOIN members m ON m.household_id = h.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((code.as_str(), phone.as_str(), idn), ("A1", "13800001234", id("61020219800101123")));
    drop(conn);
    ok(zoufang(&db, &["check"]));
}

/// Every household and member row as text: what an import may change.
fn snapshot(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT coalesce((SELECT group_concat(id || code || head_name || phone || updated_at, '|') FROM households), '')
             || '#' || coalesce((SELECT group_concat(id || name || id_number || relation || updated_at, '|') FROM members), '')",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Rosters made of a few colliding codes, names and ID numbers (full-width too): whenever
    /// reading, planning or importing reports an error, the database is exactly as before.
    #[test]
    fn a_failed_import_never_changes_the_database(
        rows in proptest::collection::vec((0usize..4, 0usize..4, 0usize..5, 0usize..3), 1..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = seeded(dir.path());
        let codes = ["A1", "Ａ１", "B2", "", "A-1"];
        let names = ["张三", "李四", "王五", ""];
        let ids = [id("61020219800101123"), id("61020219900101123"), "123".to_string(), String::new(), bad_check("61020219800101123")];
        let relations = ["户主", "配偶", "外星人"];
        let mut csv = String::from("行政村,户编号,姓名,证件号码,与户主关系\n");
        for (c, n, i, r) in rows {
            csv.push_str(&format!("杨家沟村,{},{},{},{}\n", codes[c], names[n], ids[i], relations[r]));
        }
        let file = dir.path().join("r.csv");
        std::fs::write(&file, csv).unwrap();
        let before = snapshot(&db);
        let mut store = Store::open(&db).unwrap();
        let result = Workbook::open(&file)
            .and_then(|b| zoufang::exchange::roster::Roster::read(&b, None))
            .and_then(|r| {
                let village = zoufang::exchange::roster::target_village(&store, None)?;
                zoufang::exchange::roster::plan(&store, &r, village, today())
            })
            .and_then(|plan| {
                Ok(zoufang::exchange::roster::import(&mut store, &plan, today(), &zoufang::progress::Progress::none())?)
            });
        drop(store);
        if let Err(e) = result {
            proptest::prop_assert!(!e.to_string().is_empty());
            proptest::prop_assert_eq!(snapshot(&db), before);
        }
    }
}
