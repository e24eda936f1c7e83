//! What a night raised, as both 概要's 本日の対応 and the staff digest list
//! it: each flag with a stable key, the case it is about and (when a digest
//! will print it) its line; tonight's reminders one line each. Built after
//! the evaluation and before the workbook and the mail, so it lives with
//! the night's summary and the mail only renders it.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::calendar::{fy_label, wareki};
use crate::compliance::reports::{ReportDue, ReportState};
use crate::compliance::restriction::{AssetRestriction, AssetState};
use crate::evaluation::Results;
use crate::ingest::Ingested;
use crate::model::{Finding, FindingKind, MailCounts};

/// One flag as the digest lists it: a stable key and a short line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub key: String,
    pub line: String,
    /// The case it is about (see [`crate::night`]): a flag of another kind
    /// on the same case takes its place instead of resolving it.
    pub case: String,
    /// 種別 of a 要確認 row.
    pub kind: Option<FindingKind>,
}

/// Whether the night's overdue reports and 要確認 rows carry the lines the
/// digest prints. Only a digest reads them (and the state file remembers
/// them once a digest went out); 概要 counts and keys its flags, so a night
/// that sends no digest, and the workbook written before the mail, skip
/// formatting a line for each of a national night's hundred thousand flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    Formatted,
    Skipped,
}

impl DigestItem {
    /// The item with its line left empty when `lines` says no digest reads it.
    fn with_lines(self, lines: Lines, line: impl FnOnce() -> String) -> DigestItem {
        match lines {
            Lines::Formatted => DigestItem {
                line: line(),
                ..self
            },
            Lines::Skipped => self,
        }
    }

    /// A report not received by its deadline (状況 未提出).
    pub fn overdue(r: &ReportDue) -> DigestItem {
        Self::overdue_as(r, Lines::Formatted)
    }

    fn overdue_as(r: &ReportDue, lines: Lines) -> DigestItem {
        DigestItem {
            case: super::case(super::Section::Overdue, &r.application_id, None),
            kind: None,
            key: format!("{}/{}/{}", r.application_id, r.report_fy, r.report_name),
            line: String::new(),
        }
        .with_lines(lines, || {
            format!(
                "{} {} {}{}（提出期限 {}）",
                r.application_id,
                r.company,
                fy_label(r.report_fy),
                r.report_name,
                wareki(r.due)
            )
        })
    }

    /// An asset disposed of within its restriction period (期間内処分).
    pub fn disposal(a: &AssetRestriction) -> DigestItem {
        let disposed = a.disposed_on.map(wareki).unwrap_or_default();
        let refund = a
            .refund
            .map(|y| format!("、返還額（目安）{}", crate::format::yen(y)))
            .unwrap_or_default();
        DigestItem {
            case: super::case(super::Section::Disposal, &a.application_id, None),
            kind: None,
            key: format!("{}/{}", a.application_id, a.asset_id),
            line: format!(
                "{} 財産番号 {} {}（処分日 {disposed}{refund}）",
                a.application_id, a.asset_id, a.name
            ),
        }
    }

    /// A 要確認 row; its key covers the detail, so a changed finding is new.
    pub fn finding(f: &Finding) -> DigestItem {
        Self::finding_as(f, Lines::Formatted)
    }

    fn finding_as(f: &Finding, lines: Lines) -> DigestItem {
        DigestItem {
            case: super::case(super::Section::Finding, &f.application_id, Some(f.kind)),
            kind: Some(f.kind),
            key: DigestItem::finding_key(f),
            line: String::new(),
        }
        .with_lines(lines, || {
            format!(
                "{} {} {}: {}",
                f.application_id, f.company, f.kind, f.detail
            )
        })
    }
}

impl DigestItem {
    /// The key of a 要確認 row alone (the workbook counts new rows by it).
    pub fn finding_key(f: &Finding) -> String {
        let digest = Sha256::digest(f.detail.text().as_bytes());
        format!(
            "{}/{}/{}",
            f.application_id,
            f.kind.code(),
            hex::encode(&digest[..8])
        )
    }
}

/// What the digest reports about one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestFacts {
    pub job: String,
    /// The job's `description`, how staff know the job (the subject ends with it).
    pub description: String,
    pub as_of: NaiveDate,
    pub rejected_rows: usize,
    pub input_errors: usize,
    pub overdue: Vec<DigestItem>,
    pub early_disposals: Vec<DigestItem>,
    pub findings: Vec<DigestItem>,
    pub mails: MailCounts,
    /// Tonight's reminders, one line per report (申請番号, 事業者名, stage, result).
    pub mail_lines: Vec<MailLine>,
    /// Why grantee reminders were held tonight (`model::MailHold::lines`):
    /// put above whatever the template writes, so an edited template cannot
    /// leave it out.
    pub hold: Vec<String>,
}

/// One reminder of tonight as the digest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLine {
    /// 申請番号 事業者名 令和6年度採用状況報告 督促
    pub what: String,
    /// The 通知 sheet's 結果.
    pub result: String,
    /// Written as .eml by a dry run, not sent.
    pub previewed: bool,
}

impl MailLine {
    /// The line the digest prints (a dry run's are only 送信予定).
    pub(crate) fn text(&self, dry_run: bool) -> String {
        if dry_run || self.previewed {
            format!("{}：送信予定（試行のため送っていません）", self.what)
        } else {
            format!("{}：{}", self.what, self.result)
        }
    }
}

/// What the staff digest lists: the night's flags and counts.
pub(crate) fn facts(
    job: &crate::job::Job,
    as_of: NaiveDate,
    ingested: &Ingested,
    results: &Results,
    mails: MailCounts,
    mail_lines: Vec<MailLine>,
    lines: Lines,
) -> DigestFacts {
    DigestFacts {
        job: job.name.clone(),
        description: job.description.clone(),
        as_of,
        rejected_rows: ingested.summaries.iter().map(|s| s.rejected).sum(),
        input_errors: ingested.inputs.errors.len(),
        overdue: results
            .ledger
            .iter()
            .filter(|r| r.state == ReportState::Missing)
            .map(|r| DigestItem::overdue_as(r, lines))
            .collect(),
        early_disposals: results
            .restrictions
            .iter()
            .filter(|r| r.state == AssetState::EarlyDisposal)
            .map(DigestItem::disposal)
            .collect(),
        findings: results
            .findings
            .iter()
            .map(|f| DigestItem::finding_as(f, lines))
            .collect(),
        mails,
        mail_lines,
        hold: Vec::new(),
    }
}
