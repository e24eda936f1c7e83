//! Slots of a job's schedule as the daemon and `hojokin jobs` show them.
//! The schedule itself ([`Schedule`](crate::job::Schedule)) is parsed once,
//! when the job loads.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use chrono_tz::Asia::Tokyo;

/// RFC 3339 to the second with the `+09:00` offset operators expect.
pub(crate) fn format_tokyo(t: &DateTime<FixedOffset>) -> String {
    t.with_timezone(&Tokyo)
        .fixed_offset()
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Schedule;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn next_and_latest_slots_in_tokyo() {
        // (expr, now, next after now, latest at or before now); 2024-05-01 is a Wednesday.
        let cases = [
            (
                "0 30 2 * * *",
                "2024-05-01T03:00:00+09:00",
                "2024-05-02T02:30:00+09:00",
                "2024-05-01T02:30:00+09:00",
            ),
            (
                "0 30 2 * * *",
                "2024-05-01T02:00:00+09:00",
                "2024-05-01T02:30:00+09:00",
                "2024-04-30T02:30:00+09:00",
            ),
            // Exactly on the slot: the slot itself is the latest, the next is tomorrow.
            (
                "0 30 2 * * *",
                "2024-05-01T02:30:00+09:00",
                "2024-05-02T02:30:00+09:00",
                "2024-05-01T02:30:00+09:00",
            ),
            // Given in UTC: 17:30Z on 4/30 is 02:30 on 5/1 in Tokyo.
            (
                "0 30 2 * * *",
                "2024-04-30T17:45:00+00:00",
                "2024-05-02T02:30:00+09:00",
                "2024-05-01T02:30:00+09:00",
            ),
            // Weekdays only: Sunday 5/5 looks back to Friday 5/3, forward to Monday 5/6.
            (
                "0 0 9 * * MON-FRI",
                "2024-05-05T10:00:00+09:00",
                "2024-05-06T09:00:00+09:00",
                "2024-05-03T09:00:00+09:00",
            ),
            // Month end across a leap day.
            (
                "0 0 0 1 * *",
                "2024-02-29T12:00:00+09:00",
                "2024-03-01T00:00:00+09:00",
                "2024-02-01T00:00:00+09:00",
            ),
            (
                "*/15 * * * * *",
                "2024-05-01T02:30:07+09:00",
                "2024-05-01T02:30:15+09:00",
                "2024-05-01T02:30:00+09:00",
            ),
        ];
        for (expr, now, next, latest) in cases {
            let s = Schedule::parse(expr).unwrap();
            let now = at(now);
            assert_eq!(s.next_after(&now).unwrap(), at(next), "{expr} next {now}");
            assert_eq!(
                s.latest_at_or_before(&now).unwrap(),
                at(latest),
                "{expr} latest {now}"
            );
            assert_eq!(
                s.latest_at_or_before(&now)
                    .unwrap()
                    .offset()
                    .local_minus_utc(),
                9 * 3600
            );
        }
    }

    #[test]
    fn bad_expressions_are_named() {
        for (expr, part) in [
            ("30 2 * * *", "5項目"),
            ("0 30 25 * * *", "0 30 25 * * *"),
            ("0 30 2 * * XYZ", "XYZ"),
        ] {
            let err = Schedule::parse(expr).unwrap_err();
            assert!(err.contains(part), "{expr}: {err}");
        }
    }

    #[test]
    fn formats_with_the_tokyo_offset() {
        assert_eq!(
            format_tokyo(&at("2024-04-30T17:30:00.25+00:00")),
            "2024-05-01T02:30:00+09:00"
        );
    }
}
