//! 概要: the first sheet, a stack of small titled sections that a person
//! reads top down — 本日の対応 first, then the counts, the lists to act on,
//! the run's metadata and input hashes, and last the budget tables with
//! their charts of 執行率 (each starting a printed page, so it prints whole).
//!
//! The columns have fixed widths that add up to one A4 landscape page at
//! 100 %, and a text longer than its column wraps: 概要 printed the smallest
//! text of the workbook when its columns grew to its longest sentence.

use rust_xlsxwriter::{Chart, ChartFont, Worksheet, XlsxError};

use super::cell::Cell;
use super::cell_writer::{write_cell, write_text};
use super::print::{self, PrintMeta};
use super::row_heights::RowHeights;
use super::sheet::Sheet;
use super::style::{Styles, display_width};
use crate::totals::Execution;

/// One titled block of 概要.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    /// Column headings; empty for a key/value block.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell<'static>>>,
    /// Extra columns the last column is merged across (the long SHA-256
    /// values), so a long value does not widen a column of counts.
    pub span_last: u16,
}

impl Section {
    /// A two-column block of labels and values.
    pub fn pairs<K: Into<String>>(title: &str, pairs: Vec<(K, Cell<'static>)>) -> Section {
        Section {
            title: title.to_string(),
            columns: Vec::new(),
            rows: pairs
                .into_iter()
                .map(|(k, v)| vec![Cell::text(k.into()), v])
                .collect(),
            span_last: 0,
        }
    }
}

/// The content of 概要.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overview {
    pub title: String,
    /// Written first, top down.
    pub sections: Vec<Section>,
    /// Budget execution, one chart per FY (the as-of FY, and the previous
    /// one while the as-of FY has just begun); empty leaves 概要 without one.
    pub charts: Vec<ExecutionChart>,
    /// Written after the charts: the run's metadata and input hashes.
    pub trailer: Vec<Section>,
}

/// Budget execution per program in one FY: shown as the last section of
/// 概要 (the chart's data, which staff can read and check) and as a
/// clustered column chart of 予算額 against 交付決定・確定額 drawn from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionChart {
    /// Section and chart title, e.g. 令和6年度 予算執行状況.
    pub title: String,
    pub rows: Vec<Execution>,
}

/// Headings of the chart's data section; the chart refers to its columns.
pub(crate) const CHART_COLUMNS: [&str; 5] =
    ["制度", "予算額", "交付決定・確定額", "残額", "執行率"];

/// The column of [`CHART_COLUMNS`] the chart draws.
const RATE_COLUMN: u16 = 4;

/// Column widths (narrow-character units): labels, values or names, the
/// long sentences, then dates and amounts. They add up to
/// [`print::PAGE_UNITS`] or less, so 概要 prints at 100 %.
const WIDTHS: [usize; 5] = [36, 28, 42, 17, 15];

/// Chart size in pixels: wide enough for a handful of Japanese program names.
const CHART_WIDTH: u32 = 720;
const CHART_HEIGHT: u32 = 340;

/// Lays 概要 out: title, then each section with a blank row between, then the
/// chart's data section, with the chart below its data.
pub(crate) fn write(
    ws: &mut Worksheet,
    o: &Overview,
    styles: &Styles,
    meta: &PrintMeta,
) -> Result<(), XlsxError> {
    ws.set_name(Sheet::Overview.name())?;
    write_text(ws, 0, 0, &o.title, &styles.title)?;
    let mut row = 2u32;
    let mut breaks = Vec::new();
    // The run and its inputs before the charts: after them, their few
    // rows printed alone on a last page every night.
    for s in o.sections.iter().chain(&o.trailer) {
        row = write_section(ws, row, s, styles)? + 1;
    }
    for chart in &o.charts {
        // Each chart starts a printed page: its data and the chart below
        // (about 30 rows) fit one landscape A4 page, so it is never cut.
        breaks.push(row);
        let section = chart_section(chart);
        let data_start = row + 2; // below the section's title and header
        row = write_section(ws, row, &section, styles)? + 1;
        if !chart.rows.is_empty() {
            // The programs' rows, not the 合計 row below them.
            let data_end = data_start + u32::try_from(chart.rows.len() - 1).unwrap_or(0);
            let programs = data_end - data_start + 1;
            let height = chart_height(programs);
            let drawn = execution_chart(&chart.title, data_start, data_end, height);
            // Directly below its data, on rows left empty for it.
            ws.insert_chart(row, 0, &drawn)?;
            row += height.div_ceil(ROW_PIXELS) + 1;
        }
    }
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(col(c), f64::from(u32::try_from(*w).unwrap_or(20)))?;
    }
    print::set_up(ws, meta, WIDTHS.iter().sum());
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    Ok(())
}

