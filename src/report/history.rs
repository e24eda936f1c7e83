//! What the outbox ledger says about each required report: the last
//! reminder that really went out, and the one the job will send next, so
//! staff answering a grantee's call see that a 督促 went out last week.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate};

use crate::calendar::FiscalYear;
use crate::compliance::reports::ReportDue;
use crate::compliance::stages;
use crate::model::Stage;
use crate::state::outbox::{OutboxEntry, OutboxStatus};

/// One reminder the relay accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sent {
    pub application_id: String,
    pub report_fy: FiscalYear,
    pub stage: Stage,
    /// The day it was sent (Tokyo).
    pub on: NaiveDate,
}

/// The reminders sent, from the outbox's rows: only `sent` ones (a queued,
/// failed or expired row never reached the grantee; an uncertain one is on
/// 要確認 until staff resolve it).
pub(crate) fn sent(entries: &[OutboxEntry]) -> History {
    let mut by_application: HashMap<String, Vec<Sent>> = HashMap::new();
    let sent = entries
        .iter()
        .filter(|e| e.status == OutboxStatus::Sent)
        .filter_map(|e| {
            let stage = e.key.stage;
            let at = e.sent_at.as_deref().unwrap_or(&e.updated_at);
            let on = DateTime::parse_from_rfc3339(at)
                .ok()?
                .with_timezone(&chrono_tz::Asia::Tokyo)
                .date_naive();
            Some(Sent {
                application_id: e.key.application_id.clone(),
                report_fy: e.key.report_fy,
                stage,
                on,
            })
        });
    for s in sent {
        by_application
            .entry(s.application_id.clone())
            .or_default()
            .push(s);
    }
    History { by_application }
}

/// The reminders that went out, by 申請番号: each of a national ledger's
/// rows finds its own in one lookup (a scan of every sent reminder per row
/// was quadratic).
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    by_application: HashMap<String, Vec<Sent>>,
}

/// The reminders of one report that went out.
fn of<'a>(history: &'a History, r: &'a ReportDue) -> impl Iterator<Item = &'a Sent> {
    history
        .by_application
        .get(r.application_id.as_str())
        .into_iter()
        .flatten()
        .filter(move |s| s.report_fy == r.report_fy)
}

/// The latest stage sent for `r`, with its date.
pub(crate) fn last(history: &History, r: &ReportDue) -> Option<(Stage, NaiveDate)> {
    of(history, r)
        .max_by_key(|s| (s.stage, s.on))
        .map(|s| (s.stage, s.on))
}

/// The next reminder the job will send for `r` if the report does not come
/// in: the first stage not yet sent whose window is still open on `as_of`
/// (due tonight or on the next run when its window holds `as_of`), else the
/// first one still ahead. None for a received report or when all are sent.
pub(crate) fn next(
    history: &History,
    r: &ReportDue,
    as_of: NaiveDate,
) -> Option<(Stage, NaiveDate)> {
    if !stages::wants_reminder(r.state) || !r.mailable() {
        return None;
    }
    let done: Vec<Stage> = of(history, r).map(|s| s.stage).collect();
    let latest = done.iter().max().copied();
    Stage::ALL
        .into_iter()
        // A stage after one already sent; an earlier one is never sent late.
        .filter(|s| latest.is_none_or(|l| *s > l))
        .find_map(|s| {
            let w = stages::window(s, r.report_fy, r.due, r.grace_open_days)?;
            (w.last >= as_of).then_some((s, w.first.max(as_of)))
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::compliance::reports::ReportState;
    use crate::state::outbox::OutboxKey;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn due(state: ReportState) -> ReportDue {
        ReportDue {
            application_id: "R4-204".into(),
            company: "株式会社テスト".into(),
            email: None,
            program: "多様な人材".into(),
            report_name: "採用状況報告".into(),
            forms: vec![].into(),
            decision_fy: 2022,
            decided_on: chrono::NaiveDate::from_ymd_opt(2022, 6, 1).unwrap_or_default(),
            round: 1,
            rounds: 2,
            grace_open_days: 3,
            report_fy: 2024,
            due: d(2024, 4, 30),
            nominal_due: d(2024, 4, 30),
            due_shift: crate::model::DueShift::NextOpenDay,
            due_basis: None,
            contact_name: None,
            attachments: vec![].into(),
            received_on: None,
            received_later: None,
            state,
            remarks: Default::default(),
        }
    }

    fn entry(stage: &str, status: OutboxStatus, at: &str) -> OutboxEntry {
        OutboxEntry {
            key: OutboxKey {
                application_id: "R4-204".into(),
                report_fy: 2024,
                stage: crate::model::Stage::from_code(stage).unwrap(),
            },
            job: "nightly".into(),
            recipient: "a@example.jp".into(),
            subject: "件名".into(),
            status,
            attempts: 1,
            message_id: None,
            last_error: None,
            updated_at: at.into(),
            sent_at: (status == OutboxStatus::Sent).then(|| at.to_string()),
        }
    }

    #[test]
    fn the_last_sent_stage_and_its_tokyo_date() {
        let h = sent(&[
            entry("annai", OutboxStatus::Sent, "2024-04-01T02:30:00+09:00"),
            // 23:30 UTC on the 22nd is the 23rd in Tokyo.
            entry("saisoku", OutboxStatus::Sent, "2024-04-22T23:30:00+00:00"),
            entry(
                "tokusoku",
                OutboxStatus::Failed,
                "2024-05-01T02:30:00+09:00",
            ),
        ]);
        let r = due(ReportState::Missing);
        assert_eq!(last(&h, &r), Some((Stage::Saisoku, d(2024, 4, 23))));
        // Within the grace of 3 open days (5/1, 5/2, 5/7): the 督促 is
        // next, on 5/8.
        assert_eq!(
            next(&h, &r, d(2024, 5, 2)),
            Some((Stage::Tokusoku, d(2024, 5, 8)))
        );
        // 督促 failed: still due, on the next run.
        assert_eq!(
            next(&h, &r, d(2024, 5, 9)),
            Some((Stage::Tokusoku, d(2024, 5, 9)))
        );
    }

    #[test]
    fn the_next_stage_is_the_first_window_ahead() {
        let r = due(ReportState::NotYetDue);
        assert_eq!(
            next(&History::default(), &r, d(2024, 3, 20)),
            Some((Stage::Annai, d(2024, 4, 1)))
        );
        let h = sent(&[entry(
            "annai",
            OutboxStatus::Sent,
            "2024-04-01T02:30:00+09:00",
        )]);
        assert_eq!(
            next(&h, &r, d(2024, 4, 5)),
            Some((Stage::Saisoku, d(2024, 4, 23)))
        );
        let done = sent(&[entry(
            "saitokusoku",
            OutboxStatus::Sent,
            "2024-06-01T02:30:00+09:00",
        )]);
        assert_eq!(next(&done, &due(ReportState::Missing), d(2024, 6, 2)), None);
        let mut received = due(ReportState::Submitted);
        received.received_on = Some(d(2024, 4, 10));
        assert_eq!(next(&History::default(), &received, d(2024, 4, 25)), None);
    }
}
