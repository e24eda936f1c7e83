//! How every sheet prints: A4 landscape, the department and title in the
//! header, the sheet and page N / M in the footer, and wide sheets spread
//! over two pages in width instead of shrunk to an unreadable size.

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::Worksheet;

use crate::calendar;

/// The department whose staff file the printout.
pub(crate) const DEPARTMENT: &str = "綾瀬市 工業振興企業誘致課";

/// What the header of every page says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintMeta {
    /// The workbook's title (補助金 集計・督促).
    pub title: String,
    /// The run's as-of date; `None` leaves it out of the header.
    pub as_of: Option<NaiveDate>,
    /// When the workbook was made (Tokyo time), printed in the footer so a
    /// printout of a rerun is told from the night's; `None` leaves it out.
    pub created: Option<NaiveDateTime>,
}

/// rust_xlsxwriter's code for A4 paper.
pub(crate) const PAPER_A4: u8 = 9;

/// Column-width units (Excel's narrow characters of the default font) that
/// fit across one landscape A4 page at 100 % within [`set_up`]'s margins:
/// 11.69 in − 2 × 0.4 in ≈ 10.9 in at about 0.075 in per unit.
pub(crate) const PAGE_UNITS: usize = 140;

/// The smallest scale a sheet is shrunk to before it is spread over one
/// more page in width: 10-point text at 75 % still reads as 7.5 points.
const MIN_SCALE_PERCENT: usize = 75;

/// The most pages a sheet is spread over in width.
const MAX_PAGES_WIDE: usize = 3;

/// How many pages wide a sheet of `units` total column width prints: one
/// while it fits at `MIN_SCALE_PERCENT`, else as many as keep that scale.
pub(crate) fn pages_wide(units: usize) -> u16 {
    let per_page = PAGE_UNITS * 100 / MIN_SCALE_PERCENT;
    let pages = units.div_ceil(per_page).clamp(1, MAX_PAGES_WIDE);
    u16::try_from(pages).unwrap_or(1)
}

/// `&` starts a code in Excel's header language; a literal one is doubled.
fn escape(s: &str) -> String {
    s.replace('&', "&&")
}

/// The page header: department left, title centre, 基準日 right.
pub(crate) fn header(meta: &PrintMeta) -> String {
    let as_of = meta
        .as_of
        .map(|d| format!("基準日 {}", calendar::wareki(d)))
        .unwrap_or_default();
    format!(
        "&L{}&C&\"-,Bold\"{}&R{}",
        DEPARTMENT,
        escape(&meta.title),
        escape(&as_of)
    )
}

/// The page footer: the sheet's name left, 作成日時 centre, page N / M right.
pub(crate) fn footer(meta: &PrintMeta) -> String {
    let created = meta
        .created
        .map(|t| format!("作成 {} {}", calendar::wareki(t.date()), t.format("%H:%M")))
        .unwrap_or_default();
    format!("&L&A&C{}&R&P / &N", escape(&created))
}

/// Sets up printing of one sheet whose columns add up to `units` wide.
pub(crate) fn set_up(ws: &mut Worksheet, meta: &PrintMeta, units: usize) {
    ws.set_paper_size(PAPER_A4);
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.75, 0.6, 0.3, 0.3);
    ws.set_header(header(meta));
    ws.set_footer(footer(meta));
    ws.set_print_fit_to_pages(pages_wide(units), 0);
    // Left to right, then down: page 2 is the right half of page 1's rows.
    ws.set_page_order(false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_sheets_print_one_page_wide_wide_ones_two() {
        assert_eq!(pages_wide(0), 1);
        // Shrunk to 75 % at most, then two pages.
        assert_eq!(pages_wide(PAGE_UNITS * 4 / 3), 1);
        assert_eq!(pages_wide(PAGE_UNITS * 4 / 3 + 1), 2);
        assert_eq!(pages_wide(10 * PAGE_UNITS), 3);
    }

    #[test]
    fn the_header_names_department_title_and_date() {
        let meta = PrintMeta {
            title: "補助金 集計&督促".into(),
            as_of: NaiveDate::from_ymd_opt(2024, 4, 25),
            created: NaiveDate::from_ymd_opt(2024, 4, 25).and_then(|d| d.and_hms_opt(2, 31, 7)),
        };
        assert_eq!(footer(&meta), "&L&A&C作成 令和6年4月25日 02:31&R&P / &N");
        assert_eq!(footer(&PrintMeta::default()), "&L&A&C&R&P / &N");
        assert_eq!(
            header(&meta),
            "&L綾瀬市 工業振興企業誘致課&C&\"-,Bold\"補助金 集計&&督促&R基準日 令和6年4月25日"
        );
    }
}
