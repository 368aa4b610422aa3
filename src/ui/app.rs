//! The app state shared by the screens, the frame around them (top bar, navigation, message bar)
//! and the keyboard shortcuts that work everywhere.

use super::cadres::CadresPage;
use super::dashboard::DashboardPage;
use super::exchange::ExchangePage;
use super::household_detail::HouseholdDetail;
use super::household_form::HouseholdForm;
use super::households::HouseholdList;
use super::import::ImportPage;
use super::ledger::LedgerPage;
use super::review::ReviewPage;
use super::this_month::ThisMonthPage;
use super::village_form::VillageForm;
use super::visit_form::VisitForm;
use super::widgets::Notice;
use crate::checklist::{self, Catalog};
use crate::i18n::{self, Lang, t, tf};
use crate::model::register::Village;
use crate::store::{Setting, Store, StoreError};
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// The stored choice of village that means "every village" (the township view).
const ALL_VILLAGES: &str = "*";

/// The screen shown in the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// First start: nothing registered yet.
    Welcome,
    /// 首页看板: the village dashboard.
    Dashboard,
    /// 农户: the household list.
    Households,
    /// Adding or editing one household.
    HouseholdEdit,
    /// 问题台账: the problem ledger.
    Ledger,
    /// 审核: visits awaiting the first secretary's review.
    Review,
    /// 干部: cadres and assignments.
    Cadres,
    /// 设置.
    Settings,
    /// Creating or editing the village.
    VillageEdit,
    /// 导入: importing the household roster.
    Import,
    /// 户详情: one household's status.
    HouseholdDetail,
    /// 走访表单: recording or reading a visit.
    VisitForm,
    /// 本月走访: who still needs a visit this month.
    ThisMonth,
    /// 导出/合并: village packages.
    Exchange,
}

/// The whole app: the open database and every screen's state.
pub struct App {
    pub(super) store: Option<Store>,
    pub(super) open_error: Option<String>,
    pub(super) today: NaiveDate,
    pub(super) page: Page,
    pub(super) villages: Vec<Village>,
    pub(super) village: Option<Village>,
    pub(super) me: Option<String>,
    pub(super) households: HouseholdList,
    pub(super) form: Option<HouseholdForm>,
    pub(super) cadres: CadresPage,
    pub(super) ledger: LedgerPage,
    pub(super) dashboard: DashboardPage,
    pub(super) review: ReviewPage,
    pub(super) village_form: Option<VillageForm>,
    pub(super) import: ImportPage,
    pub(super) exchange: ExchangePage,
    pub(super) notice: Option<Notice>,
    pub(super) catalog: Catalog,
    pub(super) detail: Option<HouseholdDetail>,
    pub(super) visit_form: Option<VisitForm>,
    pub(super) this_month: ThisMonthPage,
}

