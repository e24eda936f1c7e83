//! Checks across items rather than on one: no two courses of a program share
//! a name or alias, no two rule sets of a course cover one year, and no two
//! programs share a name or alias.
//!
//! These need the items already validated, so they run after them and are
//! kept apart from the per-item checks.

use std::collections::HashMap;

use super::Ctx;
use crate::catalogue::error::CatalogueError;
use crate::catalogue::names::NameSet;
use crate::catalogue::{Course, Program, RuleSet};

/// No two courses of a program share a name or alias (after [`crate::catalogue::names::key`]).
pub(super) fn check_unique_courses(ctx: &Ctx, courses: &[Course]) -> Result<(), CatalogueError> {
    match first_clash(courses, |c| (&*c.name, c.aliases.as_slice(), &c.names)) {
        Some(c) => Err(ctx.err(
            format!("courses[{}].{}", c.index + 1, c.field),
            format!(
                "「{}」は区分「{}」の名前または別名と重複しています。",
                c.spelled, c.earlier
            ),
        )),
        None => Ok(()),
    }
}

/// Two rule sets for one program and course must not both cover a year.
pub(super) fn check_no_overlap(ctx: &Ctx, rules: &[RuleSet]) -> Result<(), CatalogueError> {
    for (i, a) in rules.iter().enumerate() {
        for (j, b) in rules.iter().enumerate().skip(i + 1) {
            let overlaps = a.course == b.course
                && a.fy_from <= b.fy_to.unwrap_or(i32::MAX)
                && b.fy_from <= a.fy_to.unwrap_or(i32::MAX);
            if overlaps {
                let course = a.course.as_deref().unwrap_or("なし");
                return Err(ctx.err(
                    format!("rules[{}].fy_from", j + 1),
                    format!(
                        "区分「{course}」の年度範囲 {} が rules[{}] の {} と重なっています。",
                        range_text(b),
                        i + 1,
                        range_text(a)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn range_text(r: &RuleSet) -> String {
    match r.fy_to {
        Some(to) => format!("{}〜{}年度", r.fy_from, to),
        None => format!("{}年度〜", r.fy_from),
    }
}

/// No two programs share a name or alias (after [`crate::catalogue::names::key`]).
pub(super) fn check_unique_programs(
    file: &str,
    programs: &[Program],
) -> Result<(), CatalogueError> {
    match first_clash(programs, |p| (&*p.name, p.aliases.as_slice(), &p.names)) {
        Some(c) => Err(CatalogueError::invalid(
            file,
            &programs[c.index].name,
            c.field,
            format!(
                "「{}」は制度「{}」の名前または別名と重複しています。",
                c.spelled, c.earlier
            ),
        )),
        None => Ok(()),
    }
}

/// A name or alias that matches one given before it.
#[derive(Debug, PartialEq, Eq)]
struct Clash<'a> {
    /// The item that repeats it (0-based).
    index: usize,
    /// `name` or `aliases`, the key staff fix.
    field: &'static str,
    /// As the catalogue spells it.
    spelled: &'a str,
    /// The name of the item that had it first (possibly the same item).
    earlier: &'a str,
}

/// The first name or alias of `items`, in order (each item's name, then its
/// aliases), whose key an earlier one already had: the one uniqueness check
/// for programs and for the courses of a program.
fn first_clash<'a, T>(
    items: &'a [T],
    names: impl Fn(&'a T) -> (&'a str, &'a [String], &'a NameSet),
) -> Option<Clash<'a>> {
    let mut seen: HashMap<&'a str, &'a str> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        let (name, aliases, set) = names(item);
        let fields = std::iter::once("name").chain(aliases.iter().map(|_| "aliases"));
        let spelled = std::iter::once(name).chain(aliases.iter().map(String::as_str));
        for ((field, spelled), k) in fields.zip(spelled).zip(set.keys()) {
            if let Some(earlier) = seen.insert(k, name) {
                return Some(Clash {
                    index,
                    field,
                    spelled,
                    earlier,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, aliases, keys) as the catalogue holds them.
    fn named(name: &str, aliases: &[&str]) -> (String, Vec<String>, NameSet) {
        let aliases: Vec<String> = aliases.iter().map(ToString::to_string).collect();
        let set = NameSet::new(name, &aliases);
        (name.to_string(), aliases, set)
    }

    fn clash(items: &[(String, Vec<String>, NameSet)]) -> Option<Clash<'_>> {
        first_clash(items, |(n, a, s)| (n.as_str(), a.as_slice(), s))
    }

    #[test]
    fn distinct_names_and_aliases_do_not_clash() {
        let items = [named("A", &["甲"]), named("B", &["乙", "丙"])];
        assert_eq!(clash(&items), None);
    }

    #[test]
    fn an_alias_matching_an_earlier_name_after_nfkc_clashes_where_it_is_written() {
        let items = [named("A", &[]), named("B", &["乙", "Ａ"])];
        assert_eq!(
            clash(&items),
            Some(Clash {
                index: 1,
                field: "aliases",
                spelled: "Ａ",
                earlier: "A",
            })
        );
    }

    #[test]
    fn a_name_repeating_its_own_alias_clashes_with_itself() {
        let items = [named("A", &[" A"])];
        assert_eq!(
            clash(&items),
            Some(Clash {
                index: 0,
                field: "aliases",
                spelled: " A",
                earlier: "A",
            })
        );
    }

    #[test]
    fn courses_and_programs_say_which_key_repeats_what() {
        let ctx = Ctx {
            file: "programs.toml",
            program: "X補助金",
        };
        let course = |name: &str, aliases: &[&str]| {
            let (name, aliases, names) = named(name, aliases);
            Course {
                name: name.as_str().into(),
                aliases,
                names,
            }
        };
        let err = check_unique_courses(&ctx, &[course("A", &[]), course("B", &["Ａ"])])
            .unwrap_err()
            .to_string();
        assert!(err.contains("courses[2].aliases"), "{err}");
        assert!(
            err.contains("「Ａ」は区分「A」の名前または別名と重複しています。"),
            "{err}"
        );
    }
}
