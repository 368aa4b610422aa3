//! Finding the header row by its column names — title rows, blank rows and merged cells above
//! it are normal — and the meaning of each column, recognised or chosen by hand.

use super::book::Sheet;
use super::columns::Target;
use std::collections::HashSet;

/// How far down the header row is looked for.
const SEARCH_ROWS: usize = 40;

/// One column of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The sheet column (0 = A).
    pub index: usize,
    /// The header text.
    pub label: String,
    /// What the header text was recognised as.
    pub recognised: Option<Target>,
    /// What the column is read as (the recognised meaning, or the user's choice; `None`: ignored).
    pub target: Option<Target>,
}

impl Column {
    /// The column's letters as Excel shows them (A, B, …, AA).
    pub fn letters(&self) -> String {
        column_letters(self.index)
    }
}

/// Excel's letters for a column counted from 0.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.iter().rev().map(|&b| b as char).collect()
}

/// The header row and the columns under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The header's row in the sheet (0 = row 1); data starts below it.
    pub row: usize,
    /// Every column with a header text or data.
    pub columns: Vec<Column>,
}

impl Header {
    /// The sheet column read as `target`, if any.
    pub fn column_of(&self, target: Target) -> Option<usize> {
        self.columns.iter().find(|c| c.target == Some(target)).map(|c| c.index)
    }

    /// Whether some column is read as `target`.
    pub fn has(&self, target: Target) -> bool {
        self.column_of(target).is_some()
    }

    /// Reads sheet column `index` as `target` (`None`: ignore it); a column that was read as the
    /// same target before is ignored from now on.
    pub fn set_target(&mut self, index: usize, target: Option<Target>) {
        for c in &mut self.columns {
            if c.index == index {
                c.target = target;
            } else if target.is_some() && c.target == target {
                c.target = None;
            }
        }
    }

    /// The header text of sheet column `index`.
    pub fn label_of(&self, index: usize) -> &str {
        self.columns.iter().find(|c| c.index == index).map_or("", |c| c.label.as_str())
    }
}

/// A row's header texts with what each is recognised as.
type Labels = Vec<(String, Option<Target>)>;

/// The cells of row `row` read as header names (`None` where nothing is recognised).
fn recognised_row(sheet: &Sheet, row: usize) -> Labels {
    let above = group_headings(sheet, row);
    (0..sheet.width())
        .map(|c| {
            let mut label = sheet.cell(row, c).text();
            let over = above.as_ref().map(|a| a[c].as_str()).filter(|a| !a.is_empty() && *a != label);
            if label.is_empty()
                && let Some(over) = over
            {
                // A name in the row above over an empty cell: a header cell two rows high.
                label = over.to_string();
                return (label.clone(), Target::recognise(&label, None));
            }
            let target = Target::recognise(&label, over);
            (label, target)
        })
        .collect()
}

/// The row above `row` when it holds group headings (at least two different texts — a title
/// merged across the sheet holds one).
fn group_headings(sheet: &Sheet, row: usize) -> Option<Vec<String>> {
    let up = row.checked_sub(1)?;
    let above: Vec<String> = (0..sheet.width()).map(|c| sheet.cell(up, c).text()).collect();
    let distinct: HashSet<&str> = above.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    (distinct.len() >= 2).then_some(above)
}

/// The header of `sheet`: the row among the first ones that names most known columns, one of
/// them a name (姓名 or 户主姓名). `None` when no row does.
pub fn find(sheet: &Sheet) -> Option<Header> {
    let mut best: Option<(usize, usize, Labels)> = None;
    for row in 0..sheet.height().min(SEARCH_ROWS) {
        let cells = recognised_row(sheet, row);
        let targets: HashSet<Target> = cells.iter().filter_map(|(_, t)| *t).collect();
        let named = targets.contains(&Target::Name) || targets.contains(&Target::HeadName);
        if named && targets.len() >= 2 && best.as_ref().is_none_or(|(_, score, _)| targets.len() > *score) {
            best = Some((row, targets.len(), cells));
        }
    }
    let (row, _, cells) = best?;
    let mut taken = HashSet::new();
    let columns = cells
        .into_iter()
        .enumerate()
        .filter(|(index, (label, _))| !label.is_empty() || column_has_data(sheet, row, *index))
        .map(|(index, (label, recognised))| Column {
            index,
            label,
            recognised,
            target: recognised.filter(|t| taken.insert(*t)),
        })
        .collect();
    Some(Header { row, columns })
}

fn column_has_data(sheet: &Sheet, header: usize, col: usize) -> bool {
    (header + 1..sheet.height()).any(|r| !sheet.cell(r, col).is_blank())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::roster::book::Cell;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::from_rows(
            "s",
            rows.iter()
                .map(|r| r.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }).collect())
                .collect(),
        )
    }

    #[test]
    fn header_below_a_title_and_blank_rows() {
        let s = sheet(&[
            &["杨家沟村建档立卡贫困人口花名册", "杨家沟村建档立卡贫困人口花名册", "杨家沟村建档立卡贫困人口花名册"],
            &[],
            &["序号", "姓名", "身份证号", "备注"],
            &["1", "张三", "x", ""],
        ]);
        let h = find(&s).unwrap();
        assert_eq!(h.row, 2);
        assert_eq!(h.column_of(Target::IdNumber), Some(2));
        assert_eq!(h.columns[3].label, "备注");
        assert_eq!(h.columns[3].target, None);
    }

    #[test]
    fn two_row_header_with_group_headings() {
        let s = sheet(&[
            &["序号", "户主信息", "", "家庭成员", "", ""],
            &["", "姓名", "证件号码", "姓名", "证件号码", "与户主关系"],
            &["1", "张三", "1", "张三", "1", "户主"],
        ]);
        let h = find(&s).unwrap();
        assert_eq!(h.row, 1);
        assert_eq!(h.column_of(Target::Serial), Some(0), "a header cell two rows high");
        assert_eq!(h.column_of(Target::HeadName), Some(1));
        assert_eq!(h.column_of(Target::Name), Some(3));
        assert_eq!(h.column_of(Target::IdNumber), Some(2), "the first of two ID columns is read");
        assert_eq!(h.columns[4].recognised, Some(Target::IdNumber));
        assert_eq!(h.columns[4].target, None);
    }

    #[test]
    fn merged_group_headings_name_the_head_columns() {
        // As read from a workbook whose group headings are merged across their columns.
        let s = sheet(&[
            &["序号", "户主信息", "户主信息", "家庭成员", "家庭成员", "家庭成员"],
            &["序号", "姓名", "证件号码", "姓名", "证件号码", "与户主关系"],
        ]);
        let h = find(&s).unwrap();
        assert_eq!(h.column_of(Target::HeadName), Some(1));
        assert_eq!(h.column_of(Target::HeadIdNumber), Some(2));
        assert_eq!(h.column_of(Target::Name), Some(3));
        assert_eq!(h.column_of(Target::IdNumber), Some(4));
    }

    #[test]
    fn mapping_by_hand_moves_a_target() {
        let mut h = find(&sheet(&[&["姓名", "身份证号", "号码"]])).unwrap();
        h.set_target(2, Some(Target::IdNumber));
        assert_eq!(h.column_of(Target::IdNumber), Some(2));
        assert_eq!(h.columns[1].target, None);
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
    }

    #[test]
    fn no_header_without_a_name_column() {
        assert!(find(&sheet(&[&["序号", "身份证号"], &["1", "2"]])).is_none());
        assert!(find(&sheet(&[&["会议纪要"], &["今天开会"]])).is_none());
    }
}
