//! Composes the workbook from a run's results: which sheets, and what 概要
//! says. Laying the cells out is [`super::table`] and [`super::overview`].

use chrono::{Datelike, NaiveDate};

use super::overview::{Overview, Section};
use super::print::PrintMeta;
use super::sheet::Sheet;
use super::table::Cell;
use super::{Report, history, sheets, totals_sheets};
use crate::calendar;
use crate::compliance::reports::{ReportDue, ReportState};
use crate::compliance::restriction::{AssetRestriction, AssetState};
use crate::evaluation::Results;
use crate::ingest::Ingested;
use crate::job::Job;
use crate::model::{MailCounts, NotificationRow};
use crate::rules::Verdict;
use crate::state::outbox::OutboxEntry;

/// The workbook's title: the page header of every sheet and its properties.
pub const TITLE: &str = "補助金 集計・督促";

/// What the night did with mail, as the workbook shows it.
#[derive(Debug, Clone, Copy)]
pub struct Mail<'a> {
    pub rows: &'a [NotificationRow],
    pub counts: MailCounts,
    /// The outbox's rows after tonight's sends: each report's last reminder
    /// and the next one on 雇用状況報告.
    pub outbox: &'a [OutboxEntry],
}

/// The run a workbook is for.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub job: &'a Job,
    pub as_of: NaiveDate,
    pub dry_run: bool,
    /// How many of the night's 要確認 rows no delivered digest has named
    /// yet; `None` when not known (every row then counts as new).
    pub new_findings: Option<usize>,
}

/// Assembles the workbook.
pub fn workbook<'a>(
    run: Run<'_>,
    ingested: &'a Ingested,
    results: &'a Results,
    mail: Option<Mail<'a>>,
) -> Report<'a> {
    let mut notices = sheets::notifications(mail.map_or(&[][..], |m| m.rows));
    if run.job.email.is_none() {
        notices.note =
            Some("このジョブにはメール設定（[email]）がないため、メールは送っていません。".into());
    }
    let sent = history::sent(mail.map_or(&[][..], |m| m.outbox));
    Report {
        overview: overview(run, ingested, results, mail),
        tables: vec![
            totals_sheets::fiscal_year_table(&results.by_fiscal_year),
            totals_sheets::company_table(&results.by_company),
            sheets::verification(&results.assessed, &ingested.inputs.applications),
            sheets::employment_reports(&results.ledger, sent, run.as_of),
            sheets::restrictions(&results.restrictions),
            sheets::findings(&results.findings),
            notices,
            sheets::input_errors(&ingested.inputs.errors, &ingested.inputs.warnings),
        ],
        meta: PrintMeta {
            title: TITLE.into(),
            as_of: Some(run.as_of),
        },
    }
}

/// How many rows a list on 概要 shows before pointing at its sheet: the
/// first page stays a summary even when a national export has thousands.
const OVERVIEW_LIST_LIMIT: usize = 50;

/// The first [`OVERVIEW_LIST_LIMIT`] rows, then a line saying where the rest are.
fn listed<'a>(rows: impl Iterator<Item = Vec<Cell<'a>>>, sheet: Sheet) -> Vec<Vec<Cell<'static>>> {
    let mut shown: Vec<Vec<Cell<'static>>> = Vec::new();
    let mut more = 0usize;
    for cells in rows {
        if shown.len() < OVERVIEW_LIST_LIMIT {
            shown.push(cells.into_iter().map(Cell::into_owned).collect());
        } else {
            more += 1;
        }
    }
    if more > 0 {
        shown.push(vec![Cell::text(format!(
            "ほか {more} 件は「{sheet}」シートをご覧ください"
        ))]);
    }
    shown
}

/// Mails a dry run wrote: one .eml can name several reports (one 通知 row
/// each), so rows are counted once per file.
fn previewed(rows: &[NotificationRow]) -> usize {
    rows.iter()
        .filter(|r| r.result.outcome == crate::model::MailOutcome::Previewed)
        .map(|r| r.result.text.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn count(n: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The months after April 1 during which 概要 also charts the previous FY:
/// April to June, while the new FY's figures are still thin.
const PREVIOUS_FY_UNTIL_MONTH: u32 = 6;

fn overview(
    run: Run<'_>,
    ingested: &Ingested,
    results: &Results,
    mail: Option<Mail<'_>>,
) -> Overview {
    let (job, as_of, dry_run) = (run.job, run.as_of, run.dry_run);
    let mut sections = vec![today_section(run, ingested, results, mail)];
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
                (
                    "試行で出力（通）",
                    count(if dry_run { previewed(m.rows) } else { 0 }),
                ),
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
            span_last: 0,
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
            span_last: 0,
        });
    }
    let fy = calendar::fiscal_year(as_of);
    let mut charts = vec![totals_sheets::execution_chart(&results.by_fiscal_year, fy)];
    if (4..=PREVIOUS_FY_UNTIL_MONTH).contains(&as_of.month()) {
        charts.push(totals_sheets::execution_chart(
            &results.by_fiscal_year,
            fy - 1,
        ));
    }
    let run_section = Section::pairs(
        "実行",
        vec![
            ("ジョブ", Cell::text(job.name.clone())),
            ("説明", Cell::text(job.description.clone())),
            ("基準日", Cell::Date(as_of)),
            ("年度", Cell::Fy(fy)),
            (
                "メール",
                Cell::text(if dry_run {
                    "試行（--dry-run）: 送信していません"
                } else {
                    "送信"
                }),
            ),
        ],
    );
    Overview {
        title: format!("{TITLE} 概要（基準日 {}）", calendar::wareki(as_of)),
        sections,
        charts,
        trailer: vec![
            run_section,
            inputs_section(ingested),
            hashes_section(ingested),
        ],
    }
}

