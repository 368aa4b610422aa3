//! The problem ledger (问题台账): statuses, who may move a problem where, and what is overdue.
//! 排查 → 建立台账 (待整改) → 整改 (整改中) → 已整改 → 销号 (已销号, first secretary only) → 清零.

use super::coded::Role;
use super::month::parse_day;
use super::register::{Field, FieldProblem};
use crate::i18n::{t, tf};
use chrono::NaiveDate;

coded!(
    /// Where a problem stands.
    Status {
        /// 待整改: found, nothing done yet.
        Open = "待整改",
        /// 整改中: being rectified.
        InProgress = "整改中",
        /// 已整改: rectified, waiting to be verified and struck off.
        Rectified = "已整改",
        /// 已销号: verified and struck off by the first secretary.
        Closed = "已销号",
    }
);

impl Status {
    /// Whether the problem still counts towards 清零 (not yet struck off).
    pub fn is_open(self) -> bool {
        self != Status::Closed
    }

    /// Whether its deadline still matters (nothing rectified yet).
    pub fn awaits_rectification(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
}

/// A problem in the ledger, of a household or (without one) of the whole village.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Row key (empty until first saved).
    pub id: String,
    /// Its village.
    pub village_id: String,
    /// The household, or `None` for a village-wide problem (a road, the water scheme…).
    pub household_id: Option<String>,
    /// The visit that found it, if any.
    pub visit_id: Option<String>,
    /// The checklist item that found it, if any.
    pub item_code: Option<String>,
    /// 排查项目: the checklist group (两不愁, 义务教育, 基本医疗…).
    pub group: String,
    /// 排查内容/排查情况: what is wrong.
    pub description: String,
    /// 发现日期.
    pub found: NaiveDate,
    /// 责任人.
    pub responsible_person: String,
    /// 责任单位.
    pub responsible_unit: String,
    /// 整改时限.
    pub deadline: Option<NaiveDate>,
    /// 整改措施.
    pub measures: String,
    /// 整改进度: progress notes, newest last.
    pub progress: String,
    /// Where it stands.
    pub status: Status,
    /// When it was rectified.
    pub rectified: Option<NaiveDate>,
    /// Who struck it off (a cadre id).
    pub closed_by: Option<String>,
    /// When it was struck off.
    pub closed: Option<NaiveDate>,
}

impl Problem {
    /// A new open problem found on `found`.
    pub fn new(
        village_id: &str,
        household_id: Option<String>,
        group: &str,
        description: &str,
        found: NaiveDate,
    ) -> Self {
        Problem {
            id: String::new(),
            village_id: village_id.to_string(),
            household_id,
            visit_id: None,
            item_code: None,
            group: group.to_string(),
            description: description.to_string(),
            found,
            responsible_person: String::new(),
            responsible_unit: String::new(),
            deadline: None,
            measures: String::new(),
            progress: String::new(),
            status: Status::Open,
            rectified: None,
            closed_by: None,
            closed: None,
        }
    }

    /// Problems with the problem's fields.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        if super::text::clean(&self.group).is_empty() {
            out.push(FieldProblem { field: Field::Group, message: t("err.required").to_string() });
        }
        if super::text::clean(&self.description).is_empty() {
            out.push(FieldProblem { field: Field::Description, message: t("err.required").to_string() });
        }
        if self.deadline.is_some_and(|d| d < self.found) {
            out.push(FieldProblem {
                field: Field::Deadline,
                message: t("ledger.err.deadline_before_found").to_string(),
            });
        }
        out
    }
}

/// The checklist groups problems are filed under, in the order of the monthly checklist.
pub const GROUPS: &[&str] = &[
    "两不愁",
    "义务教育",
    "基本医疗",
    "住房安全",
    "饮水安全",
    "收入",
    "就业产业",
    "兜底保障",
    "基础设施",
    "档案资料",
    "信息核实",
    "人居环境",
    "满意度",
    "其他",
];

/// Who is acting: the cadre chosen in 设置 "我是…".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Actor {
    /// The cadre's id, when "我是…" is set.
    pub cadre_id: Option<String>,
    /// The cadre's name (empty when unknown).
    pub name: String,
    /// The cadre's role.
    pub role: Option<Role>,
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The ledger does not go that way.
    NotAllowed(Status, Status),
    /// Only the first secretary strikes problems off.
    NeedsFirstSecretary,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransitionError::NotAllowed(from, to) => {
                write!(f, "{}", tf("ledger.err.not_allowed", &[("from", from.label()), ("to", to.label())]))
            }
            TransitionError::NeedsFirstSecretary => write!(f, "{}", t("ledger.err.needs_secretary")),
        }
    }
}

