//! What 概要 says: today's actions, the counts, the mail, the lists of
//! overdue reports and early disposals, and the run's own facts. Laying
//! them out is [`crate::report::overview`].

use chrono::{Datelike, NaiveDate};

use super::{Mail, Run, TITLE};
use crate::calendar;
use crate::catalogue::RuleBasis;
use crate::compliance::reports::{ReportDue, ReportState};
use crate::compliance::restriction::{AssetRestriction, AssetState};
use crate::evaluation::Results;
use crate::ingest::Ingested;
use crate::job::Job;
use crate::model::{MailOutcome, NotificationRow};
use crate::night::{Night, Section as Flags};
use crate::report::cell::Cell;
use crate::report::overview::{ExecutionChart, Overview, Section};
use crate::report::sheet::Sheet;
use crate::report::{sheets, totals_sheets};
use crate::rules::Verdict;

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

/// 概要: what to do today, then the counts, then the lists staff act on; the
/// budget charts; and at the end the run, its inputs and their hashes.
pub(super) fn overview(
    run: Run<'_>,
    ingested: &Ingested,
    results: &Results,
    mail: Option<Mail<'_>>,
) -> Overview {
    let mut sections = Vec::new();
    sections.extend(hold_section(run.hold));
    sections.push(today_section(run, ingested, results, mail));
    sections.extend(resolved_section(run.night));
    sections.push(flags_section(ingested, results));
    sections.extend(mail.map(|m| mail_section(m, run.dry_run)));
    sections.extend(overdue_section(results));
    sections.extend(early_disposal_section(results));
    Overview {
        title: format!("{TITLE} 概要（基準日 {}）", calendar::wareki(run.as_of)),
        sections,
        charts: charts(results, run.as_of),
        trailer: vec![
            run_section(run),
            inputs_section(run.job, ingested),
            hashes_section(ingested),
        ],
    }
}

/// 督促メールの保留: why tonight's grantee reminders were held, if they were.
fn hold_section(hold: &[String]) -> Option<Section> {
    (!hold.is_empty()).then(|| Section {
        title: "督促メールの保留".into(),
        columns: Vec::new(),
        rows: hold.iter().map(|l| vec![Cell::text(l.clone())]).collect(),
        span_last: 0,
    })
}

/// メール: tonight's reminders by what became of them.
fn mail_section(m: Mail<'_>, dry_run: bool) -> Section {
    Section::pairs(
        if dry_run {
            "メール（試行: .eml に出力、送信なし）"
        } else {
            "メール"
        },
        vec![
            (MailOutcome::Sent.label(), count(m.counts.sent)),
            ("送信待ち（次回再送）", count(m.counts.queued)),
            (MailOutcome::Failed.label(), count(m.counts.failed)),
            ("送信不明（要確認）", count(m.counts.uncertain)),
            (
                "試行で出力（通）",
                count(if dry_run { previewed(m.rows) } else { 0 }),
            ),
        ],
    )
}

/// 未提出の雇用状況報告: the reports past their deadline, if any.
fn overdue_section(results: &Results) -> Option<Section> {
    let overdue: Vec<&ReportDue> = results
        .ledger
        .iter()
        .filter(|r| r.state == ReportState::Missing)
        .collect();
    (!overdue.is_empty()).then(|| Section {
        title: format!("未提出の雇用状況報告（{}件）", overdue.len()),
        columns: ["申請番号", "事業者名", "報告年度", "提出期限"]
            .map(String::from)
            .to_vec(),
        rows: listed(
            overdue.iter().map(|r| sheets::report_key_cells(r)),
            Sheet::EmploymentReports,
        ),
        span_last: 0,
    })
}

/// 制限期間内の処分: the assets disposed of early without approval, if any.
fn early_disposal_section(results: &Results) -> Option<Section> {
    let early: Vec<&AssetRestriction> = results
        .restrictions
        .iter()
        .filter(|r| r.state == AssetState::EarlyDisposal)
        .collect();
    (!early.is_empty()).then(|| Section {
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
    })
}

/// The as-of FY's budget execution, and the previous FY's while the new
/// one has just begun.
fn charts(results: &Results, as_of: NaiveDate) -> Vec<ExecutionChart> {
    let fy = calendar::fiscal_year(as_of);
    let mut charts = vec![totals_sheets::execution_chart(&results.by_fiscal_year, fy)];
    if (4..=PREVIOUS_FY_UNTIL_MONTH).contains(&as_of.month()) {
        charts.push(totals_sheets::execution_chart(
            &results.by_fiscal_year,
            fy - 1,
        ));
    }
    charts
}

