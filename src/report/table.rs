//! A sheet as typed columns and rows, and the one writer that lays any such
//! table out the way staff expect: styled, bordered, frozen header row,
//! autofilter, yen, 和暦 date and 年度 formats, widths measured for Japanese
//! text, the problem values highlighted ([`super::highlight`]) and the page
//! set up for A4 ([`super::print`]).

use rust_xlsxwriter::{IgnoreError, Worksheet, XlsxError};

use super::cell::Cell;
use super::cell_writer::{
    Formats, MAX_WIDTH, cell_text, lines_of, wraps, write_cell_with, write_text,
};
use super::column_style::{self, ColumnStyles};
use super::highlight::{self, Highlight};
use super::print::{self, PrintMeta};
use super::row_heights::{self, RowHeights};
use super::rows::Rows;
use super::sheet::Sheet;
use super::style::{Styles, display_width};
use crate::calendar::FiscalYear;

/// How many rows the widths a note wraps to are estimated from.
const NOTE_SAMPLE_ROWS: usize = 1_000;

/// Column widths as [`write_part`] sets them, from the header and `rows` only.
fn estimated_widths(
    table: &Table<'_>,
    formats: &mut Formats<'_>,
    rows: std::ops::Range<usize>,
) -> Vec<usize> {
    let mut widths: Vec<usize> = table.columns.iter().map(|c| display_width(c) + 4).collect();
    for cells in table.rows.slice(rows) {
        for (c, cell) in cells.iter().enumerate() {
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(formats.width(cell) + 2);
            }
        }
    }
    widths.into_iter().map(|w| w.min(MAX_WIDTH)).collect()
}

/// The sentences of a note, each with its 「。」.
fn sentences(note: &str) -> impl Iterator<Item = &str> {
    note.split_inclusive('。')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// How many leading columns name the row's grantee (申請番号, 事業者名, or
/// 年度 and 事業者名): frozen, and repeated on a wide sheet's second page.
/// At least one.
fn key_columns(columns: &[&str]) -> u16 {
    const KEYS: [&str; 3] = ["申請番号", "事業者名", "年度"];
    let n = columns.iter().take_while(|c| KEYS.contains(c)).count();
    u16::try_from(n.max(1)).unwrap_or(1)
}

/// One sheet's content.
#[derive(Debug)]
pub struct Table<'a> {
    pub sheet: Sheet,
    pub columns: Vec<&'static str>,
    pub rows: Rows<'a>,
    /// Rows (0-based, among `rows`) to emphasise, such as 合計 rows.
    pub bold_rows: Vec<usize>,
    /// How many leading rows the autofilter covers; `None`: all. The 合計
    /// rows below the data stay out, so sorting does not mix them in.
    pub filtered_rows: Option<usize>,
    /// A line shown above the header (the header then stands on row 3).
    pub note: Option<String>,
    /// Problem values to colour, by column.
    pub highlights: Vec<Highlight>,
    /// The tab is coloured: the sheet has rows staff must act on today.
    pub needs_action: bool,
    /// Every 年度 that [`Rows::Made`] rows can show (held rows are looked
    /// at instead), so their formats are registered before the sheets are
    /// written in parallel (see [`Table::fiscal_years`]).
    pub fiscal_years: Vec<FiscalYear>,
}

impl Table<'_> {
    pub fn new<'a>(sheet: Sheet, columns: Vec<&'static str>) -> Table<'a> {
        Table {
            sheet,
            columns,
            rows: Rows::default(),
            bold_rows: Vec::new(),
            filtered_rows: None,
            note: None,
            highlights: Vec::new(),
            needs_action: false,
            fiscal_years: Vec::new(),
        }
    }

    /// Declares the 年度 that made rows can show (see [`Table::fiscal_years`]).
    pub fn declare_fiscal_years(&mut self, fys: impl IntoIterator<Item = FiscalYear>) {
        self.fiscal_years = fys.into_iter().collect();
        self.fiscal_years.sort_unstable();
        self.fiscal_years.dedup();
    }

    /// The 年度 its cells can show: the held cells', or what the builder of
    /// made rows declared.
    pub fn fiscal_years(&self) -> Vec<FiscalYear> {
        match &self.rows {
            Rows::Held(rows) => rows
                .iter()
                .flatten()
                .filter_map(|c| match c {
                    Cell::Fy(fy) => Some(*fy),
                    _ => None,
                })
                .collect(),
            Rows::Made { .. } => self.fiscal_years.clone(),
        }
    }
}

/// Data rows per sheet. Excel stops at 1,048,576 rows; a table longer than
/// this continues on sheets named `算定検証（2）`, … so nothing is lost and
/// the run does not fail on a national-size export.
pub(crate) const MAX_ROWS_PER_SHEET: usize = 1_000_000;

