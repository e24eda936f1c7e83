//! The validation of a program's [`Conditions`]: each setting must name its source, so
//! every row it makes can say where the duty is written.

use super::Ctx;
use super::raw::{RawDisposalRestriction, RawEstablishmentIn, RawLeadTime, RawWindow};
use crate::catalogue::error::CatalogueError;
use crate::catalogue::{
    ApplicationWindow, Conditions, DisposalRestriction, EstablishmentIn, LeadTime, MonthDay,
};

/// The conditions' parts as the `[[programs]]` table gives them.
pub(super) struct RawConditions {
    pub(super) disposal_restriction: Option<RawDisposalRestriction>,
    pub(super) windows: Vec<RawWindow>,
    pub(super) lead_time: Option<RawLeadTime>,
    pub(super) establishment_in: Option<RawEstablishmentIn>,
}

pub(super) fn conditions(ctx: &Ctx, raw: RawConditions) -> Result<Conditions, CatalogueError> {
    let disposal_restriction = match raw.disposal_restriction {
        None => None,
        Some(r) => Some(DisposalRestriction {
            source: required_source(ctx, "disposal_restriction.source", r.source)?,
        }),
    };
    let mut windows = Vec::with_capacity(raw.windows.len());
    for (i, w) in raw.windows.into_iter().enumerate() {
        windows.push(window(ctx, &format!("application_windows[{}]", i + 1), w)?);
    }
    let lead_time = match raw.lead_time {
        None => None,
        Some(l) if l.days == 0 => {
            return Err(ctx.err("lead_time.days", "0日は指定できません（1以上の日数）。"));
        }
        Some(l) => Some(LeadTime {
            days: l.days,
            source: required_source(ctx, "lead_time.source", l.source)?,
        }),
    };
    let establishment_in = match raw.establishment_in {
        None => None,
        Some(e) if e.city.trim().is_empty() => {
            return Err(ctx.err("establishment_in.city", "市区町村名が空です。"));
        }
        Some(e) => Some(EstablishmentIn {
            city: e.city.trim().to_string(),
            source: required_source(ctx, "establishment_in.source", e.source)?,
        }),
    };
    Ok(Conditions {
        disposal_restriction,
        windows,
        lead_time,
        establishment_in,
    })
}

fn window(ctx: &Ctx, key: &str, w: RawWindow) -> Result<ApplicationWindow, CatalogueError> {
    if w.fy_to.is_some_and(|to| to < w.fy_from) {
        return Err(ctx.err(format!("{key}.fy_to"), "fy_to が fy_from より前です。"));
    }
    let from = month_day(ctx, &format!("{key}.from"), &w.from)?;
    let to = month_day(ctx, &format!("{key}.to"), &w.to)?;
    // April is the FY's first month: the window must not run backwards within the FY.
    let order = |m: MonthDay| ((m.month + 8) % 12, m.day.unwrap_or(32));
    if order(to) < order(from) {
        return Err(ctx.err(
            format!("{key}.to"),
            "申請期間の終わりが始まりより前です（年度は4月から3月まで）。",
        ));
    }
    Ok(ApplicationWindow {
        fy_from: w.fy_from,
        fy_to: w.fy_to,
        from,
        to,
        source: required_source(ctx, &format!("{key}.source"), w.source)?,
    })
}

/// `"4/1"` or `"2/末"` (the month's last day).
fn month_day(ctx: &Ctx, key: &str, text: &str) -> Result<MonthDay, CatalogueError> {
    let bad = || {
        ctx.err(
            key,
            format!("「{text}」は月/日（例 \"4/1\"、月末日は \"2/末\"）として読めません。"),
        )
    };
    let (m, d) = text.trim().split_once('/').ok_or_else(bad)?;
    let month: u32 = m.trim().parse().map_err(|_| bad())?;
    let day = match d.trim() {
        "末" => None,
        d => Some(d.parse::<u32>().map_err(|_| bad())?),
    };
    // 2024 is a leap year: February 29 passes, February 30 does not.
    let valid = match day {
        Some(d) => chrono::NaiveDate::from_ymd_opt(2024, month, d).is_some(),
        None => (1..=12).contains(&month),
    };
    if !valid {
        return Err(bad());
    }
    Ok(MonthDay { month, day })
}

/// A source text, trimmed; blank is an error naming the key.
fn required_source(ctx: &Ctx, key: &str, text: String) -> Result<String, CatalogueError> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(ctx.err(
            key,
            "根拠（要綱・規則の条文など）を書いてください。空にはできません。",
        ));
    }
    Ok(text)
}
