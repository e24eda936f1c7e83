//! Loading, validating and looking up the catalogue.

use std::io::Write;

use crate::catalogue::{Catalogue, CatalogueError};
use crate::model::{RefundMethod, ReportingDuty};

#[test]
fn builtin_loads_with_every_program_of_the_table() {
    let cat = Catalogue::from_toml(include_str!("../../catalogue/programs.toml"), "shipped")
        .expect("the shipped catalogue must load");
    assert_eq!(
        cat.program_names(),
        vec![
            "中小企業強靭化推進補助金",
            "中小企業受注拡大支援補助金",
            "ダイバーシティ経営推進補助金",
            "中小企業活性化事業補助金",
            "ものづくり人材育成補助金",
            "技能検定支援補助金",
            "綾瀬ブランド新商品開発支援事業補助金",
            "ものづくり技術発信事業補助金",
            "あやせ工業団地オープンファクトリー補助金",
            "中小企業信用保証料補助金",
            "中小企業融資利子補給金",
            "マル経融資利子補給金",
            "中小企業退職金共済制度奨励補助金",
            "企業立地奨励金",
            "障がい者雇用促進報奨金",
        ]
    );
    // 22 rows in docs/rules.md's table, each a verified FY2022- set and an assumed FY2019-2021
    // one, 綾瀬ブランド's FY2019-2020 single-company set, and 障がい者雇用促進報奨金.
    let rule_sets: usize = cat.programs().iter().map(|p| p.rules.len()).sum();
    assert_eq!(rule_sets, 46);
    let assumed = cat
        .programs()
        .iter()
        .flat_map(|p| &p.rules)
        .filter(|r| r.assumed)
        .count();
    assert_eq!(assumed, 23);
    for r in cat.programs().iter().flat_map(|p| &p.rules) {
        // Every rule set before FY2022 is marked assumed; none from FY2022 is.
        assert_eq!(r.assumed, r.fy_to.is_some_and(|to| to < 2022), "{r:?}");
    }
    assert_eq!(Catalogue::builtin().program_names().len(), 15);
}

#[test]
fn names_and_courses_resolve_after_nfkc_and_trim() {
    let cat = Catalogue::builtin();
    let cases = [
        ("中小企業強靭化推進補助金", Some("中小企業強靭化推進補助金")),
        ("中小企業強靱化推進補助金", Some("中小企業強靭化推進補助金")),
        (
            "　ダイバーシティ経営推進補助金 ",
            Some("ダイバーシティ経営推進補助金"),
        ),
        (
            "あやせ工業団地ｵｰﾌﾟﾝﾌｧｸﾄﾘｰ補助金",
            Some("あやせ工業団地オープンファクトリー補助金"),
        ),
        ("架空補助金", None),
    ];
    for (given, want) in cases {
        assert_eq!(cat.canonical_program(given), want, "{given}");
    }
    let p = "中小企業強靭化推進補助金";
    assert_eq!(cat.courses(p), vec!["Aコース", "Bコース"]);
    assert!(cat.courses("ダイバーシティ経営推進補助金").is_empty());
    for (given, want) in [
        ("A", Some("Aコース")),
        ("Ａコース", Some("Aコース")),
        ("b", None),
    ] {
        assert_eq!(cat.canonical_course(p, given), want, "{given}");
    }
    assert_eq!(
        cat.canonical_course("融資利子補給金", "県制度"),
        Some("県制度融資")
    );
}

#[test]
fn reporting_duties_and_refund_method() {
    let cat = Catalogue::builtin();
    assert_eq!(
        cat.reporting_duties(),
        vec![ReportingDuty {
            program: "ダイバーシティ経営推進補助金".into(),
            name: "採用状況報告".into(),
            month: 4,
            day: 30,
            shift: crate::model::DueShift::NextOpenDay,
            basis: Some("市の運用（交付要綱第15条第3項は「4月に」とだけ定めるため、4月30日を期限とし、閉庁日の場合は翌開庁日としています）".into()),
            years_after: vec![1, 2],
            forms: vec![
                crate::model::Form {
                    name: "第10号様式".into(),
                    title: Some("採用状況報告書".into()),
                    attached_to: None,
                },
                crate::model::Form {
                    name: "第11号様式".into(),
                    title: Some("採用者リスト".into()),
                    attached_to: Some("第10号様式".into()),
                },
            ],
            attachments: vec![
                "雇用保険被保険者証の写し".into(),
                "身体障害者手帳又は療育手帳等の写し".into(),
                "求人票及び求人を行ったことを証明する書類等".into(),
            ],
            grace_open_days: 3,
            transition: Some(crate::model::Transition {
                decided_before: chrono::NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
                source: "令和3年改正附則第2項「なお従前の例による」".into(),
                confirmed_fys: vec![],
            }),
            notes_hires: true,
        }]
    );
    let diversity = cat.find_program("ダイバーシティ経営推進補助金").unwrap();
    assert_eq!(cat.refund_method(diversity), RefundMethod::ProRata);
    assert_eq!(cat.find_program("架空補助金"), None);
    let full = Catalogue::from_toml(
        "[[programs]]\nname = \"X補助金\"\nrefund_method = \"full\"\n",
        "x.toml",
    )
    .unwrap();
    let x = full.find_program("Ｘ補助金").unwrap();
    assert_eq!(full.refund_method(x), RefundMethod::Full);
}

