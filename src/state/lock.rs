//! Job locks: one run of a job at a time, across processes.
//!
//! A lock is a lease row in `job_locks`: who holds it (`host:pid:token`),
//! since when, and the last heartbeat. It is taken inside `BEGIN IMMEDIATE`,
//! so two processes racing for it are serialised by SQLite itself. A holder
//! that crashed cannot release its row, so a row is taken over when its
//! heartbeat is older than the lease, or at once when the holder is a process
//! of this host that no longer exists. The row is deleted when the
//! [`JobLock`] is dropped, on error paths too.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use tracing::warn;

use super::token::random_token;
use super::{State, StateError};
use crate::clock::{Clock, SharedClock, Stamp};

/// How long a lease lasts without a heartbeat, and how often it is renewed.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// A lease whose heartbeat is older than this belongs to a dead holder.
    pub lease: Duration,
    /// Renewal interval while the run lasts; `None` renews nothing (tests).
    pub heartbeat: Option<Duration>,
}

impl Default for LockOptions {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(120),
            heartbeat: Some(Duration::from_secs(20)),
        }
    }
}

/// The row of whoever holds a job's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// `host:pid:token`.
    pub holder: String,
    pub acquired_at: String,
    pub heartbeat_at: String,
}

/// What asking for a lock gave.
#[derive(Debug)]
pub enum Acquire {
    Acquired(Box<JobLock>),
    /// Someone alive holds it.
    Busy(LockHolder),
}

/// A held job lock; dropping it releases the lease.
#[derive(Debug)]
pub struct JobLock {
    state: State,
    job: String,
    holder: String,
    took_over: Option<LockHolder>,
    heartbeat: Option<Heartbeat>,
}

impl JobLock {
    /// Takes the lock of `job` in the state file at `db`, or says who has it.
    /// The clock's `now` stamps the lease and decides whether an old one has
    /// expired; the heartbeat stamps its renewals with the same clock.
    pub fn acquire(
        db: &Path,
        job: &str,
        clock: &SharedClock,
        opts: &LockOptions,
    ) -> Result<Acquire, StateError> {
        let mut state = State::open(db)?;
        let now = clock.now();
        let holder = new_holder_id();
        let stamp = Stamp::at(now);
        let taken = {
            let tx = state
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| sql_err(db, e))?;
            let current = holder_of(&tx, job).map_err(|e| sql_err(db, e))?;
            if let Some(current) = &current
                && !is_abandoned(current, now, opts.lease)
            {
                return Ok(Acquire::Busy(current.clone()));
            }
            tx.execute(
                "INSERT OR REPLACE INTO job_locks (job, holder, acquired_at, heartbeat_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![job, holder, stamp],
            )
            .map_err(|e| sql_err(db, e))?;
            tx.commit().map_err(|e| sql_err(db, e))?;
            current
        };
        if let Some(old) = &taken {
            warn!(job, old_holder = %old.holder, heartbeat_at = %old.heartbeat_at,
                "took over the lock of a holder that stopped");
        }
        let heartbeat = match opts.heartbeat {
            None => None,
            // Its own connection (a rusqlite connection is not shared between
            // threads), opened here so the thread never waits on the file
            // before it can see a stop request.
            Some(every) => match State::open(db) {
                Ok(own) => Heartbeat::start(own, job, &holder, Arc::clone(clock), every),
                Err(e) => {
                    warn!(job, error = %e, "lock heartbeat cannot open the state file; the lease may expire during a long run");
                    None
                }
            },
        };
        Ok(Acquire::Acquired(Box::new(JobLock {
            state,
            job: job.to_string(),
            holder,
            took_over: taken,
            heartbeat,
        })))
    }

    /// This lock's `host:pid:token`.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The dead holder this lock was taken over from, if any.
    pub fn took_over(&self) -> Option<&LockHolder> {
        self.took_over.as_ref()
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        if let Some(mut hb) = self.heartbeat.take() {
            hb.stop();
        }
        // Only our own row: after a takeover the row is someone else's.
        if let Err(e) = self.state.conn.execute(
            "DELETE FROM job_locks WHERE job = ?1 AND holder = ?2",
            params![self.job, self.holder],
        ) {
            warn!(job = %self.job, error = %e, "could not release the job lock; it expires with its lease");
        }
    }
}

impl State {
    /// Who holds the lock of `job` now, if anyone.
    pub fn lock_holder(&self, job: &str) -> Result<Option<LockHolder>, StateError> {
        holder_of(&self.conn, job).map_err(|e| self.sql(e))
    }
}

