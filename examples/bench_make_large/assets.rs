//! The 取得財産 rows: one acquired asset per 確定 diversity application (about N/5), a few of
//! them disposed of, so the benchmark runs the useful-life checks on realistic volumes.

use chrono::Days;

use super::applications::App;
use super::draws::Draws;
use super::forms::{Cell, date_cell, yen_cell};

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

pub(crate) const ASSETS: &str = "取得財産";

/// Useful-life rows the shipped table resolves, with their years.
const CATEGORIES: [(&str, &str, u32); 3] = [
    (
        "多目的トイレ給排水設備",
        "給排水又は衛生設備及びガス設備",
        15,
    ),
    ("車いす用エレベーター", "エレベーター", 17),
    ("手すり・スロープ", "給排水又は衛生設備及びガス設備", 15),
];

/// The 取得財産 row of application i, when it has one (a 確定 diversity application).
pub(crate) fn asset(i: u64, a: &App, serial: u64) -> Option<Vec<Cell>> {
    if !(a.diversity && a.status == "確定") {
        return None;
    }
    let completed = a.completed?;
    let mut r = Draws(i ^ 0x4153_5345_5400);
    let (name, category, years) = CATEGORIES[usize::try_from(r.below(3)).ok()?];
    let acquired = if r.below(2) == 0 {
        date_cell(completed, &mut r)
    } else {
        Cell::Blank // default: the application's 事業完了日
    };
    let cost = i64::try_from(150_000 + r.below(1_800_000)).ok()?;
    let (disposed, kind, approved) = if r.below(20) == 0 {
        let on = completed.checked_add_days(Days::new(200 + r.below(2_000)))?;
        let approved = if r.below(2) == 0 {
            date_cell(on.checked_sub_days(Days::new(10))?, &mut r)
        } else {
            Cell::Blank
        };
        (
            date_cell(on, &mut r),
            Cell::Text((if r.below(2) == 0 { "廃棄" } else { "譲渡" }).to_string()),
            approved,
        )
    } else {
        (Cell::Blank, Cell::Blank, Cell::Blank)
    };
    Some(vec![
        Cell::Text(format!("BN{:07}", i + 1)),
        Cell::Text(format!("Z-{serial:07}")),
        Cell::Text(name.to_string()),
        Cell::Text(category.to_string()),
        if r.below(3) == 0 {
            Cell::Int(i64::from(years))
        } else {
            Cell::Blank
        },
        yen_cell(cost, &mut r),
        acquired,
        disposed,
        kind,
        approved,
    ])
}
