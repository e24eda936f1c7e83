//! 要確認 rows from the conditions a program's documents set on the application itself
//! (catalogue [`Conditions`]): the 申請期間 of the FY, applying before the work starts, the
//! installation's completion date, and an establishment in the city. Each row quotes the
//! setting's source; a rule the document calls "原則" is said to allow exceptions.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::cite::{article, finding};
use super::findings::end_of_february;
use crate::calendar::{fiscal_year, fy_label, wareki};
use crate::catalogue::{Conditions, Program};
use crate::model::{AppStatus, Application, Finding, FindingKind};

/// Every condition `app` breaks, in the order windows, lead time, completion, address.
pub(super) fn findings(app: &Application, program: &Program, as_of: NaiveDate) -> Vec<Finding> {
    // A withdrawn or refused application is settled: nothing to check before a decision.
    if matches!(app.status, AppStatus::Withdrawn | AppStatus::Rejected) {
        return Vec::new();
    }
    let c = &program.conditions;
    let mut out = Vec::new();
    out.extend(outside_window(app, c));
    out.extend(lead_time(app, c));
    if program.checks.install_by_end_of_february {
        out.extend(completion_missing(app, program, as_of));
    }
    out.extend(outside_city(app, c));
    out
}

fn pending_note(app: &Application) -> &'static str {
    if app.status == AppStatus::Pending {
        "申請中のため、交付決定の前に確認してください。"
    } else {
        ""
    }
}

/// 申請日 outside every window the catalogue gives for its FY (none given: not checked).
fn outside_window(app: &Application, c: &Conditions) -> Option<Finding> {
    let fy = fiscal_year(app.applied_on);
    let windows: Vec<_> = c.windows.iter().filter(|w| w.covers(fy)).collect();
    let spans: Vec<(NaiveDate, NaiveDate)> = windows.iter().filter_map(|w| w.days(fy)).collect();
    if spans.is_empty()
        || spans
            .iter()
            .any(|(from, to)| (*from..=*to).contains(&app.applied_on))
    {
        return None;
    }
    let (from, to) = spans[0];
    let source = windows
        .first()
        .map(|w| format!("（{}）", w.source))
        .unwrap_or_default();
    Some(finding(
        app,
        FindingKind::OutsideApplicationWindow,
        format!(
            "申請日{}は{}の申請期間（{}から{}まで）の外です{source}。{}",
            wareki(app.applied_on),
            fy_label(fy),
            wareki(from),
            wareki(to),
            pending_note(app)
        ),
    ))
}

/// 事業着手日 less than `days` after 申請日 ("原則": a 要確認 row to ask why, not a breach), and
/// 事業完了日 before 申請日 (the work was done before applying at all).
fn lead_time(app: &Application, c: &Conditions) -> Vec<Finding> {
    let Some(rule) = &c.lead_time else {
        return Vec::new();
    };
    let source = article(&Some(rule.source.clone()));
    let mut out = Vec::new();
    if let Some(completed) = app.completed_on.filter(|&d| d < app.applied_on) {
        out.push(finding(
            app,
            FindingKind::CompletedBeforeApplication,
            format!(
                "事業完了日{}が申請日{}より前です。申請は事業に着手する前に行うもの{source}のため、日付と事業を確認してください。{}",
                wareki(completed),
                wareki(app.applied_on),
                pending_note(app)
            ),
        ));
    }
    if let Some(started) = app.records.started_on {
        let gap = (started - app.applied_on).num_days();
        if gap < i64::from(rule.days) {
            let when = if gap < 0 {
                format!(
                    "事業着手日{}が申請日{}より前です",
                    wareki(started),
                    wareki(app.applied_on)
                )
            } else {
                format!(
                    "申請日{}は事業着手日{}の{gap}日前で、{}日前までの申請になっていません",
                    wareki(app.applied_on),
                    wareki(started),
                    rule.days
                )
            };
            out.push(finding(
                app,
                FindingKind::ShortLeadTime,
                format!(
                    "{when}{source}。「原則」とされているため違反とは限りません。事情を確認してください。{}",
                    pending_note(app)
                ),
            ));
        }
    }
    out
}

/// A standing grant whose 事業完了日 is still blank after the end of February of its
/// application's FY, the installation deadline (the diversity 要綱第4条第4号).
fn completion_missing(app: &Application, program: &Program, as_of: NaiveDate) -> Option<Finding> {
    if !app.status.is_granted() || app.completed_on.is_some() {
        return None;
    }
    let fy = fiscal_year(app.applied_on);
    let limit = end_of_february(fy)?;
    (as_of > limit).then(|| {
        finding(
            app,
            FindingKind::CompletionDateMissing,
            format!(
                "申請した{}の2月末日（{}）を過ぎましたが、事業完了日が入力されていません。設置がその日までに完了したか確認してください{}。",
                fy_label(fy),
                wareki(limit),
                article(&program.checks.articles.install_by_end_of_february)
            ),
        )
    })
}

/// 事業所所在地 given but not naming the city (compared after NFKC, spaces dropped).
fn outside_city(app: &Application, c: &Conditions) -> Option<Finding> {
    let rule = c.establishment_in.as_ref()?;
    let address = app.address.as_deref().filter(|a| !a.trim().is_empty())?;
    let key = |s: &str| -> String { s.nfkc().filter(|c| !c.is_whitespace()).collect() };
    if key(address).contains(&key(&rule.city)) {
        return None;
    }
    Some(finding(
        app,
        FindingKind::OutsideCity,
        format!(
            "事業所所在地「{address}」に「{}」がありません。補助の対象は市内の事業所です（{}）。所在地を確認してください。{}",
            rule.city,
            rule.source,
            pending_note(app)
        ),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
