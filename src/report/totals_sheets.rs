//! 年度別集計 and 事業者別集計 as tables, and the 予算執行状況 chart of 概要,
//! from [`crate::totals`]' rows.

use crate::calendar::FiscalYear;
use crate::calendar::fy_label;
use crate::totals::{CompanyRow, FyProgramRow, execution};

use super::cell::Cell;
use super::overview::ExecutionChart;
use super::rows::Rows;
use super::sheet::Sheet;
use super::table::Table;

/// 年度別集計: the programs' rows in their order, then, below a blank row
/// and outside the autofilter, each FY's 合計 row in bold (sorting a column
/// no longer mixes the totals in with the programs).
pub(crate) fn fiscal_year_table<'a>(rows: &'a [FyProgramRow]) -> Table<'a> {
    let mut t = Table::new(
        Sheet::ByFiscalYear,
        vec![
            "年度",
            "制度",
            "件数",
            "補助対象経費",
            "交付決定額",
            "確定額",
            "予算額",
            "執行率",
        ],
    );
    let cells = |r: &'a FyProgramRow| -> Vec<Cell<'a>> {
        vec![
            Cell::Fy(r.fy),
            Cell::text(r.program.as_deref().unwrap_or("合計")),
            Cell::Int(r.count),
            Cell::Yen(r.eligible_cost),
            Cell::Yen(r.decided),
            Cell::Yen(r.finalized),
            Cell::opt_yen(r.budget),
            r.execution_rate.map_or(Cell::Empty, Cell::Percent),
        ]
    };
    let (programs, totals): (Vec<&'a FyProgramRow>, Vec<&'a FyProgramRow>) =
        rows.iter().partition(|r| r.program.is_some());
    let mut all: Vec<Vec<Cell<'a>>> = programs.into_iter().map(cells).collect();
    t.filtered_rows = Some(all.len());
    if !totals.is_empty() {
        all.push(Vec::new());
        let first = all.len();
        all.extend(totals.into_iter().map(cells));
        t.bold_rows = (first..all.len()).collect();
    }
    t.rows = all.into_iter().collect();
    t
}

/// One line of 事業者別集計: a company's row, or a 合計 (one FY, or all).
#[derive(Debug, Clone, Copy)]
enum CompanyLine {
    Company(usize),
    Blank,
    Total {
        /// `None`: the 総計 of every FY.
        fy: Option<FiscalYear>,
        sums: Sums,
    },
}

/// 件数, 交付決定額 and 確定額 of a 合計 line, summed over companies' rows.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    count: i64,
    decided: i64,
    finalized: i64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.count += other.count;
        self.decided += other.decided;
        self.finalized += other.finalized;
    }
}

impl From<&CompanyRow> for Sums {
    fn from(r: &CompanyRow) -> Sums {
        Sums {
            count: r.count,
            decided: r.decided,
            finalized: r.finalized,
        }
    }
}

/// The legal forms a company's name is sorted without (株式会社あやせ and
/// あやせ工業株式会社 sort under あ, as staff look them up).
const LEGAL_FORMS: [&str; 12] = [
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "（株）",
    "(株)",
];

/// The name a company sorts by: without its legal form and spaces around it.
pub(crate) fn sort_name(name: &str) -> &str {
    let mut s = name.trim_matches([' ', '\u{3000}']);
    for form in LEGAL_FORMS {
        if let Some(rest) = s.strip_prefix(form) {
            s = rest;
            break;
        }
        if let Some(rest) = s.strip_suffix(form) {
            s = rest;
            break;
        }
    }
    s.trim_matches([' ', '\u{3000}'])
}

/// 確定額 of a row: blank until an application is 確定 (a ¥0 read as "確定 for
/// nothing"). The totals keep no count of 確定 applications, so a 確定額 of 0
/// stands for none.
fn finalized(amount: i64) -> Cell<'static> {
    if amount == 0 {
        Cell::Empty
    } else {
        Cell::Yen(amount)
    }
}

