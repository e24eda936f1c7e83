//! The height of rows whose text wraps, kept small on long sheets.
//!
//! Not every viewer grows a row for wrapped text by itself (LibreOffice
//! does not), so a row whose text wraps is given the height of its lines.
//! rust_xlsxwriter keeps every row height it is given for the whole sheet,
//! even on a constant-memory sheet, in a map of about 440 bytes a row: on a
//! 200,000-application night the 算定検証 and 要確認 maps held 143 MB, and
//! at a full sheet several hundred MB (BENCHMARKS.md, "third pass").
//!
//! A long part therefore takes its most common height as the sheet's
//! default row height (`<sheetFormatPr defaultRowHeight>`), measured on its
//! first [`SAMPLE_ROWS`] rows before any is written, and names a height only
//! on the rows that differ: the header and note rows and one-line rows
//! then name the ordinary 15 points. Every row shows at the height it
//! showed before (`report::row_heights::tests` compares them row by row);
//! only the empty rows below such a table take the taller default. Short
//! parts, a city's every night, are written exactly as before.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Height of one line of 10-point text, in points.
const LINE_POINTS: u32 = 14;
/// The most lines a row is given (a longer text scrolls within its cell).
const MAX_LINES: usize = 20;
/// Excel's ordinary row height, in points (20 pixels).
const PLAIN_POINTS: f64 = 15.0;
/// A part longer than this many rows measures its first rows for a default.
pub(crate) const SAMPLE_ROWS: usize = 4_096;

/// The lines a row of wrapped text needs, capped at [`MAX_LINES`].
fn capped(lines: usize) -> usize {
    lines.clamp(1, MAX_LINES)
}

/// How one sheet's rows get their heights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowHeights {
    /// Lines of the rows that name no height.
    default_lines: usize,
}

impl RowHeights {
    /// The ordinary layout: one-line rows name nothing, taller rows their height.
    pub(crate) fn plain() -> RowHeights {
        RowHeights { default_lines: 1 }
    }

    /// The layout for a part whose first rows need `lines` each: the most
    /// common count becomes the default (the fewer lines on a tie).
    pub(crate) fn sampled(lines: impl IntoIterator<Item = usize>) -> RowHeights {
        let mut counts = [0usize; MAX_LINES + 1];
        for l in lines {
            counts[capped(l)] += 1;
        }
        let default_lines = (1..=MAX_LINES)
            .rev()
            .max_by_key(|&l| counts[l])
            .unwrap_or(1);
        RowHeights { default_lines }
    }

    /// Declares the sheet's default row height when it is not the ordinary one.
    pub(crate) fn declare(&self, ws: &mut Worksheet) {
        if self.default_lines > 1 {
            ws.set_default_row_height(points(self.default_lines));
        }
    }

    /// Gives `row` the height of `lines` lines, unless that is the default.
    pub(crate) fn set(&self, ws: &mut Worksheet, row: u32, lines: usize) -> Result<(), XlsxError> {
        let lines = capped(lines);
        if lines == self.default_lines {
            return Ok(());
        }
        let height = if lines == 1 {
            PLAIN_POINTS
        } else {
            points(lines)
        };
        ws.set_row_height(row, height)?;
        Ok(())
    }
}

/// The height of `lines` lines of wrapped text, in points.
fn points(lines: usize) -> f64 {
    f64::from(u32::try_from(lines).unwrap_or(1) * LINE_POINTS)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::report::cell::Cell;
    use crate::report::style::Styles;
    use crate::report::table::{Part, Table, write_part};
    use crate::report::{print::PrintMeta, sheet::Sheet};
    use rust_xlsxwriter::Workbook;

    #[test]
    fn the_most_common_count_is_the_default_and_a_tie_takes_fewer_lines() {
        assert_eq!(RowHeights::sampled([3, 2, 3, 1]).default_lines, 3);
        assert_eq!(RowHeights::sampled([2, 3, 3, 2]).default_lines, 2);
        assert_eq!(RowHeights::sampled([]).default_lines, 1);
        assert_eq!(RowHeights::sampled([99, 99]).default_lines, MAX_LINES);
    }

    /// Each row's height as a viewer sees it: its own `ht`, else the
    /// sheet's default. Rows 1..=`rows`.
    fn shown_heights(sheet_xml: &str, rows: usize) -> Vec<String> {
        let attr = |tag: &str, name: &str| -> Option<String> {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[at..].split('"').next()?.to_string())
        };
        let format_pr = sheet_xml.split("<sheetFormatPr").nth(1).unwrap();
        let default = attr(format_pr.split('>').next().unwrap(), "defaultRowHeight").unwrap();
        let mut shown = vec![default.clone(); rows];
        for tag in sheet_xml.split("<row ").skip(1) {
            let tag = format!(" {}", tag.split('>').next().unwrap());
            let tag = tag.as_str();
            let r: usize = attr(tag, "r").unwrap().parse().unwrap();
            if let Some(ht) = attr(tag, "ht")
                && r <= rows
            {
                shown[r - 1] = ht;
            }
        }
        shown
    }

    fn sheet_xml(table: &Table<'_>, constant_memory: bool) -> String {
        let mut wb = Workbook::new();
        let ws = if constant_memory {
            wb.add_worksheet_with_constant_memory().unwrap()
        } else {
            wb.add_worksheet()
        };
        let part = Part {
            table,
            name: table.sheet.name().to_string(),
            range: 0..table.rows.len(),
        };
        write_part(
            ws,
            &part,
            &Styles::default(),
            &PrintMeta::default(),
            constant_memory,
        )
        .unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        xml
    }

    #[test]
    fn a_long_sheet_shows_every_row_at_the_height_it_had() {
        // Mostly three-line rows, some of one and two lines, a few of 25 (capped).
        let lines = |i: usize| match i % 7 {
            0 => 1,
            1 | 2 => 2,
            _ if i % 1_000 == 999 => 25,
            _ => 3,
        };
        let rows = SAMPLE_ROWS + 1_500;
        let mut t = Table::new(Sheet::Verification, vec!["申請番号", "算定根拠"]);
        t.note = Some("注記".to_string());
        t.rows = (0..rows)
            .map(|i| {
                let text = "あ".repeat(29 * lines(i));
                vec![Cell::text(format!("A-{i}")), Cell::text(text)]
            })
            .collect();
        t.bold_rows = vec![0, rows - 1];
        let long = sheet_xml(&t, true);
        let plain = sheet_xml(&t, false);
        assert!(
            long.contains("defaultRowHeight=\"42\""),
            "the default is three lines"
        );
        assert!(!plain.contains("defaultRowHeight=\"42\""));
        // Note, gap, header, then the rows.
        let all = rows + 3;
        assert_eq!(shown_heights(&long, all), shown_heights(&plain, all));
        // The header row names the ordinary height; a one-line row too.
        assert_eq!(shown_heights(&long, 4)[2..], ["15", "15"]);
        // A row of 25 lines is given 20 (280 points, whole pixels).
        assert_eq!(shown_heights(&long, all)[3 + 999], "279.75");
    }

    #[test]
    fn a_short_sheet_keeps_the_ordinary_default() {
        let mut t = Table::new(Sheet::Verification, vec!["算定根拠"]);
        t.rows = (0..10).map(|_| vec![Cell::text("い".repeat(87))]).collect();
        let xml = sheet_xml(&t, true);
        assert!(xml.contains("defaultRowHeight=\"15\""), "{xml}");
        let shown = shown_heights(&xml, 11);
        assert_eq!(shown[0], "15");
        assert!(shown[1..].iter().all(|h| h == "42"), "{shown:?}");
    }
}
