//! The employment-report ledger (雇用状況報告): which reports each standing
//! grant owes, when each is due, and whether it arrived in time.
//!
//! Which programs owe which reports is catalogue data (`ReportingDuty`), so a
//! new program with a reporting duty needs no code here. Everything is judged
//! as of a given date, and reports received after it are ignored, so re-running
//! a past night reproduces that night's ledger. One thing a later receipt does
//! change: [`ReportDue::received_later`] records it, so a replay never mails a
//! grantee whose report the export already holds (the contract's exception).

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use chrono::{Datelike, NaiveDate};

use crate::calendar::FiscalYear;
use crate::calendar::{fy_label, wareki};
use crate::model::{
    Application, DueShift, EmploymentReport, Finding, FindingKind, Form, RejectedReport,
    ReportingDuty,
};
use crate::text::SharedStr;

/// 状況 of one required report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportState {
    /// 提出済: received on or before the (shifted) deadline.
    Submitted,
    /// 期限後提出: received after the deadline.
    Late,
    /// 未提出: not received and the deadline has passed.
    Missing,
    /// 期限前: not received yet, deadline still ahead (or today).
    NotYetDue,
    /// 受付記録あり（入力エラー）: a row for this report was rejected for a
    /// bad cell. The city probably holds it, so no reminder goes out until
    /// the row is fixed (see [`hold_rejected`]).
    RecordedWithError,
}

impl ReportState {
    /// The word the ledger sheet shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "提出済",
            Self::Late => "期限後提出",
            Self::Missing => "未提出",
            Self::NotYetDue => "期限前",
            Self::RecordedWithError => "受付記録あり（入力エラー）",
        }
    }
}

/// One required report of one grant, as the ledger sheet and the reminders see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDue {
    /// The application's texts, shared with its row (a grant owes several reports).
    pub application_id: SharedStr,
    pub company: SharedStr,
    pub email: Option<SharedStr>,
    /// 担当者名 of the application, for the mail's greeting.
    pub contact_name: Option<SharedStr>,
    pub program: SharedStr,
    /// The report's name from the catalogue (採用状況報告). This and the
    /// duty's other texts are shared by every row of the duty (a national
    /// ledger has hundreds of thousands), not copied into each.
    pub report_name: Arc<str>,
    /// Forms to send (第10号様式 採用状況報告書, 第11号様式 採用者リスト).
    pub forms: Arc<[Form]>,
    /// Other documents to enclose (catalogue `attachments`).
    pub attachments: Arc<[String]>,
    /// FY of 交付決定日.
    pub decision_fy: FiscalYear,
    /// 交付決定日: the mails name the grant by it (the owner may have
    /// received it years ago).
    pub decided_on: NaiveDate,
    /// Which of the duty's reports this is (1 for the first of `rounds`):
    /// the mails say 1回目 / 2回目.
    pub round: u32,
    /// How many reports the duty asks for in all (its `years_after`).
    pub rounds: u32,
    /// Open days after `due` before the 督促 (the duty's `grace_open_days`).
    pub grace_open_days: u32,
    /// 報告年度: the decision's FY plus the duty's years after.
    pub report_fy: FiscalYear,
    /// 提出期限, already moved off a closed day by `due_shift`.
    pub due: NaiveDate,
    /// The duty's day before any shift (April 30): what mails say the rule is.
    pub nominal_due: NaiveDate,
    /// How a closed `nominal_due` moved to `due` (a catalogue setting per duty).
    pub due_shift: DueShift,
    /// Where the day and the shift come from (the catalogue's `basis`: city policy).
    pub due_basis: Option<Arc<str>>,
    /// 受付日 of the earliest matching report received by the as-of date.
    pub received_on: Option<NaiveDate>,
    /// 受付日 of the earliest matching report received after the as-of date
    /// (a replay of a past night): the ledger still shows the night's state,
    /// but no reminder may go out for a report the export holds.
    pub received_later: Option<NaiveDate>,
    pub state: ReportState,
    /// What 備考 says of the report beyond its date: an assumed duty, a report with no hire.
    pub remarks: Remarks,
}

/// 備考 of a ledger row: facts that inform staff and change no 状況.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remarks {
    /// Why the duty is only assumed (推定) for this grant (a transitional 附則 keeps it under
    /// a 要綱 the seeds do not hold). Such a report is never mailed.
    pub assumed: Option<Arc<str>>,
    /// The report received shows neither a woman nor a disabled person hired (新規採用なし):
    /// information, not a breach (第3条第5号 is an application-time test).
    pub no_new_hire: bool,
}

