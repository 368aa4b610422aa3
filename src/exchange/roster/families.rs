//! Rows become households. Person rows sharing a 户编号 — or, without one, following their 户主
//! row — form one household headed by its 户主 row; a file with one row per household (or a
//! plain list of people) gives households of one. Every cell is cleaned here and every problem
//! is noted on its row.

use super::book::{Cell, Sheet};
use super::columns::Target;
use super::header::Header;
use super::problem::Problem;
use super::values;
use crate::i18n::{t, tf};
use crate::model::coded::{Category, Coded, Health, Labour, PovertyCause, Relation, Schooling, Work};
use crate::model::id_number::{IdError, IdNumber};
use crate::model::text::{clean, half_width, is_plausible_phone, normal_code};
use chrono::NaiveDate;
use std::collections::HashMap;

/// A person as the file describes them; `None` means the file says nothing (keep what is stored).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileMember {
    /// The row (from 1).
    pub row: usize,
    /// 姓名.
    pub name: String,
    /// The usable, normalised ID number.
    pub id_number: Option<String>,
    /// 与户主关系.
    pub relation: Option<Relation>,
    /// 健康状况.
    pub health: Option<Health>,
    /// 残疾等级.
    pub disability: Option<String>,
    /// 劳动能力.
    pub labour: Option<Labour>,
    /// 在校生状况.
    pub schooling: Option<Schooling>,
    /// 务工状况.
    pub work: Option<Work>,
    /// 务工地点.
    pub work_place: Option<String>,
}

/// The household facts a file gives; `None` means it says nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    /// 区(县).
    pub county: Option<String>,
    /// 乡(镇).
    pub township: Option<String>,
    /// 行政村.
    pub village: Option<String>,
    /// 村民小组.
    pub group: Option<String>,
    /// 户类别.
    pub category: Option<Category>,
    /// 主要致贫原因.
    pub cause: Option<PovertyCause>,
    /// 联系电话.
    pub phone: Option<String>,
    /// 住址.
    pub address: Option<String>,
    /// 帮扶责任人.
    pub cadre: Option<String>,
}

/// A household as the file describes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileHousehold {
    /// 户编号 (empty when the file has none).
    pub code: String,
    /// Its facts.
    pub facts: Facts,
    /// Its people, in file order.
    pub members: Vec<FileMember>,
    /// Which of them is the 户主.
    pub head: usize,
}

impl FileHousehold {
    /// The 户主.
    pub fn head(&self) -> &FileMember {
        &self.members[self.head]
    }

    /// The household's rows (from 1).
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.members.iter().map(|m| m.row)
    }
}

/// Everything read from the sheet below the header.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The households formed.
    pub households: Vec<FileHousehold>,
    /// Problems, by row.
    pub problems: Vec<Problem>,
    /// Blank rows skipped.
    pub blank_rows: usize,
    /// 合计/总计 rows skipped.
    pub total_rows: usize,
    /// Sentences about the whole file (how it was read).
    pub notes: Vec<String>,
    /// The facts of the first row that names a 行政村 (for making the village).
    pub first_village: Option<Facts>,
}

/// One data row, cleaned.
struct Line {
    row: usize,
    head_name: String,
    code: String,
    member: FileMember,
    facts: Facts,
}

/// Reads the rows under the header into households.
pub fn read(sheet: &Sheet, header: &Header, today: NaiveDate) -> Reading {
    let mut reader = Reader { sheet, header, today, reading: Reading::default(), seen_ids: HashMap::new() };
    let household_rows = !header.has(Target::Name)
        || !(header.has(Target::Code) || header.has(Target::Relation) || header.has(Target::HeadName));
    let mut lines = Vec::new();
    for row in header.row + 1..sheet.height() {
        if let Some(line) = reader.line(row, household_rows) {
            lines.push(line);
        }
    }
    if household_rows {
        reader.reading.notes.push(t("roster.note.household_rows").to_string());
        for line in lines {
            reader.household(vec![line], true);
        }
    } else {
        for group in group_lines(lines, header.has(Target::HeadName)) {
            reader.household(group, false);
        }
    }
    reader.reading
}

