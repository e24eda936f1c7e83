//! 年度別集計 and 事業者別集計 as tables, and the 予算執行状況 chart of 概要,
//! from [`crate::totals`]' rows.

use crate::calendar::fy_label;
use crate::model::FiscalYear;
use crate::totals::{CompanyRow, FyProgramRow, execution};

use super::overview::ExecutionChart;
use super::rows::Rows;
use super::sheet::Sheet;
use super::table::{Cell, Table};

/// 年度別集計: the rows in their order, each FY's 合計 row in bold.
pub fn fiscal_year_table(rows: &[FyProgramRow]) -> Table<'_> {
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
    t.rows = rows
        .iter()
        .map(|r| {
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
        })
        .collect();
    t.bold_rows = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.program.is_none())
        .map(|(i, _)| i)
        .collect();
    t
}

/// 事業者別集計: one row per FY × company.
pub fn company_table(rows: &[CompanyRow]) -> Table<'_> {
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
    t.rows = Rows::made(rows.len(), |i| {
        let r = &rows[i];
        vec![
            Cell::Fy(r.fy),
            Cell::text(&r.company),
            Cell::opt_text(r.corporate_number.as_deref()),
            Cell::Int(r.count),
            Cell::Yen(r.decided),
            Cell::Yen(r.finalized),
        ]
    });
    t.declare_fiscal_years(rows.iter().map(|r| r.fy));
    t
}

/// The 概要 chart of `fy`'s budget execution (令和6年度 予算執行状況).
pub fn execution_chart(rows: &[FyProgramRow], fy: FiscalYear) -> ExecutionChart {
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
        assert_eq!(t.rows.get(2)[1], Cell::text("合計"));
        assert_eq!(t.bold_rows, vec![2]);
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
            t.rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            vec![vec![
                Cell::Fy(2019),
                Cell::text("ワイ商店"),
                Cell::Empty,
                Cell::Int(1),
                Cell::Yen(300_000),
                Cell::Yen(0),
            ]]
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
