//! The workbook in the words staff use: a CSV has no シート, an input can be
//! shown by the name staff know it by, 推定 and 未確認 are counted apart, and
//! no setting's key (refund_method) or internal wording reaches a sheet.
#![allow(clippy::unwrap_used)]

use crate::support::{Site, find, read_sheet};

const SHARE: &str = r"\\kogyo-fs\補助金\申請一覧.xlsx";
const REPORTS_SHARE: &str = r"\\kogyo-fs\補助金\雇用状況報告.csv";

fn night(sandbox: &Site) -> std::path::PathBuf {
    let job = sandbox.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&job).unwrap();
    let text = text
        .replace(
            "sheet = \"申請一覧\"\n",
            &format!("sheet = \"申請一覧\"\ndisplay = '{SHARE}'\n"),
        )
        .replace(
            "path = \"../fixtures/exports/employment_reports.csv\"\n",
            &format!(
                "path = \"../fixtures/exports/employment_reports.csv\"\ndisplay = '{REPORTS_SHARE}'\n"
            ),
        );
    std::fs::write(&job, text).unwrap();
    let out = sandbox.run(
        &["run", "nightly", "--as-of", "2024-05-08", "--dry-run"],
        &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:9")],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    sandbox.path().join("out/summary-2024-05-08.xlsx")
}

#[test]
fn staff_read_their_own_words_and_file_names() {
    let sandbox = Site::fixtures();
    let report = night(&sandbox);
    let overview = read_sheet(&report, "概要");
    let inputs = overview.records("データ");
    let apps = find(&inputs, "データ", "申請一覧");
    assert_eq!(apps[0].text("ファイル"), SHARE);
    let reports = find(&inputs, "データ", "雇用状況報告");
    assert_eq!(reports[0].text("ファイル"), REPORTS_SHARE);
    assert_eq!(reports[0].text("シート"), "", "a CSV has no sheet");

    let errors = read_sheet(&report, "入力エラー").records("申請番号");
    let csv_rows: Vec<_> = errors
        .iter()
        .filter(|r| r.text("ファイル") == REPORTS_SHARE)
        .collect();
    assert!(!csv_rows.is_empty());
    assert!(csv_rows.iter().all(|r| r.text("シート").is_empty()));
    assert!(
        errors
            .iter()
            .filter(|r| r.text("ファイル").ends_with(".xlsx"))
            .all(|r| r.text("ファイル") == SHARE || !r.text("ファイル").contains("申請一覧")),
    );

    // 推定 (8 applications of the fixtures, R5-111 among them), 繰越・未確認 and 未確認, not one lump.
    let all: Vec<String> = overview
        .rows
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    let value = |label: &str| {
        let row = overview
            .rows
            .iter()
            .find(|r| r.first().is_some_and(|c| *c == label))
            .unwrap_or_else(|| panic!("no {label} on 概要"));
        row[1].to_string()
    };
    assert_eq!(value("算定検証: ルール確認 推定（過年度の額）"), "8");
    assert_eq!(value("算定検証: ルール確認 未確認"), "1");
    // FY2023 and later, judged by the FY2022 figures (issue 22): a third ask.
    assert_eq!(value("算定検証: ルール確認 繰越・未確認"), "16");
    assert!(!all.iter().any(|c| c.contains("未確認ルールで算定した申請")));

    // No key of a setting, no internal wording, anywhere staff read.
    for sheet in crate::support::sheet_names(&report) {
        for row in read_sheet(&report, &sheet).rows {
            for cell in row {
                let text = cell.to_string();
                for word in [
                    "refund_method",
                    "disposal_restriction",
                    "「employment_reports」",
                    "読み方の設定",
                ] {
                    assert!(!text.contains(word), "{sheet}: {text}");
                }
            }
        }
    }
    let restrictions = read_sheet(&report, "財産処分制限");
    let records = restrictions.records("申請番号");
    let r = find(&records, "申請番号", "R4-204");
    assert_eq!(r[0].text("事業者名"), "株式会社蓼川エンジニアリング");
}

/// 電話番号 is an optional column of 申請一覧 (aliases 電話, TEL): read when
/// the export has it, absent otherwise.
#[test]
fn a_phone_column_is_read_when_the_export_has_it() {
    use crate::support::read_applications_csv as read;
    let head = "申請番号,制度,区分,事業者名,申請日,補助対象経費,状態";
    let with = read(&format!(
        "{head},担当者名,TEL\nA-1,中小企業強靭化推進補助金,Aコース,綾瀬精工,2022/5/10,9000000,申請中,綾瀬 一郎, 0467-70-0001 \n"
    ));
    assert!(with.errors.is_empty(), "{:?}", with.errors);
    assert_eq!(
        with.applications[0].records.phone.as_deref(),
        Some("0467-70-0001")
    );
    let without = read(&format!(
        "{head}\nA-1,中小企業強靭化推進補助金,Aコース,綾瀬精工,2022/5/10,9000000,申請中\n"
    ));
    assert_eq!(without.applications[0].records.phone, None);
}
