//! 年度別集計 and 事業者別集計: what the city granted, per fiscal year and
//! program or company, against the budgets.
//!
//! The aggregation runs on polars frames (group by, budget join); yen stay
//! `Int64` from the applications to the rows handed back, so no sum ever
//! passes through floating point. Only 執行率, a display ratio, is a float,
//! computed once from the exact integer sums at the end.
//!
//! # What counts
//!
//! - Only applications that stand (交付決定 and 確定) are counted; 申請中,
//!   不交付, 取下げ and 取消 are not grants.
//! - An application belongs to the FY of its 交付決定日 (a decision on March 31
//!   belongs to the FY that ends that day, one on April 1 to the next). A
//!   granted application without 交付決定日 falls back to the FY of 申請日, as in
//!   the amount rules ([`crate::model::Application::fy`]), so no grant drops out
//!   of the totals.
//! - 交付決定額 sums the decided amount of every counted application; 確定額
//!   sums 確定額 of 確定 applications only (a 交付決定 application's 確定額, if
//!   the export has one, is not final yet).
//! - The granted amount (交付決定・確定額) of an application is its 確定額 when
//!   確定 (its 交付決定額 if the 確定額 is missing), else its 交付決定額.
//!   執行率 = Σ granted amount ÷ 予算額.
//! - Budgets join on FY × program. A budget nothing was granted from yet
//!   still gets its row (件数 0, 執行率 0%), so an unspent budget is visible;
//!   two 予算 rows for one FY × program add up.

mod companies;
mod frame;
#[cfg(test)]
mod tests;

use crate::calendar::FiscalYear;
use crate::model::{Application, Budget, Yen};
use crate::text::SharedStr;

/// One row of 年度別集計: a program in a FY, or the FY's 合計 row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FyProgramRow {
    pub fy: FiscalYear,
    /// 制度; `None` for the FY's 合計 row.
    pub program: Option<String>,
    /// 件数: counted (交付決定 or 確定) applications. 0 for a budget with no
    /// grant yet, listed so an unspent budget stays visible.
    pub count: i64,
    /// 補助対象経費
    pub eligible_cost: Yen,
    /// 交付決定額
    pub decided: Yen,
    /// 確定額 (確定 applications only)
    pub finalized: Yen,
    /// 交付決定・確定額: what the grants stand at, the numerator of 執行率.
    pub granted: Yen,
    /// 予算額; `None` when the 予算 data has no row for this FY and program.
    /// On a 合計 row, the sum over the programs that have one (`None` if none has).
    pub budget: Option<Yen>,
    /// 執行率 (display only): `granted ÷ budget`; `None` without a positive
    /// budget. On a 合計 row only programs with a budget count, so a grant
    /// that has no budget line does not eat into the others' budgets.
    pub execution_rate: Option<f64>,
}

/// One row of 事業者別集計: a company's grants in a FY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompanyRow {
    pub fy: FiscalYear,
    /// 事業者名 as written on the company's first application (by 申請日, then
    /// 申請番号), so a company shows under one name in every FY. Shared with
    /// that application (a full sheet has about 700,000 of these rows).
    pub company: SharedStr,
    /// 法人番号, when the company is keyed by it.
    pub corporate_number: Option<String>,
    pub count: i64,
    pub decided: Yen,
    pub finalized: Yen,
}

/// One program's budget execution in a FY, for the chart on 概要.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub program: String,
    pub budget: Option<Yen>,
    /// 交付決定・確定額
    pub granted: Yen,
    pub rate: Option<f64>,
}

/// Why the totals could not be computed (a failure inside polars).
#[derive(Debug, thiserror::Error)]
pub(crate) enum TotalsError {
    #[error("年度別・事業者別の集計を計算できませんでした（{0}）。")]
    Polars(#[from] polars::error::PolarsError),
    #[error("集計結果の列「{0}」に欠けている値があります。")]
    MissingValue(&'static str),
}

/// 年度別集計: one row per FY × program with a grant or a budget, then the
/// FY's 合計 row; FY ascending, programs by name (the catalogue's order is
/// not known here).
pub(crate) fn by_fiscal_year(
    apps: &[Application],
    budgets: &[Budget],
) -> Result<Vec<FyProgramRow>, TotalsError> {
    let mut rows = frame::fy_program_rows(apps, budgets)?;
    // Within a FY, programs by name and 合計 (None) last.
    rows.sort_by(|a, b| {
        (a.fy, a.program.is_none(), &a.program).cmp(&(b.fy, b.program.is_none(), &b.program))
    });
    Ok(rows)
}

/// 事業者別集計: one row per FY × company, companies keyed by 法人番号 where
/// present, else by normalized name ([`crate::model::Application::company_key`]); sorted by
/// FY, then 事業者名, then key.
pub(crate) fn by_company(apps: &[Application]) -> Result<Vec<CompanyRow>, TotalsError> {
    frame::company_sums(apps)
}

/// The programs of `fy` (with a budget or a grant), for the 予算執行状況 chart.
pub(crate) fn execution(rows: &[FyProgramRow], fy: FiscalYear) -> Vec<Execution> {
    rows.iter()
        .filter(|r| r.fy == fy)
        .filter_map(|r| {
            r.program.as_ref().map(|p| Execution {
                program: p.clone(),
                budget: r.budget,
                granted: r.granted,
                rate: r.execution_rate,
            })
        })
        .collect()
}

/// 執行率 as a display ratio (0.5 shows as 50.0%).
///
/// The one float in this module: the ratio is shown, never summed or paid,
/// and is computed from exact integer sums. Without a positive budget there
/// is nothing to divide by, so no rate.
#[allow(clippy::float_arithmetic, clippy::cast_precision_loss)]
pub(crate) fn rate(granted: Yen, budget: Option<Yen>) -> Option<f64> {
    match budget {
        Some(b) if b > 0 => Some(granted as f64 / b as f64),
        _ => None,
    }
}
