use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};

use super::{Acquire, JobLock, LockHolder, LockOptions, this_host};
use crate::clock::{ManualClock, SharedClock};
use crate::state::State;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// A clock standing at `t`.
fn clock_at(t: DateTime<FixedOffset>) -> SharedClock {
    ManualClock::new(t).shared()
}

fn no_heartbeat() -> LockOptions {
    LockOptions {
        lease: Duration::from_secs(120),
        heartbeat: None,
    }
}

fn acquired(a: Acquire) -> Box<JobLock> {
    match a {
        Acquire::Acquired(l) => l,
        Acquire::Busy(h) => panic!("expected the lock, held by {h:?}"),
    }
}

fn busy(a: Acquire) -> LockHolder {
    match a {
        Acquire::Busy(h) => h,
        Acquire::Acquired(l) => panic!("expected busy, got {}", l.holder()),
    }
}

#[test]
fn one_holder_at_a_time_and_released_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let t = at("2024-05-01T02:30:00+09:00");
    let first = acquired(JobLock::acquire(&db, "nightly", &clock_at(t), &no_heartbeat()).unwrap());
    assert!(first.took_over().is_none());
    let holder = busy(JobLock::acquire(&db, "nightly", &clock_at(t), &no_heartbeat()).unwrap());
    assert_eq!(holder.holder, first.holder());
    assert_eq!(holder.acquired_at, "2024-05-01T02:30:00+09:00");
    // Another job is independent.
    let other = acquired(JobLock::acquire(&db, "weekly", &clock_at(t), &no_heartbeat()).unwrap());
    drop(other);
    drop(first);
    let state = State::open(&db).unwrap();
    assert_eq!(state.lock_holder("nightly").unwrap(), None);
    acquired(JobLock::acquire(&db, "nightly", &clock_at(t), &no_heartbeat()).unwrap());
}

#[test]
fn holder_ids_name_this_host_and_process_and_differ() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let t = at("2024-05-01T02:30:00+09:00");
    let a = acquired(JobLock::acquire(&db, "a", &clock_at(t), &no_heartbeat()).unwrap());
    let b = acquired(JobLock::acquire(&db, "b", &clock_at(t), &no_heartbeat()).unwrap());
    let prefix = format!("{}:{}:", this_host(), std::process::id());
    assert!(a.holder().starts_with(&prefix), "{}", a.holder());
    assert_ne!(a.holder(), b.holder());
}

#[test]
fn an_expired_lease_is_taken_over_and_the_old_guard_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let old = acquired(
        JobLock::acquire(
            &db,
            "nightly",
            &clock_at(at("2024-05-01T02:30:00+09:00")),
            &no_heartbeat(),
        )
        .unwrap(),
    );
    // 119 s after the last heartbeat the holder still counts as alive.
    busy(
        JobLock::acquire(
            &db,
            "nightly",
            &clock_at(at("2024-05-01T02:31:59+09:00")),
            &no_heartbeat(),
        )
        .unwrap(),
    );
    let new = acquired(
        JobLock::acquire(
            &db,
            "nightly",
            &clock_at(at("2024-05-01T02:32:01+09:00")),
            &no_heartbeat(),
        )
        .unwrap(),
    );
    assert_eq!(new.took_over().unwrap().holder, old.holder());
    let new_holder = new.holder().to_string();
    drop(old);
    let state = State::open(&db).unwrap();
    assert_eq!(
        state.lock_holder("nightly").unwrap().unwrap().holder,
        new_holder
    );
}

#[test]
fn a_dead_process_of_this_host_loses_its_lock_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let state = State::open(&db).unwrap();
    // pid_max is at most 4194304 on Linux, so this pid cannot exist.
    let dead = format!("{}:4194305:feed", this_host());
    let elsewhere = "another-host:4194305:feed";
    for (holder, free) in [(dead.as_str(), true), (elsewhere, false)] {
        state
            .conn
            .execute(
                "INSERT OR REPLACE INTO job_locks VALUES ('nightly', ?1, ?2, ?2)",
                [holder, "2024-05-01T02:30:00.000+09:00"],
            )
            .unwrap();
        let a = JobLock::acquire(
            &db,
            "nightly",
            &clock_at(at("2024-05-01T02:30:10+09:00")),
            &no_heartbeat(),
        )
        .unwrap();
        match a {
            Acquire::Acquired(l) => {
                assert!(free, "{holder}");
                assert_eq!(l.took_over().unwrap().holder, holder);
            }
            Acquire::Busy(h) => {
                assert!(!free, "{holder}");
                assert_eq!(h.holder, holder);
            }
        }
    }
}

