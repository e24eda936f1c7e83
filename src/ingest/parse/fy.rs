//! Fiscal years (年度, April–March, named by the starting year).

use chrono::NaiveDate;

use super::era::{Era, split_era, split_era_year};
use super::num::{self, NumIssue};
use super::{Raw, cell_error, compact};
use crate::calendar::FiscalYear;

const BLANK: &str = "年度が入力されていません";
const UNREADABLE: &str = "年度として読めません";

/// Fiscal years the city's data can hold: from 平成元年度 to a far horizon.
/// Anything outside is a typo (`202`, `20222`), not a real year.
const RANGE: std::ops::RangeInclusive<FiscalYear> = 1989..=2100;

/// `2022`, `2022年度`, `令和4年度`, `令和元年度`, `R4`, `H30年度`, or a number cell.
pub fn fiscal_year(v: &Raw) -> Result<FiscalYear, String> {
    let fy = match v {
        _ if v.is_blank() => return Err(BLANK.to_string()),
        Raw::Number(n) => match num::whole_from_f64(*n) {
            Ok(n) => FiscalYear::try_from(n).map_err(|_| UNREADABLE.to_string())?,
            Err(NumIssue::Negative) => return Err(out_of_range()),
            Err(_) => return Err(UNREADABLE.to_string()),
        },
        Raw::Text(s) => fy_text(&compact(s))?,
        Raw::Error(e) => return Err(cell_error(e)),
        _ => return Err(UNREADABLE.to_string()),
    };
    if RANGE.contains(&fy) {
        Ok(fy)
    } else {
        Err(out_of_range())
    }
}

fn out_of_range() -> String {
    format!(
        "年度が範囲外です（{}年度から{}年度まで）",
        RANGE.start(),
        RANGE.end()
    )
}

fn fy_text(s: &str) -> Result<FiscalYear, String> {
    let s = s
        .strip_suffix("年度")
        .or_else(|| s.strip_suffix('年'))
        .unwrap_or(s);
    if let Some((era, rest)) = split_era(s) {
        return era_fy(era, rest);
    }
    match num::leading_digits(s, 4) {
        Some((y, _, "")) => FiscalYear::try_from(y).map_err(|_| UNREADABLE.to_string()),
        _ => Err(UNREADABLE.to_string()),
    }
}

/// An era fiscal year must start while the era still ran: 平成31年度
/// (April 2019) exists, 平成32年度 and 昭和64年度 do not.
fn era_fy(era: &Era, rest: &str) -> Result<FiscalYear, String> {
    match split_era_year(era, rest, "年度")? {
        Some((year, "")) => {
            let starts = NaiveDate::from_ymd_opt(year, 4, 1).ok_or(UNREADABLE)?;
            if era.end.is_some_and(|end| starts > end) {
                return Err(era.out_of_range("年度"));
            }
            Ok(year)
        }
        _ => Err(UNREADABLE.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Raw {
        Raw::Text(s.to_string())
    }

    #[test]
    fn fiscal_years() {
        let cases: &[(Raw, FiscalYear)] = &[
            (t("2022"), 2022),
            (Raw::Number(2022.0), 2022),
            (t("2022年度"), 2022),
            (t("２０２２年度"), 2022),
            (t("2022年"), 2022),
            (t("令和4年度"), 2022),
            (t("令和４年度"), 2022),
            (t("令和元年度"), 2019),
            (t("R1"), 2019),
            (t("R4"), 2022),
            (t("r4"), 2022),
            (t("R4年度"), 2022),
            (t(" R 4 年度 "), 2022),
            (t("H30年度"), 2018),
            (t("平成30年度"), 2018),
            (t("平成31年度"), 2019),
            (t("平成元年度"), 1989),
            (t("1989"), 1989),
            (t("2100"), 2100),
        ];
        for (input, want) in cases {
            assert_eq!(fiscal_year(input), Ok(*want), "{input:?}");
        }
    }

    #[test]
    fn rejected_fiscal_years() {
        let range = "年度が範囲外です（1989年度から2100年度まで）";
        let cases: &[(Raw, &str)] = &[
            (t("令和0年度"), "令和0年という年はありません"),
            (t("R0"), "令和0年という年はありません"),
            (
                t("平成32年度"),
                "平成の範囲外の年度です（平成は1989年1月8日から2019年4月30日まで）",
            ),
            (
                t("昭和64年度"),
                "昭和の範囲外の年度です（昭和は1926年12月25日から1989年1月7日まで）",
            ),
            (t("昭和63年度"), range),
            (t("1988"), range),
            (t("2101"), range),
            (t("202"), range),
            (Raw::Number(-2022.0), range),
            (t("20222"), UNREADABLE),
            (Raw::Number(2022.5), UNREADABLE),
            (Raw::Number(1e12), UNREADABLE),
            (Raw::Number(f64::NAN), UNREADABLE),
            (t("令和"), UNREADABLE),
            (t("R"), UNREADABLE),
            (t("R4.5"), UNREADABLE),
            (t("2022/4/1"), UNREADABLE),
            (t("年度"), UNREADABLE),
            (t("令和100年度"), UNREADABLE),
            (Raw::DateTime(44701.0), UNREADABLE),
            (Raw::Empty, BLANK),
        ];
        for (input, want) in cases {
            assert_eq!(fiscal_year(input), Err(want.to_string()), "{input:?}");
        }
    }
}
