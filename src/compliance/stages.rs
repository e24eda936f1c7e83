//! The four reminder stages and the window of days each one is sent in.
//!
//! With D the (already shifted) deadline and F the report's fiscal year:
//!
//! | stage  | first day         | last day                         |
//! |--------|-------------------|----------------------------------|
//! | 案内   | April 1 of F      | D − 8 (the day before 催促)       |
//! | 催促   | D − 7             | D (the deadline itself)          |
//! | 督促   | D + G + 1         | D + 30 (the day before 再督促)    |
//! | 再督促 | D + 31            | none (until the report arrives)  |
//!
//! G is the grace: the days up to and including the duty's N-th open day
//! after D (catalogue `grace_open_days`, default 3). A report posted on the
//! deadline day reaches the office and is keyed in over the next open days;
//! a 督促 the night after the deadline would cross it. With D = 2024-04-30
//! (Tue) the open days 5/1, 5/2 and 5/7 pass and the 督促 goes from 5/8.
//! Between D + 1 and the grace's end no mail goes out.
//!
//! The windows never overlap, so one date holds at most one stage, and a run
//! after the deadline never sends a stale 案内. 再督促 has no end, as the
//! contract gives none: a report still missing a year later is still owed.
//! Each (application, report FY, stage) is sent at most once, so an open
//! window never means a mail every night; it means a 再督促 that could not
//! be sent yet (relay down, or the job first installed long after the
//! deadline) still goes out once.

use chrono::{Days, NaiveDate};

use crate::calendar::FiscalYear;
use crate::calendar::{fy_start, is_closed_day};
use crate::compliance::reports::ReportState;
use crate::model::Stage;

/// The days (both ends included) a stage is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Window {
    pub(crate) fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }
}

/// The `n`-th open day of the city after `d` (`d` itself when `n` is 0);
/// `None` past the calendar's end.
fn nth_open_day_after(d: NaiveDate, n: u32) -> Option<NaiveDate> {
    let mut day = d;
    for _ in 0..n {
        day = day.succ_opt()?;
        while is_closed_day(day) {
            day = day.succ_opt()?;
        }
    }
    Some(day)
}

/// The window of `stage` for a report of `report_fy` due on `due`, whose
/// 督促 waits `grace` open days; `None` when it is empty (a deadline so
/// early or late, or a grace so long, that the stage has no day) or out of
/// the calendar's range.
pub(crate) fn window(
    stage: Stage,
    report_fy: FiscalYear,
    due: NaiveDate,
    grace: u32,
) -> Option<Window> {
    let (first, last) = match stage {
        Stage::Annai => (fy_start(report_fy)?, due.checked_sub_days(Days::new(8))?),
        Stage::Saisoku => (due.checked_sub_days(Days::new(7))?, due),
        Stage::Tokusoku => (
            nth_open_day_after(due, grace)?.checked_add_days(Days::new(1))?,
            due.checked_add_days(Days::new(30))?,
        ),
        Stage::Saitokusoku => (due.checked_add_days(Days::new(31))?, NaiveDate::MAX),
    };
    (first <= last).then_some(Window { first, last })
}

/// The one stage whose window holds `as_of`, if any.
pub(crate) fn stage_on(
    report_fy: FiscalYear,
    due: NaiveDate,
    grace: u32,
    as_of: NaiveDate,
) -> Option<Stage> {
    Stage::ALL
        .into_iter()
        .find(|&s| window(s, report_fy, due, grace).is_some_and(|w| w.contains(as_of)))
}

