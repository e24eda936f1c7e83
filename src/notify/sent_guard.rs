//! Before any grantee is mailed: the state file and its sent-keys log must
//! tell the same story (see [`crate::state::sent_log`]). When they do not,
//! the night mails no grantee, says why on stderr, in the history (the
//! run's message), on 要確認 and in the staff digest (種別 送信停止), and
//! exits 1; the workbook and the digest still go out.

use super::NotifyOutcome;
use crate::clock::Clock;
use crate::model::{Finding, FindingKind};
use crate::state::State;
use crate::state::sent_log::Agreement;

/// `None` when grantees may be mailed; else what the night reports instead
/// of sending. A dry run sends nothing, so it is never stopped.
pub(crate) fn stopped(state: &State, dry_run: bool, clock: &dyn Clock) -> Option<NotifyOutcome> {
    if dry_run {
        return None;
    }
    let sentence = match state.sent_log_agreement(clock.stamp()) {
        Ok(Agreement::Agrees) => return None,
        Ok(Agreement::Disagrees(d)) => d.sentence(),
        Err(e) => format!(
            "{e}。送信記録を確かめられないため、同じ督促を二度送らないよう、事業者へのメールは送っていません。"
        ),
    };
    Some(NotifyOutcome {
        findings: vec![Finding {
            application_id: "-".into(),
            company: "（全事業者）".into(),
            kind: FindingKind::MailingStopped,
            detail: sentence.clone().into(),
        }],
        messages: vec![sentence],
        ..NotifyOutcome::default()
    })
}

/// 要確認 rows (種別 実行見送り) for the nights that found this run still
/// going and did not run, for the digest this run sends as it ends.
pub(crate) fn skipped_nights(state: &State, job: &str, run_id: i64) -> Vec<Finding> {
    state
        .skipped_since(job, run_id)
        .unwrap_or_default()
        .into_iter()
        .map(|s| Finding {
            application_id: "-".into(),
            company: "（全事業者）".into(),
            kind: FindingKind::NightSkipped,
            detail: format!(
                "基準日 {} の実行（{} 開始）は、この実行が続いていたため行われませんでした。必要なら hojokin run --as-of {} で実行してください。",
                s.as_of, s.started_at, s.as_of
            )
            .into(),
        })
        .collect()
}
