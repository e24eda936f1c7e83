//! fixtures/twins: the same records written plainly and the way real exports mangle them.
//!
//! Ingestion must read clean.xlsx and messy.xlsx (and the two report CSVs) into equal typed
//! rows; only RowOrigin differs. Each messy record exercises different written forms.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Result, anyhow};

use crate::cells::{
    Cell, DateFmt, Formats, cp932, csv_text, set_widths, workbook, write_header, write_row,
};
use crate::companies::{Company, Corp};
use crate::data::{APP_HEADERS, App, DIV, HASSHIN, HOSHO, JUCHU, KASSEI, KYO, RITCHI, a};
use crate::exports::{APP_YEN, app_cells};

#[rustfmt::skip]
const TWIN_COMPANIES: [Company; 8] = [
    Company { name: "株式会社綾瀬テック", corp: Corp::Base("021001400017"), address: "綾瀬市深谷中1-2-3", contact: "山田 太郎", email: "yamada@ayase-tech.example.jp" },
    Company { name: "株式会社早川テクノロジー", corp: Corp::Base("021001411139"), address: "綾瀬市早川1-1-1", contact: "石井 亮介", email: "ishii@hayakawa-tech.example.jp" },
    Company { name: "株式会社寺尾ライフ", corp: Corp::Base("021001422251"), address: "綾瀬市寺尾中3-3-3", contact: "上田 真理", email: "info@terao-life.example.jp" },
    Company { name: "株式会社綾瀬工房", corp: Corp::Base("021001433373"), address: "綾瀬市綾西2-2-2", contact: "木下 聡", email: "kinoshita@ayase-kobo.example.jp" },
    Company { name: "株式会社小園物流", corp: Corp::Base("021001444495"), address: "綾瀬市小園1800", contact: "野口 健", email: "noguchi@kozono-butsuryu.example.jp" },
    Company { name: "蓼川工芸", corp: Corp::None, address: "綾瀬市蓼川2-1-1", contact: "菅原 正", email: "" },
    Company { name: "株式会社落合商会", corp: Corp::Base("021001455517"), address: "綾瀬市落合南1-1-1", contact: "久保 直美", email: "kubo@ochiai-shokai.example.jp" },
    Company { name: "株式会社吉岡ケア", corp: Corp::Base("021001466639"), address: "綾瀬市吉岡東6-6-6", contact: "杉山 恵子", email: "sugiyama@yoshioka-care.example.jp" },
];

/// The twin records; `company` indexes [`TWIN_COMPANIES`].
#[rustfmt::skip]
fn records() -> Vec<App> {
    vec![
        a("R1-001", JUCHU, "", 0, ["2019-04-30", "2019-05-20", "2019-10-31"], 300_000, Some(200_000), Some(200_000), "確定"),
        a("R4-001", KYO, "Aコース", 1, ["2022-05-20", "2022-06-20", "2023-01-31"], 12_345_678, Some(8_230_000), Some(8_230_000), "確定"),
        a("R4-002", DIV, "", 2, ["2022-06-01", "2022-07-01", "2022-12-15"], 1_234_567, Some(800_000), Some(800_000), "確定"),
        a("R4-003", HASSHIN, "", 3, ["2022-08-01", "2022-09-01", ""], 2_100_000, Some(1_050_000), None, "交付決定").members(3),
        a("R5-001", RITCHI, "雇用奨励金", 4, ["2023-04-03", "2023-05-15", ""], 1_300_000, Some(1_300_000), None, "交付決定").persons(5, Some(2), Some(1)),
        a("R5-002", KASSEI, "見本市等出展事業", 5, ["2023-06-01", "2023-06-26", "2023-09-29"], 180_000, Some(90_000), Some(90_000), "確定"),
        a("R5-003", HOSHO, "", 6, ["2024-03-01", "", ""], 45_600, None, None, "取下げ"),
        a("R4-004", DIV, "", 7, ["2023-01-10", "2023-02-15", "2023-02-27"], 900_000, Some(600_000), Some(600_000), "確定"),
    ]
}