const GOOD_RULE: &str = "fy_from = 2019\nrate = \"1/2\"\nunit = 1000\n";

fn error_of(text: &str) -> String {
    match Catalogue::from_toml(text, "jobs/custom.toml") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn program(name: &str, rules: &str) -> String {
    format!("[[programs]]\nname = \"{name}\"\n[[programs.rules]]\n{rules}")
}

#[test]
fn errors_name_the_file_the_program_and_the_key() {
    let cases = [
        (
            program("X補助金", &format!("{GOOD_RULE}bogus = 1\n")),
            "制度カタログ jobs/custom.toml: 制度「X補助金」のキー rules.bogus が不正です。不明なキーです（使えるキー: course, fy_from,",
        ),
        (
            program("X補助金", "fy_from = \"2019\"\nrate = \"1/2\"\nunit = 1000\n"),
            "制度「X補助金」のキー rules.fy_from が不正です。値の形が正しくありません（invalid type: string \"2019\", expected i32）。",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"3/2\"\nunit = 1000\n"),
            "制度カタログ jobs/custom.toml: 制度「X補助金」のキー rules[1].rate が不正です。補助率「3/2」は0より大きく1以下でなければなりません。",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"0\"\nunit = 1000\n"),
            "キー rules[1].rate が不正です。補助率「0」は0より大きく1以下",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"半分\"\nunit = 1000\n"),
            "補助率「半分」を数として読めません",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"1/2\"\nunit = 0\n"),
            "制度「X補助金」のキー rules[1].unit が不正です。切り捨て単位 0 は正の数でなければなりません。",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"1/2\"\n"),
            "制度「X補助金」のキー rules[1].unit が不正です。必須のキーがありません。",
        ),
        (
            format!(
                "{}[[programs.rules]]\nfy_from = 2021\nfy_to = 2023\nrate = \"1/2\"\nunit = 1000\n",
                program("X補助金", "fy_from = 2019\nfy_to = 2021\nrate = \"1/2\"\nunit = 1000\n")
            ),
            "制度「X補助金」のキー rules[2].fy_from が不正です。区分「なし」の年度範囲 2021〜2023年度 が rules[1] の 2019〜2021年度 と重なっています。",
        ),
        (
            format!(
                "{}{}",
                program("X補助金", GOOD_RULE),
                program("Y補助金", GOOD_RULE).replace(
                    "name = \"Y補助金\"\n",
                    "name = \"Y補助金\"\naliases = [\"Ｘ補助金\"]\n"
                )
            ),
            "制度「Y補助金」のキー aliases が不正です。「Ｘ補助金」は制度「X補助金」の名前または別名と重複しています。",
        ),
        (
            format!("{}{}", program("X補助金", GOOD_RULE), program(" X補助金", GOOD_RULE)),
            "制度「 X補助金」のキー name が不正です。",
        ),
        (
            "[[programs]]\nname = \"X補助金\"\n[[programs.courses]]\nname = \"A\"\n[[programs.rules]]\nfy_from = 2019\nrate = \"1/2\"\nunit = 1000\n".to_string(),
            "制度「X補助金」のキー rules[1].course が不正です。この制度には区分があるので",
        ),
        (
            program("X補助金", "fy_from = 2019\nmethod = \"none\"\n"),
            "キー rules[1].method が不正です。method = \"none\" には unverified = true と理由の note が必要です。",
        ),
        (
            "[[programs]]\naliases = []\n".to_string(),
            "制度「1番目の[[programs]]」のキー name が不正です。必須のキーがありません。",
        ),
        (
            format!("version = 1\n{}", program("X補助金", GOOD_RULE)),
            "制度「（全体）」のキー version が不正です。",
        ),
        (
            "[[programs]]\nname = \"X補助金\"\n[[programs.reporting_duties]]\nname = \"報告\"\nmonth = 4\nday = 31\nyears_after = [1]\n".to_string(),
            "キー reporting_duties[1].day が不正です。4月31日という日付はありません。",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"1/2\"\nunit = 1000\ncap_scope = \"company_fy\"\n"),
            "キー rules[1].cap が不正です。",
        ),
        (
            program("X補助金", GOOD_RULE).replace(
                "name = \"X補助金\"\n",
                "name = \"X補助金\"\ngroup_cost_basis = \"per_member\"\n",
            ),
            "キー group_cost_basis が不正です。団体の制度（cap_multiplier = \"members\" の rules）がないのに指定されています。",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"1/2\"\nunit = 1000\ncap = 500\nmin_members = 3\n"),
            "キー rules[1].min_members が不正です。min_members は団体の制度",
        ),
        (
            program("X補助金", "fy_from = 2019\nrate = \"1/2\"\nunit = 1000\ncap = 500\ncap_multiplier = \"members\"\ncap_scope = \"company_fy\"\n"),
            "キー rules[1].cap_scope が不正です。団体の制度",
        ),
        (
            program("X補助金", GOOD_RULE).replace(
                "name = \"X補助金\"\n",
                "name = \"X補助金\"\nestablishment_counts = \"all\"\n",
            ),
            "キー establishment_counts が不正です。「all」は使えません（granted、any）。",
        ),
        (
            program("X補助金", GOOD_RULE).replace(
                "name = \"X補助金\"\n",
                "name = \"X補助金\"\nexcluded_asset_categories = [\"器具備品\"]\n",
            ),
            "キー excluded_asset_categories[1] が不正です。「器具備品」は耐用年数表の種類",
        ),
        (
            "[[programs]]\nname = \"X補助金\"\n[[programs.reporting_duties]]\nname = \"報告\"\nmonth = 4\nday = 30\nshift = \"next\"\nyears_after = [1]\n".to_string(),
            "キー reporting_duties[1].shift が不正です。「next」は使えません（next_open_day、previous_open_day、none）。",
        ),
    ];
    for (text, want) in cases {
        let got = error_of(&text);
        assert!(got.contains(want), "got:  {got}\nwant: {want}");
    }
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let got = error_of("[[programs]]\nname = \"X補助金\nrate = 1\n");
    assert!(
        got.starts_with("制度カタログ jobs/custom.toml はTOMLとして読めません"),
        "{got}"
    );
    assert!(got.contains("line 2"), "{got}");
}

