//! The real binary against relays that misbehave (`relay`): a night
//! against a relay that stalls, drips, never ends its EHLO or drops the
//! connection ends within a few timeouts with the mails queued, and the next
//! night against a real server (aiosmtpd) sends each exactly once. A stall
//! after the final dot leaves exactly that mail uncertain; a run killed
//! while still connecting leaves its mail queued, not uncertain.
//!
//! The time bounds are bounds on a hang (ten timeouts for what should take
//! two), not speed tests.
#![allow(clippy::unwrap_used)]

mod relay;

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::Site;
use crate::support::smtp::{Server, free_port, subjects};
use hojokin::OutboxStatus;
use hojokin::State;
use relay::{Fault, Relay};

/// The night the fixtures send 6 reminders on, in 5 mails: the first mail
/// names R4-204's two reports (two outbox keys, one message).
const AS_OF: &str = "2024-04-25";
const REMINDERS: usize = 6;
const MAILS: usize = 5;
/// Keys the first mail of the night carries.
const FIRST_MAIL_KEYS: usize = 2;

/// A sandbox whose job waits `timeout` seconds per SMTP step.
fn sandbox(timeout: u64) -> Site {
    let s = Site::fixtures();
    let job = s.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&job).unwrap();
    let with = text.replace(
        "smtp_url = \"${HOJOKIN_SMTP_URL}\"",
        &format!("smtp_url = \"${{HOJOKIN_SMTP_URL}}\"\ntimeout_seconds = {timeout}"),
    );
    assert_ne!(text, with, "the job file has the smtp_url line");
    std::fs::write(&job, with).unwrap();
    s
}

fn db(s: &Site) -> PathBuf {
    s.path().join("state/hojokin.db")
}

fn night(s: &Site, url: &str) -> (Output, Duration) {
    let started = Instant::now();
    let db = db(s);
    let out = s.run(
        &["run", "nightly", "--as-of", AS_OF],
        &[
            ("HOJOKIN_SMTP_URL", url),
            ("HOJOKIN_DB", db.to_str().unwrap()),
        ],
    );
    (out, started.elapsed())
}

/// The outbox's rows by status: (sent, queued or failed, uncertain, other).
fn tally(s: &Site) -> (usize, usize, usize, usize) {
    let state = State::open(&db(s)).unwrap();
    let mut t = (0, 0, 0, 0);
    for e in state.outbox_entries().unwrap() {
        match e.status {
            OutboxStatus::Sent => t.0 += 1,
            OutboxStatus::Queued | OutboxStatus::Failed => t.1 += 1,
            OutboxStatus::Uncertain => t.2 += 1,
            _ => t.3 += 1,
        }
    }
    t
}

fn reminders(server: &Server) -> Vec<String> {
    let mut got: Vec<String> = subjects(&server.messages())
        .into_iter()
        .filter(|s| s.starts_with("【綾瀬市】"))
        .collect();
    got.sort();
    got
}

/// The next night against a real server: every queued mail exactly once,
/// and a third night sends none again.
fn next_nights_send_each_once(s: &Site, expected: usize) {
    let server = Server::start(&s.path().join("mail"), free_port(), &[]);
    let url = format!("smtp://127.0.0.1:{}", server.port);
    let (out, _) = night(s, &url);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    let got = reminders(&server);
    assert_eq!(got.len(), expected, "{got:?}");
    let (again, _) = night(s, &url);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(reminders(&server), got, "nothing sent twice");
}

