//! A large sheet's cells written through their column's format.
//!
//! rust_xlsxwriter finds a cell's style index by hashing the cell's whole
//! [`Format`] (SipHash over every font, border and alignment field) on every
//! cell: on the 算定検証 sheet of a 200,000-application night that was about
//! 40 % of the thread writing it, the longest of the report (BENCHMARKS.md,
//! "What each change bought, second pass"). A cell written *without* a format takes its
//! column's (`set_column_format`, documented as "any unformatted data
//! written to that column will then adopt that format"), which costs one
//! small lookup. So on a constant-memory sheet each column adopts the style
//! of its first plain cell, cells with that very style are written bare,
//! and every other cell names its format as before.
//!
//! The column formats are cleared again when the sheet is done, so the
//! empty cells below and beside the table stay unstyled, exactly as if every
//! cell had named its format. That is sound only on a constant-memory sheet,
//! where a row's cells are resolved and written out when the next row
//! starts: a cleared column cannot reach rows already written. The one row
//! still held when the sheet is done, its last, names every format.
//! `report::tests::bare_cells_write_the_same_workbook` holds the workbook to
//! the bytes the named-format writer produces.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::cell::Cell;
use super::style::Styles;

/// The shared style `cell` is written with, one of [`Styles`]' own (`wrap`:
/// a text too wide for its column); `None` for the cells that name a format
/// of their own: 年度 (a format per year, made per sheet) and links.
pub(crate) fn style_of<'s>(
    cell: &Cell,
    styles: &'s Styles,
    bold: bool,
    wrap: bool,
) -> Option<&'s Format> {
    let pick = |plain: &'s Format, strong: &'s Format| if bold { strong } else { plain };
    match cell {
        Cell::Fy(_) | Cell::Link { .. } => None,
        Cell::Text(_) if wrap => Some(pick(&styles.text_wrap, &styles.text_wrap_bold)),
        Cell::Empty | Cell::Text(_) => Some(pick(&styles.text, &styles.text_bold)),
        Cell::Tag(_) => Some(pick(&styles.tag, &styles.tag_bold)),
        Cell::Yen(_) => Some(pick(&styles.yen, &styles.yen_bold)),
        Cell::Int(_) => Some(pick(&styles.int, &styles.int_bold)),
        Cell::Date(d) => Some(styles.date_for(*d, bold)),
        Cell::DateTime(_) => Some(&styles.datetime),
        Cell::Percent(_) => Some(pick(&styles.percent, &styles.percent_bold)),
    }
}

/// Whether `cell` can be written bare: not a blank nor an empty text, which
/// rust_xlsxwriter writes only when they name a format (as bordered blanks).
pub(crate) fn may_go_bare(cell: &Cell) -> bool {
    match cell {
        Cell::Empty => false,
        Cell::Text(s) | Cell::Tag(s) => !s.is_empty(),
        _ => true,
    }
}

/// Which columns of one sheet have adopted a style, and which row is the
/// sheet's last (never written bare).
#[derive(Debug)]
pub(crate) struct ColumnStyles<'s> {
    on: bool,
    last_row: u32,
    adopted: Vec<Option<&'s Format>>,
}

impl<'s> ColumnStyles<'s> {
    /// `on` only for a constant-memory sheet whose last data row is `last_row`.
    pub(crate) fn new(on: bool, last_row: u32) -> Self {
        ColumnStyles {
            on,
            last_row,
            adopted: Vec::new(),
        }
    }

    /// Whether the cell at (`row`, `col`) styled `style` may be written
    /// without its format. A plain (not bold) cell of a column with no style
    /// yet gives the column its own.
    pub(crate) fn bare(
        &mut self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        style: Option<&'s Format>,
        bold: bool,
    ) -> Result<bool, XlsxError> {
        let Some(style) = style.filter(|_| self.on && row != self.last_row) else {
            return Ok(false);
        };
        let c = usize::from(col);
        if self.adopted.len() <= c {
            self.adopted.resize(c + 1, None);
        }
        match self.adopted[c] {
            Some(adopted) => Ok(std::ptr::eq(adopted, style)),
            None if bold => Ok(false),
            None => {
                ws.set_column_format(col, style)?;
                self.adopted[c] = Some(style);
                Ok(true)
            }
        }
    }

    /// Clears the adopted column formats, once every row but the last (which
    /// named its formats) has been written out.
    pub(crate) fn finish(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let unstyled = Format::default();
        for (c, adopted) in self.adopted.iter().enumerate() {
            if adopted.is_some() {
                ws.set_column_format(u16::try_from(c).unwrap_or(u16::MAX), &unstyled)?;
            }
        }
        Ok(())
    }
}
