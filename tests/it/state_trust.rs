//! Issue 25, as an operator meets it, with the real binary and a real SMTP
//! server (aiosmtpd): a state file deleted or restored from a backup never
//! mails a grantee twice and says so; `state backup` copies every row while
//! a run has the file open; a night that sent mail always ends with its
//! digest and its record; a rerun's 通知 lists the first run's mails.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::smtp::{Server, body, free_port, subjects};
use crate::support::{Site, read_sheet};

fn night(sandbox: &Site, port: u16, as_of: &str) -> std::process::Output {
    let url = format!("smtp://127.0.0.1:{port}");
    sandbox.run(
        &["run", "nightly", "--as-of", as_of],
        &[("HOJOKIN_SMTP_URL", url.as_str())],
    )
}

fn reminders(subjects: &[String]) -> usize {
    subjects
        .iter()
        .filter(|s| s.starts_with("【綾瀬市】"))
        .count()
}

fn db(sandbox: &Site) -> PathBuf {
    sandbox.path().join("state/hojokin.db")
}

/// The state file and its journal gone, as `rm state/hojokin.db*` would
/// (the sent-keys log stays).
fn remove_state(sandbox: &Site) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db(sandbox).display()));
    }
}

/// Every row of every table, as text, table by table.
fn dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {t}")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            (t, rows)
        })
        .collect()
}

#[test]
fn a_deleted_or_restored_state_file_sends_no_reminder_twice_and_says_so() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);

    // 案内 on 04-25, then a backup, then 督促 on 05-08: 5 + 5 grantee mails.
    assert_eq!(night(&sandbox, port, "2024-04-25").status.code(), Some(1));
    assert_eq!(reminders(&subjects(&server.messages())), 5);
    crate::support::bin::Hojokin::new(sandbox.path())
        .args(["state", "backup", "backup/two-nights-ago.db"])
        .expect(0);
    assert_eq!(night(&sandbox, port, "2024-05-08").status.code(), Some(1));
    let sent_before = reminders(&subjects(&server.messages()));
    assert_eq!(sent_before, 10);

    // README's rollback: the backup put back. The night refuses to mail
    // grantees, and says so on stderr, in the history and in the digest.
    remove_state(&sandbox);
    std::fs::copy(
        sandbox.path().join("backup/two-nights-ago.db"),
        db(&sandbox),
    )
    .unwrap();
    let refused = night(&sandbox, port, "2024-05-08");
    let said = crate::support::stderr(&refused);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    sandbox.stderr_is(&refused, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "状態ファイル ./state/hojokin.db と送信記録 ./state/hojokin.db.sent-log が一致しません: 送信記録にある 5 件の送信を状態ファイルが知りません（状態ファイルが削除されたか、古い写しに戻されています）。同じ督促を二度送らないよう、事業者へのメールは送っていません。`hojokin state reconcile --db ./state/hojokin.db` で送信記録と状態ファイルを突き合わせてから、もう一度実行してください。\n",
        "nightly: 基準日 2024-05-08 の集計ブックを out/summary-2024-05-08.xlsx に書き出しました。\n",
    ));
    assert_eq!(reminders(&subjects(&server.messages())), sent_before);
    let digest = server.messages().into_iter().last().unwrap();
    assert!(digest["subject"].as_str().unwrap().contains("夜間処理"));
    assert!(body(&digest).contains("送信停止"), "{}", body(&digest));
    let history = crate::support::bin::Hojokin::new(sandbox.path())
        .args(["history", "--json", "--limit", "1"])
        .expect(0)
        .stdout();
    assert!(history.contains("hojokin state reconcile"), "{history}");

    // Reconciled, the same night sends nothing (all five went out before).
    let reconciled = crate::support::bin::Hojokin::new(sandbox.path())
        .args(["state", "reconcile"])
        .expect(0)
        .stderr();
    assert!(reconciled.contains("送信済 5 件"), "{reconciled}");
    let after = night(&sandbox, port, "2024-05-08");
    sandbox.stderr_is(&after, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "nightly: 基準日 2024-05-08 の集計ブックを out/summary-2024-05-08.xlsx に書き出しました。\n",
    ));
    assert_eq!(reminders(&subjects(&server.messages())), sent_before);

    // The state file deleted outright: the same, then all eleven reports
    // (six of 04-25, five of 05-08) come back as sent.
    remove_state(&sandbox);
    let refused = night(&sandbox, port, "2024-05-08");
    sandbox.stderr_is(&refused, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "状態ファイル ./state/hojokin.db と送信記録 ./state/hojokin.db.sent-log が一致しません: 送信記録にある 11 件の送信を状態ファイルが知りません（状態ファイルが削除されたか、古い写しに戻されています）。同じ督促を二度送らないよう、事業者へのメールは送っていません。`hojokin state reconcile --db ./state/hojokin.db` で送信記録と状態ファイルを突き合わせてから、もう一度実行してください。\n",
        "nightly: 基準日 2024-05-08 の集計ブックを out/summary-2024-05-08.xlsx に書き出しました。\n",
    ));
    assert_eq!(reminders(&subjects(&server.messages())), sent_before);
    let reconciled = crate::support::bin::Hojokin::new(sandbox.path())
        .args(["state", "reconcile"])
        .expect(0)
        .stderr();
    assert!(reconciled.contains("送信済 11 件"), "{reconciled}");
    night(&sandbox, port, "2024-05-08");
    assert_eq!(reminders(&subjects(&server.messages())), sent_before);
}

