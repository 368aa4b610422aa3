//! Demo problems in the ledger: most problems a past visit found are entered and moved along as
//! a village would — old ones struck off, recent ones rectified or being rectified, this month's
//! still open, some past their deadline; the rest stay proposals waiting to be confirmed.

use super::Generator;
use crate::checklist::Template;
use crate::model::ledger::{Actor, GROUPS, Problem, Status};
use crate::model::visit::{Proposal, Visit};
use crate::store::{Result, Writer};
use chrono::Days;

/// Share of found problems entered in the ledger (the rest wait for confirmation).
const CONFIRMED: f64 = 0.75;

/// The unit usually responsible for a checklist group.
fn unit_for(group: &str) -> &'static str {
    match group {
        "义务教育" => "区教育局",
        "基本医疗" => "区卫生健康局",
        "住房安全" => "区住建局",
        "饮水安全" => "区水务局",
        "收入" | "就业产业" => "区农业农村局",
        "兜底保障" => "区民政局",
        "基础设施" => "区交通局",
        _ => "镇政府",
    }
}

/// What is done about a problem of a checklist group.
fn measure_for(group: &str) -> &'static str {
    match group {
        "义务教育" => "联系学校落实资助，跟踪到校情况",
        "基本医疗" => "协助办理医保参保和慢病卡",
        "住房安全" => "申报危房改造，改造前安排过渡住房",
        "饮水安全" => "维修管网，季节性缺水时送水",
        "收入" | "就业产业" => "推荐公益性岗位，落实产业奖补",
        "兜底保障" => "按程序申报低保或临时救助",
        _ => "帮扶干部督促整改，下次走访复查",
    }
}

/// 整改进度 as a village writes it: a dated line when work starts, when it is done and when it
/// is checked and struck off.
fn progress_notes(
    group: &str,
    status: Status,
    found: chrono::NaiveDate,
    rectified: Option<chrono::NaiveDate>,
    closed: Option<chrono::NaiveDate>,
) -> String {
    let mut lines = Vec::new();
    if status != Status::Open
        && let Some(start) = found.checked_add_days(Days::new(5))
    {
        lines.push(format!("{start} 已报{}，{}", unit_for(group), measure_for(group)));
    }
    if let Some(d) = rectified {
        lines.push(format!("{d} 整改完成，帮扶干部已复查"));
    }
    if let Some(d) = closed {
        lines.push(format!("{d} 第一书记核实销号"));
    }
    lines.join("\n")
}

impl Generator {
    /// Enters most of a saved past visit's problems in the ledger of `village_id`, but for the
    /// items `rechecked` (already open in the ledger from an earlier visit).
    pub(super) fn ledger_entries(
        &mut self,
        w: &Writer<'_>,
        visit: &Visit,
        rechecked: &[String],
        template: &Template,
        village_id: &str,
    ) -> Result<()> {
        let today = self.opts.today;
        let age = (today - visit.date).num_days();
        for answer in visit.problems().filter(|a| !rechecked.contains(&a.item)) {
            if !self.rng.chance(CONFIRMED) {
                continue;
            }
            let (group, text) = template
                .item(&answer.item)
                .map(|i| (i.group.clone(), i.text.clone()))
                .unwrap_or_else(|| (GROUPS[GROUPS.len() - 1].to_string(), answer.item.clone()));
            let description = format!("{text}：{}", answer.value);
            let mut p = Problem::new(village_id, Some(visit.household_id.clone()), &group, &description, visit.date);
            p.id = self.visit_key();
            p.visit_id = Some(visit.id.clone());
            p.item_code = Some(answer.item.clone());
            p.deadline = visit.date.checked_add_days(Days::new(30));
            p.responsible_unit = unit_for(&group).to_string();
            p.measures = measure_for(&group).to_string();
            let roll = self.rng.below(100);
            let done = |days: i64| visit.date.checked_add_days(Days::new(days.clamp(1, age.max(1)) as u64));
            (p.status, p.rectified, p.closed) = match age {
                61.. if roll < 85 => (Status::Closed, done(20), done(35)),
                31.. if roll < 70 => (Status::Rectified, done(25), None),
                11.. if roll < 50 => (Status::InProgress, None, None),
                _ => (Status::Open, None, None),
            };
            p.progress = progress_notes(&group, p.status, visit.date, p.rectified, p.closed);
            w.save_problem(&mut p, None, &Actor::default())?;
            w.set_proposal(&visit.id, &answer.item, Proposal::Confirmed)?;
        }
        Ok(())
    }
}
