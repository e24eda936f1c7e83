//! Dates: Excel serials, ISO strings (ODS), and the written forms staff use,
//! Western (`2022/5/20`, `2022年5月20日`) and 和暦 (`令和4年5月20日`, `R4.5.20`).

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::era::{Era, split_era, split_era_year_past_end};
use super::num::leading_digits;
use super::{Raw, cell_error, compact};

const BLANK: &str = "日付が入力されていません";
const UNREADABLE: &str = "日付として読めません";
const NO_SUCH_DAY: &str = "存在しない日付です";

/// The largest serial Excel can show as a date: 9999-12-31.
const MAX_SERIAL: i64 = 2_958_465;

/// The years a date of a subsidy record can fall in. A year outside (0,
/// −1, 9999, a serial typed into the wrong column) is a typing error, not a
/// date to compute deadlines from.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A date cell, a serial number, an ISO string or a written date, within
/// `PLAUSIBLE_YEARS`.
pub fn date(v: &Raw) -> Result<NaiveDate, String> {
    date_noted(v).map(|(d, _)| d)
}

/// [`date`], with a warning for staff when the date was read leniently: an old era's date
/// past the era's end (`平成31年5月1日`, `平成32年4月1日`), which forms printed before the
/// era change carry and the government treats as the same calendar day. The row is kept.
pub fn date_noted(v: &Raw) -> Result<(NaiveDate, Option<String>), String> {
    let (d, note) = any_date(v)?;
    if PLAUSIBLE_YEARS.contains(&d.year()) {
        Ok((d, note))
    } else {
        Err(format!(
            "日付の年（{}年）がありえません（{}年から{}年までの日付にしてください）",
            d.year(),
            PLAUSIBLE_YEARS.start(),
            PLAUSIBLE_YEARS.end()
        ))
    }
}

/// A date of any year chrono and Excel can hold, and the warning of a lenient reading.
fn any_date(v: &Raw) -> Result<(NaiveDate, Option<String>), String> {
    let plain = |d: NaiveDate| (d, None);
    match v {
        _ if v.is_blank() => Err(BLANK.to_string()),
        Raw::Number(n) | Raw::DateTime(n) => excel_serial(*n).map(plain),
        Raw::DateIso(s) => iso(s).map(plain),
        Raw::Text(s) => text_date(s),
        Raw::Error(e) => Err(cell_error(e)),
        Raw::Fault { reason, .. } => Err(reason.clone()),
        Raw::Empty | Raw::Bool(_) => Err(UNREADABLE.to_string()),
    }
}

/// An Excel serial in the 1900 date system. Serial 60 is 1900-02-29, a day
/// Excel invented to stay compatible with Lotus 1-2-3, so it is refused rather
/// than silently shifted. The time of day (fractional part) is dropped.
pub fn excel_serial(serial: f64) -> Result<NaiveDate, String> {
    let out_of_range = || "Excelのシリアル値が日付の範囲外です".to_string();
    // NaN and the infinities are outside the range; inside it the cast is exact.
    if !(1.0..2_958_466.0).contains(&serial) {
        return Err(out_of_range());
    }
    let days = serial.floor() as i64;
    serial_days(days).ok_or_else(out_of_range)?
}

/// The date of a whole serial; `Some(Err)` for the nonexistent 1900-02-29.
fn serial_days(days: i64) -> Option<Result<NaiveDate, String>> {
    if !(1..=MAX_SERIAL).contains(&days) {
        return None;
    }
    if days == 60 {
        return Some(Err(
            "Excelのシリアル値60は存在しない日付（1900年2月29日）です".to_string(),
        ));
    }
    // Before the phantom day serial 1 is 1900-01-01; after it every serial is one too high.
    let epoch = if days < 60 {
        ymd(1899, 12, 31)?
    } else {
        ymd(1899, 12, 30)?
    };
    let d = epoch.checked_add_days(Days::new(u64::try_from(days).ok()?))?;
    Some(Ok(d))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `2022-05-20`, `2022-05-20T00:00:00` as ODS writes date cells.
fn iso(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let day = s.split(['T', ' ']).next().unwrap_or(s);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| UNREADABLE.to_string())
}

/// A written date, possibly followed by a time (`2022/5/20 0:00:00`, as CSV
/// exports of date cells look) or a weekday (`2022年5月20日（金）`).
fn text_date(raw: &str) -> Result<(NaiveDate, Option<String>), String> {
    let normal = super::normalized(raw);
    let s = compact(strip_time(&normal));
    let (s, weekday) = split_weekday(&s);
    let (d, note) = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        (digits_date(s)?, None)
    } else if let Some((era, rest)) = split_era(s) {
        era_date(era, rest)?
    } else {
        (western_date(s)?, None)
    };
    match weekday {
        Some(w) if w != d.weekday() => Err("曜日が日付と合いません".to_string()),
        _ => Ok((d, note)),
    }
}

