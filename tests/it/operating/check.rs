//! `check` never skips a sheet in silence: one whose headers it cannot
//! match gets a line naming it, the columns it needs, the headers it found
//! and the `aliases` that would map them; problems print sorted.

use rust_xlsxwriter::Workbook;

use crate::support::Site;

/// A workbook whose 申請一覧 calls 申請番号 「受付No」, beside a good 予算.
fn renamed_id(path: &std::path::Path) {
    let mut book = Workbook::new();
    let apps = book.add_worksheet().set_name("申請一覧").unwrap();
    let header = [
        "受付No",
        "制度",
        "事業者名",
        "申請日",
        "補助対象経費",
        "状態",
    ];
    for (c, h) in header.iter().enumerate() {
        apps.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    let row = [
        "G00001",
        "中小企業受注拡大支援補助金",
        "株式会社小園電子",
        "2024/05/01",
        "255000",
        "申請中",
    ];
    for (c, v) in row.iter().enumerate() {
        apps.write_string(1, u16::try_from(c).unwrap(), *v).unwrap();
    }
    let budgets = book.add_worksheet().set_name("予算").unwrap();
    for (c, h) in ["年度", "制度", "予算額"].iter().enumerate() {
        budgets
            .write_string(0, u16::try_from(c).unwrap(), *h)
            .unwrap();
    }
    budgets.write_string(1, 0, "令和6年度").unwrap();
    budgets
        .write_string(1, 1, "中小企業受注拡大支援補助金")
        .unwrap();
    budgets.write_number(1, 2, -5.0).unwrap();
    book.save(path).unwrap();
}

#[test]
fn check_names_a_sheet_it_cannot_recognise_and_how_to_map_it() {
    let sandbox = Site::fixtures();
    renamed_id(&sandbox.path().join("renamed.xlsx"));
    let ran = sandbox.hojokin(&["check", "renamed.xlsx"], &[]).expect(1);
    let out = ran.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "renamed.xlsx: 予算!C2: 予算額「-5」: 金額が負です",
            "renamed.xlsx: 申請一覧!A1: シート「申請一覧」を申請一覧として読めません。必要な列 申請番号・制度・事業者名・申請日・補助対象経費・状態 のうち 申請番号 が見つかりません（見つかった見出し: 受付No、制度、事業者名、申請日、補助対象経費、状態）。見出しの名前が違うだけなら、ジョブファイルの [inputs.applications] に aliases = { \"申請番号\" = [\"受付No\"] } と書くと読めます。",
        ],
        "{out}"
    );
}
