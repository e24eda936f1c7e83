//! Builders from each stage's output to its sheet's [`Table`].

use chrono::{DateTime, NaiveDate};

use crate::catalogue::RuleBasis;
use crate::compliance::reports::{ReportDue, ReportState};
use crate::compliance::restriction::{AssetRestriction, AssetState};
use crate::model::{Application, Finding, InputError, MailOutcome, NotificationRow};
use crate::night::{Standing, Status};
use crate::rules::final_amount::FinalVerdict;
use crate::rules::{Assessment, Verdict};

use super::cell::Cell;
use super::contacts::{self, Contacts};
use super::highlight::{Highlight, Rule, Severity};
use super::history::{self, History};
use super::rows::Rows;
use super::sheet::Sheet;
use super::table::Table;

/// 入力エラー: every rejected row or value, in file, sheet and row order
/// (then column), so staff fixing an export go down it once. Files sort by
/// name; the sheets of one file keep the order they were read in (the
/// order of the datasets), not the order of their names.
///
/// `names` maps a file as read (its path) to the name staff know it by (the
/// job's `display` per input). `warnings` (values read leniently, rows kept)
/// are listed among them, their 内容 starting 警告（除外なし）, and do not make
/// the sheet need action by themselves.
pub(crate) fn input_errors<'a>(
    errors: &'a [InputError],
    warnings: &'a [InputError],
    names: &[(String, String)],
) -> Table<'a> {
    // Whose row it is and what it costs first (the columns a printed page
    // keeps in view), then where to fix it.
    let mut t = Table::new(
        Sheet::InputErrors,
        vec![
            "申請番号",
            "事業者名",
            "影響",
            "内容",
            "ファイル",
            "シート",
            "セル",
            "項目",
            "値",
        ],
    );
    let mut sheets: Vec<(&str, &str)> = Vec::new();
    for e in errors.iter().chain(warnings) {
        if !sheets.contains(&(e.file.as_str(), e.sheet.as_str())) {
            sheets.push((&e.file, &e.sheet));
        }
    }
    let rank = |e: &InputError| {
        sheets
            .iter()
            .position(|s| *s == (e.file.as_str(), e.sheet.as_str()))
            .unwrap_or(usize::MAX)
    };
    let mut sorted: Vec<&InputError> = errors.iter().chain(warnings).collect();
    sorted.sort_by_key(|e| (e.file.as_str(), rank(e), cell_order(&e.cell)));
    t.rows = sorted
        .into_iter()
        .map(|e| {
            vec![
                Cell::text(&e.application_id),
                Cell::text(&e.company),
                Cell::text(&e.effect),
                Cell::text(&e.reason),
                match names.iter().find(|(path, _)| *path == e.file) {
                    Some((_, shown)) => Cell::text(shown.clone()),
                    None => Cell::text(&e.file),
                },
                Cell::text(crate::model::shown_sheet(&e.file, &e.sheet)),
                Cell::text(&e.cell),
                Cell::text(&e.column),
                Cell::text(&e.value),
            ]
        })
        .collect();
    t.needs_action = !errors.is_empty();
    t
}

/// An A1 reference as (row, column) for sorting: `B6` → (6, 2), `AA10` →
/// (10, 27). A reference that is not A1 (a whole file) sorts first.
fn cell_order(a1: &str) -> (u32, u32) {
    let letters: String = a1.chars().take_while(char::is_ascii_alphabetic).collect();
    let row = a1[letters.len()..].parse().unwrap_or(0);
    let col = letters.chars().fold(0u32, |n, c| {
        n * 26 + (u32::from(c.to_ascii_uppercase()) - 64)
    });
    (row, col)
}

