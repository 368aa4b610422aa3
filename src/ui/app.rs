//! The frame around the pages (top bar, navigation, message bar with running jobs), the pages'
//! states, and the one place where what pages ask for — a route, a notice, a village — is done.

use super::cadres::CadresPage;
use super::cx::{Command, Cx, Me, Page, Route};
use super::dashboard::DashboardPage;
use super::exchange::ExchangePage;
use super::household_detail::HouseholdDetail;
use super::household_form::HouseholdForm;
use super::households::HouseholdsPage;
use super::import::ImportPage;
use super::jobs::Jobs;
use super::ledger::LedgerPage;
use super::review::ReviewPage;
use super::settings::SettingsPage;
use super::this_month::ThisMonthPage;
use super::village_form::VillageForm;
use super::visit_form::VisitForm;
use super::welcome::WelcomePage;
use super::widgets::{ERROR, Notice};
use crate::checklist::{self, Catalog};
use crate::i18n::{self, Lang, t, tf};
use crate::model::register::Village;
use crate::store::{Setting, Store, StoreError};
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// The stored choice of village that means "every village" (the township view).
const ALL_VILLAGES: &str = "*";

/// What every page shares: the database, the catalogue, and what is read from them at each
/// revision (the villages, the one in view, who I am).
struct Shared {
    store: Store,
    catalog: Catalog,
    villages: Vec<Village>,
    village: Option<Village>,
    me: Option<Me>,
    /// The revision the three above were read at.
    read_at: Option<u64>,
}

impl Shared {
    /// Reads the villages, the one in view and who I am again if the data moved.
    fn refresh(&mut self) -> Result<(), StoreError> {
        let revision = self.store.revision();
        if self.read_at == Some(revision) {
            return Ok(());
        }
        self.read_at = Some(revision);
        self.villages = self.store.villages()?;
        let wanted = self.store.setting(Setting::CurrentVillage)?;
        self.village = if wanted.as_deref() == Some(ALL_VILLAGES) && self.villages.len() > 1 {
            None
        } else {
            wanted
                .and_then(|id| self.villages.iter().find(|v| v.id == id).cloned())
                .or_else(|| self.villages.first().cloned())
        };
        let me = self.store.setting(Setting::Me)?.filter(|id| !id.is_empty());
        self.me = match me {
            Some(id) => self.store.cadre(&id)?.map(|cadre| Me { cadre }),
            None => None,
        };
        Ok(())
    }
}

/// Every page's state. A page lives here between frames; forms live while they are open.
#[derive(Default)]
struct Pages {
    welcome: WelcomePage,
    dashboard: DashboardPage,
    households: HouseholdsPage,
    household_form: Option<HouseholdForm>,
    detail: Option<HouseholdDetail>,
    visit_form: Option<VisitForm>,
    ledger: LedgerPage,
    review: ReviewPage,
    cadres: CadresPage,
    settings: SettingsPage,
    village_form: Option<VillageForm>,
    import: ImportPage,
    exchange: ExchangePage,
    this_month: ThisMonthPage,
}

/// The whole app: the open database, the route shown and every page's state.
pub struct App {
    shared: Option<Shared>,
    open_error: Option<String>,
    today: NaiveDate,
    route: Route,
    pages: Pages,
    notice: Option<Notice>,
    jobs: Jobs,
    commands: Vec<Command>,
    /// The password dialog of an encrypted database, shown before anything else.
    unlock: Option<super::unlock::UnlockDialog>,
    /// A password being set or removed with the store closed: its progress and its end.
    converting: Option<Converting>,
}

/// A conversion running on its thread while the store is closed.
struct Converting {
    db: std::path::PathBuf,
    progress: std::sync::Arc<crate::progress::Progress>,
    done: std::sync::mpsc::Receiver<Result<Option<crate::store::Key>, String>>,
}

