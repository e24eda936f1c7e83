#![allow(clippy::unwrap_used)] // a panic in a test is a failed test

use chrono::NaiveDate;

use super::*;
use crate::model::{AppStatus, RowOrigin};
use crate::testing::application;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct A {
    id: &'static str,
    program: &'static str,
    company: &'static str,
    number: Option<&'static str>,
    status: AppStatus,
    applied: &'static str,
    decided_on: Option<&'static str>,
    cost: i64,
    decided: Option<i64>,
    fin: Option<i64>,
}

fn app(a: A) -> Application {
    application(a.id, a.program)
        .company(a.company)
        .corporate_number(a.number)
        .applied_on(date(a.applied))
        .decided_on(a.decided_on.map(date))
        .cost(a.cost)
        .decided_amount(a.decided)
        .final_amount(a.fin)
        .status(a.status)
        .build()
}

fn budget(fy: FiscalYear, program: &str, amount: Yen) -> Budget {
    Budget {
        fy,
        program: program.into(),
        amount,
        origin: RowOrigin::default(),
    }
}

const X_NO: &str = "1234567890123";
const X_NAME: &str = "エックス工業株式会社";

/// Eight applications over FY2023 and FY2024 (see each line).
#[rustfmt::skip] // one application per line reads as a table
fn apps() -> Vec<Application> {
    use AppStatus::*;
    let a = |id, program, company, number, status, applied, decided_on, cost, decided, fin| {
        app(A { id, program, company, number, status, applied, decided_on, cost, decided, fin })
    };
    vec![
        // Decided on March 31, 2024: still FY2023.
        a("A1", "設備投資", X_NAME, Some(X_NO), Decided, "2024-02-01", Some("2024-03-31"), 1_000_000, Some(500_000), None),
        // Same 法人番号 under a new name, decided April 1, 2024: FY2024.
        a("A2", "設備投資", "株式会社エックス", Some(X_NO), Final, "2024-03-01", Some("2024-04-01"), 2_000_000, Some(1_000_000), Some(900_000)),
        // 交付決定 with a 確定額 already typed in: not final, not in 確定額.
        a("A3", "設備投資", "ワイ商店", None, Decided, "2024-05-01", Some("2024-06-10"), 600_000, Some(300_000), Some(250_000)),
        // Same company by normalized name (full-width space), no 法人番号.
        a("A4", "販路開拓", "ワイ　商店", None, Final, "2024-06-01", Some("2024-07-01"), 400_000, Some(200_000), Some(180_000)),
        // 申請中 and 取消: not counted.
        a("A5", "設備投資", X_NAME, Some(X_NO), Pending, "2024-08-01", None, 5_000_000, None, None),
        a("A6", "設備投資", "ワイ商店", None, Cancelled, "2024-04-10", Some("2024-05-01"), 1_400_000, Some(700_000), None),
        // Decided March 31, 2025: FY2024.
        a("A7", "販路開拓", "ゼット株式会社", Some("9876543210987"), Decided, "2025-01-10", Some("2025-03-31"), 100_000, Some(50_000), None),
        // X's name without 法人番号: another company key.
        a("A8", "設備投資", X_NAME, None, Final, "2023-03-15", Some("2023-04-01"), 300_000, Some(100_000), Some(100_000)),
    ]
}

fn budgets() -> Vec<Budget> {
    vec![
        budget(2024, "設備投資", 2_000_000),
        // A budget nothing was granted from.
        budget(2024, "人材育成", 1_000_000),
    ]
}

#[allow(clippy::too_many_arguments)]
fn fy_row(
    fy: FiscalYear,
    program: Option<&str>,
    count: i64,
    eligible_cost: Yen,
    decided: Yen,
    finalized: Yen,
    granted: Yen,
    budget: Option<Yen>,
    execution_rate: Option<f64>,
) -> FyProgramRow {
    FyProgramRow {
        fy,
        program: program.map(str::to_string),
        count,
        eligible_cost,
        decided,
        finalized,
        granted,
        budget,
        execution_rate,
    }
}

#[test]
#[rustfmt::skip] // one row per line reads as the sheet does
fn fiscal_year_rows_by_hand() {
    let rows = by_fiscal_year(&apps(), &budgets()).unwrap();
    let expected = vec![
        // A1 + A8; FY2023 has no 予算 rows.
        fy_row(2023, Some("設備投資"), 2, 1_300_000, 600_000, 100_000, 600_000, None, None),
        fy_row(2023, None, 2, 1_300_000, 600_000, 100_000, 600_000, None, None),
        // Budget only: 件数 0, 0%.
        fy_row(2024, Some("人材育成"), 0, 0, 0, 0, 0, Some(1_000_000), Some(0.0)),
        // A2 + A3: granted 900,000 (確定) + 300,000 (交付決定) of 2,000,000.
        fy_row(2024, Some("設備投資"), 2, 2_600_000, 1_300_000, 900_000, 1_200_000, Some(2_000_000), Some(0.6)),
        // A4 + A7: granted 180,000 + 50,000, no budget.
        fy_row(2024, Some("販路開拓"), 2, 500_000, 250_000, 180_000, 230_000, None, None),
        // 合計: rate over budgeted programs only, (0 + 1,200,000) ÷ 3,000,000.
        fy_row(2024, None, 4, 3_100_000, 1_550_000, 1_080_000, 1_430_000, Some(3_000_000), Some(0.4)),
    ];
    assert_eq!(rows, expected);
}

