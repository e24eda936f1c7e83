//! National holidays computed from 国民の祝日に関する法律 (祝日法) and the special
//! laws of 2019–2021, so the batch never depends on a web API or a yearly table.
//!
//! The rules cover 1980–2099, the range of the equinox approximation; outside
//! it no day is reported as a national holiday (weekends and the year-end
//! closure still close the city).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// First and last year the computed holidays are valid for.
const FIRST_YEAR: i32 = 1980;
const LAST_YEAR: i32 = 2099;

/// The name of the national holiday on `d`: a 国民の祝日 (as the Cabinet Office
/// names it), 振替休日 or 国民の休日; `None` on an ordinary day.
pub(crate) fn national_holiday_name(d: NaiveDate) -> Option<&'static str> {
    if let Some(name) = shukujitsu(d) {
        return Some(name);
    }
    if is_substitute_holiday(d) {
        return Some("振替休日");
    }
    if is_citizens_holiday(d) {
        return Some("国民の休日");
    }
    None
}

/// `d` is a 国民の祝日, 振替休日 or 国民の休日.
pub(crate) fn is_national_holiday(d: NaiveDate) -> bool {
    national_holiday_name(d).is_some()
}

/// A 国民の祝日 proper (第2条), including the one-off days the special laws
/// declared and told to treat as 祝日 for the 振替休日 and 国民の休日 rules.
fn shukujitsu(d: NaiveDate) -> Option<&'static str> {
    let y = d.year();
    if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
        return None;
    }
    special_day(d).or_else(|| match d.month() {
        1 => january(d),
        2 => february(d),
        3 => (d.day() == spring_equinox_day(y)).then_some("春分の日"),
        4 => april(d),
        5 => may(d),
        7 => july(d),
        8 => august(d),
        9 => september(d),
        10 => october(d),
        11 => november(d),
        12 => december(d),
        _ => None,
    })
}

/// Days declared by their own laws (funeral, enthronement, weddings, 2019's
/// accession).
fn special_day(d: NaiveDate) -> Option<&'static str> {
    match (d.year(), d.month(), d.day()) {
        (1989, 2, 24) => Some("昭和天皇の大喪の礼"),
        (1990, 11, 12) => Some("即位礼正殿の儀"),
        (1993, 6, 9) => Some("皇太子徳仁親王の結婚の儀"),
        (2019, 5, 1) => Some("即位の日"),
        (2019, 10, 22) => Some("即位礼正殿の儀の行われる日"),
        _ => None,
    }
}

/// The `n`th Monday of the month: the Happy Monday days (ハッピーマンデー).
fn is_nth_monday(d: NaiveDate, n: u32) -> bool {
    d.weekday() == Weekday::Mon && (d.day() - 1) / 7 + 1 == n
}

fn january(d: NaiveDate) -> Option<&'static str> {
    let seijin = if d.year() < 2000 {
        d.day() == 15
    } else {
        is_nth_monday(d, 2)
    };
    match d.day() {
        1 => Some("元日"),
        _ if seijin => Some("成人の日"),
        _ => None,
    }
}

fn february(d: NaiveDate) -> Option<&'static str> {
    match d.day() {
        11 => Some("建国記念の日"),
        23 if d.year() >= 2020 => Some("天皇誕生日"),
        _ => None,
    }
}

fn april(d: NaiveDate) -> Option<&'static str> {
    match (d.day(), d.year()) {
        (29, ..=1988) => Some("天皇誕生日"),
        (29, 1989..=2006) => Some("みどりの日"),
        (29, _) => Some("昭和の日"),
        _ => None,
    }
}

fn may(d: NaiveDate) -> Option<&'static str> {
    match d.day() {
        3 => Some("憲法記念日"),
        // Before 2007, May 4 was a holiday only as a 国民の休日.
        4 if d.year() >= 2007 => Some("みどりの日"),
        5 => Some("こどもの日"),
        _ => None,
    }
}

