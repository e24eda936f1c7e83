//! Opening an export and walking its rows, whatever the file format.
//!
//! Rows are handed to a visitor one at a time as sparse `(column, value)`
//! lists, so a sheet is never held as a dense grid: xlsx/xlsm sheets are
//! streamed cell by cell with calamine's cell reader, which matters when an
//! export has a stray cell at XFD1048576. xls, xlsb and ods are read with
//! calamine's ranges (those readers have no streaming API); CSV is decoded
//! whole (UTF-8 with or without BOM, else Shift_JIS/CP932) and then streamed.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use calamine::{Data, DataRef, Reader, Sheets, Xlsx, open_workbook_auto};

use super::raw::Raw;

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
    },
    Csv {
        path: PathBuf,
        /// The sheet name shown to staff: the file's stem.
        name: String,
        text: String,
    },
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").field("path", &self.path()).finish()
    }
}

/// Runs a reader call, turning a panic inside a third-party reader into an
/// error naming the file: no input, however broken, may take the run down.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, SourceError>) -> Result<T, SourceError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
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
            let text = decode_text(&bytes).ok_or_else(|| SourceError::Csv {
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
            let sheets = open_workbook_auto(path).map_err(|e| SourceError::Workbook {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            Ok(Book::Excel {
                path: path.to_path_buf(),
                sheets: Box::new(sheets),
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
        if !self.sheet_names().iter().any(|s| s == sheet) {
            return Err(SourceError::NoSheet {
                path: self.path().to_path_buf(),
                sheet: sheet.to_string(),
                available: self.sheet_names().join("、"),
            });
        }
        let path = self.path().to_path_buf();
        match self {
            Book::Csv { text, .. } => visit_csv(&path, text, visit),
            Book::Excel { sheets, .. } => guarded(&path, || match sheets.as_mut() {
                Sheets::Xlsx(xlsx) => visit_xlsx(&path, xlsx, sheet, visit),
                other => {
                    let range =
                        other
                            .worksheet_range(sheet)
                            .map_err(|e| SourceError::Workbook {
                                path: path.clone(),
                                message: e.to_string(),
                            })?;
                    visit_range(&range, visit);
                    Ok(())
                }
            }),
        }
    }
}

/// An I/O error in words staff read; the OS's own text for the rare rest.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "ファイルがありません".into(),
        std::io::ErrorKind::PermissionDenied => "読み取る権限がありません".into(),
        std::io::ErrorKind::IsADirectory => "ファイルではなくフォルダです".into(),
        _ => e.to_string(),
    }
}

/// Decodes CSV bytes: UTF-8 (BOM stripped) when valid, else Shift_JIS as
/// Windows and Excel write it (encoding_rs's Shift_JIS is the CP932 superset).
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn visit_csv(
    path: &Path,
    text: &str,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<(), SourceError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The csv crate's record positions start before the previous line's
    // terminator (and any blank lines), so the line is counted here from the
    // record's first byte: a cell reference such as D7 then points at the
    // 7th line, CRLF, blank lines and quoted multi-line fields included.
    let bytes = text.as_bytes();
    let mut counted_to = 0usize;
    let mut line = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| SourceError::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            line += bytes[counted_to..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted_to = start;
        }
        let index = u32::try_from(line).unwrap_or(u32::MAX);
        let cells: Vec<(u32, Raw)> = record
            .iter()
            .enumerate()
            .filter(|(_, field)| !field.is_empty())
            .map(|(col, field)| {
                (
                    u32::try_from(col).unwrap_or(u32::MAX),
                    Raw::Text(field.to_string()),
                )
            })
            .collect();
        if let Some(row) = non_blank(index, cells)
            && visit(row).is_break()
        {
            break;
        }
    }
    Ok(())
}

fn visit_xlsx(
    path: &Path,
    xlsx: &mut Xlsx<BufReader<File>>,
    sheet: &str,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<(), SourceError> {
    let err = |e: calamine::XlsxError| SourceError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(err)?;
    let mut current: Option<u32> = None;
    let mut cells: Vec<(u32, Raw)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(err)? {
        let (row, col) = cell.get_position();
        if current != Some(row) {
            if let Some(done) = current
                && let Some(r) = non_blank(done, std::mem::take(&mut cells))
                && visit(r).is_break()
            {
                return Ok(());
            }
            current = Some(row);
        }
        let raw = from_data_ref(cell.get_value());
        if raw != Raw::Empty {
            cells.push((col, raw));
        }
    }
    if let Some(done) = current
        && let Some(r) = non_blank(done, cells)
    {
        let _ = visit(r);
    }
    Ok(())
}

fn visit_range(range: &calamine::Range<Data>, visit: &mut dyn FnMut(Row) -> ControlFlow<()>) {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    for (i, values) in range.rows().enumerate() {
        let index = row0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        let cells: Vec<(u32, Raw)> = values
            .iter()
            .enumerate()
            .map(|(c, v)| {
                (
                    col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
                    from_data(v),
                )
            })
            .filter(|(_, raw)| *raw != Raw::Empty)
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

fn from_data_ref(v: &DataRef<'_>) -> Raw {
    match v {
        DataRef::Int(i) => Raw::Text(i.to_string()),
        DataRef::Float(f) => Raw::Number(*f),
        DataRef::String(s) => Raw::Text(s.clone()),
        DataRef::SharedString(s) => Raw::Text((*s).to_string()),
        DataRef::Bool(b) => Raw::Bool(*b),
        DataRef::DateTime(d) => Raw::DateTime(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Raw::DateIso(s.clone()),
        DataRef::Error(e) => Raw::Error(e.to_string()),
        DataRef::Empty => Raw::Empty,
    }
}

fn from_data(v: &Data) -> Raw {
    match v {
        Data::Int(i) => Raw::Text(i.to_string()),
        Data::Float(f) => Raw::Number(*f),
        Data::String(s) => Raw::Text(s.clone()),
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(d) => Raw::DateTime(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::DateIso(s.clone()),
        Data::Error(e) => Raw::Error(e.to_string()),
        Data::Empty => Raw::Empty,
    }
}

/// The A1 reference of a 0-based (row, column).
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut s: String = letters.into_iter().collect();
    s.push_str(&(u64::from(row) + 1).to_string());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        for (row, col, want) in [
            (0, 0, "A1"),
            (6, 3, "D7"),
            (0, 25, "Z1"),
            (0, 26, "AA1"),
            (0, 701, "ZZ1"),
            (0, 702, "AAA1"),
            (1_048_575, 16_383, "XFD1048576"),
        ] {
            assert_eq!(a1(row, col), want);
        }
    }

    #[test]
    fn decodes_utf8_with_bom_and_shift_jis() {
        assert_eq!(
            decode_text("\u{FEFF}申請番号".as_bytes()).unwrap(),
            "申請番号"
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("申請番号,髙橋,①");
        assert_eq!(decode_text(&sjis).unwrap(), "申請番号,髙橋,①");
        assert!(decode_text(&[0x82, 0xFF, 0xFF, 0x80]).is_none());
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    fn rows_of(text: &str) -> Vec<Row> {
        let mut rows = Vec::new();
        visit_csv(Path::new("t.csv"), text, &mut |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn csv_rows_are_numbered_by_their_line() {
        for text in [
            "h1,h2\r\na,b\r\n\r\nc,d\r\n",
            "h1,h2\na,b\n\nc,d\n",
            "h1,h2\na,b\n,\nc,d",
        ] {
            let rows = rows_of(text);
            let idx: Vec<u32> = rows.iter().map(|r| r.index).collect();
            assert_eq!(idx, vec![0, 1, 3], "{text:?}");
        }
        let rows = rows_of("h1,h2\n\"multi\nline\",x\nc,d\n");
        let idx: Vec<u32> = rows.iter().map(|r| r.index).collect();
        assert_eq!(idx, vec![0, 1, 3]);
        assert_eq!(rows[1].get(0), &Raw::Text("multi\nline".into()));
    }
}
