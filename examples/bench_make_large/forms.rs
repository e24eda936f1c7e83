//! The value forms exports carry, so the benchmark reads what the city really sends: dates as
//! date cells or as text (令和4年5月20日, R4.5.20, 2022/5/20), yen as numbers or as text
//! (１，２３４円, ¥1,234), and 法人番号 with a valid check digit.

use chrono::{Datelike, NaiveDate};

use super::draws::Draws;

/// A cell as the export writes it.
pub(crate) enum Cell {
    Blank,
    Text(String),
    Date(NaiveDate),
    Yen(i64),
    Int(i64),
}

/// A date in one of the forms exports use: mostly a date cell, else text.
pub(crate) fn date_cell(d: NaiveDate, r: &mut Draws) -> Cell {
    match r.below(20) {
        0..=13 => Cell::Date(d),
        14..=16 => Cell::Text(wareki(d)),
        17..=18 => Cell::Text(format!(
            "{}{}.{}.{}",
            era(d).1,
            era_year(d),
            d.month(),
            d.day()
        )),
        _ => Cell::Text(format!("{}/{}/{}", d.year(), d.month(), d.day())),
    }
}

/// (name, letter, first day) of the era holding `d` (平成 or 令和: the inputs are 2005–2026).
fn era(d: NaiveDate) -> (&'static str, &'static str, i32) {
    if d >= NaiveDate::from_ymd_opt(2019, 5, 1).unwrap_or_default() {
        ("令和", "R", 2018)
    } else {
        ("平成", "H", 1988)
    }
}

fn era_year(d: NaiveDate) -> i32 {
    d.year() - era(d).2
}

/// 令和4年5月20日 (令和元年 for the first year).
fn wareki(d: NaiveDate) -> String {
    let y = era_year(d);
    let year = if y == 1 {
        "元".to_string()
    } else {
        y.to_string()
    };
    format!("{}{year}年{}月{}日", era(d).0, d.month(), d.day())
}

pub(crate) fn grouped(v: i64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Full-width digits and comma: 1,234 → １，２３４.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            ',' => '，',
            other => other,
        })
        .collect()
}

/// Yen in one of the forms exports use: mostly a number, else text.
pub(crate) fn yen_cell(v: i64, r: &mut Draws) -> Cell {
    match r.below(10) {
        0..=7 => Cell::Yen(v),
        8 => Cell::Text(format!("{}円", full_width(&grouped(v)))),
        _ => Cell::Text(format!("¥{}", grouped(v))),
    }
}

/// The 法人番号 check digit: 9 − (Σ Pᵢ×Qᵢ mod 9), Pᵢ the i-th digit of the 12-digit base
/// from the right, Qᵢ = 1 for odd i and 2 for even i.
pub(crate) fn corporate_number(base: u64) -> String {
    let base = format!("{:012}", base % 1_000_000_000_000);
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}