impl App {
    /// The app on an opened database (or on the error met opening it).
    pub fn new(opened: Result<Store, StoreError>, today: NaiveDate) -> Self {
        let (store, open_error) = match opened {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let mut app = App {
            store,
            open_error,
            today,
            page: Page::Welcome,
            villages: Vec::new(),
            village: None,
            me: None,
            households: HouseholdList::default(),
            form: None,
            cadres: CadresPage::default(),
            ledger: LedgerPage::default(),
            dashboard: DashboardPage::default(),
            review: ReviewPage::default(),
            village_form: None,
            import: ImportPage::default(),
            exchange: ExchangePage::default(),
            notice: None,
            catalog: Catalog::default(),
            detail: None,
            visit_form: None,
            this_month: ThisMonthPage::default(),
        };
        if let Some(store) = &app.store {
            if let Ok(Some(code)) = store.setting(Setting::Language) {
                i18n::set_lang(Lang::from_code(&code));
            }
            app.me = store.setting(Setting::Me).ok().flatten();
        }
        if let Some(store) = &mut app.store
            && let Err(e) = store.write(checklist::ensure_builtins)
        {
            app.notice = Some(Notice::error(e.to_string()));
        }
        app.reload_villages();
        app.page = if app.villages.is_empty() { Page::Welcome } else { Page::Dashboard };
        app
    }

    /// The page shown.
    pub fn page(&self) -> Page {
        self.page
    }

    /// Shows `page`, as the navigation does.
    pub fn go(&mut self, page: Page) {
        self.page = page;
    }

    /// Reloads the village list and picks the current village (the stored choice, else the first).
    pub(super) fn reload_villages(&mut self) {
        let Some(store) = &self.store else { return };
        self.villages = store.villages().unwrap_or_default();
        let wanted = store.setting(Setting::CurrentVillage).ok().flatten();
        self.village = if wanted.as_deref() == Some(ALL_VILLAGES) && self.villages.len() > 1 {
            None
        } else {
            wanted
                .and_then(|id| self.villages.iter().find(|v| v.id == id).cloned())
                .or_else(|| self.villages.first().cloned())
        };
        self.data_changed();
    }

    /// Forgets every screen's loaded rows after a write, so each reloads what it shows.
    pub(super) fn data_changed(&mut self) {
        self.households.invalidate();
        self.cadres.invalidate();
        self.ledger.invalidate();
        self.dashboard.invalidate();
        self.review.invalidate();
        self.this_month.invalidate();
    }

    /// Reports the outcome of a write in the message bar; true on success.
    pub(super) fn report<T>(&mut self, result: Result<T, StoreError>, success: &str) -> bool {
        match result {
            Ok(_) => {
                self.notice = Some(Notice::info(success));
                true
            }
            Err(e) => {
                self.notice = Some(Notice::error(e.to_string()));
                false
            }
        }
    }

    /// Draws one frame.
    pub fn ui(&mut self, ui: &mut Ui) {
        if let Some(message) = &self.open_error {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.add_space(40.0);
                ui.vertical_centered(|ui| {
                    ui.heading(t("open.failed_title"));
                    ui.add_space(12.0);
                    ui.label(RichText::new(message).color(super::widgets::ERROR).size(17.0));
                    ui.add_space(12.0);
                    ui.label(t("open.failed_hint"));
                });
            });
            return;
        }
        self.finish_ledger_export(ui.ctx());
        self.top_bar(ui);
        self.message_bar(ui);
        if self.page != Page::Welcome {
            self.navigation(ui);
        }
        egui::CentralPanel::default().show(ui, |ui| match self.page {
            Page::Welcome => self.show_welcome(ui),
            Page::Dashboard => self.show_dashboard(ui),
            Page::Households => self.show_households(ui),
            Page::HouseholdEdit => self.show_household_form(ui),
            Page::Ledger => self.show_ledger(ui),
            Page::Review => self.show_review(ui),
            Page::Cadres => self.show_cadres(ui),
            Page::Settings => self.show_settings(ui),
            Page::VillageEdit => self.show_village_form(ui),
            Page::Import => self.show_import(ui),
            Page::HouseholdDetail => self.show_household_detail(ui),
            Page::VisitForm => self.show_visit_form(ui),
            Page::ThisMonth => self.show_this_month(ui),
            Page::Exchange => self.show_exchange(ui),
        });
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(t("app.title")).heading().strong());
                ui.separator();
                if self.villages.len() > 1 {
                    let all = tf("app.all_villages", &[("n", &self.villages.len().to_string())]);
                    let current = self.village.as_ref().map(|v| v.name.clone()).unwrap_or_else(|| all.clone());
                    let l = ui.label(t("app.village"));
                    let mut chosen = None;
                    egui::ComboBox::from_id_salt("village-pick")
                        .selected_text(current)
                        .show_ui(ui, |ui| {
                            if ui.selectable_label(self.village.is_none(), all).clicked() {
                                chosen = Some(ALL_VILLAGES.to_string());
                            }
                            for v in &self.villages {
                                if ui.selectable_label(self.village.as_ref() == Some(v), &v.name).clicked() {
                                    chosen = Some(v.id.clone());
                                }
                            }
                        })
                        .response
                        .labelled_by(l.id);
                    if let Some(id) = chosen {
                        self.choose_village(&id);
                    }
                } else if let Some(v) = &self.village {
                    ui.label(RichText::new(format!("{} · {} · {}", v.county, v.township, v.name)).strong());
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let me = self.me_name();
                    ui.label(match me {
                        Some(name) => format!("{}{}", t("app.me"), name),
                        None => t("app.me_unset").to_string(),
                    });
                });
            });
        });
    }

    /// The name and role of the cadre this laptop belongs to, as set in 设置.
    pub(super) fn me_name(&mut self) -> Option<String> {
        let id = self.me.clone()?;
        self.cadres
            .rows(self.store.as_ref()?)
            .iter()
            .find(|c| c.cadre.id == id)
            .map(|c| format!("{}（{}）", c.cadre.name, c.cadre.role.label()))
    }

    pub(super) fn choose_village(&mut self, id: &str) {
        if let Some(store) = &mut self.store {
            let r = store.set_setting(Setting::CurrentVillage, id);
            self.report(r, "");
            self.notice = None;
        }
        self.reload_villages();
    }

    fn navigation(&mut self, ui: &mut Ui) {
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
                let selected = self.page == page
                    || (page == Page::Households
                        && matches!(self.page, Page::HouseholdEdit | Page::HouseholdDetail | Page::VisitForm));
                let b =
                    ui.add_sized([104.0, 34.0], egui::Button::selectable(selected, RichText::new(t(key)).size(16.0)));
                if b.clicked() {
                    if page == Page::ThisMonth {
                        self.this_month.invalidate();
                    }
                    self.page = page;
                }
            }
        });
    }

    fn message_bar(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("messages").show(ui, |ui| {
            ui.horizontal(|ui| {
                match &self.notice {
                    Some(n) => n.show(ui),
                    None => {
                        ui.label(RichText::new(t("app.ready")).weak());
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if let Some(store) = &self.store {
                        ui.label(RichText::new(store.path().display().to_string()).weak().small());
                    }
                });
            });
        });
    }
}
