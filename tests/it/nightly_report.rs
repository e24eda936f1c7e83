//! End to end: `hojokin run nightly` on the shipped fixtures, then the written
//! workbook read back with calamine and checked by value against figures
//! worked out by hand in fixtures/README.md.
#![allow(clippy::unwrap_used)]

use crate::support::{Record, Site, find, read_sheet};
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Runs the nightly job once for 2024-04-25 as a dry run.
fn nightly() -> (Site, std::path::PathBuf) {
    let sandbox = Site::fixtures();
    let out = sandbox.run(
        &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
        &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:9")],
    );
    // Deliberate input errors → exit 1, with a sentence pointing at 入力エラー.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    sandbox.stderr_is(&out, concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "試行: メール 6 通（事業者あての督促・案内 5 通、職員あてのまとめ 1 通）を .eml として out/outbox に書き出しました。送信も送信済みの記録もしていません。\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    let report = sandbox.path().join("out/summary-2024-04-25.xlsx");
    assert!(report.is_file());
    (sandbox, report)
}

fn one<'a>(records: &'a [Record], key: &str, value: &str) -> &'a Record {
    let found = find(records, key, value);
    assert_eq!(found.len(), 1, "{key}={value}: {found:?}");
    found[0]
}

#[test]
fn the_nightly_report_has_every_sheet_in_the_contracts_order() {
    let (_s, report) = nightly();
    let names = crate::support::sheet_names(&report);
    let want = [
        "概要",
        "要確認",
        "年度別集計",
        "事業者別集計",
        "算定検証",
        "雇用状況報告",
        "財産処分制限",
        "通知",
        "入力エラー",
    ];
    let got: Vec<&str> = names.iter().map(String::as_str).collect();
    let expected: Vec<&str> = want.iter().copied().filter(|n| got.contains(n)).collect();
    assert_eq!(got, expected, "sheets out of order");
    for must in [
        "概要",
        "年度別集計",
        "事業者別集計",
        "算定検証",
        "雇用状況報告",
        "財産処分制限",
        "要確認",
        "入力エラー",
    ] {
        assert!(got.contains(&must), "missing sheet {must}: {got:?}");
    }
}

#[test]
fn verification_matches_the_hand_worked_amounts() {
    let (_s, report) = nightly();
    let rows = read_sheet(&report, "算定検証").records("申請番号");
    // 44 hand-worked rows, and R5-111 whose 交付決定日 平成32年4月1日 is read as 2020-04-01
    // (issue 22 item 13): its row is kept.
    assert_eq!(rows.len(), 45);
    // (申請番号, 算定額, 交付決定額, 差額, 判定)
    type Case = (
        &'static str,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        &'static str,
    );
    let cases: &[Case] = &[
        ("R3-001", Some(6_000_000), Some(6_000_000), Some(0), "一致"),
        (
            "R4-102",
            Some(1_330_000),
            Some(1_333_000),
            Some(3_000),
            "超過",
        ),
        ("R4-103", Some(200_000), Some(220_000), Some(20_000), "超過"),
        ("R4-113", Some(78_600), Some(78_000), Some(-600), "不足"),
        ("R4-106", Some(50_000), Some(50_000), Some(0), "一致"), // per-company FY cap
        ("R4-112", Some(1_500_000), Some(1_500_000), Some(0), "一致"), // group × 3
        ("R4-203", Some(666_000), Some(666_000), Some(0), "一致"), // 1,000,000 × 2/3
        (
            "R5-101",
            Some(0),
            Some(2_660_000),
            Some(2_660_000),
            "対象外",
        ), // under the floor
        ("R5-106", Some(2_000_000), Some(2_000_000), Some(0), "一致"), // per person
        ("R6-101", Some(8_400_000), None, None, "未決定"),
        ("H16-001", None, Some(12_000_000), None, "算定不可"),
    ];
    for (id, computed, decided, diff, verdict) in cases {
        let r = one(&rows, "申請番号", id);
        assert_eq!(r.yen("算定額"), *computed, "{id} 算定額");
        assert_eq!(r.yen("交付決定額"), *decided, "{id} 交付決定額");
        assert_eq!(r.yen("差額"), *diff, "{id} 差額");
        assert_eq!(r.text("判定"), *verdict, "{id} 判定");
    }
    let verdict_count = |v: &str| rows.iter().filter(|r| r.text("判定") == v).count();
    // 31 hand-worked, and R5-111 (マル経: 38,800 × 1/2 = 19,400, decided 19,400);
    // the 退職金共済 row gives only an upper bound (no 月額掛金内訳): 上限内, not 一致.
    assert_eq!(verdict_count("一致"), 32);
    assert_eq!(verdict_count("上限内"), 1);
    let r5_111 = one(&rows, "申請番号", "R5-111");
    assert_eq!(
        (r5_111.yen("算定額"), r5_111.yen("交付決定額")),
        (Some(19_400), Some(19_400))
    );
    assert_eq!(verdict_count("超過"), 2);
    assert_eq!(verdict_count("不足"), 1);
    assert_eq!(verdict_count("対象外"), 2);
    // 申請中 only; the 3 不交付/取下げ rows are decided (issue 22): 比較対象なし.
    assert_eq!(verdict_count("未決定"), 3);
    assert_eq!(verdict_count("比較対象なし"), 3);
    assert_eq!(verdict_count("算定不可"), 1);
}

