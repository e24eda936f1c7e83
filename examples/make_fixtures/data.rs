//! 申請一覧 of the export fixture, with the 算定額 and 判定 each row should get.
//!
//! Amounts follow docs/rules.md (and the shipped catalogue): `min(truncate(cost × rate,
//! unit), cap)`, floors, per-company-per-FY caps in application-date order, `cap × 参画企業数`
//! for groups. The `expect` of each row is worked out by hand and is what the end-to-end
//! tests assert; its note shows the arithmetic. Rows marked 入力エラー are rejected by
//! ingestion and never reach 算定検証.

use crate::companies::COMPANIES;

pub(crate) const KYO: &str = "中小企業強靭化推進補助金";
pub(crate) const JUCHU: &str = "中小企業受注拡大支援補助金";
pub(crate) const DIV: &str = "ダイバーシティ経営推進補助金";
pub(crate) const KASSEI: &str = "中小企業活性化事業補助金";
pub(crate) const JINZAI: &str = "ものづくり人材育成補助金";
pub(crate) const GINO: &str = "技能検定支援補助金";
pub(crate) const BRAND: &str = "綾瀬ブランド新商品開発支援事業補助金";
pub(crate) const HASSHIN: &str = "ものづくり技術発信事業補助金";
pub(crate) const OPEN: &str = "あやせ工業団地オープンファクトリー補助金";
pub(crate) const HOSHO: &str = "中小企業信用保証料補助金";
pub(crate) const RISHI: &str = "中小企業融資利子補給金";
pub(crate) const MARUKEI: &str = "マル経融資利子補給金";
pub(crate) const TAISHOKU: &str = "中小企業退職金共済制度奨励補助金";
pub(crate) const RITCHI: &str = "企業立地奨励金";

/// The header row of 申請一覧, columns A..S.
pub(crate) const APP_HEADERS: [&str; 19] = [
    "申請番号",
    "制度",
    "区分",
    "事業者名",
    "法人番号",
    "事業所所在地",
    "担当者名",
    "メールアドレス",
    "申請日",
    "交付決定日",
    "事業完了日",
    "補助対象経費",
    "交付決定額",
    "確定額",
    "状態",
    "参画企業数",
    "対象人数",
    "対象人数（女性）",
    "対象人数（障がい者）",
];

/// One application row. Dates are ISO text; a date that is not ISO is written as text.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub id: &'static str,
    pub program: &'static str,
    pub course: &'static str,
    /// Index into [`COMPANIES`].
    pub company: usize,
    pub applied: &'static str,
    pub decided: &'static str,
    pub completed: &'static str,
    pub cost: i64,
    pub decided_amount: Option<i64>,
    pub final_amount: Option<i64>,
    pub status: &'static str,
    pub members: Option<u32>,
    pub persons: Option<u32>,
    pub women: Option<u32>,
    pub disabled: Option<u32>,
    /// 算定額 on 算定検証 (None: 算定不可, or the row is rejected).
    pub expect: Option<i64>,
    /// 判定 on 算定検証, or 入力エラー for a rejected row.
    pub verdict: &'static str,
    /// The arithmetic or the reason, for the README.
    pub note: &'static str,
}

impl App {
    pub(crate) fn members(mut self, n: u32) -> App {
        self.members = Some(n);
        self
    }

    pub(crate) fn persons(mut self, n: u32, women: Option<u32>, disabled: Option<u32>) -> App {
        self.persons = Some(n);
        self.women = women;
        self.disabled = disabled;
        self
    }

    fn expect(mut self, amount: Option<i64>, verdict: &'static str, note: &'static str) -> App {
        self.expect = amount;
        self.verdict = verdict;
        self.note = note;
        self
    }

