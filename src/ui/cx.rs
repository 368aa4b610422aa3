//! What every page is handed each frame — the store, the checklist catalogue, the villages and
//! the one in view, who is using this laptop, today — and the way a page asks for anything
//! beyond its own state: a [`Command`] that `app.rs` applies in one place.

use super::jobs::{Jobs, Task};
use super::widgets::Notice;
use crate::checklist::Catalog;
use crate::model::ledger::Actor;
use crate::model::register::{Cadre, Village};
use crate::progress::Progress;
use crate::store::Store;
use chrono::NaiveDate;

pub use super::route::{CadreFilter, HouseholdFilters, LedgerFilters, Page, Route, StatusFilter};

/// The cadre this laptop belongs to (设置 → 我是…).
#[derive(Debug, Clone, PartialEq)]
pub struct Me {
    /// Their cadre row.
    pub cadre: Cadre,
}

impl Me {
    /// Cadre id.
    pub fn id(&self) -> &str {
        &self.cadre.id
    }
}

/// What a page asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Show another page (with its parameters).
    Go(Route),
    /// Say something in the message bar.
    Notice(Notice),
    /// Show one village (`None`: every village, the township view).
    ChooseVillage(Option<String>),
    /// Close the store, set or remove the database password, and open it again.
    Convert(super::password::ConversionRequest),
}

/// A page's view of the app for one frame.
pub struct Cx<'a> {
    /// The open database.
    pub store: &'a mut Store,
    /// Checklist templates, read once each.
    pub catalog: &'a mut Catalog,
    /// Every village of the database.
    pub villages: &'a [Village],
    /// The village in view; `None` with several villages means all of them.
    pub village: Option<&'a Village>,
    /// Who is using this laptop, when set.
    pub me: Option<&'a Me>,
    /// Today, read once when the app started.
    pub today: NaiveDate,
    /// The data revision at the start of the frame (see [`Store::revision`]).
    pub revision: u64,
    /// The window's egui context (background jobs ask it to repaint).
    pub ctx: egui::Context,
    jobs: &'a mut Jobs,
    commands: &'a mut Vec<Command>,
}

impl<'a> Cx<'a> {
    /// The context of one frame.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        store: &'a mut Store,
        catalog: &'a mut Catalog,
        villages: &'a [Village],
        village: Option<&'a Village>,
        me: Option<&'a Me>,
        today: NaiveDate,
        ctx: egui::Context,
        jobs: &'a mut Jobs,
        commands: &'a mut Vec<Command>,
    ) -> Self {
        let revision = store.revision();
        Cx { store, catalog, villages, village, me, today, revision, ctx, jobs, commands }
    }

    /// The id of the village in view (`None`: all).
    pub fn village_id(&self) -> Option<&str> {
        self.village.map(|v| v.id.as_str())
    }

    /// My cadre id, when set.
    pub fn me_id(&self) -> Option<&str> {
        self.me.map(Me::id)
    }

    /// The acting cadre for the ledger and review rules, from 我是….
    pub fn actor(&self) -> Actor {
        self.me
            .map(|m| Actor { cadre_id: Some(m.cadre.id.clone()), name: m.cadre.name.clone(), role: Some(m.cadre.role) })
            .unwrap_or_default()
    }

    /// Asks for another page.
    pub fn go(&mut self, route: Route) {
        self.commands.push(Command::Go(route));
    }

    /// Asks for a village to be shown (`None`: all villages).
    pub fn choose_village(&mut self, id: Option<String>) {
        self.commands.push(Command::ChooseVillage(id));
    }

    /// Asks the app to close the store and run `conversion` (setting or removing the password).
    pub fn convert(&mut self, conversion: super::password::Conversion) {
        self.commands.push(Command::Convert(super::password::ConversionRequest(std::sync::Arc::new(conversion))));
    }

    /// Says `text` in the message bar.
    pub fn info(&mut self, text: impl Into<String>) {
        self.commands.push(Command::Notice(Notice::info(text)));
    }

    /// Reports a failure in the message bar.
    pub fn error(&mut self, text: impl Into<String>) {
        self.commands.push(Command::Notice(Notice::error(text)));
    }

    /// Reports the outcome of a write: `success` in the bar, or the error. The value on success.
    pub fn report<T, E: std::fmt::Display>(&mut self, result: Result<T, E>, success: &str) -> Option<T> {
        match result {
            Ok(v) => {
                if !success.is_empty() {
                    self.info(success);
                }
                Some(v)
            }
            Err(e) => {
                self.error(e.to_string());
                None
            }
        }
    }

    /// Why writing is not possible right now (a background job is writing), if it is not.
    pub fn busy(&self) -> Option<String> {
        self.jobs.writing()
    }

    /// Starts `work` on a worker thread with its own connection to the database; the window
    /// shows `label` with its progress until it ends. A job that `writes` disables other writes
    /// while it runs. The returned task is polled by the page each frame.
    pub fn spawn<T: Send + 'static>(
        &mut self,
        label: String,
        writes: bool,
        work: impl FnOnce(&mut Store, &Progress) -> Result<T, String> + Send + 'static,
    ) -> Task<T> {
        self.jobs.spawn(self.store, &self.ctx, label, writes, work)
    }
}
