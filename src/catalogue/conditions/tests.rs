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
