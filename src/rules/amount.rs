//! The amount one application gets under one rule set.
//!
//! Exact arithmetic only: yen are integers, rates are fractions, and the one
//! division happens last, truncated toward zero (切り捨て) to the rule's unit.
//! Caps that span applications (per company per FY) are passed in as what
//! earlier applications already used, so this stays a pure function.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::catalogue::rate::Rate;
use crate::catalogue::{Cap, CapMultiplier, CapScope, Formula, GroupCostBasis, PerPerson, RuleSet};
use crate::format::yen;
use crate::model::{Application, Yen};

/// Why an application is not eligible (対象外).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Ineligible {
    /// 補助対象経費 below the rule set's floor.
    BelowFloor,
    /// 参画企業数 below the rule set's `min_members`.
    TooFewMembers,
}

/// What earlier applications of the same company, program and FY used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Prior {
    /// Amounts already computed against a per-company-FY cap.
    pub cap_used: Yen,
    /// Persons already counted against `max_persons_per_company_fy`.
    pub persons_used: u32,
}

/// The result for one application, with the reason staff read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Amount {
        amount: Yen,
        reason: String,
        /// Persons this application counts against a per-company-FY limit.
        persons_counted: u32,
        /// The company's per-FY cap or person limit, partly used by earlier
        /// applications, cut this one down.
        company_fy_limited: bool,
    },
    /// Only an upper bound follows from the row (退職金共済 without each worker's premium):
    /// the amount is at most `amount`, and a decision at or below it cannot be called 一致.
    UpperBound { amount: Yen, reason: String },
    /// Below the cost floor, or too few members: amount 0.
    NotEligible { reason: String, why: Ineligible },
    /// The rules or the row do not allow an amount (算定不可).
    CannotCompute { reason: String },
}

pub(super) fn cannot(reason: impl Into<String>) -> Outcome {
    Outcome::CannotCompute {
        reason: reason.into(),
    }
}

pub(super) const TOO_LARGE: &str = "金額が大きすぎて算定できません";

/// The amount `app` gets under `rule`, given what earlier applications used.
/// `group` says what 補助対象経費 holds when `rule` is a group program's.
pub(crate) fn compute(
    rule: &RuleSet,
    group: GroupCostBasis,
    app: &Application,
    prior: Prior,
) -> Outcome {
    if let Some(monthly) = rule.premium_cap_monthly
        && let Formula::Rate(rate) = &rule.formula
    {
        return super::premium::amount(rule, rate, monthly, app);
    }
    if let Some(cap) = rule
        .cap
        .as_ref()
        .filter(|c| c.multiplier == CapMultiplier::Members)
        && let Formula::Rate(rate) = &rule.formula
    {
        return group_amount(rule, rate, cap, group, app);
    }
    if let Some(floor) = rule.floor
        && app.eligible_cost < floor
    {
        return Outcome::NotEligible {
            reason: format!(
                "補助対象経費{}が下限額{}に満たないため対象外",
                yen(app.eligible_cost),
                yen(floor)
            ),
            why: Ineligible::BelowFloor,
        };
    }
    let (base, mut parts, persons_counted) = match &rule.formula {
        Formula::Rate(rate) => match rate_amount(rule, rate, app, prior) {
            Ok(x) => x,
            Err(o) => return o,
        },
        Formula::PerPerson(pp) => match per_person_amount(rule, pp, app) {
            Ok((amount, part)) => (amount, vec![part], 0),
            Err(o) => return o,
        },
        Formula::Undetermined => {
            let why = rule
                .note
                .as_deref()
                .unwrap_or("算定ルールが確認できていません");
            return cannot(format!("算定ルールが未確定のため算定できません（{why}）"));
        }
    };
    let before_company_cap = parts.len();
    let amount = match &rule.cap {
        None => base,
        Some(cap) => match apply_cap(cap, base, app, prior, &mut parts) {
            Ok(a) => a,
            Err(o) => return o,
        },
    };
    let company_fy_limited = persons_limited(rule, app, persons_counted)
        || (rule
            .cap
            .as_ref()
            .is_some_and(|c| c.scope == CapScope::CompanyFy)
            && prior.cap_used > 0
            && parts.len() > before_company_cap);
    if let Some(note) = &rule.note {
        parts.push(format!("（{note}）"));
    }
    Outcome::Amount {
        amount,
        reason: join(&parts),
        persons_counted,
        company_fy_limited,
    }
}

/// The person limit per company and FY left fewer persons than the application names.
fn persons_limited(rule: &RuleSet, app: &Application, counted: u32) -> bool {
    rule.max_persons_per_company_fy.is_some() && app.persons.is_some_and(|p| counted < p)
}

