#![allow(clippy::unwrap_used)] // a test that unwraps None has found its failure

use chrono::NaiveDate;

use super::{AssetRestriction, AssetState, Policy, elapsed_months, period_end, refund, shares};
use crate::ingest::AppIndex;
use crate::model::Finding;
use crate::model::{AppStatus, Application, Asset, RefundMethod, RowOrigin};
use crate::testing::application;

/// Every application's assets restricted, pro rata, as the diversity subsidy's are.
fn pro_rata(_: &Application) -> Option<Policy<'static>> {
    Some(Policy {
        method: RefundMethod::ProRata,
        source: "交付要綱第12条第4号・第16条",
    })
}

/// [`super::evaluate`] with `apps` indexed as ingestion indexes them.
fn evaluate<'p>(
    apps: &[Application],
    assets: &[Asset],
    policy: impl Fn(&Application) -> Option<Policy<'p>>,
    as_of: NaiveDate,
) -> (Vec<AssetRestriction>, Vec<Finding>) {
    super::evaluate(apps, &AppIndex::new(apps), assets, policy, as_of)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn app(id: &str, program: &str, status: AppStatus, final_amount: Option<i64>) -> Application {
    application(id, program)
        .company(&format!("{id}工業"))
        .applied_on(d("2022-04-15"))
        .decided_on(Some(d("2022-06-01")))
        .completed_on(Some(d("2022-06-10")))
        .cost(1_200_000)
        .final_amount(final_amount)
        .status(status)
        .build()
}

fn asset(app_id: &str, id: &str, cost: i64, years: Option<u32>) -> Asset {
    Asset {
        application_id: app_id.into(),
        asset_id: id.into(),
        name: format!("設備{id}"),
        category: None,
        table_years: None,
        explicit_years: years,
        cost,
        acquired_on: Some(d("2022-06-10")),
        disposed_on: None,
        disposal_kind: None,
        disposal_approved_on: None,
        origin: RowOrigin::default(),
    }
}

/// Issue 22 item 8: the period ends on the N-year anniversary of 取得日 (民法第140条・第143条).
#[test]
fn period_ends() {
    let cases = [
        ("2022-06-10", 15, "2037-06-10"),
        // February 29: 起算日 March 1, so the day before March 1, N years on
        ("2020-02-29", 1, "2021-02-28"),
        ("2020-02-29", 3, "2023-02-28"),
        ("2024-02-29", 4, "2028-02-29"),
        // February 28 of a common year: 起算日 March 1, ends February 29 of a leap year
        ("2023-02-28", 1, "2024-02-29"),
        ("2023-03-01", 1, "2024-03-01"),
        ("2021-02-28", 1, "2022-02-28"),
        ("2022-12-31", 17, "2039-12-31"),
        // zero years: an empty period ending the day before acquisition
        ("2023-01-31", 0, "2023-01-30"),
    ];
    for (acquired, years, end) in cases {
        assert_eq!(
            period_end(d(acquired), years),
            d(end),
            "{acquired} + {years}"
        );
    }
    assert_eq!(period_end(d("2022-06-10"), u32::MAX), NaiveDate::MAX);
}

#[test]
fn elapsed_months_count_a_started_month() {
    let cases = [
        ("2022-06-10", "2022-06-10", 1), // a disposal on 取得日 has used a month
        ("2022-06-10", "2022-06-11", 1), // the 起算日 starts the first month
        ("2022-06-10", "2022-07-10", 1),
        ("2022-06-10", "2022-07-11", 2),
        ("2022-06-10", "2025-06-10", 36),
        ("2022-06-10", "2025-06-11", 37),
        ("2022-06-10", "2037-06-10", 180), // the period's last day uses all 15 × 12
        // 起算日 January 31, no February 31: month 2 starts on March 1
        ("2023-01-30", "2023-02-28", 1),
        ("2023-01-30", "2023-03-01", 2),
        ("2023-01-30", "2023-03-30", 2),
        ("2023-01-30", "2023-03-31", 3),
        ("2024-01-30", "2024-02-29", 1),
        ("2020-02-29", "2021-02-28", 12),
        ("2020-02-29", "2021-03-01", 13),
        ("2022-06-10", "2022-06-09", 0), // disposal before acquisition
    ];
    for (acquired, disposed, months) in cases {
        assert_eq!(
            elapsed_months(d(acquired), d(disposed)),
            months,
            "{acquired} → {disposed}"
        );
    }
}

#[test]
fn shares_split_the_grant_by_cost_and_truncate() {
    let a = asset("A", "1", 600_000, Some(15));
    let b = asset("A", "2", 300_000, Some(15));
    // 800,000 × 600,000 ÷ 900,000 = 533,333.3…; × 300,000 ÷ 900,000 = 266,666.6…;
    // the 1 yen left over stays unallocated.
    assert_eq!(shares(&[&a, &b], 800_000), vec![533_333, 266_666]);
    assert_eq!(shares(&[&a], 800_000), vec![800_000]);
    let zero = asset("A", "3", 0, Some(15));
    assert_eq!(shares(&[&zero, &zero], 800_000), vec![0, 0]);
    let negative = asset("A", "4", -5, Some(15));
    assert_eq!(shares(&[&a, &negative], 800_000), vec![800_000, 0]);
}

#[test]
fn refund_arithmetic() {
    let pro = RefundMethod::ProRata;
    let cases = [
        // 37 months used of 180: 533,333 × 143 = 76,266,619; ÷ 180 = 423,703.4…
        (533_333, 15, "2022-06-10", "2025-06-11", pro, 423_703),
        // 36 months used: 533,333 × 144 = 76,799,952; ÷ 180 = 426,666.4…
        (533_333, 15, "2022-06-10", "2025-06-10", pro, 426_666),
        // 1 month used: 533,333 × 179 = 95,466,607; ÷ 180 = 530,370.0…
        (533_333, 15, "2022-06-10", "2022-06-10", pro, 530_370),
        // the last day of the period: 180 of 180 used
        (533_333, 15, "2022-06-10", "2037-06-10", pro, 0),
        // 17 years, 12 months used (2023-03-01 → 2024-02-29): 800,000 × 192 = 153,600,000;
        // ÷ 204 = 752,941.1…
        (800_000, 17, "2023-03-01", "2024-02-29", pro, 752_941),
        (
            533_333,
            15,
            "2022-06-10",
            "2025-06-10",
            RefundMethod::Full,
            533_333,
        ),
        (533_333, 0, "2022-06-10", "2022-06-10", pro, 0),
    ];
    for (share, years, acquired, disposed, method, expected) in cases {
        assert_eq!(
            refund(share, years, d(acquired), d(disposed), method),
            expected,
            "{share} {years} {acquired} {disposed} {method:?}"
        );
    }
}

#[test]
fn explicit_years_win_over_the_table() {
    let mut a = asset("A", "1", 1, Some(15));
    a.table_years = Some(17);
    assert_eq!(a.useful_life_years(), Some(15));
    a.explicit_years = None;
    assert_eq!(a.useful_life_years(), Some(17));
    a.table_years = None;
    assert_eq!(a.useful_life_years(), None);
}

/// (処分日, 処分承認日, as-of, 状況, 処分日 as known) for an asset acquired 2022-06-10, 15 years,
/// whose period ends 2037-06-10.
#[test]
fn states_at_the_boundaries() {
    type Case = (
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        AssetState,
        bool,
    );
    let cases: [Case; 10] = [
        (None, None, "2037-06-10", AssetState::InPeriod, false),
        (None, None, "2037-06-11", AssetState::Expired, false),
        (
            Some("2037-06-10"),
            None,
            "2040-01-01",
            AssetState::EarlyDisposal,
            true,
        ),
        (
            Some("2037-06-11"),
            None,
            "2040-01-01",
            AssetState::Expired,
            true,
        ),
        (
            Some("2025-06-10"),
            Some("2025-06-10"),
            "2040-01-01",
            AssetState::ApprovedDisposal,
            true,
        ),
        (
            Some("2025-06-10"),
            Some("2025-06-11"),
            "2040-01-01",
            AssetState::EarlyDisposal,
            true,
        ),
        (
            Some("2025-06-10"),
            Some("2025-05-01"),
            "2040-01-01",
            AssetState::ApprovedDisposal,
            true,
        ),
        (
            Some("2038-01-10"),
            Some("2037-12-01"),
            "2040-01-01",
            AssetState::ApprovedDisposal,
            true,
        ),
        // a disposal after the as-of date is not known that night
        (
            Some("2025-06-10"),
            None,
            "2025-06-09",
            AssetState::InPeriod,
            false,
        ),
        (
            Some("2025-06-10"),
            None,
            "2025-06-10",
            AssetState::EarlyDisposal,
            true,
        ),
    ];
    let apps = [app("A", "P", AppStatus::Final, Some(800_000))];
    for (disposed, approved, as_of, state, known) in cases {
        let mut a = asset("A", "1", 600_000, Some(15));
        a.disposed_on = disposed.map(d);
        a.disposal_approved_on = approved.map(d);
        let (rows, _) = evaluate(&apps, &[a], pro_rata, d(as_of));
        let label = format!("{disposed:?} {approved:?} {as_of}");
        assert_eq!(rows[0].state, state, "{label}");
        assert_eq!(rows[0].period_end, Some(d("2037-06-10")), "{label}");
        assert_eq!(rows[0].disposed_on.is_some(), known, "{label}");
    }
}

#[test]
fn evaluate_rows_refunds_and_findings() {
    let apps = [
        app(
            "A",
            "ダイバーシティ経営推進補助金",
            AppStatus::Final,
            Some(800_000),
        ),
        app(
            "B",
            "ダイバーシティ経営推進補助金",
            AppStatus::Pending,
            None,
        ),
        app("C", "全額返還制度", AppStatus::Final, Some(300_000)),
        app(
            "D",
            "ダイバーシティ経営推進補助金",
            AppStatus::Decided,
            None,
        ),
    ];
    let mut x = asset("A", "X", 600_000, Some(15));
    x.disposed_on = Some(d("2025-06-11"));
    x.disposal_approved_on = Some(d("2025-06-12"));
    let mut y = asset("A", "Y", 300_000, Some(15));
    y.category = Some("エレベーター".into());
    y.table_years = Some(17);
    let mut z = asset("B", "Z", 100_000, Some(15));
    z.disposed_on = Some(d("2023-01-10"));
    let mut c = asset("C", "V", 100_000, Some(6));
    c.disposed_on = Some(d("2023-01-10"));
    let mut e = asset("D", "E", 100_000, Some(8));
    e.disposed_on = Some(d("2023-01-10"));
    let w = asset("A", "W", 0, None);
    let method = |a: &Application| {
        Some(Policy {
            method: if a.program == "全額返還制度" {
                RefundMethod::Full
            } else {
                RefundMethod::ProRata
            },
            source: "交付要綱第12条第4号・第16条",
        })
    };
    let (rows, findings) = evaluate(&apps, &[x, y, z, c, e, w], method, d("2026-04-01"));

    let ids: Vec<&str> = rows.iter().map(|r| r.asset_id.as_str()).collect();
    assert_eq!(ids, ["X", "Y", "Z", "V", "E"]); // W has no years: no row
    // X: share 533,333 (W's cost 0 takes nothing), 37 of 180 months used → 423,703
    assert_eq!(rows[0].state, AssetState::EarlyDisposal);
    assert_eq!(rows[0].refund, Some(423_703));
    assert!(
        rows[0]
            .note
            .as_deref()
            .unwrap()
            .contains("より後のため、承認のない処分として扱っています。")
    );
    assert_eq!(
        (rows[1].state, rows[1].refund, rows[1].years),
        (AssetState::InPeriod, None, Some(15))
    );
    // Z: not granted, so no estimate
    assert_eq!(
        (rows[2].state, rows[2].refund),
        (AssetState::EarlyDisposal, None)
    );
    assert!(rows[2].note.as_deref().unwrap().contains("「申請中」"));
    // V: Full method, the whole share
    assert_eq!(rows[3].refund, Some(300_000));
    // E: granted but no amount
    assert_eq!(rows[4].refund, None);
    assert!(
        rows[4]
            .note
            .as_deref()
            .unwrap()
            .contains("交付決定額も確定額もない")
    );

    let kinds: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.application_id.as_str(), f.kind.label()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("A", "期間内処分"),
            ("A", "耐用年数不一致"),
            ("B", "期間内処分"),
            ("C", "期間内処分"),
            ("D", "期間内処分"),
            ("A", "制限期間算定不能"),
        ]
    );
    assert_eq!(findings[0].company, "A工業");
    assert!(
        findings[0]
            .detail
            .text()
            .ends_with("処分されています（交付要綱第12条第4号・第16条）。返還額（目安）は423,703円（按分額533,333円×残り143か月÷180か月）、全額なら533,333円です。返還額は確定額800,000円を基に、この申請の財産の取得価額の比で按分して算定しています。"),
        "{}",
        findings[0].detail
    );
    assert!(findings[1].detail.text().contains(
        "15年と入力されていますが、耐用年数区分「エレベーター」は耐用年数表では17年です。"
    ));
    assert!(
        findings[2]
            .detail
            .text()
            .ends_with("返還額（目安）は算定できませんでした。")
    );
    assert!(
        findings[3]
            .detail
            .text()
            .ends_with("返還額（目安）は全額の300,000円です（按分なら270,833円：按分額300,000円×残り65か月÷72か月）。返還額は確定額300,000円を基に、この申請の財産の取得価額の比で按分して算定しています。"),
        "{}",
        findings[3].detail
    );
    // Both figures on the sheet's row: 目安 by the method, 全額 beside it.
    assert_eq!(
        (rows[0].refund, rows[0].refund_full),
        (Some(423_703), Some(533_333))
    );
    assert_eq!(
        (rows[3].refund, rows[3].refund_full),
        (Some(300_000), Some(300_000))
    );
    assert!(
        findings[5]
            .detail
            .text()
            .contains("法定耐用年数が分からない")
    );
}