/// One worksheet's share of a table: rows `range` on a sheet called `name`.
#[derive(Debug)]
pub(crate) struct Part<'t, 'a> {
    pub table: &'t Table<'a>,
    pub name: String,
    pub range: std::ops::Range<usize>,
}

impl Part<'_, '_> {
    /// Roughly how much writing the part is, to share parts between threads.
    pub(crate) fn weight(&self) -> usize {
        self.range.len().max(1) * self.table.columns.len().max(1)
    }
}

/// A table cut into the sheets it needs: one, or several when it is longer
/// than `limit` rows (each part repeats the header).
pub(crate) fn parts<'t, 'a>(table: &'t Table<'a>, limit: usize) -> Vec<Part<'t, 'a>> {
    let limit = limit.max(1);
    let len = table.rows.len();
    let count = len.div_ceil(limit).max(1);
    (0..count)
        .map(|part| {
            let start = part * limit;
            Part {
                table,
                name: if part == 0 {
                    table.sheet.name().to_string()
                } else {
                    format!("{}（{}）", table.sheet.name(), part + 1)
                },
                range: start..(start + limit).min(len),
            }
        })
        .collect()
}

/// Writes a table on one sheet, or on several when it is longer than
/// `limit` rows, in memory (the tests' way; the report itself writes parts
/// on constant-memory sheets, see [`super::Report::to_bytes`]).
#[cfg(test)]
fn write_split(
    wb: &mut rust_xlsxwriter::Workbook,
    table: &Table<'_>,
    styles: &Styles,
    meta: &PrintMeta,
    limit: usize,
) -> Result<(), XlsxError> {
    for part in parts(table, limit) {
        write_part(wb.add_worksheet(), &part, styles, meta, false)?;
    }
    Ok(())
}

/// Lays out a part of a table on an empty worksheet, row by row in one pass
/// (so a constant-memory sheet can take it): each row is made, written and
/// dropped; column widths and the digit-text columns are gathered on the way
/// and set at the end, which rust_xlsxwriter allows since it writes `<cols>`
/// when the sheet is assembled. `constant_memory`: the worksheet is one, so
/// cells may be written through their column's format
/// ([`super::column_style`]).
pub(crate) fn write_part(
    ws: &mut Worksheet,
    part: &Part<'_, '_>,
    styles: &Styles,
    meta: &PrintMeta,
    constant_memory: bool,
) -> Result<(), XlsxError> {
    let table = part.table;
    ws.set_name(&part.name)?;
    let mut formats = Formats::new(styles);
    let heights = row_heights_of(part, &mut formats, constant_memory);
    heights.declare(ws);
    let header_row = match &table.note {
        Some(note) => write_note(ws, part, note, &mut formats, &heights)?,
        None => 0,
    };
    heights.set(ws, header_row, 1)?;
    for (c, name) in table.columns.iter().enumerate() {
        write_text(ws, header_row, col_u16(c), name, &styles.header)?;
    }
    let seen = write_rows(
        ws,
        part,
        header_row,
        &mut formats,
        &heights,
        constant_memory,
    )?;
    let total = set_widths(ws, &seen.widths)?;
    set_view(ws, table, header_row, meta, total)?;
    set_filter(ws, part, header_row, &seen.digits)
}

/// How the part's rows get their heights: sampled from its first rows on a
/// long constant-memory sheet (see [`row_heights`]), else set row by row.
fn row_heights_of(
    part: &Part<'_, '_>,
    formats: &mut Formats<'_>,
    constant_memory: bool,
) -> RowHeights {
    if constant_memory && part.range.len() > row_heights::SAMPLE_ROWS {
        let first = part.range.start;
        let sample = first..first + row_heights::SAMPLE_ROWS;
        RowHeights::sampled(part.table.rows.slice(sample).map(|cells| {
            cells
                .iter()
                .map(|cell| lines_of(cell, formats.width(cell)))
                .max()
                .unwrap_or(1)
        }))
    } else {
        RowHeights::plain()
    }
}