#[test]
fn findings_name_the_application_that_breaks_the_rule() {
    let (_s, report) = nightly();
    let rows = read_sheet(&report, "要確認").records("申請番号");
    let kinds: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.text("申請番号"), r.text("種別")))
        .collect();
    for (id, kind) in [
        ("R4-102", "算定額超過"),
        ("R4-103", "算定額超過"),
        ("R5-101", "下限額未満"),
        ("R5-202", "設置完了期限超過"),
        ("R5-203", "実績報告期限超過"),
        ("R6-202", "同一事業所の重複申請"),
        ("R4-204", "期間内処分"),
        ("R5-201", "耐用年数不一致"),
    ] {
        assert!(
            kinds.contains(&(id.to_string(), kind.to_string())),
            "{id} {kind} missing from {kinds:?}"
        );
    }
    let early = one(&rows, "種別", "期間内処分");
    assert!(
        early.text("内容").contains("630,000円"),
        "{}",
        early.text("内容")
    );
}

#[test]
fn the_report_ledger_shows_each_status() {
    // 報告年度 is a number cell (2023) shown as 令和5年度 by its format
    // (tests/it/workbook_format.rs reads the format).
    let (_s, report) = nightly();
    let rows = read_sheet(&report, "雇用状況報告").records("申請番号");
    assert_eq!(rows.len(), 11);
    let status = |id: &str, fy: &str| {
        let r: Vec<&Record> = rows
            .iter()
            .filter(|r| r.text("申請番号") == id && r.text("報告年度") == fy)
            .collect();
        assert_eq!(r.len(), 1, "{id} {fy}");
        (
            r[0].date("提出期限").unwrap(),
            r[0].date("受付日"),
            r[0].text("状況"),
        )
    };
    // 2023-04-30 is a Sunday: the deadline moves to Monday 2023-05-01.
    assert_eq!(
        status("R4-201", "2023"),
        (d(2023, 5, 1), Some(d(2023, 4, 20)), "提出済".into())
    );
    assert_eq!(
        status("R4-202", "2023"),
        (d(2023, 5, 1), Some(d(2023, 5, 1)), "提出済".into())
    );
    assert_eq!(
        status("R4-203", "2023"),
        (d(2023, 5, 1), Some(d(2023, 5, 15)), "期限後提出".into())
    );
    assert_eq!(
        status("R4-204", "2023"),
        (d(2023, 5, 1), None, "未提出".into())
    );
    assert_eq!(
        status("R4-201", "2024"),
        (d(2024, 4, 30), Some(d(2024, 4, 10)), "提出済".into())
    );
    assert_eq!(
        // Its report row is rejected (報告年度 令和9年度X): it may be in, so held.
        status("R5-201", "2024"),
        (d(2024, 4, 30), None, "受付記録あり（入力エラー）".into())
    );
}

#[test]
fn assets_show_each_state_and_the_refund() {
    let (_s, report) = nightly();
    let rows = read_sheet(&report, "財産処分制限").records("申請番号");
    assert_eq!(rows.len(), 12);
    let asset = |id: &str| one(&rows, "財産番号", id);
    // Issue 22 item 6: only the diversity subsidy restricts disposal (要綱第12条第4号・第16条);
    // other programs' assets are listed, disposed or not, with no period, breach or refund.
    for id in ["Z-0001", "Z-0002", "Z-0003", "Z-0004"] {
        let a = asset(id);
        assert_eq!(a.text("状況"), "処分制限なし", "{id}");
        assert_eq!(a.date("制限期間終了日"), None, "{id}");
        assert_eq!(a.yen("返還額（目安）"), None, "{id}");
    }
    assert_eq!(asset("Z-0003").date("処分日"), Some(d(2024, 2, 20)));
    assert_eq!(asset("Z-0005").text("状況"), "制限期間中");
    let z9 = asset("Z-0009");
    assert_eq!(z9.text("状況"), "期間内処分");
    assert_eq!(z9.yen("返還額（目安）"), Some(630_000));
    assert_eq!(z9.date("取得日"), Some(d(2022, 9, 30)));
    // Issue 22 item 8: 15 years counted from the day after 取得日 end on its anniversary.
    assert_eq!(z9.date("制限期間終了日"), Some(d(2037, 9, 30)));
    // A blank 取得日 takes the application's 事業完了日.
    assert_eq!(asset("Z-0010").date("取得日"), Some(d(2024, 1, 31)));
}

