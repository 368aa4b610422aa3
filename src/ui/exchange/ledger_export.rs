//! 导出台账（Excel）: the ledgers of a month or a date range, of one village or all, as an XLSX
//! workbook or CSV files, read and written by a background job while the window keeps drawing.

use super::{in_folder_of, unquote};
use crate::exchange::error::ExchangeError;
use crate::exchange::ledger::{self, Exported, Format, LedgerOptions, Period};
use crate::exchange::photos::{self, PhotosWritten};
use crate::i18n::{t, tf};
use crate::model::month::Month;
use crate::ui::cx::Cx;
use crate::ui::jobs::Task;
use crate::ui::widgets::{Dialog, date_field, run_dialog};
use chrono::NaiveDate;
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};

/// Which villages the ledgers cover.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// One village, by id.
    Village(String),
    /// Every village.
    All,
}

/// State of the 导出台账 section.
#[derive(Default)]
pub struct LedgerExport {
    by_range: bool,
    month: Option<Month>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// The villages picked here (`None`: those of the top bar).
    scope: Option<Scope>,
    full_ids: bool,
    csv: bool,
    /// Where the file goes.
    out: String,
    /// Why the folder of `out` could not be made, when it could not.
    folder_failed: Option<String>,
    /// The file name last suggested: while the path ends with it, a change of period, villages
    /// or format suggests a new one.
    suggested: String,
    /// The export under way, with the file it writes.
    writing: Option<(Task<Exported>, PathBuf)>,
    /// The photo folder being written beside the ledger, with the folder.
    photos: Option<(Task<PhotosWritten>, PathBuf)>,
}

impl LedgerExport {
    /// Whether a file is being written.
    pub fn is_writing(&self) -> bool {
        self.writing.is_some()
    }

    fn format(&self) -> Format {
        if self.csv { Format::Csv } else { Format::Xlsx }
    }

    fn period(&self, today: NaiveDate) -> Result<Period, ExchangeError> {
        if self.by_range {
            Period::range(self.from.unwrap_or(today), self.to.unwrap_or(today))
        } else {
            Ok(Period::Month(self.month.unwrap_or(Month::of(today))))
        }
    }
}

