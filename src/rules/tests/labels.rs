//! Issue 22, items 9 and 12: labels that claim no more than the seeds support. A rule set
//! names the last FY its source confirms, and a later FY is judged by it but marked
//! 繰越・未確認; a 不交付 or 取下げ application is decided, so its 判定 says there is nothing
//! to compare instead of 未決定.

use super::support::{app, assess_builtin, d, decided};
use crate::catalogue::{Catalogue, RuleBasis};
use crate::ingest::AppIndex;
use crate::model::AppStatus;
use crate::rules::Verdict;

const DIVERSITY: &str = "ダイバーシティ経営推進補助金";

#[test]
fn a_later_fy_is_judged_by_the_fy2022_figures_but_marked_carried_forward() {
    let mut fy2022 = app("D-22", DIVERSITY, None, 300_000);
    fy2022 = decided(fy2022, d(2023, 3, 31), 200_000);
    let mut fy2023 = app("D-23", DIVERSITY, None, 300_000);
    fy2023 = decided(fy2023, d(2023, 4, 1), 200_000);
    let mut fy2025 = app("D-25", DIVERSITY, None, 1_500_000);
    fy2025.applied_on = d(2025, 5, 1);
    let got = assess_builtin(&[fy2022, fy2023, fy2025]);
    // 令和4年度 (the last day of FY2022): confirmed by the brochure and the 要綱.
    assert_eq!(got[0].basis, Some(RuleBasis::Verified));
    assert!(
        got[0]
            .reason
            .ends_with("［適用ルール：ダイバーシティ経営推進補助金 令和4年度〜・確認済］"),
        "{}",
        got[0].reason
    );
    // 令和5年度 from its first day: the same figures (300,000 × 2/3 = 200,000), carried forward.
    assert_eq!(got[1].computed, Some(200_000));
    assert_eq!(got[1].verdict, Verdict::Match);
    assert_eq!(got[1].basis, Some(RuleBasis::CarriedForward));
    assert!(got[1].unverified);
    assert_eq!(
        &*got[1].reason,
        "【繰越・未確認のルール：この年度の額は市の確認待ち】2/3、1,000円未満切り捨て［適用ルール：ダイバーシティ経営推進補助金 令和4年度〜・繰越・未確認（令和4年度まで確認済の額を令和5年度に適用）］"
    );
    // 令和7年度: the 第6条 cap of 800,000 still applies, and the label names the FY.
    assert_eq!(got[2].computed, Some(800_000));
    assert!(
        got[2]
            .reason
            .contains("令和4年度まで確認済の額を令和7年度に適用")
    );
}

#[test]
fn a_confirmed_to_outside_the_rule_sets_years_is_refused() {
    let text = include_str!("../../../catalogue/programs.toml");
    let moved = text.replacen("\nconfirmed_to = 2022\n", "\nconfirmed_to = 2021\n", 1);
    let err = Catalogue::from_toml(&moved, "test.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("confirmed_to"), "{err}");
    // Without confirmed_to a rule set confirms every FY it covers (a city's own entry).
    let open = text.replace("\nconfirmed_to = 2022\n", "\n");
    let cat = Catalogue::from_toml(&open, "test.toml").unwrap();
    let mut a = app("D-25", DIVERSITY, None, 300_000);
    a.applied_on = d(2025, 5, 1);
    assert_eq!(
        crate::rules::assess(&cat, &[a])[0].basis,
        Some(RuleBasis::Verified)
    );
}

#[test]
fn rejected_and_withdrawn_applications_have_nothing_to_compare() {
    let mut rejected = app("R-1", DIVERSITY, None, 300_000);
    rejected.status = AppStatus::Rejected;
    let mut withdrawn = app("W-1", DIVERSITY, None, 300_000);
    withdrawn.status = AppStatus::Withdrawn;
    let pending = app("P-1", DIVERSITY, None, 300_000);
    let got = assess_builtin(&[rejected, withdrawn, pending]);
    assert_eq!(got[0].verdict, Verdict::NothingToCompare);
    assert_eq!(got[0].verdict.label(), "比較対象なし");
    assert_eq!(got[0].computed, Some(200_000));
    assert_eq!(got[1].verdict, Verdict::NothingToCompare);
    // Still pending: no decision yet.
    assert_eq!(got[2].verdict, Verdict::Undecided);
    assert_eq!(got[2].verdict.label(), "未決定");
}

/// Issue 22, item 10: 予算超過 quotes "予算の範囲内" only where the program's page says it.
#[test]
fn over_budget_quotes_the_page_only_where_it_says_so() {
    use crate::model::{Budget, Inputs, RowOrigin};
    use crate::rules::stated;
    let over = |program: &str, course: Option<&str>, cost: i64| {
        let grant = decided(app("B-1", program, course, cost), d(2022, 6, 1), 100_000);
        let inputs = Inputs {
            applications: vec![grant],
            budgets: vec![Budget {
                fy: 2022,
                program: program.into(),
                amount: 50_000,
                origin: RowOrigin::default(),
            }],
            ..Inputs::default()
        };
        let found = stated::findings(
            &Catalogue::builtin(),
            &inputs,
            &AppIndex::new(&inputs.applications),
        );
        assert_eq!(found.len(), 1, "{program}");
        found[0].detail.text().to_string()
    };
    // Seed 000's 強靭化, 融資利子補給, マル経, 退職金共済 and 企業立地 pages have no such line.
    for (program, course) in [
        ("中小企業強靭化推進補助金", Some("Bコース")),
        ("中小企業融資利子補給金", Some("市制度融資")),
        ("マル経融資利子補給金", None),
        ("中小企業退職金共済制度奨励補助金", None),
        ("企業立地奨励金", Some("新規立地")),
    ] {
        let text = over(program, course, 2_000_000);
        assert!(
            text.ends_with("上回っています（市の予算執行の方針（この制度のパンフレットのページには「予算の範囲内」の記載がありません））。"),
            "{text}"
        );
    }
    // 技能検定's page says it (seed 000 l.416).
    assert!(
        over("技能検定支援補助金", None, 200_000)
            .ends_with("（パンフレット（令和4年度）「予算の範囲内」）。")
    );
}
