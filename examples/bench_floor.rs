//! Benchmark floor: the least any tool must do with an export, for bench/run.sh to time
//! beside `hojokin run` and `hojokin check` (see BENCHMARKS.md):
//!
//!     bench_floor FILE.xlsx            # every sheet read whole with calamine (the floor)
//!     bench_floor --stream FILE.xlsx   # every cell streamed, nothing kept
//!
//! The default is the bare read issue 10 measured its floor with: calamine opens the workbook
//! and reads every sheet into a `Range` (`worksheet_range`), then every cell of it is touched
//! (a text's length, a number's bits) so nothing is optimised away. `--stream` streams every
//! cell of every sheet with `Xlsx::worksheet_cells_reader`, as src/ingest/source.rs does, and
//! keeps nothing: the least any reader can do, and so a stricter floor for memory.
//! Whatever hojokin spends beyond these is its own work: parsing, rules, the report.

use std::fs::File;
use std::io::BufReader;

use anyhow::{Context, Result};
use calamine::{Data, DataRef, Reader, Xlsx, open_workbook};

/// A cell's value folded into the checksum.
fn touch(v: &Data) -> u64 {
    match v {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len() as u64,
        Data::Float(f) => f.to_bits(),
        Data::Int(i) => *i as u64,
        Data::DateTime(d) => d.as_f64().to_bits(),
        Data::Bool(b) => u64::from(*b),
        Data::Error(_) | Data::Empty => 0,
    }
}

/// Every sheet read whole into a calamine `Range`, every cell touched.
fn read_ranges(book: &mut Xlsx<BufReader<File>>) -> Result<u64> {
    let mut checksum: u64 = 0;
    for sheet in book.sheet_names() {
        let range = book
            .worksheet_range(&sheet)
            .with_context(|| format!("reading sheet {sheet}"))?;
        let mut cells = 0u64;
        for row in range.rows() {
            for v in row {
                if !matches!(v, Data::Empty) {
                    cells += 1;
                }
                checksum = checksum.wrapping_add(touch(v));
            }
        }
        println!("{sheet}: {} rows, {cells} cells", range.height());
    }
    Ok(checksum)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (stream, path) = match args.as_slice() {
        [flag, path] if flag == "--stream" => (true, path.clone()),
        [path] => (false, path.clone()),
        _ => anyhow::bail!("usage: bench_floor [--stream] FILE.xlsx"),
    };
    let mut book: Xlsx<BufReader<File>> =
        open_workbook(&path).with_context(|| format!("opening {path}"))?;
    if !stream {
        println!("checksum {}", read_ranges(&mut book)?);
        return Ok(());
    }
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