#[test]
fn annual_and_company_totals() {
    // 年度 cells hold the FY as a number (2022 reads 令和4年度).
    let (_s, report) = nightly();
    let sheet = read_sheet(&report, "年度別集計");
    // The programs' rows, then below a blank row (outside the autofilter)
    // the 合計 rows: both read by the header's names.
    let names = sheet.header("年度");
    let rows: Vec<Record> = sheet.rows[sheet.header_row("年度") + 1..]
        .iter()
        .filter(|r| r.iter().any(|c| *c != calamine::Data::Empty))
        .map(|r| Record {
            cells: names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    (
                        n.clone(),
                        r.get(i).cloned().unwrap_or(calamine::Data::Empty),
                    )
                })
                .collect(),
        })
        .collect();
    let programs = sheet.records("年度");
    assert!(
        programs.iter().all(|r| r.text("制度") != "合計"),
        "no 合計 among the filtered rows"
    );
    let row = |fy: &str, program: &str| {
        let r: Vec<&Record> = rows
            .iter()
            .filter(|r| r.text("年度") == fy && r.text("制度") == program)
            .collect();
        assert_eq!(r.len(), 1, "{fy} {program}");
        r[0]
    };
    let div = row("2022", "ダイバーシティ経営推進補助金");
    assert_eq!(div.yen("件数"), Some(4));
    assert_eq!(div.yen("交付決定額"), Some(2_956_000));
    assert_eq!(div.yen("予算額"), Some(5_000_000));
    let total = row("2022", "合計");
    assert_eq!(total.yen("件数"), Some(18));
    assert_eq!(total.yen("交付決定額"), Some(18_754_800));
    assert_eq!(total.yen("予算額"), Some(101_800_000));
    let r5 = row("2023", "合計");
    assert_eq!(r5.yen("確定額"), Some(2_556_000));
    // 申請中 and 取消 are not counted: FY2024 has only the one 確定 技能検定.
    assert_eq!(row("2024", "合計").yen("件数"), Some(1));

    let companies = read_sheet(&report, "事業者別集計").records("年度");
    assert!(!companies.is_empty());
    let sum: i64 = companies
        .iter()
        .filter(|r| r.text("年度") == "2022")
        .map(|r| r.yen("交付決定額").unwrap())
        .sum();
    assert_eq!(sum, 18_754_800, "company totals add up to the FY total");
    let by_company = read_sheet(&report, "事業者別集計");
    let fy_total = by_company
        .rows
        .iter()
        .find(|r| r[0] == calamine::Data::Float(2022.0) && r[1] == "合計")
        .expect("事業者別集計 has a 合計 for 令和4年度");
    assert_eq!(fy_total[4], calamine::Data::Float(18_754_800.0));
    assert!(
        by_company.rows.iter().any(|r| r[0] == "総計"),
        "and a 総計 of every FY"
    );
}

#[test]
fn input_errors_name_file_sheet_and_cell() {
    let (_s, report) = nightly();
    let rows = read_sheet(&report, "入力エラー").records("申請番号");
    let cells: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.text("シート"), r.text("セル"), r.text("項目")))
        .collect();
    let want = [
        ("申請一覧", "A41", "申請番号"),
        ("申請一覧", "A42", "申請番号"),
        ("申請一覧", "J43", "交付決定日"),
        ("申請一覧", "L44", "補助対象経費"),
        ("申請一覧", "E45", "法人番号"),
        ("申請一覧", "B46", "制度"),
        ("申請一覧", "N47", "確定額"),
        ("取得財産", "A14", "申請番号"),
        ("取得財産", "D15", "耐用年数区分"),
        // A CSV has no sheet to name.
        ("", "B6", "報告年度"),
    ];
    assert_eq!(cells.len(), want.len(), "{cells:?}");
    for (sheet, cell, column) in want {
        assert!(
            cells.contains(&(sheet.into(), cell.into(), column.into())),
            "{sheet}!{cell} {column} missing from {cells:?}"
        );
    }
    let negative = one(&rows, "セル", "L44");
    assert_eq!(negative.text("値"), "-50000");
    assert_eq!(negative.text("内容"), "金額が負です");
    // Issue 22 item 13: 平成32年4月1日 is 令和2年4月1日, a warning that rejects nothing.
    let era = one(&rows, "セル", "J43");
    assert_eq!(era.text("申請番号"), "R5-111");
    assert!(
        era.text("内容").starts_with("警告（除外なし）：平成32年4月1日は平成の終わり（2019年4月30日）より後の日付のため、同じ暦日の令和2年4月1日（2020年4月1日）として読みました"),
        "{}",
        era.text("内容")
    );
    assert_eq!(
        era.text("影響"),
        "この行は除外せず、読み取った値で処理しています"
    );
}

