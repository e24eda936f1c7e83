//! The write floor: the least the chosen writer (rust_xlsxwriter) costs to write the cells
//! hojokin's summary workbook holds, for BENCHMARKS.md's reading of issue 10's time target.
//!
//!     bench_write_floor REPORT.xlsx [OUT.xlsx]
//!
//! REPORT.xlsx is a workbook `hojokin run` wrote. Every sheet of it is read whole with
//! calamine first (not timed). Then, timed, the same cells are written back the cheapest way
//! rust_xlsxwriter allows and the way the report is written: every sheet a constant-memory
//! worksheet, written on two threads (each takes the largest sheet left), texts inline, a
//! number format only on date cells, nothing else (no styles, widths, heights, filters or
//! print set-up), and the zip at the report's own deflate level (`hojokin::ZIP_LEVEL`,
//! so the two cannot drift). It prints the cells written and the seconds the sheets and the zip
//! took.
//!
//! What it bounds: `hojokin run` must read its input (at least the read floor, bench_floor)
//! and write at least these cells; whatever the write floor costs beyond the read floor is
//! cost no rule, layout or cleverness in hojokin can take back while it writes with
//! rust_xlsxwriter.

use std::fs::File;
use std::io::BufReader;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result};
use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use hojokin::ZIP_LEVEL;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Writes one sheet's cells, row by row (a constant-memory sheet takes rows in order).
fn write_sheet(ws: &mut Worksheet, range: &Range<Data>, date: &Format) -> Result<u64, XlsxError> {
    let mut cells = 0u64;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    for (r, row) in range.rows().enumerate() {
        let r = row0 + u32::try_from(r).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            let c = u16::try_from(col0 as usize + c).unwrap_or(u16::MAX);
            match v {
                Data::Empty => continue,
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    ws.write_string(r, c, s)?;
                }
                Data::Float(f) => {
                    ws.write_number(r, c, *f)?;
                }
                #[allow(clippy::cast_precision_loss)]
                Data::Int(i) => {
                    ws.write_number(r, c, *i as f64)?;
                }
                Data::DateTime(d) => {
                    ws.write_number_with_format(r, c, d.as_f64(), date)?;
                }
                Data::Bool(b) => {
                    ws.write_boolean(r, c, *b)?;
                }
                Data::Error(_) => continue,
            }
            cells += 1;
        }
    }
    Ok(cells)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, out) = match args.as_slice() {
        [path] => (path.clone(), "/tmp/bench_write_floor.xlsx".to_string()),
        [path, out] => (path.clone(), out.clone()),
        _ => anyhow::bail!("usage: bench_write_floor REPORT.xlsx [OUT.xlsx]"),
    };
    let mut book: Xlsx<BufReader<File>> =
        open_workbook(&path).with_context(|| format!("opening {path}"))?;
    let mut sheets: Vec<(String, Range<Data>)> = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .with_context(|| format!("reading sheet {name}"))?;
        sheets.push((name, range));
    }
    let started = Instant::now();
    let date = Format::new().set_num_format("yyyy/mm/dd");
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(ZIP_LEVEL);
    wb.register_format(&date);
    for (name, _) in &sheets {
        wb.add_worksheet_with_constant_memory()?.set_name(name)?;
    }
    let mut jobs: Vec<_> = sheets.iter().zip(wb.worksheets_mut().iter_mut()).collect();
    jobs.sort_by_key(|((_, range), _)| range.get_size().0 * range.get_size().1);
    let queue = Mutex::new(jobs);
    let next = || {
        queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop()
    };
    let cells = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut cells = 0u64;
                    while let Some(((_, range), ws)) = next() {
                        cells += write_sheet(ws, range, &date)?;
                    }
                    Ok::<u64, XlsxError>(cells)
                })
            })
            .collect();
        handles.into_iter().try_fold(0u64, |sum, h| {
            let cells = h
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            Ok::<u64, XlsxError>(sum + cells)
        })
    })?;
    let sheets_done = started.elapsed();
    let zip_started = Instant::now();
    wb.save(&out)?;
    let zip_done = zip_started.elapsed();
    println!(
        "{cells} cells on {} sheets: sheets {:.3} s, zip {:.3} s, write {:.3} s",
        sheets.len(),
        sheets_done.as_secs_f64(),
        zip_done.as_secs_f64(),
        (sheets_done + zip_done).as_secs_f64()
    );
    Ok(())
}
