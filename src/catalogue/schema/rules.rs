//! The validation of one rule set (`[[programs.rules]]`) into a [`RuleSet`]:
//! its course, its years, its formula (rate or per person), its cap and its
//! floor and rounding unit.
//!
//! A rule set is where amounts come from, so its checks are the most numerous
//! and have a module of their own.

use super::Ctx;
use super::raw::RawRule;
use crate::catalogue::error::CatalogueError;
use crate::catalogue::names::find;
use crate::catalogue::rate::Rate;
use crate::catalogue::{Cap, CapMultiplier, CapScope, Course, Formula, PerPerson, RuleSet};
use crate::model::Yen;

/// 参画企業数 a group program's rule set requires when it gives no `min_members`: a 団体
/// ("市内中小企業で組織された団体", seed 000 l.576) is of two companies or more. This is the
/// project's reading of the word, not a figure of the seeds; `min_members = 1` overrides it.
const DEFAULT_GROUP_MIN_MEMBERS: u32 = 2;

/// One rule set, its parts validated in the order its errors are reported:
/// course, years, confirmation, formula, unit, cap, then the settings that
/// fit only some rule sets.
pub(super) fn rule(
    ctx: &Ctx,
    key: &str,
    r: RawRule,
    courses: &[Course],
) -> Result<RuleSet, CatalogueError> {
    let course = rule_course(ctx, key, r.course.as_deref(), courses)?;
    if let Some(to) = r.fy_to
        && to < r.fy_from
    {
        return Err(ctx.err(
            format!("{key}.fy_to"),
            format!("終了年度 {to} が開始年度 {} より前です。", r.fy_from),
        ));
    }
    confirmed_to(ctx, key, &r)?;
    let formula = formula(ctx, key, &r)?;
    let unit = unit(ctx, key, r.unit, &formula)?;
    let cap = cap(ctx, key, &r)?;
    check_fits(ctx, key, &r, &formula, cap.as_ref())?;
    // A 団体 has at least two members unless the rule set says otherwise (issue 22 item 16).
    let group = cap
        .as_ref()
        .is_some_and(|c| c.multiplier == CapMultiplier::Members);
    let min_members = r.min_members.or(group.then_some(DEFAULT_GROUP_MIN_MEMBERS));
    Ok(RuleSet {
        course,
        fy_from: r.fy_from,
        fy_to: r.fy_to,
        formula,
        cap,
        floor: r.floor,
        unit,
        max_persons_per_company_fy: r.max_persons_per_company_fy,
        min_members,
        unverified: r.unverified,
        assumed: r.assumed,
        confirmed_to: r.confirmed_to,
        premium_cap_monthly: r.premium_cap_monthly,
        note: r.note,
    })
}

/// The rounding unit: positive, and required unless no amount is computed.
fn unit(ctx: &Ctx, key: &str, unit: Option<Yen>, formula: &Formula) -> Result<Yen, CatalogueError> {
    match (unit, formula) {
        (Some(u), _) if u > 0 => Ok(u),
        (Some(u), _) => Err(ctx.err(
            format!("{key}.unit"),
            format!("切り捨て単位 {u} は正の数でなければなりません。"),
        )),
        (None, Formula::Undetermined) => Ok(1),
        (None, _) => Err(ctx.err(format!("{key}.unit"), "必須のキーがありません。")),
    }
}

/// The settings that fit only some rule sets, or only some values: a
/// floor not below 0, `method = "none"` explained, `min_members` on a group
/// program only and not 0, a group's cap per company, a monthly premium cap
/// on a rate only.
fn check_fits(
    ctx: &Ctx,
    key: &str,
    r: &RawRule,
    formula: &Formula,
    cap: Option<&Cap>,
) -> Result<(), CatalogueError> {
    if let Some(f) = r.floor
        && f < 0
    {
        return Err(ctx.err(
            format!("{key}.floor"),
            format!("下限額 {f} は0以上でなければなりません。"),
        ));
    }
    if matches!(formula, Formula::Undetermined) && (!r.unverified || r.note.is_none()) {
        return Err(ctx.err(
            format!("{key}.method"),
            "method = \"none\" には unverified = true と理由の note が必要です。",
        ));
    }
    let group = cap.is_some_and(|c| c.multiplier == CapMultiplier::Members);
    if r.min_members.is_some() && !group {
        return Err(ctx.err(
            format!("{key}.min_members"),
            "min_members は団体の制度（cap_multiplier = \"members\"）の rules にだけ指定できます。",
        ));
    }
    if group && cap.is_some_and(|c| c.scope == CapScope::CompanyFy) {
        return Err(ctx.err(
            format!("{key}.cap_scope"),
            "団体の制度（cap_multiplier = \"members\"）の上限は1社あたりで、cap_scope = \"company_fy\" とは組み合わせられません。",
        ));
    }
    if let Some(m) = r.premium_cap_monthly
        && (m <= 0 || !matches!(formula, Formula::Rate(_)))
    {
        return Err(ctx.err(
            format!("{key}.premium_cap_monthly"),
            "premium_cap_monthly（1名あたり月額掛金の上限）は正の数で、補助率（rate）の rules にだけ指定できます。",
        ));
    }
    if r.min_members == Some(0) {
        return Err(ctx.err(
            format!("{key}.min_members"),
            "0社は指定できません（1以上）。",
        ));
    }
    Ok(())
}