#[test]
fn load_reads_a_file_and_names_it_in_errors() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(program("X補助金", GOOD_RULE).as_bytes())
        .unwrap();
    let cat = Catalogue::load(f.path()).unwrap();
    assert_eq!(cat.program_names(), vec!["X補助金"]);
    assert_eq!(cat.origin(), f.path().display().to_string());

    let missing = std::path::Path::new("/nonexistent/programs.toml");
    let err = Catalogue::load(missing).unwrap_err();
    assert!(matches!(err, CatalogueError::Read { .. }));
    assert!(
        err.to_string()
            .starts_with("制度カタログ /nonexistent/programs.toml を読み込めません"),
        "{err}"
    );
}

#[test]
fn forms_may_be_plain_numbers_or_titled() {
    let text = format!(
        "{}[[programs.reporting_duties]]\nname = \"報告\"\nmonth = 4\nday = 30\nyears_after = [1]\nforms = [\"第1号様式\", {{ name = \"第2号様式\", title = \"一覧\", attached_to = \"第1号様式\" }}]\nattachments = [\"写し\"]\n",
        program("X補助金", GOOD_RULE)
    );
    let cat = Catalogue::from_toml(&text, "jobs/custom.toml").unwrap();
    let duty = &cat.reporting_duties()[0];
    let shown: Vec<String> = duty.forms.iter().map(|f| f.display()).collect();
    assert_eq!(
        shown,
        vec!["第1号様式", "第2号様式 一覧（第1号様式に添付）"]
    );
    assert_eq!(duty.attachments, vec!["写し".to_string()]);
    let bad = text.replace("title = \"一覧\"", "titel = \"一覧\"");
    assert!(Catalogue::from_toml(&bad, "jobs/custom.toml").is_err());
}

/// Issue 23.12: the 督促's grace of open days is a duty setting, default 3.
#[test]
fn the_grace_before_the_tokusoku_is_a_duty_setting() {
    let duty = |extra: &str| {
        format!(
            "{}[[programs.reporting_duties]]\nname = \"報告\"\nmonth = 4\nday = 30\nyears_after = [1]\n{extra}",
            program("X補助金", GOOD_RULE)
        )
    };
    let grace = |text: &str| {
        Catalogue::from_toml(text, "jobs/custom.toml")
            .map(|c| c.reporting_duties()[0].grace_open_days)
    };
    assert_eq!(grace(&duty("")).unwrap(), 3);
    assert_eq!(grace(&duty("grace_open_days = 0\n")).unwrap(), 0);
    assert_eq!(grace(&duty("grace_open_days = 5\n")).unwrap(), 5);
    let err = grace(&duty("grace_open_days = 21\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("reporting_duties[1].grace_open_days") && err.contains("0〜20"),
        "{err}"
    );
}
