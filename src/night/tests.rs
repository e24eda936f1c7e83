//! The summary's rules on lists of flags, without a state file.

use chrono::NaiveDate;

use super::{Night, Section, Standing, summarise};
use crate::model::{FindingKind, MailCounts};
use crate::night::{DigestFacts, DigestItem};
use crate::state::KnownFlag;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, d).unwrap_or_default()
}

fn facts(
    overdue: Vec<DigestItem>,
    disposals: Vec<DigestItem>,
    findings: Vec<DigestItem>,
) -> DigestFacts {
    DigestFacts {
        job: "nightly".into(),
        description: "毎晩の集計・督促".into(),
        as_of: day(10),
        rejected_rows: 0,
        input_errors: 0,
        overdue,
        early_disposals: disposals,
        findings,
        mails: MailCounts::default(),
        mail_lines: Vec::new(),
        hold: Vec::new(),
    }
}

fn overdue(app: &str) -> DigestItem {
    DigestItem {
        key: format!("{app}/2024/採用状況報告"),
        line: format!("{app} 未提出"),
        case: super::case(Section::Overdue, app, None),
        kind: None,
    }
}

fn disposal(app: &str, asset: &str) -> DigestItem {
    DigestItem {
        key: format!("{app}/{asset}"),
        line: format!("{app} 財産番号 {asset}"),
        case: super::case(Section::Disposal, app, None),
        kind: None,
    }
}

fn finding(app: &str, kind: FindingKind, hash: &str) -> DigestItem {
    DigestItem {
        key: format!("{app}/{}/{hash}", kind.code()),
        line: format!("{app} {}", kind.label()),
        case: super::case(Section::Finding, app, Some(kind)),
        kind: Some(kind),
    }
}

fn known(section: Section, item: &DigestItem, on: u32) -> KnownFlag {
    KnownFlag {
        kind: section.code().into(),
        key: item.key.clone(),
        line: item.line.clone(),
        first_reported: day(on).to_string(),
    }
}

#[test]
fn an_early_disposal_and_its_finding_are_one_case() {
    let night = summarise(
        &[],
        facts(
            vec![overdue("A-1")],
            vec![disposal("A-2", "F-1")],
            vec![
                finding("A-2", FindingKind::EarlyDisposal, "aa"),
                finding("A-3", FindingKind::AmountOver, "bb"),
            ],
        ),
    );
    assert_eq!(
        night.new_total(),
        3,
        "A-1, A-2's disposal, A-3: not A-2 twice"
    );
    assert_eq!(night.listed(Section::Finding).new, vec!["A-3 算定額超過"]);
    assert_eq!(night.folded_findings(), 1);
    // The 要確認 row still shows, as new.
    assert_eq!(night.findings[0].standing, Standing::New);
    assert_eq!(night.findings[0].first_seen, day(10));
}

#[test]
fn a_flag_that_changed_kind_is_not_resolved() {
    let before = finding("A-1", FindingKind::NoAddress, "aa");
    let after = finding("A-1", FindingKind::ReportRowRejected, "bb");
    let other = finding("A-9", FindingKind::AmountOver, "cc");
    let night = summarise(
        &[
            known(Section::Finding, &before, 2),
            known(Section::Finding, &other, 3),
        ],
        facts(Vec::new(), Vec::new(), vec![after]),
    );
    assert_eq!(
        night.listed(Section::Finding).new,
        vec!["A-1 報告行の入力エラー（前回までは「通知先不備」）"]
    );
    assert_eq!(night.resolved.len(), 1, "only A-9's cause is gone");
    assert_eq!(night.resolved[0].text(), "［要確認］A-9 算定額超過");
    assert_eq!(
        night.replaced,
        vec![("finding".to_string(), before.key.clone())]
    );
    assert_eq!(
        night.gone().len(),
        2,
        "both forgotten once a digest said so"
    );
}

#[test]
fn an_overdue_report_whose_row_was_rejected_is_not_resolved() {
    let was = overdue("A-1");
    let night = summarise(
        &[known(Section::Overdue, &was, 1)],
        facts(
            Vec::new(),
            Vec::new(),
            vec![finding("A-1", FindingKind::ReportRowRejected, "aa")],
        ),
    );
    assert!(night.resolved.is_empty());
    assert_eq!(night.findings[0].replaces.as_deref(), Some("未提出の報告"));
}

#[test]
fn a_fixed_address_is_resolved_while_the_report_stays_overdue() {
    let report = overdue("A-1");
    let address = finding("A-1", FindingKind::NoAddress, "aa");
    let night = summarise(
        &[
            known(Section::Overdue, &report, 1),
            known(Section::Finding, &address, 1),
        ],
        facts(vec![report.clone()], Vec::new(), Vec::new()),
    );
    assert_eq!(night.new_total(), 0);
    assert_eq!(night.overdue[0].standing, Standing::Continuing);
    assert_eq!(night.overdue[0].first_seen, day(1));
    assert_eq!(
        night.listed(Section::Overdue).continuing,
        vec!["A-1 未提出"]
    );
    assert_eq!(night.resolved.len(), 1);
}

#[test]
fn stored_keys_give_their_case_even_with_a_slash_in_the_id() {
    let f = finding("R4/204", FindingKind::NoAddress, "aa");
    assert_eq!(
        super::stored_case(&known(Section::Finding, &f, 1)).as_deref(),
        Some("report:R4/204")
    );
    let o = overdue("R4/204");
    assert_eq!(
        super::stored_case(&known(Section::Overdue, &o, 1)).as_deref(),
        Some("report:R4/204")
    );
    let _unused: Option<Night> = None;
}

/// 概要 counts what the digest lists without formatting the lines: the two
/// agree for every section, with a folded finding, a replaced flag and a
/// continuing one among them.
#[test]
fn new_count_is_the_number_of_new_lines_listed() {
    let was = overdue("A-4");
    let continuing = overdue("A-1");
    let night = summarise(
        &[
            known(Section::Overdue, &was, 3),
            known(Section::Overdue, &continuing, 3),
        ],
        facts(
            vec![continuing.clone(), overdue("A-5")],
            vec![disposal("A-2", "F-1")],
            vec![
                finding("A-2", FindingKind::EarlyDisposal, "aa"),
                finding("A-3", FindingKind::AmountOver, "bb"),
                finding("A-4", FindingKind::ReportRowRejected, "cc"),
            ],
        ),
    );
    for section in Section::ALL {
        assert_eq!(
            night.new_count(section),
            night.listed(section).new.len(),
            "{section:?}"
        );
    }
    assert_eq!(
        (
            night.new_count(Section::Overdue),
            night.new_count(Section::Disposal),
            night.new_count(Section::Finding)
        ),
        (1, 1, 2)
    );
}
