//! The conditions' settings: what the shipped catalogue switches on, and the errors a bad
//! setting gives.

use crate::catalogue::Catalogue;

fn shipped() -> Catalogue {
    Catalogue::from_toml(include_str!("../../../catalogue/programs.toml"), "shipped").unwrap()
}

fn error_of(text: &str) -> String {
    Catalogue::from_toml(text, "test.toml")
        .unwrap_err()
        .to_string()
}

/// Issue 22 item 6: the seeds restrict the disposal of the diversity subsidy's assets only.
#[test]
fn the_shipped_catalogue_restricts_disposal_for_the_diversity_subsidy_alone() {
    let cat = shipped();
    let restricted: Vec<(&str, &str)> = cat
        .programs()
        .iter()
        .filter_map(|p| {
            let r = p.conditions.disposal_restriction.as_ref()?;
            Some((p.name.as_str(), r.source.as_str()))
        })
        .collect();
    assert_eq!(
        restricted,
        [(
            "ダイバーシティ経営推進補助金",
            "交付要綱第12条第4号・第16条"
        )]
    );
}

#[test]
fn a_disposal_restriction_must_name_its_source() {
    let text = "[[programs]]\nname = \"P\"\n[programs.disposal_restriction]\nsource = \" \"\n";
    let err = error_of(text);
    assert!(err.contains("disposal_restriction.source"), "{err}");
    assert!(err.contains("根拠"), "{err}");
    let text = "[[programs]]\nname = \"P\"\n[programs.disposal_restriction]\n";
    assert!(error_of(text).contains("source"), "{}", error_of(text));
}

/// Issue 22 item 16: a group rule set (cap × 参画企業数) requires 2 members unless it says
/// otherwise.
#[test]
fn a_group_needs_two_members_unless_the_catalogue_says_otherwise() {
    let group = |extra: &str| {
        let text = format!(
            "[[programs]]\nname = \"G\"\n[[programs.rules]]\nfy_from = 2022\nrate = \"2/3\"\ncap = 1000\ncap_multiplier = \"members\"\nunit = 1\n{extra}"
        );
        let cat = Catalogue::from_toml(&text, "g.toml").unwrap();
        cat.programs()[0].rules[0].min_members
    };
    assert_eq!(group(""), Some(2));
    assert_eq!(group("min_members = 1\n"), Some(1));
    assert_eq!(group("min_members = 3\n"), Some(3));
    let single = Catalogue::from_toml(
        "[[programs]]\nname = \"S\"\n[[programs.rules]]\nfy_from = 2022\nrate = \"1/2\"\nunit = 1\n",
        "s.toml",
    )
    .unwrap();
    assert_eq!(single.programs()[0].rules[0].min_members, None);
}

/// Issue 22 item 17: the windows the brochure gives, as FY data.
#[test]
fn the_shipped_windows_are_the_brochures() {
    let cat = shipped();
    let window = |name: &str| {
        let p = &cat.programs()[cat.find_program(name).unwrap().index()];
        p.conditions
            .windows
            .iter()
            .map(|w| (w.fy_from, w.fy_to, w.from.label(), w.to.label()))
            .collect::<Vec<_>>()
    };
    let s = |t: &str| t.to_string();
    assert_eq!(
        window("中小企業活性化事業補助金"),
        [(2022, Some(2022), s("4月1日"), s("2月28日"))]
    );
    assert_eq!(
        window("中小企業融資利子補給金"),
        [(2022, None, s("1月4日"), s("1月31日"))]
    );
    assert_eq!(
        window("マル経融資利子補給金"),
        [(2022, None, s("2月1日"), s("2月末日"))]
    );
    assert_eq!(
        window("中小企業退職金共済制度奨励補助金"),
        [(2022, None, s("2月1日"), s("2月20日"))]
    );
    assert_eq!(
        window("障がい者雇用促進報奨金"),
        [(2022, None, s("6月1日"), s("6月30日"))]
    );
    assert!(window("中小企業強靭化推進補助金").is_empty());
    let w = &cat.programs()[cat.find_program("マル経融資利子補給金").unwrap().index()]
        .conditions
        .windows[0];
    assert_eq!(
        w.days(2023),
        Some((
            chrono::NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        ))
    );
}

#[test]
fn a_bad_window_names_its_key() {
    let program = |w: &str| {
        format!(
            "[[programs]]\nname = \"P\"\n[[programs.application_windows]]\nfy_from = 2022\nsource = \"パンフレット\"\n{w}"
        )
    };
    for (w, key) in [
        (
            "from = \"2/30\"\nto = \"3/1\"\n",
            "application_windows[1].from",
        ),
        (
            "from = \"四月\"\nto = \"3/1\"\n",
            "application_windows[1].from",
        ),
        (
            "from = \"2/1\"\nto = \"1/31\"\n",
            "application_windows[1].to",
        ),
        (
            "from = \"4/1\"\nto = \"13/末\"\n",
            "application_windows[1].to",
        ),
    ] {
        let err = error_of(&program(w));
        assert!(err.contains(key), "{w}: {err}");
    }
    let ok = Catalogue::from_toml(&program("from = \"12/1\"\nto = \"3/末\"\n"), "t.toml");
    assert!(ok.is_ok());
}
