//! The 雇用状況報告 rows: the employment reports received for decided diversity applications
//! (about N/6), with the 年度 written the three ways exports write it.

use chrono::{Datelike, Days, NaiveDate};

use super::applications::App;
use super::draws::Draws;
use super::forms::{Cell, date_cell};

pub(crate) const REPORT_HEADERS: [&str; 5] = [
    "申請番号",
    "報告年度",
    "受付日",
    "新規採用者数（女性）",
    "新規採用者数（障がい者）",
];

pub(crate) const REPORTS: &str = "雇用状況報告";

/// The received 雇用状況報告 rows of application i: reports are due in April of the two FYs
/// after the decision's; a share of those whose April is before the as-of date came in.
pub(crate) fn reports(i: u64, a: &App) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    let Some(decided) = a.decided else {
        return out;
    };
    if !a.diversity {
        return out;
    }
    let fy = if decided.month() >= 4 {
        decided.year()
    } else {
        decided.year() - 1
    };
    let mut r = Draws(i ^ 0x5245_504F_5254);
    for (k, share) in [(1, 25), (2, 17)] {
        let due_fy = fy + k;
        if due_fy > 2024 || r.below(100) >= share {
            continue;
        }
        let Some(received) = NaiveDate::from_ymd_opt(due_fy, 4, 1)
            .and_then(|d| d.checked_add_days(Days::new(r.below(45))))
        else {
            continue;
        };
        let label = match r.below(3) {
            0 => format!("令和{}年度", due_fy - 2018),
            1 => format!("{due_fy}年度"),
            _ => due_fy.to_string(),
        };
        out.push(vec![
            Cell::Text(format!("BN{:07}", i + 1)),
            Cell::Text(label),
            date_cell(received, &mut r),
            Cell::Int(i64::try_from(r.below(3)).unwrap_or(0)),
            Cell::Int(i64::try_from(r.below(2)).unwrap_or(0)),
        ]);
    }
    out
}
