//! Writing a ledger as one XLSX workbook: a merged title line, bold headers frozen in view and
//! filterable, column widths measured on the Chinese text, real dates (yyyy-mm-dd), wrapped long
//! text, red overdue cells, and A4 landscape pages with the headers on every page, printed one
//! page wide where that keeps the type at 9 points or more.

use super::rows::{self, Context};
use super::sheet::{Book, Cell, Emphasis, Sheet, Value, display_width};
use super::spill::Spill;
use super::visits::{self, VisitSheets};
use super::{Result, write_file};
use crate::exchange::error::ExchangeError;
use crate::i18n::{t, tf};
use crate::progress::Progress;
use crate::store::StoreError;
use chrono::Datelike;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Excel's paper size code for A4.
const A4: u8 = 9;
/// The narrowest column.
const MIN_WIDTH: f64 = 6.0;
/// Room beside the widest text of a column.
const PADDING: f64 = 2.0;
/// The height of one line of text, in points (Chinese fonts need more than Excel's 15).
const LINE_HEIGHT: f64 = 16.0;
/// Excel's own row height, in points: a row of one line keeps it.
const ONE_LINE: f64 = 15.0;
/// The tallest row Excel accepts, in points (a longer text is cut off in view, not refused).
const MAX_ROW_HEIGHT: f64 = 409.0;
/// The height of a line of the title, in points.
const TITLE_HEIGHT: f64 = 24.0;
/// The left and right page margins, in inches (narrow: the township's forms are wide).
const SIDE_MARGIN: f64 = 0.3;
/// The width of an A4 landscape page between the side margins, in points.
const PRINTABLE_WIDTH: f64 = 841.9 - 2.0 * SIDE_MARGIN * 72.0;
/// The smallest print scale, in percent: the 11-point body text prints no smaller than 9 points
/// (11 × 0.83 ≈ 9.1). A sheet too wide for a page at this scale runs onto a second page across,
/// its first columns repeated, rather than shrinking the type.
const MIN_SCALE: u16 = 83;
/// The most characters an Excel cell holds, counted in UTF-16 units.
const CELL_UNITS: usize = 32_767;
/// Rows of an Excel worksheet (the last is row 1,048,575 counted from 0).
const EXCEL_ROWS: u32 = 1_048_576;

impl From<XlsxError> for ExchangeError {
    fn from(e: XlsxError) -> Self {
        match e {
            // A full disk, said in words rather than "No space left on device (os error 28)".
            XlsxError::IoError(e) => ExchangeError::Xlsx(crate::store::io_reason(&e)),
            e => ExchangeError::Xlsx(e.to_string()),
        }
    }
}

/// An empty workbook, zipped at level 2: a township's 24 months spent a fifth of their export
/// in the default level 6's compression. One village's 24 months: 0.70 s of CPU for 2.1 MB at
/// level 2, 0.85 s for 1.6 MB at level 6 (level 1 is no faster, and 2.9 MB).
pub fn new_workbook() -> Workbook {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(2);
    workbook
}

/// Writes `book` as an XLSX file at `path` (replacing it); nothing is written when the workbook
/// cannot be made.
pub(super) fn write(book: &Book, path: &Path) -> Result<()> {
    write_file(path, &to_bytes(book)?)
}

/// The workbook's bytes.
pub(super) fn to_bytes(book: &Book) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = new_workbook();
    for sheet in &book.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name)?;
        write_sheet(ws, sheet, &styles)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Reads the ledger and writes it as one workbook at `path`. The list sheets' rows wait in
/// temporary files as they are read (their column widths, and so the title's height, are known
/// only after the last) and then go row by row into low-memory worksheets, which keep only the
/// row being written, on two threads while the other sheets are read. The workbook is
/// written beside `path` and moved over it when complete, so a cancel or a failure leaves any
/// earlier file as it was. Returns the visits and problems written.
pub(super) fn export(ctx: &mut Context<'_>, path: &Path, progress: &Progress) -> Result<(usize, usize)> {
    export_split(ctx, path, progress, SPLIT_FROM)
}

/// [`export`], the visits read in two halves at once from `split_from` visits on.
pub(super) fn export_split(
    ctx: &mut Context<'_>,
    path: &Path,
    progress: &Progress,
    split_from: usize,
) -> Result<(usize, usize)> {
    let styles = Styles::new();
    let mut workbook = new_workbook();
    let heads = visits::heads(ctx)?;
    let (visits, results, n) = read_visits(ctx, &heads, progress, split_from)?;
    progress.step(t("sheet.writing"), 2 * n as u64);
    let visits = visits.open(&mut workbook, &heads.visits, &styles)?;
    let results = results.open(&mut workbook, &heads.results, &styles)?;
    styles.enter(&mut workbook)?;
    // The two visit sheets are written on threads of their own while the other sheets are read
    // and written: they are most of the work after the reading, and a laptop has two cores or
    // more. Only the order of the shared strings depends on which thread comes first.
    let (visits, results, rest) = std::thread::scope(|s| {
        let visits = s.spawn(|| visits.fill(&heads.visits, &styles, progress));
        let results = s.spawn(|| results.fill(&heads.results, &styles, progress));
        let rest = rest_sheets(ctx, &mut workbook, &styles, progress);
        (joined(visits), joined(results), rest)
    });
    let (rest, problems) = rest?;
    for ws in visits?.into_iter().chain(results?).chain(rest) {
        workbook.push_worksheet(ws);
    }
    replace_file(path, |file| Ok(workbook.save_to_writer(file)?))?;
    Ok((n, problems))
}

