//! Catch-up: at start, a job whose latest slot passed without a run runs
//! once, whatever the number of slots missed.
//!
//! "A run" is any run recorded for the job that started at or after the
//! slot, whatever its trigger or outcome: a failed run is for staff to look
//! at, not for the daemon to repeat on every restart.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::job::Schedule;

/// The slot a catch-up run stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MissedSlot {
    pub slot: DateTime<FixedOffset>,
    /// The Tokyo date of the slot: the business date of the run.
    pub as_of: NaiveDate,
}

/// The latest slot at or before `now` if no run started at or after it.
/// `last_started` is the newest recorded start of the job (RFC 3339), if any;
/// an unreadable one counts as no run, so the job runs rather than stalls.
pub(crate) fn missed_slot(
    schedule: &Schedule,
    now: DateTime<FixedOffset>,
    last_started: Option<&str>,
) -> Option<MissedSlot> {
    let slot = schedule.latest_at_or_before(&now)?;
    let ran = last_started
        .and_then(crate::clock::Stamp::parse)
        .is_some_and(|started| started.instant() >= slot);
    (!ran).then(|| MissedSlot {
        slot,
        as_of: slot.date_naive(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn runs_once_for_the_latest_missed_slot() {
        let nightly = Schedule::parse("0 30 2 * * *").unwrap();
        // (now, last start, expected slot)
        let cases: [(&str, Option<&str>, Option<&str>); 7] = [
            // New install: never ran.
            (
                "2024-05-01T09:00:00+09:00",
                None,
                Some("2024-05-01T02:30:00+09:00"),
            ),
            // Down three nights: one run, for the latest slot.
            (
                "2024-05-01T09:00:00+09:00",
                Some("2024-04-28T02:30:00.5+09:00"),
                Some("2024-05-01T02:30:00+09:00"),
            ),
            // Ran tonight (possibly late): nothing to catch up.
            (
                "2024-05-01T09:00:00+09:00",
                Some("2024-05-01T02:30:01.2+09:00"),
                None,
            ),
            // Started at the slot's very second.
            (
                "2024-05-01T09:00:00+09:00",
                Some("2024-05-01T02:30:00+09:00"),
                None,
            ),
            // Before tonight's slot: last night's run counts.
            (
                "2024-05-01T01:00:00+09:00",
                Some("2024-04-30T02:30:02+09:00"),
                None,
            ),
            // Before tonight's slot, last night missed: last night's slot, dated 4/30.
            (
                "2024-05-01T01:00:00+09:00",
                Some("2024-04-29T02:30:02+09:00"),
                Some("2024-04-30T02:30:00+09:00"),
            ),
            // A start recorded in UTC is compared as an instant.
            (
                "2024-05-01T09:00:00+09:00",
                Some("2024-04-30T17:30:05+00:00"),
                None,
            ),
        ];
        for (now, last, expected) in cases {
            let got = missed_slot(&nightly, at(now), last);
            assert_eq!(
                got.as_ref().map(|m| m.slot),
                expected.map(at),
                "{now} {last:?}"
            );
            if let (Some(m), Some(e)) = (got, expected) {
                assert_eq!(m.as_of, at(e).date_naive());
            }
        }
    }

    #[test]
    fn the_business_date_is_the_tokyo_date_of_the_slot() {
        // 00:10 Tokyo is still the previous day in UTC.
        let s = Schedule::parse("0 10 0 * * *").unwrap();
        let m = missed_slot(&s, at("2024-05-01T00:20:00+09:00"), None).unwrap();
        assert_eq!(m.as_of, NaiveDate::from_ymd_opt(2024, 5, 1).unwrap());
    }
}
