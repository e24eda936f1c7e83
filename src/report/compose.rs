//! Composes the workbook from a run's results: which sheets, and what 概要
//! says. Laying the cells out is [`super::table`] and [`super::overview`].

use chrono::NaiveDate;

use super::overview::{Overview, Section};
use super::sheet::Sheet;
use super::table::Cell;
use super::{Report, sheets, totals_sheets};
use crate::calendar;
use crate::compliance::reports::{ReportDue, ReportState};
use crate::compliance::restriction::{AssetRestriction, AssetState};
use crate::evaluation::Results;
use crate::ingest::Ingested;
use crate::job::Job;
use crate::model::{MailCounts, NotificationRow};
use crate::rules::Verdict;

/// What the night did with mail, as the workbook shows it.
#[derive(Debug, Clone, Copy)]
pub struct Mail<'a> {
    pub rows: &'a [NotificationRow],
    pub counts: MailCounts,
}

/// The run a workbook is for.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub job: &'a Job,
    pub as_of: NaiveDate,
    pub dry_run: bool,
}

/// Assembles the workbook.
pub fn workbook(
    run: Run<'_>,
    ingested: &Ingested,
    results: &Results,
    mail: Option<Mail<'_>>,
) -> Report {
    let mut notices = sheets::notifications(mail.map_or(&[][..], |m| m.rows));
    if run.job.email.is_none() {
        notices.note =
            Some("このジョブにはメール設定（[email]）がないため、メールは送っていません。".into());
    }
    Report {
        overview: overview(run, ingested, results, mail),
        tables: vec![
            totals_sheets::fiscal_year_table(&results.by_fiscal_year),
            totals_sheets::company_table(&results.by_company),
            sheets::verification(&results.assessed),
            sheets::employment_reports(&results.ledger),
            sheets::restrictions(&results.restrictions),
            sheets::findings(&results.findings),
            notices,
            sheets::input_errors(&ingested.inputs.errors),
        ],
    }
}

/// How many rows a list on 概要 shows before pointing at its sheet: the
/// first page stays a summary even when a national export has thousands.
const OVERVIEW_LIST_LIMIT: usize = 50;

/// The first [`OVERVIEW_LIST_LIMIT`] rows, then a line saying where the rest are.
fn listed(rows: impl Iterator<Item = Vec<Cell>>, sheet: Sheet) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = rows.collect();
    let more = rows.len().saturating_sub(OVERVIEW_LIST_LIMIT);
    if more > 0 {
        rows.truncate(OVERVIEW_LIST_LIMIT);
        rows.push(vec![Cell::text(format!(
            "ほか {more} 件は「{sheet}」シートをご覧ください"
        ))]);
    }
    rows
}