impl App {
    /// The app on an opened database (or on the error met opening it); `today` is read once by
    /// the caller.
    pub fn new(opened: Result<Store, StoreError>, today: NaiveDate) -> Self {
        let mut app = App {
            shared: None,
            open_error: None,
            today,
            route: Route::Welcome,
            pages: Pages::default(),
            notice: None,
            jobs: Jobs::default(),
            commands: Vec::new(),
            unlock: None,
            converting: None,
        };
        let mut store = match opened {
            Ok(s) => s,
            Err(StoreError::PasswordNeeded(path)) => {
                app.unlock = Some(super::unlock::UnlockDialog::new(path));
                return app;
            }
            Err(e) => {
                app.open_error = Some(e.to_string());
                return app;
            }
        };
        if let Ok(Some(code)) = store.setting(Setting::Language) {
            i18n::set_lang(Lang::from_code(&code));
        }
        if let Err(e) = store.write(checklist::ensure_builtins) {
            app.notice = Some(Notice::error(e.to_string()));
        }
        let mut shared =
            Shared { store, catalog: Catalog::default(), villages: Vec::new(), village: None, me: None, read_at: None };
        if let Err(e) = shared.refresh() {
            app.notice = Some(Notice::error(e.to_string()));
        }
        app.route = if shared.villages.is_empty() { Route::Welcome } else { Route::Dashboard };
        app.shared = Some(shared);
        app
    }

    /// The page shown.
    pub fn page(&self) -> Page {
        self.route.page()
    }

    /// Shows `page` as the navigation opens it.
    pub fn go(&mut self, page: Page) {
        self.commands.push(Command::Go(page.route()));
        self.apply_commands();
    }

    /// Shows `route` as if a page had asked for it.
    pub fn show(&mut self, route: Route) {
        self.commands.push(Command::Go(route));
        self.apply_commands();
    }

    /// Whether a background job is running.
    pub fn is_busy(&mut self) -> bool {
        !self.jobs.running().is_empty()
    }

    /// What the message bar says.
    pub fn notice_text(&self) -> &str {
        self.notice.as_ref().map_or("", |n| n.text.as_str())
    }

    /// Keeps what is typed in an open visit form (before the window closes).
    pub fn flush_draft(&mut self) {
        if let (Some(form), Some(shared)) = (self.pages.visit_form.as_mut(), self.shared.as_mut()) {
            form.flush_draft(&mut shared.store);
        }
    }

