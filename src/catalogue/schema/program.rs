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
use super::raw::RawProgram;
use super::rules::rule;
use crate::catalogue::error::CatalogueError;
use crate::catalogue::names::{NameSet, key};
use crate::catalogue::useful_life;
use crate::catalogue::{
    Articles, CapMultiplier, Checks, Course, EstablishmentCounts, FirstDay, GroupCostBasis, Program,
};
use crate::model::RefundMethod;

pub(super) fn program(ctx: &Ctx, raw: RawProgram) -> Result<Program, CatalogueError> {
    if key(&raw.name).is_empty() {
        return Err(ctx.err("name", "制度名が空です。"));
    }
    let courses: Vec<Course> = raw
        .courses
        .into_iter()
        .map(|c| Course {
            names: NameSet::new(&c.name, &c.aliases),
            name: c.name.into(),
            aliases: c.aliases,
        })
        .collect();
    check_unique_courses(ctx, &courses)?;
    let mut rules = Vec::with_capacity(raw.rules.len());
    for (i, r) in raw.rules.into_iter().enumerate() {
        rules.push(rule(ctx, &format!("rules[{}]", i + 1), r, &courses)?);
    }
    check_no_overlap(ctx, &rules)?;
    let refund_method = match raw.refund_method.as_deref() {
        None | Some("pro_rata") => RefundMethod::ProRata,
        Some("full") => RefundMethod::Full,
        Some(other) => {
            return Err(ctx.err(
                "refund_method",
                format!("「{other}」は使えません（pro_rata または full）。"),
            ));
        }
    };
    let group_cost_basis = choice(
        ctx,
        "group_cost_basis",
        raw.group_cost_basis.as_deref(),
        &[
            ("group_total", GroupCostBasis::GroupTotal),
            ("per_member", GroupCostBasis::PerMember),
        ],
    )?;
    if raw.group_cost_basis.is_some()
        && !rules.iter().any(|r| {
            r.cap
                .as_ref()
                .is_some_and(|c| c.multiplier == CapMultiplier::Members)
        })
    {
        return Err(ctx.err(
            "group_cost_basis",
            "団体の制度（cap_multiplier = \"members\" の rules）がないのに指定されています。",
        ));
    }
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
    if let Some((i, c)) = raw
        .excluded_asset_categories
        .iter()
        .enumerate()
        .find(|(_, c)| !useful_life::table().iter().any(|r| &r.category == *c))
    {
        return Err(ctx.err(
            format!("excluded_asset_categories[{}]", i + 1),
            format!(
                "「{c}」は耐用年数表の種類（建物、建物附属設備、構築物、器具及び備品 など）にありません。"
            ),
        ));
    }
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
    let mut duties = Vec::with_capacity(raw.reporting_duties.len());
    for (i, d) in raw.reporting_duties.into_iter().enumerate() {
        let mut d = duty(ctx, i, d, &raw.name)?;
        d.notes_hires = raw.hire_reported;
        duties.push(d);
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
        checks: Checks {
            one_application_per_establishment: raw.one_application_per_establishment,
            establishment_counts,
            install_by_end_of_february: raw.install_by_end_of_february,
            completion_report_days: raw.completion_report_days,
            completion_report_first_day,
            completion_report_shift,
            within_budget: raw.within_budget,
            hire_reported: raw.hire_reported,
            excluded_asset_categories: raw.excluded_asset_categories,
            pre_consultation: raw.pre_consultation,
            early_start_notice: raw.early_start_notice,
            articles: Articles {
                one_application_per_establishment: raw.articles.one_application_per_establishment,
                install_by_end_of_february: raw.articles.install_by_end_of_february,
                completion_report: raw.articles.completion_report,
                min_members: raw.articles.min_members,
                company_fy_cap: raw.articles.company_fy_cap,
                within_budget: raw.articles.within_budget,
                hire_reported: raw.articles.hire_reported,
                excluded_assets: raw.articles.excluded_assets,
                pre_consultation: raw.articles.pre_consultation,
                early_start_notice: raw.articles.early_start_notice,
                amount: raw.articles.amount,
                change_approval: raw.articles.change_approval,
            },
        },
        group_cost_basis,
        refund_method,
        reporting_duties: duties,
        conditions,
    })
}
