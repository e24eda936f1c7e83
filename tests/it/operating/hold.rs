//! An export that is empty, shrinks, stops matching or is cut mid-line holds
//! every grantee reminder that night; the workbook is written and staff read
//! why on 概要 and in the digest; `--confirm-inputs` sends anyway. 申請番号
//! match across exports after NFKC: 「Ｒ４－２０１」 is R4-201.

use serde_json::Value;

use crate::support::smtp::{Server, free_port, subjects};
use crate::support::{Site, find, read_sheet};

const HEADER: &str = "申請番号,報告年度,受付日,新規採用者数（女性）,新規採用者数（障がい者）\r\n";
const ROWS: [&str; 5] = [
    "R4-201,令和5年度,2023/04/20,2,0\r\n",
    "R4-202,令和5年度,2023/05/01,1,1\r\n",
    "R4-203,令和5年度,2023/05/15,0,1\r\n",
    "R4-201,令和6年度,2024/04/10,1,0\r\n",
    "R5-201,令和9年度X,2024/04/22,1,0\r\n",
];

/// Replaces the received-reports export (UTF-8 instead of the fixture's CP932).
fn reports(sandbox: &Site, text: &str) {
    std::fs::write(
        sandbox
            .path()
            .join("fixtures/exports/employment_reports.csv"),
        text,
    )
    .unwrap();
}

fn night(sandbox: &Site, port: u16, extra: &[&str]) -> std::process::Output {
    let url = format!("smtp://127.0.0.1:{port}");
    let mut args = vec!["run", "nightly", "--as-of", "2024-04-25"];
    args.extend_from_slice(extra);
    sandbox.run(&args, &[("HOJOKIN_SMTP_URL", url.as_str())])
}

fn reminders(msgs: &[Value]) -> usize {
    subjects(msgs)
        .iter()
        .filter(|s| s.starts_with("【綾瀬市】"))
        .count()
}

/// The held night: no reminder, a digest that says why, 概要 that says why.
fn assert_held(sandbox: &Site, server: &Server, out: &std::process::Output, why: &str, said: &str) {
    assert_held_after(sandbox, server, 0, out, why, said);
}

/// [`assert_held`] on the mails after the first `before`.
fn assert_held_after(
    sandbox: &Site,
    server: &Server,
    before: usize,
    out: &std::process::Output,
    why: &str,
    said: &str,
) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(out)
    );
    let msgs = server.messages().split_off(before);
    assert_eq!(reminders(&msgs), 0, "{:?}", subjects(&msgs));
    let digest = msgs.last().expect("the staff digest");
    let subject = digest["subject"].as_str().unwrap();
    assert!(
        subject.starts_with("【督促保留】【補助金夜間処理】"),
        "{subject}"
    );
    let body = digest["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body.starts_with("■ 入力ファイルに異常があるため、今夜の事業者あての督促メールをすべて保留しました（送っていません）。\n"),
        "{body}"
    );
    assert!(body.contains(why), "{why} not in\n{body}");
    assert!(body.contains("--confirm-inputs"), "{body}");
    let overview = read_sheet(&sandbox.path().join("out/summary-2024-04-25.xlsx"), "概要");
    let texts: Vec<String> = overview
        .rows
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    assert!(texts.iter().any(|t| t == "督促メールの保留"), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains(why)), "{texts:?}");
    sandbox.stderr_is(out, said);
}

#[test]
fn an_emptied_export_holds_every_reminder_and_says_so() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    reports(&sandbox, HEADER);
    let out = night(&sandbox, port, &[]);
    assert_held(
        &sandbox,
        &server,
        &out,
        "雇用状況報告（fixtures/exports/employment_reports.csv）にデータ行が1行もありません。",
        concat!(
            "<time>  WARN grantee reminders held: an input looks wrong job=nightly reasons=1\n",
            "入力に誤りがあり 8 行を除外しました（8 件）。集計ブックの「入力エラー」シートを確認してください。\n",
            "入力ファイルに異常があるため、今夜の事業者あての督促メールをすべて保留しました（送っていません）。\n",
            "雇用状況報告（fixtures/exports/employment_reports.csv）にデータ行が1行もありません。\n",
            "入力ファイルを確認し、正しいファイルに置き換えて再実行してください。変化が正しい場合は hojokin run JOB --as-of 基準日 --confirm-inputs で送信できます。\n",
            "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
        ),
    );
    // Staff checked it: the same night with the flag sends.
    let out = night(&sandbox, port, &["--confirm-inputs"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    assert!(reminders(&server.messages()) > 0);
}

#[test]
fn an_export_whose_ids_all_stopped_matching_holds_every_reminder() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let text: String = std::iter::once(HEADER)
        .chain(ROWS)
        .collect::<String>()
        .replace("R4-", "G-R4-")
        .replace("R5-", "G-R5-");
    reports(&sandbox, &text);
    let out = night(&sandbox, port, &[]);
    assert_held(
        &sandbox,
        &server,
        &out,
        "雇用状況報告（fixtures/exports/employment_reports.csv）の 5 行のうち 5 行が入力エラーで除外されました",
        concat!(
            "<time>  WARN grantee reminders held: an input looks wrong job=nightly reasons=1\n",
            "入力に誤りがあり 13 行を除外しました（13 件）。集計ブックの「入力エラー」シートを確認してください。\n",
            "入力ファイルに異常があるため、今夜の事業者あての督促メールをすべて保留しました（送っていません）。\n",
            "雇用状況報告（fixtures/exports/employment_reports.csv）の 5 行のうち 5 行が入力エラーで除外されました（申請番号の書式が変わった可能性があります）。\n",
            "入力ファイルを確認し、正しいファイルに置き換えて再実行してください。変化が正しい場合は hojokin run JOB --as-of 基準日 --confirm-inputs で送信できます。\n",
            "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
        ),
    );
}

