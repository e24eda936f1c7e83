//! The summary workbook staff open each morning.
//!
//! Every sheet is a [`table::Table`] built by a small function from one
//! stage's output ([`sheets`]), except 概要 ([`overview`]), which is a stack of
//! small sections. The workbook is written to a temporary file beside the
//! target and renamed, so a reader never sees half of it ([`atomic`]).

pub mod atomic;
pub mod compose;
pub mod overview;
pub mod sheet;
pub mod sheets;
pub mod style;
pub mod table;
pub mod totals_sheets;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Workbook, XlsxError};

use overview::Overview;
pub use sheet::Sheet;
use style::Styles;
use table::Table;

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

/// Everything the workbook shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub overview: Overview,
    pub tables: Vec<Table>,
}

impl Report {
    /// Builds the workbook in memory.
    pub fn to_bytes(&self) -> Result<Vec<u8>, XlsxError> {
        let styles = Styles::default();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        overview::write(ws, &self.overview, &styles)?;
        let mut tables: Vec<&Table> = self.tables.iter().collect();
        tables.sort_by_key(|t| t.sheet);
        for t in tables {
            table::write_table(&mut wb, t, &styles)?;
        }
        wb.save_to_buffer()
    }

    /// Writes the workbook atomically (temporary file + rename) to `path`,
    /// which must not be a folder or device, nor one of `inputs` (the files
    /// the job reads); see [`atomic`].
    pub fn write(&self, path: &Path, inputs: &[&Path]) -> Result<(), ReportError> {
        atomic::check_target(path, inputs)?;
        let bytes = self.to_bytes().map_err(|e| ReportError::Build {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        atomic::write_atomically(path, &bytes, inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
