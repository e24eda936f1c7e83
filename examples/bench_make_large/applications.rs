//! The 申請一覧 rows: N applications of two programs, with the value forms exports use, a few
//! deliberately bad rows (rejected) and a few decided amounts over the rules (要確認), so the
//! benchmark exercises every path the nightly run takes. The other sheets derive from these rows.

use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};

use super::draws::{Draws, mix};
use super::forms::{Cell, corporate_number, date_cell, grouped, yen_cell};

pub(crate) const APP_HEADERS: [&str; 14] = [
    "申請番号",
    "制度",
    "区分",
    "事業者名",
    "法人番号",
    "事業所所在地",
    "メールアドレス",
    "申請日",
    "交付決定日",
    "事業完了日",
    "補助対象経費",
    "交付決定額",
    "確定額",
    "状態",
];

pub(crate) const APPS: &str = "申請一覧";
pub(crate) const DIVERSITY: &str = "ダイバーシティ経営推進補助金";
pub(crate) const ORDERS: &str = "中小企業受注拡大支援補助金";

/// Companies that apply for 受注拡大 (several times each, across FYs).
const ORDER_COMPANIES: u64 = 20_000;

fn plus_days(d: NaiveDate, n: u64) -> Result<NaiveDate> {
    d.checked_add_days(Days::new(n))
        .context("date out of range")
}

/// truncate(cost × 2/3, 1,000円), then the cap: both benchmark programs' rule.
fn two_thirds(cost: i64, cap: i64) -> i64 {
    (cost * 2 / 3 / 1_000 * 1_000).min(cap)
}

/// Application i (0-based), with what the other sheets need of it.
pub(crate) struct App {
    pub cells: Vec<Cell>,
    pub diversity: bool,
    pub status: &'static str,
    pub decided: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
}

pub(crate) fn app(i: u64) -> Result<App> {
    let mut r = Draws(i ^ 0x686F_6A6F_6B69_6E00);
    let diversity = r.below(2) == 0;
    let company = if diversity {
        i
    } else {
        1_000_000 + r.below(ORDER_COMPANIES)
    };
    let fy = 2019 + i32::try_from(r.below(5))?;
    let april = NaiveDate::from_ymd_opt(fy, 4, 1).context("bad FY")?;
    // Applied by late September, decided within 6 weeks, completed within 3 months:
    // every project ends before February, as the diversity 要綱 requires.
    let applied = plus_days(april, r.below(180))?;
    let mut status = match r.below(100) {
        0..10 => "申請中",
        10..13 => "不交付",
        13..15 => "取下げ",
        15..60 => "交付決定",
        _ => "確定",
    };
    let (cost, cap) = if diversity {
        (100_000 + i64::try_from(r.below(1_400_000))?, 800_000)
    } else {
        (30_000 + i64::try_from(r.below(570_000))?, 200_000)
    };
    let granted = matches!(status, "交付決定" | "確定");
    let decided = if granted {
        Some(plus_days(applied, 14 + r.below(30))?)
    } else {
        None
    };
    let completed = match (status, decided) {
        ("確定", Some(d)) => Some(plus_days(d, 30 + r.below(60))?),
        _ => None,
    };
    let mut amount = two_thirds(cost, cap);
    if r.below(100) == 0 {
        amount += 1_000; // over the rules: a 要確認 row, not a rejection
    }
    // 法人番号: a third of the companies give one, always with a valid check digit.
    let corp = if mix(company ^ 0xC0).is_multiple_of(3) {
        Cell::Text(corporate_number(mix(company)))
    } else {
        Cell::Blank
    };
    let mut applied_cell = date_cell(applied, &mut r);
    let mut cost_cell = yen_cell(cost, &mut r);
    // About 0.5 %: a value no reader may accept, so the row is rejected.
    if r.below(200) == 0 {
        match r.below(3) {
            0 => {
                applied_cell = Cell::Text(format!("令和{}年13月5日", fy - 2018));
            }
            1 => cost_cell = Cell::Text(format!("-{}", grouped(cost))),
            _ => status = "保留",
        }
    }
    let opt_date = |d: Option<NaiveDate>, r: &mut Draws| d.map_or(Cell::Blank, |d| date_cell(d, r));
    let decided_cell = opt_date(decided, &mut r);
    let completed_cell = opt_date(completed, &mut r);
    let decided_amount = if granted {
        yen_cell(amount, &mut r)
    } else {
        Cell::Blank
    };
    let final_amount = if status == "確定" {
        yen_cell(amount, &mut r)
    } else {
        Cell::Blank
    };
    let cells = vec![
        Cell::Text(format!("BN{:07}", i + 1)),
        Cell::Text((if diversity { DIVERSITY } else { ORDERS }).to_string()),
        Cell::Blank,
        Cell::Text(format!("株式会社ベンチ{company:07}")),
        corp,
        if diversity {
            Cell::Text(format!("神奈川県綾瀬市深谷中{}丁目{}番", 1 + i % 9, i))
        } else {
            Cell::Blank
        },
        Cell::Text(format!("bench{company:07}@example.jp")),
        applied_cell,
        decided_cell,
        completed_cell,
        cost_cell,
        decided_amount,
        final_amount,
        Cell::Text(status.to_string()),
    ];
    Ok(App {
        cells,
        diversity,
        status,
        decided,
        completed,
    })
}
