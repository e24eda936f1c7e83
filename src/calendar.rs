//! Fiscal years (年度), 和暦, the city's closed days and deadline shifting.

use chrono::{Datelike, NaiveDate};

use crate::model::FiscalYear;

/// The fiscal year (April–March) a date falls in, named by its starting year.
pub fn fiscal_year(d: NaiveDate) -> FiscalYear {
    if d.month() >= 4 { d.year() } else { d.year() - 1 }
}

// The functions below are placeholders with their final signatures so other
// stages can be written against them; the calendar work replaces the bodies.

/// 令和X年度 for a fiscal year (令和元年度 for 2019).
pub fn fy_label(fy: FiscalYear) -> String {
    format!("{fy}年度")
}

/// A date in 和暦 as 令和X年M月D日 (元年 for the first year of an era).
pub fn wareki(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The city is closed: weekend, national holiday, or December 29 – January 3.
pub fn is_closed_day(d: NaiveDate) -> bool {
    d.weekday().number_from_monday() >= 6
}

/// `d` itself when the city is open that day, else the next open day
/// (地方自治法 第4条の2 第4項).
pub fn next_open_day(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    while is_closed_day(day) {
        day = day.succ_opt().unwrap_or(day);
    }
    day
}