/// The brochure's group formula: rate and cap per member company, × 参画企業数
/// ("アドバイザー契約の経費×補助率２/３×団体参画企業数", 上限100万円/1社;
/// "出展費用×補助率１/２（上限５０万円）×団体参画企業数"), truncated once, on the group's
/// amount: the brochure truncates "算出した補助金の額", the subsidy, not each member's share.
/// With the group's total as 補助対象経費 that is `min(truncate(cost × rate, unit), cap ×
/// 参画企業数)`; with one member's cost, `truncate(参画企業数 × min(cost × rate, cap), unit)`.
fn group_amount(
    rule: &RuleSet,
    rate: &Rate,
    cap: &Cap,
    basis: GroupCostBasis,
    app: &Application,
) -> Outcome {
    let n = match app.members {
        None => return cannot("参画企業数が未記入のため算定できません"),
        Some(0) => return cannot("参画企業数が0のため算定できません"),
        Some(n) => n,
    };
    if let Some(min) = rule.min_members
        && n < min
    {
        return Outcome::NotEligible {
            reason: format!("参画企業数{n}社は団体の要件（{min}社以上）に満たないため対象外"),
            why: Ineligible::TooFewMembers,
        };
    }
    if let Some(floor) = rule.floor
        && app.eligible_cost < floor
    {
        return Outcome::NotEligible {
            reason: format!(
                "補助対象経費{}が下限額{}に満たないため対象外",
                yen(app.eligible_cost),
                yen(floor)
            ),
            why: Ineligible::BelowFloor,
        };
    }
    let worked = match basis {
        GroupCostBasis::GroupTotal => group_total(rule, rate, cap, n, app.eligible_cost),
        GroupCostBasis::PerMember => per_member(rule, rate, cap, n, app.eligible_cost),
    };
    let Some((amount, mut parts)) = worked else {
        return cannot(TOO_LARGE);
    };
    if let Some(note) = &rule.note {
        parts.push(format!("（{note}）"));
    }
    Outcome::Amount {
        amount,
        reason: join(&parts),
        persons_counted: 0,
        company_fy_limited: false,
    }
}

/// `truncate(x, unit)` of an exact decimal, in whole yen.
pub(super) fn truncated(x: Decimal, unit: Yen) -> Option<Yen> {
    x.checked_div(Decimal::from(unit))?
        .round_dp_with_strategy(0, RoundingStrategy::ToZero)
        .to_i64()?
        .checked_mul(unit)
}

/// The group's total as 補助対象経費: `min(truncate(cost × rate, unit), cap × 参画企業数)`.
fn group_total(
    rule: &RuleSet,
    rate: &Rate,
    cap: &Cap,
    n: u32,
    cost: Yen,
) -> Option<(Yen, Vec<String>)> {
    let raw = rate.of(cost)?;
    let amount = truncated(raw, rule.unit)?;
    let limit = cap.amount.checked_mul(Yen::from(n))?;
    let mut parts = vec![format!(
        "団体の補助対象経費{}、{}、{}＝{}",
        yen(cost),
        rate.text,
        unit_text(rule.unit),
        yen(amount)
    )];
    if amount > limit {
        parts.push(format!(
            "上限{}/1社×参画企業数{n}社＝{}を適用",
            yen(cap.amount),
            yen(limit)
        ));
        return Some((limit, parts));
    }
    Some((amount, parts))
}

/// One member's cost as 補助対象経費: `truncate(参画企業数 × min(cost × rate, cap), unit)`.
fn per_member(
    rule: &RuleSet,
    rate: &Rate,
    cap: &Cap,
    n: u32,
    cost: Yen,
) -> Option<(Yen, Vec<String>)> {
    let each = rate.of(cost)?;
    let mut parts = vec![format!(
        "1社あたりの補助対象経費{}、{}",
        yen(cost),
        rate.text
    )];
    let each = if each > Decimal::from(cap.amount) {
        parts.push(format!("上限{}/1社を適用", yen(cap.amount)));
        Decimal::from(cap.amount)
    } else {
        each
    };
    let amount = truncated(each.checked_mul(Decimal::from(n))?, rule.unit)?;
    parts.push(format!(
        "×参画企業数{n}社、{}＝{}",
        unit_text(rule.unit),
        yen(amount)
    ));
    Some((amount, parts))
}

/// Parts joined with 、 except the trailing note in brackets.
pub(super) fn join(parts: &[String]) -> String {
    let mut out = String::new();
    for p in parts {
        if !out.is_empty() && !p.starts_with('（') {
            out.push('、');
        }
        out.push_str(p);
    }
    out
}

