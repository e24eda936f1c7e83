//! A sheet as typed columns and rows, and the one writer that lays any such
//! table out the way staff expect: styled, bordered, frozen header row,
//! autofilter, yen, 和暦 date and 年度 formats, widths measured for Japanese
//! text, the problem values highlighted ([`super::highlight`]) and the page
//! set up for A4 ([`super::print`]).

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Format, IgnoreError, Url, Workbook, Worksheet, XlsxError};

use super::highlight::{self, Highlight};
use super::print::{self, PrintMeta};
use super::sheet::Sheet;
use super::style::{Styles, display_width};
use crate::ingest::raw::{EXCEL_MAX_CHARS, clip};
use crate::model::FiscalYear;

/// The value of one cell, typed so each gets its proper Excel format.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Always written as text, even when it starts with `=`, `+`, `-` or `@`.
    Text(String),
    /// A short status word (判定, 状況), text centred in its column.
    Tag(String),
    Yen(i64),
    Int(i64),
    Date(NaiveDate),
    /// A moment (Tokyo time), shown as 令和6年4月25日 02:30:05.
    DateTime(NaiveDateTime),
    /// A 年度: the number 2024 shown as 令和6年度 (see [`super::style::fy_format`]).
    Fy(FiscalYear),
    /// A ratio shown as a percentage (0.5 → 50.0%). Display only, never money.
    Percent(f64),
    /// Text that opens another sheet of the workbook when clicked.
    Link {
        text: String,
        to: Sheet,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn tag(s: impl Into<String>) -> Cell {
        Cell::Tag(s.into())
    }

    pub fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    pub fn opt_yen(v: Option<i64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Yen)
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// How wide the cell shows, in Excel's narrow-character units.
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(s) | Cell::Tag(s) | Cell::Link { text: s, .. } => display_width(s),
            // ¥ and separators: ¥12,345,678
            Cell::Yen(v) => {
                let digits = v.unsigned_abs().to_string().len();
                digits + digits.saturating_sub(1) / 3 + 2
            }
            Cell::Int(v) => v.to_string().len(),
            // 令和10年12月31日
            Cell::Date(_) => 17,
            Cell::DateTime(_) => 26,
            Cell::Fy(fy) => display_width(&crate::calendar::fy_label(*fy)),
            Cell::Percent(_) => 7,
        }
    }
}

/// One sheet's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: Sheet,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows (0-based, among `rows`) to emphasise, such as 合計 rows.
    pub bold_rows: Vec<usize>,
    /// A line shown above the header (the header then stands on row 3).
    pub note: Option<String>,
    /// Problem values to colour, by column.
    pub highlights: Vec<Highlight>,
    /// The tab is coloured: the sheet has rows staff must act on today.
    pub needs_action: bool,
}

impl Table {
    pub fn new(sheet: Sheet, columns: Vec<&'static str>) -> Table {
        Table {
            sheet,
            columns,
            rows: Vec::new(),
            bold_rows: Vec::new(),
            note: None,
            highlights: Vec::new(),
            needs_action: false,
        }
    }
}

/// The widest a column gets, in narrow-character units.
const MAX_WIDTH: usize = 60;
/// Height of one line of 10-point text, in points.
const ROW_POINTS: u32 = 14;

/// Every text the report writes goes through here: a text longer than an
/// Excel cell holds (32,767 characters, past which the writer fails and the
/// night with it) is cut with a visible mark saying how much was left out.
pub fn cell_text(s: &str) -> Cow<'_, str> {
    clip(s, EXCEL_MAX_CHARS)
}

/// Writes a text cell through [`cell_text`].
pub fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, cell_text(s), format)?;
    Ok(())
}

/// Writes `cell` at (row, col) with the format its type calls for.
pub fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    styles: &Styles,
    bold: bool,
) -> Result<(), XlsxError> {
    let pick = |plain: &Format, strong: &Format| if bold { strong.clone() } else { plain.clone() };
    match cell {
        Cell::Empty => {
            // Blank, but bordered like its row.
            ws.write_blank(row, col, &pick(&styles.text, &styles.text_bold))?;
        }
        Cell::Text(s) => {
            write_text(ws, row, col, s, &pick(&styles.text, &styles.text_bold))?;
        }
        Cell::Tag(s) => {
            ws.write_string_with_format(row, col, s, &pick(&styles.tag, &styles.tag_bold))?;
        }
        #[allow(clippy::cast_precision_loss)]
        Cell::Yen(v) => {
            // Exact: every yen amount hojokin handles is far below 2^53.
            ws.write_number_with_format(row, col, *v as f64, &pick(&styles.yen, &styles.yen_bold))?;
        }
        #[allow(clippy::cast_precision_loss)]
        Cell::Int(v) => {
            ws.write_number_with_format(row, col, *v as f64, &pick(&styles.int, &styles.int_bold))?;
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(row, col, d, styles.date_for(*d, bold))?;
        }
        Cell::DateTime(t) => {
            ws.write_datetime_with_format(row, col, t, &styles.datetime)?;
        }
        #[allow(clippy::cast_precision_loss)]
        Cell::Fy(fy) => {
            ws.write_number_with_format(row, col, f64::from(*fy), &styles.fiscal_year(*fy, bold))?;
        }
        Cell::Link { text, to } => {
            let url = Url::new(format!("internal:'{}'!A1", to.name())).set_text(text);
            ws.write_url_with_format(row, col, url, &styles.link)?;
        }
        Cell::Percent(p) => {
            ws.write_number_with_format(
                row,
                col,
                *p,
                &pick(&styles.percent, &styles.percent_bold),
            )?;
        }
    }
    Ok(())
}

