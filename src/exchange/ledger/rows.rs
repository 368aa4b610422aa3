//! What every sheet of a ledger needs from the store, read once: the villages covered, their
//! households and cadres, the checklists visits used, each month's coverage, and the title line.

use super::sheet::{Book, Cell, Column};
use super::{LedgerOptions, Result};
use crate::checklist::{Catalog, Template};
use crate::exchange::error::ExchangeError;
use crate::i18n::{t, tf};
use crate::model::id_number::mask;
use crate::model::month::Month;
use crate::model::register::Village;
use crate::store::{CadreRow, Coverage, HouseholdRow, Store};
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
    /// Their households (archived ones too: old visits name them), by id.
    pub households: HashMap<String, HouseholdRow>,
    /// Every cadre, by id.
    pub cadres: HashMap<String, CadreRow>,
    /// The coverage of each month of the period in each village, month by month.
    pub coverage: Vec<(Month, Vec<(usize, Coverage)>)>,
    /// Checklist versions, read once each.
    catalog: Catalog,
}

impl<'a> Context<'a> {
    fn load(store: &'a Store, opts: &'a LedgerOptions) -> Result<Self> {
        let villages: Vec<Village> = match &opts.village_id {
            Some(id) => vec![store.village(id)?.ok_or_else(|| ExchangeError::UnknownVillage(id.clone()))?],
            None => store.villages()?,
        };
        let village = opts.village_id.as_deref();
        let households = store.household_rows(village)?.into_iter().map(|h| (h.id.clone(), h)).collect();
        let cadres = store.cadres(true)?.into_iter().map(|c| (c.cadre.id.clone(), c)).collect();
        let mut coverage = Vec::new();
        for month in opts.period.months() {
            let mut per_village = Vec::new();
            for (i, v) in villages.iter().enumerate() {
                per_village.push((i, store.coverage(Some(&v.id), month)?));
            }
            coverage.push((month, per_village));
        }
        Ok(Context { store, opts, villages, households, cadres, coverage, catalog: Catalog::default() })
    }

    /// Whether the ledger covers every village (and so has a 村 column).
    pub fn all_villages(&self) -> bool {
        self.opts.village_id.is_none()
    }

    /// A checklist version.
    pub fn template(&mut self, id: &str) -> Result<Rc<Template>> {
        Ok(self.catalog.get(self.store, id)?)
    }

    /// The name of a village by id (empty when unknown).
    pub fn village_name(&self, id: &str) -> &str {
        self.villages.iter().find(|v| v.id == id).map_or("", |v| v.name.as_str())
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
                ("time", &self.opts.exported_at.format("%Y-%m-%d %H:%M").to_string()),
            ],
        )
    }

    /// The leading columns of a list: 序号, then 村 when the ledger covers every village.
    pub fn lead_columns(&self) -> Vec<Column> {
        let mut out = vec![Column { header: t("sheet.no").to_string(), max_width: 8.0 }];
        if self.all_villages() {
            out.push(Column::short(t("sheet.village")));
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

/// The four sheets, in the order the township reads them.
pub(super) fn build(store: &Store, opts: &LedgerOptions) -> Result<Book> {
    let mut ctx = Context::load(store, opts)?;
    Ok(Book {
        sheets: vec![
            super::visits::sheet(&mut ctx)?,
            super::problems::sheet(&mut ctx)?,
            super::summary::attendance(&ctx),
            super::summary::summary(&ctx)?,
        ],
    })
}
