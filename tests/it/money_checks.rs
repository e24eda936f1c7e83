//! Issue 22 (items 1-4, 9-12), end to end: a small export written as CSV, `hojokin run` on
//! it, and the workbook read back: 確定額 checked against the rules and the decision, the
//! group programs' single truncation, the 退職金共済 bound, refunds only of what was paid,
//! and labels that claim no more than the seeds.
#![allow(clippy::unwrap_used)]

use crate::support::{Record, Site, find, read_sheet};

const APPLICATIONS: &str = "\
申請番号,制度,区分,事業者名,申請日,交付決定日,事業完了日,補助対象経費,交付決定額,確定額,状態,参画企業数,対象人数,月額掛金内訳
D-1,ダイバーシティ経営推進補助金,,綾瀬精工,2022/5/10,2022/6/10,2022/9/30,1350000,800000,900000,確定,,,
D-2,ダイバーシティ経営推進補助金,,早川化成,2022/5/11,2022/6/10,2022/9/30,600000,400000,380000,確定,,,
D-3,ダイバーシティ経営推進補助金,,蓼川工業,2022/5/12,2022/6/10,2022/9/30,600000,400000,,取消,,,
D-4,ダイバーシティ経営推進補助金,,吉岡製作所,2022/5/13,,,600000,,,不交付,,,
G-1,綾瀬ブランド新商品開発支援事業補助金,,綾瀬ブランド研究会,2022/5/14,2022/6/10,,300000,200000,,交付決定,3,,
S-1,障がい者雇用促進報奨金,,深谷電機,2017/5/15,2017/6/10,,0,40000,,交付決定,,,
T-1,中小企業退職金共済制度奨励補助金,,綾瀬工機,2023/2/10,2023/3/10,,132000,12000,,交付決定,,2,\"10000,1000\"
T-2,中小企業退職金共済制度奨励補助金,,寺尾金属,2023/2/11,2023/3/10,,132000,12000,,交付決定,,2,
";

const ASSETS: &str = "\
申請番号,財産番号,財産名,耐用年数区分,法定耐用年数,取得価額,取得日,処分日,処分の種類,処分承認日
D-1,Z-1,多目的トイレ,,15,1350000,2022/9/30,2024/3/15,売却,
D-3,Z-3,スロープ,,15,600000,2022/9/30,2024/3/15,売却,
";

const JOB: &str = "\
description = \"issue 22\"
schedule = \"0 30 2 * * *\"
[inputs.applications]
path = \"../exports22/applications.csv\"
[inputs.assets]
path = \"../exports22/assets.csv\"
[report]
path = \"../out/money-{as_of}.xlsx\"
";

/// Runs the job on the export for 2024-04-25 and returns the workbook's path.
fn night(sandbox: &Site, applications: &str) -> std::path::PathBuf {
    let exports = sandbox.path().join("exports22");
    std::fs::create_dir_all(&exports).unwrap();
    std::fs::write(exports.join("applications.csv"), applications).unwrap();
    std::fs::write(exports.join("assets.csv"), ASSETS).unwrap();
    std::fs::write(sandbox.path().join("jobs/money.toml"), JOB).unwrap();
    let out = sandbox.run(&["run", "money", "--as-of", "2024-04-25", "--dry-run"], &[]);
    let report = sandbox.path().join("out/money-2024-04-25.xlsx");
    assert!(report.is_file(), "{}", crate::support::stderr(&out));
    report
}

fn one<'a>(records: &'a [Record], key: &str, value: &str) -> &'a Record {
    let found = find(records, key, value);
    assert_eq!(found.len(), 1, "{key}={value}: {found:?}");
    found[0]
}

fn findings_of(rows: &[Record], id: &str) -> Vec<(String, String)> {
    find(rows, "申請番号", id)
        .into_iter()
        .map(|r| (r.text("種別"), r.text("内容")))
        .collect()
}

#[test]
fn the_final_amount_is_checked_against_the_rules_and_the_decision() {
    let sandbox = Site::fixtures();
    let report = night(&sandbox, APPLICATIONS);
    let rows = read_sheet(&report, "算定検証").records("申請番号");
    // D-1: 1,350,000 × 2/3 = 900,000 → the 第6条 cap of 800,000; decided 800,000 (一致),
    // paid 900,000: 100,000 over both.
    let d1 = one(&rows, "申請番号", "D-1");
    assert_eq!(d1.yen("算定額"), Some(800_000));
    assert_eq!(d1.text("判定"), "一致");
    assert_eq!(d1.yen("確定額"), Some(900_000));
    assert_eq!(d1.yen("確定額の差額（対算定額）"), Some(100_000));
    assert_eq!(d1.yen("確定額の差額（対交付決定額）"), Some(100_000));
    assert_eq!(d1.text("確定額の判定"), "算定額・交付決定額超過");
    // D-2: 400,000 decided, 380,000 paid: within both.
    let d2 = one(&rows, "申請番号", "D-2");
    assert_eq!(d2.yen("確定額の差額（対算定額）"), Some(-20_000));
    assert_eq!(d2.text("確定額の判定"), "範囲内");
    // Not final: no 確定額 columns.
    let g1 = one(&rows, "申請番号", "G-1");
    assert_eq!(g1.yen("確定額"), None);
    assert_eq!(g1.text("確定額の判定"), "");

    let found = read_sheet(&report, "要確認").records("申請番号");
    let d1 = findings_of(&found, "D-1");
    let kinds: Vec<&str> = d1.iter().map(|(k, _)| k.as_str()).collect();
    assert!(kinds.contains(&"確定額超過"), "{d1:?}");
    assert!(kinds.contains(&"確定額が交付決定額超過"), "{d1:?}");
    let over_rules = &d1.iter().find(|(k, _)| k == "確定額超過").unwrap().1;
    assert!(
        over_rules.starts_with("確定額900,000円が算定額800,000円を100,000円上回っています（交付要綱第6条（3分の2以内、80万円を限度））"),
        "{over_rules}"
    );
    let over_decision = &d1
        .iter()
        .find(|(k, _)| k == "確定額が交付決定額超過")
        .unwrap()
        .1;
    assert!(
        over_decision.contains("確定額900,000円が交付決定額800,000円を100,000円上回っています。交付決定額を超える確定には変更の承認が必要です（交付要綱第10条）"),
        "{over_decision}"
    );
    // The refund estimate of D-1's early disposal says it is built on the 確定額.
    let disposal = &d1.iter().find(|(k, _)| k == "期間内処分").unwrap().1;
    assert!(
        disposal.contains("返還額は確定額900,000円を基に"),
        "{disposal}"
    );
    assert!(findings_of(&found, "D-2").is_empty());
}