/// Lays out a table on an empty worksheet.
/// Data rows per sheet. Excel stops at 1,048,576 rows; a table longer than
/// this continues on sheets named `算定検証（2）`, … so nothing is lost and
/// the run does not fail on a national-size export.
pub const MAX_ROWS_PER_SHEET: usize = 1_000_000;

/// Writes a table on one sheet, or on several when it is longer than
/// [`MAX_ROWS_PER_SHEET`].
pub fn write_table(
    wb: &mut Workbook,
    table: &Table,
    styles: &Styles,
    meta: &PrintMeta,
) -> Result<(), XlsxError> {
    write_split(wb, table, styles, meta, MAX_ROWS_PER_SHEET)
}

fn write_split(
    wb: &mut Workbook,
    table: &Table,
    styles: &Styles,
    meta: &PrintMeta,
    limit: usize,
) -> Result<(), XlsxError> {
    let limit = limit.max(1);
    let parts = table.rows.len().div_ceil(limit).max(1);
    for part in 0..parts {
        let start = part * limit;
        let end = (start + limit).min(table.rows.len());
        let name = if part == 0 {
            table.sheet.name().to_string()
        } else {
            format!("{}（{}）", table.sheet.name(), part + 1)
        };
        write_part(wb.add_worksheet(), table, &name, start..end, styles, meta)?;
    }
    Ok(())
}

/// Lays out rows `range` of a table on an empty worksheet called `name`.
fn write_part(
    ws: &mut Worksheet,
    table: &Table,
    name: &str,
    range: std::ops::Range<usize>,
    styles: &Styles,
    meta: &PrintMeta,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let first = range.start;
    let rows = &table.rows[range];
    let mut header_row = 0u32;
    if let Some(note) = &table.note {
        write_text(ws, 0, 0, note, &styles.note)?;
        header_row = 2;
    }
    let mut widths: Vec<usize> = table.columns.iter().map(|c| display_width(c) + 4).collect();
    for cells in rows {
        for (c, cell) in cells.iter().enumerate() {
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(cell.width() + 2);
            }
        }
    }
    for (c, name) in table.columns.iter().enumerate() {
        write_text(ws, header_row, col_u16(c), name, &styles.header)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        let row = header_row + 1 + u32::try_from(r).unwrap_or(u32::MAX - 2);
        let bold = table.bold_rows.contains(&(first + r));
        let mut lines = 1;
        for (c, cell) in cells.iter().enumerate() {
            // Capped so one long sentence does not push the table off
            // screen; text wider than the cap wraps within its cell.
            match cell {
                Cell::Text(t) if cell.width() + 2 > MAX_WIDTH => {
                    let wrap = if bold {
                        styles.text_wrap.clone().set_bold()
                    } else {
                        styles.text_wrap.clone()
                    };
                    write_text(ws, row, col_u16(c), t, &wrap)?;
                    lines = lines.max(cell.width().div_ceil(MAX_WIDTH - 2));
                }
                _ => write_cell(ws, row, col_u16(c), cell, styles, bold)?,
            }
        }
        if lines > 1 {
            // Not every viewer grows a row for wrapped text by itself.
            let lines = u32::try_from(lines.min(20)).unwrap_or(20);
            ws.set_row_height(row, f64::from(lines * ROW_POINTS))?;
        }
    }
    let mut total = 0;
    for (c, w) in widths.iter().enumerate() {
        let width = (*w).min(MAX_WIDTH);
        total += width;
        ws.set_column_width(col_u16(c), f64::from(u32::try_from(width).unwrap_or(60)))?;
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    print::set_up(ws, meta, total);
    ws.set_repeat_rows(header_row, header_row)?;
    if print::pages_wide(total) > 1 {
        // The second page of a wide sheet still says whose row it is.
        ws.set_repeat_columns(0, 0)?;
    }
    if table.needs_action {
        ws.set_tab_color(highlight::TAB_COLOR);
    }
    if !table.columns.is_empty() {
        let last_row = header_row + u32::try_from(rows.len()).unwrap_or(0);
        ws.autofilter(header_row, 0, last_row, col_u16(table.columns.len() - 1))?;
        if !rows.is_empty() {
            let first_row = header_row + 1;
            highlight::apply(ws, &table.columns, &table.highlights, first_row, last_row)?;
            ignore_digit_text(ws, rows, first_row)?;
        }
    }
    Ok(())
}

/// Columns whose text cells are all digits (法人番号, a numeric 申請番号) are
/// meant as text; Excel's green "number stored as text" triangle is turned
/// off on them so staff do not "fix" them into numbers that lose zeros.
fn ignore_digit_text(
    ws: &mut Worksheet,
    rows: &[Vec<Cell>],
    first_row: u32,
) -> Result<(), XlsxError> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let last_row = first_row + u32::try_from(rows.len() - 1).unwrap_or(0);
    for c in 0..columns {
        let digits = rows.iter().any(|r| {
            matches!(r.get(c), Some(Cell::Text(t)) if !t.is_empty() && t.chars().all(|ch| ch.is_ascii_digit()))
        });
        if digits {
            ws.ignore_error_range(
                first_row,
                col_u16(c),
                last_row,
                col_u16(c),
                IgnoreError::NumberStoredAsText,
            )?;
        }
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
        t.rows = vec![vec![Cell::text("あ".repeat(40_000))]];
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
