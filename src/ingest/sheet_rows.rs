//! One sheet's rows below its header, read on one thread and converted on
//! another (see [`read_rows`]).

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};

use super::file_label;
use super::header::HeaderMap;
use super::rows::{Cells, ProgramMemo, SheetRef};
use super::source::{Book, Row, SourceError};
use crate::model::InputError;
use crate::progress::Progress;
use crate::text::SharedStr;

/// The rows of one sheet after its header, converted by `convert`.
pub(super) struct SheetRows<T> {
    pub(super) records: Vec<T>,
    pub(super) errors: Vec<InputError>,
    /// Values read leniently on rows that were kept (or rejected for another cell).
    pub(super) warnings: Vec<InputError>,
    pub(super) rows: usize,
}

/// Rows handed from the reading thread to the converting one at a time.
const BATCH_ROWS: usize = 512;
/// Batches read ahead of the converter, at most: bounds the rows in flight
/// (a few MB) when conversion is the slower side.
const BATCHES_AHEAD: usize = 8;

/// Converts every row below the header with `convert`, in order. The sheet
/// is read on this thread and converted on a second one: reading (unzip,
/// XML, shared strings) and converting (normalising, parsing 和暦 and yen,
/// the catalogue) each take about half of a sheet's time, so on two cores
/// they overlap instead of adding up (BENCHMARKS.md, "Where parallelism
/// pays").
pub(super) fn read_rows<T: Send>(
    book: &mut Book,
    sheet: &str,
    header: &HeaderMap,
    convert: &mut (dyn FnMut(&mut Cells<'_>) -> Option<T> + Send),
) -> Result<SheetRows<T>, SourceError> {
    // Named once, shared by the origin of every row of the sheet.
    let file = SharedStr::from(file_label(book.path()));
    let sheet = SharedStr::from(sheet);
    let progress = crate::progress::rows_spinner(&format!("{file} {sheet}"));
    let (batches, arriving) = std::sync::mpsc::sync_channel::<Vec<Row>>(BATCHES_AHEAD);
    // The rows the sheet says it spans, told before its first row is sent
    // (the channel orders the two).
    let spans = AtomicUsize::new(0);
    let named = (&file, &sheet, header);
    let (read, mut out) = crate::parallel::both(
        || send_rows(book, &sheet, &spans, batches),
        || convert_rows(arriving, named, &spans, &progress, convert),
    );
    progress.finish();
    // The records live for the whole night: nothing spare kept when the
    // sheet's `<dimension>` overstated it or was missing (then pushed
    // one by one, up to half the vector would be spare).
    out.records.shrink_to_fit();
    read.map(|()| out)
}

/// Reads the sheet's rows into `batches`, having told `spans` how many rows
/// the sheet says it has. Dropping `batches` at the end tells the converter
/// its last batch has come.
fn send_rows(
    book: &mut Book,
    sheet: &str,
    spans: &AtomicUsize,
    batches: SyncSender<Vec<Row>>,
) -> Result<(), SourceError> {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let size = &mut |rows| spans.store(rows, Ordering::Relaxed);
    let read = book.visit_rows_sized(sheet, size, &mut |row: Row| {
        batch.push(row);
        if batch.len() == BATCH_ROWS {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            // Only fails when the converter is gone, i.e. it panicked:
            // stop reading; the join passes its panic on.
            if batches.send(full).is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if !batch.is_empty() {
        let _ = batches.send(batch);
    }
    read
}

/// Converts the rows of the sheet (`file`, `sheet`, `header`) arriving in
/// batches, in order: the data rows below the header, each with `convert`,
/// keeping its records, errors and warnings.
fn convert_rows<T>(
    arriving: Receiver<Vec<Row>>,
    (file, sheet, header): (&SharedStr, &SharedStr, &HeaderMap),
    spans: &AtomicUsize,
    progress: &Progress,
    convert: &mut dyn FnMut(&mut Cells<'_>) -> Option<T>,
) -> SheetRows<T> {
    let programs = ProgramMemo::default();
    let at = SheetRef {
        file,
        sheet,
        header,
        programs: &programs,
    };
    let mut out = SheetRows {
        records: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        rows: 0,
    };
    for (i, row) in arriving.into_iter().flatten().enumerate() {
        if i == 0 {
            let rows = spans
                .load(Ordering::Relaxed)
                .saturating_sub(header.row as usize + 1);
            // `try_`: a sheet whose `<dimension>` claims a million rows it
            // does not have must not abort the night when the room cannot
            // be had; the vector then just grows.
            let _ = out.records.try_reserve_exact(rows);
        }
        // Rows above the header, and rows with text only in columns this
        // dataset ignores (a footnote, a stray cell far to the right), are
        // not data rows.
        if row.index <= header.row || header.columns.values().all(|(_, c)| row.get(*c).is_blank()) {
            continue;
        }
        out.rows += 1;
        progress.inc(1);
        let mut cells = Cells::new(at, &row);
        if let Some(record) = convert(&mut cells) {
            out.records.push(record);
        }
        out.errors.append(&mut cells.errors);
        out.warnings.append(&mut cells.warnings);
    }
    out
}
