//! The sending window of a night: a night sends grantees' reminders until
//! an hour of the morning (`[email] send_until = "06:00"`, Asia/Tokyo) or a
//! number of mails (`[email] max_mails_per_night`), or until SIGTERM, then
//! leaves the rest queued for the next night and still writes its workbook
//! and digest. 70,000 mails at 30 a minute take 38.9 hours: without a
//! window the timer unit's limit killed the run mid-way with no digest.
//!
//! The rest goes out on the following nights most advanced stage first
//! (再督促 before 督促 before 催促 before 案内), as the letters are ordered.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone};

use crate::job::SendWindow;

/// Set by SIGTERM/SIGINT (the `run` command's listener, the daemon's stop):
/// the mail in flight finishes, no other starts, and the night goes on to
/// its workbook and digest.
static STOP: AtomicBool = AtomicBool::new(false);

/// Asks every night of this process to stop sending after the mail in flight.
pub(crate) fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

/// For `hojokin run`: SIGTERM or SIGINT asks the night to stop sending
/// (see [`request_stop`]) instead of killing it, so it still writes its
/// workbook and digest; a second one ends the process. A thread of its own
/// waits for the signals.
pub(crate) fn stop_sending_on_signal() {
    std::thread::spawn(|| {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if let Ok(stop) = crate::signals::stop_signals() {
                stop.await;
                request_stop();
            }
            // A second signal ends the process at once, as the first used
            // to (a mail cut in the middle is `uncertain`, never resent).
            if let Ok(again) = crate::signals::stop_signals() {
                again.await;
                std::process::exit(i32::from(crate::model::Exit::CouldNotRun.code()));
            }
        });
    });
}

fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Why no more mail starts tonight: the sentence on 通知 and stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    Budget(usize),
    Hour(NaiveTime),
    Stopped,
}

impl Closed {
    /// The reason as a clause: 「…ため今夜は送らず」.
    pub(crate) fn reason(self) -> String {
        match self {
            Closed::Budget(n) => format!("1晩の上限 {n} 通に達した"),
            Closed::Hour(t) => format!("送信を終える時刻 {} になった", t.format("%H:%M")),
            Closed::Stopped => "停止の指示（SIGTERM）を受けた".to_string(),
        }
    }

    pub(crate) fn sentence(self) -> String {
        match self {
            Closed::Budget(n) => {
                format!("1晩に送る上限（max_mails_per_night = {n} 通）に達しました")
            }
            Closed::Hour(t) => format!(
                "送信を終える時刻（send_until = {}）になりました",
                t.format("%H:%M")
            ),
            Closed::Stopped => "停止の指示（SIGTERM）を受けました".to_string(),
        }
    }
}

/// One night's use of its window.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    deadline: Option<DateTime<FixedOffset>>,
    until: Option<NaiveTime>,
    max: Option<usize>,
    sent: usize,
}

impl Budget {
    /// The window of a night that began at `started`.
    pub(crate) fn new(window: SendWindow, started: DateTime<FixedOffset>) -> Budget {
        let deadline = window.until.and_then(|t| {
            let today = started.date_naive().and_time(t);
            let first = if today > started.naive_local() {
                today
            } else {
                today + Duration::days(1)
            };
            started.timezone().from_local_datetime(&first).single()
        });
        Budget {
            deadline,
            until: window.until,
            max: window.max_mails,
            sent: 0,
        }
    }

    /// Whether another mail may start at `now`.
    pub(crate) fn closed(&self, now: DateTime<FixedOffset>) -> Option<Closed> {
        if stop_requested() {
            return Some(Closed::Stopped);
        }
        if let Some(max) = self.max
            && self.sent >= max
        {
            return Some(Closed::Budget(max));
        }
        match (self.deadline, self.until) {
            (Some(d), Some(t)) if now >= d => Some(Closed::Hour(t)),
            _ => None,
        }
    }

    /// One mail handed to the relay.
    pub(crate) fn spend(&mut self) {
        self.sent += 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_hour_is_the_first_one_after_the_night_began() {
        let w = SendWindow {
            until: NaiveTime::from_hms_opt(6, 0, 0),
            max_mails: None,
        };
        let b = Budget::new(w, at("2024-05-08T02:30:00+09:00"));
        assert_eq!(b.closed(at("2024-05-08T05:59:59+09:00")), None);
        assert_eq!(
            b.closed(at("2024-05-08T06:00:00+09:00")),
            Some(Closed::Hour(NaiveTime::from_hms_opt(6, 0, 0).unwrap()))
        );
        // A night begun after the hour runs until the next morning's.
        let b = Budget::new(w, at("2024-05-08T07:00:00+09:00"));
        assert_eq!(b.closed(at("2024-05-08T23:00:00+09:00")), None);
        assert!(b.closed(at("2024-05-09T06:00:00+09:00")).is_some());
    }

    #[test]
    fn the_budget_counts_mails() {
        let w = SendWindow {
            until: None,
            max_mails: Some(2),
        };
        let mut b = Budget::new(w, at("2024-05-08T02:30:00+09:00"));
        let now = at("2024-05-08T02:31:00+09:00");
        assert_eq!(b.closed(now), None);
        b.spend();
        b.spend();
        assert_eq!(b.closed(now), Some(Closed::Budget(2)));
        assert!(
            Closed::Budget(2)
                .sentence()
                .contains("max_mails_per_night = 2")
        );
    }
}
