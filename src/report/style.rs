//! Formats shared by every sheet, and text width measured the way Excel
//! shows Japanese: rust_xlsxwriter's autofit counts a full-width character
//! as one narrow glyph, which leaves Japanese columns half as wide as needed.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// The formats of the workbook, built once.
#[derive(Debug, Clone)]
pub struct Styles {
    pub header: Format,
    pub text: Format,
    pub text_bold: Format,
    /// Long sentences (要確認, 算定根拠): wrapped within the column.
    pub text_wrap: Format,
    pub yen: Format,
    pub yen_bold: Format,
    pub int: Format,
    pub int_bold: Format,
    pub date: Format,
    pub date_bold: Format,
    pub percent: Format,
    pub percent_bold: Format,
    pub title: Format,
    pub note: Format,
    pub label: Format,
}

/// Excel's yen format: ¥1,234,567 (a negative difference shows as -¥1,234).
pub const YEN_FORMAT: &str = "\"¥\"#,##0;-\"¥\"#,##0";
/// A Japanese date that every Excel and LibreOffice shows the same way.
pub const DATE_FORMAT: &str = "yyyy\"年\"m\"月\"d\"日\"";

impl Default for Styles {
    fn default() -> Self {
        let base = Format::new().set_font_name("Meiryo UI").set_font_size(10);
        let bold = |f: &Format| f.clone().set_bold();
        let text = base.clone().set_align(FormatAlign::Top);
        let yen = base.clone().set_num_format(YEN_FORMAT);
        let int = base.clone().set_num_format("#,##0");
        let date = base.clone().set_num_format(DATE_FORMAT);
        let percent = base.clone().set_num_format("0.0%");
        Styles {
            header: base
                .clone()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F_4E_79))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text_bold: bold(&text),
            text_wrap: text.clone().set_text_wrap(),
            yen_bold: bold(&yen),
            int_bold: bold(&int),
            date_bold: bold(&date),
            percent_bold: bold(&percent),
            text,
            yen,
            int,
            date,
            percent,
            title: base.clone().set_bold().set_font_size(14),
            note: base.clone().set_font_color(Color::RGB(0x59_59_59)),
            label: base.set_bold().set_background_color(Color::RGB(0xDD_EB_F7)),
        }
    }
}

/// Width in narrow-character units: East Asian wide and full-width
/// characters count 2, everything else 1.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F        // Hangul Jamo
        | 0x2E80..=0x303E      // CJK radicals, punctuation
        | 0x3041..=0x33FF      // kana, CJK symbols
        | 0x3400..=0x4DBF      // CJK ext A
        | 0x4E00..=0x9FFF      // CJK unified
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3      // Hangul
        | 0xF900..=0xFAFF      // CJK compatibility
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60      // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_counts_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("申請番号"), 8);
        assert_eq!(display_width("ＡＢ１"), 6);
        assert_eq!(display_width("ｱｲｳ"), 3); // half-width kana stay narrow
        assert_eq!(display_width("令和4年度"), 9);
    }
}