/// 事業者別集計: one row per FY × company, the companies of a FY by name
/// without their legal form; below a blank row and outside the autofilter, a
/// 合計 per FY and the 総計 of all, in bold.
pub(crate) fn company_table(rows: &[CompanyRow]) -> Table<'_> {
    let mut t = Table::new(
        Sheet::ByCompany,
        vec![
            "年度",
            "事業者名",
            "法人番号",
            "件数",
            "交付決定額",
            "確定額",
        ],
    );
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&rows[a], &rows[b]);
        (x.fy, sort_name(&x.company), &*x.company).cmp(&(y.fy, sort_name(&y.company), &*y.company))
    });
    let mut lines: Vec<CompanyLine> = order.into_iter().map(CompanyLine::Company).collect();
    t.filtered_rows = Some(lines.len());
    if !rows.is_empty() {
        lines.push(CompanyLine::Blank);
        let first = lines.len();
        lines.extend(total_lines(rows));
        t.bold_rows = (first..lines.len()).collect();
    }
    t.rows = Rows::made(lines.len(), move |i| company_cells(rows, lines[i]));
    t.declare_fiscal_years(rows.iter().map(|r| r.fy));
    t
}

/// A 合計 line per FY, in FY order, then the 総計 of all.
fn total_lines(rows: &[CompanyRow]) -> Vec<CompanyLine> {
    let mut by_fy: std::collections::BTreeMap<FiscalYear, Sums> = std::collections::BTreeMap::new();
    for r in rows {
        by_fy.entry(r.fy).or_default().add(Sums::from(r));
    }
    let mut grand = Sums::default();
    let mut lines = Vec::with_capacity(by_fy.len() + 1);
    for (fy, sums) in by_fy {
        grand.add(sums);
        lines.push(CompanyLine::Total { fy: Some(fy), sums });
    }
    lines.push(CompanyLine::Total {
        fy: None,
        sums: grand,
    });
    lines
}

/// The cells of one line of 事業者別集計.
fn company_cells(rows: &[CompanyRow], line: CompanyLine) -> Vec<Cell<'_>> {
    match line {
        CompanyLine::Company(j) => {
            let r = &rows[j];
            vec![
                Cell::Fy(r.fy),
                Cell::text(&r.company),
                Cell::opt_text(r.corporate_number.as_deref()),
                Cell::Int(r.count),
                Cell::Yen(r.decided),
                finalized(r.finalized),
            ]
        }
        CompanyLine::Blank => Vec::new(),
        CompanyLine::Total { fy, sums } => vec![
            fy.map_or(Cell::text("総計"), Cell::Fy),
            Cell::text(if fy.is_some() {
                "合計"
            } else {
                "全年度の合計"
            }),
            Cell::Empty,
            Cell::Int(sums.count),
            Cell::Yen(sums.decided),
            // Blank when no company of the total has a 確定 application.
            finalized(sums.finalized),
        ],
    }
}