impl std::error::Error for TransitionError {}

/// The statuses a problem may move to from `from`, in the order the UI offers them.
pub fn next_statuses(from: Status) -> &'static [Status] {
    match from {
        Status::Open => &[Status::InProgress, Status::Rectified],
        Status::InProgress => &[Status::Rectified, Status::Open],
        Status::Rectified => &[Status::Closed, Status::InProgress],
        Status::Closed => &[],
    }
}

/// Checks a status change by `actor`: only along the ledger's path, and 销号 only by the first
/// secretary and only from 已整改.
pub fn check_transition(from: Status, to: Status, actor: &Actor) -> Result<(), TransitionError> {
    if !next_statuses(from).contains(&to) {
        return Err(TransitionError::NotAllowed(from, to));
    }
    if to == Status::Closed && actor.role != Some(Role::FirstSecretary) {
        return Err(TransitionError::NeedsFirstSecretary);
    }
    Ok(())
}

/// One status change of a problem's history (a 状态 event), on the local day it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// The day.
    pub on: NaiveDate,
    /// The status before.
    pub from: Option<Status>,
    /// The status after.
    pub to: Status,
}

impl Problem {
    /// The problem as it stood at the end of `day`: `None` when not yet found; otherwise its
    /// status then, the dates of rectifying and striking off that had happened by then, and the
    /// progress notes dated up to then. The recorded days of rectifying and striking off decide
    /// first; between them the status changes (oldest first) tell 待整改 from 整改中 and a
    /// rectification later sent back; a problem entered with its status and no change since (as
    /// a demo or an import does) was still being worked on.
    pub fn as_of(&self, changes: &[StatusChange], day: NaiveDate) -> Option<Problem> {
        let status = self.status_on(changes, day)?;
        let mut p = self.clone();
        p.status = status;
        p.rectified = self.rectified.filter(|r| *r <= day && status != Status::Open && status != Status::InProgress);
        if status != Status::Closed {
            p.closed = None;
            p.closed_by = None;
        }
        p.progress = progress_until(&self.progress, day);
        Some(p)
    }

    /// The status of [`Problem::as_of`] alone, without copying the problem: `None` when not yet
    /// found at the end of `day`.
    pub fn status_on(&self, changes: &[StatusChange], day: NaiveDate) -> Option<Status> {
        if self.found > day {
            return None;
        }
        let before = changes.iter().rev().find(|c| c.on <= day).map(|c| c.to);
        let after = changes.iter().find(|c| c.on > day).and_then(|c| c.from);
        Some(if self.closed.is_some_and(|c| c <= day) {
            Status::Closed
        } else if self.rectified.is_some_and(|r| r <= day) {
            Status::Rectified
        } else {
            match before.or(after) {
                // Struck off only on the recorded day (not by then): rectified until then.
                Some(Status::Closed) => Status::Rectified,
                Some(s) => s,
                None if self.status.awaits_rectification() => self.status,
                None => Status::InProgress,
            }
        })
    }
}

