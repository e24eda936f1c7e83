//! A cell value as it arrives from any reader (calamine or CSV), before parsing.

use std::fmt;

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
}

impl Raw {
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
        }
    }
}