/// Visits from which a period is read in two halves at once: a township's months. The second
/// half's connection and its own lists of households and cadres cost what reading a village's
/// 24 months (10,700 visits) saves: 0.98–1.01 s split against 1.00–1.09 s, and 3 MB more.
const SPLIT_FROM: usize = 50_000;

/// Reads the period's visits into the two visit sheets; returns them and the visits read. From
/// `split_from` visits on, they are read in two halves at once, the second on a connection of
/// its own on another thread: reading was half of a township's 24-month export, and a laptop
/// has two cores or more.
fn read_visits(
    ctx: &mut Context<'_>,
    heads: &VisitSheets,
    progress: &Progress,
    split_from: usize,
) -> Result<(Streamed, Streamed, usize)> {
    let order = &heads.order;
    progress.step(t("sheet.reading"), order.len() as u64);
    let half = order.len() / 2;
    // A second connection only saves time: when it cannot be opened, one thread reads it all.
    let reader = if order.len() >= split_from { ctx.store.reader().ok().flatten() } else { None };
    let Some(reader) = reader else {
        return read_part(ctx, heads, order, 0, progress);
    };
    let (first, second) = order.split_at(half);
    let opts = ctx.opts;
    std::thread::scope(|s| {
        let second = s.spawn(move || {
            let _snapshot = reader.snapshot()?;
            let mut ctx = Context::load(&reader, opts)?;
            read_part(&mut ctx, heads, second, half, progress)
        });
        let first = read_part(ctx, heads, first, 0, progress);
        let second = joined(second);
        let ((mut visits, mut results, n), (more_visits, more_results, more)) = (first?, second?);
        visits.append(more_visits)?;
        results.append(more_results)?;
        Ok((visits, results, n + more))
    })
}

/// The visits `order` names, numbered from `first + 1`, into two new visit sheets.
fn read_part(
    ctx: &mut Context<'_>,
    heads: &VisitSheets,
    order: &[i64],
    first: usize,
    progress: &Progress,
) -> Result<(Streamed, Streamed, usize)> {
    let mut visits = Streamed::new(&heads.visits)?;
    let mut results = Streamed::new(&heads.results)?;
    let n = visits::rows_of(ctx, heads, order, first, progress, |a, b| {
        visits.row(a)?;
        results.row(b)
    })?;
    Ok((visits, results, n))
}

/// What a thread returned, or its panic passed on.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The sheets after the visit sheets, each written as soon as it is built (a list, such as
/// 问题整改台账 with a township's 24 months of problems, through a [`Streamed`] sheet), so that
/// no sheet's rows are held in memory while the next is built. Returns their worksheets, in
/// order, and the problems written. A cancel stops at the next sheet.
fn rest_sheets(
    ctx: &mut Context<'_>,
    workbook: &mut Workbook,
    styles: &Styles,
    progress: &Progress,
) -> Result<(Vec<Worksheet>, usize)> {
    let mut done = Vec::new();
    let problems = rows::rest(ctx, |mut sheet| {
        if progress.cancelled() {
            return Err(StoreError::Cancelled.into());
        }
        if sheet.is_list() {
            let rows = std::mem::take(&mut sheet.tables[0].rows);
            let mut streamed = Streamed::new(&sheet)?;
            for cells in &rows {
                streamed.row(cells)?;
            }
            done.extend(streamed.write(workbook, &sheet, styles, &Progress::none())?);
        } else {
            let mut ws = Worksheet::new();
            ws.set_name(&sheet.name)?;
            write_sheet(&mut ws, &sheet, styles)?;
            done.push(ws);
        }
        Ok(())
    })?;
    Ok((done, problems))
}

/// A list sheet (one table) whose rows are read one at a time: kept in a [`Spill`] while the
/// widest cell of each column is measured, then written.
struct Streamed {
    spill: Spill,
    /// The widest cell of each column so far, header included, with its padding.
    widths: Vec<f64>,
    /// The widest each column may grow: text wider than that wraps.
    limits: Vec<f64>,
    /// How many wrapped lines each row kept takes.
    lines: Vec<u16>,
    /// Rows of a worksheet, title and headers included (Excel's limit).
    sheet_rows: u32,
}

/// A [`Streamed`] sheet whose worksheets are started, titled and headed and whose rows have
/// their heights: nothing in it is tied to the workbook any more, so another thread can fill it.
struct Opened {
    spill: Spill,
    sheet_rows: u32,
    /// One worksheet per part of the sheet (see [`Streamed::write`]).
    parts: Vec<Worksheet>,
    /// The final column widths.
    widths: Vec<f64>,
}

impl Streamed {
    /// Starts the sheet `sheet` (its one table's rows empty).
    fn new(sheet: &Sheet) -> Result<Streamed> {
        let columns = &sheet.tables[0].columns;
        let widths = columns.iter().map(|c| MIN_WIDTH.max(display_width(&c.header) + PADDING)).collect();
        let limits = columns.iter().map(|c| c.max_width.max(MIN_WIDTH)).collect();
        Ok(Streamed {
            spill: Spill::new().map_err(spill_error)?,
            widths,
            limits,
            lines: Vec::new(),
            sheet_rows: EXCEL_ROWS,
        })
    }