impl Remarks {
    /// The 備考 text, or `None` when there is nothing to say.
    pub fn text(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(why) = &self.assumed {
            parts.push(format!(
                "推定：{why}。この報告義務は市の確認待ちのため、督促メールは送りません。"
            ));
        }
        if self.no_new_hire {
            parts.push("新規採用なし（女性0名・障がい者0名）。".to_string());
        }
        (!parts.is_empty()).then(|| parts.concat())
    }
}

impl ReportDue {
    /// Whether reminders may be mailed for this report: not for an assumed duty.
    pub fn mailable(&self) -> bool {
        self.remarks.assumed.is_none()
    }
}

/// A report a grant owes, before looking at what was received.
#[derive(Debug)]
struct Required<'a> {
    app: &'a Application,
    duty: &'a ReportingDuty,
    decided_on: NaiveDate,
    decision_fy: FiscalYear,
    report_fy: FiscalYear,
    /// 1 for the duty's first report, 2 for its second, …
    round: u32,
    /// The due date as the 要綱 states it (April 30), before shifting.
    nominal: NaiveDate,
}

/// The reports `app` owes: none unless the grant stands (交付決定 or 確定) with a
/// decision date, one per duty of its program and per year after the decision.
fn required_reports<'a>(app: &'a Application, duties: &'a [ReportingDuty]) -> Vec<Required<'a>> {
    let Some(decided_on) = app.decided_on.filter(|_| app.status.is_granted()) else {
        return Vec::new();
    };
    let decision_fy = crate::calendar::fiscal_year(decided_on);
    let mut out = Vec::new();
    for duty in duties.iter().filter(|d| d.program == app.program) {
        for &after in &duty.years_after {
            let Some(report_fy) = decision_fy.checked_add(after) else {
                continue;
            };
            if let Some(nominal) = nominal_due(duty, report_fy) {
                let earlier = duty.years_after.iter().filter(|y| **y < after).count();
                out.push(Required {
                    app,
                    duty,
                    decided_on,
                    decision_fy,
                    report_fy,
                    round: u32::try_from(earlier).unwrap_or(u32::MAX).saturating_add(1),
                    nominal,
                });
            }
        }
    }
    out
}

/// The duty's month and day within the report FY: April–December fall in the
/// FY's starting year, January–March in the next. A day past the month's end
/// (a catalogue "31" for a 30-day month) means the month's last day; a month
/// outside 1–12 gives no date.
fn nominal_due(duty: &ReportingDuty, report_fy: FiscalYear) -> Option<NaiveDate> {
    let year = match duty.month {
        4..=12 => report_fy,
        1..=3 => report_fy.checked_add(1)?,
        _ => return None,
    };
    (1..=duty.day.clamp(1, 31))
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(year, duty.month, day))
}

/// The first day of the due month: from then on the report shows in the ledger.
fn shown_from(nominal: NaiveDate) -> NaiveDate {
    nominal.with_day(1).unwrap_or(nominal)
}

/// The earliest report per (申請番号, 報告年度) among the reports `keep` takes by 受付日 (the
/// first in input order among those of one 受付日).
fn earliest_received(
    received: &[EmploymentReport],
    keep: impl Fn(NaiveDate) -> bool,
) -> HashMap<(&str, FiscalYear), &EmploymentReport> {
    let mut out: HashMap<(&str, FiscalYear), &EmploymentReport> = HashMap::new();
    for r in received.iter().filter(|r| keep(r.received_on)) {
        out.entry((r.application_id.as_str(), r.report_fy))
            .and_modify(|e| {
                if r.received_on < e.received_on {
                    *e = r;
                }
            })
            .or_insert(r);
    }
    out
}

/// A report that gives its hires and shows none: both counts 0, or one 0 and the other blank
/// (the form has both boxes). A report with both blank says nothing.
fn shows_no_hire(r: &EmploymentReport) -> bool {
    (r.hires_women.is_some() || r.hires_disabled.is_some())
        && r.hires_women.unwrap_or(0) + r.hires_disabled.unwrap_or(0) == 0
}

/// Why `duty` is only assumed for `app`'s grant, when its transition says so.
fn assumed(duty: &ReportingDuty, app: &Application) -> Option<Arc<str>> {
    let t = duty.transition.as_ref()?;
    let decided = app.decided_on?;
    t.assumes(decided).then(|| {
        format!(
            "{}より前（{}）の交付決定は改正前の要綱によります（{}）",
            wareki(t.decided_before),
            wareki(decided),
            t.source
        )
        .into()
    })
}

fn state_of(received_on: Option<NaiveDate>, due: NaiveDate, as_of: NaiveDate) -> ReportState {
    match received_on {
        Some(r) if r <= due => ReportState::Submitted,
        Some(_) => ReportState::Late,
        None if as_of > due => ReportState::Missing,
        None => ReportState::NotYetDue,
    }
}

