//! What every sheet of a ledger needs from the store, read once: the villages covered, their
//! households and cadres, the checklists visits used, each month's coverage, and the title line.

use super::sheet::{Book, Cell, Column, Sheet};
use super::{LedgerOptions, Result};
use crate::checklist::{self, Catalog, Proposed, Template};
use crate::exchange::error::ExchangeError;
use crate::i18n::{t, tf};
use crate::model::id_number::mask;
use crate::model::month::Month;
use crate::model::register::Village;
use crate::store::{CadreRow, Coverage, GroupTally, LedgerHousehold, ProblemRow, Store, VillageTally, history};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::rc::Rc;

/// The store and what was read from it for one export.
pub(super) struct Context<'a> {
    /// The database.
    pub store: &'a Store,
    /// What was asked for.
    pub opts: &'a LedgerOptions,
    /// The villages covered, by name.
    pub villages: Vec<Village>,
    /// Their labels (名（乡镇）), in the same order.
    labels: Vec<String>,
    /// Their households (archived ones too: old visits name them), by id.
    pub households: HashMap<String, LedgerHousehold>,
    /// Every cadre, by id.
    pub cadres: HashMap<String, CadreRow>,
    /// The coverage of each month of the period in each village, month by month: read by
    /// [`rest`] (the visit sheets do not need it).
    pub coverage: Vec<(Month, Vec<(usize, Coverage)>)>,
    /// The day every status and count is as of: the period's last day, or today within it.
    pub as_of: NaiveDate,
    /// Checklist versions, read once each.
    catalog: Catalog,
    /// Days after which a waiting proposal is flagged (read by [`rest`]).
    proposal_days: i64,
}

/// 汇总's counts of the problems, made while 问题整改台账 lists them ([`Context::problems`]).
pub(super) struct ProblemCounts {
    /// By group: found and rectified in the period, open and overdue as of [`Context::as_of`].
    pub groups: GroupTally,
    /// Open and overdue by village at the end of the period's last month (or today within it).
    pub villages: VillageTally,
}

impl<'a> Context<'a> {
    /// Reads what every sheet needs (small: villages, households, cadres); [`rest`] reads the
    /// coverage by month when the visit sheets are done, so that a second reader of the visits
    /// starts at once.
    pub(super) fn load(store: &'a Store, opts: &'a LedgerOptions) -> Result<Self> {
        let villages: Vec<Village> = match &opts.village_id {
            Some(id) => vec![store.village(id)?.ok_or_else(|| ExchangeError::UnknownVillage(id.clone()))?],
            None => store.villages()?,
        };
        let village = opts.village_id.as_deref();
        let households = store.ledger_households(village)?;
        let cadres = store.cadres(true)?.into_iter().map(|c| (c.cadre.id.clone(), c)).collect();
        let as_of = opts.period.last_day().min(opts.today);
        Ok(Context {
            store,
            opts,
            labels: villages.iter().map(Village::label).collect(),
            villages,
            households,
            cadres,
            coverage: Vec::new(),
            as_of,
            catalog: Catalog::default(),
            proposal_days: 0,
        })
    }

    /// Reads the coverage of each month in each village and the days after which a waiting
    /// proposal is flagged.
    fn read_totals(&mut self) -> Result<()> {
        let months = self.opts.period.months();
        let mut coverage: Vec<_> = months.iter().map(|m| (*m, Vec::new())).collect();
        for (i, v) in self.villages.iter().enumerate() {
            for (at, c) in self.store.coverage_of_months(Some(&v.id), &months)?.into_iter().enumerate() {
                coverage[at].1.push((i, c));
            }
        }
        self.coverage = coverage;
        self.proposal_days = self.store.proposal_days()?;
        Ok(())
    }

    /// Whether the ledger covers every village (and so has a 村 column).
    pub fn all_villages(&self) -> bool {
        self.opts.village_id.is_none()
    }

    /// A checklist version.
    pub fn template(&mut self, id: &str) -> Result<Rc<Template>> {
        Ok(self.catalog.get(self.store, id)?)
    }

    /// The proposals waiting to be confirmed on [`Context::as_of`], newest visit first.
    pub fn pending(&mut self) -> Result<Vec<Proposed>> {
        Ok(checklist::pending_until(self.store, &mut self.catalog, self.opts.village_id.as_deref(), self.as_of)?)
    }

    /// Days after which a waiting proposal is flagged.
    pub fn proposal_days(&self) -> i64 {
        self.proposal_days
    }

