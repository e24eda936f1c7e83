//! The validation of one `[[programs]]` table into a [`Program`]: its name,
//! courses, rule sets, program-wide checks and reporting duties.
//!
//! This is where a program's parts are put together; each part's own checks
//! live in the sibling modules (rule sets in `rules`, duties in `duties`,
//! fixed spellings in `choice`, uniqueness and overlap in `checks`).

use super::Ctx;
use super::checks::{check_no_overlap, check_unique_courses};
use super::choice::{choice, shift};
use super::conditions::{RawConditions, conditions};
use super::duties::duty;
use super::raw::{RawArticles, RawCourse, RawProgram, RawRule};
use super::rules::rule;
use crate::catalogue::error::CatalogueError;
use crate::catalogue::names::{NameSet, key};
use crate::catalogue::useful_life;
use crate::catalogue::{
    Articles, CapMultiplier, Checks, Course, EstablishmentCounts, FirstDay, GroupCostBasis,
    Program, RuleSet,
};
use crate::model::RefundMethod;

/// One program, its parts validated in the order its errors are reported:
/// name, courses, rule sets, refund and group settings, checks, duties,
/// conditions.
pub(super) fn program(ctx: &Ctx, mut raw: RawProgram) -> Result<Program, CatalogueError> {
    if key(&raw.name).is_empty() {
        return Err(ctx.err("name", "制度名が空です。"));
    }
    let courses = courses(ctx, std::mem::take(&mut raw.courses))?;
    let rules = rule_sets(ctx, std::mem::take(&mut raw.rules), &courses)?;
    let refund_method = refund_method(ctx, raw.refund_method.as_deref())?;
    let group_cost_basis = group_cost_basis(ctx, raw.group_cost_basis.as_deref(), &rules)?;
    let checks = checks(ctx, &mut raw)?;
    let mut reporting_duties = Vec::with_capacity(raw.reporting_duties.len());
    for (i, d) in std::mem::take(&mut raw.reporting_duties)
        .into_iter()
        .enumerate()
    {
        let mut d = duty(ctx, i, d, &raw.name)?;
        d.notes_hires = raw.hire_reported;
        reporting_duties.push(d);
    }
    let conditions = conditions(
        ctx,
        RawConditions {
            disposal_restriction: raw.disposal_restriction,
            windows: raw.application_windows,
            lead_time: raw.lead_time,
            establishment_in: raw.establishment_in,
        },
    )?;
    Ok(Program {
        names: NameSet::new(&raw.name, &raw.aliases),
        name: raw.name.into(),
        aliases: raw.aliases,
        courses,
        rules,
        checks,
        group_cost_basis,
        refund_method,
        reporting_duties,
        conditions,
    })
}

/// The program's 区分, no two sharing a name or alias.
fn courses(ctx: &Ctx, raw: Vec<RawCourse>) -> Result<Vec<Course>, CatalogueError> {
    let courses: Vec<Course> = raw
        .into_iter()
        .map(|c| Course {
            names: NameSet::new(&c.name, &c.aliases),
            name: c.name.into(),
            aliases: c.aliases,
        })
        .collect();
    check_unique_courses(ctx, &courses)?;
    Ok(courses)
}

/// The program's rule sets, no two of one course covering the same year.
fn rule_sets(
    ctx: &Ctx,
    raw: Vec<RawRule>,
    courses: &[Course],
) -> Result<Vec<RuleSet>, CatalogueError> {
    let mut rules = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        rules.push(rule(ctx, &format!("rules[{}]", i + 1), r, courses)?);
    }
    check_no_overlap(ctx, &rules)?;
    Ok(rules)
}

/// `refund_method`: pro rata unless the program says full.
fn refund_method(ctx: &Ctx, raw: Option<&str>) -> Result<RefundMethod, CatalogueError> {
    match raw {
        None | Some("pro_rata") => Ok(RefundMethod::ProRata),
        Some("full") => Ok(RefundMethod::Full),
        Some(other) => Err(ctx.err(
            "refund_method",
            format!("「{other}」は使えません（pro_rata または full）。"),
        )),
    }
}

