//! Writing rows of [`Cell`]s into a workbook: the number formats, the header row, and the fixed
//! creation date that keeps the files byte-identical from one run to the next.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

use super::forms::Cell;

pub(crate) struct Formats {
    pub date: Format,
    pub yen: Format,
    pub bold: Format,
}

pub(crate) fn workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    let created = NaiveDate::from_ymd_opt(2024, 4, 25).context("date")?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(wb)
}

pub(crate) fn write_header(ws: &mut Worksheet, f: &Formats, headers: &[&str]) -> Result<()> {
    for (col, name) in (0u16..).zip(headers) {
        ws.write_string_with_format(0, col, *name, &f.bold)?;
    }
    Ok(())
}

pub(crate) fn write_cells(ws: &mut Worksheet, f: &Formats, row: u32, cells: &[Cell]) -> Result<()> {
    for (col, cell) in (0u16..).zip(cells) {
        match cell {
            Cell::Blank => {}
            Cell::Text(s) => {
                ws.write_string(row, col, s)?;
            }
            Cell::Date(d) => {
                ws.write_date_with_format(row, col, d, &f.date)?;
            }
            // Whole yen below 2^53 are exact as doubles, which is how Excel stores them.
            Cell::Yen(v) => {
                ws.write_number_with_format(row, col, *v as f64, &f.yen)?;
            }
            Cell::Int(v) => {
                ws.write_number(row, col, *v as f64)?;
            }
        }
    }
    Ok(())
}
