//! The scheduler's firing: each slot the clock reaches fires once with its
//! own date, seconds-level schedules, tokio-cron-scheduler on the server,
//! and the catch-up after downtime (once, and not again after a restart).

use std::time::{Duration, Instant};

use hojokin::State;
use hojokin::clock::ManualClock;
use hojokin::daemon::{self, DaemonConfig, DaemonSummary, Firing};
use hojokin::{Exit, Trigger};

use super::support::{at, lock_is_held};
use crate::support::Site;
use crate::support::own_process::ran_in_a_child;

/// (trigger, as_of, started_at, status) of every run, oldest first.
fn runs_of(site: &Site) -> Vec<(String, String, String, String)> {
    let mut runs: Vec<_> = site
        .history()
        .into_iter()
        .map(|r| {
            (
                r.trigger.code().to_string(),
                r.as_of,
                r.started_at,
                r.status.as_str().to_string(),
            )
        })
        .collect();
    runs.reverse();
    runs
}

fn run(trigger: &str, as_of: &str, started: &str) -> (String, String, String, String) {
    (
        trigger.into(),
        as_of.into(),
        started.into(),
        "succeeded".into(),
    )
}

/// The library daemon on a tokio task, stopped when [`Running::stop`] is called.
struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<DaemonSummary>,
}

impl Running {
    fn start(config: DaemonConfig) -> Running {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            daemon::run(config, async {
                let _ = stopped.await;
            })
            .await
            .unwrap()
        });
        Running { stop, task }
    }

    async fn stop(self) -> DaemonSummary {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the daemon stops once its runs are done")
            .unwrap()
    }
}

