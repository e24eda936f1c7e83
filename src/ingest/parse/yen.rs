//! Whole-yen amounts as staff and exports write them.

use super::num::{self, NumIssue};
use super::{Raw, cell_error, compact};
use crate::model::Yen;

const BLANK: &str = "金額が入力されていません";
const UNREADABLE: &str = "金額として読めません";

/// A number cell, or text such as `1,234,567`, `１，２３４，５６７円`,
/// `¥1,234,567`, `￥1,234,567` or `\1,234,567` (the yen sign as CP932 files
/// show it). Negative (`-5`, `△5`, `▲5`, `(5)`) or fractional amounts are errors.
pub fn yen(v: &Raw) -> Result<Yen, String> {
    let n = match v {
        _ if v.is_blank() => return Err(BLANK.to_string()),
        Raw::Number(n) => num::whole_from_f64(*n),
        Raw::Text(s) => yen_text(&compact(s)),
        Raw::Error(e) => return Err(cell_error(e)),
        _ => Err(NumIssue::Unreadable),
    };
    let n = n.map_err(|issue| {
        match issue {
            NumIssue::Unreadable => UNREADABLE,
            NumIssue::Negative => "金額が負です",
            NumIssue::Fractional => "金額に1円未満の端数があります",
            NumIssue::TooLarge => "金額が大きすぎます",
        }
        .to_string()
    })?;
    Yen::try_from(n).map_err(|_| "金額が大きすぎます".to_string())
}

/// The sign may stand outside or inside the currency marks: `-¥5`, `¥-5`, `(5円)`.
fn yen_text(s: &str) -> Result<u64, NumIssue> {
    let (outer_negative, s) = num::split_negative(s);
    let s = s.strip_suffix('円').unwrap_or(s);
    let s = s.strip_prefix(['¥', '\\']).unwrap_or(s);
    let (inner_negative, s) = num::split_negative(s);
    let r = num::decimal(s);
    match (outer_negative, inner_negative) {
        (true, true) => Err(NumIssue::Unreadable),
        (false, false) => r,
        _ => num::negated(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let cases: &[(Raw, Yen)] = &[
            (Raw::Number(1_234_567.0), 1_234_567),
            (Raw::Number(0.0), 0),
            (Raw::Number(-0.0), 0),
            // 2^53 + 2 is still an exact double.
            (Raw::Number(9_007_199_254_740_994.0), 9_007_199_254_740_994),
            (Raw::Text("1234567".into()), 1_234_567),
            (Raw::Text("1,234,567".into()), 1_234_567),
            (Raw::Text("１，２３４，５６７円".into()), 1_234_567),
            (Raw::Text("¥1,234,567".into()), 1_234_567),
            (Raw::Text("￥1,234,567".into()), 1_234_567),
            (Raw::Text("\\1,234,567".into()), 1_234_567),
            (Raw::Text("＼1,234,567".into()), 1_234_567),
            (Raw::Text("1234567円".into()), 1_234_567),
            (Raw::Text("1,234,567 円".into()), 1_234_567),
            (Raw::Text("　500,000　".into()), 500_000),
            (Raw::Text("1234.00".into()), 1234),
            (Raw::Text("0円".into()), 0),
            (Raw::Text("△0".into()), 0),
            (Raw::Text("9223372036854775807".into()), i64::MAX),
        ];
        for (input, want) in cases {
            assert_eq!(yen(input), Ok(*want), "{input:?}");
        }
    }

    #[test]
    fn rejected_amounts() {
        let neg = "金額が負です";
        let frac = "金額に1円未満の端数があります";
        let big = "金額が大きすぎます";
        let cases: &[(Raw, &str)] = &[
            (Raw::Number(-5.0), neg),
            (Raw::Number(-5.5), neg),
            (Raw::Number(1234.5), frac),
            (Raw::Number(0.001), frac),
            (Raw::Number(1e19), big),
            (Raw::Number(1e300), big),
            (Raw::Number(f64::NAN), UNREADABLE),
            (Raw::Number(f64::NEG_INFINITY), UNREADABLE),
            (Raw::Text("-5".into()), neg),
            (Raw::Text("−5".into()), neg),
            (Raw::Text("△5".into()), neg),
            (Raw::Text("▲5".into()), neg),
            (Raw::Text("▲1,000円".into()), neg),
            (Raw::Text("(5)".into()), neg),
            (Raw::Text("（5）".into()), neg),
            (Raw::Text("-¥5".into()), neg),
            (Raw::Text("¥-5".into()), neg),
            (Raw::Text("-5.5".into()), neg),
            (Raw::Text("1234.5".into()), frac),
            (Raw::Text("1,234.56円".into()), frac),
            (Raw::Text("9223372036854775808".into()), big),
            (Raw::Text("9999999999999999999999円".into()), big),
            (Raw::Text("12,34".into()), UNREADABLE),
            (Raw::Text("1,2345".into()), UNREADABLE),
            (Raw::Text("1.234.567".into()), UNREADABLE),
            (Raw::Text("円".into()), UNREADABLE),
            (Raw::Text("¥".into()), UNREADABLE),
            (Raw::Text("百万円".into()), UNREADABLE),
            (Raw::Text("--5".into()), UNREADABLE),
            (Raw::Text("".into()), BLANK),
            (Raw::Text("　".into()), BLANK),
            (Raw::Empty, BLANK),
            (Raw::Bool(true), UNREADABLE),
            (Raw::DateTime(44701.0), UNREADABLE),
            (Raw::Error("VALUE!".into()), "セルがエラー値（#VALUE!）です"),
        ];
        for (input, want) in cases {
            assert_eq!(yen(input), Err(want.to_string()), "{input:?}");
        }
    }
}
