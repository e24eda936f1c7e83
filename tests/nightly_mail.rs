//! The real binary against a real SMTP server (aiosmtpd): a night's
//! reminders and digest go out, a rerun sends no reminder twice, and a relay
//! that is down leaves them queued (exit 1) until the next run delivers them.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "smtp/harness.rs"]
#[allow(dead_code)]
mod harness;

use common::{Sandbox, read_sheet};
use harness::{Server, body, free_port, subjects};
use serde_json::Value;

fn run(sandbox: &Sandbox, port: u16) -> std::process::Output {
    run_on(sandbox, port, "2024-04-25")
}

fn run_on(sandbox: &Sandbox, port: u16, as_of: &str) -> std::process::Output {
    let url = format!("smtp://127.0.0.1:{port}");
    sandbox.run(
        &["run", "nightly", "--as-of", as_of],
        &[("HOJOKIN_SMTP_URL", url.as_str())],
    )
}

/// The mails the server took for `address`.
fn to<'a>(msgs: &'a [Value], address: &str) -> Vec<&'a Value> {
    msgs.iter()
        .filter(|m| m["rcpt_tos"] == serde_json::json!([address]))
        .collect()
}

const TADEGAWA: &str = "endo@tadegawa-eng.example.jp";

fn reminders(subjects: &[String]) -> usize {
    subjects
        .iter()
        .filter(|s| s.starts_with("【綾瀬市】"))
        .count()
}

#[test]
fn a_night_sends_each_reminder_once_and_the_digest_every_run() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);

    let first = run(&sandbox, port);
    // 1 because of the fixtures' deliberate input errors, not the mail.
    assert_eq!(first.status.code(), Some(1), "{}", common::stderr(&first));
    let got = subjects(&server.messages());
    // Six reports, five grantees: R4-204's two reports share one mail.
    assert_eq!(reminders(&got), 5, "{got:?}");
    assert_eq!(
        got.iter().filter(|s| s.contains("夜間処理")).count(),
        1,
        "{got:?}"
    );
    let notices =
        read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "通知").records("申請番号");
    assert_eq!(
        notices
            .iter()
            .filter(
                |r| r.text("結果") == "送信済" && r.text("ファイル・Message-ID").starts_with('<')
            )
            .count(),
        6
    );

    // The same night again: no reminder twice, a fresh digest for staff.
    let second = run(&sandbox, port);
    assert_eq!(second.status.code(), Some(1));
    let got = subjects(&server.messages());
    assert_eq!(reminders(&got), 5, "{got:?}");
    assert_eq!(got.iter().filter(|s| s.contains("夜間処理")).count(), 2);
}

#[test]
fn a_relay_that_is_down_leaves_the_mail_queued_until_it_is_back() {
    let sandbox = Sandbox::new();
    let port = free_port();

    let down = run(&sandbox, port);
    assert_eq!(down.status.code(), Some(1));
    let said = common::stderr(&down);
    assert!(
        said.contains("送"),
        "a sentence about the unsent mail: {said}"
    );
    let notices =
        read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "通知").records("申請番号");
    assert!(
        notices
            .iter()
            .all(|r| !r.text("結果").starts_with("送信済")),
        "nothing was delivered"
    );

    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let up = run(&sandbox, port);
    assert_eq!(up.status.code(), Some(1));
    let got = subjects(&server.messages());
    assert_eq!(reminders(&got), 5, "{got:?}");
    let again = run(&sandbox, port);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(reminders(&subjects(&server.messages())), 5);
}

#[test]
fn a_first_night_after_the_deadline_sends_one_honest_mail_per_grantee() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let out = run_on(&sandbox, port, "2024-06-10");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let msgs = server.messages();

    // R4-204 owes FY2023 and FY2024: one mail names both.
    let both = to(&msgs, TADEGAWA);
    assert_eq!(both.len(), 1, "{:?}", subjects(&msgs));
    let mail = both[0];
    assert_eq!(
        mail["subject"],
        "【綾瀬市】令和5年度・令和6年度採用状況報告を至急ご提出ください（再督促）"
    );
    let text = body(mail);
    for needle in [
        "株式会社蓼川エンジニアリング\n遠藤 隆様\n",
        "【1件目】\n　報告の名称：採用状況報告（令和5年度）",
        "【2件目】\n　報告の名称：採用状況報告（令和6年度）",
        "第10号様式 採用状況報告書",
        "第11号様式 採用者リスト（第10号様式に添付）",
        "■ 提出方法\n持参、郵送またはメール",
        "提出先：\n〒252-1192 神奈川県綾瀬市早川550 綾瀬市役所 工業振興企業誘致課",
        "電話: 0467-77-1111（代表）",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    assert!(
        mail["to"].as_str().unwrap().contains("遠藤 隆様"),
        "{}",
        mail["to"]
    );

    // Every mail: no earlier request claimed on a first night, no send-only
    // notice while replies reach staff, automatic replies suppressed.
    for m in msgs.iter().filter(|m| {
        m["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("【綾瀬市】"))
    }) {
        let text = body(m);
        assert!(!text.contains("先にご提出をお願い"), "{text}");
        assert!(!text.contains("重ねて"), "{text}");
        assert!(!text.contains("送信専用"), "{text}");
        assert_eq!(m["auto_submitted"], "auto-generated");
        assert_eq!(
            m["reply_to"],
            "綾瀬市 工業振興企業誘致課 <kogyo@example.jp>"
        );
    }
    let digest: Vec<&Value> = msgs
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("夜間処理"))
        })
        .collect();
    assert_eq!(digest[0]["auto_submitted"], "auto-generated");
    let text = body(digest[0]);
    assert!(
        text.contains("・R4-204 株式会社蓼川エンジニアリング 令和5年度採用状況報告 再督促：送信済"),
        "{text}"
    );

    // The outbox still holds one key per report, both sent by one message.
    let notices =
        read_sheet(&sandbox.path().join("out/summary-2024-06-10.xlsx"), "通知").records("申請番号");
    let tadegawa: Vec<String> = notices
        .iter()
        .filter(|r| r.text("宛先") == TADEGAWA)
        .map(|r| r.text("ファイル・Message-ID"))
        .collect();
    assert_eq!(tadegawa.len(), 2, "{tadegawa:?}");
    assert!(tadegawa[0].starts_with('<'), "{tadegawa:?}");
    assert_eq!(tadegawa[0], tadegawa[1], "one Message-ID for both");

    // A rerun sends nothing again to R4-204.
    run_on(&sandbox, port, "2024-06-10");
    assert_eq!(to(&server.messages(), TADEGAWA).len(), 1);
}

