use super::*;
use crate::testing::application;

#[test]
fn input_errors_go_in_file_sheet_row_order() {
    let e = |file: &str, cell: &str| InputError {
        file: file.into(),
        sheet: "S".into(),
        cell: cell.into(),
        column: String::new(),
        value: String::new(),
        reason: String::new(),
        application_id: String::new(),
        company: String::new(),
        effect: String::new(),
    };
    let mut other = e("a.xlsx", "A3");
    other.sheet = "A".into();
    let errors = [
        e("b.xlsx", "A2"),
        e("a.xlsx", "B10"),
        other,
        e("a.xlsx", "C9"),
        e("a.xlsx", "A10"),
    ];
    let t = input_errors(&errors, &[], &[]);
    let got: Vec<(Cell, Cell)> = t
        .rows
        .iter()
        .map(|r| (r[4].clone(), r[6].clone()))
        .collect();
    // Sheet S was read first in a.xlsx, so its rows lead although "A"
    // sorts before it by name.
    let want = [
        ("a.xlsx", "C9"),
        ("a.xlsx", "A10"),
        ("a.xlsx", "B10"),
        ("a.xlsx", "A3"),
        ("b.xlsx", "A2"),
    ]
    .map(|(f, c)| (Cell::text(f), Cell::text(c)));
    assert_eq!(got, want);
    assert_eq!(cell_order("AA10"), (10, 27));
    assert!(t.needs_action);
}

#[test]
fn findings_put_new_rows_first_with_their_first_night_and_contacts() {
    use crate::model::FindingKind;
    let day = |d| NaiveDate::from_ymd_opt(2024, 5, d).unwrap_or_default();
    let finding = |id: &str| Finding {
        application_id: id.into(),
        company: format!("{id}社").into(),
        kind: FindingKind::AmountOver,
        detail: "超過".into(),
    };
    let status = |standing, d| Status {
        standing,
        first_seen: day(d),
        replaces: None,
        folded: false,
    };
    let rows = [finding("A-1"), finding("A-2")];
    let statuses = [status(Standing::Continuing, 1), status(Standing::New, 9)];
    let apps = [application("A-2", "中小企業強靭化推進補助金")
        .company("A-2社")
        .contact("綾瀬 花子")
        .email("a2@example.jp")
        .applied_on(day(1))
        .cost(1)
        .records(crate::model::AppRecords {
            phone: Some("0467-70-0002".into()),
            ..Default::default()
        })
        .build()];
    let t = findings(&rows, &statuses, &apps);
    let row = |i: usize| t.rows.get(i).to_vec();
    assert_eq!(row(0)[0], Cell::text("A-2"), "the new row first");
    assert_eq!(row(0)[2], Cell::tag("新規"));
    assert_eq!(row(0)[5], Cell::Date(day(9)));
    assert_eq!(
        row(0)[6..],
        [
            Cell::text("綾瀬 花子"),
            Cell::text("a2@example.jp"),
            Cell::text("0467-70-0002")
        ]
    );
    assert_eq!(row(1)[2], Cell::tag("継続"));
    assert_eq!(row(1)[5], Cell::Date(day(1)));
    assert_eq!(row(1)[6..], [Cell::Empty, Cell::Empty, Cell::Empty]);
    assert!(t.needs_action, "a new row colours the tab");
    let quiet = findings(&rows[..1], &statuses[..1], &apps);
    assert!(!quiet.needs_action, "continuing rows alone do not");
}

#[test]
fn verification_pairs_each_assessment_with_its_own_application() {
    use crate::model::{AppStatus, RowOrigin};
    let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap_or_default();
    let app = |id: &str, company: &str, status| Application {
        id: id.into(),
        program: "中小企業強靭化推進補助金".into(),
        program_id: crate::model::ProgramId::at(0),
        course: None,
        company: company.into(),
        corporate_number: None,
        address: None,
        contact: None,
        email: None,
        applied_on: day,
        decided_on: None,
        completed_on: None,
        eligible_cost: 1,
        decided_amount: None,
        final_amount: None,
        status,
        members: None,
        persons: None,
        persons_women: None,
        persons_disabled: None,
        records: crate::model::AppRecords::default(),
        origin: RowOrigin::default(),
    };
    let apps = [
        app("A-1", "甲工業", AppStatus::Pending),
        app("A-2", "乙製作所", AppStatus::Withdrawn),
        app("A-3", "丙精機", AppStatus::Rejected),
    ];
    let mut assessed = crate::rules::assess(&crate::catalogue::Catalogue::builtin(), &apps);
    // In another order than the applications: each row still shows its own.
    assessed.reverse();
    let t = verification(&assessed, &apps);
    let got: Vec<[Cell; 3]> = t
        .rows
        .iter()
        .map(|r| [r[0].clone(), r[1].clone(), r[3].clone()])
        .collect();
    let want = [
        ("A-3", "丙精機", AppStatus::Rejected),
        ("A-2", "乙製作所", AppStatus::Withdrawn),
        ("A-1", "甲工業", AppStatus::Pending),
    ]
    .map(|(id, company, status)| {
        [
            Cell::text(id),
            Cell::text(company),
            Cell::text(status.label()),
        ]
    });
    assert_eq!(got, want);
}

#[test]
fn the_notification_sheet_has_the_contract_columns() {
    let rows = [NotificationRow {
        at: "2024-05-01T02:30:05+09:00".into(),
        to: "a@example.jp".into(),
        subject: "件名".into(),
        kind: crate::model::MailKind::Reminder(crate::model::Stage::Tokusoku),
        result: crate::model::MailResult::new(crate::model::MailOutcome::Sent, "送信済"),
        application_id: "A-1".into(),
        company: "株式会社テスト".into(),
        report_fy: Some(2024),
        message_id: Some("<x@example.jp>".into()),
    }];
    let t = notifications(&rows);
    assert_eq!(t.sheet, Sheet::Notifications);
    assert_eq!(
        t.columns,
        vec![
            "申請番号",
            "事業者名",
            "報告年度",
            "種別",
            "結果",
            "日時",
            "宛先",
            "件名",
            "ファイル・Message-ID",
        ]
    );
    let at = NaiveDate::from_ymd_opt(2024, 5, 1)
        .and_then(|d| d.and_hms_opt(2, 30, 5))
        .map(Cell::DateTime);
    assert_eq!(
        *t.rows.get(0),
        vec![
            Cell::text("A-1"),
            Cell::text("株式会社テスト"),
            Cell::Fy(2024),
            Cell::tag("督促"),
            Cell::text("送信済"),
            at.unwrap_or(Cell::Empty),
            Cell::text("a@example.jp"),
            Cell::text("件名"),
            Cell::text("<x@example.jp>"),
        ]
    );
    let preview = NotificationRow {
        result: crate::model::MailResult::new(
            crate::model::MailOutcome::Previewed,
            "試行（.eml出力）: 2024-05-01_A-1_2024_tokusoku.eml",
        ),
        message_id: None,
        ..rows[0].clone()
    };
    let t = notifications(std::slice::from_ref(&preview));
    assert_eq!(t.rows.get(0)[4], Cell::text("試行（.eml出力）"));
    assert_eq!(
        t.rows.get(0)[8],
        Cell::text("2024-05-01_A-1_2024_tokusoku.eml")
    );
}