    /// The problems of 问题整改台账: found by [`Context::as_of`] and not struck off before the
    /// period began, each as it stood that day, in the order of [`Store::problems`]. Every
    /// problem is counted for 汇总 on the way, so one read of the ledger serves both.
    pub fn problems(&self) -> Result<(Vec<ProblemRow>, ProblemCounts)> {
        let (from, to) = (self.opts.period.first_day(), self.opts.period.last_day());
        let (rows, changes) = self.store.problems_and_changes(self.opts.village_id.as_deref())?;
        let mut counts = ProblemCounts {
            groups: GroupTally::new(from, to, self.as_of),
            villages: VillageTally::new(Month::of(to), self.opts.today),
        };
        let listed = rows
            .into_iter()
            .filter_map(|mut r| {
                let history = history(&changes, &r.problem.id);
                counts.groups.add(&r.problem, history);
                counts.villages.add(&r.problem, history);
                r.problem = r.problem.as_of(history, self.as_of)?;
                r.problem.closed.is_none_or(|c| c >= from).then_some(r)
            })
            .collect();
        Ok((listed, counts))
    }

    /// A village by id, as 名（乡镇） (empty when unknown): two villages of the same name in
    /// different townships stay apart.
    pub fn village_name(&self, id: &str) -> &str {
        self.villages.iter().position(|v| v.id == id).map_or("", |i| &self.labels[i])
    }

    /// A head's ID number, masked unless full numbers were asked for.
    pub fn id_number(&self, id: &str) -> String {
        if self.opts.full_ids { id.to_string() } else { mask(id) }
    }

    /// The title line of the sheet `sheet`: place, sheet, period and export time.
    pub fn title(&self, sheet: &str) -> String {
        let place = match (self.all_villages(), self.villages.first()) {
            (false, Some(v)) => format!("{}{}", v.township, v.name),
            _ => tf("sheet.all_villages", &[("n", &self.villages.len().to_string())]),
        };
        tf(
            "sheet.title",
            &[
                ("place", &place),
                ("sheet", sheet),
                ("period", &self.opts.period.describe()),
                ("as_of", &self.as_of.to_string()),
                ("time", &self.opts.exported_at.format("%Y-%m-%d %H:%M").to_string()),
            ],
        )
    }

    /// The leading columns of a list: 序号, then 村 when the ledger covers every village.
    pub fn lead_columns(&self) -> Vec<Column> {
        let mut out = vec![Column { header: t("sheet.no").to_string(), max_width: 8.0 }];
        if self.all_villages() {
            // 名（乡镇） wraps onto two lines rather than widening every printed page.
            out.push(Column { header: t("sheet.village").to_string(), max_width: 12.0 });
        }
        out
    }

    /// The cells of [`Context::lead_columns`] for row `n` (from 1) of village `village_id`.
    pub fn lead_cells(&self, n: usize, village_id: &str) -> Vec<Cell> {
        let mut out = vec![Cell::int(n)];
        if self.all_villages() {
            out.push(Cell::text(self.village_name(village_id)));
        }
        out
    }
}

/// The sheets, in the order the township reads them, read into memory.
pub(super) fn build(store: &Store, opts: &LedgerOptions) -> Result<Book> {
    let mut ctx = Context::load(store, opts)?;
    let (visits, results) = super::visits::sheets(&mut ctx)?;
    let mut sheets = vec![visits, results];
    rest(&mut ctx, |sheet| {
        sheets.push(sheet);
        Ok(())
    })?;
    Ok(Book { sheets })
}

/// The sheets after the two visit sheets, handed to `each` in order as each is built: their
/// rows grow with the problems, cadres and months of the period, not with its visits, so each
/// is built in memory, but one at a time. Returns the problems of the first (问题整改台账).
pub(super) fn rest(ctx: &mut Context<'_>, mut each: impl FnMut(Sheet) -> Result<()>) -> Result<usize> {
    ctx.read_totals()?;
    // One read of the problems and one of the waiting proposals serve their sheets and 汇总.
    let (problems, counts) = ctx.problems()?;
    let n = problems.len();
    each(super::problems::sheet(ctx, problems)?)?;
    let pending = ctx.pending()?;
    each(super::problems::pending_sheet(ctx, &pending))?;
    each(super::summary::attendance(ctx))?;
    each(super::summary::summary(ctx, counts, &pending)?)?;
    Ok(n)
}