/// The row of `job`'s lock, read inside the taking transaction or alone.
fn holder_of(conn: &rusqlite::Connection, job: &str) -> rusqlite::Result<Option<LockHolder>> {
    conn.query_row(
        "SELECT holder, acquired_at, heartbeat_at FROM job_locks WHERE job = ?1",
        params![job],
        |r| {
            Ok(LockHolder {
                holder: r.get(0)?,
                acquired_at: r.get(1)?,
                heartbeat_at: r.get(2)?,
            })
        },
    )
    .optional()
}

fn sql_err(db: &Path, source: rusqlite::Error) -> StateError {
    StateError::Sql {
        path: db.to_path_buf(),
        source,
    }
}

/// A lease is abandoned when its heartbeat is older than the lease (or
/// unreadable), or when its holder is a process of this host that is gone.
pub(crate) fn is_abandoned(
    current: &LockHolder,
    now: DateTime<FixedOffset>,
    lease: Duration,
) -> bool {
    let expired = match Stamp::parse(&current.heartbeat_at) {
        Some(beat) => (now - beat.instant()).to_std().is_ok_and(|age| age > lease),
        None => true,
    };
    expired || holder_process_is_gone(&current.holder)
}

/// True only when we can tell for sure: same host, another pid, and `/proc`
/// says that pid does not exist.
fn holder_process_is_gone(holder: &str) -> bool {
    let mut parts = holder.splitn(3, ':');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    process_is_gone(host, pid)
}

/// True only when we can tell for sure that process `pid` of `host` has
/// ended: same host, another pid, and `/proc` says that pid does not exist.
/// Shared with the report's temp-file sweep, which names files the same way.
pub(crate) fn process_is_gone(host: &str, pid: u32) -> bool {
    host == this_host()
        && pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// This machine's name, as lock holders and temp files record it.
pub(crate) fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// `host:pid:token`, unique per lock taken (20 hex digits of a
/// [`random_token`], the length holder ids always had).
fn new_holder_id() -> String {
    format!(
        "{}:{}:{}",
        this_host(),
        std::process::id(),
        &random_token()[..20]
    )
}

/// A thread renewing the lease until stopped.
///
/// The stop flag lives under the mutex the thread waits on, and the thread
/// looks at it before every wait: a stop requested before the thread first
/// waits (a run that fails at once) is seen at once instead of after a whole
/// interval, which kept the lock held and the process alive for 20 s.
#[derive(Debug)]
struct Heartbeat {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

impl Heartbeat {
    fn start(
        state: State,
        job: &str,
        holder: &str,
        clock: SharedClock,
        every: Duration,
    ) -> Option<Heartbeat> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = Arc::clone(&stop);
        let (job, holder) = (job.to_string(), holder.to_string());
        let spawned = std::thread::Builder::new()
            .name(format!("lock-heartbeat-{job}"))
            .spawn(move || beat(&state, &job, &holder, &*clock, every, &signal));
        match spawned {
            Ok(h) => Some(Heartbeat {
                stop,
                handle: Some(h),
            }),
            Err(e) => {
                warn!(error = %e, "could not start the lock heartbeat; the lease may expire during a long run");
                None
            }
        }
    }

    /// Asks the thread to stop and waits for it: at most one renewal in
    /// flight, never a whole interval.
    fn stop(&mut self) {
        let (flag, cv) = &*self.stop;
        *flag.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Waits `every` (or until stopped), renews, and again. The mutex is held
/// only while looking at the flag and waiting, not during the renewal, so
/// [`Heartbeat::stop`] never queues behind SQLite.
fn beat(
    state: &State,
    job: &str,
    holder: &str,
    clock: &dyn Clock,
    every: Duration,
    stop: &(Mutex<bool>, Condvar),
) {
    let (flag, cv) = stop;
    loop {
        let due = Instant::now() + every;
        {
            let mut stopped = flag.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if *stopped {
                    return;
                }
                let left = due.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                stopped = cv
                    .wait_timeout(stopped, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
        match state.conn.execute(
            "UPDATE job_locks SET heartbeat_at = ?3 WHERE job = ?1 AND holder = ?2",
            params![job, holder, clock.stamp()],
        ) {
            Ok(0) => warn!(
                job,
                "the job lock was taken over by another process during this run"
            ),
            Ok(_) => {}
            Err(e) => warn!(job, error = %e, "could not renew the job lock"),
        }
    }
}

#[cfg(test)]
mod tests;