impl LedgerExport {
    /// Draws the section.
    pub fn ui(&mut self, cx: &mut Cx<'_>, ui: &mut Ui) {
        ui.label(RichText::new(t("sheet.ui.title")).strong().size(17.0));
        ui.label(RichText::new(t("sheet.ui.hint")).weak());
        ui.add_space(6.0);
        let today = cx.today;
        let default_scope = match cx.village {
            Some(v) => Scope::Village(v.id.clone()),
            None => Scope::All,
        };
        let villages = cx.villages;
        let page = &mut *self;
        let mut scope = page.scope.clone().unwrap_or(default_scope);
        let shown_before = scope.clone();
        let mut browse = false;
        egui::Grid::new("ledger-export-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            ui.label(t("sheet.ui.period"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut page.by_range, false, t("sheet.ui.by_month"));
                ui.radio_value(&mut page.by_range, true, t("sheet.ui.by_range"));
            });
            ui.end_row();
            if page.by_range {
                let first = Month::of(today).first_day();
                for (key, date, start) in
                    [("sheet.ui.from", &mut page.from, first), ("sheet.ui.to", &mut page.to, today)]
                {
                    let l = ui.label(t(key));
                    date_field(ui, l.id, date.get_or_insert(start), Some(today));
                    ui.end_row();
                }
            } else {
                ui.label(t("sheet.ui.month"));
                let month = page.month.get_or_insert(Month::of(today));
                ui.horizontal(|ui| {
                    if ui.button("◀").on_hover_text(t("sheet.ui.prev_month")).clicked() {
                        *month = month.prev();
                    }
                    ui.label(RichText::new(month.to_string()).strong());
                    let next = ui.add_enabled(*month < Month::of(today), egui::Button::new("▶"));
                    if next.on_hover_text(t("sheet.ui.next_month")).clicked() {
                        *month = month.next();
                    }
                });
                ui.end_row();
            }
            let l = ui.label(t("sheet.ui.scope"));
            let all = tf("app.all_villages", &[("n", &villages.len().to_string())]);
            let shown = match &scope {
                Scope::All => all.clone(),
                Scope::Village(id) => villages.iter().find(|v| &v.id == id).map(|v| v.name.clone()).unwrap_or_default(),
            };
            egui::ComboBox::from_id_salt("ledger-scope")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if villages.len() > 1 {
                        ui.selectable_value(&mut scope, Scope::All, all);
                    }
                    for v in villages {
                        ui.selectable_value(&mut scope, Scope::Village(v.id.clone()), &v.name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(t("sheet.ui.format"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut page.csv, false, t("sheet.ui.xlsx"));
                ui.radio_value(&mut page.csv, true, t("sheet.ui.csv"));
            });
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut page.full_ids, t("sheet.ui.full_ids"));
            ui.end_row();
            let village_name = match &scope {
                Scope::Village(id) => villages.iter().find(|v| &v.id == id).map(|v| v.name.as_str()),
                Scope::All => None,
            };
            if let Ok(period) = page.period(today) {
                suggest_path(page, village_name, period);
            }
            let l = ui.label(t("sheet.ui.save_to"));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut page.out).desired_width(520.0)).labelled_by(l.id);
                browse = ui.button(t("exchange.ui.browse")).clicked();
            });
            ui.end_row();
            super::missing_folder(ui, &page.out, &mut page.folder_failed);
        });
        // Until the user picks here, the ledgers follow the village chosen in the top bar.
        if scope != shown_before {
            page.scope = Some(scope.clone());
        }
        if browse {
            self.browse(cx);
        }
        ui.add_space(6.0);
        let writing = self.is_writing();
        ui.horizontal(|ui| {
            let button = egui::Button::new(RichText::new(t("sheet.ui.button")).size(16.0));
            if ui.add_enabled(!writing, button).clicked() {
                self.export(cx, &scope);
            }
            let photos = egui::Button::new(RichText::new(t("photos.ui.button")).size(16.0));
            if ui.add_enabled(self.photos.is_none(), photos).on_hover_text(t("photos.ui.hint")).clicked() {
                self.export_photos(cx, &scope);
            }
            if writing {
                ui.label(RichText::new(t("sheet.ui.writing")).strong());
            }
        });
    }

    fn browse(&mut self, cx: &mut Cx<'_>) {
        let page = &*self;
        let typed = unquote(&page.out);
        let format = page.format();
        let filter = if format == Format::Csv { t("sheet.ui.csv") } else { t("sheet.ui.xlsx") };
        let dialog = rfd::FileDialog::new()
            .add_filter(filter, &[format.extension()])
            .set_file_name(typed.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
        let dialog = match typed.parent().filter(|p| p.is_dir()) {
            Some(dir) => dialog.set_directory(dir),
            None => dialog,
        };
        match run_dialog(|| dialog.save_file()) {
            Dialog::Chosen(path) => self.out = path.display().to_string(),
            Dialog::Unavailable => cx.error(tf("sheet.ui.no_dialog", &[("path", &typed.display().to_string())])),
            Dialog::Cancelled => {}
        }
    }

    /// Starts reading the ledgers and writing them to the path typed.
    fn export(&mut self, cx: &mut Cx<'_>, scope: &Scope) {
        let path = unquote(&self.out);
        if path.as_os_str().is_empty() {
            cx.error(t("sheet.ui.need_path"));
            return;
        }
        if Format::of(&path).is_none() {
            cx.error(ExchangeError::LedgerExtension(path).to_string());
            return;
        }
        let opts = self.period(cx.today).map(|period| LedgerOptions {
            period,
            village_id: match scope {
                Scope::Village(id) => Some(id.clone()),
                Scope::All => None,
            },
            full_ids: self.full_ids,
            today: cx.today,
            exported_at: chrono::Local::now().naive_local(),
        });
        let opts = match opts {
            Ok(o) => o,
            Err(e) => return cx.error(e.to_string()),
        };
        let target = path.clone();
        let task = cx.spawn(t("sheet.ui.job").to_string(), false, move |store, progress| {
            ledger::export(store, &opts, &target, progress).map_err(|e| e.to_string())
        });
        self.writing = Some((task, path));
    }

    /// Starts writing the period's photos into a folder beside the ledger's path
    /// (`台账-照片/村/组/组-户主-日期-序号.jpg`).
    fn export_photos(&mut self, cx: &mut Cx<'_>, scope: &Scope) {
        let path = unquote(&self.out);
        let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        if stem.is_empty() {
            cx.error(t("sheet.ui.need_path"));
            return;
        }
        let folder = path.with_file_name(tf("photos.ui.folder", &[("stem", &stem)]));
        let period = match self.period(cx.today) {
            Ok(p) => p,
            Err(e) => return cx.error(e.to_string()),
        };
        let village = match scope {
            Scope::Village(id) => Some(id.clone()),
            Scope::All => None,
        };
        let target = folder.clone();
        let task = cx.spawn(t("photos.exporting").to_string(), false, move |store, progress| {
            let (from, to) = (period.first_day(), period.last_day());
            photos::export(store, village.as_deref(), from, to, &target, progress).map_err(|e| e.to_string())
        });
        self.photos = Some((task, folder));
    }

    /// Reports a finished export.
    pub fn poll(&mut self, cx: &mut Cx<'_>) {
        if let Some(result) = self.photos.as_ref().and_then(|(task, _)| task.poll())
            && let Some((_, folder)) = self.photos.take()
            && let Some(done) = cx.report(result, "")
        {
            let path = folder.display().to_string();
            let n = done.photos.to_string();
            cx.info(tf("photos.cli.done", &[("n", &n), ("folders", &done.folders.to_string()), ("path", &path)]));
        }
        let Some(result) = self.writing.as_ref().and_then(|(task, _)| task.poll()) else { return };
        let Some((_, path)) = self.writing.take() else { return };
        if let Some(done) = cx.report(result, "") {
            cx.info(done_message(&path, &done));
        }
    }
}

/// Puts the usual file name for the choices into the path, unless the user typed their own.
fn suggest_path(page: &mut LedgerExport, village: Option<&str>, period: Period) {
    let name = ledger::default_file_name(village, period, page.format());
    let current = unquote(&page.out);
    let file = current.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if page.out.trim().is_empty() || file == page.suggested {
        page.out = in_folder_of(&page.out, &name);
    } else if Format::of(&current).is_some_and(|f| f != page.format()) {
        page.out = current.with_extension(page.format().extension()).display().to_string();
    }
    page.suggested = name;
}

/// The message after writing: the workbook's path, or the CSV files' folder and names.
fn done_message(path: &Path, done: &Exported) -> String {
    let (visits, problems) = (done.visits.to_string(), done.problems.to_string());
    if done.files.len() == 1 {
        let path = path.display().to_string();
        return tf("sheet.ui.done_xlsx", &[("path", &path), ("visits", &visits), ("problems", &problems)]);
    }
    let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
    let names: Vec<String> =
        done.files.iter().filter_map(|f| f.file_name()).map(|n| n.to_string_lossy().to_string()).collect();
    tf(
        "sheet.ui.done_csv",
        &[
            ("n", &done.files.len().to_string()),
            ("folder", &folder),
            ("names", &names.join("、")),
            ("visits", &visits),
            ("problems", &problems),
        ],
    )
}
