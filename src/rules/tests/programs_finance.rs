//! One test per row of docs/rules.md's table (rows 14-22: guarantees, interest,
//! mutual aid, location incentives), plus the unverified 障がい者雇用促進報奨金.

use super::support::{app, assess_builtin};
use super::table::Want::{Amount, CannotCompute, NotEligible};
use super::table::{check, check_apps, persons};
use crate::rules::Verdict;

#[test]
fn guarantee_fee() {
    check(
        "中小企業信用保証料補助金",
        None,
        &[
            (
                "truncation to 100",
                12_345,
                Amount(6_100),
                "1/2、100円未満切り捨て",
            ),
            ("under one unit", 199, Amount(0), ""),
            ("at cap", 200_000, Amount(100_000), ""),
            ("over cap", 200_200, Amount(100_000), "上限100,000円を適用"),
        ],
    );
}

#[test]
fn interest_city_loans() {
    check(
        "中小企業融資利子補給金",
        Some("市制度融資"),
        &[
            (
                "truncation to 100",
                54_321,
                Amount(27_100),
                "1/2、100円未満切り捨て",
            ),
            ("no cap", 1_000_000, Amount(500_000), ""),
        ],
    );
}

#[test]
fn interest_prefecture_loans() {
    check(
        "中小企業融資利子補給金",
        Some("県制度"),
        &[
            ("truncation to 100", 54_321, Amount(13_500), "1/4"),
            ("under one unit", 399, Amount(0), ""),
            ("one unit", 400, Amount(100), ""),
        ],
    );
}

#[test]
fn marukei_interest() {
    check(
        "マル経融資利子補給金",
        None,
        &[
            (
                "truncation to 100",
                54_321,
                Amount(27_100),
                "1/2、100円未満切り捨て",
            ),
            ("no cap", 100_000_000, Amount(50_000_000), ""),
        ],
    );
}

#[test]
fn retirement_mutual_aid() {
    let two = |cost| {
        persons(
            app("T-1", "中小企業退職金共済制度奨励補助金", None, cost),
            2,
            0,
            0,
        )
    };
    check_apps(&[
        (
            "under cap",
            two(60_999),
            Amount(6_000),
            "掛金の合計と対象人数からは上限しか分かりません",
        ),
        ("at cap 6,000 × 2", two(120_000), Amount(12_000), ""),
        (
            "over cap 6,000 × 2",
            two(121_000),
            Amount(12_000),
            "上限6,000円×対象人数2人＝12,000円を適用",
        ),
        (
            "persons missing",
            app("T-1", "中小企業退職金共済制度奨励補助金", None, 60_000),
            CannotCompute,
            "対象人数が未記入",
        ),
    ]);
}

#[test]
fn location_new_site() {
    check(
        "企業立地奨励金",
        Some("新規立地"),
        &[
            (
                "at floor",
                30_000_000,
                Amount(4_500_000),
                "【未確認のルール】15%",
            ),
            ("under floor", 29_999_999, NotEligible, "下限額30,000,000円"),
            ("truncation", 33_333_333, Amount(4_990_000), ""),
            ("at cap", 200_000_000, Amount(30_000_000), ""),
            (
                "over cap",
                200_100_000,
                Amount(30_000_000),
                "上限30,000,000円を適用",
            ),
        ],
    );
}

#[test]
fn location_expansion() {
    check(
        "企業立地奨励金",
        Some("事業拡大"),
        &[
            ("at floor", 30_000_000, Amount(3_000_000), "10%"),
            ("under floor", 29_999_999, NotEligible, ""),
            ("truncation", 30_099_999, Amount(3_000_000), ""),
            ("at cap", 300_000_000, Amount(30_000_000), ""),
            (
                "over cap",
                300_100_000,
                Amount(30_000_000),
                "上限30,000,000円を適用",
            ),
        ],
    );
}

#[test]
fn location_local_contractors() {
    check(
        "企業立地奨励金",
        Some("市内企業活用"),
        &[
            (
                "truncation",
                1_999_999,
                Amount(90_000),
                "5%、10,000円未満切り捨て",
            ),
            ("at cap", 20_000_000, Amount(1_000_000), ""),
            (
                "over cap",
                20_200_000,
                Amount(1_000_000),
                "上限1,000,000円を適用",
            ),
        ],
    );
}

#[test]
fn location_employment_per_person() {
    let hires = |all, women, disabled| {
        persons(
            app("T-1", "企業立地奨励金", Some("雇用奨励金"), 0),
            all,
            women,
            disabled,
        )
    };
    check_apps(&[
        (
            "mixed",
            hires(3, 1, 1),
            Amount(800_000),
            "男性2人×200,000円＋女性1人×300,000円＋障がい者加算1人×100,000円",
        ),
        ("at cap", hires(24, 12, 0), Amount(6_000_000), ""),
        (
            "over cap",
            hires(25, 12, 0),
            Amount(6_000_000),
            "上限6,000,000円を適用",
        ),
        (
            "more women than persons",
            hires(2, 3, 0),
            CannotCompute,
            "対象人数（女性）3人",
        ),
        (
            "persons missing",
            app("T-1", "企業立地奨励金", Some("雇用奨励金"), 0),
            CannotCompute,
            "対象人数が未記入",
        ),
    ]);
}

#[test]
fn disability_bonus_is_not_computed() {
    let got = assess_builtin(&[app("T-1", "障がい者雇用促進報奨金", None, 100_000)]);
    assert_eq!(got[0].verdict, Verdict::CannotCompute);
    assert!(got[0].unverified);
    assert!(
        got[0].reason.contains("4万円・6万円・10万円"),
        "{}",
        got[0].reason
    );
}
