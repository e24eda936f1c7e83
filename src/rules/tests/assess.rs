//! Caps across applications, rule sets by fiscal year, verdicts.

use super::support::{app, assess_builtin, d, decided, resolved};
use crate::catalogue::Catalogue;
use crate::model::{AppStatus, Application};
use crate::rules::{Verdict, assess};

const TRADE_SHOW: (&str, Option<&str>) = ("中小企業活性化事業補助金", Some("見本市等出展事業"));

fn trade_show(id: &str, applied: (i32, u32, u32), cost: i64) -> Application {
    let mut a = app(id, TRADE_SHOW.0, TRADE_SHOW.1, cost);
    a.applied_on = d(applied.0, applied.1, applied.2);
    a
}

#[test]
fn company_fy_cap_is_used_up_in_application_date_order() {
    // Input order is not date order: the June application comes first.
    let apps = vec![
        trade_show("K-2", (2022, 6, 1), 300_000),
        trade_show("K-1", (2022, 5, 10), 300_000),
    ];
    let got = assess_builtin(&apps);
    assert_eq!(got[0].application_id, "K-2");
    assert_eq!(got[1].computed, Some(150_000));
    assert_eq!(got[0].computed, Some(50_000));
    assert_eq!(
        got[0].reason,
        "1/2、1,000円未満切り捨て、同一年度上限200,000円のうち同年度の先行申請で150,000円を算定済みのため残額50,000円を適用［適用ルール：中小企業活性化事業補助金 見本市等出展事業 令和4年度〜・確認済］"
    );
    assert!(got[0].company_fy_limited && !got[1].company_fy_limited);
}

#[test]
fn company_fy_cap_same_day_orders_by_id_and_keys_by_corporate_number() {
    let mut a = trade_show("K-10", (2022, 5, 10), 300_000);
    let mut b = trade_show("K-09", (2022, 5, 10), 300_000);
    // Same 法人番号, different spellings of the name: one company.
    a.corporate_number = Some("1234567890123".into());
    b.corporate_number = Some("1234567890123".into());
    b.company = "（株）綾瀬精工".into();
    let got = assess_builtin(&[a, b]);
    assert_eq!(got[1].computed, Some(150_000));
    assert_eq!(got[0].computed, Some(50_000));
}

#[test]
fn company_fy_cap_is_per_company_and_per_fy() {
    let mut other = trade_show("K-2", (2022, 6, 1), 300_000);
    other.company = "有限会社早川製作所".into();
    let next_fy = trade_show("K-3", (2023, 4, 3), 300_000);
    let got = assess_builtin(&[trade_show("K-1", (2022, 5, 10), 300_000), other, next_fy]);
    let computed: Vec<_> = got.iter().map(|a| a.computed).collect();
    assert_eq!(computed, vec![Some(150_000), Some(150_000), Some(150_000)]);
}

#[test]
fn company_name_is_normalized_for_the_cap() {
    let mut b = trade_show("K-2", (2022, 6, 1), 300_000);
    b.company = "株式会社 綾瀬精工　".into();
    let got = assess_builtin(&[trade_show("K-1", (2022, 5, 10), 300_000), b]);
    assert_eq!(got[1].computed, Some(50_000));
}

#[test]
fn withdrawn_rejected_and_cancelled_do_not_use_the_cap() {
    for status in [
        AppStatus::Withdrawn,
        AppStatus::Rejected,
        AppStatus::Cancelled,
    ] {
        let mut first = trade_show("K-1", (2022, 5, 10), 400_000);
        first.status = status;
        let got = assess_builtin(&[first, trade_show("K-2", (2022, 6, 1), 400_000)]);
        assert_eq!(got[0].computed, Some(200_000), "{status:?}");
        assert_eq!(got[1].computed, Some(200_000), "{status:?}");
    }
}

#[test]
fn jinzai_company_fy_cap_across_two_applications() {
    let mut b = app("J-2", "ものづくり人材育成補助金", None, 250_000);
    b.applied_on = d(2022, 9, 1);
    let a = app("J-1", "ものづくり人材育成補助金", None, 250_000);
    let got = assess_builtin(&[a, b]);
    assert_eq!(got[0].computed, Some(125_000));
    assert_eq!(got[1].computed, Some(75_000));
}

#[test]
fn ginou_kentei_five_persons_per_company_fy() {
    let mk = |id: &str, day: u32, cost: i64, n: u32| {
        let mut a = app(id, "技能検定支援補助金", None, cost);
        a.applied_on = d(2022, 6, day);
        a.persons = Some(n);
        a
    };
    let got = assess_builtin(&[
        mk("G-1", 1, 60_000, 3),
        mk("G-2", 2, 70_000, 3),
        mk("G-3", 3, 20_000, 1),
    ]);
    assert_eq!(got[0].computed, Some(30_000));
    // 70,000 × 2/3 persons × 1/2 = 23,333 → 23,000.
    assert_eq!(got[1].computed, Some(23_000));
    assert!(
        got[1].reason.contains("3名中2名分を算定"),
        "{}",
        got[1].reason
    );
    assert_eq!(got[2].computed, Some(0));
}

const TWO_ERAS: &str = r#"
[[programs]]
name = "テスト補助金"
[[programs.rules]]
fy_from = 2019
fy_to = 2021
rate = "1/2"
unit = 1000
[[programs.rules]]
fy_from = 2022
rate = "2/3"
cap = 800000
unit = 1000
"#;