#[test]
fn a_cancelled_grant_with_nothing_paid_owes_nothing() {
    let sandbox = Site::fixtures();
    let report = night(&sandbox, APPLICATIONS);
    let assets = read_sheet(&report, "財産処分制限").records("申請番号");
    let z3 = one(&assets, "財産番号", "Z-3");
    assert_eq!(z3.text("状況"), "期間内処分");
    // 交付決定額 400,000 × 162/180 would be 360,000; nothing was paid, so 0.
    assert_eq!(z3.yen("返還額（目安）"), Some(0));
    let z1 = one(&assets, "財産番号", "Z-1");
    // 900,000 × (180 − 18)/180 = 810,000, built on the 確定額 (and so flagged above).
    assert_eq!(z1.yen("返還額（目安）"), Some(810_000));
    let found = read_sheet(&report, "要確認").records("申請番号");
    let d3 = findings_of(&found, "D-3");
    assert!(
        d3.iter().any(|(k, t)| k == "期間内処分"
            && t.contains("既に交付した補助金がないため、返還を求める額はありません")),
        "{d3:?}"
    );
}

#[test]
fn labels_claim_no_more_than_the_seeds() {
    let sandbox = Site::fixtures();
    let report = night(&sandbox, APPLICATIONS);
    let rows = read_sheet(&report, "算定検証").records("申請番号");
    // 不交付 is decided: nothing to compare, not 未決定.
    assert_eq!(one(&rows, "申請番号", "D-4").text("判定"), "比較対象なし");
    // No rule set for FY2017: 算定不可, and ルール確認 says nothing.
    let s1 = one(&rows, "申請番号", "S-1");
    assert_eq!(s1.text("判定"), "算定不可");
    assert_eq!(s1.text("ルール確認"), "");
    // 3 members, 300,000 as the group's total: 200,000, truncated once (not 198,000).
    let g1 = one(&rows, "申請番号", "G-1");
    assert_eq!(g1.yen("算定額"), Some(200_000));
    assert_eq!(g1.text("判定"), "一致");
    assert_eq!(g1.text("ルール確認"), "確認済");
}

#[test]
fn a_later_fy_is_marked_carried_forward() {
    let sandbox = Site::fixtures();
    let later = APPLICATIONS.replace("2022/6/10", "2024/6/10");
    let report = night(&sandbox, &later);
    let rows = read_sheet(&report, "算定検証").records("申請番号");
    let g1 = one(&rows, "申請番号", "G-1");
    assert_eq!(g1.yen("算定額"), Some(200_000));
    assert_eq!(
        g1.text("ルール確認"),
        "繰越・未確認（確認済の年度の額を適用、市の確認待ち）"
    );
    assert!(
        g1.text("算定根拠").ends_with(
            "［適用ルール：綾瀬ブランド新商品開発支援事業補助金 令和4年度〜・繰越・未確認（令和4年度まで確認済の額を令和6年度に適用）］"
        ),
        "{}",
        g1.text("算定根拠")
    );
}

#[test]
fn the_retirement_premium_cap_is_exact_with_each_workers_premium_and_a_bound_without() {
    let sandbox = Site::fixtures();
    let report = night(&sandbox, APPLICATIONS);
    let rows = read_sheet(&report, "算定検証").records("申請番号");
    // 10,000 and 1,000 a month: 5,000 + 1,000 counted of 11,000 → 132,000 × 6/11 × 10% = 7,200.
    let t1 = one(&rows, "申請番号", "T-1");
    assert_eq!(t1.yen("算定額"), Some(7_200));
    assert_eq!(t1.yen("差額"), Some(4_800));
    assert_eq!(t1.text("判定"), "超過");
    assert!(
        t1.text("算定根拠")
            .contains("月額掛金内訳10,000円・1,000円のうち1名あたり月額5,000円までを算入"),
        "{}",
        t1.text("算定根拠")
    );
    // Without the breakdown only the bound min(13,200, 6,000 × 2) = 12,000: 上限内, not 一致.
    let t2 = one(&rows, "申請番号", "T-2");
    assert_eq!(t2.yen("算定額"), Some(12_000));
    assert_eq!(t2.text("判定"), "上限内");
    assert!(
        t2.text("算定根拠").starts_with("上限額："),
        "{}",
        t2.text("算定根拠")
    );
    assert!(
        t2.text("算定根拠")
            .contains("掛金の合計と対象人数からは上限しか分かりません")
    );
    let found = read_sheet(&report, "要確認").records("申請番号");
    assert!(
        findings_of(&found, "T-1")
            .iter()
            .any(|(k, _)| k == "算定額超過")
    );
    assert!(findings_of(&found, "T-2").is_empty());
}