fn count(n: usize) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn overview(
    run: Run<'_>,
    ingested: &Ingested,
    results: &Results,
    mail: Option<Mail<'_>>,
) -> Overview {
    let (job, as_of, dry_run) = (run.job, run.as_of, run.dry_run);
    let mut sections = vec![Section::pairs(
        "実行",
        vec![
            ("ジョブ", Cell::text(&job.name)),
            ("説明", Cell::text(&job.description)),
            ("基準日", Cell::Date(as_of)),
            ("基準日（和暦）", Cell::text(calendar::wareki(as_of))),
            (
                "年度",
                Cell::text(calendar::fy_label(calendar::fiscal_year(as_of))),
            ),
            (
                "メール",
                Cell::text(if dry_run {
                    "試行（--dry-run）: 送信していません"
                } else {
                    "送信"
                }),
            ),
        ],
    )];
    sections.push(inputs_section(ingested));
    sections.push(flags_section(ingested, results));
    if let Some(m) = mail {
        sections.push(Section::pairs(
            if dry_run {
                "メール（試行: .eml に出力、送信なし）"
            } else {
                "メール"
            },
            vec![
                ("送信済", count(m.counts.sent)),
                ("送信待ち（次回再送）", count(m.counts.queued)),
                ("送信失敗", count(m.counts.failed)),
                ("送信不明（要確認）", count(m.counts.uncertain)),
                ("試行で出力", count(if dry_run { m.rows.len() } else { 0 })),
            ],
        ));
    }
    let overdue: Vec<&ReportDue> = results
        .ledger
        .iter()
        .filter(|r| r.state == ReportState::Missing)
        .collect();
    if !overdue.is_empty() {
        sections.push(Section {
            title: format!("未提出の雇用状況報告（{}件）", overdue.len()),
            columns: ["申請番号", "事業者名", "報告年度", "提出期限"]
                .map(String::from)
                .to_vec(),
            rows: listed(
                overdue.iter().map(|r| sheets::report_key_cells(r)),
                Sheet::EmploymentReports,
            ),
        });
    }
    let early: Vec<&AssetRestriction> = results
        .restrictions
        .iter()
        .filter(|r| r.state == AssetState::EarlyDisposal)
        .collect();
    if !early.is_empty() {
        sections.push(Section {
            title: format!("制限期間内の処分（{}件）", early.len()),
            columns: ["申請番号", "財産番号", "財産名", "処分日", "返還額（目安）"]
                .map(String::from)
                .to_vec(),
            rows: listed(
                early.iter().map(|r| {
                    vec![
                        Cell::text(&r.application_id),
                        Cell::text(&r.asset_id),
                        Cell::text(&r.name),
                        Cell::opt_date(r.disposed_on),
                        Cell::opt_yen(r.refund),
                    ]
                }),
                Sheet::Restrictions,
            ),
        });
    }
    Overview {
        title: format!("補助金 集計・督促 概要（{}）", calendar::wareki(as_of)),
        sections,
        chart: Some(totals_sheets::execution_chart(
            &results.by_fiscal_year,
            calendar::fiscal_year(as_of),
        )),
    }
}

fn inputs_section(ingested: &Ingested) -> Section {
    Section {
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
                    count(s.rows),
                    count(s.rejected),
                    Cell::text(&s.sha256),
                ]
            })
            .collect(),
    }
}

/// Counts of every flag the run raised.
fn flags_section(ingested: &Ingested, results: &Results) -> Section {
    let verdicts = |v: Verdict| results.assessed.iter().filter(|a| a.verdict == v).count();
    let reports = |s: ReportState| results.ledger.iter().filter(|r| r.state == s).count();
    let assets = |s: AssetState| results.restrictions.iter().filter(|r| r.state == s).count();
    let mut pairs = vec![
        ("入力エラー（件）", count(ingested.inputs.errors.len())),
        ("要確認（件）", count(results.findings.len())),
        ("算定検証: 超過", count(verdicts(Verdict::Over))),
        ("算定検証: 不足", count(verdicts(Verdict::Under))),
        ("算定検証: 対象外", count(verdicts(Verdict::NotEligible))),
        (
            "算定検証: 算定不可",
            count(verdicts(Verdict::CannotCompute)),
        ),
        ("雇用状況報告: 未提出", count(reports(ReportState::Missing))),
        (
            "雇用状況報告: 期限後提出",
            count(reports(ReportState::Late)),
        ),
        (
            "雇用状況報告: 期限前",
            count(reports(ReportState::NotYetDue)),
        ),
        (
            "財産処分制限: 期間内処分",
            count(assets(AssetState::EarlyDisposal)),
        ),
    ];
    let unverified = results.assessed.iter().filter(|a| a.unverified).count();
    if unverified > 0 {
        pairs.push(("未確認ルールで算定した申請", count(unverified)));
    }
    Section::pairs("件数", pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_lists_stop_at_the_limit_and_say_where_the_rest_are() {
        let rows = |n: usize| (0..n).map(|i| vec![Cell::Int(i64::try_from(i).unwrap_or(0))]);
        assert_eq!(listed(rows(3), Sheet::EmploymentReports).len(), 3);
        assert_eq!(
            listed(rows(OVERVIEW_LIST_LIMIT), Sheet::EmploymentReports).len(),
            OVERVIEW_LIST_LIMIT
        );
        let long = listed(rows(OVERVIEW_LIST_LIMIT + 7), Sheet::EmploymentReports);
        assert_eq!(long.len(), OVERVIEW_LIST_LIMIT + 1);
        assert_eq!(
            long[OVERVIEW_LIST_LIMIT],
            vec![Cell::text(
                "ほか 7 件は「雇用状況報告」シートをご覧ください"
            )]
        );
    }
}
