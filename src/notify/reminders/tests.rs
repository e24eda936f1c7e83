use std::path::PathBuf;

use super::*;
use crate::clock::stamp;
use crate::compliance::reports::ReportState;
use crate::job::{EmailSpec, SmtpUrl};
use crate::notify::Mailer;
use crate::state::outbox::Claim;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn due(app: &str, email: Option<&str>, state: ReportState) -> ReportDue {
    ReportDue {
        application_id: app.into(),
        company: format!("{app}株式会社").into(),
        email: email.map(Into::into),
        program: "女性・障がい者雇用環境整備補助金".into(),
        report_name: "採用状況報告".into(),
        forms: vec!["第10号様式".into(), "第11号様式".into()].into(),
        attachments: vec![].into(),
        contact_name: None,
        decision_fy: 2023,
        decided_on: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).unwrap_or_default(),
        round: 1,
        rounds: 2,
        grace_open_days: 3,
        report_fy: 2024,
        due: date(2024, 4, 30),
        nominal_due: date(2024, 4, 30),
        due_shift: crate::model::DueShift::NextOpenDay,
        due_basis: None,
        received_on: None,
        received_later: None,
        state,
        remarks: Default::default(),
    }
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn mailer(templates: Option<PathBuf>) -> Mailer {
    let spec = EmailSpec {
        from: "綾瀬市 工業振興企業誘致課 <kogyo@example.jp>".into(),
        staff: vec!["kogyo@example.jp".into()],
        smtp_url: SmtpUrl::new(format!("smtp://127.0.0.1:{}", dead_port())),
        outbox: PathBuf::from("unused"),
        contact: Some("綾瀬市 工業振興企業誘致課 電話 0467-70-5617".into()),
        reply_to: None,
        submission: None,
        submit_to: None,
        forms_url: None,
        reply_within_days: 14,
        rate_per_minute: 0,
        window: Default::default(),
        timeout_seconds: 2,
        templates,
    };
    Mailer::new(
        &spec,
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates"),
        crate::clock::system(),
    )
    .unwrap()
}

#[test]
fn one_stage_per_report_not_yet_received() {
    let mut late = due("A-3", Some("c@example.jp"), ReportState::Late);
    late.received_on = Some(date(2024, 5, 2));
    let ledger = vec![
        due("A-1", Some("a@example.jp"), ReportState::Missing),
        due("A-1", Some("a@example.jp"), ReportState::Missing),
        due("A-2", Some("b@example.jp"), ReportState::Submitted),
        late,
    ];
    let stages: Vec<(&str, Option<Stage>)> = plan(&ledger, date(2024, 5, 10))
        .into_iter()
        .map(|(r, s)| (r.application_id.as_str(), s))
        .collect();
    assert_eq!(
        stages,
        vec![("A-1", Some(Stage::Tokusoku)), ("A-2", None), ("A-3", None)]
    );
}

#[test]
fn a_dry_run_writes_eml_files_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let outbox = dir.path().join("outbox");
    let ledger = vec![
        due("A-1", Some("a@example.jp"), ReportState::NotYetDue),
        due("A-2", None, ReportState::NotYetDue),
        due("A-3", Some("not an address"), ReportState::NotYetDue),
    ];
    let out = send_reminders(
        &mailer(None),
        &state,
        "nightly",
        &ledger,
        date(2024, 4, 25),
        true,
        &outbox,
    );
    let mut names: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["2024-04-25_A-1_2024_saisoku.eml"]);
    let eml = std::fs::read_to_string(outbox.join(&names[0])).unwrap();
    // The display name (事業者名) is encoded; the address is the data's.
    assert!(
        eml.lines()
            .any(|l| l.starts_with("To: ") && l.ends_with("<a@example.jp>")),
        "{eml}"
    );
    assert!(eml.contains("Auto-Submitted: auto-generated\r\n"), "{eml}");
    assert!(state.outbox_entries().unwrap().is_empty());
    assert_eq!(
        (out.sent, out.queued, out.failed, out.uncertain),
        (0, 0, 0, 0)
    );
    assert!(!out.needs_attention());
    let results: Vec<(&str, &str)> = out
        .rows
        .iter()
        .map(|r| (r.application_id.as_str(), r.result.text.as_str()))
        .collect();
    assert_eq!(
        results,
        vec![
            ("A-1", "試行（.eml出力）: 2024-04-25_A-1_2024_saisoku.eml"),
            ("A-2", "未送信（宛先不備・要確認）"),
            ("A-3", "未送信（宛先不備・要確認）"),
        ]
    );
    assert_eq!(out.findings.len(), 2);
    assert_eq!(out.findings[0].kind, FindingKind::NoAddress);
    assert_eq!(
        out.findings[0].detail,
        "令和6年度の採用状況報告の催促メールを送れません。メールアドレスが登録されていません。申請一覧のメールアドレスを確認し、必要なら郵送や電話で連絡してください。"
    );
    assert!(
        out.findings[1].detail.text().contains("「not an address」"),
        "{:?}",
        out.findings[1]
    );
}

