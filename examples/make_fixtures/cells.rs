//! Cells as the fixture tables describe them, and the few writers every file needs.
//!
//! Every workbook gets a fixed creation time so that regenerating the fixtures
//! gives byte-identical files and `git diff` shows only real changes.

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

/// How a date cell is shown: the number format decides what calamine returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFmt {
    /// `yyyy/m/d`, what the city's export writes.
    Slash,
    /// `yyyy-mm-dd`, the plain twin.
    Iso,
    /// A built-in number format id (31, 57, 58: Japanese era/kanji formats that
    /// calamine does not recognise as dates).
    Builtin(u8),
}

/// One cell of a fixture row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Blank,
    Text(String),
    Int(i64),
    Date(NaiveDate, DateFmt),
}

impl Cell {
    pub(crate) fn text(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(s.to_string())
        }
    }

    pub(crate) fn opt_int<T: Into<i64>>(v: Option<T>) -> Cell {
        v.map_or(Cell::Blank, |n| Cell::Int(n.into()))
    }

    /// An ISO date (`2022-06-10`) becomes a date cell; any other non-empty text
    /// is written as the text itself, which is how a mistyped date looks in an export.
    pub(crate) fn date_or_text(s: &str, fmt: DateFmt) -> Cell {
        match iso(s) {
            Ok(d) => Cell::Date(d, fmt),
            Err(_) => Cell::text(s),
        }
    }

    /// The value as a CSV field (dates as `yyyy/mm/dd`).
    pub(crate) fn csv(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d, _) => d.format("%Y/%m/%d").to_string(),
        }
    }
}

/// Parses a date written in the tables as `YYYY-MM-DD`.
pub(crate) fn iso(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("not an ISO date: {s:?}"))
}

/// Like [`iso`], but an empty string means no date.
pub(crate) fn opt_iso(s: &str) -> Result<Option<NaiveDate>> {
    if s.is_empty() {
        Ok(None)
    } else {
        iso(s).map(Some)
    }
}

/// A workbook whose metadata does not depend on the clock.
pub(crate) fn workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    let created = iso("2024-04-25")?;
    let props = DocProperties::new()
        .set_author("綾瀬市 工業振興企業誘致課")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    Ok(wb)
}

/// Formats shared by the writers of one workbook.
#[derive(Debug)]
pub(crate) struct Formats {
    yen: Format,
    slash: Format,
    iso: Format,
    bold: Format,
}

impl Formats {
    pub(crate) fn new() -> Formats {
        Formats {
            yen: Format::new().set_num_format("#,##0"),
            slash: Format::new().set_num_format("yyyy/m/d"),
            iso: Format::new().set_num_format("yyyy-mm-dd"),
            bold: Format::new().set_bold(),
        }
    }

    fn date(&self, fmt: DateFmt) -> Format {
        match fmt {
            DateFmt::Slash => self.slash.clone(),
            DateFmt::Iso => self.iso.clone(),
            DateFmt::Builtin(id) => Format::new().set_num_format_index(id),
        }
    }
}

/// Writes `cells` into `row` (0-based), yen-formatting integers in `yen_cols`.
pub(crate) fn write_row(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    cells: &[Cell],
    yen_cols: &[usize],
) -> Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| anyhow!("too many columns"))?;
        match cell {
            Cell::Blank => {}
            Cell::Text(s) => {
                ws.write_string(row, col, s)?;
            }
            // Whole yen and counts are far below 2^53, so the double is exact.
            Cell::Int(n) if yen_cols.contains(&i) => {
                ws.write_number_with_format(row, col, *n as f64, &f.yen)?;
            }
            Cell::Int(n) => {
                ws.write_number(row, col, *n as f64)?;
            }
            Cell::Date(d, fmt) => {
                ws.write_date_with_format(row, col, d, &f.date(*fmt))?;
            }
        }
    }
    Ok(())
}

/// A bold header row.
pub(crate) fn write_header(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    names: &[&str],
) -> Result<()> {
    for (i, name) in names.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| anyhow!("too many columns"))?;
        ws.write_string_with_format(row, col, *name, &f.bold)?;
    }
    Ok(())
}

/// Column widths in characters; Japanese text needs about two per glyph.
pub(crate) fn set_widths(ws: &mut Worksheet, widths: &[f64]) -> Result<()> {
    for (i, w) in widths.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| anyhow!("too many columns"))?;
        ws.set_column_width(col, *w)?;
    }
    Ok(())
}

/// The 法人番号 check digit: 9 − (Σ Pᵢ×Qᵢ mod 9), Pᵢ the i-th digit of the
/// 12-digit base from the right, Qᵢ = 1 for odd i and 2 for even i.
pub(crate) fn check_digit(base: &str) -> Result<u32> {
    if base.len() != 12 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return Err(anyhow!("法人番号 base must be 12 digits: {base}"));
    }
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    Ok(9 - sum % 9)
}

/// The full 13-digit number for a base.
pub(crate) fn corporate_number(base: &str) -> Result<String> {
    Ok(format!("{}{base}", check_digit(base)?))
}

/// The same number with a check digit that does not match (the next digit, 1 after 9).
pub(crate) fn wrong_corporate_number(base: &str) -> Result<String> {
    let right = check_digit(base)?;
    let wrong = if right == 9 { 1 } else { right + 1 };
    Ok(format!("{wrong}{base}"))
}

/// Text in CP932 (Shift_JIS as Windows writes it), failing on unmappable characters.
pub(crate) fn cp932(text: &str) -> Result<Vec<u8>> {
    let (bytes, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
    if lossy {
        return Err(anyhow!("text has characters CP932 cannot encode"));
    }
    Ok(bytes.into_owned())
}

/// CSV text with CRLF line ends; fields with commas or quotes are quoted.
pub(crate) fn csv_text(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| quote(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
