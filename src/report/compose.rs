//! Composes the workbook from a run's results: which sheets, and what 概要
//! says ([`overview_sections`]). Laying the cells out is [`super::table`]
//! and [`super::overview`].

mod overview_sections;

use chrono::NaiveDate;

use super::print::PrintMeta;
use super::sheet::Sheet;
use super::{Report, history, sheets, totals_sheets};
use crate::evaluation::Results;
use crate::ingest::Ingested;
use crate::job::Job;
use crate::model::{MailCounts, NotificationRow};
use crate::night::{Night, Standing};
use crate::state::outbox::OutboxEntry;
use overview_sections::{display_names, overview};

/// The workbook's title: the page header of every sheet and its properties.
pub(crate) const TITLE: &str = "補助金 集計・督促";

/// What the night did with mail, as the workbook shows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mail<'a> {
    pub rows: &'a [NotificationRow],
    pub counts: MailCounts,
    /// The outbox's rows after tonight's sends: each report's last reminder
    /// and the next one on 雇用状況報告.
    pub outbox: &'a [OutboxEntry],
}

/// The run a workbook is for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run<'a> {
    pub job: &'a Job,
    pub as_of: NaiveDate,
    pub dry_run: bool,
    /// Why tonight's grantee reminders were held (`model::MailHold::lines`);
    /// empty on a normal night.
    pub hold: &'a [String],
    /// The night's one summary (new, continuing, resolved), which the staff
    /// digest renders too.
    pub night: &'a Night,
    /// When the run started (Tokyo time): the footer's 作成日時.
    pub created: Option<chrono::NaiveDateTime>,
}

/// Assembles the workbook.
pub(crate) fn workbook<'a>(
    run: Run<'a>,
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
    let mut tables = vec![
        totals_sheets::fiscal_year_table(&results.by_fiscal_year),
        totals_sheets::company_table(&results.by_company),
        sheets::verification(&results.assessed, &ingested.inputs.applications),
        sheets::employment_reports(
            &results.ledger,
            sent,
            run.as_of,
            &ingested.inputs.applications,
        ),
        sheets::restrictions(&results.restrictions, &ingested.inputs.applications),
        sheets::findings(
            &results.findings,
            &run.night.findings,
            &ingested.inputs.applications,
        ),
        notices,
        sheets::input_errors(
            &ingested.inputs.errors,
            &ingested.inputs.warnings,
            &display_names(run.job),
        ),
    ];
    colour_tabs(&mut tables, run.night);
    Report {
        overview: overview(run, ingested, results, mail),
        tables,
        meta: PrintMeta {
            title: TITLE.into(),
            as_of: Some(run.as_of),
            created: run.created,
        },
    }
}

/// A tab is coloured only when its sheet holds something new tonight: the
/// same 超過, overdue report or early disposal every night taught staff to
/// ignore the colour. (要確認, 通知 and 入力エラー colour themselves: a new
/// row, tonight's unsent mail, tonight's rejected rows.)
fn colour_tabs(tables: &mut [crate::report::table::Table<'_>], night: &Night) {
    let new = |s: &[crate::night::Status]| s.iter().any(|s| s.standing == Standing::New);
    let new_over = night
        .facts
        .findings
        .iter()
        .zip(&night.findings)
        .any(|(f, s)| {
            f.kind == Some(crate::model::FindingKind::AmountOver) && s.standing == Standing::New
        });
    for t in tables {
        match t.sheet {
            Sheet::Verification => t.needs_action = new_over,
            Sheet::EmploymentReports => t.needs_action = new(&night.overdue),
            Sheet::Restrictions => t.needs_action = new(&night.disposals),
            _ => {}
        }
    }
}
