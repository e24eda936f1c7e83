//! Value parsers: one cell (`Raw`) into a typed value, or a short Japanese
//! reason that staff read on the 入力エラー sheet next to the cell's value.
//!
//! Every parser normalises text with [`normalize`] first, so full-width
//! digits, `￥`, `＠` and the era ligatures (`㋿`, `㍻`) need no special cases.

mod date;
mod era;
mod fy;
mod ident;
mod num;
mod premiums;
mod yen;

pub use date::{date, date_noted, excel_serial};
pub use fy::fiscal_year;
pub use ident::{corporate_number, email};
pub use premiums::premiums;
pub use yen::yen;

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::raw::Raw;
use num::NumIssue;

/// Characters trimmed from the ends of every value: ASCII and full-width
/// spaces, plus the BOM and zero-width space that CSV exports leave behind.
fn is_trimmable(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}')
}

/// NFKC and trimmed, so `２０２２年度`, `ＡＢＣ` and `　申請番号 ` compare equal to
/// what a person means. Used for header and name matching and before every parse.
pub fn normalize(s: &str) -> String {
    normalized(s).into_owned()
}

/// [`normalize`] without a copy when the text is already in NFKC (ASCII, or what
/// the quick check says is normalised: most cells of an export), trimmed in place.
/// Trimming first gives the same text: every trimmable character is a starter
/// whose NFKC is trimmable again, so it cannot change what it stands beside.
pub(super) fn normalized(s: &str) -> Cow<'_, str> {
    let trimmed = s.trim_matches(is_trimmable);
    if trimmed.is_ascii() || is_nfkc_quick(trimmed.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(trimmed);
    }
    let n: String = s.nfkc().collect();
    Cow::Owned(n.trim_matches(is_trimmable).to_string())
}

/// [`normalize`] with all inner whitespace removed too, for values whose
/// parts staff sometimes space out (`令和 4年 5月`, `1,234 円`).
fn compact(s: &str) -> Cow<'_, str> {
    let n = normalized(s);
    if n.chars().any(is_trimmable) {
        Cow::Owned(n.chars().filter(|c| !is_trimmable(*c)).collect())
    } else {
        n
    }
}

/// The trimmed text of a cell, `None` when blank. Not NFKC-normalised, so
/// names keep the exact characters staff typed. A number renders without a
/// trailing `.0` because an id typed as 1001 arrives as `Number(1001.0)`.
/// An Excel error value (`#N/A`) counts as no text: it is not what anyone wrote.
pub fn text(v: &Raw) -> Option<String> {
    let s = match v {
        Raw::Empty | Raw::Error(_) | Raw::Fault { .. } => return None,
        Raw::Text(s) | Raw::DateIso(s) => s.trim_matches(is_trimmable).to_string(),
        // Rust's float Display never uses an exponent and omits ".0".
        Raw::Number(n) => format!("{n}"),
        Raw::DateTime(n) => excel_serial(*n).map_or_else(|_| format!("{n}"), |d| d.to_string()),
        Raw::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
    };
    (!s.is_empty()).then_some(s)
}

/// The reason shown for a cell that holds an Excel error value.
fn cell_error(e: &str) -> String {
    format!("セルがエラー値（#{}）です", e.trim_start_matches('#'))
}

const COUNT_BLANK: &str = "数が入力されていません";
const COUNT_UNREADABLE: &str = "数として読めません";

/// Units staff append to a count of persons, companies, cases or years.
const COUNT_UNITS: [char; 5] = ['人', '名', '社', '件', '年'];

/// A whole non-negative number of persons, companies or years:
/// `3`, `"3"`, `"３"`, `"3人"`, `"3社"`, `"15年"`.
pub fn count(v: &Raw) -> Result<u32, String> {
    let n = match v {
        _ if v.is_blank() => return Err(COUNT_BLANK.to_string()),
        Raw::Number(n) => num::whole_from_f64(*n),
        Raw::Text(s) => {
            let s = compact(s);
            let s = s.strip_suffix(COUNT_UNITS).unwrap_or(&s);
            num::signed_text(s)
        }
        Raw::Error(e) => return Err(cell_error(e)),
        _ => Err(NumIssue::Unreadable),
    };
    let n = n.map_err(|issue| {
        match issue {
            NumIssue::Unreadable => COUNT_UNREADABLE,
            NumIssue::Negative => "負の数です",
            NumIssue::Fractional => "整数ではありません",
            NumIssue::TooLarge => "数が大きすぎます",
        }
        .to_string()
    })?;
    u32::try_from(n).map_err(|_| "数が大きすぎます".to_string())
}

#[cfg(test)]
mod tests;