/// 要確認: every rule the data breaks, on the application that breaks it;
/// new rows (no delivered digest has named them) first, each with the night
/// it first appeared and how to reach the grantee. `statuses` is the night's
/// summary of `findings` (the same order); `apps` gives the contacts.
pub(crate) fn findings<'a>(
    findings: &'a [Finding],
    statuses: &'a [Status],
    apps: &'a [Application],
) -> Table<'a> {
    let mut t = Table::new(
        Sheet::Findings,
        vec![
            "申請番号",
            "事業者名",
            "区分",
            "種別",
            "内容",
            "初出日",
            contacts::COLUMNS[0],
            contacts::COLUMNS[1],
            contacts::COLUMNS[2],
        ],
    );
    let contacts = Contacts::of(apps, findings.iter().map(|f| &*f.application_id));
    let standing = |i: usize| statuses.get(i).map_or(Standing::New, |s| s.standing);
    let mut order: Vec<usize> = (0..findings.len()).collect();
    // Stable: within new and within continuing, the rules' own order.
    order.sort_by_key(|&i| standing(i) != Standing::New);
    t.rows = Rows::made(findings.len(), move |row| {
        let i = order[row];
        let f = &findings[i];
        let mut cells = vec![
            Cell::text(&f.application_id),
            Cell::text(&f.company),
            Cell::tag(standing(i).label()),
            Cell::tag(f.kind.label()),
            Cell::Text(f.detail.text()),
            Cell::opt_date(statuses.get(i).map(|s| s.first_seen)),
        ];
        cells.extend(contacts.cells(&f.application_id));
        cells
    });
    t.highlights = vec![Highlight::new(
        "区分",
        Rule::BeginsWith(Standing::New.label()),
        Severity::Warn,
    )];
    t.needs_action = statuses.iter().any(|s| s.standing == Standing::New);
    t
}

/// 算定検証: one row per assessment, the rules' amount against the decided
/// one, with the 事業者名 and 状態 of the application it names by position
/// ([`Assessment::application`]) in `apps`, the applications
/// [`crate::rules::assess()`] was given.
pub(crate) fn verification<'a>(assessed: &'a [Assessment], apps: &'a [Application]) -> Table<'a> {
    let mut t = Table::new(
        Sheet::Verification,
        vec![
            "申請番号",
            "事業者名",
            "制度",
            "状態",
            "算定額",
            "交付決定額",
            "差額",
            "判定",
            "区分",
            "補助対象経費",
            "算定根拠",
            "ルール確認",
            // Issue 22: 確定額 and its comparisons, after the decision's columns.
            "確定額",
            "確定額の差額（対算定額）",
            "確定額の差額（対交付決定額）",
            "確定額の判定",
        ],
    );
    t.note = Some(
        "差額 = 交付決定額 − 算定額。判定が「超過」の申請は要確認シートにも載ります。確定額の差額 = 確定額 − 算定額、確定額 − 交付決定額（確定・取消の申請）。確定額の判定が「範囲内」以外の申請も要確認シートに載ります。"
            .into(),
    );
    t.rows = Rows::made(assessed.len(), move |i| {
        let a = &assessed[i];
        let app = apps
            .get(a.application as usize)
            .filter(|p| p.id == a.application_id);
        vec![
            Cell::text(&a.application_id),
            Cell::opt_text(app.map(|p| p.company.as_str())),
            Cell::text(&a.program),
            Cell::opt_text(app.map(|p| p.status.label())),
            Cell::opt_yen(a.computed),
            Cell::opt_yen(a.decided),
            Cell::opt_yen(a.difference),
            Cell::tag(a.verdict.label()),
            Cell::opt_text(a.course.as_deref()),
            Cell::Yen(a.eligible_cost),
            Cell::text(&a.reason),
            rule_check(a.basis),
            Cell::opt_yen(a.final_check.map(|f| f.amount)),
            Cell::opt_yen(a.final_check.and_then(|f| f.vs_computed)),
            Cell::opt_yen(a.final_check.and_then(|f| f.vs_decided)),
            a.final_check
                .map_or(Cell::Empty, |f| Cell::tag(f.verdict.label())),
        ]
    });
    t.highlights = verification_highlights();
    t.needs_action = assessed.iter().any(calls_for_action);
    t
}