#[test]
fn an_export_that_shrank_since_the_last_night_holds_every_reminder() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    // The first night sets the yardstick: 4 accepted rows (one is rejected).
    let first = night(&sandbox, port, &[]);
    assert_eq!(first.status.code(), Some(1));
    let sent = reminders(&server.messages());
    assert_eq!(sent, 5);
    // The next night the export lost two of its rows.
    let text: String = std::iter::once(HEADER)
        .chain(ROWS[2..].iter().copied())
        .collect();
    reports(&sandbox, &text);
    let before = server.messages().len();
    let out = night(&sandbox, port, &[]);
    assert_held_after(
        &sandbox,
        &server,
        before,
        &out,
        "雇用状況報告（fixtures/exports/employment_reports.csv）の読み込めた行が 2 行で、前回（基準日 2024-04-25）の 4 行から 10% を超えて減りました。",
        concat!(
            "<time>  WARN grantee reminders held: an input looks wrong job=nightly reasons=1\n",
            "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
            "入力ファイルに異常があるため、今夜の事業者あての督促メールをすべて保留しました（送っていません）。\n",
            "雇用状況報告（fixtures/exports/employment_reports.csv）の読み込めた行が 2 行で、前回（基準日 2024-04-25）の 4 行から 10% を超えて減りました。\n",
            "入力ファイルを確認し、正しいファイルに置き換えて再実行してください。変化が正しい場合は hojokin run JOB --as-of 基準日 --confirm-inputs で送信できます。\n",
            "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
        ),
    );
}

#[test]
fn a_csv_cut_mid_line_holds_every_reminder() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let mut text: String = std::iter::once(HEADER)
        .chain(ROWS[..4].iter().copied())
        .collect();
    text.push_str("R5-202,令和6");
    reports(&sandbox, &text);
    let out = night(&sandbox, port, &[]);
    assert_held(
        &sandbox,
        &server,
        &out,
        "雇用状況報告（fixtures/exports/employment_reports.csv）の最終行（6行目）が改行で終わらず、項目が 2 個しかありません（見出しは 5 個）。",
        concat!(
            "<time>  WARN grantee reminders held: an input looks wrong job=nightly reasons=1\n",
            "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
            "入力ファイルに異常があるため、今夜の事業者あての督促メールをすべて保留しました（送っていません）。\n",
            "雇用状況報告（fixtures/exports/employment_reports.csv）の最終行（6行目）が改行で終わらず、項目が 2 個しかありません（見出しは 5 個）。コピーの途中で切れた可能性があります。\n",
            "入力ファイルを確認し、正しいファイルに置き換えて再実行してください。変化が正しい場合は hojokin run JOB --as-of 基準日 --confirm-inputs で送信できます。\n",
            "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
        ),
    );
}

#[test]
fn full_width_ids_match_across_exports() {
    let sandbox = Site::fixtures();
    let text: String = std::iter::once(HEADER)
        .chain(ROWS)
        .collect::<String>()
        .replace("R4-201,令和6年度", "　Ｒ４－２０１ ,令和6年度");
    reports(&sandbox, &text);
    let out = sandbox.run(
        &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
        &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:25")],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    let ledger = read_sheet(
        &sandbox.path().join("out/summary-2024-04-25.xlsx"),
        "雇用状況報告",
    )
    .records("申請番号");
    let row = find(&ledger, "申請番号", "R4-201")
        .into_iter()
        .find(|r| r.text("報告年度") == "2024")
        .expect("R4-201 FY2024 on the ledger");
    assert_eq!(row.text("状況"), "提出済");
    let errors = read_sheet(
        &sandbox.path().join("out/summary-2024-04-25.xlsx"),
        "入力エラー",
    )
    .records("申請番号");
    assert_eq!(errors.len(), 10, "only the fixtures' deliberate errors");
    let outbox: Vec<String> = std::fs::read_dir(sandbox.path().join("out/outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !outbox.iter().any(|n| n.contains("R4-201")),
        "no reminder for R4-201: {outbox:?}"
    );
}
