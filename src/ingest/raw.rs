//! A cell value as it arrives from any reader (calamine or CSV), before parsing.

use std::borrow::Cow;
use std::fmt;

/// The most characters an Excel cell holds. A longer value cannot have come
/// from a cell, so it is refused where it is data and cut where it is shown.
pub(crate) const EXCEL_MAX_CHARS: usize = 32_767;

/// `s` cut to at most `max` characters, the cut marked visibly with how many
/// characters were left out (the mark is counted within `max`).
pub(crate) fn clip(s: &str, max: usize) -> Cow<'_, str> {
    // Bytes bound characters from above: most values return here at once.
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let total = s.chars().count();
    if total <= max {
        return Cow::Borrowed(s);
    }
    // The mark's length depends on the count, which is at most `total`.
    let mark_len = |omitted: usize| format!("…（以下 {omitted} 文字省略）").chars().count();
    let keep = max.saturating_sub(mark_len(total));
    let omitted = total - keep;
    let head: String = s.chars().take(keep).collect();
    Cow::Owned(format!("{head}…（以下 {omitted} 文字省略）"))
}

/// The raw value of one cell. Readers map their own types onto this so the
/// value parsers see one shape whatever the file format was.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Empty,
    /// Text as written (not yet trimmed).
    Text(String),
    /// A number cell. Excel stores every number as a double, including dates
    /// whose format calamine did not recognise (Japanese built-in formats).
    Number(f64),
    Bool(bool),
    /// A cell calamine recognised as a date/time: the Excel serial number.
    DateTime(f64),
    /// An ISO 8601 date/time string (ODS date cells).
    DateIso(String),
    /// An Excel error value such as `#N/A`.
    Error(String),
    /// A cell whose value cannot be trusted (longer than a cell holds, a
    /// formula saved without its result, a byte the encoding cannot read):
    /// it rejects its row with `reason`; `shown` is what 値 shows.
    Fault {
        reason: String,
        shown: String,
    },
}

/// How many characters of a refused value 値 shows.
const SHOWN_CHARS: usize = 100;

impl Raw {
    /// Text from a reader: a [`Raw::Fault`] when longer than a cell holds.
    pub fn text(s: String) -> Raw {
        if s.len() <= EXCEL_MAX_CHARS {
            return Raw::Text(s);
        }
        let chars = s.chars().count();
        if chars <= EXCEL_MAX_CHARS {
            return Raw::Text(s);
        }
        Raw::Fault {
            reason: format!(
                "値が長すぎます（{chars}文字。Excelのセルは{EXCEL_MAX_CHARS}文字まで）。CSVなら引用符（\"）の閉じ忘れで後ろの行まで1つの値になっていないか確かめてください"
            ),
            shown: clip(&s, SHOWN_CHARS).into_owned(),
        }
    }

    /// The reason a [`Raw::Fault`] cell rejects its row.
    pub fn fault(&self) -> Option<&str> {
        match self {
            Raw::Fault { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Empty, or text that is only ASCII / full-width spaces.
    pub fn is_blank(&self) -> bool {
        match self {
            Raw::Empty => true,
            Raw::Text(s) => s
                .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
                .is_empty(),
            _ => false,
        }
    }
}

impl fmt::Display for Raw {
    /// How the value is shown to staff on 入力エラー (the 値 column).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Raw::Empty => Ok(()),
            Raw::Text(s) => f.write_str(s),
            Raw::Number(n) | Raw::DateTime(n) => write!(f, "{n}"),
            Raw::Bool(b) => write!(f, "{}", if *b { "TRUE" } else { "FALSE" }),
            Raw::DateIso(s) => f.write_str(s),
            Raw::Error(e) => write!(f, "#{e}"),
            Raw::Fault { shown, .. } => f.write_str(shown),
        }
    }
}

/// The A1 reference of a 0-based (row, column).
pub(crate) fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut s: String = letters.into_iter().collect();
    s.push_str(&(u64::from(row) + 1).to_string());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        for (row, col, want) in [
            (0, 0, "A1"),
            (6, 3, "D7"),
            (0, 25, "Z1"),
            (0, 26, "AA1"),
            (0, 701, "ZZ1"),
            (0, 702, "AAA1"),
            (1_048_575, 16_383, "XFD1048576"),
        ] {
            assert_eq!(a1(row, col), want);
        }
    }

    #[test]
    fn clip_marks_what_it_cuts() {
        assert_eq!(clip("短い", 10), "短い");
        let long = "あ".repeat(40_000);
        let cut = clip(&long, EXCEL_MAX_CHARS);
        // 32,751 characters kept, then the mark for the 7,249 left out.
        assert!(cut.chars().count() <= EXCEL_MAX_CHARS);
        assert!(cut.starts_with(&"あ".repeat(32_751)));
        assert!(cut.ends_with("あ…（以下 7249 文字省略）"));
        assert_eq!(clip("abcdefghij", 10), "abcdefghij");
        assert_eq!(clip(&"x".repeat(40), 20), "xxxxxxx…（以下 33 文字省略）");
    }

    #[test]
    fn overlong_text_is_a_fault() {
        assert_eq!(
            Raw::text("x".repeat(EXCEL_MAX_CHARS)),
            Raw::Text("x".repeat(EXCEL_MAX_CHARS))
        );
        let raw = Raw::text("x".repeat(40_000));
        assert!(
            raw.fault().is_some_and(|r| r.contains("40000文字")),
            "{raw:?}"
        );
        assert!(raw.to_string().ends_with("文字省略）"));
        assert!(!raw.is_blank());
    }
}
