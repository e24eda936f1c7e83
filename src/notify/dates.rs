//! Dates as the city's notices write them to grantees: 令和6年4月30日（火）,
//! and the day a 督促 or 再督促 asks a reply by.
//!
//! Official notices give the weekday with the date so a reader need not
//! look it up; the reply-by day is a concrete open day, not only 「至急」.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::calendar::{next_open_day, wareki};

/// 月, 火, … for a weekday.
fn weekday_kanji(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// 令和6年4月30日（火）.
pub(crate) fn with_weekday(d: NaiveDate) -> String {
    format!("{}（{}）", wareki(d), weekday_kanji(d.weekday()))
}

/// The day to reply by: `days` after the night, moved to the next open
/// day when the city is closed then (the reply must reach an open office).
/// Past the calendar's end the night itself (never reached in practice).
pub(crate) fn reply_by(as_of: NaiveDate, days: u32) -> NaiveDate {
    as_of
        .checked_add_days(Days::new(u64::from(days)))
        .map(next_open_day)
        .unwrap_or(as_of)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_carry_their_weekday() {
        assert_eq!(with_weekday(date(2024, 4, 30)), "令和6年4月30日（火）");
        assert_eq!(with_weekday(date(2019, 5, 7)), "令和元年5月7日（火）");
        assert_eq!(with_weekday(date(2023, 5, 1)), "令和5年5月1日（月）");
        assert_eq!(with_weekday(date(2024, 6, 9)), "令和6年6月9日（日）");
    }

    #[test]
    fn the_reply_by_day_is_an_open_day() {
        // 5/8 + 14 = Wed 5/22, open.
        assert_eq!(reply_by(date(2024, 5, 8), 14), date(2024, 5, 22));
        // 6/10 + 14 = Mon 6/24.
        assert_eq!(reply_by(date(2024, 6, 10), 14), date(2024, 6, 24));
        // 4/22 + 14 = Mon 5/6 (振替休日) → Tue 5/7.
        assert_eq!(reply_by(date(2024, 4, 22), 14), date(2024, 5, 7));
        // 12/20 + 14 = Fri 1/3 (year-end closure) → Mon 1/6.
        assert_eq!(reply_by(date(2024, 12, 20), 14), date(2025, 1, 6));
    }
}
