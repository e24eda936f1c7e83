//! `hojokin check-rules [CATALOGUE]` end to end: the shipped catalogue passes its cases; a
//! copy with one figure changed by one yen fails, naming the case with expected and actual;
//! a catalogue without cases cannot run.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;

use crate::support::bin::{Hojokin, Ran};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check_rules(dir: &Path, args: &[&str]) -> Output {
    Hojokin::new(dir).args(["check-rules"]).args(args).output()
}

/// A copy of catalogue/ (programs.toml and cases/) in a temporary folder.
fn copy_catalogue() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join("catalogue");
    std::fs::create_dir_all(to.join("cases")).unwrap();
    let from = repo().join("catalogue");
    std::fs::copy(from.join("programs.toml"), to.join("programs.toml")).unwrap();
    for e in std::fs::read_dir(from.join("cases")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join("cases").join(e.file_name())).unwrap();
    }
    tmp
}

#[test]
fn the_shipped_catalogue_passes_its_cases() {
    let out = check_rules(repo(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("はすべて合格しました"), "{stdout}");
}

#[test]
fn a_cap_changed_by_one_yen_fails_naming_the_case() {
    let tmp = copy_catalogue();
    let path = tmp.path().join("catalogue/programs.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // 中小企業受注拡大支援補助金's FY2022 cap, 200,000 → 200,001 (its first rule set).
    let at = text.find("name = \"中小企業受注拡大支援補助金\"").unwrap();
    let cap = at + text[at..].find("cap = 200_000").unwrap();
    let changed = format!(
        "{}cap = 200_001{}",
        &text[..cap],
        &text[cap + "cap = 200_000".len()..]
    );
    std::fs::write(&path, changed).unwrap();
    let out = check_rules(tmp.path(), &["catalogue/programs.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Only FY2022's cases fail: the FY2019-2021 rule set is a separate entry.
    Ran::of(out, tmp.path()).stderr_is(concat!(
        "catalogue/cases/02_juchu_kakudai.toml: ケース「2022年度 上限を超える」: 算定額 期待 200,000円、実際 200,001円（2/3、1,000円未満切り捨て、上限200,001円を適用［適用ルール：中小企業受注拡大支援補助金 令和4年度〜・確認済］）\n",
        "catalogue/cases/02_juchu_kakudai.toml: ケース「2023年度（繰越・未確認：令和4年度の額を適用） 上限を超える」: 算定額 期待 200,000円、実際 200,001円（【繰越・未確認のルール：この年度の額は市の確認待ち】2/3、1,000円未満切り捨て、上限200,001円を適用［適用ルール：中小企業受注拡大支援補助金 令和4年度〜・繰越・未確認（令和4年度まで確認済の額を令和5年度に適用）］）\n",
        "制度カタログ catalogue/programs.toml のルールのテストケース 331 件のうち 2 件が不合格です。\n",
    ));
}

#[test]
fn a_unit_changed_by_one_fails() {
    let tmp = copy_catalogue();
    let path = tmp.path().join("catalogue/programs.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // マル経融資利子補給金's FY2022 rule set: 100円 → 101円.
    let at = text.find("name = \"マル経融資利子補給金\"").unwrap();
    let unit = at + text[at..].find("unit = 100").unwrap();
    let changed = format!(
        "{}unit = 101{}",
        &text[..unit],
        &text[unit + "unit = 100".len()..]
    );
    std::fs::write(&path, changed).unwrap();
    let out = check_rules(tmp.path(), &["catalogue/programs.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    Ran::of(out, tmp.path()).stderr_is(concat!(
        "catalogue/cases/12_marukei_rishi.toml: ケース「2022年度 切り捨ての境目」: 算定額 期待 800円、実際 707円（1/2、101円未満切り捨て［適用ルール：マル経融資利子補給金 令和4年度〜・確認済］）\n",
        "catalogue/cases/12_marukei_rishi.toml: ケース「2022年度 切り捨ての境目の1円下」: 算定額 期待 700円、実際 707円（1/2、101円未満切り捨て［適用ルール：マル経融資利子補給金 令和4年度〜・確認済］）\n",
        "catalogue/cases/12_marukei_rishi.toml: ケース「2023年度（繰越・未確認：令和4年度の額を適用） 切り捨ての境目」: 算定額 期待 800円、実際 707円（【繰越・未確認のルール：この年度の額は市の確認待ち】1/2、101円未満切り捨て［適用ルール：マル経融資利子補給金 令和4年度〜・繰越・未確認（令和4年度まで確認済の額を令和5年度に適用）］）\n",
        "catalogue/cases/12_marukei_rishi.toml: ケース「2023年度 2月29日（閏年の末日）は申請期間内」: 算定額 期待 800円、実際 707円（【繰越・未確認のルール：この年度の額は市の確認待ち】1/2、101円未満切り捨て［適用ルール：マル経融資利子補給金 令和4年度〜・繰越・未確認（令和4年度まで確認済の額を令和5年度に適用）］）\n",
        "制度カタログ catalogue/programs.toml のルールのテストケース 331 件のうち 4 件が不合格です。\n",
    ));
}

#[test]
fn without_cases_or_a_readable_catalogue_it_cannot_run() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("catalogue/programs.toml"),
        tmp.path().join("programs.toml"),
    )
    .unwrap();
    let out = check_rules(tmp.path(), &["programs.toml"]);
    assert_eq!(out.status.code(), Some(2));
    Ran::of(out, tmp.path()).stderr_is("エラー: ルールのテストケースのフォルダー cases を読めません: No such file or directory (os error 2)\n");
    let out = check_rules(tmp.path(), &["missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    Ran::of(out, tmp.path()).stderr_is("エラー: 制度カタログ missing.toml を読み込めません: No such file or directory (os error 2)\n");
}