/// A duty's texts, made once and shared by its ledger rows.
#[derive(Debug, Clone)]
struct DutyTexts {
    name: Arc<str>,
    forms: Arc<[Form]>,
    attachments: Arc<[String]>,
    basis: Option<Arc<str>>,
}

impl DutyTexts {
    fn of(duty: &ReportingDuty) -> Self {
        DutyTexts {
            name: duty.name.as_str().into(),
            forms: duty.forms.as_slice().into(),
            attachments: duty.attachments.as_slice().into(),
            basis: duty.basis.as_deref().map(Into::into),
        }
    }
}

/// One row per required report whose due month has begun by `as_of`, sorted by
/// due date, then 申請番号 (then report name and FY, so the order is total).
pub(crate) fn ledger(
    apps: &[Application],
    received: &[EmploymentReport],
    duties: &[ReportingDuty],
    as_of: NaiveDate,
) -> Vec<ReportDue> {
    let index = earliest_received(received, |d| d <= as_of);
    // Usually empty: only a replay of a past night sees receipts after it.
    let later = earliest_received(received, |d| d > as_of);
    let shared: Vec<DutyTexts> = duties.iter().map(DutyTexts::of).collect();
    let duty_of = |duty: &ReportingDuty| {
        duties
            .iter()
            .position(|d| std::ptr::eq(d, duty))
            .unwrap_or_default()
    };
    // Sorted while each report is a few references and dates, then made into
    // rows at exactly their number: sorting the rows themselves moved
    // hundreds of bytes per swap, and collecting them unsized grew the
    // vector by doubling and copied it once more to shrink it (a full sheet
    // has some 800,000 of them).
    let mut required: Vec<(Required<'_>, NaiveDate, usize)> = apps
        .iter()
        .flat_map(|app| required_reports(app, duties))
        .filter(|req| shown_from(req.nominal) <= as_of)
        .map(|req| {
            let (due, duty) = (req.duty.shift.apply(req.nominal), duty_of(req.duty));
            (req, due, duty)
        })
        .collect();
    required.sort_by(|(a, a_due, a_duty), (b, b_due, b_duty)| {
        (a_due, &a.app.id, &shared[*a_duty].name, a.report_fy).cmp(&(
            b_due,
            &b.app.id,
            &shared[*b_duty].name,
            b.report_fy,
        ))
    });
    let received = Receipts {
        by_night: &index,
        later: &later,
    };
    required
        .into_iter()
        .map(|(req, due, duty)| due_row(&req, due, shared[duty].clone(), &received, as_of))
        .collect()
}

/// The reports received by the night (the earliest of each application and FY), and
/// those received after it.
struct Receipts<'r, 'a> {
    by_night: &'r HashMap<(&'a str, FiscalYear), &'a EmploymentReport>,
    later: &'r HashMap<(&'a str, FiscalYear), &'a EmploymentReport>,
}

/// The ledger's row of one required report, due on `due`, with its receipt if any.
fn due_row(
    req: &Required<'_>,
    due: NaiveDate,
    duty: DutyTexts,
    received: &Receipts<'_, '_>,
    as_of: NaiveDate,
) -> ReportDue {
    let key = (req.app.id.as_str(), req.report_fy);
    let report = received.by_night.get(&key).copied();
    let received_on = report.map(|r| r.received_on);
    let received_later = received_on
        .is_none()
        .then(|| received.later.get(&key).map(|r| r.received_on))
        .flatten();
    let remarks = Remarks {
        assumed: assumed(req.duty, req.app),
        no_new_hire: req.duty.notes_hires && report.is_some_and(shows_no_hire),
    };
    ReportDue {
        application_id: req.app.id.clone(),
        company: req.app.company.clone(),
        email: req.app.email.clone(),
        contact_name: req.app.contact.clone(),
        program: req.app.program.clone(),
        report_name: duty.name,
        forms: duty.forms,
        attachments: duty.attachments,
        decision_fy: req.decision_fy,
        decided_on: req.decided_on,
        round: req.round,
        rounds: u32::try_from(req.duty.years_after.len()).unwrap_or(u32::MAX),
        grace_open_days: req.duty.grace_open_days,
        report_fy: req.report_fy,
        due,
        nominal_due: req.nominal,
        due_shift: req.duty.shift,
        due_basis: duty.basis,
        received_on,
        received_later,
        state: state_of(received_on, due, as_of),
        remarks,
    }
}