    /// Keeps the next row.
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        // A column narrower than its limit holds all its text on one line, so the lines a row
        // takes in the limits are those it takes in the widths the last row settles.
        let mut lines = 1;
        for ((w, limit), cell) in self.widths.iter_mut().zip(&self.limits).zip(cells) {
            let width = shown_width(cell);
            *w = w.max(width + PADDING);
            // Text of one line within its room takes one line: only the others are measured again.
            if let Value::Text(s) = &cell.value
                && (width > limit - PADDING || s.contains('\n'))
            {
                lines = lines.max(lines_in(s, *limit));
            }
        }
        self.lines.push(u16::try_from(lines).unwrap_or(u16::MAX));
        self.spill.push(cells).map_err(spill_error)
    }

    /// Takes the rows of `other`, a sheet of the same columns, after these.
    fn append(&mut self, other: Streamed) -> Result<()> {
        for (w, more) in self.widths.iter_mut().zip(&other.widths) {
            *w = w.max(*more);
        }
        self.lines.extend(other.lines);
        self.spill.append(other.spill).map_err(spill_error)
    }

    /// The lines most rows take: the worksheet's default height, so that only the other rows
    /// are given a height of their own. The writer keeps each row given a height (hundreds of
    /// bytes) until the workbook is saved: a township's 24 months of two-line visits held
    /// 146 MB of them.
    fn usual_lines(&self) -> usize {
        let mut rows: BTreeMap<u16, u32> = BTreeMap::new();
        for lines in &self.lines {
            *rows.entry(*lines).or_default() += 1;
        }
        rows.into_iter().max_by_key(|(lines, n)| (*n, std::cmp::Reverse(*lines))).map_or(1, |(lines, _)| lines.into())
    }

    /// Writes the sheet into low-memory worksheets of `workbook`, exactly as [`write_sheet`]
    /// writes it from memory; `progress` counts its rows. Rows past Excel's last row (a county's
    /// 24 months are over a million visits) go on into sheets named 走访台账（续2）… with the same
    /// title, headers and page.
    fn write(
        self,
        workbook: &mut Workbook,
        sheet: &Sheet,
        styles: &Styles,
        progress: &Progress,
    ) -> Result<Vec<Worksheet>> {
        self.open(workbook, sheet, styles)?.fill(sheet, styles, progress)
    }

    /// Starts the worksheets of [`Self::write`] in `workbook`, as many as the rows need, each
    /// with its title and headers, and gives the rows that do not take the usual lines their
    /// height. Two sheets filled at once would otherwise grow their tables of row heights at the
    /// same time: a township's two visit sheets, 26 MB more at the peak.
    fn open(self, workbook: &mut Workbook, sheet: &Sheet, styles: &Styles) -> Result<Opened> {
        let columns = &sheet.tables[0].columns;
        let widths: Vec<f64> =
            self.widths.iter().zip(columns).map(|(w, c)| w.min(c.max_width.max(MIN_WIDTH))).collect();
        let usual = self.usual_lines();
        let per_part = (self.sheet_rows - 2) as usize;
        let mut parts = (1..=self.lines.len().div_ceil(per_part).max(1))
            .map(|part| Self::start(workbook, sheet, &widths, styles, part, usual))
            .collect::<Result<Vec<_>>>()?;
        for (i, lines) in self.lines.iter().enumerate() {
            let lines = usize::from(*lines);
            if lines != usual {
                parts[i / per_part].set_row_height((2 + i % per_part) as u32, row_height(lines))?;
            }
        }
        Ok(Opened { spill: self.spill, sheet_rows: self.sheet_rows, parts, widths })
    }

    /// The `part`th worksheet of the sheet (from 1) with its title and headers, its rows
    /// `usual` lines tall unless given a height.
    fn start(
        workbook: &mut Workbook,
        sheet: &Sheet,
        widths: &[f64],
        styles: &Styles,
        part: usize,
        usual: usize,
    ) -> Result<Worksheet> {
        // Low memory rather than constant memory: the rows still go to a temporary file as they
        // come, but their strings go to the workbook's shared table (each name, mark and date
        // once), as a workbook written from memory has them — a fifth of the XML to write and
        // compress. The table holds each distinct string once, not each cell.
        let mut ws = workbook.new_worksheet_with_low_memory()?;
        if part == 1 {
            ws.set_name(&sheet.name)?;
        } else {
            ws.set_name(tf("sheet.continued", &[("sheet", &sheet.name), ("n", &part.to_string())]))?;
        }
        if usual > 1 {
            ws.set_default_row_height(row_height(usual));
        }
        write_title(&mut ws, sheet, widths, styles)?;
        let columns = &sheet.tables[0].columns;
        for (col, c) in columns.iter().enumerate() {
            ws.write_string_with_format(1, col as u16, &c.header, &styles.header)?;
        }
        fit_height(&mut ws, 1, columns.iter().map(|c| c.header.as_str()), widths, usual)?;
        Ok(ws)
    }

    /// Filters and pages a worksheet whose rows end before `row`.
    fn finish(mut ws: Worksheet, sheet: &Sheet, widths: &[f64], row: u32) -> Result<Worksheet> {
        // rust_xlsxwriter 0.102 writes the last row of a low-memory worksheet twice when that
        // row has a height of its own, and Excel then offers to repair the file. A blank cell
        // without a format on the next row, which it leaves out of the file, makes the last
        // row an ordinary one.
        ws.write_blank(row, 0, &Format::new())?;
        if row > 2 {
            ws.autofilter(1, 0, row - 1, sheet.tables[0].columns.len() as u16 - 1)?;
        }
        set_up_page(&mut ws, sheet, widths)?;
        Ok(ws)
    }
}

