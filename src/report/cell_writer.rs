//! One cell written the way its type calls for: its shared style or its
//! column's format, 年度 and links with their own, every text clipped to what
//! an Excel cell holds. The table writer ([`super::table`]) and 概要
//! ([`super::overview`]) both write through here.

use std::borrow::Cow;
use std::collections::HashMap;

use rust_xlsxwriter::{Format, Url, Worksheet, XlsxError};

use super::cell::Cell;
use super::column_style;
use super::style::Styles;
use crate::calendar::FiscalYear;
use crate::ingest::raw::{EXCEL_MAX_CHARS, clip};

/// The widest a column gets, in narrow-character units.
pub(super) const MAX_WIDTH: usize = 60;

/// Whether a cell `width` wide wraps: capped so one long sentence does not
/// push the table off screen, text wider than the cap wraps within its cell.
pub(super) fn wraps(cell: &Cell, width: usize) -> bool {
    matches!(cell, Cell::Text(_)) && width + 2 > MAX_WIDTH
}

/// The lines a cell `width` wide takes in its column.
pub(super) fn lines_of(cell: &Cell, width: usize) -> usize {
    if wraps(cell, width) {
        width.div_ceil(MAX_WIDTH - 2)
    } else {
        1
    }
}

/// Every text the report writes goes through here: a text longer than an
/// Excel cell holds (32,767 characters, past which the writer fails and the
/// night with it) is cut with a visible mark saying how much was left out.
pub(crate) fn cell_text(s: &str) -> Cow<'_, str> {
    clip(s, EXCEL_MAX_CHARS)
}

/// Writes a text cell through [`cell_text`].
pub(crate) fn write_text(
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
pub(crate) fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    styles: &Styles,
    bold: bool,
) -> Result<(), XlsxError> {
    let style = column_style::style_of(cell, styles, bold, false);
    write_cell_with(
        ws,
        row,
        col,
        cell,
        &mut Formats::new(styles),
        bold,
        style,
        false,
    )
}

/// The formats one sheet's writer uses: the shared styles, and each 年度's
/// format and label width made once (a 年度 cell used to build its format,
/// a clone and a `format!`, and rust_xlsxwriter hashed it, on every cell).
#[derive(Debug)]
pub(super) struct Formats<'s> {
    pub(super) styles: &'s Styles,
    fiscal_years: HashMap<(FiscalYear, bool), Format>,
    fy_widths: HashMap<FiscalYear, usize>,
}

impl<'s> Formats<'s> {
    pub(super) fn new(styles: &'s Styles) -> Formats<'s> {
        Formats {
            styles,
            fiscal_years: HashMap::new(),
            fy_widths: HashMap::new(),
        }
    }

    fn fiscal_year(&mut self, fy: FiscalYear, bold: bool) -> &Format {
        let styles = self.styles;
        self.fiscal_years
            .entry((fy, bold))
            .or_insert_with(|| styles.fiscal_year(fy, bold))
    }

    /// How wide `cell` shows ([`Cell::width`], with 年度 labels measured once).
    pub(super) fn width(&mut self, cell: &Cell) -> usize {
        match cell {
            Cell::Fy(fy) => *self.fy_widths.entry(*fy).or_insert_with(|| cell.width()),
            _ => cell.width(),
        }
    }
}

/// Writes `cell` with `style` (its shared style, [`column_style::style_of`]),
/// or bare (through its column's format, see [`super::column_style`]) when
/// `bare`. 年度 and links, which have no shared style, name their own.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_cell_with(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &mut Formats<'_>,
    bold: bool,
    style: Option<&Format>,
    bare: bool,
) -> Result<(), XlsxError> {
    // The format a cell names: none when it goes bare.
    let named = |f| (!bare).then_some(f);
    #[allow(clippy::cast_precision_loss)]
    match (cell, style) {
        (Cell::Fy(fy), _) => {
            let format = formats.fiscal_year(*fy, bold);
            ws.write_number_with_format(row, col, f64::from(*fy), format)?;
        }
        (Cell::Link { text, to }, _) => {
            let url = Url::new(format!("internal:'{}'!A1", to.name())).set_text(text.as_ref());
            ws.write_url_with_format(row, col, url, &formats.styles.link)?;
        }
        // Blank, but bordered like its row; never bare (a blank without a
        // format is not written at all).
        (Cell::Empty, Some(f)) => {
            ws.write_blank(row, col, f)?;
        }
        (Cell::Text(s) | Cell::Tag(s), Some(f)) => {
            put(ws, row, col, cell_text(s).as_ref(), named(f))?;
        }
        // Exact: every yen amount hojokin handles is far below 2^53.
        (Cell::Yen(v) | Cell::Int(v), Some(f)) => put(ws, row, col, *v as f64, named(f))?,
        (Cell::Percent(p), Some(f)) => put(ws, row, col, *p, named(f))?,
        (Cell::Date(d), Some(f)) => put(ws, row, col, d, named(f))?,
        (Cell::DateTime(t), Some(f)) => put(ws, row, col, t, named(f))?,
        // `style_of` gives every cell but 年度 and links a style.
        (_, None) => {}
    }
    Ok(())
}

/// `value` at (row, col) with `format`, or with its column's when `None`.
fn put<T: rust_xlsxwriter::IntoExcelData>(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: T,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(f) => ws.write_with_format(row, col, value, f)?,
        None => ws.write(row, col, value)?,
    };
    Ok(())
}