/// 本日の対応: what staff must act on today, each count a link to the sheet
/// that lists the rows.
fn today_section(
    run: Run<'_>,
    ingested: &Ingested,
    results: &Results,
    mail: Option<Mail<'_>>,
) -> Section {
    let overdue = results
        .ledger
        .iter()
        .filter(|r| r.state == ReportState::Missing)
        .count();
    let early = results
        .restrictions
        .iter()
        .filter(|r| r.state == AssetState::EarlyDisposal)
        .count();
    let new_findings = run.new_findings.unwrap_or(results.findings.len());
    let (failed, unaddressed) = mail.map_or((0, 0), |m| {
        let unaddressed = m
            .rows
            .iter()
            .filter(|r| r.result.outcome == crate::model::MailOutcome::NotSent)
            .count();
        (m.counts.queued + m.counts.uncertain, unaddressed)
    });
    let rejected: usize = ingested.summaries.iter().map(|s| s.rejected).sum();
    let rows = [
        (
            "新しい要確認",
            new_findings,
            Sheet::Findings,
            format!(
                "前回のダイジェスト以降に新しく出た要確認です（全{}件）。内容を確認してください。",
                results.findings.len()
            ),
        ),
        (
            "未提出の雇用状況報告",
            overdue,
            Sheet::EmploymentReports,
            "提出期限を過ぎた報告です。最終通知と次回予定を見て、必要なら電話で連絡してください。"
                .to_string(),
        ),
        (
            "制限期間内の処分",
            early,
            Sheet::Restrictions,
            "承認のない処分です。返還額（目安）を確認し、事業者に連絡してください。".to_string(),
        ),
        (
            "送れなかったメール",
            failed + unaddressed,
            Sheet::Notifications,
            format!(
                "送信待ち・送信不明 {failed}件、宛先不備 {unaddressed}件。宛先不備は郵送や電話で連絡してください。"
            ),
        ),
        (
            "除外した入力行",
            rejected,
            Sheet::InputErrors,
            format!(
                "入力エラー {}件。元のファイルを直すと次回の実行で取り込まれます。",
                ingested.inputs.errors.len()
            ),
        ),
    ];
    Section {
        title: "本日の対応".into(),
        columns: ["対応", "件数", "内容"].map(String::from).to_vec(),
        rows: rows
            .into_iter()
            .map(|(what, n, sheet, why)| {
                vec![
                    Cell::text(what),
                    Cell::Link {
                        text: format!("{n}件").into(),
                        to: sheet,
                    },
                    Cell::text(if n == 0 {
                        "対応は不要です。".to_string()
                    } else {
                        why
                    }),
                ]
            })
            .collect(),
        span_last: 0,
    }
}

fn inputs_section(ingested: &Ingested) -> Section {
    Section {
        title: "入力".into(),
        // The long path in the wide third column; the counts on either side
        // of a text column, never right-aligned against one.
        columns: ["データ", "行数", "ファイル", "シート", "除外行数"]
            .map(String::from)
            .to_vec(),
        rows: ingested
            .summaries
            .iter()
            .map(|s| {
                vec![
                    Cell::text(s.dataset.label()),
                    count(s.rows),
                    Cell::text(s.file.display().to_string()),
                    Cell::text(s.sheet.clone()),
                    count(s.rejected),
                ]
            })
            .collect(),
        span_last: 0,
    }
}

/// Each input's SHA-256, ties the run to the exact files it read; last on
/// 概要, in a block of its own so the long value stands in no column of counts.
fn hashes_section(ingested: &Ingested) -> Section {
    Section {
        title: "入力ファイルの SHA-256".into(),
        columns: ["データ", "SHA-256"].map(String::from).to_vec(),
        rows: ingested
            .summaries
            .iter()
            .map(|s| vec![Cell::text(s.dataset.label()), Cell::text(s.sha256.clone())])
            .collect(),
        span_last: 3,
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
            "雇用状況報告: 受付記録あり（入力エラー）",
            count(reports(ReportState::RecordedWithError)),
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