/// The progress notes (one a line, each starting with its date, YYYY-MM-DD) dated up to `day`;
/// a line without a date is kept.
pub fn progress_until(progress: &str, day: NaiveDate) -> String {
    progress
        .lines()
        .filter(|line| line.get(..10).and_then(parse_day).is_none_or(|d| d <= day))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Days past the deadline on `today` (positive when overdue), for problems not yet rectified.
pub fn days_overdue(status: Status, deadline: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    let days = (today - deadline?).num_days();
    (status.awaits_rectification() && days > 0).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secretary() -> Actor {
        Actor { cadre_id: Some("s".into()), name: "王书记".into(), role: Some(Role::FirstSecretary) }
    }

    fn cadre() -> Actor {
        Actor { cadre_id: Some("c".into()), name: "李干部".into(), role: Some(Role::Cadre) }
    }

    #[test]
    fn the_path_of_a_problem() {
        assert!(check_transition(Status::Open, Status::InProgress, &cadre()).is_ok());
        assert!(check_transition(Status::InProgress, Status::Rectified, &cadre()).is_ok());
        assert!(check_transition(Status::Open, Status::Rectified, &cadre()).is_ok());
        assert!(check_transition(Status::Rectified, Status::InProgress, &cadre()).is_ok(), "verification failed");
        assert_eq!(
            check_transition(Status::Open, Status::Closed, &secretary()),
            Err(TransitionError::NotAllowed(Status::Open, Status::Closed))
        );
        assert_eq!(
            check_transition(Status::Closed, Status::Open, &secretary()),
            Err(TransitionError::NotAllowed(Status::Closed, Status::Open))
        );
    }

    #[test]
    fn only_the_first_secretary_strikes_off() {
        assert_eq!(
            check_transition(Status::Rectified, Status::Closed, &cadre()),
            Err(TransitionError::NeedsFirstSecretary)
        );
        assert_eq!(
            check_transition(Status::Rectified, Status::Closed, &Actor::default()),
            Err(TransitionError::NeedsFirstSecretary)
        );
        assert!(check_transition(Status::Rectified, Status::Closed, &secretary()).is_ok());
        assert!(TransitionError::NeedsFirstSecretary.to_string().contains("第一书记"));
    }

    #[test]
    fn overdue_across_month_and_year_ends() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(days_overdue(Status::Open, Some(d(2026, 1, 31)), d(2026, 2, 1)), Some(1));
        assert_eq!(days_overdue(Status::InProgress, Some(d(2025, 12, 31)), d(2026, 1, 2)), Some(2));
        assert_eq!(days_overdue(Status::Open, Some(d(2024, 2, 28)), d(2024, 3, 1)), Some(2), "leap year");
        assert_eq!(days_overdue(Status::Open, Some(d(2026, 2, 1)), d(2026, 2, 1)), None, "due today is not late");
        assert_eq!(days_overdue(Status::Rectified, Some(d(2025, 1, 1)), d(2026, 1, 1)), None);
        assert_eq!(days_overdue(Status::Open, None, d(2026, 1, 1)), None);
    }

    #[test]
    fn a_problem_stands_as_its_history_says_on_each_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut p = Problem::new("v", None, "住房安全", "危房", d("2026-05-10"));
        p.progress = "2026-05-20 已申报\n2026-07-02 已开工".into();
        (p.status, p.rectified) = (Status::Rectified, Some(d("2026-07-15")));
        let change = |on: &str, from, to| StatusChange { on: d(on), from: Some(from), to };
        let history = [
            change("2026-05-20", Status::Open, Status::InProgress),
            change("2026-06-10", Status::InProgress, Status::Rectified),
            change("2026-06-20", Status::Rectified, Status::InProgress),
            change("2026-07-15", Status::InProgress, Status::Rectified),
        ];
        assert_eq!(p.as_of(&history, d("2026-05-09")), None, "not yet found");
        let at = |day: &str| p.as_of(&history, d(day)).unwrap();
        assert_eq!(at("2026-05-10").status, Status::Open);
        assert_eq!(at("2026-05-31").status, Status::InProgress);
        assert_eq!(at("2026-05-31").progress, "2026-05-20 已申报");
        assert_eq!(at("2026-06-15").status, Status::Rectified, "rectified, later sent back");
        assert_eq!(at("2026-06-30").status, Status::InProgress);
        assert_eq!(at("2026-06-30").rectified, None);
        assert_eq!(at("2026-07-31").status, Status::Rectified);
        assert_eq!(at("2026-07-31").rectified, Some(d("2026-07-15")));
        // Entered with its status and dates, without changes: the dates tell.
        (p.status, p.rectified, p.closed) = (Status::Closed, Some(d("2026-06-01")), Some(d("2026-06-16")));
        assert_eq!(p.as_of(&[], d("2026-05-31")).unwrap().status, Status::InProgress);
        assert_eq!(p.as_of(&[], d("2026-06-05")).unwrap().status, Status::Rectified);
        assert_eq!(p.as_of(&[], d("2026-06-05")).unwrap().closed, None);
        assert_eq!(p.as_of(&[], d("2026-06-30")).unwrap().status, Status::Closed);
        p.status = Status::Open;
        (p.rectified, p.closed) = (None, None);
        assert_eq!(p.as_of(&[], d("2026-06-30")).unwrap().status, Status::Open);
    }
}
