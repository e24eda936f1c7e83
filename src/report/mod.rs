//! The summary workbook staff open each morning.
//!
//! Every sheet is a [`table::Table`] built by a small function from one
//! stage's output ([`sheets`]), except 概要 ([`overview`]), which is a stack of
//! small sections. The workbook is written to a temporary file beside the
//! target and renamed, so a reader never sees half of it ([`atomic`]).

pub(crate) mod atomic;
pub(crate) mod cell;
pub(crate) mod cell_writer;
pub(crate) mod column_style;
pub(crate) mod compose;
pub(crate) mod contacts;
pub(crate) mod highlight;
pub(crate) mod history;
pub(crate) mod overview;
pub(crate) mod print;
pub(crate) mod row_heights;
pub(crate) mod rows;
pub(crate) mod sheet;
pub(crate) mod sheets;
pub(crate) mod style;
pub(crate) mod table;
pub(crate) mod totals_sheets;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};

use overview::Overview;
use print::PrintMeta;
pub use sheet::Sheet;
use style::Styles;
use table::Table;

/// How many threads write the sheets: the machine's cores, at most 4 (the
/// report has four large sheets).
fn writers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Why the report could not be written (exit status 2), naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("集計ブック {path} を作成できません: {message}")]
    Build { path: PathBuf, message: String },
    #[error("集計ブック {path} を書き込めません: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "集計ブックの出力先 {path} は{kind}のため書き込めません。ジョブファイルの [report] path にファイルのパスを指定してください。"
    )]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error(
        "集計ブックの出力先 {path} はこのジョブが読む {input} と同じファイルです。入力を上書きしないよう、ジョブファイルの [report] path に別のパスを指定してください。"
    )]
    IsInput { path: PathBuf, input: PathBuf },
}

/// Everything the workbook shows: its large sheets' rows are made from the
/// run's results as they are written (see [`rows::Rows`]), hence `'a`.
#[derive(Debug)]
pub struct Report<'a> {
    pub overview: Overview,
    pub tables: Vec<Table<'a>>,
    /// Page header of every sheet and the document's properties.
    pub meta: PrintMeta,
}

/// The deflate level of the workbook's zip: 1, the fastest. Measured on the
/// 200,000-application benchmark (BENCHMARKS.md, "Compression"): level 6,
/// the zip default, was 12 % of the whole run; level 1 is 3 %, for a file
/// about 1.7 times larger (57 MB instead of about 33 MB at 200,000). A
/// trade the city may choose otherwise: level 3 would be about 39 MB for
/// a few seconds more.
pub const ZIP_LEVEL: u8 = 1;

