//! Opening an export and walking its rows, whatever the file format.
//!
//! Rows are handed to a visitor one at a time as sparse `(column, value)`
//! lists, so a sheet is never held as a dense grid: xlsx/xlsm sheets are
//! streamed cell by cell with calamine's cell reader, which matters when an
//! export has a stray cell at XFD1048576; xlsb likewise. xls and ods are
//! read with calamine's ranges (those readers have no streaming API), after
//! [`super::guard`] has checked that the grids they build fit. CSV is decoded
//! whole (UTF-8 with or without BOM, else Shift_JIS/CP932), a bad byte marking
//! only its own cell, and then streamed.
//!
//! Every reader call runs under `guarded`: a panic inside a reader becomes
//! one sentence naming the file, and prints nothing on stderr unless
//! `RUST_BACKTRACE` asks for it.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;

use calamine::{Data, DataRef, Reader, Sheets, Xlsb, Xlsx, open_workbook_auto};

use super::raw::{Raw, clip};

mod csv_file;
use csv_file::visit_csv;
pub(crate) use csv_file::{Decoded, decode_csv};

/// Why a file could not be read at all (exit status 2), naming the file.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: ファイルを開けません: {message}")]
    Open { path: PathBuf, message: String },
    #[error(
        "{path}: Excel ブックとして読めません（壊れているか、対応していない形式です）: {message}"
    )]
    Workbook { path: PathBuf, message: String },
    #[error("{path}: シート「{sheet}」がありません（あるシート: {available}）")]
    NoSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path}: ファイルが空です")]
    Empty { path: PathBuf },
    #[error("{path}: CSV として読めません: {message}")]
    Csv { path: PathBuf, message: String },
    /// Refused before any reader saw it: what the file declares about its
    /// own size cannot be true, or would not fit in memory.
    #[error(
        "{path}: {reason}（壊れたファイルのおそれがあるため、Excel で開いて保存し直してください）"
    )]
    Refused { path: PathBuf, reason: String },
}

/// One row as the visitor sees it: 0-based row index and the non-empty cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<(u32, Raw)>,
}

impl Row {
    /// The value in a 0-based column, `Raw::Empty` when absent.
    pub fn get(&self, col: u32) -> &Raw {
        static EMPTY: Raw = Raw::Empty;
        self.cells
            .iter()
            .find(|(c, _)| *c == col)
            .map_or(&EMPTY, |(_, v)| v)
    }
}

/// An opened export.
pub enum Book {
    Excel {
        path: PathBuf,
        sheets: Box<Sheets<BufReader<File>>>,
        /// The workbook counts dates from 1904-01-01 (Excel for Mac's old
        /// default, `<workbookPr date1904="1"/>`): its serials are 1,462
        /// days smaller than the same dates in the 1900 system.
        date1904: bool,
    },
    Csv {
        path: PathBuf,
        /// The sheet name shown to staff: the file's stem.
        name: String,
        text: Decoded,
    },
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").field("path", &self.path()).finish()
    }
}

thread_local! {
    /// Set while a reader call runs on this thread, so the panic hook knows
    /// a panic there is caught and reported as a sentence.
    static IN_READER: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent for panics inside reader
/// calls (they are caught and reported by [`guarded`]) unless
/// `RUST_BACKTRACE` is set; every other panic goes to the previous hook.
fn quiet_reader_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let asked = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
            if asked || !IN_READER.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The text of a panic's payload, on one short line.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let line = text.lines().next().unwrap_or_default();
    clip(line, 120).into_owned()
}

/// Runs a reader call, turning a panic inside a third-party reader into an
/// error naming the file: no input, however broken, may take the run down.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, SourceError>) -> Result<T, SourceError> {
    quiet_reader_panics();
    let outer = IN_READER.with(|r| r.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_READER.with(|r| r.set(outer));
    result.unwrap_or_else(|payload| {
        // The panic's own (English) text is for developers: in the log,
        // not in the sentence staff read.
        tracing::debug!(
            file = %path.display(),
            panic = %panic_text(payload.as_ref()),
            "reader panicked"
        );
        Err(SourceError::Workbook {
            path: path.to_path_buf(),
            message: "読み取り中に内部エラーが発生しました".into(),
        })
    })
}