/// Drops a trailing time of day after a space or `T` (`12:34`, `0:00:00.000`).
fn strip_time(s: &str) -> &str {
    let Some(i) = s.rfind([' ', 'T']).filter(|i| *i > 0) else {
        return s;
    };
    let tail = &s[i + 1..];
    let is_time = tail.contains(':')
        && tail
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.');
    if is_time { s[..i].trim_end() } else { s }
}

/// Splits a trailing `(金)`, `(金曜)` or `(金曜日)` off, with its weekday.
fn split_weekday(s: &str) -> (&str, Option<Weekday>) {
    let Some((head, inner)) = s.strip_suffix(')').and_then(|r| r.rsplit_once('(')) else {
        return (s, None);
    };
    let name = inner
        .strip_suffix("曜日")
        .or_else(|| inner.strip_suffix('曜'))
        .unwrap_or(inner);
    let w = match name {
        "月" => Weekday::Mon,
        "火" => Weekday::Tue,
        "水" => Weekday::Wed,
        "木" => Weekday::Thu,
        "金" => Weekday::Fri,
        "土" => Weekday::Sat,
        "日" => Weekday::Sun,
        _ => return (s, None),
    };
    (head, Some(w))
}

/// All digits: `20220520` (eight digits cannot be a serial, which ends at
/// 2958465) or an Excel serial such as `44701` that lost its date format.
fn digits_date(s: &str) -> Result<NaiveDate, String> {
    if s.len() == 8 {
        let (y, m, d) = (&s[..4], &s[4..6], &s[6..]);
        let num = |p: &str| p.parse::<u32>().map_err(|_| UNREADABLE.to_string());
        let y = i32::try_from(num(y)?).map_err(|_| UNREADABLE.to_string())?;
        return calendar_date(y, num(m)?, num(d)?);
    }
    let days = s.parse::<i64>().ok().filter(|_| s.len() <= 7).unwrap_or(0);
    serial_days(days).ok_or_else(|| "Excelのシリアル値が日付の範囲外です".to_string())?
}

/// `令和4年5月20日`, `R4.5.20`, `H31/4/30`, `令和元年5月1日`; `rest` follows the era. A date
/// past its era's end (`平成31年5月1日`, `平成32年4月1日`) is the same calendar day, with a
/// warning naming it in the era of that day; a date before its era began is an error.
fn era_date(era: &Era, rest: &str) -> Result<(NaiveDate, Option<String>), String> {
    let (year, rest) = split_era_year_past_end(era, rest)?.ok_or(UNREADABLE)?;
    let (m, d) = month_day(rest).ok_or(UNREADABLE)?;
    let date = calendar_date(year, m, d)?;
    if era.contains(date) {
        return Ok((date, None));
    }
    match era.end {
        Some(end) if date > end => {
            let note = format!(
                "{}{}年{m}月{d}日は{}の終わり（{}）より後の日付のため、同じ暦日の{}（{}）として読みました（改元前の様式の記載と見なしています。行は除外していません）",
                era.name,
                year - era.start.year() + 1,
                era.name,
                end.format("%Y年%-m月%-d日"),
                crate::calendar::wareki(date),
                date.format("%Y年%-m月%-d日"),
            );
            Ok((date, Some(note)))
        }
        _ => Err(era.out_of_range("日付")),
    }
}

/// `2022/5/20`, `2022-05-20`, `2022.5.20`, `2022年5月20日`: a four-digit year.
fn western_date(s: &str) -> Result<NaiveDate, String> {
    let (year, _, rest) = leading_digits(s, 4)
        .filter(|(_, len, _)| *len == 4)
        .ok_or(UNREADABLE)?;
    let (m, d) = month_day(rest).ok_or(UNREADABLE)?;
    let year = i32::try_from(year).map_err(|_| UNREADABLE.to_string())?;
    calendar_date(year, m, d)
}

/// The part after the year: `年5月20日` (日 optional) or `/5/20` with the same
/// separator twice (`/`, `-` or `.`).
fn month_day(s: &str) -> Option<(u32, u32)> {
    let sep = s.chars().next()?;
    let (second, last) = match sep {
        '年' => ('月', "日"),
        '/' | '-' | '.' => (sep, ""),
        _ => return None,
    };
    let (m, _, rest) = leading_digits(&s[sep.len_utf8()..], 2)?;
    let (d, _, rest) = leading_digits(rest.strip_prefix(second)?, 2)?;
    (rest.is_empty() || rest == last).then_some((m, d))
}

