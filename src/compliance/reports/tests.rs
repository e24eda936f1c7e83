//! Table tests of the employment-report ledger.

#![allow(clippy::unwrap_used)] // a panic in a test is a failed test

use super::*;
use crate::model::{AppStatus, RowOrigin};
use crate::testing::application;

const DIVERSITY: &str = "ダイバーシティ経営推進補助金";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn app_of(id: &str, program: &str, status: AppStatus, decided: NaiveDate) -> Application {
    application(id, program)
        .company(&format!("{id}工業株式会社"))
        .email(&format!("{}@example.jp", id.to_lowercase()))
        .applied_on(date(2022, 4, 1))
        .decided_on(Some(decided))
        .cost(1_200_000)
        .decided_amount(Some(800_000))
        .status(status)
        .build()
}

fn app(id: &str, decided: NaiveDate) -> Application {
    app_of(id, DIVERSITY, AppStatus::Decided, decided)
}

fn duty() -> ReportingDuty {
    ReportingDuty {
        program: DIVERSITY.to_string(),
        name: "採用状況報告".to_string(),
        month: 4,
        day: 30,
        shift: crate::model::DueShift::NextOpenDay,
        basis: None,
        years_after: vec![1, 2],
        forms: vec![Form::named("第10号様式"), Form::named("第11号様式")],
        attachments: vec![],
        grace_open_days: 3,
        transition: None,
        notes_hires: false,
    }
}

fn report(id: &str, fy: FiscalYear, received_on: NaiveDate) -> EmploymentReport {
    EmploymentReport {
        application_id: id.to_string(),
        report_fy: fy,
        received_on,
        hires_women: Some(1),
        hires_disabled: Some(0),
        origin: RowOrigin::default(),
    }
}

/// (id, report FY, due, state) of each row, for compact comparisons.
fn summary(rows: &[ReportDue]) -> Vec<(String, FiscalYear, NaiveDate, ReportState)> {
    rows.iter()
        .map(|r| (r.application_id.to_string(), r.report_fy, r.due, r.state))
        .collect()
}

#[test]
fn state_labels() {
    let labels: Vec<&str> = [
        ReportState::Submitted,
        ReportState::Late,
        ReportState::Missing,
        ReportState::NotYetDue,
    ]
    .map(ReportState::label)
    .to_vec();
    assert_eq!(labels, ["提出済", "期限後提出", "未提出", "期限前"]);
}

/// Decision 2022-06-10 (FY2022): the FY2023 report is due 2023-04-30, a
/// Sunday, so 2023-05-01.
#[test]
fn states_around_the_shifted_deadline() {
    use ReportState::*;
    let cases = [
        // (received, as-of, state, 受付日 shown)
        (vec![], date(2023, 4, 1), NotYetDue, None),
        (vec![], date(2023, 4, 30), NotYetDue, None),
        (vec![], date(2023, 5, 1), NotYetDue, None),
        (vec![], date(2023, 5, 2), Missing, None),
        (
            vec![date(2023, 5, 1)],
            date(2023, 5, 1),
            Submitted,
            Some(date(2023, 5, 1)),
        ),
        (
            vec![date(2023, 4, 10)],
            date(2023, 4, 10),
            Submitted,
            Some(date(2023, 4, 10)),
        ),
        (
            vec![date(2023, 3, 20)],
            date(2023, 4, 1),
            Submitted,
            Some(date(2023, 3, 20)),
        ),
        (
            vec![date(2023, 5, 2)],
            date(2023, 6, 1),
            Late,
            Some(date(2023, 5, 2)),
        ),
        // Received after the as-of date: that night had not seen it.
        (vec![date(2023, 5, 10)], date(2023, 5, 9), Missing, None),
        (vec![date(2023, 4, 20)], date(2023, 4, 19), NotYetDue, None),
        // Two reports for one duty: the earliest counts.
        (
            vec![date(2023, 5, 8), date(2023, 4, 28)],
            date(2023, 6, 1),
            Submitted,
            Some(date(2023, 4, 28)),
        ),
        (
            vec![date(2023, 5, 8), date(2023, 5, 3)],
            date(2023, 6, 1),
            Late,
            Some(date(2023, 5, 3)),
        ),
    ];
    let apps = [app("D-001", date(2022, 6, 10))];
    for (dates, as_of, want_state, want_received) in cases {
        let received: Vec<_> = dates.iter().map(|d| report("D-001", 2023, *d)).collect();
        let rows = ledger(&apps, &received, &[duty()], as_of);
        assert_eq!(rows.len(), 1, "as of {as_of}");
        assert_eq!(rows[0].due, date(2023, 5, 1));
        assert_eq!(rows[0].state, want_state, "{dates:?} as of {as_of}");
        assert_eq!(
            rows[0].received_on, want_received,
            "{dates:?} as of {as_of}"
        );
    }
}

