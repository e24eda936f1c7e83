//! Formats shared by every sheet, and text width measured the way Excel
//! shows Japanese: rust_xlsxwriter's autofit counts a full-width character
//! as one narrow glyph, which leaves Japanese columns half as wide as needed.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// The formats of the workbook, built once.
///
/// Every cell of a table has a thin border and is centred vertically, text
/// and numbers alike: in a row made tall by a wrapped sentence an amount
/// stays level with its 申請番号 rather than sinking towards the next row.
#[derive(Debug, Clone)]
pub(crate) struct Styles {
    pub header: Format,
    pub text: Format,
    pub text_bold: Format,
    /// Long sentences (要確認, 算定根拠): wrapped within the column.
    pub text_wrap: Format,
    pub text_wrap_bold: Format,
    /// A short status word (超過, 未提出), centred in its column so it stands
    /// apart from the amount beside it.
    pub tag: Format,
    pub tag_bold: Format,
    pub yen: Format,
    pub yen_bold: Format,
    pub int: Format,
    pub int_bold: Format,
    pub date: Format,
    pub date_bold: Format,
    /// A date in era year 1, which the era format would show as 令和1年.
    pub date_gannen: Format,
    pub date_gannen_bold: Format,
    pub datetime: Format,
    pub percent: Format,
    pub percent_bold: Format,
    pub title: Format,
    pub note: Format,
    /// A note's sentence wrapped within the columns every printed page repeats.
    pub note_wrap: Format,
    pub label: Format,
    /// A link to another sheet (概要's 本日の対応).
    pub link: Format,
    /// The body cell format every typed one starts from (border, alignment).
    base: Format,
}

/// Excel's yen format: ¥1,234,567 (a negative difference shows as -¥1,234).
pub(crate) const YEN_FORMAT: &str = "\"¥\"#,##0;-\"¥\"#,##0";
/// 和暦 dates, 令和6年4月30日. `[$-411]` (Japanese) with the era codes `ggg`
/// and `e` is understood by every Excel since 2007 and by LibreOffice;
/// the newer `[$-ja-JP-x-gannen]` tag that prints 元年 is not, so dates in an
/// era's first year get [`DATE_GANNEN_FORMAT`] instead.
pub(crate) const DATE_FORMAT: &str = "[$-411]ggge\"年\"m\"月\"d\"日\"";
/// 令和元年5月1日: the era's name from the date, 元年 written out.
pub(crate) const DATE_GANNEN_FORMAT: &str = "[$-411]ggg\"元年\"m\"月\"d\"日\"";
/// When a mail was handled: 令和6年4月25日 02:30:05.
pub(crate) const DATETIME_FORMAT: &str = "[$-411]ggge\"年\"m\"月\"d\"日\" hh:mm:ss";

/// The number format of a 年度 cell: the cell holds the FY as a number (2024),
/// so it sorts and filters in time order (令和2年度 before 令和10年度, 平成31
/// before 令和元), while the format is the label itself, `"令和6年度"`. A
/// format cannot compute an era year from 2024, so each FY gets the literal
/// text [`crate::calendar::fy_label`] writes; a workbook holds only a few.
pub(crate) fn fy_format(fy: crate::calendar::FiscalYear) -> String {
    format!("\"{}\"", crate::calendar::fy_label(fy))
}

/// The thin grey border of body cells.
pub(crate) const BORDER_COLOR: u32 = 0x00_A6_A6_A6;

impl Default for Styles {
    fn default() -> Self {
        let plain = Format::new().set_font_name("Meiryo UI").set_font_size(10);
        let base = plain
            .clone()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(BORDER_COLOR))
            .set_align(FormatAlign::VerticalCenter);
        let bold = |f: &Format| f.clone().set_bold();
        let text = base.clone();
        let yen = base.clone().set_num_format(YEN_FORMAT);
        let int = base.clone().set_num_format("#,##0");
        // Dates and 年度 centred: right-aligned they ran into the text of the
        // next column on the printed page.
        let centred = base.clone().set_align(FormatAlign::Center);
        let date = centred.clone().set_num_format(DATE_FORMAT);
        let date_gannen = centred.clone().set_num_format(DATE_GANNEN_FORMAT);
        let percent = base.clone().set_num_format("0.0%");
        Styles {
            header: plain
                .clone()
                .set_bold()
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F_4E_79))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER_COLOR))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text_bold: bold(&text),
            tag: text.clone().set_align(FormatAlign::Center),
            tag_bold: bold(&text).set_align(FormatAlign::Center),
            text_wrap: text.clone().set_text_wrap(),
            text_wrap_bold: text.clone().set_text_wrap().set_bold(),
            yen_bold: bold(&yen),
            int_bold: bold(&int),
            date_bold: bold(&date),
            date_gannen_bold: bold(&date_gannen),
            percent_bold: bold(&percent),
            datetime: centred.clone().set_num_format(DATETIME_FORMAT),
            link: base
                .clone()
                .set_font_color(Color::RGB(0x05_63_C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            text,
            yen,
            int,
            date,
            date_gannen,
            percent,
            title: plain.clone().set_bold().set_font_size(14),
            note: plain.clone().set_font_color(Color::RGB(0x59_59_59)),
            note_wrap: plain
                .clone()
                .set_font_color(Color::RGB(0x59_59_59))
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            label: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDD_EB_F7)),
            base,
        }
    }
}