    /// Draws one frame.
    pub fn ui(&mut self, ui: &mut Ui) {
        if self.converting.is_some() {
            return self.conversion_frame(ui);
        }
        if let Some(dialog) = self.unlock.as_mut() {
            match dialog.ui(ui) {
                Some(super::unlock::UnlockOutcome::Opened(store)) => {
                    super::daily_backup(&store);
                    *self = App::new(Ok(*store), self.today);
                    // This frame drew nothing: the next draws the database without waiting for input.
                    ui.ctx().request_repaint();
                }
                Some(super::unlock::UnlockOutcome::Quit) => ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close),
                None => {}
            }
            return;
        }
        let Some(shared) = self.shared.as_mut() else {
            open_failed(ui, self.open_error.as_deref().unwrap_or_default());
            return;
        };
        if let Err(e) = shared.refresh() {
            self.notice = Some(Notice::error(e.to_string()));
        }
        self.top_bar(ui);
        self.message_bar(ui);
        if self.route.page() != Page::Welcome {
            self.navigation(ui);
        }
        let (Some(shared), pages) = (self.shared.as_mut(), &mut self.pages) else { return };
        let mut cx = Cx::new(
            &mut shared.store,
            &mut shared.catalog,
            &shared.villages,
            shared.village.as_ref(),
            shared.me.as_ref(),
            self.today,
            ui.ctx().clone(),
            &mut self.jobs,
            &mut self.commands,
        );
        // Jobs report back to their page even while another page is shown.
        pages.exchange.poll(&mut cx);
        pages.import.poll(&mut cx);
        pages.welcome.poll(&mut cx);
        pages.settings.poll(&mut cx);
        let busy = cx.busy().filter(|_| writes(self.route.page()));
        let route = &self.route;
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(reason) = &busy {
                ui.label(RichText::new(reason).color(ERROR).strong());
                ui.separator();
            }
            ui.add_enabled_ui(busy.is_none(), |ui| show_page(pages, route, &mut cx, ui));
        });
        self.apply_commands();
    }

    /// Does what the pages asked for this frame.
    fn apply_commands(&mut self) {
        for command in std::mem::take(&mut self.commands) {
            match command {
                Command::Go(route) => self.open(route),
                Command::Notice(n) => self.notice = Some(n),
                Command::Convert(request) => self.start_conversion(request),
                Command::ChooseVillage(id) => {
                    let Some(shared) = self.shared.as_mut() else { continue };
                    let value = id.unwrap_or_else(|| ALL_VILLAGES.to_string());
                    if let Err(e) = shared.store.set_setting(Setting::CurrentVillage, &value) {
                        self.notice = Some(Notice::error(e.to_string()));
                    }
                }
            }
        }
    }

    /// Closes the store (no job may hold it) and runs the conversion on a thread.
    fn start_conversion(&mut self, request: super::password::ConversionRequest) {
        if !self.jobs.running().is_empty() {
            self.notice = Some(Notice::error(t("password.busy")));
            return;
        }
        let Some(shared) = self.shared.take() else { return };
        let db = shared.store.path().to_path_buf();
        drop(shared);
        let progress = std::sync::Arc::new(crate::progress::Progress::none());
        let (tx, rx) = std::sync::mpsc::channel();
        let watched = std::sync::Arc::clone(&progress);
        std::thread::spawn(move || {
            let _ = tx.send(request.0.run(&watched));
        });
        self.converting = Some(Converting { db, progress, done: rx });
    }

    /// The window while a conversion runs: its progress; at its end the database opens again.
    fn conversion_frame(&mut self, ui: &mut Ui) {
        let Some(c) = self.converting.as_ref() else { return };
        match c.done.try_recv() {
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                let snap = c.progress.snapshot();
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.add_space(80.0);
                    ui.vertical_centered(|ui| {
                        ui.heading(t("password.converting"));
                        ui.label(snap.text());
                        super::widgets::busy(ui);
                    });
                });
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
            }
            result => {
                let db = c.db.clone();
                let key = result.unwrap_or_else(|_| Err(String::new()));
                // A failed conversion left the database as it was: open it as it is.
                let opened = match &key {
                    Ok(key) => super::password::reopen(&db, key.as_ref()),
                    Err(_) => match crate::store::crypt::is_encrypted(&db) {
                        true => Err(crate::store::StoreError::PasswordNeeded(db.clone())),
                        false => Store::open(&db),
                    },
                };
                let (pages, route, notice) = (std::mem::take(&mut self.pages), self.route.clone(), self.notice.take());
                *self = App::new(opened, self.today);
                if self.shared.is_some() {
                    (self.pages, self.route, self.notice) = (pages, route, notice);
                }
                // As after unlocking: this frame drew nothing.
                ui.ctx().request_repaint();
            }
        }
    }

    /// Shows `route`, preparing its page (a form opens on its household or visit).
    fn open(&mut self, route: Route) {
        let Some(shared) = self.shared.as_mut() else { return };
        let pages = &mut self.pages;
        let village_id = shared.village.as_ref().map(|v| v.id.clone());
        let opened: Result<Option<String>, String> = match &route {
            Route::Households(Some(filters)) => {
                pages.households.set_filters(filters.clone());
                Ok(None)
            }
            Route::NewHousehold => match village_id.or_else(|| shared.villages.first().map(|v| v.id.clone())) {
                Some(v) => HouseholdForm::new_household(&shared.store, v, self.today)
                    .map(|f| {
                        pages.household_form = Some(f);
                        None
                    })
                    .map_err(|e| e.to_string()),
                None => Err(t("households.no_village").to_string()),
            },
            Route::EditHousehold(id) => HouseholdForm::load(&shared.store, id, self.today)
                .map(|f| {
                    pages.household_form = Some(f);
                    None
                })
                .map_err(|e| e.to_string()),
            Route::Household(id) => {
                pages.detail = Some(HouseholdDetail::new(id.clone()));
                Ok(None)
            }
            Route::NewVisit { household, back } => {
                let me = shared.me.as_ref().map(|m| m.cadre.id.clone());
                VisitForm::new_visit(&shared.store, &mut shared.catalog, household, me, self.today, (**back).clone())
                    .map(|(form, recovered)| {
                        pages.visit_form = Some(form);
                        recovered.map(|at| tf("visit.recovered", &[("at", &at)]))
                    })
            }
            Route::Visit { visit, back } => {
                VisitForm::open(&shared.store, &mut shared.catalog, visit, (**back).clone()).map(|form| {
                    pages.visit_form = Some(form);
                    None
                })
            }
            Route::Ledger { filters, problem } => {
                pages.ledger.show(filters.clone(), problem.as_deref(), &shared.store).map(|()| None)
            }
            Route::Village(id) => {
                let village = id.as_ref().and_then(|id| shared.villages.iter().find(|v| &v.id == id)).cloned();
                pages.village_form = Some(VillageForm::new(village));
                Ok(None)
            }
            _ => Ok(None),
        };
        match opened {
            Ok(message) => {
                if let Some(m) = message {
                    self.notice = Some(Notice::info(m));
                } else if self.notice.as_ref().is_some_and(|n| n.is_error) {
                    // An error belongs to the page that caused it.
                    self.notice = None;
                }
                self.route = route;
            }
            Err(e) => self.notice = Some(Notice::error(e)),
        }
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        let Some(shared) = self.shared.as_ref() else { return };
        let mut chosen = None;
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(t("app.title")).heading().strong());
                ui.separator();
                if shared.villages.len() > 1 {
                    let all = tf("app.all_villages", &[("n", &shared.villages.len().to_string())]);
                    let current = shared.village.as_ref().map(|v| v.name.clone()).unwrap_or_else(|| all.clone());
                    let l = ui.label(t("app.village"));
                    egui::ComboBox::from_id_salt("village-pick")
                        .selected_text(current)
                        .show_ui(ui, |ui| {
                            if ui.selectable_label(shared.village.is_none(), all).clicked() {
                                chosen = Some(None);
                            }
                            for v in &shared.villages {
                                if ui.selectable_label(shared.village.as_ref() == Some(v), &v.name).clicked() {
                                    chosen = Some(Some(v.id.clone()));
                                }
                            }
                        })
                        .response
                        .labelled_by(l.id);
                } else if let Some(v) = &shared.village {
                    ui.label(RichText::new(format!("{} · {} · {}", v.county, v.township, v.name)).strong());
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(match &shared.me {
                        Some(me) => format!("{}{}", t("app.me"), me.cadre.label()),
                        None => t("app.me_unset").to_string(),
                    });
                });
            });
        });
        if let Some(id) = chosen {
            self.commands.push(Command::ChooseVillage(id));
        }
    }

    fn navigation(&mut self, ui: &mut Ui) {
        let here = nav_page(&self.route);
        let mut go = None;
        egui::Panel::left("nav").resizable(false).exact_size(120.0).show(ui, |ui| {
            ui.add_space(8.0);
            for (page, key) in [
                (Page::Dashboard, "nav.dashboard"),
                (Page::Households, "nav.households"),
                (Page::ThisMonth, "nav.this_month"),
                (Page::Ledger, "nav.ledger"),
                (Page::Review, "nav.review"),
                (Page::Cadres, "nav.cadres"),
                (Page::Import, "nav.import"),
                (Page::Exchange, "nav.exchange"),
                (Page::Settings, "nav.settings"),
            ] {
                let b = ui
                    .add_sized([104.0, 34.0], egui::Button::selectable(here == page, RichText::new(t(key)).size(16.0)));
                if b.clicked() {
                    go = Some(page.route());
                }
            }
        });
        if let Some(route) = go {
            self.commands.push(Command::Go(route));
        }
    }

    fn message_bar(&mut self, ui: &mut Ui) {
        let running = self.jobs.running();
        if !running.is_empty() {
            // Progress is drawn from another thread's counters: look again soon.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        egui::Panel::bottom("messages").show(ui, |ui| {
            for job in &running {
                ui.horizontal(|ui| {
                    let s = job.progress.snapshot();
                    super::widgets::busy(ui);
                    ui.label(RichText::new(&job.label).strong());
                    let bar = egui::ProgressBar::new(s.fraction().unwrap_or(0.0)).desired_width(260.0).text(s.text());
                    ui.add(bar);
                    if job.progress.cancelled() {
                        ui.label(RichText::new(t("job.cancelling")).weak());
                    } else if ui.button(t("job.cancel")).clicked() {
                        job.progress.cancel();
                    }
                });
            }
            ui.horizontal(|ui| {
                match &self.notice {
                    Some(n) => n.show(ui),
                    None => {
                        ui.label(RichText::new(t("app.ready")).weak());
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if let Some(shared) = &self.shared {
                        ui.label(RichText::new(shared.store.path().display().to_string()).weak().small());
                    }
                });
            });
        });
    }
}

