//! The one clock: Tokyo wall time, and waiting until a given instant.
//!
//! Only the edges read time: the run history's timestamps, the job lock's
//! lease and heartbeat, the daemon's firings and catch-up, and the mail's
//! metadata (the Date header, 通知's 日時, the outbox's stamps, the sending
//! window). They take a [`SharedClock`] instead of calling `Utc::now()`
//! themselves, and record instants as one [`Stamp`], so a test can
//! hand them a [`ManualClock`] and decide what time it is, and when slots are
//! reached, without waiting on the wall clock. Business dates never come
//! from here: they are the run's `as_of` argument.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use tokio::sync::watch;

/// A future the daemon awaits until the clock reaches an instant.
pub type Wait = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// What time it is, and a way to wait for a later time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now, in Asia/Tokyo (`+09:00`).
    fn now(&self) -> DateTime<FixedOffset>;

    /// Resolves once [`Clock::now`] is at or after `t` (at once if it is
    /// already). Callers still re-check `now` after it: a wall clock can be
    /// set back while they wait.
    fn sleep_until(&self, t: DateTime<FixedOffset>) -> Wait;

    /// Now, as the state file and the 通知 sheet record it.
    fn stamp(&self) -> Stamp {
        Stamp::at(self.now())
    }
}

/// An instant as hojokin records it: the run history, the outbox, the job
/// lock, the sent-keys log, the 通知 sheet's 日時. One type, so the state
/// API cannot be handed a date or a text in some other shape, and one
/// written form, RFC 3339 in Asia/Tokyo to the second
/// (`2024-05-01T02:30:00+09:00`, what [`Stamp`]'s `Display` writes).
///
/// Reading accepts what earlier versions wrote as well: the job lock's
/// stamps carried milliseconds (`2024-05-01T02:30:00.123+09:00`), and state
/// files in the field still hold such rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(DateTime<FixedOffset>);

impl Stamp {
    /// `t`, as a Tokyo time.
    pub fn at(t: DateTime<FixedOffset>) -> Stamp {
        Stamp(tokyo(t))
    }

    /// A recorded stamp, in either form this or an earlier version wrote;
    /// `None` when the text is not RFC 3339.
    pub fn parse(text: &str) -> Option<Stamp> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(Stamp::at)
    }

    /// The instant, in Tokyo time.
    pub fn instant(self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl From<DateTime<FixedOffset>> for Stamp {
    fn from(t: DateTime<FixedOffset>) -> Stamp {
        Stamp::at(t)
    }
}

/// A stamp a test writes out (panics on a malformed one).
#[cfg(test)]
pub(crate) fn stamp(text: &str) -> Stamp {
    Stamp::parse(text).unwrap_or_else(|| panic!("not a stamp: {text}"))
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
    }
}

/// A clock shared by the daemon, its runs and their lock heartbeats.
pub type SharedClock = Arc<dyn Clock>;

/// The system's wall clock: what production uses.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// The system clock in Asia/Tokyo.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        chrono::Utc::now()
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .fixed_offset()
    }

    /// Naps of at most a minute, looking at the wall clock after each: tokio's
    /// timers are monotonic, so a wall clock set forward (NTP, a resumed
    /// machine) is noticed within a minute rather than after the whole wait.
    fn sleep_until(&self, t: DateTime<FixedOffset>) -> Wait {
        const LONGEST_NAP: Duration = Duration::from_secs(60);
        Box::pin(async move {
            loop {
                let left = (t - SystemClock.now()).to_std().unwrap_or(Duration::ZERO);
                if left.is_zero() {
                    return;
                }
                tokio::time::sleep(left.min(LONGEST_NAP)).await;
            }
        })
    }
}

/// A clock that stands still until a test sets or advances it; waiting on
/// it ends when the test moves it far enough, never on its own.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<DateTime<FixedOffset>>>,
}

