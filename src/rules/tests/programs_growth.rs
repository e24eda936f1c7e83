//! One test per row of docs/rules.md's table (rows 1-13: competitiveness and
//! groups), against the shipped catalogue, with boundary cases worked out by
//! hand: truncation to the unit, at and over the cap, at and under the floor,
//! group multipliers. Caps spanning two applications are in `assess`.

use super::support::{app, assess_builtin};
use super::table::Want::{Amount, CannotCompute, NotEligible};
use super::table::{check, check_apps, members, persons};

#[test]
fn kyoujinka_a_course() {
    check(
        "中小企業強靭化推進補助金",
        Some("Aコース"),
        &[
            (
                "at floor",
                5_000_000,
                Amount(3_330_000),
                "2/3、10,000円未満切り捨て",
            ),
            (
                "under floor",
                4_999_999,
                NotEligible,
                "下限額5,000,000円に満たない",
            ),
            (
                "truncation",
                7_500_015,
                Amount(5_000_000),
                "10,000円未満切り捨て",
            ),
            ("at cap", 15_000_000, Amount(10_000_000), ""),
            (
                "over cap",
                15_015_000,
                Amount(10_000_000),
                "上限10,000,000円を適用",
            ),
        ],
    );
}

#[test]
fn kyoujinka_b_course() {
    check(
        "中小企業強靭化推進補助金",
        Some("B"),
        &[
            ("at floor", 1_500_000, Amount(1_000_000), ""),
            ("under floor", 1_499_999, NotEligible, "下限額1,500,000円"),
            ("truncation", 2_000_000, Amount(1_330_000), ""),
            ("at cap", 4_500_000, Amount(3_000_000), ""),
            (
                "over cap",
                4_515_000,
                Amount(3_000_000),
                "上限3,000,000円を適用",
            ),
        ],
    );
}

#[test]
fn juchu_kakudai() {
    check(
        "中小企業受注拡大支援補助金",
        None,
        &[
            (
                "truncation",
                100_000,
                Amount(66_000),
                "2/3、1,000円未満切り捨て",
            ),
            ("exact multiple", 99_999, Amount(66_000), ""),
            ("below one unit", 1_499, Amount(0), ""),
            ("at cap", 300_000, Amount(200_000), ""),
            ("over cap", 301_500, Amount(200_000), "上限200,000円を適用"),
        ],
    );
}

#[test]
fn diversity() {
    check(
        "ダイバーシティ経営推進補助金",
        None,
        &[
            (
                "1,000,000 × 2/3",
                1_000_000,
                Amount(666_000),
                "2/3、1,000円未満切り捨て",
            ),
            ("999,999 × 2/3", 999_999, Amount(666_000), ""),
            ("at cap", 1_200_000, Amount(800_000), ""),
            (
                "over cap",
                1_201_500,
                Amount(800_000),
                "上限800,000円を適用",
            ),
        ],
    );
}

#[test]
fn kasseika_advisor() {
    check(
        "中小企業活性化事業補助金",
        Some("経営アドバイザー派遣事業"),
        &[
            (
                "truncation",
                123_456,
                Amount(123_000),
                "1/1、1,000円未満切り捨て",
            ),
            ("under one unit", 999, Amount(0), ""),
            (
                "no cap",
                100_000_000,
                Amount(100_000_000),
                "神奈川産業振興センターが負担する金額と消費税を除いた額",
            ),
        ],
    );
}

#[test]
fn kasseika_trade_show() {
    check(
        "中小企業活性化事業補助金",
        Some("見本市等出展"),
        &[
            ("truncation", 100_999, Amount(50_000), "1/2"),
            ("at cap", 400_000, Amount(200_000), ""),
            (
                "over cap",
                402_000,
                Amount(200_000),
                "同一年度上限200,000円を適用",
            ),
        ],
    );
}

#[test]
fn kasseika_industrial_property() {
    check(
        "中小企業活性化事業補助金",
        Some("産業財産権取得事業"),
        &[
            ("under one unit", 1_999, Amount(0), ""),
            ("one unit", 2_000, Amount(1_000), ""),
            ("at cap", 200_000, Amount(100_000), ""),
            ("over cap", 202_000, Amount(100_000), "上限100,000円を適用"),
        ],
    );
}

#[test]
fn kasseika_collaboration() {
    check(
        "中小企業活性化事業補助金",
        Some("企業間及び産学公連携事業"),
        &[
            ("truncation", 333_333, Amount(166_000), ""),
            ("at cap", 1_000_000, Amount(500_000), ""),
            (
                "over cap",
                1_002_000,
                Amount(500_000),
                "上限500,000円を適用",
            ),
        ],
    );
}

