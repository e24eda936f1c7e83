//! 要確認 rows from the amounts and from the programs' other rules.
//!
//! Each finding sits on the application that breaks the rule: the one decided
//! over the rules, the later of two applications for one establishment, and
//! so on. Which checks a program has is catalogue data ([`Checks`]), so any
//! program can switch them on.

use foldhash::{HashMap, HashMapExt};

use chrono::{Days, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use super::amount::Ineligible;
use super::assess::{Assessment, Verdict};
use super::cite::{article, finding};
use crate::calendar::{fiscal_year, fy_label, wareki};
use crate::catalogue::{Catalogue, Checks, EstablishmentCounts, FirstDay};
use crate::format::yen;
use crate::model::{AppStatus, Application, Finding, FindingKind};

/// Every rule the data breaks, application by application in input order.
pub(crate) fn findings(
    cat: &Catalogue,
    apps: &[Application],
    assessed: &[Assessment],
    as_of: NaiveDate,
) -> Vec<Finding> {
    // Each assessment names its application by position ([`Assessment::application`]).
    let mut of_app: Vec<Option<&Assessment>> = vec![None; apps.len()];
    for a in assessed {
        if let Some(slot) = of_app.get_mut(a.application as usize)
            && apps[a.application as usize].id == a.application_id
        {
            *slot = Some(a);
        }
    }
    let earlier = earlier_for_same_establishment(cat, apps);
    let mut out = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        let program = cat.program(app.program_id);
        let checks = &program.checks;
        if let Some(a) = of_app[i] {
            amount_findings(app, a, checks, &mut out);
            super::final_amount::findings(app, a, checks, &mut out);
        }
        if let Some(first) = earlier.get(i).copied().flatten().and_then(|j| apps.get(j)) {
            out.push(same_establishment(app, first, checks));
        }
        out.extend(super::advance::findings(app, checks));
        if checks.install_by_end_of_february
            && let Some(f) = installed_after_february(app, checks)
        {
            out.push(f);
        }
        if let Some(f) = completion_report_overdue(app, checks, as_of) {
            out.push(f);
        }
        out.extend(super::conditions::findings(app, program, as_of));
    }
    out
}

/// The working of 算定根拠 and the rule set's name after it ("［適用ルール：…］"), so a
/// sentence can put the name last.
fn working_and_rule(reason: &str) -> (&str, &str) {
    match reason.find("［適用ルール：") {
        Some(at) => reason.split_at(at),
        None => (reason, ""),
    }
}

/// Decided over the rules; granted although below the floor or with too few members; and,
/// before any decision, a pending application the rules already rule out (below the floor,
/// too few members, over the company's per-FY cap), so staff see it before they decide.
fn amount_findings(app: &Application, a: &Assessment, checks: &Checks, out: &mut Vec<Finding>) {
    let pending = app.status == AppStatus::Pending;
    let (working, rule) = working_and_rule(&a.reason);
    if a.ineligible == Some(Ineligible::TooFewMembers) && (pending || app.status.is_granted()) {
        out.push(finding(
            app,
            FindingKind::TooFewMembers,
            format!(
                "{working}です（状態：{}）{}。{rule}",
                app.status.label(),
                article(&checks.articles.min_members)
            ),
        ));
        return;
    }
    if pending && a.ineligible == Some(Ineligible::BelowFloor) {
        out.push(finding(
            app,
            FindingKind::BelowFloor,
            format!("{working}です。申請中のため、交付決定の前に確認してください。{rule}"),
        ));
        return;
    }
    if pending && a.company_fy_limited {
        out.push(finding(
            app,
            FindingKind::CompanyFyLimit,
            format!(
                "同じ事業者の同年度の先行申請で1社1年度の上限を使っているため、算定額は{}です（{}）。申請中のため、交付決定の前に確認してください{}。",
                a.computed.map(yen).unwrap_or_default(),
                a.reason,
                article(&checks.articles.company_fy_cap)
            ),
        ));
        return;
    }
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
                    "{working}ですが、状態が{}です{amount}。{rule}",
                    app.status.label()
                ),
            ));
        }
        _ => {}
    }
}

/// Addresses compared after NFKC with spaces dropped and dashes unified,
/// since exports write 1-2-3, １－２－３ and 1−2−3 for the same place.
/// NFKC is skipped for text already in that form (most addresses), which it leaves unchanged.
fn normalize_address(s: &str) -> String {
    fn unify(c: char) -> char {
        match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' => '-',
            other => other,
        }
    }
    if unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(unify)
            .collect();
    }
    s.nfkc().filter(|c| !c.is_whitespace()).map(unify).collect()
}

