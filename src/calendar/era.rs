//! Japanese eras (元号) and 和暦 formatting.
//!
//! The table is public so that the value parsers (`R4.5.20`, `平成31年4月30日`,
//! `令和4年度`) check an era date against the same boundaries the formatter uses.

use chrono::{Datelike, NaiveDate};

use super::FiscalYear;

/// One era: its name, the letter used in abbreviations (`R4.5.20`) and the
/// first and last days it was in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Era {
    /// 元号 as written (令和).
    pub name: &'static str,
    /// The abbreviation letter (R for 令和, H for 平成, …).
    pub letter: char,
    /// The first day of the era (元年 starts here).
    pub start: NaiveDate,
    /// The last day of the era; `None` for the current one.
    pub end: Option<NaiveDate>,
}

impl Era {
    /// The era is in force on `d`.
    pub(crate) fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && self.end.is_none_or(|end| d <= end)
    }

    /// The calendar year that is year `n` of this era (令和1 = 2019).
    pub(crate) fn gregorian_year(&self, era_year: i32) -> Option<i32> {
        self.start.year().checked_add(era_year)?.checked_sub(1)
    }

    /// Whether the era still ran at some point in Gregorian year `y`.
    pub(crate) fn has_year(&self, y: i32) -> bool {
        y >= self.start.year() && self.end.is_none_or(|end| y <= end.year())
    }

    /// The reason for a date or year outside the era, e.g.
    /// 平成の範囲外の日付です（平成は1989年1月8日から2019年4月30日まで）.
    pub(crate) fn out_of_range(&self, what: &str) -> String {
        let day = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
        let span = match self.end {
            Some(end) => format!("{}から{}まで", day(self.start), day(end)),
            None => format!("{}から", day(self.start)),
        };
        format!(
            "{name}の範囲外の{what}です（{name}は{span}）",
            name = self.name
        )
    }
}

/// Builds a table date at compile time: a typo in the table is a build error,
/// never a panic at run time (the function is only called in `const` items).
const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("invalid date in the era table"),
    }
}

/// The eras since the calendar reform, oldest first.
///
/// 明治 is counted from 1868-01-25, the Gregorian day of 明治元年1月1日, since the
/// era was proclaimed retroactively to the start of that year; dates before the
/// 1873 switch to the solar calendar are thus rendered with Gregorian months
/// and days, which is the usual modern convention.
pub(crate) const ERAS: [Era; 5] = [
    Era {
        name: "明治",
        letter: 'M',
        start: ymd(1868, 1, 25),
        end: Some(ymd(1912, 7, 29)),
    },
    Era {
        name: "大正",
        letter: 'T',
        start: ymd(1912, 7, 30),
        end: Some(ymd(1926, 12, 24)),
    },
    Era {
        name: "昭和",
        letter: 'S',
        start: ymd(1926, 12, 25),
        end: Some(ymd(1989, 1, 7)),
    },
    Era {
        name: "平成",
        letter: 'H',
        start: ymd(1989, 1, 8),
        end: Some(ymd(2019, 4, 30)),
    },
    Era {
        name: "令和",
        letter: 'R',
        start: ymd(2019, 5, 1),
        end: None,
    },
];

/// The era in force on `d`; `None` before 明治.
pub(crate) fn era_at(d: NaiveDate) -> Option<&'static Era> {
    ERAS.iter().find(|era| era.contains(d))
}

/// The era's name and the year within it (1 for 元年); `None` before 明治.
pub(crate) fn era_of(d: NaiveDate) -> Option<(&'static str, i32)> {
    let era = era_at(d)?;
    Some((era.name, d.year() - era.start.year() + 1))
}

/// An era year as written: 元 for the first year, digits after.
fn era_year_text(year: i32) -> String {
    if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    }
}

/// A date in 和暦 as 令和X年M月D日 (元年 for the first year of an era).
///
/// Dates before 明治 have no era and are written in the Western calendar.
pub(crate) fn wareki(d: NaiveDate) -> String {
    match era_of(d) {
        Some((name, year)) => format!(
            "{name}{}年{}月{}日",
            era_year_text(year),
            d.month(),
            d.day()
        ),
        None => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

/// 令和X年度 for a fiscal year (令和元年度 for 2019).
///
/// A fiscal year takes the newest era that began in or before its starting
/// calendar year: FY2019 began under 平成 but is 令和元年度, FY1988 ended under
/// 平成 but is 昭和63年度, as the city and the state write them.
pub(crate) fn fy_label(fy: FiscalYear) -> String {
    match ERAS.iter().rev().find(|era| era.start.year() <= fy) {
        Some(era) => format!(
            "{}{}年度",
            era.name,
            era_year_text(fy - era.start.year() + 1)
        ),
        None => format!("{fy}年度"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic in a test is a failed test
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn wareki_at_era_boundaries() {
        let cases = [
            (date(2019, 5, 1), "令和元年5月1日"),
            (date(2019, 4, 30), "平成31年4月30日"),
            (date(2022, 5, 20), "令和4年5月20日"),
            (date(2020, 1, 1), "令和2年1月1日"),
            (date(1989, 1, 8), "平成元年1月8日"),
            (date(1989, 1, 7), "昭和64年1月7日"),
            (date(1926, 12, 25), "昭和元年12月25日"),
            (date(1926, 12, 24), "大正15年12月24日"),
            (date(1912, 7, 30), "大正元年7月30日"),
            (date(1912, 7, 29), "明治45年7月29日"),
            (date(1868, 1, 25), "明治元年1月25日"),
            (date(1868, 1, 24), "1868年1月24日"),
        ];
        for (d, want) in cases {
            assert_eq!(wareki(d), want, "{d}");
        }
    }

    #[test]
    fn era_of_names_and_years() {
        let cases = [
            (date(2019, 5, 1), Some(("令和", 1))),
            (date(2030, 3, 31), Some(("令和", 12))),
            (date(2019, 4, 30), Some(("平成", 31))),
            (date(1989, 1, 7), Some(("昭和", 64))),
            (date(1800, 1, 1), None),
        ];
        for (d, want) in cases {
            assert_eq!(era_of(d), want, "{d}");
        }
    }

    #[test]
    fn fiscal_year_labels() {
        let cases = [
            (2022, "令和4年度"),
            (2019, "令和元年度"),
            (2020, "令和2年度"),
            (2018, "平成30年度"),
            (1989, "平成元年度"),
            (1988, "昭和63年度"),
            (1800, "1800年度"),
        ];
        for (fy, want) in cases {
            assert_eq!(fy_label(fy), want, "{fy}");
        }
    }

    #[test]
    fn era_table_is_contiguous_and_letters_round_trip() {
        for pair in ERAS.windows(2) {
            let end = pair[0].end.unwrap();
            assert_eq!(end.succ_opt().unwrap(), pair[1].start, "{}", pair[1].name);
        }
        let letters: String = ERAS.iter().map(|e| e.letter).collect();
        assert_eq!(letters, "MTSHR");
        assert_eq!(ERAS[4].gregorian_year(4), Some(2022));
        assert_eq!(ERAS[3].gregorian_year(31), Some(2019));
    }
}