#[test]
fn company_rows_by_hand() {
    let rows = by_company(&apps()).unwrap();
    let row = |fy, company: &str, number: Option<&str>, count, decided, finalized| CompanyRow {
        fy,
        company: company.into(),
        corporate_number: number.map(str::to_string),
        count,
        decided,
        finalized,
    };
    let expected = vec![
        // Same name, two keys: 法人番号 (A1) sorts before the name key (A8).
        row(2023, X_NAME, Some(X_NO), 1, 500_000, 0),
        row(2023, X_NAME, None, 1, 100_000, 100_000),
        // A2 shows under A1's name: the company's first application.
        row(2024, X_NAME, Some(X_NO), 1, 1_000_000, 900_000),
        row(2024, "ゼット株式会社", Some("9876543210987"), 1, 50_000, 0),
        // A3 + A4 under A3's spelling (applied first); A6 (取消) not counted.
        row(2024, "ワイ商店", None, 2, 500_000, 180_000),
    ];
    assert_eq!(rows, expected);
}

#[test]
fn companies_are_numbered_once_per_key_and_named_by_their_first_application() {
    let apps = apps();
    let companies = super::companies::Companies::of(&apps);
    // A1, A2, A5 share X's 法人番号; A3, A4, A6 ワイ商店's name (A4's full-width
    // space removed); A8 is X's name without 法人番号: a company of its own.
    assert_eq!(companies.of_app, vec![0, 0, 1, 1, 0, 1, 2, 3]);
    assert_eq!(
        companies.keys,
        vec![X_NO, "ワイ商店", "9876543210987", X_NAME]
    );
    // X is named by A1 (applied 2024-02-01, before A2 and A5); ワイ商店 by A6,
    // applied first (2024-04-10): every application can name its company,
    // counted or not.
    assert_eq!(companies.named_by, vec![0, 5, 6, 7]);
    assert_eq!(companies.name(&apps, 1), "ワイ商店");
}

#[test]
fn execution_lists_the_fy_programs() {
    let rows = by_fiscal_year(&apps(), &budgets()).unwrap();
    let got = execution(&rows, 2024);
    let e = |program: &str, budget, granted, rate| Execution {
        program: program.into(),
        budget,
        granted,
        rate,
    };
    assert_eq!(
        got,
        vec![
            e("人材育成", Some(1_000_000), 0, Some(0.0)),
            e("設備投資", Some(2_000_000), 1_200_000, Some(0.6)),
            e("販路開拓", None, 230_000, None),
        ]
    );
    assert_eq!(execution(&rows, 2025), vec![]);
}

#[test]
fn no_input_gives_no_rows() {
    assert_eq!(by_fiscal_year(&[], &[]).unwrap(), vec![]);
    assert_eq!(by_company(&[]).unwrap(), vec![]);
}

#[test]
fn budgets_alone_give_zero_rows_and_a_total() {
    let rows = by_fiscal_year(
        &[],
        &[
            budget(2025, "設備投資", 3_000),
            budget(2025, "設備投資", 1_000),
        ],
    )
    .unwrap();
    assert_eq!(
        rows,
        vec![
            // Duplicate 予算 rows add up.
            fy_row(
                2025,
                Some("設備投資"),
                0,
                0,
                0,
                0,
                0,
                Some(4_000),
                Some(0.0)
            ),
            fy_row(2025, None, 0, 0, 0, 0, 0, Some(4_000), Some(0.0)),
        ]
    );
}

#[test]
fn grant_without_decision_date_takes_the_application_fy_and_zero_budget_has_no_rate() {
    let a = app(A {
        id: "B1",
        program: "設備投資",
        company: "ビー",
        number: None,
        status: AppStatus::Decided,
        applied: "2022-03-31",
        decided_on: None,
        cost: 10,
        decided: Some(7),
        fin: None,
    });
    let rows = by_fiscal_year(&[a], &[budget(2021, "設備投資", 0)]).unwrap();
    assert_eq!(
        rows,
        vec![
            fy_row(2021, Some("設備投資"), 1, 10, 7, 0, 7, Some(0), None),
            fy_row(2021, None, 1, 10, 7, 0, 7, Some(0), None),
        ]
    );
}

#[test]
fn a_decided_row_carrying_a_final_amount_counts_its_decided_amount_everywhere() {
    let mut a = app(A {
        id: "G-1",
        program: "設備投資補助金",
        company: "株式会社綾瀬精工",
        number: None,
        status: AppStatus::Decided,
        applied: "2023-05-01",
        decided_on: Some("2023-06-01"),
        cost: 1_000_000,
        decided: Some(500_000),
        fin: Some(450_000),
    });
    // Refunds and totals read the same figure: 交付決定額 until 確定.
    assert_eq!(a.granted_amount(), Some(500_000));
    a.status = AppStatus::Final;
    assert_eq!(a.granted_amount(), Some(450_000));
    a.final_amount = None;
    assert_eq!(a.granted_amount(), Some(500_000));
}

/// The totals stage's errors, whole.
#[test]
fn totals_errors_are_whole_sentences() {
    assert_eq!(
        TotalsError::MissingValue("granted").to_string(),
        "集計結果の列「granted」に欠けている値があります。"
    );
    let polars = polars::error::PolarsError::ComputeError("boom".into());
    assert_eq!(
        TotalsError::from(polars).to_string(),
        "年度別・事業者別の集計を計算できませんでした（boom）。"
    );
}
