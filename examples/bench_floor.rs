//! Benchmark floor: the least any tool must do with an export, for bench/run.sh to time
//! beside `hojokin run` and `hojokin check` (see BENCHMARKS.md):
//!
//!     bench_floor FILE.xlsx
//!
//! It opens the workbook with calamine and streams every cell of every sheet with
//! `Xlsx::worksheet_cells_reader`, as src/ingest/source.rs does, touching each value
//! (a text's length, a number's bits) so nothing is optimised away, and keeping nothing.
//! Whatever hojokin spends beyond this is its own work: parsing, rules, the report.

use std::fs::File;
use std::io::BufReader;

use anyhow::{Context, Result};
use calamine::{DataRef, Reader, Xlsx, open_workbook};

fn main() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .context("usage: bench_floor FILE.xlsx")?;
    let mut book: Xlsx<BufReader<File>> =
        open_workbook(&path).with_context(|| format!("opening {path}"))?;
    let mut checksum: u64 = 0;
    for sheet in book.sheet_names() {
        let mut reader = book
            .worksheet_cells_reader(&sheet)
            .with_context(|| format!("reading sheet {sheet}"))?;
        let (mut cells, mut rows, mut last_row) = (0u64, 0u64, None);
        while let Some(cell) = reader.next_cell().context("reading a cell")? {
            let (row, _) = cell.get_position();
            if last_row != Some(row) {
                rows += 1;
                last_row = Some(row);
            }
            cells += 1;
            checksum = checksum.wrapping_add(match cell.get_value() {
                DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                    s.len() as u64
                }
                DataRef::SharedString(s) => s.len() as u64,
                DataRef::Float(f) => f.to_bits(),
                DataRef::Int(i) => *i as u64,
                DataRef::DateTime(d) => d.as_f64().to_bits(),
                DataRef::Bool(b) => u64::from(*b),
                DataRef::Error(_) | DataRef::Empty => 0,
            });
        }
        println!("{sheet}: {rows} rows, {cells} cells");
    }
    println!("checksum {checksum}");
    Ok(())
}
