//! The 和暦 eras that appear in the city's exports (大正 onwards), for reading
//! era dates and era fiscal years. Private to the parsers; src/calendar.rs
//! formats dates the other way.

use chrono::{Datelike, NaiveDate};

use super::num::leading_digits;

#[derive(Debug)]
pub(super) struct Era {
    pub name: &'static str,
    /// The romaji initial used in short forms such as `R4.5.20`.
    pub letter: char,
    pub start: NaiveDate,
    /// Last day; `None` for the current era.
    pub end: Option<NaiveDate>,
}

/// Evaluated at compile time only, so the panic can never happen at run time.
const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("era table date is not a calendar date"),
    }
}

static ERAS: [Era; 4] = [
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

impl Era {
    /// The Gregorian year of this era's year `n` (1 = 元年); `None` for year 0.
    pub fn gregorian_year(&self, n: u32) -> Option<i32> {
        let n = i32::try_from(n).ok().filter(|n| *n >= 1)?;
        self.start.year().checked_add(n - 1)
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && self.end.is_none_or(|end| d <= end)
    }

    /// Whether the era still ran at some point in Gregorian year `y`.
    pub fn has_year(&self, y: i32) -> bool {
        y >= self.start.year() && self.end.is_none_or(|end| y <= end.year())
    }

    /// The reason for a date or year outside the era, e.g.
    /// 平成の範囲外の日付です（平成は1989年1月8日から2019年4月30日まで）.
    pub fn out_of_range(&self, what: &str) -> String {
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

/// Splits a leading era name (`令和`) or initial (`R`, `r`) off `s`.
pub(super) fn split_era(s: &str) -> Option<(&'static Era, &str)> {
    ERAS.iter().find_map(|era| {
        if let Some(rest) = s.strip_prefix(era.name) {
            return Some((era, rest));
        }
        let rest = s.strip_prefix(|c: char| c.to_ascii_uppercase() == era.letter)?;
        Some((era, rest))
    })
}

/// Splits the era year (`元` or one or two digits) off `s`, checking that the
/// era ran in that year: `Ok(None)` when there is no year, an error for 令和0年
/// or 平成32年, else the Gregorian year and the rest.
pub(super) fn split_era_year<'a>(
    era: &Era,
    s: &'a str,
    what: &str,
) -> Result<Option<(i32, &'a str)>, String> {
    let (n, rest) = match s.strip_prefix('元') {
        Some(rest) => (1, rest),
        None => match leading_digits(s, 2) {
            Some((n, _, rest)) => (n, rest),
            None => return Ok(None),
        },
    };
    let year = era
        .gregorian_year(n)
        .ok_or_else(|| format!("{}0年という年はありません", era.name))?;
    if !era.has_year(year) {
        return Err(era.out_of_range(what));
    }
    Ok(Some((year, rest)))
}
