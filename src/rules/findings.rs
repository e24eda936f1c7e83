//! 要確認 rows from the amounts and from the programs' other rules.
//!
//! Each finding sits on the application that breaks the rule: the one decided
//! over the rules, the later of two applications for one establishment, and
//! so on. Which checks a program has is catalogue data ([`Checks`]), so any
//! program can switch them on.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use super::assess::{Assessment, Verdict};
use crate::calendar::{fiscal_year, fy_label, next_open_day, wareki};
use crate::catalogue::{Catalogue, Checks};
use crate::format::yen;
use crate::model::{AppStatus, Application, Finding, FindingKind};

/// Every rule the data breaks, application by application in input order.
pub fn findings(
    cat: &Catalogue,
    apps: &[Application],
    assessed: &[Assessment],
    as_of: NaiveDate,
) -> Vec<Finding> {
    let by_id: HashMap<&str, &Assessment> = assessed
        .iter()
        .map(|a| (a.application_id.as_str(), a))
        .collect();
    let earlier = earlier_for_same_establishment(cat, apps);
    let mut out = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        if let Some(a) = by_id.get(app.id.as_str()) {
            amount_findings(app, a, &mut out);
        }
        let program = cat.program(app.program_id);
        let checks = &program.checks;
        if let Some(first) = earlier.get(&i).and_then(|&j| apps.get(j)) {
            out.push(same_establishment(app, first, checks));
        }
        if checks.install_by_end_of_february
            && let Some(f) = installed_after_february(app, checks)
        {
            out.push(f);
        }
        if let Some(f) = completion_report_overdue(app, checks, as_of) {
            out.push(f);
        }
    }
    out
}

fn finding(app: &Application, kind: FindingKind, detail: String) -> Finding {
    Finding {
        application_id: app.id.clone(),
        company: app.company.clone(),
        kind,
        detail,
    }
}

fn article(text: &Option<String>) -> String {
    text.as_deref()
        .map(|a| format!("（{a}）"))
        .unwrap_or_default()
}

/// Decided over the rules; granted although below the floor.
fn amount_findings(app: &Application, a: &Assessment, out: &mut Vec<Finding>) {
    match (a.verdict, a.decided, a.computed) {
        (Verdict::Over, Some(decided), Some(computed)) => out.push(finding(
            app,
            FindingKind::AmountOver,
            format!(
                "交付決定額{}が算定額{}を{}上回っています（{}）。",
                yen(decided),
                yen(computed),
                yen(decided.saturating_sub(computed)),
                a.reason
            ),
        )),
        (Verdict::NotEligible, decided, _) if app.status.is_granted() => {
            let amount = decided
                .map(|d| format!("（交付決定額{}）", yen(d)))
                .unwrap_or_default();
            out.push(finding(
                app,
                FindingKind::BelowFloor,
                format!(
                    "{}ですが、状態が{}です{amount}。",
                    a.reason,
                    app.status.label()
                ),
            ));
        }
        _ => {}
    }
}

/// Addresses compared after NFKC with spaces dropped and dashes unified,
/// since exports write 1-2-3, １－２－３ and 1−2−3 for the same place.
fn normalize_address(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' => '-',
            other => other,
        })
        .collect()
}

/// For each later application of a program allowing one per establishment,
/// the index of the first application for that establishment.
fn earlier_for_same_establishment(cat: &Catalogue, apps: &[Application]) -> HashMap<usize, usize> {
    let mut order: Vec<usize> = (0..apps.len())
        .filter(|&i| apps[i].status != AppStatus::Withdrawn)
        .collect();
    order.sort_by_key(|&i| apps[i].processing_key());
    let mut first: HashMap<(String, String), usize> = HashMap::new();
    let mut later = HashMap::new();
    for i in order {
        let app = &apps[i];
        let program = cat.program(app.program_id);
        if !program.checks.one_application_per_establishment {
            continue;
        }
        let Some(address) = app.address.as_deref().map(normalize_address) else {
            continue;
        };
        if address.is_empty() {
            continue;
        }
        match first.get(&(program.name.clone(), address.clone())) {
            Some(&j) => {
                later.insert(i, j);
            }
            None => {
                first.insert((program.name.clone(), address), i);
            }
        }
    }
    later
}

fn same_establishment(app: &Application, first: &Application, checks: &Checks) -> Finding {
    finding(
        app,
        FindingKind::SameEstablishment,
        format!(
            "事業所所在地「{}」については申請{}（{}申請）が先にあり、申請は1事業所につき1回限りです{}。",
            app.address.as_deref().unwrap_or_default(),
            first.id,
            wareki(first.applied_on),
            article(&checks.articles.one_application_per_establishment)
        ),
    )
}

/// The last day of February of the FY's closing calendar year (leap-aware).
pub fn end_of_february(fy: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(fy.checked_add(1)?, 3, 1)?.pred_opt()
}

fn installed_after_february(app: &Application, checks: &Checks) -> Option<Finding> {
    if matches!(app.status, AppStatus::Withdrawn | AppStatus::Rejected) {
        return None;
    }
    let completed = app.completed_on?;
    let fy = fiscal_year(app.applied_on);
    let limit = end_of_february(fy)?;
    (completed > limit).then(|| {
        finding(
            app,
            FindingKind::InstalledLate,
            format!(
                "事業完了日{}が、申請した{}の2月末日（{}）より後です{}。",
                wareki(completed),
                fy_label(fy),
                wareki(limit),
                article(&checks.articles.install_by_end_of_february)
            ),
        )
    })
}

/// Still 交付決定 (not 確定) after the completion report's due date.
fn completion_report_overdue(
    app: &Application,
    checks: &Checks,
    as_of: NaiveDate,
) -> Option<Finding> {
    let days = checks.completion_report_days?;
    if app.status != AppStatus::Decided {
        return None;
    }
    let completed = app.completed_on?;
    let due = next_open_day(completed.checked_add_days(Days::new(u64::from(days)))?);
    (as_of > due).then(|| {
        finding(
            app,
            FindingKind::CompletionReportOverdue,
            format!(
                "事業完了日{}から{days}日後の実績報告期限{}を過ぎていますが、確定していません{}。",
                wareki(completed),
                wareki(due),
                article(&checks.articles.completion_report)
            ),
        )
    })
}
