//! The rule test cases of catalogue/cases/ against the shipped catalogue, and against every
//! copy of it with one figure moved by one yen or one unit: each such copy must fail at least
//! one case (or be refused when it loads), so the cases pin every figure of every rule set.

use std::path::Path;

use crate::catalogue::Catalogue;
use crate::rules::cases::{self, CaseFile};

fn shipped_cases() -> Vec<CaseFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue/cases");
    cases::load_dir(&dir).unwrap()
}

const SHIPPED: &str = include_str!("../../../catalogue/programs.toml");

#[test]
fn every_shipped_case_passes() {
    let files = shipped_cases();
    assert!(cases::count(&files) >= 200, "{}", cases::count(&files));
    let failures = cases::run(&Catalogue::builtin(), &files);
    let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
}

/// Keys whose value is a figure of a rule set, and whether a +1 change can show in any
/// amount. The per-person figures cannot: 雇用奨励金 sums multiples of 100,000円 and truncates
/// to 10,000円, so one more yen per person is truncated away for any realistic 対象人数.
const FIGURES: [(&str, bool); 12] = [
    ("cap", true),
    ("floor", true),
    ("unit", true),
    ("per_person", false),
    ("per_woman", false),
    ("per_disabled_addon", false),
    ("max_persons_per_company_fy", true),
    ("min_members", true),
    ("fy_from", true),
    ("fy_to", true),
    ("confirmed_to", true),
    ("premium_cap_monthly", true),
];

/// Each (description, catalogue text) with one figure of one rule set moved by ±1.
fn mutants() -> Vec<(String, String)> {
    let table: toml::Table = toml::from_str(SHIPPED).unwrap();
    let programs = table["programs"].as_array().unwrap();
    let mut out = Vec::new();
    for (pi, p) in programs.iter().enumerate() {
        let rules = p.get("rules").and_then(|r| r.as_array()).unwrap();
        for (ri, r) in rules.iter().enumerate() {
            for (key, plus_shows) in FIGURES {
                let Some(v) = r.get(key).and_then(toml::Value::as_integer) else {
                    continue;
                };
                for delta in [-1i64, 1] {
                    if delta == 1 && !plus_shows {
                        continue;
                    }
                    let mut t = table.clone();
                    let rule = t["programs"].as_array_mut().unwrap()[pi]
                        .get_mut("rules")
                        .and_then(|x| x.as_array_mut())
                        .unwrap()
                        .get_mut(ri)
                        .and_then(|x| x.as_table_mut())
                        .unwrap();
                    rule.insert(key.to_string(), toml::Value::Integer(v + delta));
                    let what = format!(
                        "{} rules[{}].{key} {v} → {}",
                        p["name"].as_str().unwrap(),
                        ri + 1,
                        v + delta
                    );
                    out.push((what, toml::to_string(&t).unwrap()));
                }
            }
        }
    }
    out
}

#[test]
fn a_figure_moved_by_one_fails_a_case() {
    let files = shipped_cases();
    let mutants = mutants();
    assert!(mutants.len() > 200, "{}", mutants.len());
    let mut survivors = Vec::new();
    for (what, text) in &mutants {
        // A copy that no longer loads (overlapping FYs, unit 0, …) is refused: caught too.
        let Ok(cat) = Catalogue::from_toml(text, "mutant.toml") else {
            continue;
        };
        if cases::run(&cat, &files).is_empty() {
            survivors.push(what.clone());
        }
    }
    assert!(
        survivors.is_empty(),
        "no case fails for:\n{}",
        survivors.join("\n")
    );
}