#[test]
fn rule_set_is_chosen_by_the_fy_of_the_decision_else_of_the_application() {
    let cat = Catalogue::from_toml(TWO_ERAS, "two.toml").unwrap();
    let base = || app("F", "テスト補助金", None, 300_000);
    // Applied in FY2021, decided 2022-03-31 (FY2021): 1/2.
    let mut fy2021 = decided(base(), d(2022, 3, 31), 150_000);
    fy2021.applied_on = d(2022, 3, 1);
    // Applied 2022-03-31 but decided 2022-04-01 (FY2022): 2/3.
    let mut fy2022 = decided(base(), d(2022, 4, 1), 200_000);
    fy2022.applied_on = d(2022, 3, 31);
    // Pending, applied 2022-03-31: FY2021.
    let mut pending = base();
    pending.applied_on = d(2022, 3, 31);
    // Applied in FY2018: no rule set.
    let mut old = base();
    old.applied_on = d(2019, 3, 29);
    let apps = resolved(&cat, vec![fy2021, fy2022, pending, old]);
    let got = assess(&cat, &apps);
    assert_eq!(got[0].computed, Some(150_000));
    assert_eq!(got[0].verdict, Verdict::Match);
    assert_eq!(got[1].computed, Some(200_000));
    assert_eq!(got[1].verdict, Verdict::Match);
    assert_eq!(got[2].computed, Some(150_000));
    assert_eq!(got[3].verdict, Verdict::CannotCompute);
    assert_eq!(
        got[3].reason,
        format!(
            "制度「テスト補助金」の{}の算定ルールが制度カタログにありません",
            crate::calendar::fy_label(2018)
        )
    );
}

#[test]
fn verdicts_and_differences() {
    let on = d(2022, 6, 10);
    let diversity = |id, amount| {
        decided(
            app(id, "ダイバーシティ経営推進補助金", None, 1_000_000),
            on,
            amount,
        )
    };
    let got = assess_builtin(&[
        diversity("V-1", 666_000),
        diversity("V-2", 700_000),
        diversity("V-3", 600_000),
        app("V-4", "ダイバーシティ経営推進補助金", None, 1_000_000),
    ]);
    let rows: Vec<_> = got
        .iter()
        .map(|a| (a.verdict.label(), a.computed, a.decided, a.difference))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("一致", Some(666_000), Some(666_000), Some(0)),
            ("超過", Some(666_000), Some(700_000), Some(34_000)),
            ("不足", Some(666_000), Some(600_000), Some(-66_000)),
            ("未決定", Some(666_000), None, None),
        ]
    );
}

#[test]
fn not_eligible_difference_is_the_whole_decided_amount() {
    let a = decided(
        app(
            "N-1",
            "中小企業強靭化推進補助金",
            Some("Ａコース"),
            4_000_000,
        ),
        d(2022, 6, 1),
        2_660_000,
    );
    let got = assess_builtin(&[a]);
    assert_eq!(got[0].verdict, Verdict::NotEligible);
    assert_eq!(got[0].course.as_deref(), Some("Aコース"));
    assert_eq!(got[0].difference, Some(2_660_000));
    assert_eq!(
        got[0].reason,
        "補助対象経費4,000,000円が下限額5,000,000円に満たないため対象外［適用ルール：中小企業強靭化推進補助金 Aコース 令和4年度〜・確認済］"
    );
}

#[test]
fn a_missing_or_unknown_course_cannot_be_computed() {
    let got = assess_builtin(&[
        app("U-2", "中小企業強靭化推進補助金", None, 6_000_000),
        app(
            "U-3",
            "中小企業強靭化推進補助金",
            Some("Cコース"),
            6_000_000,
        ),
    ]);
    let reasons: Vec<_> = got.iter().map(|a| (a.verdict, a.reason.as_str())).collect();
    assert_eq!(
        reasons,
        vec![
            (
                Verdict::CannotCompute,
                "制度「中小企業強靭化推進補助金」には区分がありますが、区分が未記入です"
            ),
            (
                Verdict::CannotCompute,
                "区分「Cコース」は制度「中小企業強靭化推進補助金」にありません"
            ),
        ]
    );
}

#[test]
fn alias_resolves_to_the_canonical_program() {
    let got = assess_builtin(&[app(
        "A-1",
        " 中小企業強靱化推進補助金　",
        Some("A"),
        6_000_000,
    )]);
    assert_eq!(got[0].program, "中小企業強靭化推進補助金");
    assert_eq!(got[0].computed, Some(4_000_000));
}

#[test]
fn huge_cost_does_not_panic() {
    let got = assess_builtin(&[app("H-1", "マル経融資利子補給金", None, i64::MAX)]);
    // i64::MAX / 2 truncated to 100: 4,611,686,018,427,387,903 → …800.
    assert_eq!(got[0].computed, Some(4_611_686_018_427_387_900));
}

/// The order caps are used up in: 申請日, then 申請番号 on one day, whatever the
/// input order; the applications `counted` leaves out are not in it.
#[test]
fn processing_order_is_by_date_then_id_and_skips_the_uncounted() {
    let apps = vec![
        trade_show("K-3", (2022, 6, 1), 1),
        trade_show("K-9", (2022, 5, 10), 1),
        trade_show("K-10", (2022, 5, 10), 1),
        trade_show("K-1", (2022, 6, 1), 1),
        trade_show("K-0", (2021, 12, 24), 1),
    ];
    assert_eq!(
        Application::processing_order(&apps, |_| true),
        [4, 2, 1, 3, 0]
    );
    // The same order as sorting by the key itself.
    let mut by_key: Vec<usize> = (0..apps.len()).collect();
    by_key.sort_by_key(|&i| apps[i].processing_key());
    assert_eq!(Application::processing_order(&apps, |_| true), by_key);
    assert_eq!(
        Application::processing_order(&apps, |a| a.id != "K-9" && a.id != "K-0"),
        [2, 3, 0]
    );
}