/// Draws the page of `route`.
fn show_page(pages: &mut Pages, route: &Route, cx: &mut Cx<'_>, ui: &mut Ui) {
    match route {
        Route::Welcome => pages.welcome.ui(cx, ui),
        Route::Dashboard => pages.dashboard.ui(cx, ui),
        Route::Households(_) => pages.households.ui(cx, ui),
        Route::NewHousehold | Route::EditHousehold(_) => match pages.household_form.as_mut() {
            Some(form) => form.ui(cx, ui),
            None => cx.go(Route::Households(None)),
        },
        Route::Household(_) => match pages.detail.as_mut() {
            Some(detail) => detail.ui(cx, ui),
            None => cx.go(Route::Households(None)),
        },
        Route::NewVisit { .. } | Route::Visit { .. } => match pages.visit_form.as_mut() {
            Some(form) => form.ui(cx, ui),
            None => cx.go(Route::Households(None)),
        },
        Route::Ledger { .. } => pages.ledger.ui(cx, ui),
        Route::Review => pages.review.ui(cx, ui),
        Route::Cadres => pages.cadres.ui(cx, ui),
        Route::Settings => pages.settings.ui(cx, ui),
        Route::Village(_) => match pages.village_form.as_mut() {
            Some(form) => form.ui(cx, ui),
            None => cx.go(Route::Settings),
        },
        Route::Import => pages.import.ui(cx, ui),
        Route::ThisMonth => pages.this_month.ui(cx, ui),
        Route::Exchange => pages.exchange.ui(cx, ui),
    }
}

/// Whether a page writes (and so waits while a background job writes). The exchange page
/// checks for itself: it shows the job's own progress.
fn writes(page: Page) -> bool {
    !matches!(page, Page::Dashboard | Page::HouseholdDetail | Page::ThisMonth | Page::Exchange)
}

/// The navigation entry a route belongs to: a visit belongs where it was opened from.
fn nav_page(route: &Route) -> Page {
    match route {
        Route::NewVisit { back, .. } | Route::Visit { back, .. } => nav_page(back),
        Route::NewHousehold | Route::EditHousehold(_) | Route::Household(_) => Page::Households,
        Route::Village(_) => Page::Settings,
        other => other.page(),
    }
}

/// The whole window when the database could not be opened.
fn open_failed(ui: &mut Ui, message: &str) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            ui.heading(t("open.failed_title"));
            ui.add_space(12.0);
            ui.label(RichText::new(message).color(ERROR).size(17.0));
            ui.add_space(12.0);
            ui.label(t("open.failed_hint"));
        });
    });
}