/// 算定検証's marks: an amount over the decision or a 確定額 over either in
/// red, what staff should look at in yellow.
fn verification_highlights() -> Vec<Highlight> {
    vec![
        Highlight::new(
            "判定",
            Rule::BeginsWith(Verdict::Over.label()),
            Severity::Alert,
        ),
        Highlight::new("差額", Rule::Positive, Severity::Alert),
        Highlight::new("差額", Rule::Negative, Severity::Warn),
        Highlight::new(
            "判定",
            Rule::BeginsWith(Verdict::Under.label()),
            Severity::Warn,
        ),
        Highlight::new(
            "判定",
            Rule::BeginsWith(Verdict::CannotCompute.label()),
            Severity::Warn,
        ),
        Highlight::new("ルール確認", Rule::BeginsWith("未確認"), Severity::Warn),
        Highlight::new("ルール確認", Rule::BeginsWith("繰越"), Severity::Warn),
        Highlight::new("確定額の判定", Rule::BeginsWith("算定額"), Severity::Alert),
        Highlight::new(
            "確定額の判定",
            Rule::BeginsWith("交付決定額"),
            Severity::Alert,
        ),
    ]
}

/// Whether an assessment puts 算定検証 among today's sheets to act on: an
/// amount over the decision, or a 確定額 beyond what it may be.
fn calls_for_action(a: &Assessment) -> bool {
    a.verdict == Verdict::Over
        || a.final_check.is_some_and(|f| {
            !matches!(
                f.verdict,
                FinalVerdict::Within | FinalVerdict::NotComparable
            )
        })
}

/// ルール確認: how far the rule set that gave 算定額 is confirmed; empty when no rule set
/// judged the application (its 算定不可 says why), since there is nothing to confirm.
fn rule_check(basis: Option<RuleBasis>) -> Cell<'static> {
    match basis {
        None => Cell::Empty,
        Some(RuleBasis::Verified) => Cell::tag("確認済"),
        Some(RuleBasis::Unverified) => Cell::tag("未確認（市の確認待ち）"),
        Some(RuleBasis::Assumed) => Cell::tag("推定（過年度の額、市の確認待ち）"),
        Some(RuleBasis::CarriedForward) => {
            Cell::tag("繰越・未確認（確認済の年度の額を適用、市の確認待ち）")
        }
    }
}

/// 申請番号, 事業者名, 報告年度, 提出期限: how a required report is named on
/// 雇用状況報告 and in 概要's list of overdue reports.
pub(crate) fn report_key_cells(r: &ReportDue) -> Vec<Cell<'_>> {
    vec![
        Cell::text(&r.application_id),
        Cell::text(&r.company),
        Cell::Fy(r.report_fy),
        Cell::Date(r.due),
    ]
}

/// A stage and its date as two cells.
fn stage_cells(s: Option<(crate::model::Stage, NaiveDate)>) -> [Cell<'static>; 2] {
    match s {
        Some((stage, on)) => [Cell::tag(stage.label()), Cell::Date(on)],
        None => [Cell::Empty, Cell::Empty],
    }
}

/// 雇用状況報告: one row per required report whose month has begun, with the
/// last reminder that went out (`sent`, from the outbox) and the next one due.
pub(crate) fn employment_reports<'a>(
    ledger: &'a [ReportDue],
    sent: History,
    as_of: NaiveDate,
    apps: &'a [Application],
) -> Table<'a> {
    // 担当者名 and メールアドレス travel with each report; 電話番号 is looked up
    // only when the export has the column.
    let phones = if apps.iter().any(|a| a.records.phone.is_some()) {
        Contacts::of(apps, ledger.iter().map(|r| &*r.application_id))
    } else {
        Contacts::default()
    };
    let mut t = Table::new(
        Sheet::EmploymentReports,
        vec![
            "申請番号",
            "事業者名",
            "報告年度",
            "提出期限",
            "受付日",
            "状況",
            "最終通知",
            "最終通知日",
            "次回予定",
            "次回予定日",
            contacts::COLUMNS[0],
            contacts::COLUMNS[1],
            contacts::COLUMNS[2],
            "制度",
            "報告",
            "交付決定年度",
            "様式",
            "備考",
        ],
    );
    t.rows = Rows::made(ledger.len(), move |i| {
        report_cells(&ledger[i], &sent, as_of, &phones)
    });
    t.highlights = report_highlights();
    t.needs_action = ledger.iter().any(|r| r.state == ReportState::Missing);
    t.declare_fiscal_years(ledger.iter().flat_map(|r| [r.report_fy, r.decision_fy]));
    t
}