impl Opened {
    /// Writes the rows into the worksheets and returns them, ready to go into the workbook.
    fn fill(self, sheet: &Sheet, styles: &Styles, progress: &Progress) -> Result<Vec<Worksheet>> {
        let Opened { spill, sheet_rows, parts, widths } = self;
        let mut parts = parts.into_iter();
        // `open` started a worksheet for every part; without one, the row would not fit.
        let mut next_part = || parts.next().ok_or(XlsxError::RowColumnLimitError);
        let mut done = Vec::new();
        let mut ws = next_part()?;
        let mut replay = spill.replay().map_err(spill_error)?;
        let mut cells = Vec::with_capacity(widths.len());
        let mut row: u32 = 2;
        while replay.next(&mut cells).map_err(spill_error)? {
            if row.is_multiple_of(1024) && progress.cancelled() {
                return Err(StoreError::Cancelled.into());
            }
            if row == sheet_rows {
                let next = next_part()?;
                done.push(Streamed::finish(std::mem::replace(&mut ws, next), sheet, &widths, row)?);
                row = 2;
            }
            write_row(&mut ws, row, &cells, styles)?;
            row += 1;
            progress.add(1);
        }
        done.push(Streamed::finish(ws, sheet, &widths, row)?);
        Ok(done)
    }
}

/// The width of a cell as [`Cell::shown`] shows it, without making the text of a number or a
/// date (a visit row has several).
fn shown_width(cell: &Cell) -> f64 {
    match &cell.value {
        Value::Empty => 0.0,
        Value::Text(s) => display_width(s),
        // Whole numbers as digits, with a minus sign; dates as yyyy-mm-dd within the years 0–9999.
        Value::Int(n) => (n.unsigned_abs().checked_ilog10().unwrap_or(0) + 1 + u32::from(*n < 0)) as f64,
        Value::Date(d) if (0..=9999).contains(&d.year()) => 10.0,
        _ => display_width(&cell.shown()),
    }
}

/// A temporary file of rows that could not be written or read back.
fn spill_error(e: std::io::Error) -> ExchangeError {
    ExchangeError::io(&std::env::temp_dir(), e)
}

/// Writes a new file at `path` through `fill`: into a file beside it, moved over `path` when
/// complete (and removed when not). A file Excel or WPS holds open is refused before any work.
pub(super) fn replace_file(path: &Path, fill: impl FnOnce(BufWriter<File>) -> Result<()>) -> Result<()> {
    ExchangeError::check_folder(path)?;
    let unwritable = |e: std::io::Error| ExchangeError::Unwritable(path.to_path_buf(), e.to_string());
    if path.exists() {
        // Opened without truncating: only to learn whether another program holds it.
        File::options().write(true).open(path).map_err(unwritable)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let part = path.with_file_name(format!(".{name}.part"));
    let done = crate::store::crypt::keyfile::create_owner_only(&part)
        .map_err(unwritable)
        .and_then(|f| fill(BufWriter::new(f)))
        .and_then(|()| std::fs::rename(&part, path).map_err(unwritable));
    if done.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    done
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, styles: &Styles) -> Result<()> {
    let widths = column_widths(sheet);
    write_title(ws, sheet, &widths, styles)?;
    let mut row: u32 = 1;
    for (i, table) in sheet.tables.iter().enumerate() {
        if i > 0 {
            row += 1;
        }
        if let Some(caption) = &table.caption {
            ws.write_string_with_format(row, 0, caption, &styles.caption)?;
            row += 1;
        }
        for (col, c) in table.columns.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, &c.header, &styles.header)?;
        }
        fit_height(ws, row, table.columns.iter().map(|c| c.header.as_str()), &widths, 1)?;
        let header_row = row;
        row += 1;
        for cells in &table.rows {
            write_row(ws, row, cells, styles)?;
            fit_height(ws, row, texts_of(cells), &widths, 1)?;
            row += 1;
        }
        if sheet.is_list() && !table.rows.is_empty() {
            ws.autofilter(header_row, 0, row - 1, table.columns.len() as u16 - 1)?;
        }
    }
    set_up_page(ws, sheet, &widths)
}

/// The title line across the sheet, tall enough for its lines in columns `widths` wide.
fn write_title(ws: &mut Worksheet, sheet: &Sheet, widths: &[f64], styles: &Styles) -> Result<()> {
    let width = sheet.width().max(1) as u16;
    if width > 1 {
        ws.merge_range(0, 0, 0, width - 1, &sheet.title, &styles.title)?;
    } else {
        ws.write_string_with_format(0, 0, &sheet.title, &styles.title)?;
    }
    // The title wraps onto more lines when the sheet is narrower than it (14-point type).
    let room = widths.iter().sum::<f64>();
    let lines: f64 = sheet
        .title
        .lines()
        .map(|line| (display_width(line) * 14.0 / 11.0 / room).ceil().max(1.0))
        .sum::<f64>()
        .max(1.0);
    ws.set_row_height(0, TITLE_HEIGHT * lines)?;
    Ok(())
}

/// Column widths, frozen headers and the printed page.
fn set_up_page(ws: &mut Worksheet, sheet: &Sheet, widths: &[f64]) -> Result<()> {
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, *w)?;
    }
    let header_rows = if sheet.is_list() { 2 } else { 1 };
    ws.set_freeze_panes(header_rows, if sheet.is_list() { sheet.frozen_columns } else { 0 })?;
    ws.set_repeat_rows(0, header_rows - 1)?;
    ws.set_landscape();
    ws.set_paper_size(A4);
    ws.set_margins(SIDE_MARGIN, SIDE_MARGIN, 0.5, 0.6, 0.3, 0.3);
    // One page wide when the columns fit at a readable scale; otherwise the columns run onto the
    // next page across with 序号…户主 repeated, never shrinking the type below 9 points.
    let scale = print_scale(widths);
    ws.set_print_scale(scale);
    if scale == MIN_SCALE && sheet.is_list() && sheet.frozen_columns > 0 {
        ws.set_repeat_columns(0, sheet.frozen_columns - 1)?;
    }
    ws.set_print_center_horizontally(true);
    ws.set_footer(t("sheet.footer"));
    Ok(())
}