/// A night against a relay with `fault` and `timeout` seconds per step.
fn faulty_night(fault: Fault, timeout: u64) -> (Site, Relay, Output) {
    let s = sandbox(timeout);
    let relay = Relay::start(fault);
    let (out, took) = night(&s, &relay.url());
    let bound = Duration::from_secs(10 * timeout);
    assert!(
        took < bound,
        "{fault:?}: the night took {took:?}, more than {bound:?}: {}",
        crate::support::stderr(&out)
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    (s, relay, out)
}

#[test]
fn a_relay_that_stalls_after_mail_from_costs_one_timeout_and_the_mail_waits() {
    let (s, relay, out) = faulty_night(Fault::StallAfterMailFrom, 2);
    // One reminder tried, the rest held; the digest tries once on its own.
    assert_eq!(relay.seen().mail_from, 2, "{:?}", relay.seen());
    assert_eq!(relay.seen().dots, 0);
    assert_eq!(tally(&s), (0, REMINDERS, 0, 0));
    s.stderr_is(&out, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "督促等のメール 6 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「通知」シートに理由があります）。\n",
        "職員あてのまとめメールを送れませんでした: SMTP サーバーが MAIL FROM に時間内に応答しませんでした（email.timeout_seconds = 2 秒）。中継サーバーが応答しないため、今回の残りのメールは送らずに次回へ回します\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    drop(relay);
    next_nights_send_each_once(&s, MAILS);
    assert_eq!(tally(&s), (REMINDERS, 0, 0, 0));
}

#[test]
fn a_stall_after_the_dot_leaves_that_one_mail_uncertain_and_the_rest_queued() {
    let (s, relay, out) = faulty_night(Fault::StallAfterDot, 2);
    assert_eq!(relay.seen().dots, 2, "one reminder and the digest");
    // Both reports of the mail in doubt are uncertain; neither is resent.
    let doubt = FIRST_MAIL_KEYS;
    assert_eq!(tally(&s), (0, REMINDERS - doubt, doubt, 0));
    s.stderr_is(&out, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "督促等のメール 4 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「通知」シートに理由があります）。\n",
        "送信されたか確認できないメールが 2 通あります。二重送信を避けるため自動では再送しません。「要確認」シートの Message-ID でメールサーバーの記録を確認してください。\n",
        "職員あてのまとめメールが届いたか分かりません: メール本文を送った後、SMTP サーバーが時間内に応答しませんでした（email.timeout_seconds = 2 秒）。中継サーバーが応答しないため、今回の残りのメールは送らずに次回へ回します\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    drop(relay);
    next_nights_send_each_once(&s, MAILS - 1);
    assert_eq!(tally(&s), (REMINDERS - doubt, 0, doubt, 0));
}

#[test]
fn a_dripping_relay_and_an_endless_ehlo_are_cut_by_the_deadline() {
    for fault in [Fault::Drip, Fault::EndlessEhlo, Fault::StallAfterGreeting] {
        let (s, relay, _) = faulty_night(fault, 1);
        assert_eq!(relay.seen().mail_from, 0, "{fault:?}");
        // Never connected: one reminder failed, the rest held, none sent.
        assert_eq!(tally(&s), (0, REMINDERS, 0, 0), "{fault:?}");
    }
}

#[test]
fn a_relay_that_drops_the_connection_leaves_the_mail_for_the_next_night() {
    let (s, relay, _) = faulty_night(Fault::DropAfterMailFrom, 2);
    assert_eq!(relay.seen().dots, 0);
    assert_eq!(tally(&s), (0, REMINDERS, 0, 0));
    drop(relay);
    next_nights_send_each_once(&s, MAILS);
}

#[test]
fn a_run_killed_while_connecting_leaves_its_mail_queued_not_uncertain() {
    let s = sandbox(30);
    let relay = Relay::start(Fault::StallAfterGreeting);
    let db = db(&s);
    let mut child = s
        .hojokin(&["run", "nightly", "--as-of", AS_OF], &[])
        .env("HOJOKIN_SMTP_URL", relay.url())
        .env("HOJOKIN_DB", &db)
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait (bounded) until the run is connected and stuck in EHLO.
    let give_up = Instant::now() + Duration::from_secs(60);
    while relay.seen().connections == 0 {
        assert!(Instant::now() < give_up, "the run never connected");
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL: nothing is cleaned up
    child.wait().unwrap();
    let claimed: Vec<_> = State::open(&db)
        .unwrap()
        .outbox_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.status == OutboxStatus::Sending)
        .collect();
    assert_eq!(
        claimed.len(),
        FIRST_MAIL_KEYS,
        "killed with one mail (two reports) claimed"
    );
    drop(relay);
    next_nights_send_each_once(&s, MAILS);
    assert_eq!(tally(&s), (REMINDERS, 0, 0, 0), "nothing left uncertain");
}
