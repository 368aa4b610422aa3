//! Where the window can go: a [`Route`] names a page with its parameters (filters, the
//! household or visit shown); [`Page`] names the page alone.

use crate::model::coded::Category;
use crate::model::ledger::Status;
use crate::model::month::Month;

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

/// A page with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// First start.
    Welcome,
    /// 首页看板.
    Dashboard,
    /// 农户, with these filters (`None`: as the user left them).
    Households(Option<HouseholdFilters>),
    /// 户信息 of a new household.
    NewHousehold,
    /// 户信息 of a household (by id).
    EditHousehold(String),
    /// 户详情 of a household (by id).
    Household(String),
    /// A new visit to a household; 返回 goes `back`.
    NewVisit {
        /// The household.
        household: String,
        /// Where to return.
        back: Box<Route>,
    },
    /// A saved visit, read-only; 返回 goes `back`.
    Visit {
        /// The visit.
        visit: String,
        /// Where to return.
        back: Box<Route>,
    },
    /// 问题台账, with these filters (`None`: as the user left them) and a problem opened.
    Ledger {
        /// Filters to apply.
        filters: Option<LedgerFilters>,
        /// A problem to open in the side panel.
        problem: Option<String>,
    },
    /// 走访审核.
    Review,
    /// 干部.
    Cadres,
    /// 设置.
    Settings,
    /// The village form: a village (by id) or a new one.
    Village(Option<String>),
    /// 导入花名册.
    Import,
    /// 本月走访.
    ThisMonth,
    /// 导出/合并.
    Exchange,
}

impl Route {
    /// The page this route shows.
    pub fn page(&self) -> Page {
        match self {
            Route::Welcome => Page::Welcome,
            Route::Dashboard => Page::Dashboard,
            Route::Households(_) => Page::Households,
            Route::NewHousehold | Route::EditHousehold(_) => Page::HouseholdEdit,
            Route::Household(_) => Page::HouseholdDetail,
            Route::NewVisit { .. } | Route::Visit { .. } => Page::VisitForm,
            Route::Ledger { .. } => Page::Ledger,
            Route::Review => Page::Review,
            Route::Cadres => Page::Cadres,
            Route::Settings => Page::Settings,
            Route::Village(_) => Page::VillageEdit,
            Route::Import => Page::Import,
            Route::ThisMonth => Page::ThisMonth,
            Route::Exchange => Page::Exchange,
        }
    }

    /// The ledger as the user left it.
    pub fn ledger() -> Route {
        Route::Ledger { filters: None, problem: None }
    }
}

impl Page {
    /// The page as the navigation opens it (pages that need a household go to 农户).
    pub fn route(self) -> Route {
        match self {
            Page::Welcome => Route::Welcome,
            Page::Dashboard => Route::Dashboard,
            Page::Households | Page::HouseholdDetail | Page::VisitForm => Route::Households(None),
            Page::HouseholdEdit => Route::NewHousehold,
            Page::Ledger => Route::ledger(),
            Page::Review => Route::Review,
            Page::Cadres => Route::Cadres,
            Page::Settings => Route::Settings,
            Page::VillageEdit => Route::Village(None),
            Page::Import => Route::Import,
            Page::ThisMonth => Route::ThisMonth,
            Page::Exchange => Route::Exchange,
        }
    }
}

/// Which cadre's households to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CadreFilter {
    /// Every household.
    #[default]
    Any,
    /// Households with no current cadre.
    Unassigned,
    /// The households of one cadre (by id).
    Cadre(String),
}

/// The 农户 list's filters; the visible rows are recomputed only when these change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HouseholdFilters {
    /// What is typed in the search box.
    pub search: String,
    /// Only this 组 (by name).
    pub group: Option<String>,
    /// Only this 户类别.
    pub category: Option<Category>,
    /// Only this cadre's.
    pub cadre: CadreFilter,
    /// Show archived households too.
    pub archived: bool,
}

/// Which statuses the ledger shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Everything not yet struck off (the default: what stands between the village and 清零).
    #[default]
    NotClosed,
    /// Every problem.
    All,
    /// One status.
    Only(Status),
}

/// The ledger's filters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerFilters {
    /// Status filter.
    pub status: StatusFilter,
    /// Only this checklist group.
    pub group: Option<String>,
    /// Household search text (name, pinyin, 户编号).
    pub household: String,
    /// Only problems of this cadre's households.
    pub cadre: Option<String>,
    /// Only overdue problems.
    pub overdue: bool,
    /// Latest deadline first instead of earliest.
    pub newest_first: bool,
    /// Only problems found in this month.
    pub found_in: Option<Month>,
    /// Only problems rectified in this month.
    pub rectified_in: Option<Month>,
}