/// truncate(cost × rate × counted/persons, unit), with one division.
fn rate_amount(
    rule: &RuleSet,
    rate: &Rate,
    app: &Application,
    prior: Prior,
) -> Result<(Yen, Vec<String>, u32), Outcome> {
    let mut parts = vec![format!("{}、{}", rate.text, unit_text(rule.unit))];
    let (counted, persons) = match (rule.max_persons_per_company_fy, app.persons) {
        (None, _) => (1, 1),
        (Some(max), None) => {
            parts.push(format!(
                "対象人数が未記入のため1社1年度{max}名の上限は確認できません"
            ));
            (1, 1)
        }
        (Some(_), Some(0)) => return Err(cannot("対象人数が0人のため算定できません")),
        (Some(max), Some(p)) => {
            let counted = p.min(max.saturating_sub(prior.persons_used));
            if counted < p {
                parts.push(format!(
                    "1社1年度{max}名まで（同年度の先行申請で{}名）のため{p}名中{counted}名分を算定",
                    prior.persons_used
                ));
            }
            (counted, p)
        }
    };
    let numerator = Decimal::from(app.eligible_cost)
        .checked_mul(rate.numerator)
        .and_then(|x| x.checked_mul(Decimal::from(counted)));
    let denominator = rate
        .denominator
        .checked_mul(Decimal::from(persons))
        .and_then(|x| x.checked_mul(Decimal::from(rule.unit)));
    let amount = numerator
        .zip(denominator)
        .and_then(|(n, d)| n.checked_div(d))
        .map(|q| q.round_dp_with_strategy(0, RoundingStrategy::ToZero))
        .and_then(|q| q.to_i64())
        .and_then(|q| q.checked_mul(rule.unit))
        .ok_or_else(|| cannot(TOO_LARGE))?;
    Ok((amount, parts, counted))
}

/// Σ amount per person by category, truncated to the unit.
fn per_person_amount(
    rule: &RuleSet,
    pp: &PerPerson,
    app: &Application,
) -> Result<(Yen, String), Outcome> {
    let persons = app
        .persons
        .ok_or_else(|| cannot("対象人数が未記入のため算定できません"))?;
    let women = app.persons_women.unwrap_or(0);
    let disabled = app.persons_disabled.unwrap_or(0);
    if women > persons {
        return Err(cannot(format!(
            "対象人数（女性）{women}人が対象人数{persons}人を超えているため算定できません"
        )));
    }
    if disabled > persons {
        return Err(cannot(format!(
            "対象人数（障がい者）{disabled}人が対象人数{persons}人を超えているため算定できません"
        )));
    }
    let mut terms = Vec::new();
    let mut total: Option<Yen> = Some(0);
    let mut add = |label: &str, count: u32, each: Yen| {
        total = total.and_then(|t| each.checked_mul(Yen::from(count))?.checked_add(t));
        terms.push(format!("{label}{count}人×{}", yen(each)));
    };
    match pp.per_woman {
        Some(w) => {
            add("男性", persons - women, pp.per_person);
            add("女性", women, w);
        }
        None => add("対象者", persons, pp.per_person),
    }
    if let Some(d) = pp.per_disabled_addon {
        add("障がい者加算", disabled, d);
    }
    let total = total.ok_or_else(|| cannot(TOO_LARGE))?;
    let truncated = total - total % rule.unit;
    Ok((
        truncated,
        format!("{}、{}", terms.join("＋"), unit_text(rule.unit)),
    ))
}

pub(super) fn unit_text(unit: Yen) -> String {
    format!("{}未満切り捨て", yen(unit))
}

/// Clamps `base` to the cap, recording which cap applied.
fn apply_cap(
    cap: &Cap,
    base: Yen,
    app: &Application,
    prior: Prior,
    parts: &mut Vec<String>,
) -> Result<Yen, Outcome> {
    let (limit, text) = match cap.multiplier {
        CapMultiplier::None => (cap.amount, yen(cap.amount)),
        CapMultiplier::Members => multiplied(cap.amount, app.members, "参画企業数", "社")?,
        CapMultiplier::Persons => multiplied(cap.amount, app.persons, "対象人数", "人")?,
    };
    match cap.scope {
        CapScope::Application => {
            if base > limit {
                parts.push(format!("上限{text}を適用"));
                return Ok(limit);
            }
            Ok(base)
        }
        CapScope::CompanyFy => {
            let remaining = limit.saturating_sub(prior.cap_used).max(0);
            if base <= remaining {
                Ok(base)
            } else if prior.cap_used == 0 {
                parts.push(format!("同一年度上限{text}を適用"));
                Ok(remaining)
            } else {
                parts.push(format!(
                    "同一年度上限{text}のうち同年度の先行申請で{}を算定済みのため残額{}を適用",
                    yen(prior.cap_used),
                    yen(remaining)
                ));
                Ok(remaining)
            }
        }
    }
}

/// cap × count from the export (参画企業数, 対象人数), which must be present.
fn multiplied(
    each: Yen,
    count: Option<u32>,
    label: &str,
    counter: &str,
) -> Result<(Yen, String), Outcome> {
    let n = match count {
        None => {
            return Err(cannot(format!(
                "{label}が未記入のため上限額を計算できません"
            )));
        }
        Some(0) => return Err(cannot(format!("{label}が0のため上限額を計算できません"))),
        Some(n) => n,
    };
    let limit = each
        .checked_mul(Yen::from(n))
        .ok_or_else(|| cannot(TOO_LARGE))?;
    Ok((
        limit,
        format!("{}×{label}{n}{counter}＝{}", yen(each), yen(limit)),
    ))
}