/// 実行: which job ran, for which day, and whether mail went out.
fn run_section(run: Run<'_>) -> Section {
    Section::pairs(
        "実行",
        vec![
            ("ジョブ", Cell::text(run.job.name.clone())),
            ("説明", Cell::text(run.job.description.clone())),
            ("基準日", Cell::Date(run.as_of)),
            ("年度", Cell::Fy(calendar::fiscal_year(run.as_of))),
            (
                "メール",
                Cell::text(if run.dry_run {
                    "試行（--dry-run）: 送信していません"
                } else {
                    "送信"
                }),
            ),
        ],
    )
}

/// One row of 本日の対応: what to do, how many, the sheet that lists them
/// and why it matters.
struct Todo {
    what: String,
    n: usize,
    sheet: Sheet,
    why: String,
}

impl Todo {
    fn new(what: &str, n: usize, sheet: Sheet, why: String) -> Todo {
        Todo {
            what: what.to_string(),
            n,
            sheet,
            why,
        }
    }

    /// 対応, 件数 (a link to the sheet) and 内容 (nothing to do when none).
    fn cells(self) -> Vec<Cell<'static>> {
        let counted = format!("{}件", self.n);
        vec![
            Cell::text(self.what),
            // Rows about 概要 itself (解消 below, notices) link nowhere.
            if self.sheet == Sheet::Overview {
                Cell::text(counted)
            } else {
                Cell::Link {
                    text: counted.into(),
                    to: self.sheet,
                }
            },
            Cell::text(if self.n == 0 {
                "対応は不要です。".to_string()
            } else {
                self.why
            }),
        ]
    }
}

/// 本日の対応: what staff must act on today, each count a link to the sheet
/// that lists the rows. The counts of new and resolved flags are the night's
/// summary's, the same the staff digest lists.
fn today_section(
    run: Run<'_>,
    ingested: &Ingested,
    results: &Results,
    mail: Option<Mail<'_>>,
) -> Section {
    let mut rows = flag_todos(run.night, results);
    rows.extend(
        run.night
            .notices
            .iter()
            .map(|n| Todo::new(&n.what, 1, Sheet::Overview, n.detail.clone())),
    );
    rows.push(unsent_todo(mail));
    rows.push(rejected_todo(ingested));
    Section {
        title: "本日の対応".into(),
        columns: ["対応", "件数", "内容"].map(String::from).to_vec(),
        rows: rows.into_iter().map(Todo::cells).collect(),
        span_last: 0,
    }
}

/// The flags' rows of 本日の対応: new ones, overdue reports, early
/// disposals, 要確認 and what was resolved.
fn flag_todos(night: &Night, results: &Results) -> Vec<Todo> {
    let (overdue, early, findings) = (
        night.new_count(Flags::Overdue),
        night.new_count(Flags::Disposal),
        night.new_count(Flags::Finding),
    );
    let folded = night.folded_findings();
    let same_case = if folded > 0 {
        format!("ほかに期間内処分と同じ案件 {folded}件は上の行で数えています。")
    } else {
        String::new()
    };
    vec![
        Todo::new(
            "新たな要対応",
            night.new_total(),
            Sheet::Findings,
            format!(
                "前回のまとめメール以降に新しく出たものです（未提出の報告 {}件、期間内処分 {}件、要確認 {}件）。職員あてのまとめメールと同じ数です。",
                overdue, early, findings
            ),
        ),
        Todo::new(
            "未提出の雇用状況報告",
            night.facts.overdue.len(),
            Sheet::EmploymentReports,
            format!(
                "うち新規 {}件。提出期限を過ぎた報告です。最終通知と次回予定を見て、必要なら担当者に電話で連絡してください。",
                overdue
            ),
        ),
        Todo::new(
            "制限期間内の処分",
            night.facts.early_disposals.len(),
            Sheet::Restrictions,
            format!(
                "うち新規 {}件。承認のない処分です。返還額（目安）を確認し、事業者に連絡してください。",
                early
            ),
        ),
        Todo::new(
            "要確認",
            results.findings.len(),
            Sheet::Findings,
            format!(
                "うち新規 {}件（区分「新規」、上に並べています）。{same_case}内容を確認してください。",
                findings
            ),
        ),
        Todo::new(
            "解消",
            night.resolved.len(),
            Sheet::Overview,
            "前回までのまとめメールに載せ、原因がなくなったものです（下の「解消」に一覧）。"
                .to_string(),
        ),
    ]
}

/// 送れなかったメール: reminders still queued or in doubt, and those with no
/// usable address (staff post or phone those).
fn unsent_todo(mail: Option<Mail<'_>>) -> Todo {
    let (failed, unaddressed) = mail.map_or((0, 0), |m| {
        let unaddressed = m
            .rows
            .iter()
            .filter(|r| r.result.outcome == crate::model::MailOutcome::NotSent)
            .count();
        (m.counts.queued + m.counts.uncertain, unaddressed)
    });
    Todo::new(
        "送れなかったメール",
        failed + unaddressed,
        Sheet::Notifications,
        format!(
            "送信待ち・送信不明 {failed}件、宛先不備 {unaddressed}件。宛先不備は郵送や電話で連絡してください。"
        ),
    )
}

