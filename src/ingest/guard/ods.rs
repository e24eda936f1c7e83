//! content.xml of an .ods: the dense grids calamine will build at open.
//!
//! calamine expands `table:number-rows-repeated` and
//! `table:number-columns-repeated` and lays each table out from its first
//! to its last non-empty cell, for values and formulas both; one cell at
//! XFD6001 next to a header at A1 is 98 million cells (6 GB). This walks
//! the same elements and adds up those grids before calamine does.

use std::io::Read;

use super::MAX_LOADED_CELLS;
use super::xml::{self, Refusal, Token};

/// calamine's own caps on an ODS table.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

#[derive(Debug, Default)]
struct Table {
    /// Rows so far, repeats expanded (capped as calamine caps them).
    rows: u64,
    /// (first row index, repeats) of the first and last non-empty rows.
    first_row: Option<u64>,
    last_row_end: u64,
    col_min: u64,
    col_max: u64,
    /// Cells calamine pushes before laying out: each row up to its last
    /// non-empty cell.
    pushed: u64,
}

#[derive(Debug, Default)]
struct Row {
    repeats: u64,
    cols: u64,
    first: Option<u64>,
    last_end: u64,
}

#[derive(Debug, Default)]
struct Cell {
    repeats: u64,
    filled: bool,
}

/// What an open element is, so its end tag closes the right thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Table,
    Row,
    Cell,
    Other,
}

#[derive(Debug, Default)]
struct Walk {
    stack: Vec<Kind>,
    table: Option<Table>,
    row: Option<Row>,
    cell: Option<Cell>,
    /// Cells of all finished tables.
    loaded: u64,
}

/// A repeat attribute; calamine refuses what does not parse, and so do we.
fn repeats(raw: &[u8], name: &[u8]) -> Result<u64, String> {
    let Some(v) = xml::attr(raw, name) else {
        return Ok(1);
    };
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return Err(format!(
            "繰り返し数（{}）が数字ではありません",
            String::from_utf8_lossy(name)
        ));
    }
    Ok(std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(u64::MAX))
}

impl Walk {
    /// A start tag; the scanner sends an end for empty elements too.
    fn start(&mut self, name: &[u8], raw: &[u8], cut: bool) -> Result<(), String> {
        let kind = self.open(name, raw, cut)?;
        self.stack.push(kind);
        Ok(())
    }

    fn open(&mut self, name: &[u8], raw: &[u8], cut: bool) -> Result<Kind, String> {
        if let Some(cell) = &mut self.cell {
            // Anything inside a cell (a paragraph, an annotation) may hold
            // a value: counted as filled, which only errs on the safe side.
            cell.filled = true;
            return Ok(Kind::Other);
        }
        if cut {
            return Err("表の要素が長すぎます".into());
        }
        Ok(match name {
            b"table:table" if self.table.is_none() => {
                self.table = Some(Table::default());
                Kind::Table
            }
            b"table:table-row" if self.table.is_some() && self.row.is_none() => {
                let n = repeats(raw, b"table:number-rows-repeated")?;
                let done = self.table.as_ref().map_or(0, |t| t.rows);
                self.row = Some(Row {
                    repeats: n.min(MAX_ROWS.saturating_sub(done)),
                    ..Row::default()
                });
                Kind::Row
            }
            b"table:table-cell" | b"table:covered-table-cell" if self.row.is_some() => {
                let n = repeats(raw, b"table:number-columns-repeated")?;
                let filled = xml::attr(raw, b"office:value-type").is_some()
                    || xml::attr(raw, b"table:formula").is_some_and(|f| !f.is_empty());
                self.cell = Some(Cell { repeats: n, filled });
                Kind::Cell
            }
            _ => Kind::Other,
        })
    }

    fn end(&mut self) -> Result<(), String> {
        match self.stack.pop() {
            Some(Kind::Cell) => self.end_cell(),
            Some(Kind::Row) => self.end_row(),
            Some(Kind::Table) => {
                if let Some(t) = self.table.take() {
                    self.end_table(&t)?;
                }
            }
            Some(Kind::Other) | None => {}
        }
        Ok(())
    }

    fn text(&mut self) {
        if let Some(cell) = &mut self.cell {
            cell.filled = true;
        }
    }

    fn end_cell(&mut self) {
        let (Some(cell), Some(row)) = (self.cell.take(), self.row.as_mut()) else {
            return;
        };
        let n = cell.repeats.min(MAX_COLUMNS.saturating_sub(row.cols));
        if cell.filled && n > 0 {
            row.first.get_or_insert(row.cols);
            row.last_end = row.cols + n;
        }
        row.cols = (row.cols + n).min(MAX_COLUMNS);
    }

    fn end_row(&mut self) {
        let (Some(row), Some(t)) = (self.row.take(), self.table.as_mut()) else {
            return;
        };
        if let Some(first) = row.first {
            if t.first_row.is_none() {
                t.first_row = Some(t.rows);
                t.col_min = first;
            }
            t.col_min = t.col_min.min(first);
            t.col_max = t.col_max.max(row.last_end);
            t.last_row_end = t.rows + row.repeats.max(1);
            t.pushed = t.pushed.saturating_add(row.last_end);
        }
        t.rows = (t.rows + row.repeats).min(MAX_ROWS);
    }

    fn end_table(&mut self, t: &Table) -> Result<(), String> {
        let Some(first) = t.first_row else {
            return Ok(());
        };
        let dense = (t.last_row_end - first).saturating_mul(t.col_max - t.col_min);
        let cells = dense.saturating_add(t.pushed);
        self.loaded = self.loaded.saturating_add(cells);
        if self.loaded > MAX_LOADED_CELLS {
            return Err(format!(
                "表の使用範囲が{dense}セル（{}行×{}列）あり、読み込める上限（{MAX_LOADED_CELLS}セル）を超えています",
                t.last_row_end - first,
                t.col_max - t.col_min
            ));
        }
        Ok(())
    }
}

/// Checks content.xml.
pub(super) fn check(entry: &mut dyn Read) -> Result<(), Refusal> {
    let mut walk = Walk::default();
    xml::scan(entry, &mut |t| match t {
        Token::Start { name, raw, cut, .. } => walk.start(name, raw, cut),
        Token::End => walk.end(),
        Token::Text => {
            walk.text();
            Ok(())
        }
    })?;
    Ok(())
}
