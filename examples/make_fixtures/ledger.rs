//! 取得財産, 雇用状況報告 and 予算 of the export fixture, with what each row should give.
//!
//! Restriction periods run from 取得日 through the day before the N-year anniversary; the
//! refund estimate is share × (N×12 − elapsed months) ÷ (N×12), a started month counted.

use crate::data::{
    BRAND, DIV, GINO, HASSHIN, HOSHO, JINZAI, JUCHU, KASSEI, KYO, MARUKEI, OPEN, RISHI, RITCHI,
    TAISHOKU,
};

pub(crate) const ASSET_HEADERS: [&str; 10] = [
    "申請番号",
    "財産番号",
    "財産名",
    "耐用年数区分",
    "法定耐用年数",
    "取得価額",
    "取得日",
    "処分日",
    "処分の種類",
    "処分承認日",
];

/// One row of 取得財産 (dates ISO; empty = blank) and its expected 財産処分制限 row.
#[derive(Debug, Clone)]
pub(crate) struct AssetRow {
    pub app: &'static str,
    pub id: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub years: Option<u32>,
    pub cost: i64,
    pub acquired: &'static str,
    pub disposed: &'static str,
    pub kind: &'static str,
    pub approved: &'static str,
    /// 法定耐用年数 in force, 取得日 used, 制限期間終了日, 状況, 返還額（目安）, remark.
    pub expect: (
        Option<u32>,
        &'static str,
        &'static str,
        &'static str,
        Option<i64>,
        &'static str,
    ),
}