    pub(crate) fn company_name(&self) -> &'static str {
        COMPANIES.get(self.company).map_or("", |c| c.name)
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn a(
    id: &'static str,
    program: &'static str,
    course: &'static str,
    company: usize,
    [applied, decided, completed]: [&'static str; 3],
    cost: i64,
    decided_amount: Option<i64>,
    final_amount: Option<i64>,
    status: &'static str,
) -> App {
    App {
        id,
        program,
        course,
        company,
        applied,
        decided,
        completed,
        cost,
        decided_amount,
        final_amount,
        status,
        members: None,
        persons: None,
        women: None,
        disabled: None,
        expect: None,
        verdict: "",
        note: "",
    }
}

const E: &str = "入力エラー";

/// The rows of 申請一覧 in sheet order: the first is on Excel row 4.
#[rustfmt::skip]
pub(crate) fn applications() -> Vec<App> {
    vec![
        // FY2004: an old grant whose asset's restriction has ended. No FY2004 rule set in the catalogue.
        a("H16-001", RITCHI, "事業拡大", 38, ["2004-05-10", "2004-07-01", "2005-03-15"], 120_000_000, Some(12_000_000), Some(12_000_000), "確定")
            .expect(None, "算定不可", "平成16年度の算定ルールがカタログにない（fy_from 2019）"),
        // FY2021
        a("R3-001", KYO, "Aコース", 0, ["2021-05-10", "2021-06-15", "2022-01-31"], 9_000_000, Some(6_000_000), Some(6_000_000), "確定")
            .expect(Some(6_000_000), "一致", "9,000,000×2/3=6,000,000（1万円未満切捨て）"),
        a("R3-002", KYO, "Bコース", 1, ["2021-06-01", "2021-07-01", "2021-11-30"], 2_500_000, Some(1_660_000), Some(1_660_000), "確定")
            .expect(Some(1_660_000), "一致", "2,500,000×2/3=1,666,666.67→1,660,000"),
        a("R3-003", JUCHU, "", 2, ["2021-07-05", "2021-08-02", "2021-12-20"], 255_000, Some(170_000), Some(170_000), "確定")
            .expect(Some(170_000), "一致", "255,000×2/3=170,000"),
        a("R3-004", RISHI, "市制度融資", 4, ["2022-01-12", "2022-02-10", ""], 87_654, Some(43_800), Some(43_800), "確定")
            .expect(Some(43_800), "一致", "87,654×1/2=43,827→43,800（100円未満切捨て）"),
        a("R3-005", MARUKEI, "", 5, ["2022-02-08", "2022-03-10", ""], 45_678, Some(22_800), Some(22_800), "確定")
            .expect(Some(22_800), "一致", "45,678×1/2=22,839→22,800"),
        a("R3-006", TAISHOKU, "", 6, ["2022-02-07", "2022-03-08", ""], 213_500, Some(21_300), Some(21_300), "確定")
            .persons(4, None, None)
            .expect(Some(21_300), "一致", "213,500×10%=21,350→21,300（上限6,000×4人=24,000）"),
        a("R3-007", RITCHI, "新規立地", 7, ["2021-04-20", "2021-09-01", "2022-03-25"], 250_000_000, Some(30_000_000), Some(30_000_000), "確定")
            .expect(Some(30_000_000), "一致", "250,000,000×15%=37,500,000→上限30,000,000"),
        // FY2022
        a("R4-101", KYO, "Aコース", 0, ["2022-05-16", "2022-06-20", "2023-01-31"], 18_000_000, Some(10_000_000), Some(10_000_000), "確定")
            .expect(Some(10_000_000), "一致", "18,000,000×2/3=12,000,000→上限10,000,000"),
        a("R4-102", KYO, "Bコース", 8, ["2022-06-06", "2022-07-11", "2022-12-15"], 2_000_000, Some(1_333_000), Some(1_333_000), "確定")
            .expect(Some(1_330_000), "超過", "2,000,000×2/3=1,333,333→1,330,000; 決定1,333,000（差額+3,000）"),
        a("R4-103", JUCHU, "", 9, ["2022-05-23", "2022-06-27", "2022-10-31"], 330_000, Some(220_000), Some(220_000), "確定")
            .expect(Some(200_000), "超過", "330,000×2/3=220,000→上限200,000; 決定220,000（差額+20,000）"),
        a("R4-104", KASSEI, "経営アドバイザー派遣事業", 10, ["2022-06-13", "2022-07-04", "2022-12-20"], 85_800, Some(85_000), Some(85_000), "確定")
            .expect(Some(85_000), "一致", "85,800×1/1→85,000"),
        a("R4-105", KASSEI, "見本市等出展事業", 11, ["2022-07-04", "2022-07-25", "2022-10-14"], 300_000, Some(150_000), Some(150_000), "確定")
            .expect(Some(150_000), "一致", "300,000×1/2=150,000（同一年度上限200,000の1件目）"),
        a("R4-106", KASSEI, "見本市等出展事業", 11, ["2022-11-07", "2022-11-28", "2023-02-10"], 240_000, Some(50_000), Some(50_000), "確定")
            .expect(Some(50_000), "一致", "240,000×1/2=120,000→同一年度残額200,000−150,000=50,000"),
        a("R4-107", KASSEI, "産業財産権取得事業", 12, ["2022-08-01", "2022-08-22", "2023-01-20"], 260_000, Some(100_000), Some(100_000), "確定")
            .expect(Some(100_000), "一致", "260,000×1/2=130,000→上限100,000"),
        a("R4-108", KASSEI, "企業間及び産学公連携事業", 13, ["2022-05-09", "2022-06-06", "2023-02-24"], 1_350_000, Some(500_000), Some(500_000), "確定")
            .expect(Some(500_000), "一致", "1,350,000×1/2=675,000→上限500,000"),
        a("R4-109", JINZAI, "", 14, ["2022-09-05", "2022-09-26", "2022-12-09"], 250_000, Some(125_000), Some(125_000), "確定")
            .expect(Some(125_000), "一致", "250,000×1/2=125,000"),
        a("R4-110", GINO, "", 15, ["2022-10-03", "2022-10-24", "2023-01-27"], 54_600, Some(27_000), Some(27_000), "確定")
            .persons(3, None, None)
            .expect(Some(27_000), "一致", "54,600×1/2=27,300→27,000（3人≦5人）"),
        a("R4-111", BRAND, "", 16, ["2022-06-01", "2022-07-01", "2023-02-28"], 2_400_000, Some(1_600_000), Some(1_600_000), "確定")
            .members(2)
            .expect(Some(1_600_000), "一致", "2,400,000×2/3=1,600,000（上限1,000,000×2社）"),
        a("R4-112", HASSHIN, "", 17, ["2022-07-15", "2022-08-10", "2023-01-31"], 3_400_000, Some(1_500_000), Some(1_500_000), "確定")
            .members(3)
            .expect(Some(1_500_000), "一致", "3,400,000×1/2=1,700,000→上限500,000×3社=1,500,000"),
        a("R4-113", HOSHO, "", 18, ["2022-09-12", "2022-10-03", ""], 157_350, Some(78_000), Some(78_000), "確定")
            .expect(Some(78_600), "不足", "157,350×1/2=78,675→78,600; 決定78,000（差額−600）"),
        a("R4-114", RISHI, "県制度融資", 19, ["2023-01-16", "2023-02-13", ""], 123_457, Some(30_800), Some(30_800), "確定")
            .expect(Some(30_800), "一致", "123,457×1/4=30,864.25→30,800"),
        a("R4-115", JINZAI, "", 20, ["2022-10-17", "", ""], 180_000, None, None, "取下げ")
            .expect(Some(90_000), "未決定", "180,000×1/2=90,000（取下げ）"),
        a("R4-201", DIV, "", 3, ["2022-05-09", "2022-06-10", "2022-09-20"], 1_185_000, Some(790_000), Some(790_000), "確定")
            .expect(Some(790_000), "一致", "1,185,000×2/3=790,000"),
        a("R4-202", DIV, "", 30, ["2023-01-10", "2023-02-15", "2023-02-27"], 6_300_000, Some(800_000), Some(800_000), "確定")
            .expect(Some(800_000), "一致", "6,300,000×2/3=4,200,000→上限800,000"),
        a("R4-203", DIV, "", 31, ["2022-07-01", "2022-08-01", "2022-11-30"], 1_000_000, Some(666_000), Some(666_000), "確定")
            .expect(Some(666_000), "一致", "1,000,000×2/3=666,666.67→666,000"),
        a("R4-204", DIV, "", 32, ["2022-06-20", "2022-07-15", "2022-09-30"], 1_050_000, Some(700_000), Some(700_000), "確定")
            .expect(Some(700_000), "一致", "1,050,000×2/3=700,000"),
        a("R4-205", DIV, "", 36, ["2022-04-15", "2022-05-20", ""], 600_000, Some(400_000), None, "取消")
            .expect(Some(400_000), "一致", "600,000×2/3=400,000（取消: 報告義務なし）"),
        // FY2023
        a("R5-101", KYO, "Aコース", 21, ["2023-05-15", "2023-06-19", ""], 4_000_000, Some(2_660_000), None, "交付決定")
            .expect(Some(0), "対象外", "4,000,000＜下限5,000,000 → 0（要確認: 下限額未満）"),
        a("R5-102", JUCHU, "", 22, ["2023-08-01", "", ""], 150_000, None, None, "不交付")
            .expect(Some(100_000), "未決定", "150,000×2/3=100,000（不交付）"),
        a("R5-103", OPEN, "", 23, ["2023-06-05", "2023-07-03", "2023-11-18"], 620_000, Some(413_000), Some(413_000), "確定")
            .expect(Some(413_000), "一致", "620,000×2/3=413,333.33→413,000"),
        a("R5-104", RITCHI, "事業拡大", 24, ["2023-04-24", "2023-08-01", "2024-03-15"], 86_500_000, Some(8_650_000), None, "交付決定")
            .expect(Some(8_650_000), "一致", "86,500,000×10%=8,650,000"),
        a("R5-105", RITCHI, "市内企業活用", 25, ["2023-07-10", "2023-09-04", "2024-02-29"], 14_380_000, Some(710_000), Some(710_000), "確定")
            .expect(Some(710_000), "一致", "14,380,000×5%=719,000→710,000（1万円未満切捨て）"),
        a("R5-106", RITCHI, "雇用奨励金", 7, ["2023-10-02", "2023-11-06", ""], 2_000_000, Some(2_000_000), None, "交付決定")
            .persons(8, Some(3), Some(1))
            .expect(Some(2_000_000), "一致", "男性5×200,000+女性3×300,000+障がい者1×100,000=2,000,000"),
        a("R5-107", KYO, "Bコース", 26, ["2023-06-12", "", ""], 1_200_000, None, None, "不交付")
            .expect(Some(0), "対象外", "1,200,000＜下限1,500,000 → 0（不交付なので要確認なし）"),
        a("R5-108", KYO, "Aコース", 27, ["2023-05-22", "2023-06-26", ""], 7_500_000, Some(5_000_000), None, "取消")
            .expect(Some(5_000_000), "一致", "7,500,000×2/3=5,000,000（取消）"),
        a("R5-109", JUCHU, "", 28, ["2023-09-11", "", ""], 90_000, None, None, "取下げ")
            .expect(Some(60_000), "未決定", "90,000×2/3=60,000（取下げ）"),
        a("R5-110", JUCHU, "", 39, ["2023-06-19", "2023-07-18", "2023-11-30"], 210_000, Some(140_000), Some(140_000), "確定")
            .expect(None, E, "申請番号R5-110が重複（1行目）"),
        a("R5-110", JINZAI, "", 40, ["2023-07-03", "2023-07-24", "2023-10-31"], 160_000, Some(80_000), Some(80_000), "確定")
            .expect(None, E, "申請番号R5-110が重複（2行目）"),
        a("R5-111", MARUKEI, "", 41, ["2024-02-05", "平成32年4月1日", ""], 38_800, Some(19_400), Some(19_400), "確定")
            .expect(Some(19_400), "一致", "38,800×1/2=19,400; 交付決定日 平成32年4月1日 = 令和2年4月1日 (warning on 入力エラー, row kept)"),
        a("R5-112", JUCHU, "", 42, ["2024-03-18", "", ""], -50_000, None, None, "申請中")
            .expect(None, E, "補助対象経費が負"),
        a("R5-113", HOSHO, "", 43, ["2023-10-10", "2023-11-01", ""], 98_000, Some(49_000), Some(49_000), "確定")
            .expect(None, E, "法人番号のチェックデジット誤り"),
        a("R5-114", "中小企業DX推進補助金", "", 44, ["2023-08-21", "2023-09-19", "2024-01-31"], 450_000, Some(300_000), Some(300_000), "確定")
            .expect(None, E, "制度名が制度カタログにない"),
        a("R5-115", KASSEI, "見本市等出展事業", 45, ["2023-06-26", "2023-07-18", "2023-10-20"], 176_000, Some(88_000), None, "確定")
            .expect(None, E, "状態が確定なのに確定額が空欄"),
        a("R5-201", DIV, "", 33, ["2023-06-01", "2023-07-01", "2024-01-31"], 950_000, Some(633_000), Some(633_000), "確定")
            .expect(Some(633_000), "一致", "950,000×2/3=633,333.33→633,000"),
        a("R5-202", DIV, "", 34, ["2023-05-10", "2023-06-09", "2024-03-10"], 1_500_000, Some(800_000), Some(800_000), "確定")
            .expect(Some(800_000), "一致", "1,500,000×2/3=1,000,000→上限800,000"),
        a("R5-203", DIV, "", 35, ["2023-09-01", "2023-10-02", "2024-02-01"], 870_000, Some(580_000), None, "交付決定")
            .expect(Some(580_000), "一致", "870,000×2/3=580,000"),
        // FY2024 (as of 2024-04-25)
        a("R6-101", KYO, "Aコース", 29, ["2024-04-10", "", ""], 12_600_000, None, None, "申請中")
            .expect(Some(8_400_000), "未決定", "12,600,000×2/3=8,400,000（申請中）"),
        a("R6-102", GINO, "", 15, ["2024-04-01", "2024-04-22", ""], 36_400, Some(18_000), None, "交付決定")
            .persons(2, None, None)
            .expect(Some(18_000), "一致", "36,400×1/2=18,200→18,000"),
        a("R6-201", DIV, "", 37, ["2024-04-12", "", ""], 780_000, None, None, "申請中")
            .expect(Some(520_000), "未決定", "780,000×2/3=520,000（申請中）"),
        a("R6-202", DIV, "", 3, ["2024-04-18", "", ""], 450_000, None, None, "申請中")
            .expect(Some(300_000), "未決定", "450,000×2/3=300,000（R4-201と同じ事業所: 要確認）"),
    ]
}