/// Writes the table's note above its header and returns the header's row.
///
/// One sentence a row: a long note overflowing row 1 was cut mid-sentence
/// where the first printed page ends. On a sheet printed two pages wide,
/// each sentence wraps within the columns every page repeats (申請番号,
/// 事業者名), so both pages print it whole. The widths are estimated from
/// the first rows (the note is written before them); the final widths are
/// never narrower.
fn write_note(
    ws: &mut Worksheet,
    part: &Part<'_, '_>,
    note: &str,
    formats: &mut Formats<'_>,
    heights: &RowHeights,
) -> Result<u32, XlsxError> {
    let table = part.table;
    let styles = formats.styles;
    let first = part.range.start;
    let estimate = estimated_widths(
        table,
        formats,
        first..first + part.range.len().min(NOTE_SAMPLE_ROWS),
    );
    let keys = usize::from(key_columns(&table.columns));
    let wide = print::pages_wide(estimate.iter().sum()) > 1;
    let within: usize = estimate.iter().take(keys).sum();
    let mut row = 0u32;
    for sentence in sentences(note) {
        if wide {
            let lines = display_width(sentence).div_ceil(within.saturating_sub(2).max(1));
            if keys > 1 {
                ws.merge_range(
                    row,
                    0,
                    row,
                    col_u16(keys - 1),
                    &cell_text(sentence),
                    &styles.note_wrap,
                )?;
            } else {
                write_text(ws, row, 0, sentence, &styles.note_wrap)?;
            }
            heights.set(ws, row, lines)?;
        } else {
            write_text(ws, row, 0, sentence, &styles.note)?;
            heights.set(ws, row, 1)?;
        }
        row += 1;
    }
    // A blank row between the note and the header.
    heights.set(ws, row, 1)?;
    Ok(row + 1)
}

/// What writing the rows found out for the columns.
struct Seen {
    /// Each column's width: its header's, widened to its widest cell.
    widths: Vec<usize>,
    /// Columns with a text cell of digits only (see [`ignore_digit_text`]).
    digits: Vec<bool>,
}

/// Writes the part's rows below `header_row`, each in its type's format,
/// and sets the columns' shared formats ([`ColumnStyles`]) at the end.
fn write_rows(
    ws: &mut Worksheet,
    part: &Part<'_, '_>,
    header_row: u32,
    formats: &mut Formats<'_>,
    heights: &RowHeights,
    constant_memory: bool,
) -> Result<Seen, XlsxError> {
    let table = part.table;
    let styles = formats.styles;
    let first = part.range.start;
    let mut seen = Seen {
        widths: table.columns.iter().map(|c| display_width(c) + 4).collect(),
        digits: Vec::new(),
    };
    let last_row = header_row + u32::try_from(part.range.len()).unwrap_or(0);
    let mut columns = ColumnStyles::new(constant_memory, last_row);
    for (r, cells) in table.rows.slice(part.range.clone()).enumerate() {
        let row = header_row + 1 + u32::try_from(r).unwrap_or(u32::MAX - 2);
        let bold = table.bold_rows.contains(&(first + r));
        let mut lines = 1;
        if seen.digits.len() < cells.len() {
            seen.digits.resize(cells.len(), false);
        }
        for (c, cell) in cells.iter().enumerate() {
            debug_assert!(
                !matches!((&table.rows, cell), (Rows::Made { .. }, Cell::Fy(fy)) if table.fiscal_years.binary_search(fy).is_err()),
                "{}: a made row shows a 年度 its builder did not declare in Table::fiscal_years",
                table.sheet.name()
            );
            let width = formats.width(cell);
            if let Some(w) = seen.widths.get_mut(c) {
                *w = (*w).max(width + 2);
            }
            if let Cell::Text(t) = cell
                && !seen.digits[c]
                && !t.is_empty()
                && t.bytes().all(|b| b.is_ascii_digit())
            {
                seen.digits[c] = true;
            }
            let wrap = wraps(cell, width);
            lines = lines.max(lines_of(cell, width));
            let style = column_style::style_of(cell, styles, bold, wrap);
            let bare_style = style.filter(|_| column_style::may_go_bare(cell));
            let bare = columns.bare(ws, row, col_u16(c), bare_style, bold)?;
            write_cell_with(ws, row, col_u16(c), cell, formats, bold, style, bare)?;
        }
        heights.set(ws, row, lines)?;
    }
    columns.finish(ws)?;
    Ok(seen)
}

/// Sets each column's width, capped at [`MAX_WIDTH`], and returns the sum.
fn set_widths(ws: &mut Worksheet, widths: &[usize]) -> Result<usize, XlsxError> {
    let mut total = 0;
    for (c, w) in widths.iter().enumerate() {
        let width = (*w).min(MAX_WIDTH);
        total += width;
        ws.set_column_width(col_u16(c), f64::from(u32::try_from(width).unwrap_or(60)))?;
    }
    Ok(total)
}

