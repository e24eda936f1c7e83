//! The value of one cell of a sheet, typed so each gets its proper Excel
//! format: what every sheet builder makes and the table writer
//! ([`super::table`]) lays out.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};

use super::sheet::Sheet;
use super::style::display_width;
use crate::calendar::FiscalYear;

/// The value of one cell, typed so each gets its proper Excel format.
///
/// Texts borrow from the results they show where they can (a made row of
/// 算定検証 shows its assessment's own strings): a national night writes
/// millions of text cells, and each owned copy was an allocation and a copy
/// before rust_xlsxwriter made its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    /// Always written as text, even when it starts with `=`, `+`, `-` or `@`.
    Text(Cow<'a, str>),
    /// A short status word (判定, 状況), text centred in its column.
    Tag(Cow<'a, str>),
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
        text: Cow<'a, str>,
        to: Sheet,
    },
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    pub fn tag(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Tag(s.into())
    }

    pub fn opt_text(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s)))
    }

    /// The same value, owning its text (for the few tables held past the
    /// results they were made from, such as 概要's lists).
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Empty => Cell::Empty,
            Cell::Text(s) => Cell::Text(Cow::Owned(s.into_owned())),
            Cell::Tag(s) => Cell::Tag(Cow::Owned(s.into_owned())),
            Cell::Yen(v) => Cell::Yen(v),
            Cell::Int(v) => Cell::Int(v),
            Cell::Date(d) => Cell::Date(d),
            Cell::DateTime(t) => Cell::DateTime(t),
            Cell::Fy(fy) => Cell::Fy(fy),
            Cell::Percent(p) => Cell::Percent(p),
            Cell::Link { text, to } => Cell::Link {
                text: Cow::Owned(text.into_owned()),
                to,
            },
        }
    }

    pub fn opt_yen(v: Option<i64>) -> Cell<'a> {
        v.map_or(Cell::Empty, Cell::Yen)
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Cell<'a> {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// How wide the cell shows, in Excel's narrow-character units.
    pub(super) fn width(&self) -> usize {
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