/// `group_cost_basis`: only a group program (a rule set whose cap is per
/// member) may say what its 補助対象経費 holds.
fn group_cost_basis(
    ctx: &Ctx,
    raw: Option<&str>,
    rules: &[RuleSet],
) -> Result<GroupCostBasis, CatalogueError> {
    let basis = choice(
        ctx,
        "group_cost_basis",
        raw,
        &[
            ("group_total", GroupCostBasis::GroupTotal),
            ("per_member", GroupCostBasis::PerMember),
        ],
    )?;
    let grouped = rules.iter().any(|r| {
        r.cap
            .as_ref()
            .is_some_and(|c| c.multiplier == CapMultiplier::Members)
    });
    if raw.is_some() && !grouped {
        return Err(ctx.err(
            "group_cost_basis",
            "団体の制度（cap_multiplier = \"members\" の rules）がないのに指定されています。",
        ));
    }
    Ok(basis)
}

/// The checks the program asks for, with their settings validated; takes
/// the excluded categories and the articles out of `raw`, which keeps the
/// rest for the duties and conditions.
fn checks(ctx: &Ctx, raw: &mut RawProgram) -> Result<Checks, CatalogueError> {
    let establishment_counts = choice(
        ctx,
        "establishment_counts",
        raw.establishment_counts.as_deref(),
        &[
            ("granted", EstablishmentCounts::Granted),
            ("any", EstablishmentCounts::Any),
        ],
    )?;
    let completion_report_first_day = choice(
        ctx,
        "completion_report_first_day",
        raw.completion_report_first_day.as_deref(),
        &[
            ("excluded", FirstDay::Excluded),
            ("included", FirstDay::Included),
        ],
    )?;
    check_excluded_categories(ctx, &raw.excluded_asset_categories)?;
    let completion_report_shift = shift(
        ctx,
        "completion_report_shift",
        raw.completion_report_shift.as_deref(),
    )?;
    if raw.completion_report_days == Some(0) {
        return Err(ctx.err(
            "completion_report_days",
            "0日は指定できません（1以上の日数）。",
        ));
    }
    Ok(Checks {
        one_application_per_establishment: raw.one_application_per_establishment,
        establishment_counts,
        install_by_end_of_february: raw.install_by_end_of_february,
        completion_report_days: raw.completion_report_days,
        completion_report_first_day,
        completion_report_shift,
        within_budget: raw.within_budget,
        hire_reported: raw.hire_reported,
        excluded_asset_categories: std::mem::take(&mut raw.excluded_asset_categories),
        pre_consultation: raw.pre_consultation,
        early_start_notice: raw.early_start_notice,
        articles: articles(std::mem::take(&mut raw.articles)),
    })
}

/// Every excluded category is a 種類 of the useful-life table (a misspelt
/// one would exclude nothing).
fn check_excluded_categories(ctx: &Ctx, categories: &[String]) -> Result<(), CatalogueError> {
    let known = |c: &String| useful_life::table().iter().any(|r| &r.category == c);
    match categories.iter().enumerate().find(|(_, c)| !known(c)) {
        Some((i, c)) => Err(ctx.err(
            format!("excluded_asset_categories[{}]", i + 1),
            format!(
                "「{c}」は耐用年数表の種類（建物、建物附属設備、構築物、器具及び備品 など）にありません。"
            ),
        )),
        None => Ok(()),
    }
}

fn articles(raw: RawArticles) -> Articles {
    Articles {
        one_application_per_establishment: raw.one_application_per_establishment,
        install_by_end_of_february: raw.install_by_end_of_february,
        completion_report: raw.completion_report,
        min_members: raw.min_members,
        company_fy_cap: raw.company_fy_cap,
        within_budget: raw.within_budget,
        hire_reported: raw.hire_reported,
        excluded_assets: raw.excluded_assets,
        pre_consultation: raw.pre_consultation,
        early_start_notice: raw.early_start_notice,
        amount: raw.amount,
        change_approval: raw.change_approval,
    }
}