/// Polls every 10 ms until `ok` holds; fails after `limit` (generous: the
/// condition is expected within milliseconds).
fn wait_until(limit: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_heartbeat_renews_the_lease_with_the_clock_while_held() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let opts = LockOptions {
        lease: Duration::from_secs(120),
        heartbeat: Some(Duration::from_millis(20)),
    };
    let clock = ManualClock::new(at("2024-05-01T02:30:00+09:00"));
    let lock = acquired(JobLock::acquire(&db, "nightly", &clock.shared(), &opts).unwrap());
    let state = State::open(&db).unwrap();
    // Only a heartbeat stamped with the (moved) clock can show this time.
    clock.set(at("2024-05-01T02:45:01.250+09:00"));
    wait_until(Duration::from_secs(10), "a heartbeat", || {
        state.lock_holder("nightly").unwrap().unwrap().heartbeat_at == "2024-05-01T02:45:01+09:00"
    });
    let row = state.lock_holder("nightly").unwrap().unwrap();
    assert_eq!(row.acquired_at, "2024-05-01T02:30:00+09:00");
    drop(lock);
    assert_eq!(state.lock_holder("nightly").unwrap(), None);
}

/// Issue 13.8: a run that failed at once waited a whole heartbeat interval
/// in `drop` (the stop came before the thread's first wait and was missed),
/// keeping the lock held. With an hour's interval a missed stop is
/// unmistakable; a seen one releases within milliseconds.
#[test]
fn dropping_the_lock_stops_the_heartbeat_at_once_and_releases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let opts = LockOptions {
        lease: Duration::from_secs(120),
        heartbeat: Some(Duration::from_secs(3600)),
    };
    let clock = clock_at(at("2024-05-01T02:30:00+09:00"));
    let state = State::open(&db).unwrap();
    for round in 0..20 {
        let lock = acquired(JobLock::acquire(&db, "nightly", &clock, &opts).unwrap());
        // Dropped on another thread so that a missed stop fails the test
        // after 30 s instead of hanging it for the hour.
        let (done, dropped) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(lock);
            let _ = done.send(());
        });
        assert!(
            dropped.recv_timeout(Duration::from_secs(30)).is_ok(),
            "round {round}: dropping the lock did not stop its heartbeat"
        );
        assert_eq!(state.lock_holder("nightly").unwrap(), None, "round {round}");
    }
}

/// A state file from before issue 26: the lock's stamps to the millisecond,
/// the runs' to the second. Both are read; what is written now is one form.
#[test]
fn a_state_file_with_the_old_stamp_forms_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let state = State::open(&db).unwrap();
    state
        .conn
        .execute_batch(
            "INSERT INTO job_locks VALUES
                ('nightly', 'another-host:1:feed', '2024-05-01T02:30:00.000+09:00', '2024-05-01T02:31:30.500+09:00'),
                ('weekly', 'another-host:2:feed', '2024-05-01T02:00:00.000+09:00', '2024-05-01T02:00:00.125+09:00');
             INSERT INTO runs (job, as_of, started_at, finished_at, status, exit_code, dry_run, trigger)
                VALUES ('nightly', '2024-04-30', '2024-04-30T02:30:00+09:00', '2024-04-30T02:31:07+09:00', 'succeeded', 0, 0, 'schedule');",
        )
        .unwrap();
    let now = clock_at(at("2024-05-01T02:32:00+09:00"));
    // Heartbeat 29.5 s ago (read to the millisecond): alive, busy.
    let held = busy(JobLock::acquire(&db, "nightly", &now, &no_heartbeat()).unwrap());
    assert_eq!(held.acquired_at, "2024-05-01T02:30:00.000+09:00");
    // Heartbeat 32 minutes ago: a dead holder, taken over, now written to the second.
    let lock = acquired(JobLock::acquire(&db, "weekly", &now, &no_heartbeat()).unwrap());
    assert_eq!(lock.took_over().unwrap().holder, "another-host:2:feed");
    let row = state.lock_holder("weekly").unwrap().unwrap();
    assert_eq!(row.acquired_at, "2024-05-01T02:32:00+09:00");
    assert_eq!(row.heartbeat_at, "2024-05-01T02:32:00+09:00");
    assert_eq!(
        state.last_started_at("nightly").unwrap().as_deref(),
        Some("2024-04-30T02:30:00+09:00")
    );
    let runs = state.history(Some("nightly"), 10).unwrap();
    assert_eq!(
        runs[0].finished_at.as_deref(),
        Some("2024-04-30T02:31:07+09:00")
    );
}
