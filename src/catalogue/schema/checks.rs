//! Checks across items rather than on one: no two courses of a program share
//! a name or alias, no two rule sets of a course cover one year, and no two
//! programs share a name or alias.
//!
//! These need the items already validated, so they run after them and are
//! kept apart from the per-item checks.

use std::collections::HashMap;

use super::Ctx;
use crate::catalogue::error::CatalogueError;
use crate::catalogue::{Course, Program, RuleSet};

pub(super) fn check_unique_courses(ctx: &Ctx, courses: &[Course]) -> Result<(), CatalogueError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, c) in courses.iter().enumerate() {
        let fields = std::iter::once("name").chain(c.aliases.iter().map(|_| "aliases"));
        let spelled = std::iter::once(c.name.as_str()).chain(c.aliases.iter().map(String::as_str));
        for ((field, n), k) in fields.zip(spelled).zip(c.names.keys()) {
            if let Some(prev) = seen.insert(k.clone(), &c.name) {
                return Err(ctx.err(
                    format!("courses[{}].{field}", i + 1),
                    format!("「{n}」は区分「{prev}」の名前または別名と重複しています。"),
                ));
            }
        }
    }
    Ok(())
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

pub(super) fn check_unique_programs(
    file: &str,
    programs: &[Program],
) -> Result<(), CatalogueError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for p in programs {
        let fields = std::iter::once("name").chain(p.aliases.iter().map(|_| "aliases"));
        let spelled = std::iter::once(p.name.as_str()).chain(p.aliases.iter().map(String::as_str));
        for ((field, n), k) in fields.zip(spelled).zip(p.names.keys()) {
            if let Some(prev) = seen.insert(k.clone(), &p.name) {
                return Err(CatalogueError::invalid(
                    file,
                    &p.name,
                    field,
                    format!("「{n}」は制度「{prev}」の名前または別名と重複しています。"),
                ));
            }
        }
    }
    Ok(())
}
