//! One summary of the night, rendered twice: over a sequence of real nights
//! (real binary, real SMTP server) in which a flag appears, changes kind and
//! disappears, the staff digest and 概要 give the same counts, the digest's
//! subject counts what it lists, and 要確認's 区分 and 初出日 follow.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::support::smtp::{Server, body, free_port};
use crate::support::{Record, Site, find, read_sheet};
use serde_json::Value;

fn night(sandbox: &Site, port: u16, as_of: &str) {
    let url = format!("smtp://127.0.0.1:{port}");
    let out = sandbox.run(
        &["run", "nightly", "--as-of", as_of],
        &[("HOJOKIN_SMTP_URL", url.as_str())],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
}

/// The last digest the server took.
fn digest(server: &Server) -> Value {
    server
        .messages()
        .into_iter()
        .rfind(|m| m["subject"].as_str().unwrap_or("").contains("夜間処理"))
        .unwrap()
}

/// The number in 「新たな要対応 N件」 (0 for 「新たな要対応なし」).
fn subject_count(subject: &str) -> usize {
    subject
        .split("新たな要対応 ")
        .nth(1)
        .and_then(|rest| rest.split('件').next())
        .map_or(0, |n| n.parse().unwrap())
}

/// The lines the digest lists as new: 「・」 lines of the three flag sections.
fn listed_new(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("■ ") {
            inside = ["■ 未提出", "■ 制限期間内", "■ 要確認"]
                .iter()
                .any(|h| line.starts_with(h));
        } else if inside && line.starts_with('・') && line != "・新規はありません" {
            out.push(line.to_string());
        }
    }
    out
}

/// 「■ 解消：… N件」's N.
fn resolved_count(text: &str) -> usize {
    let line = text.lines().find(|l| l.starts_with("■ 解消")).unwrap();
    line.rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('件')
        .parse()
        .unwrap()
}

/// 本日の対応's 件数 of one 対応, as a number.
fn today(report: &Path, what: &str) -> usize {
    let rows = read_sheet(report, "概要").records("対応");
    let row = find(&rows, "対応", what);
    assert_eq!(row.len(), 1, "one 本日の対応 row {what}");
    row[0].text("件数").trim_end_matches('件').parse().unwrap()
}

fn findings(report: &Path) -> Vec<Record> {
    read_sheet(report, "要確認").records("申請番号")
}

/// Appends a line to the fixtures' (Shift_JIS) CSV of received reports;
/// ASCII only, so it is the same bytes in either encoding.
fn set_extra_report_line(sandbox: &Site, original: &[u8], line: &str) {
    let mut bytes = original.to_vec();
    bytes.extend_from_slice(line.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    std::fs::write(
        sandbox
            .path()
            .join("fixtures/exports/employment_reports.csv"),
        bytes,
    )
    .unwrap();
}

/// The digest and 概要 agree, and the subject counts the listed lines.
fn agree(server: &Server, report: &Path) -> (usize, String) {
    let d = digest(server);
    let text = body(&d);
    let n = subject_count(d["subject"].as_str().unwrap());
    assert_eq!(
        listed_new(&text).len(),
        n,
        "the subject counts what it lists: {text}"
    );
    assert_eq!(
        today(report, "新たな要対応"),
        n,
        "概要 and the digest: {text}"
    );
    assert_eq!(today(report, "解消"), resolved_count(&text), "{text}");
    (n, text)
}

#[test]
fn the_digest_and_the_overview_agree_night_after_night() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let csv = sandbox
        .path()
        .join("fixtures/exports/employment_reports.csv");
    let original = std::fs::read(&csv).unwrap();
    let report = |d: &str| sandbox.path().join(format!("out/summary-{d}.xlsx"));

    // 1. Everything is new; the early disposal and its 要確認 row are one case.
    night(&sandbox, port, "2024-05-08");
    let (n, text) = agree(&server, &report("2024-05-08"));
    assert_eq!(n, 16, "{text}");
    assert!(
        text.contains("ほかに上の期間内処分と同じ案件 1件"),
        "{text}"
    );
    let rows = findings(&report("2024-05-08"));
    assert!(rows.iter().all(|r| r.text("区分") == "新規"));
    assert!(
        rows.iter()
            .all(|r| r.date("初出日") == chrono::NaiveDate::from_ymd_opt(2024, 5, 8))
    );

    // 2. R4-202's report is keyed in on a row that is rejected: its overdue
    // flag changes kind (報告行の入力エラー); it is not resolved.
    set_extra_report_line(&sandbox, &original, "R4-202,2024,2024/13/45,1,0");
    night(&sandbox, port, "2024-05-09");
    let (n, text) = agree(&server, &report("2024-05-09"));
    assert_eq!(n, 1, "{text}");
    assert_eq!(resolved_count(&text), 0, "{text}");
    let new = listed_new(&text);
    assert!(
        new[0].starts_with("・R4-202 株式会社早川ケミカル 報告行の入力エラー")
            && new[0].ends_with("（前回までは「未提出の報告」）"),
        "{new:?}"
    );
    let rows = findings(&report("2024-05-09"));
    assert_eq!(rows[0].text("申請番号"), "R4-202", "new rows first");
    assert_eq!(rows[0].text("区分"), "新規");
    assert_eq!(
        rows[0].date("初出日"),
        chrono::NaiveDate::from_ymd_opt(2024, 5, 9)
    );
    assert!(!rows[0].text("担当者名").is_empty(), "whom to phone");
    assert!(rows[1..].iter().all(|r| r.text("区分") == "継続"));
    assert_eq!(
        rows[1].date("初出日"),
        chrono::NaiveDate::from_ymd_opt(2024, 5, 8)
    );

    // 3. The row is fixed: the report is on file, the cause is gone.
    set_extra_report_line(&sandbox, &original, "R4-202,2024,2024/05/09,1,0");
    night(&sandbox, port, "2024-05-10");
    let (n, text) = agree(&server, &report("2024-05-10"));
    assert_eq!(n, 0, "{text}");
    assert_eq!(resolved_count(&text), 1, "{text}");
    assert!(
        text.contains("・［要確認］R4-202 株式会社早川ケミカル 報告行の入力エラー"),
        "{text}"
    );
    let overview = read_sheet(&report("2024-05-10"), "概要");
    assert!(
        overview.rows.iter().flatten().any(|c| c
            .to_string()
            .starts_with("［要確認］R4-202 株式会社早川ケミカル 報告行の入力エラー")),
        "概要 lists what the digest says is resolved"
    );

    // 4. The next quiet night: nothing new, nothing resolved twice, and no
    // tab coloured for what staff already know (the first night coloured them).
    night(&sandbox, port, "2024-05-13");
    let (n, text) = agree(&server, &report("2024-05-13"));
    assert_eq!(n, 0, "{text}");
    assert_eq!(resolved_count(&text), 0, "{text}");
    let first = coloured_tabs(&report("2024-05-08"));
    for tab in ["要確認", "算定検証", "雇用状況報告", "財産処分制限"] {
        assert!(first.contains(&tab.to_string()), "{tab}: {first:?}");
    }
    let quiet = coloured_tabs(&report("2024-05-13"));
    assert_eq!(quiet, ["入力エラー"], "only tonight's rejected rows");
}

/// The sheets whose tab is coloured, in workbook order.
fn coloured_tabs(path: &Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let names: Vec<String> = crate::support::sheet_names(path);
    (1..=names.len())
        .filter(|i| part(&format!("xl/worksheets/sheet{i}.xml")).contains("<tabColor"))
        .map(|i| names[i - 1].clone())
        .collect()
}