/// What stays in view on screen and on paper, and the tab's colour.
fn set_view(
    ws: &mut Worksheet,
    table: &Table<'_>,
    header_row: u32,
    meta: &PrintMeta,
    total_width: usize,
) -> Result<(), XlsxError> {
    // The header row and the columns that say whose row it is stay in view.
    let keys = key_columns(&table.columns);
    ws.set_freeze_panes(header_row + 1, keys)?;
    print::set_up(ws, meta, total_width);
    ws.set_repeat_rows(header_row, header_row)?;
    if print::pages_wide(total_width) > 1 {
        // The second page of a wide sheet still says whose row it is.
        ws.set_repeat_columns(0, keys.saturating_sub(1))?;
    }
    if table.needs_action {
        ws.set_tab_color(highlight::TAB_COLOR);
    }
    Ok(())
}

/// The autofilter over the part's data rows (not the 合計 rows below them),
/// the problem values' highlights, and the digit-text columns left unflagged.
fn set_filter(
    ws: &mut Worksheet,
    part: &Part<'_, '_>,
    header_row: u32,
    digits: &[bool],
) -> Result<(), XlsxError> {
    let table = part.table;
    if table.columns.is_empty() {
        return Ok(());
    }
    let (first, row_count) = (part.range.start, part.range.len());
    let last_row = header_row + u32::try_from(row_count).unwrap_or(0);
    let filtered = table.filtered_rows.map_or(last_row, |n| {
        // `n` counts the whole table's rows; this part starts at `first`.
        let here = n.saturating_sub(first).min(row_count);
        header_row + u32::try_from(here).unwrap_or(0)
    });
    ws.autofilter(
        header_row,
        0,
        filtered.min(last_row),
        col_u16(table.columns.len() - 1),
    )?;
    if row_count > 0 {
        let first_row = header_row + 1;
        highlight::apply(ws, &table.columns, &table.highlights, first_row, last_row)?;
        ignore_digit_text(ws, digits, first_row, last_row)?;
    }
    Ok(())
}

/// Columns whose text cells are all digits (法人番号, a numeric 申請番号) are
/// meant as text; Excel's green "number stored as text" triangle is turned
/// off on them so staff do not "fix" them into numbers that lose zeros.
fn ignore_digit_text(
    ws: &mut Worksheet,
    digits: &[bool],
    first_row: u32,
    last_row: u32,
) -> Result<(), XlsxError> {
    for (c, _) in digits.iter().enumerate().filter(|(_, d)| **d) {
        ws.ignore_error_range(
            first_row,
            col_u16(c),
            last_row,
            col_u16(c),
            IgnoreError::NumberStoredAsText,
        )?;
    }
    Ok(())
}

fn col_u16(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};
    use rust_xlsxwriter::Workbook;

    #[test]
    fn a_table_longer_than_a_sheet_continues_on_the_next() {
        let mut t = Table::new(Sheet::Verification, vec!["申請番号", "算定額"]);
        t.rows = (0..7)
            .map(|i| vec![Cell::text(format!("A-{i}")), Cell::Yen(i * 1000)])
            .collect();
        t.bold_rows = vec![4];
        let mut wb = Workbook::new();
        write_split(&mut wb, &t, &Styles::default(), &PrintMeta::default(), 3).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["算定検証", "算定検証（2）", "算定検証（3）"]
        );
        let ids = |sheet: &str, book: &mut Xlsx<_>| -> Vec<String> {
            let range = book.worksheet_range(sheet).unwrap();
            range.rows().map(|r| r[0].to_string()).collect()
        };
        // Each part repeats the header; every row appears exactly once.
        assert_eq!(
            ids("算定検証", &mut book),
            ["申請番号", "A-0", "A-1", "A-2"]
        );
        assert_eq!(
            ids("算定検証（2）", &mut book),
            ["申請番号", "A-3", "A-4", "A-5"]
        );
        assert_eq!(ids("算定検証（3）", &mut book), ["申請番号", "A-6"]);
    }

    #[test]
    fn a_text_longer_than_a_cell_is_cut_with_a_mark() {
        let mut t = Table::new(Sheet::InputErrors, vec!["値"]);
        t.rows = Rows::Held(vec![vec![Cell::text("あ".repeat(40_000))]]);
        t.note = Some("い".repeat(40_000));
        let mut wb = Workbook::new();
        write_split(&mut wb, &t, &Styles::default(), &PrintMeta::default(), 3).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("入力エラー").unwrap();
        for (row, head) in [(0, 'い'), (3, 'あ')] {
            let v = range.get_value((row, 0)).unwrap().to_string();
            assert!(v.chars().count() <= 32_767, "row {row}");
            assert!(
                v.starts_with(head) && v.ends_with("文字省略）"),
                "row {row}"
            );
        }
    }

    #[test]
    fn an_empty_table_still_gets_its_sheet() {
        let t = Table::new(Sheet::Findings, vec!["申請番号"]);
        let mut wb = Workbook::new();
        write_split(&mut wb, &t, &Styles::default(), &PrintMeta::default(), 3).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["要確認"]);
    }
}