fn calendar_date(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
    ymd(y, m, d).ok_or_else(|| NO_SUCH_DAY.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("test dates are valid")
    }

    fn t(s: &str) -> Raw {
        Raw::Text(s.to_string())
    }

    #[test]
    fn written_dates() {
        let cases: &[(&str, NaiveDate)] = &[
            ("2022/5/20", d(2022, 5, 20)),
            ("2022-05-20", d(2022, 5, 20)),
            ("2022.5.20", d(2022, 5, 20)),
            ("2022年5月20日", d(2022, 5, 20)),
            ("2022年5月20", d(2022, 5, 20)),
            ("２０２２／５／２０", d(2022, 5, 20)),
            ("  2022/05/20 0:00:00 ", d(2022, 5, 20)),
            ("2022-05-20T13:45:00", d(2022, 5, 20)),
            ("2022年5月20日（金）", d(2022, 5, 20)),
            ("2022年5月20日(金曜日)", d(2022, 5, 20)),
            ("20220520", d(2022, 5, 20)),
            ("2024/2/29", d(2024, 2, 29)),
            ("令和4年5月20日", d(2022, 5, 20)),
            ("令和４年５月２０日", d(2022, 5, 20)),
            ("令和 4年 5月 20日", d(2022, 5, 20)),
            ("㋿4年5月20日", d(2022, 5, 20)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("R1.5.1", d(2019, 5, 1)),
            ("R4.5.20", d(2022, 5, 20)),
            ("R4/5/20", d(2022, 5, 20)),
            ("R4-5-20", d(2022, 5, 20)),
            ("r4.5.20", d(2022, 5, 20)),
            ("Ｒ４．５．２０", d(2022, 5, 20)),
            ("平成31年4月30日", d(2019, 4, 30)),
            ("H31.4.30", d(2019, 4, 30)),
            ("h31.4.30", d(2019, 4, 30)),
            ("H1.1.8", d(1989, 1, 8)),
            ("平成元年1月8日", d(1989, 1, 8)),
            ("S64.1.7", d(1989, 1, 7)),
            ("s64.1.7", d(1989, 1, 7)),
            ("昭和64年1月7日", d(1989, 1, 7)),
            ("昭和元年12月25日", d(1926, 12, 25)),
            ("大正15年12月24日", d(1926, 12, 24)),
            ("T1.7.30", d(1912, 7, 30)),
            ("M45.7.29", d(1912, 7, 29)),
            ("44701", d(2022, 5, 20)),
            ("４４７０１", d(2022, 5, 20)),
        ];
        for (input, want) in cases {
            assert_eq!(date(&t(input)), Ok(*want), "{input}");
        }
    }

    #[test]
    fn rejected_dates() {
        // (input, a fragment the reason must contain)
        let cases: &[(&str, &str)] = &[
            ("平成32年", UNREADABLE),
            (
                "令和元年4月30日",
                "令和の範囲外の日付です（令和は2019年5月1日から）",
            ),
            ("H1.1.7", "平成の範囲外"),
            ("令和0年5月1日", "令和0年という年はありません"),
            ("R0.5.1", "令和0年"),
            ("2023-02-29", NO_SUCH_DAY),
            ("2022/13/1", NO_SUCH_DAY),
            ("2022/4/31", NO_SUCH_DAY),
            ("令和5年2月29日", NO_SUCH_DAY),
            ("20230229", NO_SUCH_DAY),
            ("2022年5月20日(木)", "曜日が日付と合いません"),
            ("2022/5-20", UNREADABLE),
            ("22/5/20", UNREADABLE),
            ("2022/5/20/1", UNREADABLE),
            ("5月20日", UNREADABLE),
            ("年月日", UNREADABLE),
            ("R", UNREADABLE),
            ("令和", UNREADABLE),
            ("令和4年", UNREADABLE),
            ("未定", UNREADABLE),
            ("0", "範囲外"),
            ("60", "1900年2月29日"),
            ("9999999", "範囲外"),
            ("  ", BLANK),
        ];
        for (input, want) in cases {
            let got = date(&t(input));
            assert!(
                matches!(&got, Err(e) if e.contains(want)),
                "{input}: {got:?}, wanted an error containing {want}"
            );
        }
    }

    /// Issue 22 item 13: an old era's date past its end is the same calendar day, kept with a
    /// warning; a date before its era began stays an error (above).
    #[test]
    fn old_era_dates_past_the_end_are_read_with_a_warning() {
        let cases: &[(&str, NaiveDate, &str)] = &[
            ("平成31年5月1日", d(2019, 5, 1), "令和元年5月1日"),
            ("平成32年4月1日", d(2020, 4, 1), "令和2年4月1日"),
            ("H31.5.1", d(2019, 5, 1), "令和元年5月1日"),
            ("Ｈ３２．４．１", d(2020, 4, 1), "令和2年4月1日"),
            ("S64.1.8", d(1989, 1, 8), "平成元年1月8日"),
            ("M46.1.1", d(1913, 1, 1), "大正2年1月1日"),
        ];
        for (input, want, same_day) in cases {
            let (got, note) = date_noted(&t(input)).expect(input);
            assert_eq!(got, *want, "{input}");
            let note = note.unwrap_or_default();
            assert!(
                note.contains(&format!("同じ暦日の{same_day}")),
                "{input}: {note}"
            );
            assert!(note.contains("行は除外していません"), "{input}: {note}");
            assert_eq!(date(&t(input)), Ok(*want), "{input}");
        }
        assert_eq!(
            date_noted(&t("平成31年5月1日")).unwrap().1.unwrap(),
            "平成31年5月1日は平成の終わり（2019年4月30日）より後の日付のため、同じ暦日の令和元年5月1日（2019年5月1日）として読みました（改元前の様式の記載と見なしています。行は除外していません）"
        );
        // In its era, or not an era date at all: no warning.
        for input in ["平成31年4月30日", "令和元年5月1日", "2019/5/1", "43586"] {
            assert_eq!(date_noted(&t(input)).unwrap().1, None, "{input}");
        }
    }

    #[test]
    fn serials() {
        let cases: &[(f64, Option<NaiveDate>)] = &[
            (1.0, Some(d(1900, 1, 1))),
            (59.0, Some(d(1900, 2, 28))),
            (60.0, None),
            (61.0, Some(d(1900, 3, 1))),
            (44701.0, Some(d(2022, 5, 20))),
            (44701.75, Some(d(2022, 5, 20))),
            // 2019-05-01: 43586 (checked against Excel's =DATE(2019,5,1)).
            (43586.0, Some(d(2019, 5, 1))),
            // The last day Excel has, refused by `date` as implausible.
            (2_958_465.0, Some(d(9999, 12, 31))),
            (2_958_466.0, None),
            (0.0, None),
            (0.5, None),
            (-1.0, None),
            (f64::NAN, None),
            (f64::INFINITY, None),
            (1e300, None),
        ];
        for (serial, want) in cases {
            assert_eq!(excel_serial(*serial).ok(), *want, "{serial}");
            let plausible = want.filter(|w| w.year() <= 2100);
            assert_eq!(
                date(&Raw::Number(*serial)).ok(),
                plausible,
                "Number {serial}"
            );
            assert_eq!(
                date(&Raw::DateTime(*serial)).ok(),
                plausible,
                "DateTime {serial}"
            );
        }
        assert!(
            excel_serial(60.0)
                .expect_err("serial 60 is refused")
                .contains("1900年2月29日")
        );
    }

    #[test]
    fn implausible_years_are_refused() {
        for input in [
            "0000/1/1",
            "0000-01-01",
            "9999/12/31",
            "2101/1/1",
            "1899/12/31",
            "99991231",
        ] {
            let got = date(&t(input));
            assert!(
                matches!(&got, Err(e) if e.contains("ありえません")),
                "{input}: {got:?}"
            );
        }
        for iso in ["-0001-01-01", "0000-01-01", "9999-01-01"] {
            assert!(date(&Raw::DateIso(iso.into())).is_err(), "{iso}");
        }
        assert_eq!(date(&t("1900/1/1")), Ok(d(1900, 1, 1)));
        assert_eq!(date(&t("2100/12/31")), Ok(d(2100, 12, 31)));
        assert!(date(&Raw::DateTime(2_958_465.0)).is_err());
    }

    #[test]
    fn iso_and_other_cells() {
        assert_eq!(date(&Raw::DateIso("2022-05-20".into())), Ok(d(2022, 5, 20)));
        assert_eq!(
            date(&Raw::DateIso("2022-05-20T00:00:00".into())),
            Ok(d(2022, 5, 20))
        );
        assert_eq!(
            date(&Raw::DateIso("2022-02-30".into())),
            Err(UNREADABLE.to_string())
        );
        assert_eq!(date(&Raw::Empty), Err(BLANK.to_string()));
        assert_eq!(date(&Raw::Bool(true)), Err(UNREADABLE.to_string()));
        assert_eq!(
            date(&Raw::Error("N/A".into())),
            Err("セルがエラー値（#N/A）です".to_string())
        );
    }
}