#[test]
fn a_later_stage_says_what_was_really_asked_before() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    run_on(&sandbox, port, "2024-05-08");
    run_on(&sandbox, port, "2024-06-10");
    let msgs = to(&server.messages(), "kondo@hayakawa-chem.example.jp")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    let subjects = subjects(&msgs);
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects[0].ends_with("（督促）") && subjects[1].ends_with("（再督促）"));
    let text = body(&msgs[1]);
    assert!(text.contains("先にご提出をお願いいたしましたが"), "{text}");
    assert!(text.contains("　これまでのご連絡：督促（"), "{text}");
}

#[test]
fn a_rejected_report_row_holds_its_reminders_and_says_so() {
    let sandbox = Sandbox::new();
    // Two rows the city did receive, each with one bad cell: R4-202's 報告年度
    // cannot be read, R4-203's 受付日 cannot (its 報告年度 can). ASCII only,
    // so the Shift_JIS file stays valid.
    let csv = sandbox
        .path()
        .join("fixtures/exports/employment_reports.csv");
    let mut bytes = std::fs::read(&csv).unwrap();
    bytes.extend_from_slice(b"R4-202,2024X,2024/04/22,1,0\r\nR4-203,2024,2024/13/45,0,1\r\n");
    std::fs::write(&csv, bytes).unwrap();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let out = run_on(&sandbox, port, "2024-06-10");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));

    let msgs = server.messages();
    for held in [
        "kondo@hayakawa-chem.example.jp",
        "sakamoto@kozono-seiki.example.jp",
    ] {
        assert!(to(&msgs, held).is_empty(), "{held} was chased");
    }
    assert_eq!(to(&msgs, TADEGAWA).len(), 1, "the others still go out");

    let book = sandbox.path().join("out/summary-2024-06-10.xlsx");
    let ledger = read_sheet(&book, "雇用状況報告").records("申請番号");
    for app in ["R4-202", "R4-203"] {
        let row = ledger
            .iter()
            .find(|r| r.text("申請番号") == app && r.text("報告年度") == "2024")
            .unwrap();
        assert_eq!(row.text("状況"), "受付記録あり（入力エラー）", "{app}");
    }
    let findings = read_sheet(&book, "要確認").records("申請番号");
    let held: Vec<String> = findings
        .iter()
        .filter(|r| r.text("種別") == "報告行の入力エラー")
        .map(|r| r.text("申請番号"))
        .collect();
    // R5-201: the fixtures' own rejected row (報告年度 令和9年度X).
    assert_eq!(held, vec!["R4-202", "R4-203", "R5-201"]);

    let errors = read_sheet(&book, "入力エラー").records("申請番号");
    let row = errors
        .iter()
        .find(|r| r.text("申請番号") == "R4-202")
        .unwrap();
    assert_eq!(row.text("事業者名"), "株式会社早川ケミカル");
    assert!(
        row.text("影響").contains("督促メールを保留"),
        "{}",
        row.text("影響")
    );
}

/// Issue 13.4: the workbook is written before any reminder goes out, so a
/// report path that cannot be written stops the night with nothing sent
/// and nothing recorded as sent; once fixed, the mails go out once.
#[test]
fn a_night_whose_report_path_is_a_folder_sends_no_mail() {
    let sandbox = Sandbox::new();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let report = sandbox.path().join("out/summary-2024-04-25.xlsx");
    std::fs::create_dir_all(&report).unwrap();

    let url = format!("smtp://127.0.0.1:{port}");
    let ran = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25"],
            &[("HOJOKIN_SMTP_URL", url.as_str()), ("HOJOKIN_LOG", "off")],
        )
        .expect(2);
    ran.stderr_is(&[
        "集計ブックの出力先 out/summary-2024-04-25.xlsx はフォルダのため書き込めません。ジョブファイルの [report] path にファイルのパスを指定してください。",
    ]);
    assert!(server.messages().is_empty(), "no mail before the report");

    std::fs::remove_dir(&report).unwrap();
    let fixed = run(&sandbox, port);
    assert_eq!(fixed.status.code(), Some(1), "{}", common::stderr(&fixed));
    // Six reports in five mails (R4-204's two share one).
    assert_eq!(reminders(&subjects(&server.messages())), 5);
}
