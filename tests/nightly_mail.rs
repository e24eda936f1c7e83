//! The real binary against a real SMTP server (aiosmtpd): a night's
//! reminders and digest go out, a rerun sends no reminder twice, and a relay
//! that is down leaves them queued (exit 1) until the next run delivers them.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "smtp/harness.rs"]
#[allow(dead_code)]
mod harness;

use common::{Sandbox, read_sheet};
use harness::{Server, free_port, subjects};

fn run(sandbox: &Sandbox, port: u16) -> std::process::Output {
    let url = format!("smtp://127.0.0.1:{port}");
    sandbox.run(
        &["run", "nightly", "--as-of", "2024-04-25"],
        &[("HOJOKIN_SMTP_URL", url.as_str())],
    )
}

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
    assert_eq!(reminders(&got), 6, "{got:?}");
    assert_eq!(
        got.iter().filter(|s| s.contains("夜間処理")).count(),
        1,
        "{got:?}"
    );
    let notices =
        read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "通知").records("日時");
    assert_eq!(
        notices
            .iter()
            .filter(|r| r.text("結果").starts_with("送信済（Message-ID: <"))
            .count(),
        6
    );

    // The same night again: no reminder twice, a fresh digest for staff.
    let second = run(&sandbox, port);
    assert_eq!(second.status.code(), Some(1));
    let got = subjects(&server.messages());
    assert_eq!(reminders(&got), 6, "{got:?}");
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
        read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "通知").records("日時");
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
    assert_eq!(reminders(&got), 6, "{got:?}");
    let again = run(&sandbox, port);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(reminders(&subjects(&server.messages())), 6);
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
    assert_eq!(reminders(&subjects(&server.messages())), 6);
}
