//! 中小企業退職金共済制度奨励補助金: 10% of the premiums, each worker's monthly premium
//! counted up to 5,000円 (seed 000: "１名あたりの月額共済掛金が５，０００円を超える場合、
//! ５，０００円上限額として算出"), at most 6,000円 a worker a year ("１名あたり５００円/月×
//! １２か月＝６，０００円（限度額）"), 100円未満切り捨て.
//!
//! 申請一覧 gives the year's premiums (補助対象経費) and 対象人数. From those alone the
//! counted premiums are unknown, so only an upper bound follows: `min(truncate(cost × rate),
//! cap × 対象人数)`. The optional column 月額掛金内訳 (each worker's monthly premium, e.g.
//! "10000,1000") makes it exact: the share of the premiums within the monthly cap,
//! Σmin(p, 5,000) ÷ Σp, of 補助対象経費 (exact when the listed workers paid for the same
//! months), × rate, truncated once, then the cap.

use rust_decimal::Decimal;

use super::amount::{Outcome, TOO_LARGE, cannot, join, truncated, unit_text};
use crate::catalogue::RuleSet;
use crate::catalogue::rate::Rate;
use crate::format::yen;
use crate::model::{Application, Yen};

/// The amount (or its upper bound) of `app` under a rule set with a monthly premium cap.
pub(super) fn amount(rule: &RuleSet, rate: &Rate, monthly: Yen, app: &Application) -> Outcome {
    match app.records.monthly_premiums.as_deref() {
        Some(list) => exact(rule, rate, monthly, app, list),
        None => bound(rule, rate, monthly, app),
    }
}

/// The cap for `n` workers, with its text, when the rule set has one.
fn cap_for(rule: &RuleSet, n: u32) -> Option<Option<(Yen, String)>> {
    let Some(cap) = &rule.cap else {
        return Some(None);
    };
    let limit = cap.amount.checked_mul(Yen::from(n))?;
    Some(Some((
        limit,
        format!(
            "上限{}×対象人数{n}人＝{}を適用",
            yen(cap.amount),
            yen(limit)
        ),
    )))
}

/// With each worker's monthly premium: the premiums within the cap, exactly.
fn exact(rule: &RuleSet, rate: &Rate, monthly: Yen, app: &Application, list: &[Yen]) -> Outcome {
    let Ok(n) = u32::try_from(list.len()) else {
        return cannot(TOO_LARGE);
    };
    if let Some(persons) = app.persons
        && persons != n
    {
        return cannot(format!(
            "月額掛金内訳の人数{n}人が対象人数{persons}人と一致しないため算定できません"
        ));
    }
    let paid: Yen = list.iter().sum();
    let counted: Yen = list.iter().map(|&p| p.min(monthly)).sum();
    if paid <= 0 {
        return cannot("月額掛金内訳の合計が0円のため算定できません");
    }
    let amount = Decimal::from(app.eligible_cost)
        .checked_mul(Decimal::from(counted))
        .and_then(|x| x.checked_mul(rate.numerator))
        .zip(Decimal::from(paid).checked_mul(rate.denominator))
        .and_then(|(x, d)| x.checked_div(d))
        .and_then(|x| truncated(x, rule.unit));
    let (Some(amount), Some(cap)) = (amount, cap_for(rule, n)) else {
        return cannot(TOO_LARGE);
    };
    let listed: Vec<String> = list.iter().map(|&p| yen(p)).collect();
    let mut parts = vec![format!(
        "月額掛金内訳{}のうち1名あたり月額{}までを算入（月額{}÷{}）、補助対象経費{}×{}÷{}、{}、{}＝{}",
        listed.join("・"),
        yen(monthly),
        yen(counted),
        yen(paid),
        yen(app.eligible_cost),
        yen(counted),
        yen(paid),
        rate.text,
        unit_text(rule.unit),
        yen(amount)
    )];
    let amount = match cap {
        Some((limit, text)) if amount > limit => {
            parts.push(text);
            limit
        }
        _ => amount,
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

/// From the total and the head count: an upper bound, said to be one.
fn bound(rule: &RuleSet, rate: &Rate, monthly: Yen, app: &Application) -> Outcome {
    let n = match app.persons {
        None => return cannot("対象人数が未記入のため上限額を計算できません"),
        Some(0) => return cannot("対象人数が0のため上限額を計算できません"),
        Some(n) => n,
    };
    let amount = rate
        .of(app.eligible_cost)
        .and_then(|x| truncated(x, rule.unit));
    let (Some(amount), Some(cap)) = (amount, cap_for(rule, n)) else {
        return cannot(TOO_LARGE);
    };
    let mut parts = vec![format!(
        "上限額：{}、{}＝{}",
        rate.text,
        unit_text(rule.unit),
        yen(amount)
    )];
    let amount = match cap {
        Some((limit, text)) if amount > limit => {
            parts.push(text);
            limit
        }
        _ => amount,
    };
    parts.push(format!(
        "1名あたり月額{}を超える掛金は{}として算出するため、掛金の合計と対象人数からは上限しか分かりません（各人の月額掛金を「月額掛金内訳」列に入れると算定額が確定します）",
        yen(monthly),
        yen(monthly)
    ));
    if let Some(note) = &rule.note {
        parts.push(format!("（{note}）"));
    }
    Outcome::UpperBound {
        amount,
        reason: join(&parts),
    }
}