/// The default row's height in pixels (15 points).
const ROW_PIXELS: u32 = 20;

/// Tall enough for every program's name on the category axis (LibreOffice
/// skips labels that do not fit), short enough that data and chart print on
/// one page with up to about 15 programs.
fn chart_height(programs: u32) -> u32 {
    CHART_HEIGHT.max(100 + programs * 24)
}

/// Writes one titled section from `row`; returns the row after its last one.
fn write_section(
    ws: &mut Worksheet,
    mut row: u32,
    s: &Section,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    write_text(ws, row, 0, &s.title, &styles.title)?;
    row += 1;
    let spanned = |c: usize| s.span_last > 0 && c + 1 == s.columns.len();
    if !s.columns.is_empty() {
        for (c, name) in s.columns.iter().enumerate() {
            if spanned(c) {
                ws.merge_range(row, col(c), row, col(c) + s.span_last, name, &styles.header)?;
                continue;
            }
            write_text(ws, row, col(c), name, &styles.header)?;
        }
        row += 1;
    }
    for cells in &s.rows {
        let mut lines = 1;
        for (c, cell) in cells.iter().enumerate() {
            if spanned(c) {
                let text = match cell {
                    Cell::Text(t) => t.as_ref(),
                    _ => "",
                };
                ws.merge_range(row, col(c), row, col(c) + s.span_last, text, &styles.text)?;
                continue;
            }
            let fits = WIDTHS
                .get(c)
                .copied()
                .unwrap_or(10)
                .saturating_sub(1)
                .max(1);
            match cell {
                // In key/value blocks the key column is a label.
                Cell::Text(t) if s.columns.is_empty() && c == 0 => {
                    write_text(ws, row, 0, t, &styles.label)?;
                }
                // A sentence longer than its column wraps within it.
                Cell::Text(t) if display_width(t) > fits => {
                    write_text(ws, row, col(c), t, &styles.text_wrap)?;
                    lines = lines.max(display_width(t).div_ceil(fits));
                }
                _ => write_cell(ws, row, col(c), cell, styles, false)?,
            }
        }
        if lines > 1 {
            RowHeights::plain().set(ws, row, lines)?;
        }
        row += 1;
    }
    Ok(row)
}

/// The chart's data as a section: one row per program.
/// 残額 = 予算額 − 交付決定・確定額 (negative when over budget); a 合計 row
/// closes the table (its 執行率 over the programs that have a budget).
fn chart_section(chart: &ExecutionChart) -> Section {
    let mut rows: Vec<Vec<Cell<'static>>> = chart
        .rows
        .iter()
        .map(|e| {
            vec![
                Cell::text(e.program.clone()),
                Cell::opt_yen(e.budget),
                Cell::Yen(e.granted),
                Cell::opt_yen(e.budget.map(|b| b - e.granted)),
                e.rate.map_or(Cell::Empty, Cell::Percent),
            ]
        })
        .collect();
    if !chart.rows.is_empty() {
        let budgeted: Vec<&Execution> = chart.rows.iter().filter(|e| e.budget.is_some()).collect();
        let budget: i64 = budgeted.iter().filter_map(|e| e.budget).sum();
        let granted_in_budget: i64 = budgeted.iter().map(|e| e.granted).sum();
        let granted: i64 = chart.rows.iter().map(|e| e.granted).sum();
        let rate = crate::totals::rate(granted_in_budget, Some(budget));
        rows.push(vec![
            Cell::text("合計"),
            if budgeted.is_empty() {
                Cell::Empty
            } else {
                Cell::Yen(budget)
            },
            Cell::Yen(granted),
            if budgeted.is_empty() {
                Cell::Empty
            } else {
                Cell::Yen(budget - granted_in_budget)
            },
            rate.map_or(Cell::Empty, Cell::Percent),
        ]);
    }
    Section {
        title: chart.title.clone(),
        columns: CHART_COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
        span_last: 0,
    }
}