/// Whether `app` can be "the one application" of its establishment under the reading.
fn counts_as_first(app: &Application, counts: EstablishmentCounts) -> bool {
    match counts {
        EstablishmentCounts::Any => true,
        // A grant that was later cancelled (取消) was still granted once.
        EstablishmentCounts::Granted => {
            app.status.is_granted() || app.status == AppStatus::Cancelled
        }
    }
}

/// For each later application of a program allowing one per establishment,
/// the index of the first application for that establishment that counts under the
/// program's reading ([`EstablishmentCounts`]).
fn earlier_for_same_establishment(cat: &Catalogue, apps: &[Application]) -> Vec<Option<usize>> {
    let order = Application::processing_order(apps, |a| a.status != AppStatus::Withdrawn);
    let mut first: HashMap<(&str, String), usize> = HashMap::new();
    let mut later = vec![None; apps.len()];
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
        let key = (program.name.as_str(), address);
        match first.get(&key) {
            Some(&j) => {
                later[i] = Some(j);
            }
            None if counts_as_first(app, program.checks.establishment_counts) => {
                first.insert(key, i);
            }
            None => {}
        }
    }
    later
}

fn same_establishment(app: &Application, first: &Application, checks: &Checks) -> Finding {
    let reading = match checks.establishment_counts {
        EstablishmentCounts::Granted => {
            "交付決定を受けた申請を1回と数えています（不交付の申請は数えません）"
        }
        EstablishmentCounts::Any => "取下げ以外のすべての申請を1回と数えています（不交付を含む）",
    };
    let pending = if app.status == AppStatus::Pending {
        "申請中のため、交付決定の前に確認してください。"
    } else {
        ""
    };
    finding(
        app,
        FindingKind::SameEstablishment,
        format!(
            "事業所所在地「{}」については申請{}（{}申請、状態：{}）が先にあり、申請は1事業所につき1回限りです{}。市の取扱い：{reading}。{pending}",
            app.address.as_deref().unwrap_or_default(),
            first.id,
            wareki(first.applied_on),
            first.status.label(),
            article(&checks.articles.one_application_per_establishment)
        ),
    )
}

/// The last day of February of the FY's closing calendar year (leap-aware).
pub(crate) fn end_of_february(fy: i32) -> Option<NaiveDate> {
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

/// The completion report's due day: "完了した日から起算して{days}日後の日", counted by the
/// program's reading of the first day, then moved off a closed day by its shift setting.
pub(crate) fn completion_report_due(completed: NaiveDate, checks: &Checks) -> Option<NaiveDate> {
    let days = u64::from(checks.completion_report_days?);
    let offset = match checks.completion_report_first_day {
        FirstDay::Excluded => days,
        FirstDay::Included => days.saturating_sub(1),
    };
    let day = completed.checked_add_days(Days::new(offset))?;
    Some(checks.completion_report_shift.apply(day))
}

/// The completion report came late or has not come by its due day. With 実績報告受付日 in
/// the export the receipt date decides (a date after the as-of date is not known yet);
/// without one, a grant still 交付決定 (not 確定) after the due day is taken as not received.
fn completion_report_overdue(
    app: &Application,
    checks: &Checks,
    as_of: NaiveDate,
) -> Option<Finding> {
    let days = checks.completion_report_days?;
    if !app.status.is_granted() {
        return None;
    }
    let completed = app.completed_on?;
    let due = completion_report_due(completed, checks)?;
    let received = app
        .records
        .completion_report_received_on
        .filter(|&r| r <= as_of);
    // Most grants are on time: decided before any sentence is written.
    match received {
        Some(r) if r > due => {}
        Some(_) => return None,
        // 確定 follows the report, so a 確定 grant without a receipt date is not overdue.
        None if as_of <= due || app.status == AppStatus::Final => return None,
        None => {}
    }
    let counted = match checks.completion_report_first_day {
        FirstDay::Excluded => "完了日の翌日から数えて",
        FirstDay::Included => "完了日を1日目として",
    };
    let rule = format!(
        "事業完了日{}から{days}日後（{counted}、{}）の実績報告期限{}",
        wareki(completed),
        checks.completion_report_shift.label(),
        wareki(due)
    );
    let what = match received {
        Some(r) => format!("{rule}より後の{}に実績報告を受け付けています", wareki(r)),
        None => format!("{rule}を過ぎていますが、確定していません"),
    };
    Some(finding(
        app,
        FindingKind::CompletionReportOverdue,
        format!("{what}{}。", article(&checks.articles.completion_report)),
    ))
}
