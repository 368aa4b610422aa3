//! Fixture spreadsheets the tests make themselves: workbooks through rust_xlsxwriter, text
//! tables in GBK or UTF-8, and a national-style roster of a few hundred people.

pub use crate::support::today;
use chrono::{Days, NaiveDate};
use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};
use zoufang::model::id_number::check_char;

/// A valid ID number from its first 17 digits.
pub fn id(body: &str) -> String {
    format!("{body}{}", check_char(body))
}

/// An ID number with the wrong check character.
pub fn bad_check(body: &str) -> String {
    let right = check_char(body);
    format!("{body}{}", if right == '1' { '2' } else { '1' })
}

/// A cell merged over a range: first row, first column, last row, last column, text.
pub type Merge = (u32, u16, u32, u16, &'static str);

/// A sheet to write: its name, its rows of cells and its merged ranges.
pub type SheetSpec<'a> = (&'a str, Vec<Vec<String>>, Vec<Merge>);

/// Writes a workbook: a cell `"#123"` is written as the number 123, `""` is left empty;
/// merged ranges are written over the cells.
pub fn xlsx(path: &Path, sheets: &[SheetSpec<'_>]) {
    let mut book = Workbook::new();
    for (name, rows, merges) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if let Some(number) = cell.strip_prefix('#') {
                    sheet.write_number(r, c, number.parse::<f64>().unwrap()).unwrap();
                } else if !cell.is_empty() {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
        for &(r1, c1, r2, c2, text) in merges {
            sheet.merge_range(r1, c1, r2, c2, text, &Format::new()).unwrap();
        }
    }
    book.save(path).unwrap();
}

/// Rows from string slices.
pub fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
}

/// A one-sheet workbook in `dir`.
pub fn simple(dir: &Path, file: &str, cells: Vec<Vec<String>>) -> PathBuf {
    let path = dir.join(file);
    xlsx(&path, &[("Sheet1", cells, Vec::new())]);
    path
}

/// Writes `text` encoded as GBK (what Chinese Excel saves a CSV as).
pub fn gbk_csv(path: &Path, text: &str) {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    std::fs::write(path, bytes).unwrap();
}

/// The header of the national system's person list.
pub const NATIONAL_HEADER: &[&str] = &[
    "序号",
    "省",
    "市",
    "县",
    "乡(镇)",
    "行政村",
    "村民小组",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工地点",
    "贫困户属性",
    "主要致贫原因",
    "脱贫年度",
    "联系电话",
    "帮扶责任人",
    "银行卡号",
];

/// What a generated national roster holds.
pub struct National {
    /// The file.
    pub path: PathBuf,
    /// Households.
    pub households: usize,
    /// People.
    pub people: usize,
    /// Distinct cadres named.
    pub cadres: usize,
}

/// A national-style roster: a title row merged across the sheet, an export line, the header,
/// one row per person grouped by 户编号 with the 户主 first, and a 合计 row at the end.
pub fn national(dir: &Path, households: usize) -> National {
    const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
    const GIVEN: &[&str] = &["建国", "秀英", "志强", "桂兰", "小明", "丽", "军", "芳", "伟", "娟", "海燕", "玉兰"];
    const KIN: &[&str] = &["之子", "之女", "之孙子", "之孙女", "之儿媳"];
    const CADRES: &[&str] = &["马文", "高峰", "罗静", "郭涛", "何平", "林红", "宋杰", "郑敏"];
    let mut seed = 20201101u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let width = NATIONAL_HEADER.len();
    let mut cells = vec![
        vec!["杨家沟村建档立卡贫困人口花名册".to_string()],
        vec!["填报单位：黄堡镇人民政府".to_string()],
        NATIONAL_HEADER.iter().map(|s| s.to_string()).collect(),
    ];
    let mut people = 0;
    let mut used = std::collections::HashSet::new();
    for h in 0..households {
        let size = [1, 2, 3, 3, 4, 4, 5, 6][next(8)];
        let surname = SURNAMES[next(SURNAMES.len())];
        let code = format!("61020200100{:04}", h + 1);
        let group = format!("{}组", h * 5 / households + 1);
        let category = ["一般贫困户", "低保贫困户", "特困供养贫困户"][next(3)];
        let cause = ["因病", "因残", "因学", "缺劳力", "缺技术"][next(5)];
        let year = ["2017", "2018", "2019", ""][next(4)];
        let phone = format!("139{:08}", next(100_000_000));
        let cadre = CADRES[h % CADRES.len()];
        for m in 0..size {
            people += 1;
            let (relation, born, male) = match m {
                0 => ("户主", 1945 + next(40) as i32, true),
                1 => ("配偶", 1945 + next(40) as i32, false),
                _ => {
                    let kin = KIN[next(KIN.len())];
                    (kin, 1990 + next(28) as i32, kin == "之子" || kin == "之孙子")
                }
            };
            let name = if m == 1 {
                format!("{}{}", SURNAMES[next(SURNAMES.len())], GIVEN[next(GIVEN.len())])
            } else {
                format!("{surname}{}", GIVEN[next(GIVEN.len())])
            };
            let birth = NaiveDate::from_ymd_opt(born, 1, 1).unwrap() + Days::new(next(365) as u64);
            let id_number = loop {
                let body = format!("610202{}{:02}{}", birth.format("%Y%m%d"), next(100), if male { 1 } else { 2 });
                let candidate = id(&body);
                if used.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let age = 2020 - born;
            let schooling = match age {
                6..=11 => "小学",
                12..=14 => "七年级",
                15..=17 => "普通高中二年级",
                _ => "非在校生",
            };
            let labour = match age {
                ..18 => "无劳动力",
                18..60 => "普通劳动力",
                _ => "弱劳动力或半劳动力",
            };
            let work =
                if labour == "普通劳动力" { ["省外务工", "县外省内务工", ""][next(3)] } else { "" };
            let health = ["健康", "健康", "健康", "长期慢性病", "患有大病", "残疾"][next(6)];
            let row: [&str; 26] = [
                &people.to_string(),
                "陕西省",
                "铜川市",
                "王益区",
                "黄堡镇",
                "杨家沟村",
                &group,
                &code,
                &format!("{code}{:02}", m + 1),
                &name,
                &id_number,
                &size.to_string(),
                relation,
                "汉族",
                "初中",
                schooling,
                health,
                labour,
                work,
                if work.is_empty() { "" } else { "广东深圳" },
                category,
                cause,
                year,
                &phone,
                cadre,
                "6230270100001234567",
            ];
            cells.push(row.iter().map(|s| s.to_string()).collect());
        }
    }
    let mut total = vec![String::new(); width];
    total[0] = "合计".into();
    total[11] = format!("#{people}");
    cells.push(total);
    let path = dir.join("national.xlsx");
    let title = "杨家沟村建档立卡贫困人口花名册";
    xlsx(&path, &[("贫困人口信息", cells, vec![(0, 0, 0, width as u16 - 1, title)])]);
    National { path, households, people, cadres: CADRES.len().min(households) }
}