#[test]
fn a_line_break_in_data_bound_for_the_subject_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in [
        "annai.txt",
        "saisoku.txt",
        "tokusoku.txt",
        "saitokusoku.txt",
        "digest.txt",
    ] {
        std::fs::copy(shipped.join(name), templates.join(name)).unwrap();
    }
    std::fs::write(
        templates.join("saisoku.txt"),
        "件名: {{ company }}様 {{ report_name }}\n本文\n",
    )
    .unwrap();
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let mut row = due("A-1", Some("a@example.jp"), ReportState::NotYetDue);
    row.company = "綾瀬精工\r\nBcc: everyone@example.com".into();
    let outbox = dir.path().join("outbox");
    let out = send_reminders(
        &mailer(Some(templates)),
        &state,
        "nightly",
        &[row],
        date(2024, 4, 25),
        false,
        &outbox,
    );
    assert!(!outbox.exists());
    assert!(state.outbox_entries().unwrap().is_empty());
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].kind, FindingKind::InvalidMessage);
    assert!(
        out.findings[0].detail.text().contains("改行"),
        "{:?}",
        out.findings[0]
    );
    assert_eq!(
        out.rows[0].result.text,
        "未送信（件名に使えない文字・要確認）"
    );
}

#[test]
fn a_failed_send_waits_in_its_window_and_expires_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let m = mailer(None);
    let ledger = vec![
        due("A-1", Some("a@example.jp"), ReportState::NotYetDue),
        due("A-2", Some("b@example.jp"), ReportState::NotYetDue),
    ];
    let out = send_reminders(
        &m,
        &state,
        "nightly",
        &ledger,
        date(2024, 4, 25),
        false,
        dir.path(),
    );
    // The relay is down: the first mail fails, the second is not tried.
    assert_eq!((out.sent, out.queued, out.failed), (0, 2, 1));
    assert!(out.needs_attention());
    assert!(
        out.rows[0]
            .result
            .text
            .starts_with("送信失敗（再送待ち）: SMTP サーバー 127.0.0.1:")
    );
    assert!(
        out.rows[1].result.text.starts_with("送信保留"),
        "{:?}",
        out.rows[1]
    );
    let entries = state.outbox_entries().unwrap();
    let summary: Vec<(&str, &str, OutboxStatus, i64)> = entries
        .iter()
        .map(|e| {
            (
                e.key.application_id.as_str(),
                e.key.stage.code(),
                e.status,
                e.attempts,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("A-1", "saisoku", OutboxStatus::Failed, 1),
            ("A-2", "saisoku", OutboxStatus::Queued, 0),
        ]
    );
    // Next day, same window: tried again.
    let out = send_reminders(
        &m,
        &state,
        "nightly",
        &ledger,
        date(2024, 4, 26),
        false,
        dir.path(),
    );
    assert_eq!((out.queued, out.failed), (2, 1));
    assert_eq!(state.outbox_entries().unwrap()[0].attempts, 2);
    // After the deadline and its grace (5/1, 5/2, 5/7) the 催促 rows expire
    // and 督促 is due instead; A-2's report arrived in the meantime.
    let mut later = ledger.clone();
    later[0].state = ReportState::Missing;
    later[1].state = ReportState::Submitted;
    let out = send_reminders(
        &m,
        &state,
        "nightly",
        &later,
        date(2024, 5, 8),
        false,
        dir.path(),
    );
    assert_eq!((out.queued, out.failed), (1, 1));
    let summary: Vec<(String, OutboxStatus)> = state
        .outbox_entries()
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                format!("{}/{}", e.key.application_id, e.key.stage.code()),
                e.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("A-1/saisoku".to_string(), OutboxStatus::Expired),
            ("A-1/tokusoku".to_string(), OutboxStatus::Failed),
            ("A-2/saisoku".to_string(), OutboxStatus::Expired),
        ]
    );
}