#[test]
fn a_backup_taken_while_a_run_writes_has_every_row() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let _server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let marker = sandbox.path().join("pause");
    let url = format!("smtp://127.0.0.1:{port}");
    let mut running = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .env(hojokin::PAUSE_HOOK, &marker)
        .command()
        .spawn()
        .unwrap();
    // The first pause is the probe of the report path before the mail; the
    // second one is the workbook with it: the run holds the state file with its sends.
    for _ in 0..2 {
        let started = Instant::now();
        while !marker.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the run never paused"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        if dump(&db(&sandbox))
            .iter()
            .any(|(t, rows)| t == "outbox" && !rows.is_empty())
        {
            break;
        }
        std::fs::remove_file(&marker).unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    let wal = std::fs::metadata(format!("{}-wal", db(&sandbox).display())).unwrap();
    assert!(wal.len() > 0, "the sends are still in the -wal");
    crate::support::bin::Hojokin::new(sandbox.path())
        .args(["state", "backup", "copy.db"])
        .expect(0);
    let copy = sandbox.path().join("copy.db");
    let original = dump(&db(&sandbox));
    assert_eq!(dump(&copy), original);
    assert!(
        original
            .iter()
            .any(|(t, rows)| t == "outbox" && rows.len() == 6),
        "{original:?}"
    );
    std::fs::remove_file(&marker).unwrap();
    running.wait().unwrap();
}

#[test]
fn a_rerun_lists_every_mail_of_the_business_date() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let _server = Server::start(&sandbox.path().join("mail"), port, &[]);
    night(&sandbox, port, "2024-04-25");
    night(&sandbox, port, "2024-04-25");
    let notices =
        read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "通知").records("申請番号");
    let sent = notices
        .iter()
        .filter(|r| {
            r.text("結果") == "送信済（同じ基準日の先の実行）"
                && r.text("ファイル・Message-ID").starts_with('<')
        })
        .count();
    assert_eq!(
        sent, 6,
        "the first run's six reports stay on the rerun's 通知"
    );
}