/// Waits (polling the state file on the blocking pool) until `n` runs have
/// finished and no job's lock is held any more. A run records its end just
/// before it lets go of the lock, so a test that moved the clock as soon as
/// the row said "finished" could fire the next slot into a lock still held,
/// which is refused as already running (as it should be on a server).
async fn finished_runs(site: &Site, n: usize) {
    let db = site.db();
    let jobs: Vec<String> = std::fs::read_dir(site.jobs())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    let limit = Duration::from_secs(60);
    let start = Instant::now();
    loop {
        let db = db.clone();
        let jobs = jobs.clone();
        let (done, held) = tokio::task::spawn_blocking(move || {
            if !db.exists() {
                return (0, false);
            }
            let done = State::open(&db)
                .unwrap()
                .history(None, 100)
                .unwrap()
                .iter()
                .filter(|r| r.finished_at.is_some())
                .count();
            (done, jobs.iter().any(|j| lock_is_held(&db, j)))
        })
        .await
        .unwrap();
        if done >= n && !held {
            return;
        }
        assert!(start.elapsed() < limit, "only {done} of {n} runs finished");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_slot_the_clock_reaches_fires_once_with_its_own_date() {
    if ran_in_a_child(concat!(
        module_path!(),
        "::each_slot_the_clock_reaches_fires_once_with_its_own_date"
    )) {
        return;
    }
    let site = Site::generated(1);
    site.job("nightly", Some("0 30 2 * * *"));
    // A fresh install at 01:00, before tonight's slot: last night's is caught up.
    let clock = ManualClock::new(at("2024-05-01T01:00:00+09:00"));
    let daemon = Running::start(site.config(clock.shared()));
    finished_runs(&site, 1).await;

    // Tonight's slot, reached exactly.
    clock.set(at("2024-05-01T02:30:00+09:00"));
    finished_runs(&site, 2).await;
    // The next night, a little late (the clock moves on in steps).
    clock.set(at("2024-05-02T02:30:00.400+09:00"));
    finished_runs(&site, 3).await;
    // Suspended three nights: one run, for the latest slot.
    clock.set(at("2024-05-05T03:00:00+09:00"));
    finished_runs(&site, 4).await;
    // Not yet the next slot: nothing fires.
    clock.set(at("2024-05-06T02:29:59+09:00"));
    let summary = daemon.stop().await;

    assert_eq!(summary.scheduled, ["nightly"]);
    assert_eq!(summary.caught_up, ["nightly"]);
    assert_eq!(summary.runs_started, 4);
    assert_eq!(
        runs_of(&site),
        [
            run("catch-up", "2024-04-30", "2024-05-01T01:00:00+09:00"),
            run("schedule", "2024-05-01", "2024-05-01T02:30:00+09:00"),
            run("schedule", "2024-05-02", "2024-05-02T02:30:00+09:00"),
            run("schedule", "2024-05-05", "2024-05-05T03:00:00+09:00"),
        ]
    );
    assert!(!lock_is_held(&site.db(), "nightly"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seconds_level_schedule_fires_every_second_reached() {
    if ran_in_a_child(concat!(
        module_path!(),
        "::a_seconds_level_schedule_fires_every_second_reached"
    )) {
        return;
    }
    let site = Site::generated(1);
    site.job("tick", Some("*/1 * * * * *"));
    let clock = ManualClock::new(at("2024-05-01T23:59:58.500+09:00"));
    let daemon = Running::start(site.config(clock.shared()));
    finished_runs(&site, 1).await;
    for (i, step) in [
        "2024-05-01T23:59:59.500+09:00",
        "2024-05-02T00:00:00.500+09:00",
    ]
    .into_iter()
    .enumerate()
    {
        clock.set(at(step));
        finished_runs(&site, i + 2).await;
    }
    let summary = daemon.stop().await;
    assert_eq!(summary.runs_started, 3);
    // The business date is the slot's Tokyo date, across midnight too.
    assert_eq!(
        runs_of(&site),
        [
            run("catch-up", "2024-05-01", "2024-05-01T23:59:58+09:00"),
            run("schedule", "2024-05-01", "2024-05-01T23:59:59+09:00"),
            run("schedule", "2024-05-02", "2024-05-02T00:00:00+09:00"),
        ]
    );
}

/// The server's firing engine, tokio-cron-scheduler, reads the wall clock
/// itself: this one test waits for a real second-level slot (at most a few
/// seconds) to show that the production path fires and dates its runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_server_tokio_cron_scheduler_fires_the_slots() {
    if ran_in_a_child(concat!(
        module_path!(),
        "::on_the_server_tokio_cron_scheduler_fires_the_slots"
    )) {
        return;
    }
    let site = Site::generated(1);
    site.job("tick", Some("*/1 * * * * *"));
    let mut config = site.config(hojokin::clock::system());
    config.firing = Firing::Cron;
    let daemon = Running::start(config);
    // The catch-up run of the slot just passed, then at least one fired slot
    // that ran (on a busy machine the first slots may come while the
    // catch-up still runs, and the job lock refuses them).
    finished_runs(&site, 2).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !runs_of(&site)
        .iter()
        .any(|r| r.0 == "schedule" && r.3 == "succeeded")
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let summary = daemon.stop().await;
    let runs = runs_of(&site);
    assert_eq!(runs[0].0, "catch-up");
    assert!(runs[1..].iter().all(|r| r.0 == "schedule"), "{runs:?}");
    assert!(summary.runs_started >= 2);
    // A slot refused by the lock is recorded so (needs_attention): no overlap.
    assert_eq!(runs[0].3, "succeeded", "{runs:?}");
    assert!(runs[1..].iter().any(|r| r.3 == "succeeded"), "{runs:?}");
    assert!(
        runs.iter()
            .all(|r| r.3 == "succeeded" || r.3 == "needs_attention"),
        "{runs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_after_downtime_runs_once_and_not_after_a_restart() {
    if ran_in_a_child(concat!(
        module_path!(),
        "::catch_up_after_downtime_runs_once_and_not_after_a_restart"
    )) {
        return;
    }
    let site = Site::generated(1);
    site.job("nightly", Some("0 30 2 * * *"));
    // The last run was three nights ago; the server was down since.
    {
        let state = State::open(&site.db()).unwrap();
        let then = at("2024-05-01T02:30:05+09:00");
        let id = state
            .begin_run("nightly", then.date_naive(), then, false, Trigger::Schedule)
            .unwrap();
        state.finish_run(id, then, Exit::Done, None, None).unwrap();
    }
    let clock = ManualClock::new(at("2024-05-04T09:00:00+09:00"));
    // Stopped at once: only the catch-up run, which the daemon waits for.
    let summary = daemon::run(site.config(clock.shared()), async {})
        .await
        .unwrap();
    assert_eq!(summary.caught_up, ["nightly"]);
    assert_eq!(summary.runs_started, 1);
    assert_eq!(
        runs_of(&site),
        [
            run("schedule", "2024-05-01", "2024-05-01T02:30:05+09:00"),
            run("catch-up", "2024-05-04", "2024-05-04T09:00:00+09:00"),
        ]
    );

    // Restart an hour later: the slot has its run, so nothing runs.
    clock.advance(Duration::from_secs(3600));
    let summary = daemon::run(site.config(clock.shared()), async {})
        .await
        .unwrap();
    assert!(summary.caught_up.is_empty(), "{summary:?}");
    assert_eq!(summary.runs_started, 0);
    assert_eq!(site.history().len(), 2);
}
