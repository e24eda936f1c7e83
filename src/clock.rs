//! The one clock: Tokyo wall time, and waiting until a given instant.
//!
//! Only the edges read time: the run history's timestamps, the job lock's
//! lease and heartbeat, the daemon's firings and catch-up. They take a
//! [`SharedClock`] instead of calling `Utc::now()` themselves, so a test can
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
