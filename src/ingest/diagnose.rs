//! Why a sheet's headers were not recognised, told so staff can fix it:
//! the columns the dataset needs, the headers the sheet has, and the
//! `aliases` line that would map them. `check` prints it for every sheet it
//! cannot place, and `doctor` for every input of a job.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use super::columns;
use super::header::{MAX_ROWS_BEFORE_HEADER, match_header};
use super::parse::normalize;
use super::raw::Raw;
use super::raw::a1;
use super::source::{Book, Row, SourceError};
use crate::model::Dataset;

/// The closest a sheet came to being one dataset's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderDiagnosis {
    pub sheet: String,
    /// The dataset it came closest to (`None`: no row named any required column).
    pub dataset: Option<Dataset>,
    /// A1 reference of the candidate header row's first cell.
    pub cell: String,
    /// The dataset's required columns.
    pub needed: Vec<&'static str>,
    /// The required columns the candidate row lacks.
    pub missing: Vec<&'static str>,
    /// The candidate row's text cells as written.
    pub found: Vec<String>,
    /// Headers of the row that match no column of the dataset: what an
    /// alias could map a missing column to.
    pub unused: Vec<String>,
}

fn key(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The texts of a row, in column order.
fn texts(row: &Row) -> Vec<String> {
    row.cells
        .iter()
        .filter_map(|(_, v)| match v {
            Raw::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        })
        .collect()
}

/// How well `row` fits `dataset`: its required columns found (with aliases).
fn fit(dataset: Dataset, row: &Row, aliases: &BTreeMap<String, Vec<String>>) -> Vec<&'static str> {
    let cells: Vec<String> = texts(row).iter().map(|t| key(t)).collect();
    columns::of(dataset)
        .iter()
        .filter(|c| c.required)
        .filter(|c| {
            std::iter::once(c.name)
                .chain(c.aliases.iter().copied())
                .map(key)
                .chain(aliases.get(c.name).into_iter().flatten().map(|s| key(s)))
                .any(|n| cells.contains(&n))
        })
        .map(|c| c.name)
        .collect()
}

/// Diagnoses `sheet` of `book` as `dataset` (or, when `None`, as whichever
/// dataset its rows come closest to). `None` when a row does match.
pub(crate) fn diagnose(
    book: &mut Book,
    sheet: &str,
    dataset: Option<Dataset>,
    aliases: &BTreeMap<String, Vec<String>>,
) -> Result<Option<HeaderDiagnosis>, SourceError> {
    let datasets: Vec<Dataset> = match dataset {
        Some(d) => vec![d],
        None => Dataset::ALL.to_vec(),
    };
    let mut best: Option<(usize, Dataset, Row)> = None;
    let mut matched = false;
    book.visit_rows(sheet, &mut |row| {
        if row.index >= MAX_ROWS_BEFORE_HEADER {
            return ControlFlow::Break(());
        }
        for d in &datasets {
            if match_header(*d, &row, aliases).is_some() {
                matched = true;
                return ControlFlow::Break(());
            }
            let score = fit(*d, &row, aliases).len();
            if score > 0 && best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, *d, row.clone()));
            }
        }
        ControlFlow::Continue(())
    })?;
    if matched {
        return Ok(None);
    }
    let Some((_, d, row)) = best else {
        return Ok(Some(HeaderDiagnosis {
            sheet: sheet.to_string(),
            dataset,
            cell: "A1".into(),
            needed: dataset.map(required).unwrap_or_default(),
            missing: dataset.map(required).unwrap_or_default(),
            found: Vec::new(),
            unused: Vec::new(),
        }));
    };
    let present = fit(d, &row, aliases);
    let known: Vec<String> = columns::of(d)
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .map(key)
        .collect();
    let found = texts(&row);
    let unused = found
        .iter()
        .filter(|t| !known.contains(&key(t)))
        .cloned()
        .collect();
    let first_col = row.cells.first().map_or(0, |(c, _)| *c);
    Ok(Some(HeaderDiagnosis {
        sheet: sheet.to_string(),
        dataset: Some(d),
        cell: a1(row.index, first_col),
        needed: required(d),
        missing: required(d)
            .into_iter()
            .filter(|n| !present.contains(n))
            .collect(),
        found,
        unused,
    }))
}

fn required(d: Dataset) -> Vec<&'static str> {
    columns::of(d)
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect()
}

impl HeaderDiagnosis {
    /// The sentence: what is missing, what was found, and the fix.
    pub fn sentence(&self) -> String {
        let Some(d) = self.dataset else {
            return format!(
                "シート「{}」の見出し行を認識できません（先頭{}行に、申請一覧・取得財産・雇用状況報告・予算のどの列名もありません）。読み込む必要がなければ問題ありません。",
                self.sheet, MAX_ROWS_BEFORE_HEADER
            );
        };
        let found = if self.found.is_empty() {
            "（なし）".to_string()
        } else {
            self.found.join("、")
        };
        format!(
            "シート「{}」を{}として読めません。必要な列 {} のうち {} が見つかりません（見つかった見出し: {}）。{}",
            self.sheet,
            d.label(),
            self.needed.join("・"),
            self.missing.join("・"),
            found,
            self.fix(d)
        )
    }

    /// How to map the missing columns with `aliases` in the job file.
    fn fix(&self, d: Dataset) -> String {
        let pairs: Vec<String> = self
            .missing
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let guess = if self.missing.len() == self.unused.len() {
                    self.unused.get(i).map(String::as_str)
                } else {
                    None
                }
                .unwrap_or("この列の見出し");
                format!("\"{m}\" = [\"{guess}\"]")
            })
            .collect();
        format!(
            "見出しの名前が違うだけなら、ジョブファイルの [inputs.{}] に aliases = {{ {} }} と書くと読めます。",
            d.key(),
            pairs.join(", ")
        )
    }
}