#[test]
fn a_row_carries_the_grant_and_the_duty() {
    let rows = ledger(
        &[app("D-007", date(2022, 6, 10))],
        &[report("D-007", 2023, date(2023, 4, 25))],
        &[duty()],
        date(2023, 4, 26),
    );
    let want = ReportDue {
        application_id: "D-007".into(),
        company: "D-007工業株式会社".into(),
        email: Some("d-007@example.jp".into()),
        contact_name: None,
        program: DIVERSITY.into(),
        report_name: "採用状況報告".into(),
        forms: vec![Form::named("第10号様式"), Form::named("第11号様式")].into(),
        attachments: vec![].into(),
        decision_fy: 2022,
        decided_on: date(2022, 6, 10),
        round: 1,
        rounds: 2,
        grace_open_days: 3,
        report_fy: 2023,
        due: date(2023, 5, 1),
        nominal_due: date(2023, 4, 30),
        due_shift: crate::model::DueShift::NextOpenDay,
        due_basis: None,
        received_on: Some(date(2023, 4, 25)),
        received_later: None,
        state: ReportState::Submitted,
        remarks: Default::default(),
    };
    assert_eq!(rows, vec![want]);
}

#[test]
fn decision_in_march_or_april() {
    use ReportState::NotYetDue;
    let as_of = date(2025, 4, 1);
    let cases = [
        // 2023-03-31 is FY2022: reports FY2023 (4/30 Sunday → 5/1) and FY2024.
        (
            date(2023, 3, 31),
            2022,
            vec![(2023, date(2023, 5, 1)), (2024, date(2024, 4, 30))],
        ),
        // 2023-04-01 is FY2023: reports FY2024 and FY2025.
        (
            date(2023, 4, 1),
            2023,
            vec![(2024, date(2024, 4, 30)), (2025, date(2025, 4, 30))],
        ),
    ];
    for (decided, decision_fy, want) in cases {
        let rows = ledger(&[app("D-001", decided)], &[], &[duty()], as_of);
        let got: Vec<_> = rows.iter().map(|r| (r.report_fy, r.due)).collect();
        assert_eq!(got, want, "decided {decided}");
        assert!(rows.iter().all(|r| r.decision_fy == decision_fy));
        let last = rows.last().unwrap();
        let want_last = if decision_fy == 2023 {
            NotYetDue
        } else {
            ReportState::Missing
        };
        assert_eq!(last.state, want_last, "decided {decided}");
    }
}

#[test]
fn only_standing_grants_owe_reports() {
    let cases = [
        (AppStatus::Decided, 2),
        (AppStatus::Final, 2),
        (AppStatus::Cancelled, 0),
        (AppStatus::Rejected, 0),
        (AppStatus::Withdrawn, 0),
        (AppStatus::Pending, 0),
    ];
    for (status, want) in cases {
        let apps = [app_of("D-001", DIVERSITY, status, date(2022, 6, 10))];
        let rows = ledger(&apps, &[], &[duty()], date(2025, 1, 1));
        assert_eq!(rows.len(), want, "{status:?}");
    }
    let mut undecided = app("D-002", date(2022, 6, 10));
    undecided.decided_on = None;
    assert!(ledger(&[undecided], &[], &[duty()], date(2025, 1, 1)).is_empty());
}

#[test]
fn rows_appear_once_the_due_month_begins() {
    let apps = [app("D-001", date(2023, 6, 1))];
    let cases = [
        (date(2024, 3, 31), vec![]),
        (date(2024, 4, 1), vec![2024]),
        (date(2025, 3, 31), vec![2024]),
        (date(2025, 4, 1), vec![2024, 2025]),
    ];
    for (as_of, want) in cases {
        let got: Vec<_> = ledger(&apps, &[], &[duty()], as_of)
            .iter()
            .map(|r| r.report_fy)
            .collect();
        assert_eq!(got, want, "as of {as_of}");
    }
}

