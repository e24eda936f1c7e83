//! The real binary against a real SMTP server (aiosmtpd): a night's
//! reminders and digest go out, a rerun sends no reminder twice, and a relay
//! that is down leaves them queued (exit 1) until the next run delivers them.
#![allow(clippy::unwrap_used)]

use crate::support::smtp::{Server, body, free_port, subjects};
use crate::support::{Site, read_sheet};
use serde_json::Value;

fn run(sandbox: &Site, port: u16) -> std::process::Output {
    run_on(sandbox, port, "2024-04-25")
}

fn run_on(sandbox: &Site, port: u16, as_of: &str) -> std::process::Output {
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
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);

    let first = run(&sandbox, port);
    // 1 because of the fixtures' deliberate input errors, not the mail.
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&first)
    );
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
    let sandbox = Site::fixtures();
    let port = free_port();

    let down = run(&sandbox, port);
    assert_eq!(down.status.code(), Some(1));
    // A sentence about the unsent mail.
    sandbox.stderr_is(&down, &format!(
        concat!(
            "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
            "督促等のメール 6 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「通知」シートに理由があります）。\n",
            "職員あてのまとめメールを送れませんでした: SMTP サーバー 127.0.0.1:{port}に接続できません（Connection refused (os error 111)）\n",
            "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
        ),
        port = port
    ));
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
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let out = run_on(&sandbox, port, "2024-06-10");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    let msgs = server.messages();

    // R4-204 owes FY2023 and FY2024: one mail names both.
    let both = to(&msgs, TADEGAWA);
    assert_eq!(both.len(), 1, "{:?}", subjects(&msgs));
    let mail = both[0];
    assert_eq!(
        mail["subject"],
        "【綾瀬市】ダイバーシティ経営推進補助金 令和5年度・令和6年度採用状況報告を至急ご提出ください（再督促・期限 令和5年5月1日（月））"
    );
    let text = body(mail);
    for needle in [
        "株式会社蓼川エンジニアリング\n遠藤 隆様\n",
        "【1件目】\n　補助金　：ダイバーシティ経営推進補助金\n",
        "　報告　　：令和5年度採用状況報告\n",
        "【2件目】\n　補助金　：ダイバーシティ経営推進補助金\n",
        "　報告　　：令和6年度採用状況報告\n",
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
    let sandbox = Site::fixtures();
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
    assert!(subjects[0].contains("（督促・") && subjects[1].contains("（再督促・"));
    let text = body(&msgs[1]);
    assert!(text.contains("先にご提出をお願いいたしましたが"), "{text}");
    assert!(
        text.contains("　これまでのご連絡：\n　　　　　　督促（令和"),
        "{text}"
    );
}

#[test]
fn a_rejected_report_row_holds_its_reminders_and_says_so() {
    let sandbox = Site::fixtures();
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
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );

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
    let sandbox = Site::fixtures();
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
    ran.stderr_is(concat!(
        "集計ブックの出力先 out/summary-2024-04-25.xlsx はフォルダのため書き込めません。ジョブファイルの [report] path にファイルのパスを指定してください。\n",
        "実行できなかったことを職員（kogyo@example.jp）にメールで知らせました。\n",
    ));
    // No reminder before the report: only staff hear that the night failed.
    let subjects_so_far = subjects(&server.messages());
    assert_eq!(
        subjects_so_far,
        ["【補助金夜間処理】令和6年4月25日 実行できませんでした（nightly）"]
    );

    std::fs::remove_dir(&report).unwrap();
    let fixed = run(&sandbox, port);
    assert_eq!(
        fixed.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&fixed)
    );
    // Six reports in five mails (R4-204's two share one).
    assert_eq!(reminders(&subjects(&server.messages())), 5);
}

/// The mails of one address on each night, as the server decoded them.
fn season(nights: &[&str]) -> Vec<(String, Vec<Value>)> {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let mut seen = 0;
    let mut out = Vec::new();
    for night in nights {
        let run = run_on(&sandbox, port, night);
        assert_eq!(
            run.status.code(),
            Some(1),
            "{}",
            crate::support::stderr(&run)
        );
        let msgs = server.messages();
        let new: Vec<Value> = msgs[seen..]
            .iter()
            .filter(|m| {
                m["subject"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("【綾瀬市】"))
            })
            .cloned()
            .collect();
        seen = msgs.len();
        out.push((night.to_string(), new));
    }
    out
}