/// Holds the reminders of every report a rejected row may be: a ledger row
/// not received (未提出 or 期限前) whose 申請番号 matches a rejected report
/// row, and whose 報告年度 matches too when the row's was readable, becomes
/// [`ReportState::RecordedWithError`]. A rejected row whose readable 受付日
/// is after `as_of` is ignored, as a received report would be. Returns one
/// 要確認 row per held report, naming the rejected row to fix.
pub(crate) fn hold_rejected(
    ledger: &mut [ReportDue],
    rejected: &[RejectedReport],
    as_of: NaiveDate,
) -> Vec<Finding> {
    // The rejected rows by 申請番号, each list in input order, so the first match below is
    // the first in the input, without a scan of every rejected row per ledger row.
    let mut by_app: HashMap<&str, Vec<&RejectedReport>> = HashMap::new();
    for r in rejected {
        by_app.entry(r.application_id.as_str()).or_default().push(r);
    }
    let mut findings = Vec::new();
    for row in ledger.iter_mut() {
        if !matches!(row.state, ReportState::Missing | ReportState::NotYetDue) {
            continue;
        }
        let Some(candidates) = by_app.get(row.application_id.as_str()) else {
            continue;
        };
        let Some(r) = candidates.iter().find(|r| {
            r.application_id == row.application_id
                && r.report_fy.is_none_or(|fy| fy == row.report_fy)
                && r.received_on.is_none_or(|d| d <= as_of)
        }) else {
            continue;
        };
        row.state = ReportState::RecordedWithError;
        let which = match r.report_fy {
            Some(_) => String::new(),
            None => "報告年度が読めないため、この申請のまだ受け付けていない報告をすべて保留の対象にしています。".to_string(),
        };
        findings.push(Finding {
            application_id: row.application_id.clone(),
            company: row.company.clone(),
            kind: FindingKind::ReportRowRejected,
            detail: format!(
                "{}の{}は、{}{}行目が入力エラーで除外されたため受付を確認できませんが、市に届いている可能性があるので督促メールを保留しています。{which}「入力エラー」シートを確認し、行を直してください。",
                fy_label(row.report_fy),
                row.report_name,
                crate::model::place(&r.origin.file, &r.origin.sheet),
                r.origin.row
            )
            .into(),
        });
    }
    findings
}

/// 要確認 rows for reports received by `as_of` that match no required report:
/// an unknown 申請番号, an application that owes no report (not granted, or a
/// program without a reporting duty), or a 報告年度 the grant does not owe.
/// Sorted by 申請番号, 報告年度 and 受付日.
pub(crate) fn stray_reports(
    apps: &[Application],
    received: &[EmploymentReport],
    duties: &[ReportingDuty],
    as_of: NaiveDate,
) -> Vec<Finding> {
    let mut by_id: HashMap<&str, &Application> = HashMap::new();
    for app in apps {
        by_id.entry(app.id.as_str()).or_insert(app);
    }
    let mut strays: Vec<&EmploymentReport> =
        received.iter().filter(|r| r.received_on <= as_of).collect();
    strays.sort_by(|a, b| {
        (&a.application_id, a.report_fy, a.received_on).cmp(&(
            &b.application_id,
            b.report_fy,
            b.received_on,
        ))
    });
    strays
        .into_iter()
        .filter_map(|r| stray_finding(r, by_id.get(r.application_id.as_str()).copied(), duties))
        .collect()
}

/// The finding for one received report, or `None` when a grant owes it.
fn stray_finding(
    report: &EmploymentReport,
    app: Option<&Application>,
    duties: &[ReportingDuty],
) -> Option<Finding> {
    let what = format!(
        "{}の雇用状況報告（{}受付）",
        fy_label(report.report_fy),
        wareki(report.received_on)
    );
    let Some(app) = app else {
        return Some(Finding {
            application_id: report.application_id.as_str().into(),
            company: SharedStr::default(),
            kind: FindingKind::UnknownApplication,
            detail: format!(
                "{what}の申請番号{}は申請一覧にありません。申請番号を確認してください。",
                report.application_id
            )
            .into(),
        });
    };
    let owed = required_reports(app, duties);
    if owed.iter().any(|req| req.report_fy == report.report_fy) {
        return None;
    }
    let (kind, detail) = if owed.is_empty() {
        (
            FindingKind::ReportNotOwed,
            format!(
                "{what}がありますが、この申請（{}、状態：{}）には雇用状況報告の提出義務がありません。",
                app.program,
                app.status.label()
            ),
        )
    } else {
        let fys: Vec<String> = owed.iter().map(|req| fy_label(req.report_fy)).collect();
        (
            FindingKind::ReportYearMismatch,
            format!(
                "{what}は、この申請で提出が必要な報告年度（{}）のいずれにも当たりません。報告年度を確認してください。",
                fys.join("・")
            ),
        )
    };
    Some(Finding {
        application_id: app.id.clone(),
        company: app.company.clone(),
        kind,
        detail: detail.into(),
    })
}

#[cfg(test)]
mod tests;