/// Groups person rows into households: by 户编号 where given; a row without one joins the
/// household above it unless it is a 户主 row or names another 户主.
fn group_lines(lines: Vec<Line>, by_head_name: bool) -> Vec<Vec<Line>> {
    let mut groups: Vec<Vec<Line>> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let index = if !line.code.is_empty() {
            *by_code.entry(line.code.clone()).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            })
        } else {
            let current = groups.len().checked_sub(1);
            let starts_new = line.member.relation == Some(Relation::Head)
                || (by_head_name
                    && !line.head_name.is_empty()
                    && current.is_some_and(|g| groups[g].first().is_some_and(|l| l.head_name != line.head_name)));
            match current {
                Some(g) if !starts_new => g,
                _ => {
                    groups.push(Vec::new());
                    groups.len() - 1
                }
            }
        };
        groups[index].push(line);
    }
    groups
}

struct Reader<'a> {
    sheet: &'a Sheet,
    header: &'a Header,
    today: NaiveDate,
    reading: Reading,
    /// ID numbers met so far: row and name.
    seen_ids: HashMap<String, (usize, String)>,
}

impl Reader<'_> {
    fn cell(&self, row: usize, target: Target) -> Option<&Cell> {
        self.header.column_of(target).map(|c| self.sheet.cell(row, c))
    }

    fn text(&self, row: usize, target: Target) -> Option<String> {
        self.cell(row, target).map(Cell::text).filter(|s| !s.is_empty())
    }

    fn label(&self, target: Target) -> &str {
        self.header.column_of(target).map_or("", |c| self.header.label_of(c))
    }

    fn problem(&mut self, p: Problem) {
        self.reading.problems.push(p);
    }

    /// Whether the row holds nothing but (perhaps) a pre-filled 序号.
    fn is_blank(&self, row: usize) -> bool {
        let serial = self.header.column_of(Target::Serial);
        (0..self.sheet.width()).all(|c| {
            let cell = self.sheet.cell(row, c);
            cell.is_blank() || (Some(c) == serial && matches!(cell, Cell::Number(_)))
        })
    }

    /// A 合计/总计 row: such a word opens one of its cells, and it names no person.
    fn is_total(&self, row: usize) -> bool {
        let total = |text: String| {
            let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            ["合计", "总计", "小计", "共计"].iter().any(|w| text.starts_with(w))
        };
        let names_someone =
            [Target::Name, Target::HeadName].into_iter().filter_map(|t| self.text(row, t)).any(|name| !total(name));
        !names_someone && (0..self.sheet.width()).any(|c| total(self.sheet.cell(row, c).text()))
    }

    fn is_header_again(&self, row: usize) -> bool {
        let same = self
            .header
            .columns
            .iter()
            .filter(|c| c.target.is_some() && !c.label.is_empty() && self.sheet.cell(row, c.index).text() == c.label)
            .count();
        same >= 2
    }

    /// Reads one row; `None` when it is skipped (blank, total, or not a person).
    fn line(&mut self, row: usize, household_rows: bool) -> Option<Line> {
        let number = row + 1;
        if self.is_blank(row) {
            self.reading.blank_rows += 1;
            return None;
        }
        if self.is_total(row) {
            self.reading.total_rows += 1;
            return None;
        }
        if self.is_header_again(row) {
            self.problem(Problem::skip(number, "", t("roster.p.header_again").to_string()));
            return None;
        }
        let head_name = self.text(row, Target::HeadName).map(|n| person_name(&n)).unwrap_or_default();
        let name = if household_rows && !self.header.has(Target::Name) {
            head_name.clone()
        } else {
            self.text(row, Target::Name).map(|n| person_name(&n)).unwrap_or_default()
        };
        let id_target =
            if household_rows && !self.header.has(Target::IdNumber) { Target::HeadIdNumber } else { Target::IdNumber };
        let id_cell = self.cell(row, id_target).filter(|c| !c.is_blank()).cloned();
        let code_cell = self.cell(row, Target::Code).filter(|c| !c.is_blank()).cloned();
        if name.is_empty() {
            let p = if id_cell.is_none() && code_cell.is_none() {
                Problem::skip(number, "", t("roster.p.not_a_person").to_string())
            } else {
                let target = if self.header.has(Target::Name) { Target::Name } else { Target::HeadName };
                Problem::skip(number, self.label(target), t("roster.p.no_name").to_string())
            };
            self.problem(p);
            return None;
        }
        let code = match code_cell {
            Some(c) if c.is_inexact_number() => {
                let label = self.label(Target::Code).to_string();
                self.problem(Problem::skip(number, &label, t("roster.p.code_number").to_string()));
                return None;
            }
            Some(c) => half_width(&c.text()).chars().filter(|c| !c.is_whitespace()).collect::<String>(),
            None => String::new(),
        };
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            let label = self.label(Target::Code).to_string();
            self.problem(Problem::skip(number, &label, tf("roster.p.code_chars", &[("code", &code)])));
            return None;
        }
        let id_number = match id_cell {
            Some(cell) => self.id_number(number, &name, &cell, id_target)?,
            None => None,
        };
        let member = self.member(row, number, name, id_number, household_rows);
        let facts = self.facts(row, number);
        if self.reading.first_village.is_none() && facts.village.is_some() {
            self.reading.first_village = Some(facts.clone());
        }
        Some(Line { row: number, head_name, code, member, facts })
    }

    /// The row's ID number: `Ok(None)` inside means unusable (noted); `None` skips the row.
    fn id_number(&mut self, number: usize, name: &str, cell: &Cell, target: Target) -> Option<Option<String>> {
        let label = self.label(target).to_string();
        let parsed = match cell {
            Cell::Number(_) => Err(IdError::NumericForm),
            other => IdNumber::parse(&other.text(), self.today),
        };
        let id = match parsed {
            Ok(id) => id.as_str().to_string(),
            Err(e) => {
                self.problem(Problem::note(number, &label, tf("roster.p.id_left_out", &[("reason", &e.to_string())])));
                return Some(None);
            }
        };
        match self.seen_ids.get(&id).cloned() {
            Some((first, first_name)) if first_name == name => {
                self.problem(Problem::skip(number, &label, tf("roster.p.same_person", &[("row", &first.to_string())])));
                None
            }
            Some((first, first_name)) => {
                let reason = tf("roster.p.id_twice", &[("row", &first.to_string()), ("name", &first_name)]);
                self.problem(Problem::note(number, &label, reason));
                Some(None)
            }
            None => {
                self.seen_ids.insert(id.clone(), (number, name.to_string()));
                Some(Some(id))
            }
        }
    }

    /// A closed-list cell: `None` when empty or not understood (then noted on the row).
    fn coded<T: Coded>(
        &mut self,
        row: usize,
        target: Target,
        read: impl Fn(&str) -> Option<T>,
        new: Option<T>,
    ) -> Option<T> {
        let text = self.text(row, target)?;
        let value = read(&text);
        if value.is_none() {
            let label = self.label(target).to_string();
            let reason = match new {
                Some(d) => {
                    tf("roster.p.unknown_member_value", &[("column", &label), ("value", &text), ("new", d.label())])
                }
                None => tf("roster.p.unknown_value", &[("column", &label), ("value", &text)]),
            };
            self.problem(Problem::note(row + 1, &label, reason));
        }
        value
    }

    fn member(
        &mut self,
        row: usize,
        number: usize,
        name: String,
        id_number: Option<String>,
        alone: bool,
    ) -> FileMember {
        let d = crate::model::register::Member::default();
        FileMember {
            row: number,
            name,
            id_number,
            relation: if alone {
                Some(Relation::Head)
            } else {
                self.coded(row, Target::Relation, values::relation, Some(Relation::Other))
            },
            health: self.coded(row, Target::Health, values::health, Some(d.health)),
            disability: self.text(row, Target::Disability),
            labour: self.coded(row, Target::Labour, values::labour, Some(d.labour)),
            schooling: self.coded(row, Target::Schooling, values::schooling, Some(d.schooling)),
            work: self.coded(row, Target::Work, values::work, Some(d.work)),
            work_place: self.text(row, Target::WorkPlace),
        }
    }

    fn facts(&mut self, row: usize, number: usize) -> Facts {
        let lifted = self.text(row, Target::LiftedYear).is_some_and(|y| values::is_year(&y));
        let phone = self.text(row, Target::Phone);
        let phone = match phone {
            Some(p) if !is_plausible_phone(&p) => {
                let label = self.label(Target::Phone).to_string();
                self.problem(Problem::note(number, &label, tf("roster.p.phone", &[("value", &p)])));
                None
            }
            p => p.map(|p| normal_code(&p)),
        };
        Facts {
            county: self.text(row, Target::County),
            township: self.text(row, Target::Township),
            village: self.text(row, Target::Village),
            group: self.text(row, Target::Group),
            category: self.coded(row, Target::Category, |s| values::category(s, lifted), None),
            cause: self.coded(row, Target::Cause, values::cause, None),
            phone,
            address: self.text(row, Target::Address),
            cadre: self.cadre(row, number),
        }
    }

    /// The 帮扶责任人: the first name when the cell holds several (noted).
    fn cadre(&mut self, row: usize, number: usize) -> Option<String> {
        let text = self.text(row, Target::Cadre)?;
        let names: Vec<String> =
            text.split(['、', ',', '，', '/', ';', '；', '\n']).map(person_name).filter(|s| !s.is_empty()).collect();
        if names.len() > 1 {
            let label = self.label(Target::Cadre).to_string();
            self.problem(Problem::note(number, &label, tf("roster.p.several_cadres", &[("first", &names[0])])));
        }
        names.into_iter().next()
    }

    /// Turns one group of rows into a household, or notes why it cannot be one.
    fn household(&mut self, mut lines: Vec<Line>, alone: bool) {
        let heads: Vec<usize> =
            (0..lines.len()).filter(|&i| lines[i].member.relation == Some(Relation::Head)).collect();
        let relation_label = self.label(Target::Relation).to_string();
        let head = match heads.first() {
            Some(&h) => {
                for &extra in heads.iter().skip(1).rev() {
                    let row = lines[h].row.to_string();
                    let line = lines.remove(extra);
                    self.problem(Problem::skip(line.row, &relation_label, tf("roster.p.two_heads", &[("row", &row)])));
                }
                h
            }
            None => match lines.iter().position(|l| !l.head_name.is_empty() && l.member.name == l.head_name) {
                Some(h) if lines[h].member.relation.is_none() => h,
                _ if !self.header.has(Target::Relation) => {
                    if !self.reading.notes.iter().any(|n| n == t("roster.note.first_is_head")) {
                        self.reading.notes.push(t("roster.note.first_is_head").to_string());
                    }
                    0
                }
                _ => {
                    let code = lines[0].code.clone();
                    for line in &lines {
                        self.problem(Problem::skip(
                            line.row,
                            &relation_label,
                            tf("roster.p.no_head", &[("code", &code)]),
                        ));
                    }
                    return;
                }
            },
        };
        lines[head].member.relation = Some(Relation::Head);
        if !alone
            && let Some(size) = self
                .header
                .column_of(Target::Size)
                .and_then(|c| lines.iter().find_map(|l| values::count(&self.sheet.cell(l.row - 1, c).text())))
            && size != lines.len()
        {
            let label = self.label(Target::Size).to_string();
            let reason = tf("roster.p.size", &[("size", &size.to_string()), ("rows", &lines.len().to_string())]);
            self.problem(Problem::note(lines[head].row, &label, reason));
        }
        let facts = merge_facts(&lines, head);
        let code = lines[head].code.clone();
        let code = if code.is_empty() {
            lines.iter().map(|l| l.code.clone()).find(|c| !c.is_empty()).unwrap_or_default()
        } else {
            code
        };
        let members = lines.into_iter().map(|l| l.member).collect();
        self.reading.households.push(FileHousehold { code, facts, members, head });
    }
}

/// The household's facts: the 户主 row's, or else the first row's that gives each.
fn merge_facts(lines: &[Line], head: usize) -> Facts {
    let order: Vec<&Facts> = std::iter::once(&lines[head].facts).chain(lines.iter().map(|l| &l.facts)).collect();
    fn pick<T: Clone>(order: &[&Facts], f: impl Fn(&Facts) -> &Option<T>) -> Option<T> {
        order.iter().find_map(|facts| f(facts).clone())
    }
    Facts {
        county: pick(&order, |f| &f.county),
        township: pick(&order, |f| &f.township),
        village: pick(&order, |f| &f.village),
        group: pick(&order, |f| &f.group),
        category: pick(&order, |f| &f.category),
        cause: pick(&order, |f| &f.cause),
        phone: pick(&order, |f| &f.phone),
        address: pick(&order, |f| &f.address),
        cadre: pick(&order, |f| &f.cadre),
    }
}

/// A person's name cleaned: a Chinese name loses the spaces typed to align it ("张  三").
fn person_name(text: &str) -> String {
    let text = clean(text);
    if text.chars().any(|c| c.is_ascii_alphabetic()) {
        text.to_string()
    } else {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }
}