/// A bar chart of each program's 執行率, reading rows `first..=last` of the
/// data section: one program's ¥50M budget no longer dwarfs the others, and
/// the bars compare how far each budget is spent.
/// Horizontal bars: long Japanese program names stay level and readable on
/// the category axis, and the chart grows with the number of programs.
fn execution_chart(title: &str, first: u32, last: u32, height: u32) -> Chart {
    let mut font = ChartFont::new();
    font.set_name("Meiryo UI");
    let mut chart = Chart::new_bar();
    chart
        .add_series()
        .set_name((Sheet::Overview.name(), first.saturating_sub(1), RATE_COLUMN))
        .set_categories((Sheet::Overview.name(), first, 0, last, 0))
        .set_values((
            Sheet::Overview.name(),
            first,
            RATE_COLUMN,
            last,
            RATE_COLUMN,
        ));
    chart.title().set_name(title).set_font(&font);
    // In a bar chart the category axis is the vertical one (rust_xlsxwriter's
    // y axis): reversed so bars run top-down in the table's order.
    // 8 points: at 10 LibreOffice drops every other program's name.
    let mut small = font.clone();
    small.set_size(8);
    chart.y_axis().set_reverse().set_font(&small);
    chart
        .x_axis()
        .set_name("執行率（交付決定・確定額 ÷ 予算額）")
        .set_name_font(&font)
        .set_min(0.0)
        .set_num_format("0%");
    chart.legend().set_hidden();
    chart.set_width(CHART_WIDTH).set_height(height);
    chart
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic in a test is a failed test
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;
    use crate::report::Report;

    fn overview(chart: Option<ExecutionChart>) -> Overview {
        Overview {
            title: "補助金 集計・督促 概要".into(),
            sections: vec![Section::pairs(
                "実行",
                vec![("基準日", Cell::text("令和7年3月31日"))],
            )],
            charts: chart.into_iter().collect(),
            trailer: Vec::new(),
        }
    }

    fn workbook(o: Overview) -> (Vec<u8>, calamine::Range<Data>) {
        let bytes = Report {
            overview: o,
            tables: vec![],
            meta: PrintMeta::default(),
        }
        .to_bytes()
        .unwrap();
        let mut book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let range = book.worksheet_range("概要").unwrap();
        (bytes, range)
    }

    /// Whether the xlsx (a zip, whose member names are stored as is) has a chart part.
    fn has_chart(bytes: &[u8]) -> bool {
        let name = b"xl/charts/chart1.xml";
        bytes.windows(name.len()).any(|w| w == name)
    }

    fn text(s: &str) -> Data {
        Data::String(s.into())
    }

    #[test]
    fn chart_data_stands_below_the_sections() {
        let chart = ExecutionChart {
            title: "令和6年度 予算執行状況".into(),
            rows: vec![
                Execution {
                    program: "設備投資".into(),
                    budget: Some(2_000_000),
                    granted: 1_200_000,
                    rate: Some(0.6),
                },
                Execution {
                    program: "販路開拓".into(),
                    budget: None,
                    granted: 230_000,
                    rate: None,
                },
            ],
        };
        let (bytes, range) = workbook(overview(Some(chart)));
        assert!(has_chart(&bytes));
        // Title row 0; section 実行 on rows 2-3; blank row 4; chart section from row 5.
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell(5, 0), text("令和6年度 予算執行状況"));
        let header: Vec<Data> = (0..5).map(|c| cell(6, c)).collect();
        assert_eq!(header, CHART_COLUMNS.map(text).to_vec());
        assert_eq!(
            (0..5).map(|c| cell(7, c)).collect::<Vec<_>>(),
            vec![
                text("設備投資"),
                Data::Float(2_000_000.0),
                Data::Float(1_200_000.0),
                Data::Float(800_000.0),
                Data::Float(0.6),
            ]
        );
        assert_eq!(
            (0..5).map(|c| cell(8, c)).collect::<Vec<_>>(),
            vec![
                text("販路開拓"),
                Data::Empty,
                Data::Float(230_000.0),
                Data::Empty,
                Data::Empty,
            ]
        );
        // 合計: 残額 and 執行率 over the programs with a budget.
        assert_eq!(
            (0..5).map(|c| cell(9, c)).collect::<Vec<_>>(),
            vec![
                text("合計"),
                Data::Float(2_000_000.0),
                Data::Float(1_430_000.0),
                Data::Float(800_000.0),
                Data::Float(0.6),
            ]
        );
    }

    #[test]
    fn no_chart_leaves_the_sections_alone() {
        let (bytes, range) = workbook(overview(None));
        assert!(!has_chart(&bytes));
        assert_eq!(range.get_value((3, 1)), Some(&text("令和7年3月31日")));
        assert_eq!(range.end(), Some((3, 1)));
    }

    #[test]
    fn an_empty_chart_shows_its_heading_without_a_chart() {
        let chart = ExecutionChart {
            title: "令和6年度 予算執行状況".into(),
            rows: vec![],
        };
        let (bytes, range) = workbook(overview(Some(chart)));
        assert!(!has_chart(&bytes));
        assert_eq!(range.get_value((6, 1)), Some(&text("予算額")));
    }
}
