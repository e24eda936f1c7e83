//! The staff digest: subject, new flags, the workbook attached.

use std::io::Cursor;

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use hojokin::Night;
use hojokin::Overview;
use hojokin::Report;
use hojokin::ReportState;
use hojokin::State;
use hojokin::{DigestFacts, DigestItem};
use hojokin::{send_digest, send_reminders};

use crate::support::smtp::*;

#[test]
fn the_digest_carries_the_workbook_and_names_new_flags_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("mail"), free_port(), &[]);
    let m = mailer(&format!("smtp://127.0.0.1:{}", server.port), 5);
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let as_of = date(2024, 5, 8);
    let ledger = on(
        &[report("A-1", Some("a@example.jp"), ReportState::NotYetDue)],
        as_of,
    );
    let reminders = send_reminders(&m, &state, "nightly", &ledger, as_of, false, dir.path());
    let workbook = dir.path().join("summary-2024-05-08.xlsx");
    let book = Report {
        overview: Overview::default(),
        tables: vec![hojokin::notifications(&reminders.rows)],
        meta: Default::default(),
    };
    book.write(&workbook, &[]).unwrap();
    let facts = DigestFacts {
        job: "nightly".into(),
        description: "nightly".into(),
        as_of,
        rejected_rows: 2,
        input_errors: 2,
        overdue: vec![DigestItem::overdue(&ledger[0])],
        early_disposals: Vec::new(),
        findings: Vec::new(),
        mails: reminders.counts(),
        mail_lines: reminders.mail_lines.clone(),
        hold: Vec::new(),
    };
    let night = |f: &DigestFacts| Night::summarise(Some(&state), f.clone());
    let preview = send_digest(
        &m,
        &state,
        &night(&facts),
        &workbook,
        true,
        &dir.path().join("outbox"),
    );
    assert!(!preview.delivered && !preview.failed);
    assert!(dir.path().join("outbox/2024-05-08_digest.eml").is_file());
    let d = send_digest(&m, &state, &night(&facts), &workbook, false, dir.path());
    assert!(d.delivered && !d.failed, "{:?}", d);
    let msg = &server.messages()[1];
    assert_eq!(
        msg["subject"], "【補助金夜間処理】令和6年5月8日 新たな要対応 1件（nightly）",
        "the subject counts what is new and needs action"
    );
    assert_eq!(msg["auto_submitted"], "auto-generated");
    assert_eq!(msg["mail_from"], "kogyo@example.jp");
    assert_eq!(
        msg["rcpt_tos"],
        serde_json::json!(["kogyo@example.jp", "kanri@example.jp"])
    );
    let text = body(msg);
    assert!(text.contains("新規 1件（継続 0件）\n・A-1 株式会社A-1製作所 令和6年度採用状況報告（提出期限 令和6年4月30日）"), "{text}");
    assert!(text.contains("除外した行 2行"), "{text}");
    let att = &msg["attachments"][0];
    assert_eq!(
        att["content_type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(att["filename"], "summary-2024-05-08.xlsx");
    let bytes = std::fs::read(server.dir.join(att["file"].as_str().unwrap())).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["概要", "通知"]);
    let sheet = wb.worksheet_range("通知").unwrap();
    let row: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        [&row[3], &row[6], &row[7]],
        [
            "督促",
            "a@example.jp",
            "【綾瀬市】女性・障がい者雇用環境整備補助金 令和6年度採用状況報告が未提出です（督促・期限 令和6年4月30日（火））",
        ]
    );
    // The next night the same report is no longer new.
    let d = send_digest(
        &m,
        &state,
        &night(&DigestFacts {
            as_of: date(2024, 5, 2),
            ..facts.clone()
        }),
        &workbook,
        false,
        dir.path(),
    );
    assert!(d.delivered);
    let msg = &server.messages()[2];
    assert_eq!(
        msg["subject"],
        "【補助金夜間処理】令和6年5月2日 新たな要対応なし（nightly）"
    );
    let text = body(msg);
    assert!(
        text.contains("未提出の雇用状況報告：新規 0件（継続 1件）"),
        "{text}"
    );
    assert!(text.contains("今回は該当しなくなったもの 0件"), "{text}");
    // The report arrived: the next digest says so once, then forgets it.
    let arrived = DigestFacts {
        as_of: date(2024, 5, 3),
        overdue: Vec::new(),
        ..facts
    };
    assert!(send_digest(&m, &state, &night(&arrived), &workbook, false, dir.path()).delivered);
    let text = body(&server.messages()[3]);
    assert!(
        text.contains("今回は該当しなくなったもの 1件\n・［未提出の報告］A-1 株式会社A-1製作所 令和6年度採用状況報告（提出期限 令和6年4月30日）"),
        "{text}"
    );
    assert!(send_digest(&m, &state, &night(&arrived), &workbook, false, dir.path()).delivered);
    let text = body(&server.messages()[4]);
    assert!(text.contains("今回は該当しなくなったもの 0件"), "{text}");
}