/// One row of 雇用状況報告: the report, its reminders, whom to reach, and
/// what the report is.
fn report_cells<'a>(
    r: &'a ReportDue,
    sent: &History,
    as_of: NaiveDate,
    phones: &Contacts<'a>,
) -> Vec<Cell<'a>> {
    let mut cells = report_key_cells(r);
    cells.extend([Cell::opt_date(r.received_on), Cell::tag(r.state.label())]);
    cells.extend(stage_cells(history::last(sent, r)));
    cells.extend(stage_cells(history::next(sent, r, as_of)));
    cells.extend([
        Cell::opt_text(r.contact_name.as_deref()),
        Cell::opt_text(r.email.as_deref()),
        Cell::opt_text(
            phones
                .get(&r.application_id)
                .and_then(|a| a.records.phone.as_deref()),
        ),
    ]);
    cells.extend([
        Cell::text(&r.program),
        Cell::text(&*r.report_name),
        Cell::Fy(r.decision_fy),
        Cell::text(
            r.forms
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join("・"),
        ),
        r.remarks.text().map_or(Cell::Empty, Cell::text),
    ]);
    cells
}

/// What 雇用状況報告 colours: missing and late reports, a report on file
/// whose row was rejected, and the last reminder when it was a 督促 or
/// 再督促 (in the words the cells show, their enums' labels).
fn report_highlights() -> Vec<Highlight> {
    use crate::model::Stage;
    vec![
        Highlight::new(
            "状況",
            Rule::BeginsWith(ReportState::Missing.label()),
            Severity::Alert,
        ),
        Highlight::new(
            "状況",
            Rule::BeginsWith(ReportState::Late.label()),
            Severity::Warn,
        ),
        // A report on file whose row was rejected (issue 11, build 1).
        Highlight::new(
            "状況",
            Rule::BeginsWith(ReportState::RecordedWithError.label()),
            Severity::Warn,
        ),
        Highlight::new(
            "最終通知",
            Rule::BeginsWith(Stage::Saitokusoku.label()),
            Severity::Alert,
        ),
        Highlight::new(
            "最終通知",
            Rule::BeginsWith(Stage::Tokusoku.label()),
            Severity::Warn,
        ),
    ]
}