#[test]
fn a_cancelled_grant_keeps_both_refund_figures() {
    // 第12条: on an early disposal the city cancels the grant (取消) and may demand all or part
    // of it back, so a 取消 grant still shows the full amount and the pro-rata estimate.
    let mut cancelled = app(
        "K",
        "ダイバーシティ経営推進補助金",
        AppStatus::Cancelled,
        Some(700_000),
    );
    cancelled.decided_amount = Some(720_000);
    let mut locker = asset("K", "L", 500_000, Some(15));
    locker.acquired_on = Some(d("2022-09-30"));
    locker.disposed_on = Some(d("2024-03-15"));
    let (rows, findings) = evaluate(&[cancelled], &[locker], pro_rata, d("2024-04-25"));
    // 確定額 700,000 (what was paid), 18 of 180 months used → 630,000.
    assert_eq!(rows[0].state, AssetState::EarlyDisposal);
    assert_eq!(
        (rows[0].refund, rows[0].refund_full),
        (Some(630_000), Some(700_000))
    );
    assert!(
        rows[0]
            .note
            .as_deref()
            .unwrap()
            .contains("交付決定は取り消されています（要綱第12条）"),
        "{:?}",
        rows[0].note
    );
    assert!(
        findings[0]
            .detail
            .text()
            .ends_with("返還額（目安）は630,000円（按分額700,000円×残り162か月÷180か月）、全額なら700,000円です。返還額は確定額700,000円を基に、この申請の財産の取得価額の比で按分して算定しています。"),
        "{}",
        findings[0].detail
    );
}