#[test]
fn programs_without_a_duty_owe_nothing() {
    let apps = [
        app_of(
            "K-001",
            "設備投資補助金",
            AppStatus::Final,
            date(2022, 6, 10),
        ),
        app("D-001", date(2022, 6, 10)),
    ];
    let rows = ledger(&apps, &[], &[duty()], date(2025, 1, 1));
    let ids: Vec<_> = rows.iter().map(|r| r.application_id.as_str()).collect();
    assert_eq!(ids, ["D-001", "D-001"]);
    assert!(ledger(&apps, &[], &[], date(2025, 1, 1)).is_empty());
}

#[test]
fn sorted_by_due_then_application() {
    use ReportState::{Missing, NotYetDue};
    let apps = [
        app("D-003", date(2022, 6, 10)),
        app("D-001", date(2023, 6, 10)),
        app("D-002", date(2023, 2, 15)),
    ];
    let rows = ledger(&apps, &[], &[duty()], date(2025, 4, 1));
    let s = |id: &str, fy, due, st| (id.to_string(), fy, due, st);
    let want = vec![
        s("D-002", 2023, date(2023, 5, 1), Missing),
        s("D-003", 2023, date(2023, 5, 1), Missing),
        s("D-001", 2024, date(2024, 4, 30), Missing),
        s("D-002", 2024, date(2024, 4, 30), Missing),
        s("D-003", 2024, date(2024, 4, 30), Missing),
        s("D-001", 2025, date(2025, 4, 30), NotYetDue),
    ];
    assert_eq!(summary(&rows), want);
}

#[test]
fn due_dates_in_january_to_march_fall_in_the_next_calendar_year() {
    let with = |month, day| ReportingDuty {
        month,
        day,
        years_after: vec![1],
        ..duty()
    };
    let cases = [
        // FY2023's March 31 is 2024-03-31, a Sunday → Monday 4/1.
        (with(3, 31), Some(date(2024, 3, 31)), date(2024, 4, 1)),
        // February 30 means the month's last day (2024 is a leap year).
        (with(2, 30), Some(date(2024, 2, 29)), date(2024, 2, 29)),
        // June 31 → June 30, 2023, a Friday.
        (with(6, 31), Some(date(2023, 6, 30)), date(2023, 6, 30)),
        (with(4, 30), Some(date(2023, 4, 30)), date(2023, 5, 1)),
    ];
    for (d, nominal, due) in cases {
        assert_eq!(nominal_due(&d, 2023), nominal, "{}/{}", d.month, d.day);
        let rows = ledger(
            &[app("D-001", date(2022, 6, 10))],
            &[],
            std::slice::from_ref(&d),
            date(2024, 12, 31),
        );
        assert_eq!(rows.len(), 1, "{}/{}", d.month, d.day);
        assert_eq!(rows[0].due, due, "{}/{}", d.month, d.day);
    }
    assert_eq!(nominal_due(&with(13, 1), 2023), None);
    assert_eq!(nominal_due(&with(0, 1), 2023), None);
    assert_eq!(nominal_due(&with(4, 30), i32::MAX), None);
}

