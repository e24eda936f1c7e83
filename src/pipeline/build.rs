//! Turning stage outputs into the report's sheets.

use chrono::NaiveDate;

use crate::calendar;
use crate::ingest::Ingested;
use crate::job::Job;
use crate::model::Finding;
use crate::report::overview::{Overview, Section};
use crate::report::table::Cell;
use crate::report::{Report, sheets};
use crate::rules::Catalogue;

use super::RunOptions;

/// The results of the rule and compliance stages for one run.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub findings: Vec<Finding>,
}

/// Runs the rule and compliance stages over what was ingested.
pub fn evaluate(_catalogue: &Catalogue, _ingested: &Ingested, _as_of: NaiveDate) -> Results {
    Results::default()
}

/// Assembles the workbook.
pub fn report(job: &Job, opts: &RunOptions, ingested: &Ingested, results: &Results) -> Report {
    Report {
        overview: overview(job, opts, ingested),
        tables: vec![
            sheets::findings(&results.findings),
            sheets::input_errors(&ingested.inputs.errors),
        ],
    }
}

fn overview(job: &Job, opts: &RunOptions, ingested: &Ingested) -> Overview {
    let mut sections = vec![Section::pairs(
        "実行",
        vec![
            ("ジョブ", Cell::text(&job.name)),
            ("説明", Cell::text(&job.description)),
            ("基準日", Cell::Date(opts.as_of)),
            ("基準日（和暦）", Cell::text(calendar::wareki(opts.as_of))),
            (
                "年度",
                Cell::text(calendar::fy_label(calendar::fiscal_year(opts.as_of))),
            ),
            (
                "メール",
                Cell::text(if opts.dry_run {
                    "試行（--dry-run）: 送信していません"
                } else {
                    "送信"
                }),
            ),
        ],
    )];
    sections.push(Section {
        title: "入力".into(),
        columns: [
            "データ",
            "ファイル",
            "シート",
            "行数",
            "除外行数",
            "SHA-256",
        ]
        .map(String::from)
        .to_vec(),
        rows: ingested
            .summaries
            .iter()
            .map(|s| {
                vec![
                    Cell::text(s.dataset.label()),
                    Cell::text(s.file.display().to_string()),
                    Cell::text(&s.sheet),
                    Cell::Int(i64::try_from(s.rows).unwrap_or(i64::MAX)),
                    Cell::Int(i64::try_from(s.rejected).unwrap_or(i64::MAX)),
                    Cell::text(&s.sha256),
                ]
            })
            .collect(),
    });
    Overview {
        title: format!("補助金 集計・督促 概要（{}）", calendar::wareki(opts.as_of)),
        sections,
        chart: None,
    }
}