impl Report<'_> {
    /// The workbook as bytes in memory (tests, and callers that want the
    /// bytes); [`Report::write`] streams it into its file instead.
    pub fn to_bytes(&self) -> Result<Vec<u8>, XlsxError> {
        self.to_bytes_on(writers())
    }

    /// [`Report::to_bytes`] with `threads` writers (the tests compare counts).
    fn to_bytes_on(&self, threads: usize) -> Result<Vec<u8>, XlsxError> {
        self.to_bytes_with(threads, true)
    }

    /// `bare`: cells may be written through their column's format
    /// ([`column_style`]); the tests compare the two ways.
    fn to_bytes_with(&self, threads: usize, bare: bool) -> Result<Vec<u8>, XlsxError> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        self.save_on(threads, bare, &mut bytes)?;
        Ok(bytes.into_inner())
    }

    /// Builds the workbook and zips it into `out`. Every table sheet is a
    /// constant-memory worksheet (each row goes to a temporary file as soon
    /// as the next one starts, strings inline), written on all cores at
    /// once: up to [`writers`] threads each take the largest part left and
    /// fill its worksheet; 概要 (with its chart) stays a normal one.
    fn save_on<W: std::io::Write + Send>(
        &self,
        threads: usize,
        bare: bool,
        out: W,
    ) -> Result<(), XlsxError> {
        let styles = Styles::default();
        let mut wb = Workbook::new();
        wb.set_properties(&self.properties());
        wb.set_zip_compression_level(ZIP_LEVEL);
        // One index per format before any thread writes: rust_xlsxwriter's
        // shared format table can give a format two indices when two threads
        // meet it first at once (0.102: the write lock does not look again),
        // and the order of first use would otherwise vary night to night.
        for format in styles.all() {
            wb.register_format(format);
        }
        let fiscal_years: std::collections::BTreeSet<_> =
            self.tables.iter().flat_map(Table::fiscal_years).collect();
        for fy in fiscal_years {
            for bold in [false, true] {
                wb.register_format(&styles.fiscal_year(fy, bold));
            }
        }
        let ws = wb.add_worksheet();
        overview::write(ws, &self.overview, &styles, &self.meta)?;
        let mut tables: Vec<&Table> = self.tables.iter().collect();
        tables.sort_by_key(|t| t.sheet);
        let parts: Vec<table::Part> = tables
            .into_iter()
            .flat_map(|t| table::parts(t, table::MAX_ROWS_PER_SHEET))
            .collect();
        for _ in &parts {
            wb.add_worksheet_with_constant_memory()?;
        }
        let sheets = &mut wb.worksheets_mut()[1..];
        let mut jobs: Vec<_> = parts.iter().zip(sheets.iter_mut()).collect();
        // Largest first, each writer taking the largest part left. Parts are
        // taken as writers come free, not shared out by an estimate: a row of
        // 要確認's sentences costs twice a row of numbers, which no count of
        // rows and columns foresaw (BENCHMARKS.md, "Where parallelism pays").
        jobs.sort_by_key(|(p, _)| p.weight());
        jobs.reverse();
        let queue = crate::parallel::Queue::new(jobs);
        let (styles, meta) = (&styles, &self.meta);
        let started = std::time::Instant::now();
        let written = crate::parallel::workers(threads, || {
            for (part, ws) in queue.taken() {
                let started = std::time::Instant::now();
                table::write_part(ws, part, styles, meta, bare)?;
                tracing::debug!(
                    sheet = %part.name,
                    rows = part.range.len(),
                    ms = started.elapsed().as_millis(),
                    "sheet written"
                );
            }
            Ok::<(), XlsxError>(())
        });
        written.into_iter().collect::<Result<(), XlsxError>>()?;
        tracing::debug!(
            ms = started.elapsed().as_millis(),
            threads,
            "sheets written"
        );
        let started = std::time::Instant::now();
        wb.save_to_writer(out)?;
        tracing::debug!(ms = started.elapsed().as_millis(), "workbook assembled");
        Ok(())
    }

    /// Title, author and 基準日, which Explorer and Excel's 情報 pane show.
    fn properties(&self) -> DocProperties {
        let mut p = DocProperties::new()
            .set_title(&self.meta.title)
            .set_author(print::DEPARTMENT)
            .set_company("綾瀬市");
        if let Some(d) = self.meta.as_of {
            p = p
                .set_subject(format!("基準日 {}", crate::calendar::wareki(d)))
                .set_custom_property("基準日", &d);
        }
        p
    }

    /// Writes the workbook atomically (temporary file + rename) to `path`,
    /// which must not be a folder or device, nor one of `inputs` (the files
    /// the job reads); see [`atomic`]. The zip goes straight into the
    /// temporary file: a national night's workbook (57 MB at 200,000
    /// applications) is never held in memory whole.
    pub fn write(&self, path: &Path, inputs: &[&Path]) -> Result<(), ReportError> {
        atomic::check_target(path, inputs)?;
        atomic::write_atomically_with(path, inputs, |file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            let written = self
                .save_on(writers(), true, &mut out)
                .and_then(|()| std::io::Write::flush(&mut out).map_err(XlsxError::IoError));
            // Flushed above, not on drop, where a full disk would go unseen.
            written.map_err(|e| match e {
                XlsxError::IoError(source) => ReportError::Write {
                    path: path.to_path_buf(),
                    source,
                },
                e => ReportError::Build {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                },
            })
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use cell::Cell;
    use rows::Rows;
    use std::io::Read;

    /// Every part of an xlsx but docProps/core.xml (it holds the moment of writing).
    fn parts_of(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            if name == "docProps/core.xml" {
                continue;
            }
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            out.push((name, data));
        }
        out
    }

    /// Sheets written on several threads at once come out byte for byte as
    /// one thread writes them, every time: each format has one index (the
    /// race this guards against gave one format two, and the cells of one
    /// thread then pointed at another format), and the styles' order does
    /// not depend on which thread got there first.
    #[test]
    fn sheets_written_in_parallel_are_the_same_as_written_one_by_one() {
        let sheets = [
            Sheet::Findings,
            Sheet::ByCompany,
            Sheet::Verification,
            Sheet::EmploymentReports,
            Sheet::Restrictions,
        ];
        let report = Report {
            overview: Overview::default(),
            tables: sheets
                .iter()
                .enumerate()
                .map(|(k, sheet)| {
                    let mut t = Table::new(*sheet, vec!["年度", "事業者名", "額", "日付", "状況"]);
                    let k = i64::try_from(k).unwrap();
                    t.rows = Rows::made(2_000, move |i| {
                        let i = i64::try_from(i).unwrap();
                        let fy = 2019 + i32::try_from((i + k) % 7).unwrap();
                        vec![
                            Cell::Fy(fy),
                            if i % 5 == 0 {
                                Cell::Empty
                            } else {
                                Cell::text(format!("事業者{i}"))
                            },
                            Cell::Yen(i * 1_000 + k),
                            Cell::Date(chrono::NaiveDate::from_ymd_opt(fy, 5, 1).unwrap()),
                            Cell::tag(["提出済", "未提出"][usize::try_from(i % 2).unwrap()]),
                        ]
                    });
                    t.declare_fiscal_years(2019..2026);
                    t.bold_rows = vec![0, 7, 1_999];
                    t
                })
                .collect(),
            meta: PrintMeta::default(),
        };
        let one = parts_of(&report.to_bytes_on(1).unwrap());
        for _ in 0..5 {
            let many = parts_of(&report.to_bytes_on(4).unwrap());
            assert_eq!(one.len(), many.len());
            for ((name, a), (_, b)) in one.iter().zip(&many) {
                assert!(a == b, "{name} differs between one writer and four");
            }
        }
    }

    /// Writing cells bare, through their column's format, gives the very
    /// bytes of naming every cell's format: every kind of cell, bold rows
    /// first, in the middle and last, a column blank at first, texts that
    /// wrap, empty texts, 元年 dates, 年度 and links.
    #[test]
    fn bare_cells_write_the_same_workbook() {
        let long = "算定根拠の長い文です。".repeat(12);
        let mut t = Table::new(
            Sheet::Verification,
            vec![
                "申請番号",
                "区分",
                "額",
                "人数",
                "日付",
                "時刻",
                "年度",
                "割合",
                "根拠",
                "状況",
                "リンク",
            ],
        );
        let long_for_rows = long.clone();
        t.rows = Rows::made(3_000, move |i| {
            let n = i64::try_from(i).unwrap();
            let fy = 2018 + i32::try_from(n % 8).unwrap();
            let day = chrono::NaiveDate::from_ymd_opt(fy, 5, 1).unwrap();
            vec![
                Cell::text(format!("R{i:05}")),
                match i % 4 {
                    _ if i < 10 => Cell::Empty,
                    0 => Cell::text(""),
                    1 => Cell::Empty,
                    _ => Cell::text("Aコース"),
                },
                Cell::Yen(n * 1_000),
                Cell::Int(n % 13),
                Cell::Date(day),
                Cell::DateTime(day.and_hms_opt(2, 30, 5).unwrap()),
                Cell::Fy(fy),
                Cell::Percent(0.25),
                if i % 3 == 0 {
                    Cell::text(long_for_rows.clone())
                } else {
                    Cell::text("短い")
                },
                Cell::tag(["提出済", "未提出"][i % 2]),
                Cell::Link {
                    text: "要確認へ".into(),
                    to: Sheet::Findings,
                },
            ]
        });
        t.declare_fiscal_years(2018..2026);
        t.bold_rows = vec![0, 1, 1_500, 2_999];
        let mut held = Table::new(Sheet::Findings, vec!["内容", "額"]);
        held.rows = (0..50)
            .map(|i| vec![Cell::text(long.clone()), Cell::Yen(i)])
            .collect();
        let report = Report {
            overview: Overview::default(),
            tables: vec![t, held],
            meta: PrintMeta::default(),
        };
        let named = parts_of(&report.to_bytes_with(2, false).unwrap());
        let bare = parts_of(&report.to_bytes_with(2, true).unwrap());
        assert_eq!(named.len(), bare.len());
        for ((name, a), (_, b)) in named.iter().zip(&bare) {
            assert!(
                a == b,
                "{name} differs when cells are written bare:\n{}",
                first_difference(a, b)
            );
        }
    }

    /// Where two parts first differ, with some bytes around it.
    fn first_difference(a: &[u8], b: &[u8]) -> String {
        let at = a
            .iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let around = |s: &[u8]| {
            String::from_utf8_lossy(&s[at.saturating_sub(80)..(at + 80).min(s.len())]).into_owned()
        };
        format!("named: …{}…\nbare:  …{}…", around(a), around(b))
    }

    /// Every sentence a report that cannot be written gives, whole.
    #[test]
    fn report_errors_are_whole_sentences_naming_the_path() {
        let path = PathBuf::from("/srv/hojokin/out/summary-2024-04-25.xlsx");
        let cases = [
            (
                ReportError::Build {
                    path: path.clone(),
                    message: "シート名が重複しています".into(),
                },
                "集計ブック /srv/hojokin/out/summary-2024-04-25.xlsx を作成できません: シート名が重複しています",
            ),
            (
                ReportError::Write {
                    path: path.clone(),
                    source: std::io::Error::other("ディスクがいっぱいです"),
                },
                "集計ブック /srv/hojokin/out/summary-2024-04-25.xlsx を書き込めません: ディスクがいっぱいです",
            ),
            (
                ReportError::NotAFile {
                    path: path.clone(),
                    kind: "フォルダー",
                },
                "集計ブックの出力先 /srv/hojokin/out/summary-2024-04-25.xlsx はフォルダーのため書き込めません。ジョブファイルの [report] path にファイルのパスを指定してください。",
            ),
            (
                ReportError::IsInput {
                    path: path.clone(),
                    input: PathBuf::from("/srv/exports/申請一覧.xlsx"),
                },
                "集計ブックの出力先 /srv/hojokin/out/summary-2024-04-25.xlsx はこのジョブが読む /srv/exports/申請一覧.xlsx と同じファイルです。入力を上書きしないよう、ジョブファイルの [report] path に別のパスを指定してください。",
            ),
        ];
        for (error, want) in cases {
            assert_eq!(error.to_string(), want);
        }
    }
}