impl ManualClock {
    /// A clock showing `start`, as a Tokyo time.
    pub fn new(start: DateTime<FixedOffset>) -> ManualClock {
        ManualClock {
            now: Arc::new(watch::Sender::new(tokyo(start))),
        }
    }

    /// The same clock as a [`SharedClock`] to hand to the code under test.
    pub fn shared(&self) -> SharedClock {
        Arc::new(self.clone())
    }

    /// Moves the clock to `t` (backwards too: a wall clock can be set back).
    pub fn set(&self, t: DateTime<FixedOffset>) {
        self.now.send_replace(tokyo(t));
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        self.now.send_modify(|t| {
            *t = t.checked_add_signed(by).unwrap_or(*t);
        });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<FixedOffset> {
        *self.now.borrow()
    }

    fn sleep_until(&self, t: DateTime<FixedOffset>) -> Wait {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            // The sender lives as long as any clone of the clock; if all are
            // gone, time can no longer reach `t`, so wait forever.
            if rx.wait_for(|now| *now >= t).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

fn tokyo(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    t.with_timezone(&chrono_tz::Asia::Tokyo).fixed_offset()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn a_stamp_is_written_one_way_and_read_both_ways() {
        let c = ManualClock::new(at("2024-04-30T17:30:00.250Z"));
        let s = c.stamp();
        assert_eq!(s.to_string(), "2024-05-01T02:30:00+09:00");
        // The form the lock wrote before issue 26, and the form of the rest.
        let old = Stamp::parse("2024-05-01T02:30:00.123+09:00").unwrap();
        assert_eq!(old.to_string(), "2024-05-01T02:30:00+09:00");
        assert_eq!(old.instant().timestamp_subsec_millis(), 123);
        let secs = Stamp::parse("2024-05-01T02:30:00+09:00").unwrap();
        assert!(secs < old);
        assert_eq!(
            Stamp::parse("2024-04-30T17:30:00Z").unwrap().to_string(),
            "2024-05-01T02:30:00+09:00"
        );
        assert_eq!(Stamp::parse("昨日"), None);
    }

    #[test]
    fn the_system_clock_is_in_tokyo() {
        assert_eq!(SystemClock.now().offset().local_minus_utc(), 9 * 3600);
    }

    #[tokio::test]
    async fn sleeping_on_the_system_clock_ends_once_its_time_has_come() {
        let t = SystemClock.now() + chrono::Duration::milliseconds(30);
        SystemClock.sleep_until(t).await;
        assert!(SystemClock.now() >= t);
        // A time in the past resolves at once.
        SystemClock.sleep_until(t - chrono::Duration::days(1)).await;
    }

    #[test]
    fn a_manual_clock_shows_what_it_is_set_to_in_tokyo() {
        let c = ManualClock::new(at("2024-04-30T17:30:00Z"));
        assert_eq!(c.now().to_rfc3339(), "2024-05-01T02:30:00+09:00");
        c.advance(Duration::from_millis(1500));
        assert_eq!(c.now().to_rfc3339(), "2024-05-01T02:30:01.500+09:00");
        c.set(at("2024-04-01T00:00:00+09:00"));
        assert_eq!(c.shared().now().to_rfc3339(), "2024-04-01T00:00:00+09:00");
    }

    #[tokio::test]
    async fn sleeping_on_a_manual_clock_ends_when_it_is_moved_far_enough() {
        let c = ManualClock::new(at("2024-05-01T02:29:59+09:00"));
        let mut wait = tokio::spawn(c.sleep_until(at("2024-05-01T02:30:00+09:00")));
        tokio::task::yield_now().await;
        assert!(!wait.is_finished());
        c.advance(Duration::from_millis(500));
        // Not yet: still half a second before the slot.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut wait)
                .await
                .is_err()
        );
        c.advance(Duration::from_millis(500));
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .unwrap()
            .unwrap();
        // A time already reached resolves at once.
        c.sleep_until(at("2024-05-01T00:00:00+09:00")).await;
    }
}