#[test]
fn jinzai_ikusei_truncation_is_verified() {
    check(
        "ものづくり人材育成補助金",
        None,
        &[
            (
                "truncation",
                50_999,
                Amount(25_000),
                "1/2、1,000円未満切り捨て［適用ルール：ものづくり人材育成補助金 令和4年度〜・確認済］",
            ),
            ("at cap", 400_000, Amount(200_000), ""),
            (
                "over cap",
                402_000,
                Amount(200_000),
                "同一年度上限200,000円を適用",
            ),
        ],
    );
    let got = assess_builtin(&[app("T-1", "ものづくり人材育成補助金", None, 1_000)]);
    assert!(!got[0].unverified);
    assert!(
        !got[0].reason.contains("【未確認のルール】"),
        "{}",
        got[0].reason
    );
}

#[test]
fn ginou_kentei() {
    let three = |cost| persons(app("T-1", "技能検定支援補助金", None, cost), 3, 0, 0);
    check_apps(&[
        (
            "3 persons",
            three(30_000),
            Amount(15_000),
            "1/2、1,000円未満切り捨て",
        ),
        ("truncation", three(30_999), Amount(15_000), ""),
        (
            "6 persons alone: 5 counted",
            persons(app("T-1", "技能検定支援補助金", None, 60_000), 6, 0, 0),
            Amount(25_000),
            "6名中5名分を算定",
        ),
        (
            "persons missing",
            app("T-1", "技能検定支援補助金", None, 30_000),
            Amount(15_000),
            "1社1年度5名の上限は確認できません",
        ),
    ]);
}

#[test]
fn ayase_brand_group() {
    let group = |cost, n| {
        members(
            app("T-1", "綾瀬ブランド新商品開発支援事業補助金", None, cost),
            n,
        )
    };
    check_apps(&[
        ("truncation", group(1_000_000, 2), Amount(666_000), ""),
        ("at cap × 3", group(4_500_000, 3), Amount(3_000_000), ""),
        (
            "over cap × 3",
            group(4_501_500, 3),
            Amount(3_000_000),
            "団体の補助対象経費4,501,500円、2/3、1,000円未満切り捨て＝3,001,000円、上限1,000,000円/1社×参画企業数3社＝3,000,000円を適用",
        ),
        (
            "the group's amount is truncated once, not each member's share",
            // 1,005,000 × 2/3 = 670,000 (the brochure truncates 算出した補助金の額); truncating
            // each member's 223,333.33 first gave 669,000.
            group(1_005_000, 3),
            Amount(670_000),
            "団体の補助対象経費1,005,000円、2/3、1,000円未満切り捨て＝670,000円",
        ),
        (
            "issue 22's example: 3 members, 300,000",
            // 300,000 × 2/3 = 200,000 exactly; per member 66,666.67 → 66,000 × 3 was 198,000.
            group(300_000, 3),
            Amount(200_000),
            "",
        ),
        (
            // Issue 22 item 16: a 団体 has at least two members.
            "one member",
            group(1_501_500, 1),
            NotEligible,
            "参画企業数1社は団体の要件（2社以上）に満たないため対象外",
        ),
        (
            "members missing",
            app(
                "T-1",
                "綾瀬ブランド新商品開発支援事業補助金",
                None,
                1_000_000,
            ),
            CannotCompute,
            "参画企業数が未記入",
        ),
    ]);
}

#[test]
fn hasshin_group() {
    let group = |cost, n| members(app("T-1", "ものづくり技術発信事業補助金", None, cost), n);
    check_apps(&[
        (
            "truncation",
            // 2,999,999 × 1/2 = 1,499,999.5 → 1,499,000 (per member first: 499,000 × 3).
            group(2_999_999, 3),
            Amount(1_499_000),
            "団体の補助対象経費2,999,999円、1/2、1,000円未満切り捨て＝1,499,000円",
        ),
        ("at cap × 3", group(3_000_000, 3), Amount(1_500_000), ""),
        (
            "two members",
            group(3_000_000, 2),
            NotEligible,
            "参画企業数2社は団体の要件（3社以上）に満たないため対象外",
        ),
        (
            "over cap × 3",
            group(3_002_000, 3),
            Amount(1_500_000),
            "上限500,000円/1社×参画企業数3社＝1,500,000円を適用",
        ),
        (
            "no members",
            group(3_000_000, 0),
            CannotCompute,
            "参画企業数が0",
        ),
    ]);
}

#[test]
fn open_factory_half_width_name() {
    check(
        "あやせ工業団地ｵｰﾌﾟﾝﾌｧｸﾄﾘｰ補助金",
        None,
        &[
            ("truncation", 100_000, Amount(66_000), "【未確認のルール】"),
            ("at cap", 750_000, Amount(500_000), ""),
            ("over cap", 751_500, Amount(500_000), "上限500,000円を適用"),
        ],
    );
}
