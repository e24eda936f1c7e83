//! A night that cannot run (exit 2) tells staff by mail, once per job and
//! business date; the history records it, and says so when the relay is
//! what failed too.

use crate::support::Site;
use crate::support::smtp::{Server, free_port};

fn night(sandbox: &Site, port: u16) -> crate::support::bin::Ran {
    let url = format!("smtp://127.0.0.1:{port}");
    sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .expect(2)
}

fn history(sandbox: &Site) -> String {
    sandbox
        .hojokin(&["history", "nightly", "--json"], &[])
        .expect(0)
        .stdout()
}

#[test]
fn a_missing_export_mails_staff_once_per_night() {
    let sandbox = Site::fixtures();
    std::fs::remove_file(
        sandbox
            .path()
            .join("fixtures/exports/employment_reports.csv"),
    )
    .unwrap();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let first = night(&sandbox, port);
    first.stderr_is(concat!(
        "<time>  WARN fixtures/exports/employment_reports.csv: ファイルを開けません: ファイルがありません\n",
        "<time>  WARN 実行できなかったことを職員（kogyo@example.jp）にメールで知らせました。 job=nightly\n",
        "fixtures/exports/employment_reports.csv: ファイルを開けません: ファイルがありません\n",
        "実行できなかったことを職員（kogyo@example.jp）にメールで知らせました。\n",
    ));
    let again = night(&sandbox, port);
    again.stderr_is(concat!(
        "<time>  WARN fixtures/exports/employment_reports.csv: ファイルを開けません: ファイルがありません\n",
        "<time>  WARN この基準日の失敗は既に職員にメールで知らせています（同じ日の通知は1通まで）。 job=nightly\n",
        "fixtures/exports/employment_reports.csv: ファイルを開けません: ファイルがありません\n",
        "この基準日の失敗は既に職員にメールで知らせています（同じ日の通知は1通まで）。\n",
    ));
    let msgs = server.messages();
    assert_eq!(msgs.len(), 1, "one mail for two failed runs: {msgs:?}");
    let mail = &msgs[0];
    assert_eq!(mail["rcpt_tos"], serde_json::json!(["kogyo@example.jp"]));
    assert_eq!(
        mail["subject"],
        "【補助金夜間処理】令和6年4月25日 実行できませんでした（nightly）"
    );
    let body = mail["body"].as_str().unwrap().replace("\r\n", "\n");
    for needle in [
        "令和6年4月25日を基準日とする夜間処理（ジョブ nightly）は、次の理由で実行できませんでした。",
        "fixtures/exports/employment_reports.csv",
        "■ 対処\n・エクスポートファイルが所定の場所にあり",
        "hojokin run nightly --as-of 2024-04-25",
    ] {
        assert!(body.contains(needle), "{needle} not in\n{body}");
    }
    // A dry run's failure mails nobody.
    let url = format!("smtp://127.0.0.1:{port}");
    sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-26", "--dry-run"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .expect(2);
    assert_eq!(server.messages().len(), 1);
    let history = history(&sandbox);
    let runs: Vec<serde_json::Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(runs.len(), 3, "{history}");
    assert!(runs.iter().all(|r| r["status"] == "failed"), "{history}");
    assert!(
        history.contains("実行できなかったことを職員（kogyo@example.jp）にメールで知らせました。"),
        "{history}"
    );
}

#[test]
fn a_failed_night_whose_relay_is_down_says_so_in_the_log_and_the_history() {
    let sandbox = Site::fixtures();
    std::fs::remove_file(
        sandbox
            .path()
            .join("fixtures/exports/employment_reports.csv"),
    )
    .unwrap();
    let port = free_port();
    let ran = night(&sandbox, port);
    ran.stderr_is(&format!(
        concat!(
            "<time>  WARN fixtures/exports/employment_reports.csv: ファイルを開けません: ファイルがありません\n",
            "<time>  WARN 実行できなかったことを職員に知らせるメールも送れませんでした（SMTP サーバー 127.0.0.1:{port}に接続できません（Connection refused (os error 111)））。ログとシステムの通知（systemd の OnFailure= や cron の MAILTO）で確認してください。 job=nightly\n",
            "fixtures/exports/employment_reports.csv: ファイルを開けません: ファイルがありません\n",
            "実行できなかったことを職員に知らせるメールも送れませんでした（SMTP サーバー 127.0.0.1:{port}に接続できません（Connection refused (os error 111)））。ログとシステムの通知（systemd の OnFailure= や cron の MAILTO）で確認してください。\n",
        ),
        port = port
    ));
    assert!(
        history(&sandbox).contains("実行できなかったことを職員に知らせるメールも送れませんでした"),
    );
    // `outbox` lists the failure mail the relay did not take.
    sandbox
        .hojokin(&["outbox"], &[])
        .expect(0)
        .stderr_inexact(
            "the mail's Message-ID is random",
            &[
                "失敗の通知メール（ジョブ nightly、基準日 2024-04-25）: 状態 failed、宛先 kogyo@example.jp、試行 1 回、Message-ID <",
                &format!(
                    "@example.jp>、最後のエラー SMTP サーバー 127.0.0.1:{port}に接続できません（Connection refused (os error 111)）\n"
                ),
            ],
        );
    // The relay is back: the same night's mail goes out once.
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    night(&sandbox, port);
    night(&sandbox, port);
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn a_bad_job_file_with_a_readable_email_section_mails_staff() {
    let sandbox = Site::fixtures();
    let path = sandbox.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("sheet = \"申請一覧\"", "shet = \"申請一覧\"", 1),
    )
    .unwrap();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let ran = night(&sandbox, port);
    ran.stderr_is(concat!(
        "<time>  WARN 実行できなかったことを職員（kogyo@example.jp）にメールで知らせました。 job=nightly\n",
        "エラー: ジョブファイル jobs/nightly.toml の 8 行目（inputs.applications.shet）: キー「shet」は使えません。使えるキーは 「path」、「sheet」、「aliases」、「display」 です。「sheet」の書き間違いではありませんか。\n",
        "実行できなかったことを職員（kogyo@example.jp）にメールで知らせました。\n",
    ));
    let msgs = server.messages();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    let body = msgs[0]["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body.contains("「sheet」の書き間違いではありませんか"),
        "{body}"
    );
    assert!(body.contains("■ 対処\n・ジョブファイル"), "{body}");
    assert!(history(&sandbox).contains("\"status\":\"failed\""));
}