/// A messy value: text as written, or the clean value in full-width digits.
#[derive(Debug, Clone, Copy)]
enum M {
    T(&'static str),
    Wide,
}

use M::{T, Wide};

/// How messy.xlsx writes each record differently from clean.xlsx, by header. Date
/// columns not named here are date cells with the column's built-in format.
#[rustfmt::skip]
const MESSY: [&[(&str, M)]; 8] = [
    &[("申請日", T("H31.4.30")), ("交付決定日", T("令和元年5月20日")), ("補助対象経費", T("￥300,000")),
      ("交付決定額", T("200,000円")), ("法人番号", Wide), ("事業者名", T("　株式会社綾瀬テック　")),
      ("備考", T("旧様式で受付"))],
    &[("申請日", T("R4.5.20")), ("事業完了日", T("令和５年１月３１日")), ("補助対象経費", T("１２，３４５，６７８円")),
      ("交付決定額", T("¥8,230,000")), ("確定額", T("8230000")), ("区分", T(" Aコース "))],
    &[("交付決定日", T("R4/7/1")), ("補助対象経費", T("１，２３４，５６７円")), ("確定額", T("800,000")),
      ("制度", T(" ダイバーシティ経営推進補助金")), ("メールアドレス", T(" info@terao-life.example.jp "))],
    &[("申請日", T("令和4年8月1日")), ("参画企業数", T("３")), ("補助対象経費", T("2,100,000")),
      ("交付決定額", T("￥1,050,000")), ("担当者名", T("　木下 聡")), ("状態", T("交付決定　"))],
    &[("交付決定日", T("R5.5.15")), ("対象人数", T("５")), ("対象人数（女性）", T("２")),
      ("補助対象経費", T("1,300,000円")), ("申請番号", T(" R5-001 "))],
    &[("申請日", T("令和5年6月1日 ")), ("事業完了日", T("R5.9.29")), ("交付決定額", T("90,000")),
      ("確定額", T("９０，０００円")), ("事業所所在地", T("綾瀬市蓼川2-1-1　"))],
    &[("補助対象経費", T("45,600円")), ("状態", T("取下")), ("備考", T("申請者都合により取下げ"))],
    &[("申請日", T("R5.1.10")), ("交付決定日", T("令和5年2月15日")), ("補助対象経費", T("￥900,000"))],
];

/// messy.xlsx column order (shuffled, with an extra 備考).
const MESSY_HEADERS: [&str; 20] = [
    "備考",
    "状態",
    "申請番号",
    "事業者名",
    "制度",
    "区分",
    "交付決定日",
    "申請日",
    "補助対象経費",
    "交付決定額",
    "確定額",
    "事業完了日",
    "法人番号",
    "メールアドレス",
    "担当者名",
    "事業所所在地",
    "参画企業数",
    "対象人数",
    "対象人数（女性）",
    "対象人数（障がい者）",
];

/// Built-in Japanese date formats calamine does not see as dates.
const BUILTIN: [(&str, u8); 3] = [("申請日", 31), ("交付決定日", 57), ("事業完了日", 58)];

pub(crate) fn write(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("clean.xlsx"), clean_xlsx()?)?;
    write_messy(&dir.join("messy.xlsx"))?;
    write_reports(dir)
}

fn company(app: &App) -> Result<&'static Company> {
    TWIN_COMPANIES
        .get(app.company)
        .ok_or_else(|| anyhow!("{}: no twin company {}", app.id, app.company))
}

/// clean.xlsx as bytes (broken/truncated.xlsx is its first half).
pub(crate) fn clean_xlsx() -> Result<Vec<u8>> {
    let mut wb = workbook()?;
    let f = Formats::new();
    let ws = wb.add_worksheet().set_name("申請一覧")?;
    write_header(ws, &f, 0, &APP_HEADERS)?;
    for (i, app) in records().iter().enumerate() {
        let cells = app_cells(app, company(app)?, DateFmt::Iso)?;
        write_row(ws, &f, 1 + u32::try_from(i)?, &cells, &APP_YEN)?;
    }
    set_widths(
        ws,
        &[
            10.0, 36.0, 18.0, 28.0, 15.0, 22.0, 12.0, 34.0, 11.0, 11.0, 11.0, 14.0,
        ],
    )?;
    Ok(wb.save_to_buffer()?)
}

