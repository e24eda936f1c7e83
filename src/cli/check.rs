//! `hojokin check FILE...`: one line per problem, `FILE: SHEET!CELL: message`,
//! sorted by file, sheet and row; a sheet it cannot recognise gets a line
//! too (what it needs, what it found, the `aliases` that would map them),
//! so nothing is skipped in silence.

use std::path::{Path, PathBuf};

use super::{CliError, Finished};
use crate::catalogue::Catalogue;
use crate::ingest;
use crate::model::Exit;

/// One printed problem and where it sorts.
struct Problem {
    file: PathBuf,
    sheet: String,
    row: u32,
    col: String,
    line: String,
}

/// The row number and column letters of an A1 reference (`AB12` → 12, "AB").
fn split_cell(cell: &str) -> (u32, String) {
    let col: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let row = cell[col.len()..].parse().unwrap_or(0);
    (row, col)
}

/// One file's lines: its rows' errors and warnings (values read leniently,
/// rows kept: printed among the errors, no exit status of their own) and
/// the sheets it could not recognise.
fn report_problems(path: &Path, report: &ingest::CheckReport) -> Vec<Problem> {
    let mut problems = Vec::new();
    for e in report.errors.iter().chain(&report.warnings) {
        let value = if e.value.is_empty() {
            String::new()
        } else {
            format!("「{}」", e.value)
        };
        let (row, col) = split_cell(&e.cell);
        problems.push(Problem {
            file: path.to_path_buf(),
            sheet: e.sheet.clone(),
            row,
            col,
            line: format!(
                "{}: {}!{}: {}{}: {}",
                path.display(),
                e.sheet,
                e.cell,
                e.column,
                value,
                e.reason
            ),
        });
    }
    for u in &report.unmatched {
        let (row, col) = split_cell(&u.cell);
        problems.push(Problem {
            file: path.to_path_buf(),
            sheet: u.sheet.clone(),
            row,
            col,
            line: format!(
                "{}: {}!{}: {}",
                path.display(),
                u.sheet,
                u.cell,
                u.sentence()
            ),
        });
    }
    problems
}

pub(super) fn run(files: &[PathBuf], programs: Option<&Path>) -> Result<Finished, CliError> {
    let catalogue = match programs {
        None => Catalogue::builtin(),
        Some(p) => Catalogue::load(p).map_err(CliError::from_error)?,
    };
    let mut done = Finished::new(Exit::Done);
    let mut problems = Vec::new();
    for (path, result) in ingest::check_files(files, &catalogue) {
        match result {
            Err(e) => {
                // The error already names the file.
                problems.push(Problem {
                    file: path.clone(),
                    sheet: String::new(),
                    row: 0,
                    col: String::new(),
                    line: e.to_string(),
                });
                done.exit = Exit::CouldNotRun;
            }
            Ok(report) => {
                problems.extend(report_problems(&path, &report));
                if !report.errors.is_empty() || !report.unmatched.is_empty() {
                    done.exit = done.exit.and(Exit::NeedsAttention);
                }
                for s in &report.sheets {
                    done.stderr.push(format!(
                        "{}: シート「{}」を{}として {} 行確認しました（除外 {} 行）",
                        path.display(),
                        s.sheet,
                        s.dataset.label(),
                        s.rows,
                        s.rejected
                    ));
                }
            }
        }
    }
    // Stable: one cell's several problems keep their order.
    problems.sort_by(|a, b| {
        (&a.file, &a.sheet, a.row, a.col.len(), &a.col).cmp(&(
            &b.file,
            &b.sheet,
            b.row,
            b.col.len(),
            &b.col,
        ))
    });
    done.stdout = problems.into_iter().map(|p| p.line).collect();
    Ok(done)
}