impl Book {
    /// Opens a workbook or CSV by its extension (.xlsx .xlsm .xls .xlsb .ods .csv).
    pub fn open(path: &Path) -> Result<Book, SourceError> {
        let meta = std::fs::metadata(path).map_err(|e| SourceError::Open {
            path: path.to_path_buf(),
            message: io_reason(&e),
        })?;
        if meta.len() == 0 {
            return Err(SourceError::Empty {
                path: path.to_path_buf(),
            });
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if ext == "csv" || ext == "txt" {
            let mut bytes = Vec::new();
            File::open(path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| SourceError::Open {
                    path: path.to_path_buf(),
                    message: io_reason(&e),
                })?;
            let text = decode_csv(&bytes).ok_or_else(|| SourceError::Csv {
                path: path.to_path_buf(),
                message: "文字コードが UTF-8 でも Shift_JIS でもありません".into(),
            })?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Ok(Book::Csv {
                path: path.to_path_buf(),
                name,
                text,
            });
        }
        guarded(path, || {
            let started = std::time::Instant::now();
            let sheets = super::guard::preflight_then(path, || open_workbook_auto(path))
                .map_err(|reason| SourceError::Refused {
                    path: path.to_path_buf(),
                    reason,
                })?
                .map_err(|e| SourceError::Workbook {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            tracing::debug!(
                file = %path.display(),
                ms = started.elapsed().as_millis(),
                "guarded and opened"
            );
            let date1904 = match &sheets {
                Sheets::Xlsx(x) => x.has_1904_epoch(),
                Sheets::Xls(x) => x.has_1904_epoch(),
                Sheets::Xlsb(x) => x.has_1904_epoch(),
                Sheets::Ods(_) => false,
            };
            Ok(Book::Excel {
                path: path.to_path_buf(),
                sheets: Box::new(sheets),
                date1904,
            })
        })
    }

    pub fn path(&self) -> &Path {
        match self {
            Book::Excel { path, .. } | Book::Csv { path, .. } => path,
        }
    }

    pub fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Excel { sheets, .. } => sheets.sheet_names(),
            Book::Csv { name, .. } => vec![name.clone()],
        }
    }

    /// Hands each non-blank row of `sheet` to `visit`, in order, until it
    /// returns `Break`.
    pub fn visit_rows(
        &mut self,
        sheet: &str,
        visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
    ) -> Result<(), SourceError> {
        self.visit_rows_sized(sheet, &mut |_| {}, visit)
    }

    /// [`Book::visit_rows`], first telling `rows` how many rows the sheet
    /// says it spans (an xlsx's `<dimension>`, at most Excel's 1,048,576),
    /// when it says, so the reader of a large sheet can size its records
    /// once. Only a hint: nothing relies on the file telling the truth.
    pub fn visit_rows_sized(
        &mut self,
        sheet: &str,
        rows: &mut dyn FnMut(usize),
        visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
    ) -> Result<(), SourceError> {
        if !self.sheet_names().iter().any(|s| s == sheet) {
            return Err(SourceError::NoSheet {
                path: self.path().to_path_buf(),
                sheet: sheet.to_string(),
                available: self.sheet_names().join("、"),
            });
        }
        let path = self.path().to_path_buf();
        match self {
            Book::Csv { text, .. } => guarded(&path, || visit_csv(&path, text, visit)),
            Book::Excel {
                sheets, date1904, ..
            } => {
                let cell = Convert {
                    date1904: *date1904,
                };
                guarded(&path, || match sheets.as_mut() {
                    Sheets::Xlsx(xlsx) => visit_xlsx(&path, xlsx, sheet, cell, rows, visit),
                    Sheets::Xlsb(xlsb) => visit_xlsb(&path, xlsb, sheet, cell, visit),
                    other => {
                        let range =
                            other
                                .worksheet_range(sheet)
                                .map_err(|e| SourceError::Workbook {
                                    path: path.clone(),
                                    message: e.to_string(),
                                })?;
                        visit_range(&range, cell, visit);
                        Ok(())
                    }
                })
            }
        }
    }
}

/// An I/O error in words staff read; the OS's own text for the rare rest.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "ファイルがありません".into(),
        std::io::ErrorKind::PermissionDenied => "読み取る権限がありません".into(),
        std::io::ErrorKind::IsADirectory => "ファイルではなくフォルダです".into(),
        _ => e.to_string(),
    }
}

/// How reader values become [`Raw`] for one workbook.
#[derive(Debug, Clone, Copy)]
struct Convert {
    date1904: bool,
}

/// Days from 1900-system serials to 1904-system ones (1900-01-01 .. 1904-01-01,
/// with Excel's phantom 1900-02-29).
const DAYS_1904: f64 = 1462.0;

impl Convert {
    /// A date serial in the 1900 system, whatever system the book uses.
    #[allow(clippy::float_arithmetic)]
    fn serial(self, v: f64) -> f64 {
        if self.date1904 { v + DAYS_1904 } else { v }
    }

    fn data_ref(self, v: &DataRef<'_>) -> Raw {
        match v {
            DataRef::Int(i) => Raw::Text(i.to_string()),
            DataRef::Float(f) => Raw::Number(*f),
            DataRef::String(s) => Raw::text(s.clone()),
            DataRef::SharedString(s) => Raw::text((*s).to_string()),
            DataRef::Bool(b) => Raw::Bool(*b),
            DataRef::DateTime(d) => Raw::DateTime(self.serial(d.as_f64())),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Raw::DateIso(s.clone()),
            DataRef::Error(e) => Raw::Error(e.to_string()),
            DataRef::Empty => Raw::Empty,
        }
    }