#[test]
fn an_approved_disposal_says_its_basis_is_the_citys_rules() {
    let granted = app(
        "M",
        "ダイバーシティ経営推進補助金",
        AppStatus::Final,
        Some(600_000),
    );
    let mut x = asset("M", "X", 600_000, Some(15));
    x.disposed_on = Some(d("2024-02-20"));
    x.disposal_approved_on = Some(d("2024-02-01"));
    let (rows, findings) = evaluate(&[granted], &[x], pro_rata, d("2024-04-25"));
    assert_eq!(rows[0].state, AssetState::ApprovedDisposal);
    assert_eq!((rows[0].refund, rows[0].refund_full), (None, None));
    assert!(rows[0].note.as_deref().unwrap().contains("市の規則"));
    assert!(findings.is_empty());
}

/// Issue 22, item 4: 第12条 refunds "既に交付した補助金があるとき". A cancelled decision with
/// no 確定額 (nothing paid) owes nothing, and the row and the finding say why; once a
/// 確定額 is known, the estimate is built on it and says so.
#[test]
fn a_cancelled_grant_with_nothing_paid_owes_no_refund() {
    let mut unpaid = app(
        "U",
        "ダイバーシティ経営推進補助金",
        AppStatus::Cancelled,
        None,
    );
    unpaid.decided_amount = Some(720_000);
    let mut x = asset("U", "X", 500_000, Some(15));
    x.acquired_on = Some(d("2022-09-30"));
    x.disposed_on = Some(d("2024-03-15"));
    let (rows, findings) = evaluate(&[unpaid.clone()], &[x.clone()], pro_rata, d("2024-04-25"));
    assert_eq!(rows[0].state, AssetState::EarlyDisposal);
    // Not 648,000 (交付決定額 720,000 × 162/180): nothing was paid.
    assert_eq!((rows[0].refund, rows[0].refund_full), (Some(0), Some(0)));
    let note = rows[0].note.as_deref().unwrap();
    assert!(
        note.contains(
            "確定額（交付済みの額）がなく、既に交付した補助金がないため、返還を求める額はありません"
        ),
        "{note}"
    );
    assert!(!note.contains("交付決定額も確定額もない"), "{note}");
    let text = findings[0].detail.text();
    assert!(
        text.contains(
            "返還を求める額はありません（第12条の返還は「既に交付した補助金があるとき」）"
        ),
        "{text}"
    );
    assert!(!text.contains("648,000"), "{text}");
    // A standing 交付決定 (not 確定) is built on its 交付決定額, and says so.
    let mut decided = unpaid;
    decided.status = AppStatus::Decided;
    let (rows, findings) = evaluate(&[decided], &[x], pro_rata, d("2024-04-25"));
    assert_eq!(
        (rows[0].refund, rows[0].refund_full),
        (Some(648_000), Some(720_000))
    );
    assert!(findings[0].detail.text().ends_with(
        "返還額は交付決定額720,000円を基に、この申請の財産の取得価額の比で按分して算定しています。"
    ));
    assert!(
        rows[0]
            .note
            .as_deref()
            .unwrap()
            .contains("返還額は交付決定額720,000円を基に")
    );
}