/// The 概要 chart of `fy`'s budget execution (令和6年度 予算執行状況).
pub(crate) fn execution_chart(rows: &[FyProgramRow], fy: FiscalYear) -> ExecutionChart {
    ExecutionChart {
        title: format!("{} 予算執行状況", fy_label(fy)),
        rows: execution(rows, fy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(program: Option<&str>, budget: Option<i64>, rate: Option<f64>) -> FyProgramRow {
        FyProgramRow {
            fy: 2024,
            program: program.map(str::to_string),
            count: 2,
            eligible_cost: 2_600_000,
            decided: 1_300_000,
            finalized: 900_000,
            granted: 1_200_000,
            budget,
            execution_rate: rate,
        }
    }

    #[test]
    fn fiscal_year_rows_show_label_program_and_bold_totals() {
        let rows = [
            row(Some("設備投資"), Some(2_000_000), Some(0.6)),
            row(Some("販路開拓"), None, None),
            row(None, Some(2_000_000), Some(0.6)),
        ];
        let t = fiscal_year_table(&rows);
        assert_eq!(t.sheet, Sheet::ByFiscalYear);
        assert_eq!(t.columns.len(), 8);
        assert_eq!(
            *t.rows.get(0),
            vec![
                Cell::Fy(2024),
                Cell::text("設備投資"),
                Cell::Int(2),
                Cell::Yen(2_600_000),
                Cell::Yen(1_300_000),
                Cell::Yen(900_000),
                Cell::Yen(2_000_000),
                Cell::Percent(0.6),
            ]
        );
        assert_eq!(t.rows.get(1)[6], Cell::Empty);
        assert_eq!(t.rows.get(1)[7], Cell::Empty);
        // The 合計 below a blank row, outside the autofilter.
        assert_eq!(t.filtered_rows, Some(2));
        assert!(t.rows.get(2).is_empty());
        assert_eq!(t.rows.get(3)[1], Cell::text("合計"));
        assert_eq!(t.bold_rows, vec![3]);
    }

    fn company(fy: FiscalYear, name: &str, decided: i64, finalized: i64) -> CompanyRow {
        CompanyRow {
            fy,
            company: name.into(),
            corporate_number: None,
            count: 1,
            decided,
            finalized,
        }
    }

    #[test]
    fn companies_sort_by_name_without_legal_form_with_totals_per_fy_and_all() {
        let rows = [
            company(2024, "株式会社わかば", 100, 0),
            company(2023, "有限会社さくら", 300, 300),
            company(2024, "あおば工業株式会社", 200, 150),
            company(2024, "（株）いろは", 50, 0),
        ];
        let t = company_table(&rows);
        let names: Vec<Cell> = t
            .rows
            .iter()
            .map(|r| r.get(1).cloned().unwrap_or(Cell::Empty))
            .collect();
        assert_eq!(
            names,
            [
                "有限会社さくら",
                "あおば工業株式会社",
                "（株）いろは",
                "株式会社わかば",
            ]
            .map(Cell::text)
            .into_iter()
            .chain([
                Cell::Empty,
                Cell::text("合計"),
                Cell::text("合計"),
                Cell::text("全年度の合計")
            ])
            .collect::<Vec<_>>()
        );
        assert_eq!(t.filtered_rows, Some(4));
        assert_eq!(t.bold_rows, vec![5, 6, 7]);
        let row = |i: usize| t.rows.get(i).to_vec();
        // 確定額 blank until 確定, not ¥0.
        assert_eq!(row(3)[5], Cell::Empty);
        assert_eq!(row(1)[5], Cell::Yen(150));
        assert_eq!(
            row(6),
            vec![
                Cell::Fy(2024),
                Cell::text("合計"),
                Cell::Empty,
                Cell::Int(3),
                Cell::Yen(350),
                Cell::Yen(150),
            ]
        );
        assert_eq!(
            row(7),
            vec![
                Cell::text("総計"),
                Cell::text("全年度の合計"),
                Cell::Empty,
                Cell::Int(4),
                Cell::Yen(650),
                Cell::Yen(450),
            ]
        );
        assert_eq!(sort_name("　株式会社 あやせ "), "あやせ");
    }

    #[test]
    fn company_rows_leave_a_missing_number_empty() {
        let rows = [CompanyRow {
            fy: 2019,
            company: "ワイ商店".into(),
            corporate_number: None,
            count: 1,
            decided: 300_000,
            finalized: 0,
        }];
        let t = company_table(&rows);
        assert_eq!(
            t.columns,
            vec![
                "年度",
                "事業者名",
                "法人番号",
                "件数",
                "交付決定額",
                "確定額"
            ]
        );
        assert_eq!(
            t.rows.get(0).to_vec(),
            vec![
                Cell::Fy(2019),
                Cell::text("ワイ商店"),
                Cell::Empty,
                Cell::Int(1),
                Cell::Yen(300_000),
                Cell::Empty,
            ]
        );
    }

    #[test]
    fn chart_takes_the_programs_of_its_fy_only() {
        let mut other = row(Some("人材育成"), Some(1), Some(0.0));
        other.fy = 2023;
        let rows = [
            other,
            row(Some("設備投資"), Some(2_000_000), Some(0.6)),
            row(None, Some(2_000_000), Some(0.6)),
        ];
        let chart = execution_chart(&rows, 2024);
        assert_eq!(chart.title, "令和6年度 予算執行状況");
        assert_eq!(chart.rows.len(), 1);
        assert_eq!(chart.rows[0].program, "設備投資");
        assert_eq!(chart.rows[0].granted, 1_200_000);
    }
}
