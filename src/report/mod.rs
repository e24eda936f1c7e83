//! The summary workbook staff open each morning.
//!
//! Every sheet is a [`table::Table`] built by a small function from one
//! stage's output ([`sheets`]), except 概要 ([`overview`]), which is a stack of
//! small sections. The workbook is written to a temporary file beside the
//! target and renamed, so a reader never sees half of it.

pub mod compose;
pub mod overview;
pub mod sheet;
pub mod sheets;
pub mod style;
pub mod table;
pub mod totals_sheets;

use std::io::Write;
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

    /// Writes the workbook atomically (temporary file + rename).
    pub fn write(&self, path: &Path) -> Result<(), ReportError> {
        let bytes = self.to_bytes().map_err(|e| ReportError::Build {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        write_atomically(path, &bytes)
    }
}

/// Writes `bytes` to a temporary file in the target's folder, syncs it and
/// renames it over the target, so readers see the old file or the new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let err = |source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.xlsx".into());
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}
