//! Benchmark baseline: the naive way to read an export, for bench/run.sh to time
//! beside `hojokin check` (see BENCHMARKS.md):
//!
//!     bench_baseline_dense FILE [SHEET]
//!
//! calamine's `open_workbook_auto` + `worksheet_range` builds a dense `Range` of the
//! sheet's whole used area, then the non-empty rows are counted. On a sheet with one
//! stray cell at XFD1048576 that area is 16,384 × 1,048,576 cells, which is what the
//! streaming reader in src/ingest/source.rs exists to avoid.

use anyhow::{Context, Result};
use calamine::{Data, Reader, open_workbook_auto};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .context("usage: bench_baseline_dense FILE [SHEET]")?;
    let mut book = open_workbook_auto(&path).with_context(|| format!("opening {path}"))?;
    let sheet = match args.next() {
        Some(s) => s,
        None => book
            .sheet_names()
            .first()
            .cloned()
            .context("the workbook has no sheet")?,
    };
    let range = book
        .worksheet_range(&sheet)
        .with_context(|| format!("reading sheet {sheet}"))?;
    let rows = range
        .rows()
        .filter(|row| row.iter().any(|c| !matches!(c, Data::Empty)))
        .count();
    let (h, w) = range.get_size();
    println!("{path}: {sheet}: {rows} non-empty rows (dense range {h} x {w})");
    Ok(())
}