/// The first twin record, for broken/sparse.xlsx.
pub(crate) fn first_record_cells() -> Result<Vec<Cell>> {
    let recs = records();
    let app = recs.first().ok_or_else(|| anyhow!("no twin records"))?;
    app_cells(app, company(app)?, DateFmt::Iso)
}

fn write_messy(path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let f = Formats::new();
    let ws = wb.add_worksheet().set_name("申請一覧")?;
    ws.write_string(0, 0, "補助金申請一覧（作業用コピー）")?;
    ws.write_string(1, 0, "出力日: 令和6年4月25日　担当: 工業振興企業誘致課")?;
    write_header(ws, &f, 3, &MESSY_HEADERS)?;
    for (i, (app, changes)) in records().iter().zip(MESSY).enumerate() {
        let clean = app_cells(app, company(app)?, DateFmt::Iso)?;
        let mut by_name: HashMap<&str, Cell> = APP_HEADERS.iter().copied().zip(clean).collect();
        for (name, id) in BUILTIN {
            if let Some(Cell::Date(d, _)) = by_name.get(name) {
                let d = *d;
                by_name.insert(name, Cell::Date(d, DateFmt::Builtin(id)));
            }
        }
        for (name, change) in changes.iter().copied() {
            let cell = match change {
                T(text) => Cell::text(text),
                Wide => Cell::text(&wide(&by_name.get(name).map(Cell::csv).unwrap_or_default())),
            };
            by_name.insert(name, cell);
        }
        let cells: Vec<Cell> = MESSY_HEADERS
            .iter()
            .map(|h| by_name.remove(h).unwrap_or(Cell::Blank))
            .collect();
        write_row(ws, &f, 4 + u32::try_from(i)?, &cells, &[8, 9, 10])?;
    }
    set_widths(
        ws,
        &[
            20.0, 10.0, 10.0, 28.0, 36.0, 18.0, 18.0, 18.0, 16.0, 14.0, 14.0, 18.0,
        ],
    )?;
    wb.save(path)?;
    Ok(())
}

/// ASCII digits as full-width digits (０–９), as typed with a Japanese IME.
fn wide(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

pub(crate) const TWIN_REPORT_HEADERS: [&str; 5] = crate::ledger::REPORT_HEADERS;

fn write_reports(dir: &Path) -> Result<()> {
    let clean: Vec<[&str; 5]> = vec![
        ["R4-002", "2023", "2023-04-20", "2", "0"],
        ["R4-002", "2024", "2024-04-15", "1", ""],
        ["R4-004", "2023", "2023-05-01", "0", "1"],
        ["R4-004", "2024", "2024-04-24", "3", "0"],
    ];
    let mut rows = vec![TWIN_REPORT_HEADERS.map(String::from).to_vec()];
    rows.extend(clean.iter().map(|r| r.map(String::from).to_vec()));
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(csv_text(&rows).into_bytes());
    std::fs::write(dir.join("clean_reports.csv"), bytes)?;

    #[rustfmt::skip]
    let messy: Vec<[&str; 6]> = vec![
        ["受付日", "新規採用者数（障がい者）", "備考", "申請番号", "報告年度", "新規採用者数（女性）"],
        ["令和5年4月20日", "0", "", "R4-002", "令和5年度", "２"],
        ["R6.4.15", "", "メール受付", "R4-002", "R6", "1"],
        ["令和５年５月１日", "１", "", " R4-004", "令和5年度", "0"],
        ["2024年4月24日", "0", "窓口受付", "R4-004", "令和6年度", "３"],
    ];
    let rows: Vec<Vec<String>> = messy.iter().map(|r| r.map(String::from).to_vec()).collect();
    std::fs::write(dir.join("messy_reports.csv"), cp932(&csv_text(&rows))?)?;
    Ok(())
}
