//! A replay of a past night (`--as-of` before a receipt the export holds)
//! mails nothing for that report, while its workbook still shows the night.

use serde_json::Value;

use crate::support::smtp::{Server, free_port};
use crate::support::{Site, find, read_sheet};

const TERAO: &str = "tanaka@terao-kasei.example.jp";

fn to<'a>(msgs: &'a [Value], address: &str) -> Vec<&'a Value> {
    msgs.iter()
        .filter(|m| m["rcpt_tos"] == serde_json::json!([address]))
        .collect()
}

#[test]
fn a_replay_sends_nothing_for_a_report_received_after_its_date() {
    let sandbox = Site::fixtures();
    let port = free_port();
    let server = Server::start(&sandbox.path().join("mail"), port, &[]);
    let url = format!("smtp://127.0.0.1:{port}");
    // R4-201's FY2024 report was received 2024-04-10; the replay is of 04-01,
    // when its 案内 was due.
    let out = sandbox.run(
        &["run", "nightly", "--as-of", "2024-04-01"],
        &[("HOJOKIN_SMTP_URL", url.as_str())],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    let msgs = server.messages();
    assert!(to(&msgs, TERAO).is_empty(), "no mail to 寺尾化成: {msgs:?}");
    // The other grantees' 案内 did go out: the night itself ran.
    let reminders = msgs
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("【綾瀬市】"))
        .count();
    assert_eq!(reminders, 5, "{msgs:?}");

    // The workbook is the night's: the report shows as not received yet.
    let ledger = read_sheet(
        &sandbox.path().join("out/summary-2024-04-01.xlsx"),
        "雇用状況報告",
    )
    .records("申請番号");
    let row = find(&ledger, "申請番号", "R4-201")
        .into_iter()
        .find(|r| r.text("報告年度") == "2024")
        .expect("R4-201 FY2024 on the ledger");
    assert_eq!(row.text("状況"), "期限前");
    assert_eq!(row.text("受付日"), "");
}