/// Writes a row of cells: first the values, which start the row (in a low-memory worksheet,
/// writing out the one before), then each run of neighbouring cells of one format with one
/// lookup of it. rust_xlsxwriter hashes the whole format at every lookup: looked up cell by
/// cell, that was a fifth of the CPU of a township's 24-month export.
fn write_row(ws: &mut Worksheet, row: u32, cells: &[Cell], styles: &Styles) -> Result<()> {
    let Some(first) = cells.first() else { return Ok(()) };
    if first.value == Value::Empty {
        // An empty cell has no value to start the row with: a blank cell does it.
        ws.write_blank(row, 0, styles.of(first))?;
    }
    for (col, cell) in cells.iter().enumerate() {
        write_value(ws, row, col as u16, &cell.value)?;
    }
    let mut col = 0;
    for run in cells.chunk_by(|a, b| std::ptr::eq(styles.of(a), styles.of(b))) {
        let last = col + run.len() as u16 - 1;
        ws.set_range_format(row, col, row, last, styles.of(&run[0]))?;
        col = last + 1;
    }
    Ok(())
}

/// Writes a value without a format (an empty cell gets only its format).
fn write_value(ws: &mut Worksheet, row: u32, col: u16, value: &Value) -> Result<()> {
    match value {
        Value::Empty => return Ok(()),
        Value::Text(s) => ws.write_string(row, col, fit_cell(s).as_ref())?,
        Value::Int(n) => ws.write_number(row, col, *n as f64)?,
        Value::Number(n) | Value::Percent(n) => ws.write_number(row, col, *n)?,
        // Excel's dates run from 1900 to 9999: another year (a typo, or a hostile file) is
        // written as the text of the date rather than failing the workbook.
        Value::Date(d) => match u16::try_from(d.year()).ok().filter(|y| (1900..=9999).contains(y)) {
            Some(year) => {
                ws.write_datetime(row, col, &ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)?)?
            }
            None => ws.write_string(row, col, d.format("%Y-%m-%d").to_string())?,
        },
    };
    Ok(())
}

/// `text` as an Excel cell can hold it: cut, and said so, past Excel's 32,767 characters
/// (UTF-16 units), which rust_xlsxwriter refuses and the whole workbook with them. The CSV
/// export keeps such a text whole.
fn fit_cell(text: &str) -> Cow<'_, str> {
    // UTF-8 takes at least as many bytes as UTF-16 takes units: most texts need no count.
    if text.len() <= CELL_UNITS || text.encode_utf16().count() <= CELL_UNITS {
        return Cow::Borrowed(text);
    }
    let note = t("sheet.cut");
    let room = CELL_UNITS - note.encode_utf16().count();
    let mut units = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            units += c.len_utf16();
            units > room
        })
        .map_or(text.len(), |(end, _)| end);
    Cow::Owned(format!("{}{note}", &text[..end]))
}

/// Makes a row tall enough for its wrapped text (spreadsheet programs do not all do it when they
/// open a file), giving it a height of its own unless it takes the worksheet's `usual` lines.
fn fit_height<'t>(
    ws: &mut Worksheet,
    row: u32,
    texts: impl Iterator<Item = &'t str>,
    widths: &[f64],
    usual: usize,
) -> Result<()> {
    let lines = row_lines(texts, widths);
    if lines != usual {
        ws.set_row_height(row, row_height(lines))?;
    }
    Ok(())
}

/// The most lines any of a row's `texts` needs in its column's width.
fn row_lines<'t>(texts: impl Iterator<Item = &'t str>, widths: &[f64]) -> usize {
    texts.zip(widths).map(|(text, width)| lines_in(text, *width)).max().unwrap_or(1)
}

/// The text of each cell ("" for numbers and dates, which never wrap).
fn texts_of(cells: &[Cell]) -> impl Iterator<Item = &str> {
    cells.iter().map(|c| if let Value::Text(s) = &c.value { s.as_str() } else { "" })
}

/// The height of a row of `lines` lines, in points.
fn row_height(lines: usize) -> f64 {
    if lines <= 1 { ONE_LINE } else { (lines as f64 * LINE_HEIGHT).min(MAX_ROW_HEIGHT) }
}

/// The lines `text` takes wrapped in a column `width` wide.
fn lines_in(text: &str, width: f64) -> usize {
    let room = (width - PADDING).max(1.0);
    text.lines().map(|line| (display_width(line) / room).ceil().max(1.0) as usize).sum::<usize>().max(1)
}

/// The print scale (percent) at which columns `widths` wide fill an A4 landscape page across:
/// at most 100, at least [`MIN_SCALE`]. A column `w` units wide is `w × 7 + 5` pixels of ¾ point
/// in the default 11-point font.
pub(super) fn print_scale(widths: &[f64]) -> u16 {
    let points: f64 = widths.iter().map(|w| (w * 7.0 + 5.0).trunc() * 0.75).sum();
    if points <= 0.0 {
        return 100;
    }
    // Spreadsheet programs measure columns a little differently: keep 6 % to spare.
    ((PRINTABLE_WIDTH * 0.94 / points * 100.0).floor() as u16).clamp(MIN_SCALE, 100)
}

/// Each column's width: its widest header or cell (Chinese characters counting two), within the
/// column's limit; longer text wraps.
pub(super) fn column_widths(sheet: &Sheet) -> Vec<f64> {
    let mut widths = vec![MIN_WIDTH; sheet.width()];
    let mut limits = vec![MIN_WIDTH; sheet.width()];
    for table in &sheet.tables {
        for (i, c) in table.columns.iter().enumerate() {
            limits[i] = limits[i].max(c.max_width);
            widths[i] = widths[i].max(display_width(&c.header) + PADDING);
        }
        for cells in &table.rows {
            for (i, cell) in cells.iter().enumerate() {
                widths[i] = widths[i].max(display_width(&cell.shown()) + PADDING);
            }
        }
    }
    widths.iter().zip(&limits).map(|(w, l)| w.min(*l)).collect()
}