/// Issue 22 item 6: a program without the disposal restriction (強靭化's server) has its assets
/// listed, disposal and all, with no 期間内処分, no refund and no finding; the same asset under
/// a restricting program is a breach with a refund.
#[test]
fn an_unrestricted_programs_asset_is_listed_without_breach_or_refund() {
    let apps = [app(
        "R4-101",
        "中小企業強靭化推進補助金",
        AppStatus::Final,
        Some(2_000_000),
    )];
    let mut server = asset("R4-101", "S", 3_000_000, Some(5));
    server.disposed_on = Some(d("2023-01-10"));
    let none = |_: &Application| None;
    let (rows, findings) = evaluate(&apps, std::slice::from_ref(&server), none, d("2024-04-25"));
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.state, AssetState::NotRestricted);
    assert_eq!(r.state.label(), "処分制限なし");
    assert_eq!((r.refund, r.refund_full, r.period_end), (None, None, None));
    assert_eq!(r.disposed_on, Some(d("2023-01-10")));
    assert_eq!((r.years, r.acquired_on), (Some(5), Some(d("2022-06-10"))));
    assert!(
        r.note.as_deref().unwrap().starts_with(
            "中小企業強靭化推進補助金には財産の処分を制限する定めが制度カタログにない"
        ),
        "{:?}",
        r.note
    );
    // Restricted, the same disposal is a breach: 7 of 60 months used, 2,000,000 × 53 ÷ 60.
    let (rows, findings) = evaluate(&apps, &[server], pro_rata, d("2024-04-25"));
    assert_eq!(rows[0].state, AssetState::EarlyDisposal);
    assert_eq!(rows[0].refund, Some(1_766_666));
    assert_eq!(findings.len(), 1);
}