/// `confirmed_to` (the last FY the source confirms) lies within the rule set's years, and an
/// assumed rule set confirms none.
fn confirmed_to(ctx: &Ctx, key: &str, r: &RawRule) -> Result<(), CatalogueError> {
    let Some(last) = r.confirmed_to else {
        return Ok(());
    };
    if r.assumed {
        return Err(ctx.err(
            format!("{key}.confirmed_to"),
            "assumed = true の rules は確認された年度がないため、confirmed_to は指定できません。",
        ));
    }
    if last < r.fy_from || r.fy_to.is_some_and(|to| last > to) {
        return Err(ctx.err(
            format!("{key}.confirmed_to"),
            format!("確認済の最終年度 {last} が、この rules の年度（fy_from〜fy_to）の外です。"),
        ));
    }
    Ok(())
}

/// A program with 区分 needs a course on each rule set; one without, none.
fn rule_course(
    ctx: &Ctx,
    key: &str,
    course: Option<&str>,
    courses: &[Course],
) -> Result<Option<String>, CatalogueError> {
    match (course, courses.is_empty()) {
        (None, true) => Ok(None),
        (None, false) => Err(ctx.err(
            format!("{key}.course"),
            "この制度には区分があるので、区分（course）を指定してください。",
        )),
        (Some(c), true) => Err(ctx.err(
            format!("{key}.course"),
            format!("区分「{c}」が指定されていますが、この制度には courses がありません。"),
        )),
        (Some(c), false) => find(courses, c, |k| &k.names)
            .map(|k| Some(k.name.to_string()))
            .ok_or_else(|| {
                ctx.err(
                    format!("{key}.course"),
                    format!("区分「{c}」は courses にありません。"),
                )
            }),
    }
}

fn formula(ctx: &Ctx, key: &str, r: &RawRule) -> Result<Formula, CatalogueError> {
    let k = |field: &str| format!("{key}.{field}");
    match r.method.as_deref().unwrap_or("rate") {
        "rate" => {
            let text = r
                .rate
                .as_deref()
                .ok_or_else(|| ctx.err(k("rate"), "必須のキーがありません。"))?;
            let rate = Rate::parse(text).ok_or_else(|| {
                ctx.err(
                    k("rate"),
                    format!("補助率「{text}」を数として読めません（例: \"2/3\"、\"10%\"）。"),
                )
            })?;
            if !rate.in_unit_range() {
                return Err(ctx.err(
                    k("rate"),
                    format!("補助率「{text}」は0より大きく1以下でなければなりません。"),
                ));
            }
            Ok(Formula::Rate(rate))
        }
        "per_person" => {
            let per_person = r
                .per_person
                .ok_or_else(|| ctx.err(k("per_person"), "必須のキーがありません。"))?;
            for (field, v) in [
                ("per_person", Some(per_person)),
                ("per_woman", r.per_woman),
                ("per_disabled_addon", r.per_disabled_addon),
            ] {
                if v.is_some_and(|v| v < 0) {
                    return Err(ctx.err(k(field), "金額は0以上でなければなりません。"));
                }
            }
            Ok(Formula::PerPerson(PerPerson {
                per_person,
                per_woman: r.per_woman,
                per_disabled_addon: r.per_disabled_addon,
            }))
        }
        "none" => Ok(Formula::Undetermined),
        other => Err(ctx.err(
            k("method"),
            format!("「{other}」は使えません（rate、per_person または none）。"),
        )),
    }
}

fn cap(ctx: &Ctx, key: &str, r: &RawRule) -> Result<Option<Cap>, CatalogueError> {
    let Some(amount) = r.cap else {
        if r.cap_multiplier.is_some() || r.cap_scope.is_some() {
            return Err(ctx.err(
                format!("{key}.cap"),
                "cap_multiplier や cap_scope には cap（上限額）が必要です。",
            ));
        }
        return Ok(None);
    };
    if amount <= 0 {
        return Err(ctx.err(
            format!("{key}.cap"),
            format!("上限額 {amount} は正の数でなければなりません。"),
        ));
    }
    let multiplier = match r.cap_multiplier.as_deref() {
        None => CapMultiplier::None,
        Some("members") => CapMultiplier::Members,
        Some("persons") => CapMultiplier::Persons,
        Some(other) => {
            return Err(ctx.err(
                format!("{key}.cap_multiplier"),
                format!("「{other}」は使えません（members または persons）。"),
            ));
        }
    };
    let scope = match r.cap_scope.as_deref() {
        None | Some("application") => CapScope::Application,
        Some("company_fy") => CapScope::CompanyFy,
        Some(other) => {
            return Err(ctx.err(
                format!("{key}.cap_scope"),
                format!("「{other}」は使えません（application または company_fy）。"),
            ));
        }
    };
    Ok(Some(Cap {
        amount,
        multiplier,
        scope,
    }))
}
