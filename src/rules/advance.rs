//! Steps a program requires before the work or the application: 中小企業強靭化推進補助金's
//! 事前相談 ("申請するためには、必ず事前相談を受ける必要があります", seed 000 line 22) and its
//! 事前着手届 ("交付決定通知が送達されるより前に事業に着手する場合には届出が必要", line 53).
//!
//! Both are catalogue switches, and both run only where the export carries the columns
//! (事前相談日; 事業着手日 and 事前着手届出日): an export without them is never flagged.

use super::cite::{article, finding};
use crate::calendar::wareki;
use crate::catalogue::Checks;
use crate::model::{AppStatus, Application, Finding, FindingKind, Recorded};

/// The findings of both checks for one application, in that order.
pub(super) fn findings(app: &Application, checks: &Checks) -> Vec<Finding> {
    if matches!(app.status, AppStatus::Withdrawn | AppStatus::Rejected) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if checks.pre_consultation {
        out.extend(pre_consultation(app, checks));
    }
    if checks.early_start_notice {
        out.extend(early_start_notice(app, checks));
    }
    out
}

fn pre_consultation(app: &Application, checks: &Checks) -> Option<Finding> {
    let detail = match app.records.pre_consultation_on {
        Recorded::NoColumn => return None,
        Recorded::Blank => "事前相談日が空欄です。申請には事前相談が必要です".to_string(),
        Recorded::On(d) if d > app.applied_on => format!(
            "事前相談日{}が申請日{}より後です。申請の前に事前相談が必要です",
            wareki(d),
            wareki(app.applied_on)
        ),
        Recorded::On(_) => return None,
    };
    Some(finding(
        app,
        FindingKind::NoPreConsultation,
        format!("{detail}{}。", article(&checks.articles.pre_consultation)),
    ))
}

/// Work started before the decision (or, still pending, before any decision) needs a
/// notice filed by the day the work started.
fn early_start_notice(app: &Application, checks: &Checks) -> Option<Finding> {
    let started = app.records.started_on?;
    let before_decision = match app.decided_on {
        Some(decided) => started < decided,
        None => app.status == AppStatus::Pending,
    };
    // Filed in time (or no column to tell): no sentence to write.
    if !before_decision
        || match app.records.early_start_notice_on {
            Recorded::NoColumn => true,
            Recorded::Blank => false,
            Recorded::On(n) => n <= started,
        }
    {
        return None;
    }
    let when = match app.decided_on {
        Some(decided) => format!(
            "事業着手日{}が交付決定日{}より前ですが",
            wareki(started),
            wareki(decided)
        ),
        None => format!("交付決定前の{}に事業に着手していますが", wareki(started)),
    };
    let detail = match app.records.early_start_notice_on {
        Recorded::NoColumn => return None,
        Recorded::Blank => format!("{when}、事前着手届出日が空欄です"),
        Recorded::On(n) if n > started => {
            format!("{when}、事前着手届の届出日{}が着手より後です", wareki(n))
        }
        Recorded::On(_) => return None,
    };
    Some(finding(
        app,
        FindingKind::NoEarlyStartNotice,
        format!("{detail}{}。", article(&checks.articles.early_start_notice)),
    ))
}
