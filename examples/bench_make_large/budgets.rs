//! The 予算 sheet: FY2020–2023 × the 14 programs of the fixture (56 rows), each budget scaled
//! with N so the budget checks see totals of the benchmark's size.

use anyhow::Result;
use rust_xlsxwriter::Worksheet;

use super::applications::{DIVERSITY, ORDERS};
use super::forms::Cell;
use super::sheet::{Formats, write_cells, write_header};

pub(crate) const BUDGET_HEADERS: [&str; 3] = ["年度", "制度", "予算額"];

pub(crate) const BUDGETS: &str = "予算";

/// The 14 programs of the fixture's 予算 sheet, with a yearly budget each.
const BUDGET_PROGRAMS: [(&str, i64); 14] = [
    ("中小企業強靭化推進補助金", 30_000_000),
    (ORDERS, 2_000_000),
    (DIVERSITY, 5_000_000),
    ("中小企業活性化事業補助金", 3_000_000),
    ("ものづくり人材育成補助金", 1_000_000),
    ("技能検定支援補助金", 500_000),
    ("綾瀬ブランド新商品開発支援事業補助金", 3_000_000),
    ("ものづくり技術発信事業補助金", 2_000_000),
    ("あやせ工業団地オープンファクトリー補助金", 1_000_000),
    ("中小企業信用保証料補助金", 2_000_000),
    ("中小企業融資利子補給金", 4_000_000),
    ("マル経融資利子補給金", 1_000_000),
    ("中小企業退職金共済制度奨励補助金", 1_500_000),
    ("企業立地奨励金", 50_000_000),
];

/// Writes the header and the budget rows of a workbook of n applications; returns the number
/// of rows below the header.
pub(crate) fn write(ws: &mut Worksheet, f: &Formats, n: u64) -> Result<u64> {
    write_header(ws, f, &BUDGET_HEADERS)?;
    let mut row = 1u32;
    for fy in 2020..=2023 {
        for (program, budget) in BUDGET_PROGRAMS {
            let label = match row % 3 {
                0 => format!("令和{}年度", fy - 2018),
                1 => format!("{fy}年度"),
                _ => fy.to_string(),
            };
            let cells = [
                Cell::Text(label),
                Cell::Text(program.to_string()),
                Cell::Yen(budget * i64::try_from(n.div_ceil(1_000))?),
            ];
            write_cells(ws, f, row, &cells)?;
            row += 1;
        }
    }
    Ok(u64::from(row - 1))
}