/// 海の日 and, in the Olympic years, スポーツの日 moved to the opening days.
fn july(d: NaiveDate) -> Option<&'static str> {
    match (d.year(), d.day()) {
        (2020, 23) | (2021, 22) => Some("海の日"),
        (2020, 24) | (2021, 23) => Some("スポーツの日"),
        (2020 | 2021, _) => None,
        (1996..=2002, 20) => Some("海の日"),
        (2003.., _) if is_nth_monday(d, 3) => Some("海の日"),
        _ => None,
    }
}

/// 山の日 (from 2016), moved next to the Olympic closing ceremonies.
fn august(d: NaiveDate) -> Option<&'static str> {
    match (d.year(), d.day()) {
        (2020, 10) | (2021, 8) => Some("山の日"),
        (2020 | 2021, _) => None,
        (2016.., 11) => Some("山の日"),
        _ => None,
    }
}

fn september(d: NaiveDate) -> Option<&'static str> {
    let y = d.year();
    if d.day() == autumn_equinox_day(y) {
        return Some("秋分の日");
    }
    let keiro = if y <= 2002 {
        d.day() == 15
    } else {
        is_nth_monday(d, 3)
    };
    keiro.then_some("敬老の日")
}

/// 体育の日, renamed スポーツの日 from 2020 (moved to July in 2020 and 2021).
fn october(d: NaiveDate) -> Option<&'static str> {
    match d.year() {
        ..=1999 => (d.day() == 10).then_some("体育の日"),
        2000..=2019 => is_nth_monday(d, 2).then_some("体育の日"),
        2020 | 2021 => None,
        _ => is_nth_monday(d, 2).then_some("スポーツの日"),
    }
}

fn november(d: NaiveDate) -> Option<&'static str> {
    match d.day() {
        3 => Some("文化の日"),
        23 => Some("勤労感謝の日"),
        _ => None,
    }
}

/// 天皇誕生日 of the Heisei emperor, 1989–2018 (none in 2019).
fn december(d: NaiveDate) -> Option<&'static str> {
    (d.day() == 23 && (1989..=2018).contains(&d.year())).then_some("天皇誕生日")
}

/// Day of March of 春分の日: the standard approximation
/// `int(20.8431 + 0.242194 (y − 1980) − int((y − 1980) / 4))`, valid 1980–2099,
/// in millionths so no float arithmetic is needed.
fn spring_equinox_day(y: i32) -> u32 {
    equinox_day(y, 20_843_100)
}

/// Day of September of 秋分の日 (same approximation, base 23.2488).
fn autumn_equinox_day(y: i32) -> u32 {
    equinox_day(y, 23_248_800)
}

fn equinox_day(y: i32, base_millionths: i64) -> u32 {
    let n = i64::from(y) - i64::from(FIRST_YEAR);
    let day = (base_millionths + 242_194 * n).div_euclid(1_000_000) - n.div_euclid(4);
    u32::try_from(day).unwrap_or(0)
}

/// 振替休日 (第3条第2項). From 2007: when a 祝日 falls on a Sunday, the nearest
/// following day that is not a 祝日 is a holiday. Before 2007: only the Monday
/// after a Sunday 祝日.
fn is_substitute_holiday(d: NaiveDate) -> bool {
    if shukujitsu(d).is_some() {
        return false;
    }
    if d.year() < 2007 {
        let prev = d.pred_opt();
        return d.weekday() == Weekday::Mon && prev.and_then(shukujitsu).is_some();
    }
    let mut day = d.pred_opt();
    while let Some(p) = day.filter(|p| shukujitsu(*p).is_some()) {
        if p.weekday() == Weekday::Sun {
            return true;
        }
        day = p.pred_opt();
    }
    false
}