/// Waits for the report writer's pause marker (see `PAUSE_HOOK`).
fn paused(marker: &Path) {
    let started = Instant::now();
    while !marker.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never paused"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The report's disk fills after the mails went out (simulated portably,
/// root included: the workbook's path turns into a folder between the
/// workbook's write and its rename, so the rename fails as ENOSPC would).
/// The digest still goes out listing the mails, exit 2 says what failed,
/// and a rerun's workbook lists the mails.
#[test]
fn a_workbook_that_fails_after_the_sending_still_ends_with_the_digest() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let marker = sandbox.path().join("pause");
    let url = format!("smtp://127.0.0.1:{port}");
    let running = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .env(hojokin::PAUSE_HOOK, &marker)
        .command()
        .spawn()
        .unwrap();
    // First pause: the probe of the report path before the mail. Let it through.
    paused(&marker);
    std::fs::remove_file(&marker).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    // Second pause: the mails are out; the workbook with them cannot land.
    paused(&marker);
    assert_eq!(reminders(&subjects(&server.messages())), 5);
    let report = sandbox.path().join("out/summary-2024-04-25.xlsx");
    assert!(!report.exists(), "the probe leaves no workbook");
    std::fs::create_dir(&report).unwrap();
    std::fs::write(report.join("keep"), "").unwrap();
    std::fs::remove_file(&marker).unwrap();
    let out = running.wait_with_output().unwrap();
    let said = crate::support::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    sandbox.stderr_is(&out, concat!(
        "<time>  WARN 集計ブック out/summary-2024-04-25.xlsx を書き込めません: Is a directory (os error 21)\n",
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "集計ブック out/summary-2024-04-25.xlsx を書き込めません: Is a directory (os error 21)（送ったメールは職員あてのまとめメールと状態ファイルに記録済みです。書き込めるようにしてから同じ基準日で再実行すると、集計ブックの「通知」シートに載ります）\n",
    ));
    let msgs = server.messages();
    let digest = msgs
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("夜間処理"))
        .expect("the digest went out");
    let text = body(digest);
    assert!(text.contains("添付できませんでした"), "{text}");
    assert_eq!(text.matches("送信済").count(), 6, "{text}");
    let history = crate::support::bin::Hojokin::new(sandbox.path())
        .args(["history", "--json", "--limit", "1"])
        .expect(0)
        .stdout();
    assert!(history.contains("\"status\":\"failed\""), "{history}");

    // Room again: the rerun's 通知 lists the six mails, none sent twice.
    std::fs::remove_dir_all(&report).unwrap();
    night(&sandbox, port, "2024-04-25");
    assert_eq!(reminders(&subjects(&server.messages())), 5);
    let notices = read_sheet(&report, "通知").records("申請番号");
    assert_eq!(
        notices
            .iter()
            .filter(|r| r.text("結果").starts_with("送信済（同じ基準日の先の実行）"))
            .count(),
        6
    );
}

/// 70,000 grantees due on one night, a fast local relay and a window of 50
/// mails (a budget, so the test cannot pass only because the machine is
/// slow): the night ends at its budget, the rest stays queued, the most
/// advanced stage goes first, and the next night sends the next 50.
#[test]
fn a_seventy_thousand_mail_night_ends_at_its_window_with_the_rest_queued() {
    use crate::support::smtp::{date, mailer_with, on, report};
    use hojokin::OutboxStatus;
    use hojokin::ReportState;
    use hojokin::State;

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("mail"), free_port(), &[]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    let m = mailer_with(&url, |s| s.window.max_mails = Some(50));
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let as_of = date(2024, 5, 8);
    let ledger: Vec<_> = (0..70_000)
        .map(|i| {
            let app = format!("R6-{i:05}");
            let mut r = report(
                &app,
                Some(&format!("g{i}@example.jp")),
                ReportState::NotYetDue,
            );
            // Every seventh is long overdue: 再督促, sent before the 督促.
            if i % 7 == 6 {
                r.due = date(2024, 3, 1);
                r.nominal_due = r.due;
            }
            r
        })
        .collect();
    let ledger = on(&ledger, as_of);
    let started = Instant::now();
    let night = hojokin::send_reminders(&m, &state, "nightly", &ledger, as_of, false, dir.path());
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "{:?}",
        started.elapsed()
    );
    assert_eq!((night.sent, night.queued), (50, 69_950));
    assert!(
        night
            .messages
            .iter()
            .any(|s| s.contains("max_mails_per_night = 50")),
        "{:?}",
        night.messages
    );
    let got = subjects(&server.messages());
    assert_eq!(got.len(), 50);
    assert!(got.iter().all(|s| s.contains("再督促")), "{:?}", &got[..3]);
    let entries = state.outbox_entries().unwrap();
    let queued = entries
        .iter()
        .filter(|e| e.status == OutboxStatus::Queued)
        .count();
    assert_eq!(queued, 69_950);
    assert_eq!(
        night
            .rows
            .iter()
            .filter(|r| r
                .result
                .text
                .starts_with("送信保留（1晩の上限 50 通に達した"))
            .count(),
        69_950
    );

    let next = hojokin::send_reminders(
        &m,
        &state,
        "nightly",
        &ledger,
        as_of.succ_opt().unwrap(),
        false,
        dir.path(),
    );
    assert_eq!((next.sent, next.queued), (50, 69_900));
    assert_eq!(server.messages().len(), 100);
}