/// The formats cells are written with.
struct Styles {
    title: Format,
    caption: Format,
    header: Format,
    /// By kind of value (text and whole numbers, amount, percent, date) and emphasis. A whole
    /// number shows as its digits in the text's General format, so that a row's text and counts
    /// (序号, 问题数) make fewer runs of one format for [`write_row`] to look up.
    cells: [[Format; 3]; 4],
}

impl Styles {
    fn new() -> Self {
        let base = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        let kinds = [
            base.clone().set_text_wrap(),
            base.clone().set_num_format("#,##0"),
            base.clone().set_num_format("0.0%"),
            base.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left),
        ];
        let cells = kinds.map(|k| {
            [
                k.clone(),
                k.clone().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006)),
                k.set_bold(),
            ]
        });
        Styles {
            title: Format::new().set_bold().set_font_size(14).set_text_wrap().set_align(FormatAlign::VerticalCenter),
            caption: Format::new().set_bold().set_font_size(12),
            header: base
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9E1F2)),
            cells,
        }
    }

    /// Enters every format into `workbook`'s table of formats, which its low-memory worksheets
    /// share, before threads write with them. rust_xlsxwriter 0.102 numbers a format new to the
    /// table without looking again once it holds the write lock: two threads meeting a new format
    /// at once gave it two numbers, and in the saved file every later format moved down one (in
    /// 2 of 10 runs of the tests, a date read back as a number).
    fn enter(&self, workbook: &mut Workbook) -> Result<()> {
        let mut scratch = workbook.new_worksheet_with_low_memory()?;
        let all = [&self.title, &self.caption, &self.header].into_iter().chain(self.cells.iter().flatten());
        for (col, format) in all.enumerate() {
            scratch.write_blank(0, col as u16, format)?;
        }
        Ok(())
    }

    fn of(&self, cell: &Cell) -> &Format {
        let kind = match cell.value {
            Value::Empty | Value::Text(_) | Value::Int(_) => 0,
            Value::Number(_) => 1,
            Value::Percent(_) => 2,
            Value::Date(_) => 3,
        };
        let emphasis = match cell.emphasis {
            Emphasis::Plain => 0,
            Emphasis::Alert => 1,
            Emphasis::Total => 2,
        };
        &self.cells[kind][emphasis]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::ledger::sheet::{Column, Table};
    use calamine::{Data, Reader, Xlsx};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn wrapped_text_counts_its_lines() {
        assert_eq!(lines_in("", 10.0), 1);
        assert_eq!(lines_in("正常", 10.0), 1);
        assert_eq!(lines_in("一二三四五六七八九十", 12.0), 2, "20 wide in 10 of room");
        assert_eq!(lines_in("第一行\n第二行", 30.0), 2);
    }

    #[test]
    fn widths_of_numbers_and_dates_are_those_of_their_text() {
        use super::super::sheet::Value;
        let mut cells: Vec<Cell> =
            [0, 1, 9, 10, 99, 100, 12345, 999_999_999, usize::MAX / 2].into_iter().map(Cell::int).collect();
        cells.extend([-1, -9, -10, -12345, i64::MIN, i64::MAX].map(|n| Cell::from(Value::Int(n))));
        cells.extend(
            [(2026, 3, 5), (1, 1, 1), (9999, 12, 31)]
                .map(|(y, m, d)| Cell::date(chrono::NaiveDate::from_ymd_opt(y, m, d))),
        );
        cells.extend([Cell::text(""), Cell::text("张三"), Cell::from(Value::Number(-3500.5)), Cell::share(1, 3)]);
        for cell in &cells {
            assert_eq!(shown_width(cell), display_width(&cell.shown()), "{cell:?}");
        }
    }

    /// A streamed row measures each text once, and again only when it may wrap; it takes the
    /// lines the sheet written from memory gives it, text at its column's room and just past it
    /// included.
    #[test]
    fn a_streamed_row_takes_the_lines_its_texts_take_in_their_columns() {
        let sheet = numbered_list("帮扶措施");
        let room = sheet.tables[0].columns[1].max_width - PADDING;
        let fits = "一".repeat(room as usize / 2);
        let texts = [
            String::new(),
            "短".into(),
            fits.clone(),
            format!("{fits}a"),
            format!("{fits}一"),
            "第一行\n第二行".into(),
            format!("{fits}\n{fits}一\n"),
            "联系县内企业推荐务工岗位".repeat(5),
        ];
        let mut streamed = Streamed::new(&sheet).unwrap();
        for text in &texts {
            streamed.row(&[Cell::int(1), Cell::text(text.as_str())]).unwrap();
        }
        let expected: Vec<u16> =
            texts.iter().map(|text| row_lines(["", text.as_str()].into_iter(), &streamed.limits) as u16).collect();
        assert_eq!(streamed.lines, expected);
        assert_eq!(expected[2..5], [1, 2, 2], "at the room, then a half and a whole character past it");
    }

    /// Two threads write a number with each cell format at the same moment, as the fills of the
    /// two visit sheets do; read back, exactly the date-formatted cells are dates. Without
    /// [`Styles::enter`] the rounds meet rust_xlsxwriter's race and some cell's format is
    /// another's.
    #[test]
    fn formats_entered_before_threads_write_with_them_stay_their_own() {
        let styles = Styles::new();
        let formats: Vec<&Format> = styles.cells.iter().flatten().collect();
        let dates = styles.cells[3].len();
        for round in 0..200 {
            let mut workbook = new_workbook();
            styles.enter(&mut workbook).unwrap();
            let sheets = [(); 2].map(|()| workbook.new_worksheet_with_low_memory().unwrap());
            // Both threads spin until the other is ready, then write within a moment of each other.
            let ready = AtomicUsize::new(0);
            let sheets = std::thread::scope(|s| {
                let threads = sheets.map(|mut ws| {
                    let (ready, formats) = (&ready, &formats);
                    s.spawn(move || {
                        ready.fetch_add(1, Ordering::SeqCst);
                        while ready.load(Ordering::SeqCst) < 2 {
                            std::hint::spin_loop();
                        }
                        for (col, format) in formats.iter().enumerate() {
                            ws.write_number_with_format(0, col as u16, 46296.0, format).unwrap();
                        }
                        ws
                    })
                });
                threads.map(|t| t.join().unwrap())
            });
            for ws in sheets {
                workbook.push_worksheet(ws);
            }
            let bytes = workbook.save_to_buffer().unwrap();
            let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                let kinds: Vec<bool> =
                    range.rows().next().unwrap().iter().map(|c| matches!(c, Data::DateTime(_))).collect();
                let expected: Vec<bool> = (0..formats.len()).map(|i| i >= formats.len() - dates).collect();
                assert_eq!(kinds, expected, "round {round}, {name}");
            }
        }
    }

    /// A row written run by run is the row written cell by cell, each cell with its own format:
    /// values, formats and the table of formats alike, in a low-memory worksheet (the visit
    /// sheets) and in one kept in memory (the other sheets). Among the rows: one of empty cells
    /// only, which has no value to start it, and one that starts with an empty cell.
    #[test]
    fn rows_written_by_runs_of_one_format_are_the_rows_written_cell_by_cell() {
        let date = || Cell::date(chrono::NaiveDate::from_ymd_opt(2026, 3, 5));
        let rows = [
            vec![
                Cell::int(1),
                Cell::text("张三"),
                Cell::text("正常"),
                Cell::text(""),
                Cell::text("联系县内企业"),
                date(),
                Cell::int(3),
                Cell::from(Value::Number(3500.4)),
                Cell::share(1, 3),
                Cell::text("✗").alert(),
                Cell::text("✗").alert(),
                Cell::text("").alert(),
                date().alert(),
                Cell::text("合计").total(),
                Cell::int(12).total(),
            ],
            vec![Cell::text(""), Cell::text(""), Cell::text("").alert()],
            vec![Cell::text(""), Cell::text("李四"), date().alert(), Cell::from(Value::Number(f64::INFINITY))],
            vec![Cell::int(4), date(), Cell::share(0, 0).total()],
        ];
        let styles = Styles::new();
        let by_cell = |ws: &mut Worksheet, row: u32, cells: &[Cell]| {
            for (col, cell) in cells.iter().enumerate() {
                let (col, f) = (col as u16, styles.of(cell));
                match &cell.value {
                    Value::Empty => ws.write_blank(row, col, f),
                    Value::Text(s) => ws.write_string_with_format(row, col, s, f),
                    Value::Int(n) => ws.write_number_with_format(row, col, *n as f64, f),
                    Value::Number(n) | Value::Percent(n) => ws.write_number_with_format(row, col, *n, f),
                    Value::Date(d) => {
                        let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap();
                        ws.write_date_with_format(row, col, &date, f)
                    }
                }
                .unwrap();
            }
        };
        let by_run = |ws: &mut Worksheet, row: u32, cells: &[Cell]| write_row(ws, row, cells, &styles).unwrap();
        for low_memory in [false, true] {
            let saved = |write: &dyn Fn(&mut Worksheet, u32, &[Cell])| {
                let mut workbook = new_workbook();
                let mut ws =
                    if low_memory { workbook.new_worksheet_with_low_memory().unwrap() } else { Worksheet::new() };
                for (row, cells) in rows.iter().enumerate() {
                    write(&mut ws, row as u32, cells);
                }
                workbook.push_worksheet(ws);
                let bytes = workbook.save_to_buffer().unwrap();
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
                let mut styles = String::new();
                std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
                (sheet_xml(&bytes, 1), styles)
            };
            let (cells, runs) = (saved(&by_cell), saved(&by_run));
            assert!(cells.0.contains(r#"<row r="2""#), "low memory {low_memory}: the row of empty cells: {}", cells.0);
            assert_eq!(runs.0, cells.0, "low memory {low_memory}: the sheet");
            assert_eq!(runs.1, cells.1, "low memory {low_memory}: the formats");
        }
    }

    /// A text past Excel's 32,767 characters a cell is cut, and says so, rather than failing the
    /// whole workbook; a text at the limit is kept whole, and characters outside the BMP count
    /// two.
    #[test]
    fn a_text_too_long_for_a_cell_is_cut_and_says_so() {
        for at_limit in ["a".repeat(CELL_UNITS), "一".repeat(CELL_UNITS), "𠀀".repeat(CELL_UNITS / 2)] {
            assert_eq!(fit_cell(&at_limit), at_limit, "kept whole");
        }
        let note = t("sheet.cut");
        for long in ["帮扶措施".repeat(10_000), "𠀀".repeat(20_000), "a".repeat(CELL_UNITS + 1)] {
            let cut = fit_cell(&long);
            assert!(cut.encode_utf16().count() <= CELL_UNITS, "{}", cut.encode_utf16().count());
            assert!(cut.encode_utf16().count() > CELL_UNITS - 2 - note.encode_utf16().count());
            assert!(long.starts_with(cut.strip_suffix(note).unwrap()));
        }
        let sheet = numbered_list("帮扶措施");
        let mut streamed = Streamed::new(&sheet).unwrap();
        streamed.row(&[Cell::int(1), Cell::text("帮扶措施".repeat(10_000))]).unwrap();
        let bytes = saved(streamed, &sheet);
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("走访台账").unwrap();
        let Some(Data::String(text)) = range.get_value((2, 1)) else { panic!("{:?}", range.get_value((2, 1))) };
        assert!(text.starts_with("帮扶措施帮扶措施") && text.ends_with(note), "{}", &text[text.len() - 200..]);
    }

    /// A date outside Excel's years 1900–9999 is written as its text, and the workbook is
    /// made; one inside stays a date.
    #[test]
    fn a_date_excel_cannot_hold_is_written_as_its_text() {
        let day = |y, m, d| Cell::date(chrono::NaiveDate::from_ymd_opt(y, m, d));
        let sheet = numbered_list("走访日期");
        let mut streamed = Streamed::new(&sheet).unwrap();
        // 67436 as a u16 would be 1900.
        for (n, y) in [1800, 1899, 1900, 9999, 10000, 67436, -5].into_iter().enumerate() {
            streamed.row(&[Cell::int(n + 1), day(y, 10, 5)]).unwrap();
        }
        let bytes = saved(streamed, &sheet);
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("走访台账").unwrap();
        let kinds: Vec<String> = range
            .rows()
            .skip(2)
            .map(|r| match &r[1] {
                Data::DateTime(d) => format!("date {}", d.as_f64()),
                other => format!("text {other}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "text 1800-10-05",
                "text 1899-10-05",
                "date 279",
                "date 2958378",
                "text +10000-10-05",
                "text +67436-10-05",
                "text -0005-10-05"
            ]
        );
    }

    /// A full disk while the workbook is written is said in Chinese, not as an OS error number.
    #[test]
    fn a_full_disk_is_said_in_words() {
        let full = ExchangeError::from(XlsxError::IoError(std::io::ErrorKind::StorageFull.into())).to_string();
        assert!(full.contains("磁盘空间已满") && !full.contains("os error"), "{full}");
    }

    /// An empty 走访台账 of two columns: 序号 and `column`, a long one.
    fn numbered_list(column: &str) -> Sheet {
        Sheet {
            name: "走访台账".into(),
            title: "太平庄村 走访台账".into(),
            tables: vec![Table {
                caption: None,
                columns: vec![Column::short("序号"), Column::long(column)],
                rows: vec![],
            }],
            frozen_columns: 1,
        }
    }

    /// The bytes of a workbook holding only `streamed`, written as `sheet`.
    fn saved(streamed: Streamed, sheet: &Sheet) -> Vec<u8> {
        let mut workbook = Workbook::new();
        for ws in streamed.write(&mut workbook, sheet, &Styles::new(), &Progress::none()).unwrap() {
            workbook.push_worksheet(ws);
        }
        workbook.save_to_buffer().unwrap()
    }

    /// The XML of the `n`th worksheet (from 1) of an XLSX file.
    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        let mut file = zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap();
        std::io::Read::read_to_string(&mut file, &mut xml).unwrap();
        xml
    }

    #[test]
    fn a_streamed_sheet_sets_most_rows_by_its_default_height_and_writes_each_row_once() {
        let sheet = numbered_list("帮扶措施");
        let long = "联系县内企业推荐务工岗位".repeat(3);
        let mut streamed = Streamed::new(&sheet).unwrap();
        // Three rows of two lines or more, then a short one last: the last row has a height of
        // its own.
        for (n, text) in [long.as_str(), &long, &long, "短"].into_iter().enumerate() {
            streamed.row(&[Cell::int(n + 1), Cell::text(text)]).unwrap();
        }
        let usual = streamed.usual_lines();
        assert!(usual > 1, "long text wraps: {usual}");
        let bytes = saved(streamed, &sheet);
        let xml = sheet_xml(&bytes, 1);
        let rows: Vec<u32> =
            xml.split("<row r=\"").skip(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "each row once, in order: {rows:?}");
        assert_eq!(rows[..6], [1, 2, 3, 4, 5, 6], "title, headers and four rows");
        assert!(!xml.contains("<c r=\"A7\""), "nothing shows below the last row");
        let default = format!("defaultRowHeight=\"{}\"", row_height(usual));
        assert!(xml.contains(&default), "{default} in {}", &xml[..400.min(xml.len())]);
        assert!(xml.contains(r#"<row r="6" ht="15" customHeight="1">"#), "the short row keeps one line: {xml}");
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("走访台账").unwrap();
        assert_eq!(range.get_value((5, 1)), Some(&Data::String("短".into())));
    }

    #[test]
    fn rows_past_the_last_row_of_a_worksheet_go_on_into_continuation_sheets() {
        let sheet = numbered_list("户主");
        let mut streamed = Streamed::new(&sheet).unwrap();
        // Title and headers, then four rows per worksheet.
        streamed.sheet_rows = 6;
        for n in 1..=10 {
            streamed.row(&[Cell::int(n), Cell::text(format!("户主{n}"))]).unwrap();
        }
        let bytes = saved(streamed, &sheet);
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["走访台账", "走访台账（续2）", "走访台账（续3）"]);
        let mut seen = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.get_value((0, 0)), Some(&Data::String(sheet.title.clone())), "{name}");
            assert_eq!(range.get_value((1, 1)), Some(&Data::String("户主".into())), "{name}: headers on every part");
            seen.extend(range.rows().skip(2).map(|r| r[1].to_string()));
        }
        let all: Vec<String> = (1..=10).map(|n| format!("户主{n}")).collect();
        assert_eq!(seen, all, "every row once, in order");
    }
}