#[test]
fn a_corrupt_outbox_sends_nothing_and_does_not_promise_a_resend() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (root, page_size) = {
        let s = State::open(&db).unwrap();
        let sender = s.outbox_sender().unwrap();
        let k = key(&due("A-9", None, ReportState::Missing), Stage::Annai);
        let claim = Claim {
            job: "nightly",
            recipient: "z@example.jp",
            subject: "件名",
            message_id: "<9@x>",
            now: stamp("2024-04-01T02:30:00+09:00"),
        };
        assert!(s.outbox_claim(&sender, &k, claim).unwrap());
        s.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        let root: i64 = s
            .conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'outbox'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let size: i64 = s
            .conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        (root, size)
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let at = usize::try_from((root - 1) * page_size).unwrap();
    let end = at + usize::try_from(page_size).unwrap();
    bytes[at..end].fill(0xFF);
    std::fs::write(&db, bytes).unwrap();

    let state = State::open(&db).unwrap();
    let ledger = vec![
        due("A-1", Some("a@example.jp"), ReportState::NotYetDue),
        due("A-2", Some("b@example.jp"), ReportState::NotYetDue),
    ];
    let out = send_reminders(
        &mailer(None),
        &state,
        "nightly",
        &ledger,
        date(2024, 4, 25),
        false,
        dir.path(),
    );
    assert_eq!((out.sent, out.queued, out.failed), (0, 0, 0), "{out:?}");
    assert!(out.needs_attention());
    for r in &out.rows {
        assert!(
            r.result
                .text
                .starts_with("未送信（状態ファイルに記録できないため送信せず）"),
            "{r:?}"
        );
    }
    let said = out.messages.join("\n");
    assert!(said.contains("メール 2 通は送っていません"), "{said}");
    assert!(!said.contains("再送します"), "{said}");
    // One sentence per failure, not one per row.
    let mut unique = out.messages.clone();
    unique.dedup();
    assert_eq!(unique, out.messages);
}

#[test]
fn one_grantee_gets_one_mail_and_each_report_keeps_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let m = mailer(None);
    let mut older = due("A-1", Some("a@example.jp"), ReportState::Missing);
    older.report_fy = 2023;
    older.due = date(2023, 5, 1);
    let ledger = vec![
        older,
        due("A-2", Some("b@example.jp"), ReportState::NotYetDue),
        due("A-1", Some(" A@example.jp "), ReportState::NotYetDue),
    ];
    // The preview: one file for A-1's two reports, one for A-2.
    let outbox = dir.path().join("outbox");
    let out = send_reminders(
        &m,
        &state,
        "nightly",
        &ledger,
        date(2024, 4, 25),
        true,
        &outbox,
    );
    let mut names: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "2024-04-25_A-1_2023_saitokusoku_and1.eml",
            "2024-04-25_A-2_2024_saisoku.eml",
        ]
    );
    // 通知 keeps one row per report, in ledger order.
    let rows: Vec<(&str, &str)> = out
        .rows
        .iter()
        .map(|r| (r.application_id.as_str(), r.kind.label()))
        .collect();
    assert_eq!(
        rows,
        vec![("A-1", "再督促"), ("A-1", "催促"), ("A-2", "催促")]
    );
    assert_eq!(out.mail_lines.len(), 3);
    assert!(out.mail_lines.iter().all(|l| l.previewed));

    // Sent for real with the relay down: one attempt for A-1's mail, both
    // keys failed under the same Message-ID; A-2's mail is held.
    let out = send_reminders(
        &m,
        &state,
        "nightly",
        &ledger,
        date(2024, 4, 25),
        false,
        &outbox,
    );
    assert_eq!((out.sent, out.queued, out.failed), (0, 3, 2));
    let entries = state.outbox_entries().unwrap();
    let a1: Vec<&OutboxEntry> = entries
        .iter()
        .filter(|e| e.key.application_id == "A-1")
        .collect();
    assert_eq!(a1.len(), 2);
    assert!(
        a1.iter()
            .all(|e| e.status == OutboxStatus::Failed && e.attempts == 1)
    );
    assert_eq!(a1[0].message_id, a1[1].message_id);
    assert!(a1[0].message_id.is_some());
    let a2 = entries
        .iter()
        .find(|e| e.key.application_id == "A-2")
        .unwrap();
    assert_eq!((a2.status, a2.attempts), (OutboxStatus::Queued, 0));
}

