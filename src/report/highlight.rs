//! What stands out: conditional formats on the values staff must act on
//! (超過, 未提出, 期間内処分, a failed mail, …) and the tab colour of sheets
//! that have such rows. Conditional formats rather than fixed cell colours,
//! so a value staff correct in the workbook loses its colour at once.

use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatText,
    ConditionalFormatTextRule, Format, Worksheet, XlsxError,
};

/// The tab colour of a sheet with rows to act on today.
pub(crate) const TAB_COLOR: Color = Color::RGB(0xC0_00_00);

/// How loud a highlighted value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Needs action (light red fill, dark red text).
    Alert,
    /// Worth a look (light yellow fill, dark yellow text).
    Warn,
}

impl Severity {
    fn format(self) -> Format {
        let (font, fill) = match self {
            Severity::Alert => (0x9C_00_06, 0xFF_C7_CE),
            Severity::Warn => (0x9C_57_00, 0xFF_EB_9C),
        };
        Format::new()
            .set_font_color(Color::RGB(font))
            .set_background_color(Color::RGB(fill))
    }
}

/// Which values of a column stand out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Text that begins with this (未提出, 送信失敗（再送待ち）…).
    BeginsWith(&'static str),
    /// A number above zero (差額: decided above the rules).
    Positive,
    /// A number below zero (差額: decided below the rules).
    Negative,
}

/// One conditional format of a table, on the column named `column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub column: &'static str,
    pub rule: Rule,
    pub severity: Severity,
}

impl Highlight {
    pub fn new(column: &'static str, rule: Rule, severity: Severity) -> Highlight {
        Highlight {
            column,
            rule,
            severity,
        }
    }
}

/// Adds the table's conditional formats over data rows `first..=last`.
/// A highlight naming a column the table does not have is skipped.
pub(crate) fn apply(
    ws: &mut Worksheet,
    columns: &[&str],
    highlights: &[Highlight],
    first: u32,
    last: u32,
) -> Result<(), XlsxError> {
    for h in highlights {
        let Some(c) = columns.iter().position(|n| *n == h.column) else {
            continue;
        };
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        let format = h.severity.format();
        match h.rule {
            Rule::BeginsWith(text) => {
                let cf = ConditionalFormatText::new()
                    .set_rule(ConditionalFormatTextRule::BeginsWith(text.to_string()))
                    .set_format(format);
                ws.add_conditional_format(first, col, last, col, &cf)?;
            }
            Rule::Positive | Rule::Negative => {
                let rule = if h.rule == Rule::Positive {
                    ConditionalFormatCellRule::GreaterThan(0)
                } else {
                    ConditionalFormatCellRule::LessThan(0)
                };
                let cf = ConditionalFormatCell::new()
                    .set_rule(rule)
                    .set_format(format);
                ws.add_conditional_format(first, col, last, col, &cf)?;
            }
        }
    }
    Ok(())
}