/// 財産処分制限: one row per asset with its restriction period and 状況.
pub(crate) fn restrictions<'a>(rows: &'a [AssetRestriction], apps: &'a [Application]) -> Table<'a> {
    let companies = Contacts::of(apps, rows.iter().map(|r| r.application_id.as_str()));
    let mut t = Table::new(
        Sheet::Restrictions,
        vec![
            "申請番号",
            "事業者名",
            "財産番号",
            "財産名",
            "法定耐用年数",
            "取得日",
            "制限期間終了日",
            "処分日",
            "状況",
            "返還額（目安）",
            "返還額（全額）",
            "処分承認日",
            "備考",
        ],
    );
    t.note = Some(
        "返還額（目安）= 財産の補助金按分額 × 残り月数 ÷（耐用年数 × 12）、1円未満切り捨て（制度カタログで制度ごとに定めた返還額の算定方法による）。制限期間は取得日の翌日から起算して（民法第140条・第143条、実績報告の日数と同じ数え方）法定耐用年数後の取得日の応当日に終わり、月数も同じく数えて始まった月は経過月に数えます。返還額（全額）= 財産の補助金按分額。要綱第12条は「全部又は一部」とだけ定めるため両方を示します。"
            .into(),
    );
    t.rows = Rows::made(rows.len(), move |i| {
        let r = &rows[i];
        vec![
            Cell::text(&r.application_id),
            Cell::opt_text(companies.get(&r.application_id).map(|a| &*a.company)),
            Cell::text(&r.asset_id),
            Cell::text(&r.name),
            r.years.map_or(Cell::Empty, |y| Cell::Int(i64::from(y))),
            Cell::opt_date(r.acquired_on),
            Cell::opt_date(r.period_end),
            Cell::opt_date(r.disposed_on),
            Cell::tag(r.state.label()),
            Cell::opt_yen(r.refund),
            Cell::opt_yen(r.refund_full),
            Cell::opt_date(r.approved_on),
            Cell::opt_text(r.note.as_deref()),
        ]
    });
    t.highlights = vec![Highlight::new(
        "状況",
        Rule::BeginsWith(AssetState::EarlyDisposal.label()),
        Severity::Alert,
    )];
    t.needs_action = rows.iter().any(|r| r.state == AssetState::EarlyDisposal);
    t
}

/// How 結果 cells of mails staff must look at begin (not sent, failed, in
/// doubt), for the sheet's highlight rules; the code decides on `MailOutcome`.
const MAIL_PROBLEMS: [&str; 3] = [
    MailOutcome::Failed.label(),
    MailOutcome::NotSent.label(),
    MailOutcome::Uncertain.label(),
];

/// How a dry run's 結果 names the .eml it wrote: 「試行（.eml出力）: 2024-…eml」.
const PREVIEW_FILE: &str = ": ";

/// 日時 as a date-time cell in Tokyo time; text when `at` is not RFC 3339.
fn moment(at: &str) -> Cell<'_> {
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => Cell::DateTime(t.with_timezone(&chrono_tz::Asia::Tokyo).naive_local()),
        Err(_) => Cell::text(at),
    }
}

/// The 通知 sheet of the summary workbook.
pub fn notifications(rows: &[NotificationRow]) -> Table<'_> {
    let mut table = Table::new(
        Sheet::Notifications,
        vec![
            "申請番号",
            "事業者名",
            "報告年度",
            "種別",
            "結果",
            "日時",
            "宛先",
            "件名",
            "ファイル・Message-ID",
        ],
    );
    table.rows = rows
        .iter()
        .map(|r| {
            // 結果 says what happened; the .eml a dry run wrote or the id a
            // relay's log is searched by stands in a column of its own.
            let (result, reference) = match r.result.text.split_once(PREVIEW_FILE) {
                Some((said, file)) if r.result.outcome == MailOutcome::Previewed => {
                    (said, Some(file))
                }
                _ => (
                    r.result.text.as_str(),
                    r.message_id
                        .as_deref()
                        .filter(|_| r.result.reached_the_relay()),
                ),
            };
            vec![
                Cell::text(&r.application_id),
                Cell::text(&r.company),
                r.report_fy.map_or(Cell::Empty, Cell::Fy),
                Cell::tag(r.kind.label()),
                Cell::text(result),
                moment(&r.at),
                Cell::text(&r.to),
                Cell::text(&r.subject),
                Cell::opt_text(reference),
            ]
        })
        .collect();
    table.highlights = MAIL_PROBLEMS
        .iter()
        .map(|p| Highlight::new("結果", Rule::BeginsWith(p), Severity::Alert))
        .collect();
    table.needs_action = rows.iter().any(|r| {
        matches!(
            r.result.outcome,
            MailOutcome::Failed | MailOutcome::NotSent | MailOutcome::Uncertain
        )
    });
    table
}

#[cfg(test)]
mod tests;