/// Display columns: a full-width character is 2, ASCII 1.
fn columns(line: &str) -> usize {
    line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Issue 23.9-13, over a season of real sends: what each grantee receives
/// names the grant and which report, the deadline with its weekday, the
/// forms page and the documents to attach, a date to reply by once overdue;
/// no 督促 in the grace after the deadline; a combined subject calls only
/// the overdue report overdue; Date in +0900; lines fit a phone.
#[test]
fn a_season_of_mails_a_grantee_can_comply_with() {
    // The job first runs on 4/25 (no 案内 or earlier 再督促 went out); the
    // 案内 night on its own.
    let nights = season(&[
        "2024-04-25",
        "2024-05-01",
        "2024-05-07",
        "2024-05-08",
        "2024-06-10",
    ]);
    let annai = season(&["2024-04-01"]);
    let subjects_on = |night: &str| -> Vec<String> {
        let (_, msgs) = nights.iter().find(|(n, _)| n == night).unwrap();
        subjects(msgs)
    };
    // 4/25: R4-204's FY2023 report is a year overdue, its FY2024 report is
    // due in five days: the subject names only FY2023 as 再督促.
    let tadegawa = nights[0]
        .1
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!([TADEGAWA]))
        .unwrap();
    assert_eq!(
        tadegawa["subject"],
        "【綾瀬市】ダイバーシティ経営推進補助金 令和5年度採用状況報告を至急ご提出ください（再督促・期限 令和5年5月1日（月））／ほか1件の報告"
    );
    let text = body(tadegawa);
    for needle in [
        "【2件目】（催促）\n",
        "　報告　　：令和6年度採用状況報告\n　　　　　　（2回のうち2回目）\n　提出期限：令和6年4月30日（火）\n",
        "提出期限を過ぎた報告は、\n令和6年5月9日（木）までに",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
    // 5/1 and 5/7 are in the grace: no 督促 for the FY2024 reports (R4-204's
    // FY2023 再督促 went out on 4/25 already).
    assert_eq!(subjects_on("2024-05-01"), Vec::<String>::new());
    assert_eq!(subjects_on("2024-05-07"), Vec::<String>::new());
    let tokusoku = subjects_on("2024-05-08");
    assert!(!tokusoku.is_empty());
    assert!(
        tokusoku
            .iter()
            .all(|s| s.contains("（督促・期限 令和6年4月30日（火））")),
        "{tokusoku:?}"
    );

    // 4/1: 案内 to every grantee but R4-201, whose report the export records
    // as received on 4/10 (a replay never duns a grantee who has reported);
    // R4-204's mail leads with its overdue FY2023.
    let first = subjects(&annai[0].1);
    assert_eq!(first.len(), 5, "{first:?}");
    for s in &first {
        assert!(
            s.contains("（ご案内・期限 令和6年4月30日（火））")
                || s.ends_with("（再督促・期限 令和5年5月1日（月））／ほか1件の報告"),
            "{s}"
        );
    }
    for (night, msgs) in nights.iter().chain(&annai) {
        for m in msgs {
            let subject = m["subject"].as_str().unwrap();
            assert!(
                subject.contains("ダイバーシティ経営推進補助金 令和"),
                "{subject}"
            );
            assert!(
                subject.contains("日（"),
                "the deadline's weekday: {subject}"
            );
            let date = m["date"].as_str().unwrap();
            assert!(date.ends_with("+0900"), "{night}: {date}");
            let text = body(m);
            for needle in [
                "　交付決定：令和",
                "回のうち",
                "　添付書類：雇用保険被保険者証の写し\n　　　　　　身体障害者手帳又は療育手帳等の写し\n　　　　　　求人票及び求人を行ったことを証明する書類等\n",
                "様式は次のページからダウンロードできます。\nhttps://www.city.ayase.example.jp/hojokin/diversity/yoshiki.html\n",
                "本メールと行き違いでご提出いただいた場合は、ご容赦ください。",
                "平素より綾瀬市の産業振興にご理解とご協力を賜り",
            ] {
                assert!(
                    text.contains(needle),
                    "{night} {subject} lacks {needle:?}:\n{text}"
                );
            }
            let overdue = subject.contains("督促");
            assert_eq!(
                text.contains("）までに"),
                overdue,
                "{night} {subject}:\n{text}"
            );
            for line in text.lines() {
                assert!(
                    columns(line) <= 76,
                    "{night}: {} columns: {line}",
                    columns(line)
                );
            }
        }
    }
    // 6/10: a 再督促 asks a reply by 6/24 (Mon), 14 days on.
    let (_, june) = nights.last().unwrap();
    assert!(
        june.iter()
            .all(|m| body(m).contains("令和6年6月24日（月）までに")),
        "{june:?}"
    );
}