/// Only reports not yet received get reminders.
pub(crate) fn wants_reminder(state: ReportState) -> bool {
    matches!(state, ReportState::Missing | ReportState::NotYetDue)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_stage_of_each_date_around_the_deadline() {
        use Stage::*;
        // FY2024: April 30 is a Tuesday, no shift.
        let due24 = date(2024, 4, 30);
        // FY2022: April 30 is a Saturday, the deadline moves to Monday May 2.
        let due22 = date(2022, 5, 2);
        // FY2019: the accession holidays move April 30 to May 7.
        let due19 = date(2019, 5, 7);
        let cases = [
            (2024, due24, date(2024, 3, 31), None),
            (2024, due24, date(2024, 4, 1), Some(Annai)),
            (2024, due24, date(2024, 4, 22), Some(Annai)),
            (2024, due24, date(2024, 4, 23), Some(Saisoku)),
            (2024, due24, date(2024, 4, 30), Some(Saisoku)),
            (2024, due24, date(2024, 5, 1), Some(Tokusoku)),
            (2024, due24, date(2024, 5, 30), Some(Tokusoku)),
            (2024, due24, date(2024, 5, 31), Some(Saitokusoku)),
            (2024, due24, date(2025, 3, 31), Some(Saitokusoku)),
            // Still owed after the FY: the one 再督促 may still go out.
            (2024, due24, date(2025, 4, 1), Some(Saitokusoku)),
            (2024, due24, date(2027, 1, 1), Some(Saitokusoku)),
            (2022, due22, date(2022, 4, 24), Some(Annai)),
            (2022, due22, date(2022, 4, 25), Some(Saisoku)),
            (2022, due22, date(2022, 4, 30), Some(Saisoku)),
            (2022, due22, date(2022, 5, 2), Some(Saisoku)),
            (2022, due22, date(2022, 5, 3), Some(Tokusoku)),
            (2022, due22, date(2022, 6, 1), Some(Tokusoku)),
            (2022, due22, date(2022, 6, 2), Some(Saitokusoku)),
            (2019, due19, date(2019, 4, 29), Some(Annai)),
            (2019, due19, date(2019, 4, 30), Some(Saisoku)),
            (2019, due19, date(2019, 5, 8), Some(Tokusoku)),
            (2019, due19, date(2019, 6, 7), Some(Saitokusoku)),
        ];
        for (fy, due, as_of, want) in cases {
            assert_eq!(stage_on(fy, due, 0, as_of), want, "{fy} {due} {as_of}");
        }
    }

    #[test]
    fn the_tokusoku_waits_for_the_grace_of_open_days() {
        use Stage::*;
        let cases = [
            // Due Tue 2024-04-30: 5/1, 5/2 and (after Golden Week) 5/7
            // are the three open days; the 督促 goes from the night of 5/8.
            (2024, date(2024, 4, 30), date(2024, 4, 30), Some(Saisoku)),
            (2024, date(2024, 4, 30), date(2024, 5, 1), None),
            (2024, date(2024, 4, 30), date(2024, 5, 6), None),
            (2024, date(2024, 4, 30), date(2024, 5, 7), None),
            (2024, date(2024, 4, 30), date(2024, 5, 8), Some(Tokusoku)),
            (2024, date(2024, 4, 30), date(2024, 5, 30), Some(Tokusoku)),
            (
                2024,
                date(2024, 4, 30),
                date(2024, 5, 31),
                Some(Saitokusoku),
            ),
            // Due Mon 2022-05-02 (moved off Sat 4/30): 5/3-5/5 are holidays,
            // 5/6, 5/9 and 5/10 pass.
            (2022, date(2022, 5, 2), date(2022, 5, 10), None),
            (2022, date(2022, 5, 2), date(2022, 5, 11), Some(Tokusoku)),
            (2022, date(2022, 5, 2), date(2022, 6, 2), Some(Saitokusoku)),
        ];
        for (fy, due, as_of, want) in cases {
            assert_eq!(stage_on(fy, due, 3, as_of), want, "{fy} {due} {as_of}");
        }
        assert_eq!(
            window(Tokusoku, 2024, date(2024, 4, 30), 3),
            Some(Window {
                first: date(2024, 5, 8),
                last: date(2024, 5, 30)
            })
        );
    }

    #[test]
    fn windows_that_have_no_day_are_none() {
        // Due April 5: 催促 starts before the FY, so there is no 案内.
        assert_eq!(window(Stage::Annai, 2024, date(2024, 4, 5), 0), None);
        assert_eq!(
            window(Stage::Saisoku, 2024, date(2024, 4, 5), 3),
            Some(Window {
                first: date(2024, 3, 29),
                last: date(2024, 4, 5)
            })
        );
        // 再督促 runs on with no end.
        assert_eq!(
            window(Stage::Saitokusoku, 2024, date(2025, 3, 10), 3),
            Some(Window {
                first: date(2025, 4, 10),
                last: NaiveDate::MAX
            })
        );
        // The calendar's last day: no arithmetic overflows, no window past it.
        assert_eq!(window(Stage::Tokusoku, 2024, NaiveDate::MAX, 0), None);
        assert_eq!(window(Stage::Tokusoku, 2024, NaiveDate::MAX, 3), None);
        // A grace longer than the month: no 督促, the 再督促 keeps its day.
        assert_eq!(window(Stage::Tokusoku, 2024, date(2024, 4, 30), 25), None);
    }

    #[test]
    fn only_reports_not_received_get_reminders() {
        let cases = [
            (ReportState::Missing, true),
            (ReportState::NotYetDue, true),
            (ReportState::Submitted, false),
            (ReportState::Late, false),
        ];
        for (state, want) in cases {
            assert_eq!(wants_reminder(state), want, "{state:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::from_code(s.code()), Some(s));
        }
        assert_eq!(Stage::from_code("digest"), None);
    }
}