#[allow(clippy::too_many_arguments)]
const fn r(
    app: &'static str,
    id: &'static str,
    name: &'static str,
    category: &'static str,
    years: Option<u32>,
    cost: i64,
    [acquired, disposed, kind, approved]: [&'static str; 4],
    expect: (
        Option<u32>,
        &'static str,
        &'static str,
        &'static str,
        Option<i64>,
        &'static str,
    ),
) -> AssetRow {
    AssetRow {
        app,
        id,
        name,
        category,
        years,
        cost,
        acquired,
        disposed,
        kind,
        approved,
        expect,
    }
}

const FOOT: &str = "その他の家具／その他のもの／主として金属製のもの";
const SEWER: &str = "給排水又は衛生設備及びガス設備";
const METAL: &str = "金属製品製造業用設備／その他の設備";

/// Rows of 取得財産 in sheet order: the first is on Excel row 2 (header on row 1).
#[rustfmt::skip]
pub(crate) const ASSETS: [AssetRow; 14] = [
    r("H16-001", "Z-0001", "排水処理設備", SEWER, None, 45_000_000, ["2005-03-15", "2023-06-30", "廃棄", ""],
        (Some(15), "2005-03-15", "2020-03-14", "制限期間満了", None, "exact 15年; 処分は期間満了後")),
    r("R3-001", "Z-0002", "ファイバーレーザー加工機", METAL, None, 9_000_000, ["2022-01-31", "", "", ""],
        (Some(10), "2022-01-31", "2032-01-30", "制限期間中", None, "exact 10年")),
    r("R3-002", "Z-0003", "NC旋盤", METAL, None, 2_500_000, ["2021-11-30", "2024-02-20", "譲渡", "2024-02-01"],
        (Some(10), "2021-11-30", "2031-11-29", "承認済処分", None, "承認日2024-02-01＜処分日2024-02-20")),
    r("R4-101", "Z-0004", "BCP用蓄電池設備", "蓄電池電源設備", None, 18_000_000, ["2023-01-31", "", "", ""],
        (Some(6), "2023-01-31", "2029-01-30", "制限期間中", None, "exact 6年")),
    r("R4-201", "Z-0005", "多目的トイレ", SEWER, None, 1_185_000, ["2022-09-20", "", "", ""],
        (Some(15), "2022-09-20", "2037-09-19", "制限期間中", None, "exact 15年")),
    r("R4-202", "Z-0006", "エレベーター（車いす対応）", "エレベーター", None, 6_300_000, ["2023-02-27", "", "", ""],
        (Some(17), "2023-02-27", "2040-02-26", "制限期間中", None, "exact 17年")),
    r("R4-203", "Z-0007", "自動ドア（正面玄関）", "ドアー自動開閉", None, 700_000, ["2022-11-30", "", "", ""],
        (Some(12), "2022-11-30", "2034-11-29", "制限期間中", None, "partial → エヤーカーテン又はドアー自動開閉設備 12年")),
    r("R4-203", "Z-0008", "手すり（階段・廊下）", "手すり（階段・廊下）", Some(18), 300_000, ["2022-11-30", "", "", ""],
        (Some(18), "2022-11-30", "2040-11-29", "制限期間中", None, "表にない区分、法定耐用年数18を明記")),
    r("R4-204", "Z-0009", "更衣室ロッカー", FOOT, None, 1_050_000, ["2022-09-30", "2024-03-15", "売却", ""],
        (Some(15), "2022-09-30", "2037-09-29", "期間内処分", Some(630_000), "承認なし; 700,000×(180−18)/180=630,000")),
    r("R5-201", "Z-0010", "シャワー室", SEWER, None, 600_000, ["", "", "", ""],
        (Some(15), "2024-01-31", "2039-01-30", "制限期間中", None, "取得日空欄→事業完了日2024-01-31")),
    r("R5-201", "Z-0011", "段差解消機", "エレベーター", Some(15), 350_000, ["2024-01-31", "", "", ""],
        (Some(15), "2024-01-31", "2039-01-30", "制限期間中", None, "明記15年が表の17年と不一致→要確認")),
    r("R5-202", "Z-0012", "多目的トイレ・手洗い", SEWER, None, 1_500_000, ["2024-03-10", "", "", ""],
        (Some(15), "2024-03-10", "2039-03-09", "制限期間中", None, "exact 15年")),
    r("R5-230", "Z-0013", "自動ドア（通用口）", "エヤーカーテン又はドアー自動開閉設備", None, 420_000, ["2024-02-01", "", "", ""],
        (None, "", "", "入力エラー", None, "申請番号R5-230が申請一覧にない")),
    r("R5-202", "Z-0014", "更衣室ロッカー", "器具", None, 280_000, ["2024-03-10", "", "", ""],
        (None, "", "", "入力エラー", None, "耐用年数区分「器具」が複数の年数の行に当たる")),
];

pub(crate) const REPORT_HEADERS: [&str; 5] = [
    "申請番号",
    "報告年度",
    "受付日",
    "新規採用者数（女性）",
    "新規採用者数（障がい者）",
];

/// employment_reports.csv rows: 申請番号, 報告年度, 受付日, women, disabled.
/// The header is line 1, so the first row is CSV row 2.
pub(crate) const REPORTS: [[&str; 5]; 5] = [
    ["R4-201", "令和5年度", "2023/04/20", "2", "0"],
    ["R4-202", "令和5年度", "2023/05/01", "1", "1"],
    ["R4-203", "令和5年度", "2023/05/15", "0", "1"],
    ["R4-201", "令和6年度", "2024/04/10", "1", "0"],
    ["R5-201", "令和9年度X", "2024/04/22", "1", "0"],
];

/// Expected 雇用状況報告 rows at as-of 2024-04-25:
/// 申請番号, 報告年度, 提出期限, 受付日, 状況.
pub(crate) const REPORT_STATUS: [[&str; 5]; 11] = [
    ["R4-201", "2023", "2023-05-01", "2023-04-20", "提出済"],
    ["R4-201", "2024", "2024-04-30", "2024-04-10", "提出済"],
    ["R4-202", "2023", "2023-05-01", "2023-05-01", "提出済"],
    ["R4-202", "2024", "2024-04-30", "", "期限前"],
    ["R4-203", "2023", "2023-05-01", "2023-05-15", "期限後提出"],
    ["R4-203", "2024", "2024-04-30", "", "期限前"],
    ["R4-204", "2023", "2023-05-01", "", "未提出"],
    ["R4-204", "2024", "2024-04-30", "", "期限前"],
    ["R5-201", "2024", "2024-04-30", "", "期限前"],
    ["R5-202", "2024", "2024-04-30", "", "期限前"],
    ["R5-203", "2024", "2024-04-30", "", "期限前"],
];

pub(crate) const BUDGET_HEADERS: [&str; 3] = ["年度", "制度", "予算額"];

/// 予算額 per program, the same for FY2022, FY2023 and FY2024.
pub(crate) const BUDGETS: [(&str, i64); 14] = [
    (KYO, 30_000_000),
    (JUCHU, 2_000_000),
    (DIV, 5_000_000),
    (KASSEI, 3_000_000),
    (JINZAI, 1_000_000),
    (GINO, 500_000),
    (BRAND, 3_000_000),
    (HASSHIN, 2_000_000),
    (OPEN, 1_000_000),
    (HOSHO, 1_500_000),
    (RISHI, 2_000_000),
    (MARUKEI, 500_000),
    (TAISHOKU, 300_000),
    (RITCHI, 50_000_000),
];

/// 令和X年度 labels of the budget years.
pub(crate) const BUDGET_FYS: [&str; 3] = ["令和4年度", "令和5年度", "令和6年度"];