#[test]
fn a_report_already_sent_is_not_named_again_and_earlier_mails_are_known() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let row = due("A-1", Some("a@example.jp"), ReportState::Missing);
    // 督促 of this report went out on May 8 (as the outbox records it).
    let sender = state.outbox_sender().unwrap();
    let k = key(&row, Stage::Tokusoku);
    let claim = Claim {
        job: "nightly",
        recipient: "a@example.jp",
        subject: "督促",
        message_id: "<m@example.jp>",
        now: stamp("2024-05-08T02:30:00+09:00"),
    };
    assert!(state.outbox_claim(&sender, &k, claim).unwrap());
    state
        .outbox_finish(
            &k,
            "<m@example.jp>",
            OutboxStatus::Sent,
            None,
            stamp("2024-05-08T02:30:05+09:00"),
        )
        .unwrap();
    let entries: HashMap<OutboxKey, OutboxEntry> = state
        .outbox_entries()
        .unwrap()
        .into_iter()
        .map(|e| (e.key.clone(), e))
        .collect();
    assert_eq!(
        sent_before(&row, Stage::Saitokusoku, &entries),
        vec![(Stage::Tokusoku, Some(date(2024, 5, 8)))]
    );
    assert!(sent_before(&row, Stage::Tokusoku, &entries).is_empty());
    let outbox = dir.path().join("outbox");
    let out = send_reminders(
        &mailer(None),
        &state,
        "nightly",
        std::slice::from_ref(&row),
        date(2024, 6, 10),
        true,
        &outbox,
    );
    assert_eq!(out.rows.len(), 1);
    let eml = std::fs::read_to_string(outbox.join("2024-06-10_A-1_2024_saitokusoku.eml")).unwrap();
    let parsed = mail_parser::MessageParser::default()
        .parse(eml.as_bytes())
        .unwrap();
    let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(text.contains("先にご提出をお願いいたしましたが"), "{text}");
    assert!(
        text.contains("これまでのご連絡：\n　　　　　　督促（令和6年5月8日（水））"),
        "{text}"
    );
}

/// Issue 22 item 7: a report owed only by assumption (a grant under the pre-R3 要綱) gets no
/// reminder at any stage, not even a 再督促 long after its deadline.
#[test]
fn an_assumed_duty_is_never_mailed() {
    let mut old = due("H31-1", Some("a@example.jp"), ReportState::Missing);
    old.remarks.assumed = Some("令和3年4月1日より前の交付決定".into());
    let ledger = vec![old, due("R4-1", Some("b@example.jp"), ReportState::Missing)];
    let stages: Vec<(&str, Option<Stage>)> = plan(&ledger, date(2024, 6, 10))
        .into_iter()
        .map(|(r, s)| (r.application_id.as_str(), s))
        .collect();
    assert_eq!(
        stages,
        vec![("H31-1", None), ("R4-1", Some(Stage::Saitokusoku))]
    );
}