/// 国民の休日 (第3条第3項): a day between two 祝日 that is not itself one.
/// Before 2007 a Sunday or a 振替休日 did not become one.
fn is_citizens_holiday(d: NaiveDate) -> bool {
    let (Some(prev), Some(next)) = (d.pred_opt(), d.checked_add_days(Days::new(1))) else {
        return false;
    };
    if shukujitsu(prev).is_none() || shukujitsu(next).is_none() {
        return false;
    }
    d.year() >= 2007 || d.weekday() != Weekday::Sun
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic in a test is a failed test
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The Cabinet Office's names, as the CSV spells them, mapped to ours:
    /// substitute and in-between days carry their legal category, and 2019's
    /// special days their names from the special law.
    fn expected_name(d: NaiveDate, csv_name: &str) -> String {
        if csv_name.ends_with("振替休日") {
            return "振替休日".to_string();
        }
        match (csv_name, d.month(), d.day()) {
            ("休日", ..) => "国民の休日",
            ("休日（祝日扱い）", 5, 1) => "即位の日",
            ("休日（祝日扱い）", 10, 22) => "即位礼正殿の儀の行われる日",
            ("体育の日（スポーツの日）", ..) => "体育の日",
            (name, ..) => name,
        }
        .to_string()
    }

    fn csv_holidays() -> BTreeMap<NaiveDate, String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/jp_holidays_2019_2030.csv"
        );
        let mut reader = csv::Reader::from_path(path).unwrap();
        let mut out = BTreeMap::new();
        for row in reader.records() {
            let row = row.unwrap();
            let d = NaiveDate::parse_from_str(&row[0], "%Y-%m-%d").unwrap();
            assert_eq!(d.weekday().to_string(), &row[2], "weekday column of {d}");
            out.insert(d, expected_name(d, &row[1]));
        }
        out
    }

    #[test]
    fn matches_every_day_of_the_cabinet_office_list_2019_2030() {
        // The list is corrected for 2021 (令和2年法律第68号 moved 海の日, スポーツの日 and
        // 山の日 next to the postponed Games), so it is compared as it stands.
        let expected = csv_holidays();
        assert_eq!(expected.len(), 219);
        let mut day = date(2019, 1, 1);
        let mut checked = 0;
        while day <= date(2030, 12, 31) {
            let want = expected.get(&day).map(String::as_str);
            assert_eq!(national_holiday_name(day), want, "{day}");
            day = day.succ_opt().unwrap();
            checked += 1;
        }
        assert_eq!(checked, 4383);
    }

    #[test]
    fn equinox_days() {
        let cases = [
            (1980, 20, 23),
            (2000, 20, 23),
            (2012, 20, 22),
            (2019, 21, 23),
            (2020, 20, 22),
            (2024, 20, 22),
            (2025, 20, 23),
            (2099, 20, 23),
        ];
        for (y, spring, autumn) in cases {
            assert_eq!(spring_equinox_day(y), spring, "spring {y}");
            assert_eq!(autumn_equinox_day(y), autumn, "autumn {y}");
        }
    }

    #[test]
    fn rules_before_the_list() {
        let cases = [
            (date(1998, 1, 15), Some("成人の日")),
            (date(2000, 1, 10), Some("成人の日")),
            (date(1988, 4, 29), Some("天皇誕生日")),
            (date(2005, 4, 29), Some("みどりの日")),
            // 2005-05-04 (Wednesday) sat between two 祝日.
            (date(2005, 5, 4), Some("国民の休日")),
            // 2008-05-06: 5/4 was a Sunday, 5/5 a 祝日 too: the nearest free day.
            (date(2008, 5, 6), Some("振替休日")),
            // 2001-09-24: Monday after the Sunday equinox (old rule).
            (date(2001, 9, 24), Some("振替休日")),
            (date(2015, 9, 22), Some("国民の休日")),
            (date(2018, 12, 24), Some("振替休日")),
            (date(2018, 12, 23), Some("天皇誕生日")),
            (date(2015, 8, 11), None),
            (date(1995, 7, 20), None),
            (date(1996, 7, 20), Some("海の日")),
            (date(1989, 2, 24), Some("昭和天皇の大喪の礼")),
            (date(1979, 1, 1), None),
            (date(2100, 1, 1), None),
        ];
        for (d, want) in cases {
            assert_eq!(national_holiday_name(d), want, "{d}");
        }
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(national_holiday_name(d), None);
        }
    }
}