#[test]
fn stray_reports_are_flagged() {
    let apps = [
        app("D-001", date(2022, 6, 10)),
        app_of("D-002", DIVERSITY, AppStatus::Cancelled, date(2022, 6, 10)),
        app_of(
            "K-001",
            "設備投資補助金",
            AppStatus::Final,
            date(2022, 6, 10),
        ),
    ];
    let received = [
        report("D-001", 2023, date(2023, 4, 20)),
        report("D-001", 2024, date(2024, 4, 20)),
        report("D-001", 2025, date(2025, 4, 10)),
        report("D-002", 2023, date(2023, 4, 20)),
        report("K-001", 2023, date(2023, 4, 21)),
        report("X-999", 2023, date(2023, 4, 22)),
        // After the as-of date: not yet seen.
        report("D-001", 2026, date(2025, 6, 1)),
    ];
    let got = stray_reports(&apps, &received, &[duty()], date(2025, 5, 31));
    let finding = |id: &str, company: &str, kind: &str, detail: &str| Finding {
        application_id: id.into(),
        company: company.into(),
        kind: crate::model::FindingKind::ALL
            .into_iter()
            .find(|k| k.label() == kind)
            .expect("a finding kind's label"),
        detail: detail.into(),
    };
    let want = vec![
        finding(
            "D-001",
            "D-001工業株式会社",
            "報告年度不一致",
            "令和7年度の雇用状況報告（令和7年4月10日受付）は、この申請で提出が必要な報告年度（令和5年度・令和6年度）のいずれにも当たりません。報告年度を確認してください。",
        ),
        finding(
            "D-002",
            "D-002工業株式会社",
            "報告対象外",
            "令和5年度の雇用状況報告（令和5年4月20日受付）がありますが、この申請（ダイバーシティ経営推進補助金、状態：取消）には雇用状況報告の提出義務がありません。",
        ),
        finding(
            "K-001",
            "K-001工業株式会社",
            "報告対象外",
            "令和5年度の雇用状況報告（令和5年4月21日受付）がありますが、この申請（設備投資補助金、状態：確定）には雇用状況報告の提出義務がありません。",
        ),
        finding(
            "X-999",
            "",
            "申請番号不明",
            "令和5年度の雇用状況報告（令和5年4月22日受付）の申請番号X-999は申請一覧にありません。申請番号を確認してください。",
        ),
    ];
    assert_eq!(got, want);
}

/// Issue 12: the due day's shift is a catalogue setting per duty (city policy, not the
/// 要綱's words). 2023-04-30 is a Sunday: a report received Monday 2023-05-01 is on time
/// under "next open day", late under "none" and under "previous open day" (Friday 04-28).
#[test]
fn the_shift_setting_changes_a_reports_status() {
    let apps = [app("S-1", date(2022, 6, 10))];
    let received = [report("S-1", 2023, date(2023, 5, 1))];
    let as_of = date(2023, 5, 10);
    let cases = [
        (
            DueShift::NextOpenDay,
            date(2023, 5, 1),
            ReportState::Submitted,
        ),
        (DueShift::None, date(2023, 4, 30), ReportState::Late),
        (
            DueShift::PreviousOpenDay,
            date(2023, 4, 28),
            ReportState::Late,
        ),
    ];
    for (shift, due, state) in cases {
        let mut d = duty();
        d.shift = shift;
        d.basis = Some("市の運用".into());
        let rows = ledger(&apps, &received, &[d], as_of);
        assert_eq!(rows[0].due, due, "{shift:?}");
        assert_eq!(rows[0].state, state, "{shift:?}");
        assert_eq!(rows[0].nominal_due, date(2023, 4, 30));
        assert_eq!(rows[0].due_shift, shift);
        assert_eq!(rows[0].due_basis.as_deref(), Some("市の運用"));
    }
}
fn rejected(id: &str, fy: Option<FiscalYear>, received_on: Option<NaiveDate>) -> RejectedReport {
    RejectedReport {
        application_id: id.to_string(),
        report_fy: fy,
        received_on,
        origin: RowOrigin {
            file: "reports.csv".into(),
            sheet: "employment_reports".into(),
            row: 6,
        },
    }
}

