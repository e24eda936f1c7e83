//! 概要: the first sheet, a stack of small titled sections (the run, its
//! inputs, the counts of each flag, the mails) that a person reads top down.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::style::{Styles, display_width};
use super::table::{Cell, write_cell};

/// One titled block of 概要.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    /// Column headings; empty for a key/value block.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Section {
    /// A two-column block of labels and values.
    pub fn pairs(title: &str, pairs: Vec<(&str, Cell)>) -> Section {
        Section {
            title: title.to_string(),
            columns: Vec::new(),
            rows: pairs
                .into_iter()
                .map(|(k, v)| vec![Cell::text(k), v])
                .collect(),
        }
    }
}

/// The content of 概要.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overview {
    pub title: String,
    pub sections: Vec<Section>,
}

/// Lays 概要 out: title, then each section with a blank row between.
pub fn write(ws: &mut Worksheet, o: &Overview, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("概要")?;
    ws.write_string_with_format(0, 0, &o.title, &styles.title)?;
    let mut widths: Vec<usize> = vec![0; 8];
    let mut row = 2u32;
    for s in &o.sections {
        ws.write_string_with_format(row, 0, &s.title, &styles.title)?;
        row += 1;
        if !s.columns.is_empty() {
            for (c, name) in s.columns.iter().enumerate() {
                ws.write_string_with_format(row, col(c), name, &styles.header)?;
                grow(&mut widths, c, display_width(name) + 4);
            }
            row += 1;
        }
        for cells in &s.rows {
            for (c, cell) in cells.iter().enumerate() {
                // In key/value blocks the key column is a label.
                if s.columns.is_empty()
                    && c == 0
                    && let Cell::Text(t) = cell
                {
                    ws.write_string_with_format(row, 0, t, &styles.label)?;
                } else {
                    write_cell(ws, row, col(c), cell, styles, false)?;
                }
                grow(&mut widths, c, cell_width(cell) + 2);
            }
            row += 1;
        }
        row += 1;
    }
    for (c, w) in widths.iter().enumerate() {
        let w = u32::try_from((*w).clamp(10, 70)).unwrap_or(70);
        ws.set_column_width(col(c), f64::from(w))?;
    }
    Ok(())
}

fn cell_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(t) => display_width(t),
        Cell::Date(_) => 15,
        Cell::Yen(_) | Cell::Int(_) => 14,
        Cell::Percent(_) => 7,
        Cell::Empty => 0,
    }
}

fn grow(widths: &mut Vec<usize>, c: usize, w: usize) {
    if widths.len() <= c {
        widths.resize(c + 1, 0);
    }
    widths[c] = widths[c].max(w);
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}
