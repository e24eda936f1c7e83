//! The validation of one reporting duty (`[[programs.reporting_duties]]`) into
//! a [`ReportingDuty`]: a real calendar day, the years it is owed in, its
//! closed-day rule and its forms.
//!
//! Duties drive reminders rather than amounts, so they are checked apart
//! from the rule sets.

use chrono::NaiveDate;

use super::Ctx;
use super::choice::shift;
use super::raw::{RawDuty, RawTransition};
use crate::catalogue::error::CatalogueError;
use crate::model::{DEFAULT_GRACE_OPEN_DAYS, MAX_GRACE_OPEN_DAYS, ReportingDuty, Transition};

pub(super) fn duty(
    ctx: &Ctx,
    i: usize,
    d: RawDuty,
    program: &str,
) -> Result<ReportingDuty, CatalogueError> {
    let key = format!("reporting_duties[{}]", i + 1);
    // 2024 is a leap year, so Feb 29 passes and Feb 30 or Apr 31 do not.
    if NaiveDate::from_ymd_opt(2024, d.month, d.day).is_none() {
        return Err(ctx.err(
            format!("{key}.day"),
            format!("{}月{}日という日付はありません。", d.month, d.day),
        ));
    }
    if d.years_after.is_empty() || d.years_after.iter().any(|y| *y < 0) {
        return Err(ctx.err(
            format!("{key}.years_after"),
            "0以上の年数を1つ以上指定してください。",
        ));
    }
    let shift = shift(ctx, &format!("{key}.shift"), d.shift.as_deref())?;
    let grace_open_days = d.grace_open_days.unwrap_or(DEFAULT_GRACE_OPEN_DAYS);
    if grace_open_days > MAX_GRACE_OPEN_DAYS {
        return Err(ctx.err(
            format!("{key}.grace_open_days"),
            format!(
                "{grace_open_days}開庁日は長すぎます（督促を送る日がなくなります）。0〜{MAX_GRACE_OPEN_DAYS}で指定してください。"
            ),
        ));
    }
    let transition = match d.transition {
        None => None,
        Some(t) => Some(transition(ctx, &format!("{key}.transition"), t)?),
    };
    Ok(ReportingDuty {
        program: program.to_string(),
        name: d.name,
        month: d.month,
        day: d.day,
        shift,
        basis: d.basis,
        years_after: d.years_after,
        forms: d.forms.into_iter().map(Into::into).collect(),
        attachments: d.attachments,
        grace_open_days,
        transition,
        notes_hires: false,
    })
}

fn transition(ctx: &Ctx, key: &str, t: RawTransition) -> Result<Transition, CatalogueError> {
    let decided_before =
        NaiveDate::parse_from_str(t.decided_before.trim(), "%Y-%m-%d").map_err(|_| {
            ctx.err(
                format!("{key}.decided_before"),
                format!(
                    "「{}」は日付（例 \"2021-04-01\"）として読めません。",
                    t.decided_before
                ),
            )
        })?;
    if t.source.trim().is_empty() {
        return Err(ctx.err(
            format!("{key}.source"),
            "経過措置の根拠（附則）を書いてください。空にはできません。",
        ));
    }
    Ok(Transition {
        decided_before,
        source: t.source.trim().to_string(),
        confirmed_fys: t.confirmed_fys,
    })
}
