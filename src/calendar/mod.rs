//! Fiscal years (年度), 和暦, the city's closed days and deadline shifting.

mod era;
mod holidays;

use chrono::{Datelike, NaiveDate, Weekday};

/// A fiscal year (年度), named by the calendar year in which it starts (April 1).
pub(crate) type FiscalYear = i32;

pub(crate) use era::{ERAS, Era, era_of, fy_label, wareki};
pub(crate) use holidays::is_national_holiday;

/// The fiscal year (April–March) a date falls in, named by its starting year.
pub(crate) fn fiscal_year(d: NaiveDate) -> FiscalYear {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// April 1, the first day of the fiscal year; `None` beyond chrono's range.
pub(crate) fn fy_start(fy: FiscalYear) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(fy, 4, 1)
}

/// December 29 – January 3, when the city's offices close for the new year
/// (the city's 休日条例 under 地方自治法 第4条の2 第1項).
pub(crate) fn is_year_end_closure(d: NaiveDate) -> bool {
    matches!((d.month(), d.day()), (12, 29..=31) | (1, 1..=3))
}

/// The city is closed: weekend, national holiday, or December 29 – January 3.
pub(crate) fn is_closed_day(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || is_year_end_closure(d)
        || is_national_holiday(d)
}

/// `d` itself when the city is open that day, else the next open day.
///
/// Moving a due day this way is the city's policy, not law: 地方自治法 第4条の2 第4項 moves
/// only periods set by a 法律 or 命令 (a 休日条例 extends it to the city's 条例 and 規則),
/// and the 要綱's deadlines ("4月に", "30日後の日") are neither (programs.md, "Deadlines
/// that fall on a closed day"). Each duty names this shift as its setting and `basis`.
pub(crate) fn next_open_day(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    while is_closed_day(day) {
        match day.succ_opt() {
            Some(next) => day = next,
            // Only at chrono's last representable day; nothing later exists.
            None => break,
        }
    }
    day
}

/// `d` itself when the city is open that day, else the open day before it (a due-date
/// shift some duties may use instead of [`next_open_day`]).
pub(crate) fn previous_open_day(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    while is_closed_day(day) {
        match day.pred_opt() {
            Some(prev) => day = prev,
            None => break,
        }
    }
    day
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic in a test is a failed test
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Issue 22 item 14: the shift to the next open day is the city's policy; this file must
    /// not cite 地方自治法 第4条の2 第4項 as its ground (programs.md says it does not apply).
    #[test]
    fn the_shift_is_not_cited_as_law() {
        let source = include_str!("mod.rs");
        let doc: String = source
            .lines()
            .skip_while(|l| !l.contains("else the next open day"))
            .take_while(|l| l.trim_start().starts_with("///"))
            .collect();
        assert!(doc.contains("the city's policy, not law"), "{doc}");
        assert!(!doc.contains("(地方自治法 第4条の2 第4項)"), "{doc}");
    }

    #[test]
    fn fiscal_year_edges() {
        let cases = [
            (date(2023, 3, 31), 2022),
            (date(2023, 4, 1), 2023),
            (date(2023, 1, 1), 2022),
            (date(2022, 12, 31), 2022),
        ];
        for (d, want) in cases {
            assert_eq!(fiscal_year(d), want, "{d}");
        }
        assert_eq!(fy_start(2022), Some(date(2022, 4, 1)));
        assert_eq!(fy_start(i32::MAX), None);
    }

    /// April 30 report deadlines 2019–2030 and where they move to.
    #[test]
    fn april_30_deadlines_2019_2030() {
        let cases = [
            // Tuesday, but the 2019 accession made 4/30–5/6 holidays.
            (2019, date(2019, 5, 7)),
            (2020, date(2020, 4, 30)), // Thursday
            (2021, date(2021, 4, 30)), // Friday
            (2022, date(2022, 5, 2)),  // Saturday → Monday
            (2023, date(2023, 5, 1)),  // Sunday → Monday
            (2024, date(2024, 4, 30)), // Tuesday
            (2025, date(2025, 4, 30)), // Wednesday
            (2026, date(2026, 4, 30)), // Thursday
            (2027, date(2027, 4, 30)), // Friday
            (2028, date(2028, 5, 1)),  // Sunday → Monday
            (2029, date(2029, 5, 1)),  // Monday 振替休日 of 昭和の日 → Tuesday
            (2030, date(2030, 4, 30)), // Tuesday
        ];
        for (y, want) in cases {
            assert_eq!(next_open_day(date(y, 4, 30)), want, "{y}");
        }
    }

    #[test]
    fn shifted_deadlines() {
        let cases = [
            // Golden Week 2020: 5/3 Sun, 5/4–5/5 祝日, 5/6 振替休日.
            (date(2020, 5, 3), date(2020, 5, 7)),
            // Open day stays.
            (date(2022, 12, 28), date(2022, 12, 28)),
            // Year-end closure runs into the weekend-free 1/4.
            (date(2022, 12, 29), date(2023, 1, 4)),
            // 2025-12-27 Saturday → closure → 2026-01-03 Saturday, 1/4 Sunday.
            (date(2025, 12, 27), date(2026, 1, 5)), // Monday
            // 2024-01-06 Saturday, 1/7 Sunday, 1/8 成人の日.
            (date(2024, 1, 6), date(2024, 1, 9)),
            // 2026-09-19 Saturday through the Silver Week 国民の休日.
            (date(2026, 9, 19), date(2026, 9, 24)),
        ];
        for (d, want) in cases {
            assert_eq!(next_open_day(d), want, "{d}");
        }
    }

    #[test]
    fn closed_days() {
        let cases = [
            (date(2022, 12, 28), false),
            (date(2022, 12, 29), true),
            (date(2023, 1, 3), true),
            (date(2023, 1, 4), false),
            (date(2023, 4, 29), true), // Saturday and 昭和の日
            (date(2024, 2, 12), true), // 振替休日 of 建国記念の日
            (date(2024, 2, 13), false),
            (date(2019, 4, 30), true), // 国民の休日
        ];
        for (d, want) in cases {
            assert_eq!(is_closed_day(d), want, "{d}");
        }
    }

    #[test]
    fn next_open_day_at_the_end_of_time_returns() {
        assert_eq!(next_open_day(NaiveDate::MAX), NaiveDate::MAX);
    }

    #[test]
    fn previous_open_day_moves_back_over_a_weekend_and_the_new_year() {
        // 2023-04-30 is a Sunday, 04-29 a Saturday (昭和の日): back to Friday 04-28.
        assert_eq!(previous_open_day(date(2023, 4, 30)), date(2023, 4, 28));
        assert_eq!(previous_open_day(date(2024, 4, 30)), date(2024, 4, 30));
        // 2025-01-03 (Fri, closure) → 2024-12-27 (Fri).
        assert_eq!(previous_open_day(date(2025, 1, 3)), date(2024, 12, 27));
        assert_eq!(previous_open_day(NaiveDate::MIN), NaiveDate::MIN);
    }
}