#[test]
fn check_lists_exactly_the_deliberate_errors() {
    let sandbox = Site::fixtures();
    let out = sandbox.run(
        &[
            "check",
            "fixtures/exports/applications.xlsx",
            "fixtures/exports/employment_reports.csv",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = crate::support::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10, "{text}");
    for prefix in [
        "fixtures/exports/applications.xlsx: 申請一覧!A41: ",
        "fixtures/exports/applications.xlsx: 申請一覧!A42: ",
        "fixtures/exports/applications.xlsx: 申請一覧!J43: ",
        "fixtures/exports/applications.xlsx: 申請一覧!L44: ",
        "fixtures/exports/applications.xlsx: 申請一覧!E45: ",
        "fixtures/exports/applications.xlsx: 申請一覧!B46: ",
        "fixtures/exports/applications.xlsx: 申請一覧!N47: ",
        "fixtures/exports/applications.xlsx: 取得財産!A14: ",
        "fixtures/exports/applications.xlsx: 取得財産!D15: ",
        "fixtures/exports/employment_reports.csv: employment_reports!B6: ",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(prefix)),
            "{prefix} missing from\n{text}"
        );
    }
}

#[test]
fn the_run_is_recorded_with_its_inputs() {
    let (sandbox, _report) = nightly();
    let out = sandbox.run(&["history", "nightly", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let line = crate::support::stdout(&out);
    let v: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(v["job"], "nightly");
    assert_eq!(v["as_of"], "2024-04-25");
    assert_eq!(v["status"], "needs_attention");
    assert_eq!(v["exit_code"], 1);
    for key in ["started_at", "finished_at"] {
        let t = v[key].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(t).is_ok(),
            "{key}: {t}"
        );
        assert!(t.ends_with("+09:00"), "{key}: {t}");
    }
    assert!(sandbox.path().join("state/hojokin.db").is_file());
}

#[test]
fn the_dry_run_renders_the_nights_mails_and_lists_them() {
    let (sandbox, report) = nightly();
    let mut files: Vec<String> = std::fs::read_dir(sandbox.path().join("out/outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    // As of 2024-04-25: 催促 for the FY2024 reports due 2024-04-30 (R5-201's is
    // held: its report row was rejected), 再督促 for R4-204's FY2023 report
    // overdue since 2023-05-01 in one mail with its FY2024 催促, and the digest.
    assert_eq!(
        files,
        [
            "2024-04-25_R4-202_2024_saisoku.eml",
            "2024-04-25_R4-203_2024_saisoku.eml",
            "2024-04-25_R4-204_2023_saitokusoku_and1.eml",
            "2024-04-25_R5-202_2024_saisoku.eml",
            "2024-04-25_R5-203_2024_saisoku.eml",
            "2024-04-25_digest.eml",
        ]
    );
    let notices = read_sheet(&report, "通知").records("申請番号");
    assert_eq!(notices.len(), 6);
    let kinds = |k: &str| notices.iter().filter(|r| r.text("種別") == k).count();
    // One row per report, though R4-204's two share a mail.
    assert_eq!((kinds("催促"), kinds("再督促")), (5, 1));
    let unsent: Vec<&Record> = notices
        .iter()
        .filter(|r| r.text("結果").starts_with("未送信"))
        .collect();
    assert!(unsent.is_empty(), "R5-201's reminder is held, not tried");
    let findings = read_sheet(&report, "要確認").records("申請番号");
    assert!(
        find(&findings, "申請番号", "R5-201")
            .iter()
            .any(|r| r.text("種別") == "報告行の入力エラー")
    );
    // Nothing was recorded as sent: a real run afterwards sends them all.
    let out = sandbox.run(
        &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
        &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:9")],
    );
    assert_eq!(out.status.code(), Some(1));
    let again = read_sheet(&report, "通知").records("申請番号");
    assert_eq!(again.len(), 6);
}

/// What staff read on stderr after the fixtures' night, whole.
#[test]
fn the_night_says_what_to_fix_in_whole_sentences() {
    let sandbox = Site::fixtures();
    let ran = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
            &[
                ("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:9"),
                ("HOJOKIN_LOG", "off"),
            ],
        )
        .expect(1);
    ran.stderr_is(concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "試行: メール 6 通（事業者あての督促・案内 5 通、職員あてのまとめ 1 通）を .eml として out/outbox に書き出しました。送信も送信済みの記録もしていません。\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    assert_eq!(ran.stdout(), "");
}