#[test]
fn a_rejected_row_holds_the_reports_it_may_be() {
    let as_of = date(2024, 6, 10);
    // Decided FY2022: owes FY2023 and FY2024; neither received.
    let apps = [app("D-1", date(2022, 6, 10)), app("D-2", date(2022, 6, 10))];
    let fresh = || ledger(&apps, &[], &[duty()], as_of);
    assert!(fresh().iter().all(|r| r.state == ReportState::Missing));

    // 報告年度 readable: only that year is held, and 要確認 names the row.
    let mut rows = fresh();
    let found = hold_rejected(&mut rows, &[rejected("D-1", Some(2024), None)], as_of);
    let states: Vec<(&str, FiscalYear, ReportState)> = rows
        .iter()
        .map(|r| (r.application_id.as_str(), r.report_fy, r.state))
        .collect();
    assert_eq!(
        states,
        vec![
            ("D-1", 2023, ReportState::Missing),
            ("D-2", 2023, ReportState::Missing),
            ("D-1", 2024, ReportState::RecordedWithError),
            ("D-2", 2024, ReportState::Missing),
        ]
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, FindingKind::ReportRowRejected);
    assert_eq!(found[0].application_id, "D-1");
    assert!(
        found[0].detail.text().contains("令和6年度の採用状況報告")
            && found[0].detail.text().contains("reports.csvの6行目"),
        "{}",
        found[0].detail
    );
    assert_eq!(
        ReportState::RecordedWithError.label(),
        "受付記録あり（入力エラー）"
    );

    // 報告年度 unreadable: every open report of the application is held.
    let mut rows = fresh();
    let found = hold_rejected(&mut rows, &[rejected("D-2", None, None)], as_of);
    assert_eq!(found.len(), 2);
    assert!(
        found[0].detail.text().contains("報告年度が読めない"),
        "{}",
        found[0].detail
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.state == ReportState::RecordedWithError)
            .map(|r| r.application_id.as_str())
            .collect::<Vec<_>>(),
        vec!["D-2", "D-2"]
    );

    // A row received after the as-of date does not count (re-runs of a past night).
    let mut rows = fresh();
    let later = rejected("D-1", None, Some(date(2024, 6, 11)));
    assert!(hold_rejected(&mut rows, &[later], as_of).is_empty());

    // A report already received is not touched.
    let mut rows = ledger(
        &apps,
        &[report("D-1", 2024, date(2024, 4, 10))],
        &[duty()],
        as_of,
    );
    let found = hold_rejected(&mut rows, &[rejected("D-1", None, None)], as_of);
    assert_eq!(found.len(), 1, "only FY2023 is open");
    assert!(
        rows.iter()
            .any(|r| r.report_fy == 2024 && r.state == ReportState::Submitted)
    );
}

/// Issue 22 items 7 and 14: under the R3 附則 ("なお従前の例による") a grant decided before
/// 2021-04-01 owes its reports only by assumption (推定, not mailed) unless the catalogue
/// confirms the duty for its FY; grants decided from 2021-04-01, and those of 2022-01-13..
/// 2022-03-31 (the R4 附則 applies the current 要綱 from 2022-01-13), are not 推定.
#[test]
fn grants_before_the_r3_amendment_owe_their_reports_only_by_assumption() {
    let mut d = duty();
    d.transition = Some(crate::model::Transition {
        decided_before: date(2021, 4, 1),
        source: "令和3年改正附則第2項".into(),
        confirmed_fys: vec![],
    });
    let apps = [
        app("H31", date(2019, 6, 1)),
        app("R3A", date(2021, 3, 31)),
        app("R3B", date(2021, 4, 1)),
        app("R4A", date(2022, 1, 13)),
        app("R4B", date(2022, 3, 31)),
    ];
    let as_of = date(2024, 5, 10);
    let assumed = |duty: &ReportingDuty| -> Vec<(String, FiscalYear, bool)> {
        ledger(&apps, &[], std::slice::from_ref(duty), as_of)
            .into_iter()
            .map(|r| (r.application_id.to_string(), r.report_fy, !r.mailable()))
            .collect()
    };
    let rows = assumed(&d);
    let flagged: Vec<(&str, FiscalYear)> = rows
        .iter()
        .filter(|r| r.2)
        .map(|r| (r.0.as_str(), r.1))
        .collect();
    assert_eq!(
        flagged,
        vec![("H31", 2020), ("H31", 2021), ("R3A", 2021), ("R3A", 2022)]
    );
    assert!(rows.iter().any(|r| r.0 == "R4A" && !r.2));
    assert!(rows.iter().any(|r| r.0 == "R4B" && !r.2));
    let row = ledger(&apps[..1], &[], std::slice::from_ref(&d), as_of).remove(0);
    assert_eq!(
        row.remarks.text().unwrap(),
        "推定：令和3年4月1日より前（令和元年6月1日）の交付決定は改正前の要綱によります（令和3年改正附則第2項）。この報告義務は市の確認待ちのため、督促メールは送りません。"
    );
    // The city confirms the old 要綱's duty for FY2020 decisions: R3A (FY2020) is mailed again.
    if let Some(t) = d.transition.as_mut() {
        t.confirmed_fys = vec![2020];
    }
    let rows = assumed(&d);
    assert!(rows.iter().filter(|r| r.0 == "R3A").all(|r| !r.2));
    assert!(rows.iter().filter(|r| r.0 == "H31").all(|r| r.2));
}