/// 除外した入力行: rows left out for a bad cell, back in once the file is fixed.
fn rejected_todo(ingested: &Ingested) -> Todo {
    Todo::new(
        "除外した入力行",
        ingested.summaries.iter().map(|s| s.rejected).sum(),
        Sheet::InputErrors,
        format!(
            "入力エラー {}件。元のファイルを直すと次回の実行で取り込まれます。",
            ingested.inputs.errors.len()
        ),
    )
}

/// 解消: flags a delivered digest named whose cause is gone tonight, the
/// lines the digest lists under ■ 解消.
fn resolved_section(night: &Night) -> Option<Section> {
    (!night.resolved.is_empty()).then(|| Section {
        title: format!("解消（{}件）", night.resolved.len()),
        columns: vec!["前回までのまとめメールに載せ、原因がなくなったもの".to_string()],
        rows: night
            .resolved
            .iter()
            .map(|r| vec![Cell::text(r.text())])
            .collect(),
        span_last: 0,
    })
}

/// Each input's path as read and the name staff know it by, for the inputs
/// whose job section sets `display` (a Windows share's path, say).
pub(super) fn display_names(job: &Job) -> Vec<(String, String)> {
    job.inputs
        .values()
        .filter_map(|i| Some((i.path.display().to_string(), i.display.clone()?)))
        .collect()
}

fn inputs_section(job: &Job, ingested: &Ingested) -> Section {
    let names = display_names(job);
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
                    {
                        let file = s.file.display().to_string();
                        match names.iter().find(|(path, _)| *path == file) {
                            Some((_, shown)) => Cell::text(shown.clone()),
                            None => Cell::text(file),
                        }
                    },
                    Cell::text(
                        crate::model::shown_sheet(&s.file.to_string_lossy(), &s.sheet).to_string(),
                    ),
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
    // Each count is named by its sheet and the word that sheet shows (the
    // enums' labels), so a reworded 判定 or 状況 cannot leave 概要 behind.
    let on = |sheet: Sheet, label: &str| format!("{}: {label}", sheet.name());
    let verdict = |v: Verdict| {
        let n = results.assessed.iter().filter(|a| a.verdict == v).count();
        (on(Sheet::Verification, v.label()), count(n))
    };
    let report = |s: ReportState| {
        let n = results.ledger.iter().filter(|r| r.state == s).count();
        (on(Sheet::EmploymentReports, s.label()), count(n))
    };
    let asset = |s: AssetState| {
        let n = results.restrictions.iter().filter(|r| r.state == s).count();
        (on(Sheet::Restrictions, s.label()), count(n))
    };
    let mut pairs = vec![
        (
            format!("{}（件）", Sheet::InputErrors.name()),
            count(ingested.inputs.errors.len()),
        ),
        (
            format!("{}（件）", Sheet::Findings.name()),
            count(results.findings.len()),
        ),
    ];
    pairs.extend(
        [
            Verdict::Over,
            Verdict::Under,
            Verdict::NotEligible,
            Verdict::CannotCompute,
        ]
        .map(verdict),
    );
    pairs.extend(
        [
            ReportState::Missing,
            ReportState::Late,
            ReportState::NotYetDue,
            ReportState::RecordedWithError,
        ]
        .map(report),
    );
    pairs.push(asset(AssetState::EarlyDisposal));
    pairs.extend(rule_check_pairs(results, on));
    Section::pairs("件数", pairs)
}

/// 推定 (last year's figures, awaiting the city), 繰越・未確認 (a later FY
/// judged by the last confirmed FY's figures: the city adds that FY's) and
/// 未確認 (a rule the city has not confirmed) are different asks of staff:
/// counted apart, in the words of 算定検証's ルール確認, each only when any.
fn rule_check_pairs(
    results: &Results,
    on: impl Fn(Sheet, &str) -> String,
) -> Vec<(String, Cell<'static>)> {
    let based = |basis: RuleBasis| {
        results
            .assessed
            .iter()
            .filter(|a| a.basis == Some(basis))
            .count()
    };
    let unverified = results
        .assessed
        .iter()
        .filter(|a| {
            a.unverified
                && !matches!(
                    a.basis,
                    Some(RuleBasis::Assumed | RuleBasis::CarriedForward)
                )
        })
        .count();
    [
        (
            format!("{}（過年度の額）", RuleBasis::Assumed.label()),
            based(RuleBasis::Assumed),
        ),
        (
            RuleBasis::CarriedForward.label().to_string(),
            based(RuleBasis::CarriedForward),
        ),
        (RuleBasis::Unverified.label().to_string(), unverified),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(label, n)| {
        (
            on(Sheet::Verification, &format!("ルール確認 {label}")),
            count(n),
        )
    })
    .collect()
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