impl Styles {
    /// Every fixed format, in one order: the report registers them with the
    /// workbook before its sheets are written in parallel, so each has one
    /// index whichever thread uses it first, and the file's styles come out
    /// the same every night.
    pub(crate) fn all(&self) -> [&Format; 23] {
        [
            &self.header,
            &self.text,
            &self.text_bold,
            &self.text_wrap,
            &self.text_wrap_bold,
            &self.tag,
            &self.tag_bold,
            &self.yen,
            &self.yen_bold,
            &self.int,
            &self.int_bold,
            &self.date,
            &self.date_bold,
            &self.date_gannen,
            &self.date_gannen_bold,
            &self.datetime,
            &self.percent,
            &self.percent_bold,
            &self.title,
            &self.note,
            &self.note_wrap,
            &self.label,
            &self.link,
        ]
    }

    /// The format of a 年度 cell of `fy` (see [`fy_format`]).
    pub(crate) fn fiscal_year(&self, fy: crate::calendar::FiscalYear, bold: bool) -> Format {
        let f = self
            .base
            .clone()
            .set_align(FormatAlign::Center)
            .set_num_format(fy_format(fy));
        if bold { f.set_bold() } else { f }
    }

    /// The 和暦 date format for `d`: 元年 written out in an era's first year.
    pub(crate) fn date_for(&self, d: chrono::NaiveDate, bold: bool) -> &Format {
        let gannen = crate::calendar::era_of(d).is_some_and(|(_, y)| y == 1);
        match (gannen, bold) {
            (false, false) => &self.date,
            (false, true) => &self.date_bold,
            (true, false) => &self.date_gannen,
            (true, true) => &self.date_gannen_bold,
        }
    }
}

/// Width in narrow-character units: East Asian wide and full-width
/// characters count 2, everything else 1.
pub(crate) fn display_width(s: &str) -> usize {
    // Most cells of a large sheet (申請番号, 法人番号, digits) are ASCII:
    // measured by their length, not char by char.
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// The wide ranges: CJK, kana, Hangul and full-width forms.
const WIDE_RANGES: [(u32, u32); 12] = [
    (0x1100, 0x115F),   // Hangul Jamo
    (0x2E80, 0x303E),   // CJK radicals, punctuation
    (0x3041, 0x33FF),   // kana, CJK symbols
    (0x3400, 0x4DBF),   // CJK ext A
    (0x4E00, 0x9FFF),   // CJK unified
    (0xA000, 0xA4CF),   // Yi
    (0xAC00, 0xD7A3),   // Hangul
    (0xF900, 0xFAFF),   // CJK compatibility
    (0xFE30, 0xFE4F),   // CJK compatibility forms
    (0xFF00, 0xFF60),   // full-width forms
    (0xFFE0, 0xFFE6),   // full-width signs
    (0x20000, 0x3FFFD), // CJK ext B and beyond
];

/// One bit per code point of the Basic Multilingual Plane, set for the wide
/// ones: every text cell of a national night's sheets is measured (for its
/// column's width and its row's height), one bit looked up per character
/// instead of a walk through twelve ranges.
static WIDE_BMP: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut r = 0;
    while r < WIDE_RANGES.len() {
        let (from, to) = WIDE_RANGES[r];
        let mut c = from;
        while c <= to && c < 0x1_0000 {
            bits[(c / 64) as usize] |= 1 << (c % 64);
            c += 1;
        }
        r += 1;
    }
    bits
};

fn is_wide(c: char) -> bool {
    let c = u32::from(c);
    match usize::try_from(c / 64) {
        Ok(word) if word < WIDE_BMP.len() => WIDE_BMP[word] & (1 << (c % 64)) != 0,
        _ => (0x2_0000..=0x3_FFFD).contains(&c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bitmap_holds_exactly_the_wide_ranges() {
        for c in (0..=0x4_0000u32).filter_map(char::from_u32) {
            let u = u32::from(c);
            let listed = WIDE_RANGES.iter().any(|&(a, b)| (a..=b).contains(&u));
            assert_eq!(is_wide(c), listed, "U+{u:04X}");
        }
    }

    #[test]
    fn japanese_counts_double() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("申請番号"), 8);
        assert_eq!(display_width("ＡＢ１"), 6);
        assert_eq!(display_width("ｱｲｳ"), 3); // half-width kana stay narrow
        assert_eq!(display_width("令和4年度"), 9);
    }
}