    fn data(self, v: &Data) -> Raw {
        match v {
            Data::Int(i) => Raw::Text(i.to_string()),
            Data::Float(f) => Raw::Number(*f),
            Data::String(s) => Raw::text(s.clone()),
            Data::Bool(b) => Raw::Bool(*b),
            Data::DateTime(d) => Raw::DateTime(self.serial(d.as_f64())),
            Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::DateIso(s.clone()),
            Data::Error(e) => Raw::Error(e.to_string()),
            Data::Empty => Raw::Empty,
        }
    }
}

/// Groups cells arriving in row order into rows for the visitor.
struct RowBuilder<'v> {
    current: Option<u32>,
    cells: Vec<(u32, Raw)>,
    visit: &'v mut dyn FnMut(Row) -> ControlFlow<()>,
}

impl<'v> RowBuilder<'v> {
    fn new(visit: &'v mut dyn FnMut(Row) -> ControlFlow<()>) -> Self {
        RowBuilder {
            current: None,
            cells: Vec::new(),
            visit,
        }
    }

    /// Adds a cell; `Break` when the visitor wants no more rows.
    fn push(&mut self, row: u32, col: u32, raw: Raw) -> ControlFlow<()> {
        if self.current != Some(row) {
            self.flush()?;
            self.current = Some(row);
        }
        if raw != Raw::Empty {
            self.cells.push((col, raw));
        }
        ControlFlow::Continue(())
    }

    fn flush(&mut self) -> ControlFlow<()> {
        // The next row most likely has as many cells: room for them up front
        // instead of growing the vector cell by cell.
        let room = self.cells.len();
        if let Some(done) = self.current.take()
            && let Some(r) = non_blank(
                done,
                std::mem::replace(&mut self.cells, Vec::with_capacity(room)),
            )
        {
            return (self.visit)(r);
        }
        ControlFlow::Continue(())
    }
}

/// Rows in an Excel sheet: the most a sheet's `<dimension>` is believed.
const EXCEL_MAX_ROWS: usize = 1_048_576;

/// The reason for a formula saved without its result (as libraries write
/// workbooks for Excel to calculate on opening): its value is unknown here.
const NO_CACHED_RESULT: &str = "数式の計算結果が保存されていないため値が分かりません（Excel で開いて保存し直すと計算結果が保存されます）";

fn visit_xlsx(
    path: &Path,
    xlsx: &mut Xlsx<BufReader<File>>,
    sheet: &str,
    convert: Convert,
    size: &mut dyn FnMut(usize),
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<(), SourceError> {
    let err = |e: calamine::XlsxError| SourceError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(err)?;
    let spans = reader.dimensions();
    if spans.end.0 >= spans.start.0 {
        let rows = (spans.end.0 - spans.start.0).saturating_add(1);
        size(usize::try_from(rows).unwrap_or(0).min(EXCEL_MAX_ROWS));
    }
    let mut rows = RowBuilder::new(visit);
    // The metadata variant, not `next_cell_with_formula`: it tells a formula
    // saved without its result from an empty cell in the same pass, and it
    // does not expand shared formulas (the expanding one grows a vector to
    // whatever shared index `si` a file declares).
    while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(err)? {
        let (row, col) = cell.pos;
        let raw = match (&cell.value, &cell.formula) {
            (DataRef::Empty, Some(formula)) => Raw::Fault {
                reason: NO_CACHED_RESULT.to_string(),
                shown: match formula {
                    calamine::XlsxFormulaMetadata::Normal { formula }
                    | calamine::XlsxFormulaMetadata::Shared { formula, .. } => {
                        clip(&format!("={formula}"), 100).into_owned()
                    }
                    _ => "（数式）".to_string(),
                },
            },
            (value, _) => convert.data_ref(value),
        };
        if rows.push(row, col, raw).is_break() {
            return Ok(());
        }
    }
    let _ = rows.flush();
    Ok(())
}

/// xlsb sheets stream like xlsx ones: calamine's xlsb range is dense.
fn visit_xlsb(
    path: &Path,
    xlsb: &mut Xlsb<BufReader<File>>,
    sheet: &str,
    convert: Convert,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<(), SourceError> {
    let err = |e: calamine::XlsbError| SourceError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = xlsb.worksheet_cells_reader(sheet).map_err(err)?;
    let mut rows = RowBuilder::new(visit);
    while let Some(cell) = reader.next_cell().map_err(err)? {
        let (row, col) = cell.get_position();
        if rows
            .push(row, col, convert.data_ref(cell.get_value()))
            .is_break()
        {
            return Ok(());
        }
    }
    let _ = rows.flush();
    Ok(())
}

fn visit_range(
    range: &calamine::Range<Data>,
    convert: Convert,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    for (i, values) in range.rows().enumerate() {
        let index = row0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        let cells: Vec<(u32, Raw)> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| !matches!(v, Data::Empty))
            .map(|(c, v)| {
                (
                    col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
                    convert.data(v),
                )
            })
            .collect();
        if let Some(row) = non_blank(index, cells)
            && visit(row).is_break()
        {
            return;
        }
    }
}

fn non_blank(index: u32, cells: Vec<(u32, Raw)>) -> Option<Row> {
    (!cells.iter().all(|(_, v)| v.is_blank())).then_some(Row { index, cells })
}