/// SIGTERM (systemd's stop, the timer's limit) stops the sending after the
/// mail in flight; the night still writes its workbook and sends its
/// digest, and the next night sends the rest, each once.
#[test]
fn sigterm_stops_the_sending_and_the_night_still_ends_with_its_digest() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(
        &sandbox.path().join("mail"),
        port,
        &["--delay-after-data", "0.7"],
    );
    let url = format!("smtp://127.0.0.1:{port}");
    let running = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .command()
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.messages().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no mail went out"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &running.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = running.wait_with_output().unwrap();
    let said = crate::support::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    sandbox.stderr_is(&out, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "停止の指示（SIGTERM）を受けました。残りの督促等のメール 4 通（4 事業者）は送信待ちとして残し、次回の実行で段階の進んだものから送ります。\n",
        "督促等のメール 4 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「通知」シートに理由があります）。\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    let got = subjects(&server.messages());
    let first = reminders(&got);
    assert!((1..5).contains(&first), "{got:?}");
    assert_eq!(
        got.iter().filter(|s| s.contains("夜間処理")).count(),
        1,
        "{got:?}"
    );
    assert!(sandbox.path().join("out/summary-2024-04-25.xlsx").is_file());

    night(&sandbox, port, "2024-04-26");
    assert_eq!(reminders(&subjects(&server.messages())), 5);
}

/// A night that finds its predecessor still running exits 0 as the
/// contract says, but leaves a history row, and the predecessor's digest
/// names it (種別 実行見送り).
#[test]
fn a_night_that_finds_its_predecessor_running_is_in_the_history_and_the_digest() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let marker = sandbox.path().join("pause");
    let url = format!("smtp://127.0.0.1:{port}");
    let running = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .env(hojokin::PAUSE_HOOK, &marker)
        .command()
        .spawn()
        .unwrap();
    paused(&marker);
    let second = night(&sandbox, port, "2024-04-26");
    assert_eq!(second.status.code(), Some(0));
    sandbox.stderr_inexact(
        &second,
        "the refusal names the running process and when it started",
        &[
            "ジョブ nightly は既に実行中です（実行中のプロセス ",
            "開始）。今回は実行しません。\n",
        ],
    );
    let history = crate::support::bin::Hojokin::new(sandbox.path())
        .args(["history", "--json"])
        .expect(0)
        .stdout();
    assert!(
        history
            .lines()
            .any(|l| l.contains("\"as_of\":\"2024-04-26\"") && l.contains("既に実行中")),
        "{history}"
    );
    std::fs::remove_file(&marker).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    paused(&marker);
    std::fs::remove_file(&marker).unwrap();
    running.wait_with_output().unwrap();
    let digest = server
        .messages()
        .into_iter()
        .find(|m| m["subject"].as_str().unwrap().contains("夜間処理"))
        .unwrap();
    let text = body(&digest);
    assert!(
        text.contains("実行見送り") && text.contains("2024-04-26"),
        "{text}"
    );
}

/// The window as an operator sets it in the job file: two mails a night.
#[test]
fn a_job_with_a_mail_budget_sends_that_many_and_queues_the_rest() {
    let sandbox = Site::fixtures();
    let job = sandbox.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&job).unwrap();
    std::fs::write(
        &job,
        text.replacen(
            "rate_per_minute = 0",
            "rate_per_minute = 0\nmax_mails_per_night = 2",
            1,
        ),
    )
    .unwrap();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let first = night(&sandbox, port, "2024-04-25");
    let said = crate::support::stderr(&first);
    assert_eq!(first.status.code(), Some(1), "{said}");
    sandbox.stderr_is(&first, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "1晩に送る上限（max_mails_per_night = 2 通）に達しました。残りの督促等のメール 3 通（3 事業者）は送信待ちとして残し、次回の実行で段階の進んだものから送ります。\n",
        "督促等のメール 3 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「通知」シートに理由があります）。\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    let got = subjects(&server.messages());
    assert_eq!(reminders(&got), 2, "{got:?}");
    assert_eq!(got.iter().filter(|s| s.contains("夜間処理")).count(), 1);
    let notices =
        read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "通知").records("申請番号");
    assert_eq!(
        notices
            .iter()
            .filter(|r| r
                .text("結果")
                .starts_with("送信保留（1晩の上限 2 通に達した"))
            .count(),
        3,
        "two mails carried three of the six reports (R4-204's two share one); three wait"
    );
    night(&sandbox, port, "2024-04-26");
    night(&sandbox, port, "2024-04-27");
    night(&sandbox, port, "2024-04-28");
    assert_eq!(reminders(&subjects(&server.messages())), 5);
}
