//! Builders from each stage's output to its sheet's [`Table`].

use crate::calendar;
use crate::compliance::reports::ReportDue;
use crate::compliance::restriction::AssetRestriction;
use crate::model::{Finding, InputError, NotificationRow};
use crate::rules::Assessment;

use super::sheet::Sheet;
use super::table::{Cell, Table};

/// 入力エラー: every rejected row or value.
pub fn input_errors(errors: &[InputError]) -> Table {
    let mut t = Table::new(
        Sheet::InputErrors,
        vec![
            "ファイル",
            "シート",
            "セル",
            "項目",
            "値",
            "内容",
            "申請番号",
            "事業者名",
            "影響",
        ],
    );
    t.rows = errors
        .iter()
        .map(|e| {
            vec![
                Cell::text(&e.file),
                Cell::text(&e.sheet),
                Cell::text(&e.cell),
                Cell::text(&e.column),
                Cell::text(&e.value),
                Cell::text(&e.reason),
                Cell::text(&e.application_id),
                Cell::text(&e.company),
                Cell::text(&e.effect),
            ]
        })
        .collect();
    t
}

/// 要確認: every rule the data breaks, on the application that breaks it.
pub fn findings(findings: &[Finding]) -> Table {
    let mut t = Table::new(
        Sheet::Findings,
        vec!["申請番号", "事業者名", "種別", "内容"],
    );
    t.rows = findings
        .iter()
        .map(|f| {
            vec![
                Cell::text(&f.application_id),
                Cell::text(&f.company),
                Cell::text(f.kind.label()),
                Cell::text(&f.detail),
            ]
        })
        .collect();
    t
}

/// 算定検証: one row per application, the rules' amount against the decided one.
pub fn verification(assessed: &[Assessment]) -> Table {
    let mut t = Table::new(
        Sheet::Verification,
        vec![
            "申請番号",
            "制度",
            "区分",
            "補助対象経費",
            "算定額",
            "交付決定額",
            "差額",
            "判定",
            "算定根拠",
            "ルール確認",
        ],
    );
    t.note =
        Some("差額 = 交付決定額 − 算定額。判定が「超過」の申請は要確認シートにも載ります。".into());
    t.rows = assessed
        .iter()
        .map(|a| {
            vec![
                Cell::text(&a.application_id),
                Cell::text(&a.program),
                Cell::opt_text(a.course.as_deref()),
                Cell::Yen(a.eligible_cost),
                Cell::opt_yen(a.computed),
                Cell::opt_yen(a.decided),
                Cell::opt_yen(a.difference),
                Cell::text(a.verdict.label()),
                Cell::text(&a.reason),
                Cell::text(if a.unverified {
                    "未確認（市の確認待ち）"
                } else {
                    "確認済"
                }),
            ]
        })
        .collect();
    t
}

/// 申請番号, 事業者名, 報告年度, 提出期限: how a required report is named on
/// 雇用状況報告 and in 概要's list of overdue reports.
pub fn report_key_cells(r: &ReportDue) -> Vec<Cell> {
    vec![
        Cell::text(&r.application_id),
        Cell::text(&r.company),
        Cell::text(calendar::fy_label(r.report_fy)),
        Cell::Date(r.due),
    ]
}

/// 雇用状況報告: one row per required report whose month has begun.
pub fn employment_reports(ledger: &[ReportDue]) -> Table {
    let mut t = Table::new(
        Sheet::EmploymentReports,
        vec![
            "申請番号",
            "事業者名",
            "報告年度",
            "提出期限",
            "受付日",
            "状況",
            "制度",
            "報告",
            "交付決定年度",
            "様式",
        ],
    );
    t.rows = ledger
        .iter()
        .map(|r| {
            let mut cells = report_key_cells(r);
            cells.extend([
                Cell::opt_date(r.received_on),
                Cell::text(r.state.label()),
                Cell::text(&r.program),
                Cell::text(&r.report_name),
                Cell::text(calendar::fy_label(r.decision_fy)),
                Cell::text(
                    r.forms
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join("・"),
                ),
            ]);
            cells
        })
        .collect();
    t
}

/// 財産処分制限: one row per asset with its restriction period and 状況.
pub fn restrictions(rows: &[AssetRestriction]) -> Table {
    let mut t = Table::new(
        Sheet::Restrictions,
        vec![
            "申請番号",
            "財産番号",
            "財産名",
            "法定耐用年数",
            "取得日",
            "制限期間終了日",
            "処分日",
            "状況",
            "返還額（目安）",
            "処分承認日",
            "備考",
        ],
    );
    t.note = Some(
        "返還額（目安）= 財産の補助金按分額 × 残り月数 ÷（耐用年数 × 12）、1円未満切り捨て。取得から始まった月は経過月に数えます。"
            .into(),
    );
    t.rows = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(&r.application_id),
                Cell::text(&r.asset_id),
                Cell::text(&r.name),
                Cell::Int(i64::from(r.years)),
                Cell::Date(r.acquired_on),
                Cell::Date(r.period_end),
                Cell::opt_date(r.disposed_on),
                Cell::text(r.state.label()),
                Cell::opt_yen(r.refund),
                Cell::opt_date(r.approved_on),
                Cell::opt_text(r.note.as_deref()),
            ]
        })
        .collect();
    t
}

/// The 通知 sheet of the summary workbook.
pub fn notifications(rows: &[NotificationRow]) -> Table {
    let mut table = Table::new(
        Sheet::Notifications,
        vec!["日時", "宛先", "件名", "種別", "結果"],
    );
    table.rows = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.at.replace('T', " ").chars().take(19).collect::<String>()),
                Cell::text(&r.to),
                Cell::text(&r.subject),
                Cell::text(r.kind.label()),
                Cell::text(match &r.message_id {
                    // The id a relay's log is searched by.
                    Some(id) if r.result.reached_the_relay() => {
                        format!("{}（Message-ID: {id}）", r.result)
                    }
                    _ => r.result.text.clone(),
                }),
            ]
        })
        .collect();
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notification_sheet_has_the_contract_columns() {
        let rows = [NotificationRow {
            at: "2024-05-01T02:30:05+09:00".into(),
            to: "a@example.jp".into(),
            subject: "件名".into(),
            kind: crate::model::MailKind::Reminder(crate::model::Stage::Tokusoku),
            result: crate::model::MailResult::new(crate::model::MailOutcome::Sent, "送信済"),
            application_id: "A-1".into(),
            message_id: Some("<x@example.jp>".into()),
        }];
        let t = notifications(&rows);
        assert_eq!(t.sheet, Sheet::Notifications);
        assert_eq!(t.columns, vec!["日時", "宛先", "件名", "種別", "結果"]);
        assert_eq!(
            t.rows[0],
            vec![
                Cell::text("2024-05-01 02:30:05"),
                Cell::text("a@example.jp"),
                Cell::text("件名"),
                Cell::text("督促"),
                Cell::text("送信済（Message-ID: <x@example.jp>）"),
            ]
        );
    }
}
