//! The daemon and the job lock, end to end and bounded in seconds: the
//! library daemon driven by a [`ManualClock`] (no waiting on the wall clock:
//! the test decides when each slot is reached) and a stop future, and the
//! real binary against a lock held by the test itself, or paused inside its
//! report write by `HOJOKIN_TEST_PAUSE_BEFORE_RENAME`, for races between
//! processes, kills and SIGTERM.

#![allow(clippy::unwrap_used)] // tests may unwrap (COMMON rules); helpers here are test code too.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use common::bin::Hojokin;
use hojokin::clock::{self, Clock, ManualClock, SharedClock};
use hojokin::model::{Exit, Trigger};
use hojokin::report::atomic::{PAUSE_HOOK, TEMP_PREFIX};
use hojokin::schedule::daemon::{self, DaemonConfig, DaemonSummary, Firing};
use hojokin::schedule::load_jobs;
use hojokin::state::State;
use hojokin::state::lock::{Acquire, JobLock, LockOptions};
use hojokin::state::runs::RunRecord;

const HEADER: &str = "申請番号,制度,事業者名,申請日,補助対象経費,状態\n";

/// A temp folder with `jobs/`, `in/apps.csv` of `rows` rows and `state/`.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new(rows: usize) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("jobs")).unwrap();
        std::fs::create_dir_all(root.join("in")).unwrap();
        let mut csv = String::from(HEADER);
        for i in 1..=rows {
            csv.push_str(&format!(
                "A-{i},ダイバーシティ経営推進補助金,株式会社テスト{i},2024/5/1,1200000,申請中\n"
            ));
        }
        std::fs::write(root.join("in/apps.csv"), csv).unwrap();
        Site { _dir: dir, root }
    }

    fn job(&self, name: &str, schedule: Option<&str>) {
        let schedule = schedule.map_or(String::new(), |s| format!("schedule = \"{s}\"\n"));
        let text = format!(
            "description = \"試験ジョブ {name}\"\n{schedule}\
             [inputs.applications]\npath = \"../in/apps.csv\"\n\
             [report]\npath = \"../out/{name}-{{as_of}}.xlsx\"\n"
        );
        std::fs::write(self.jobs().join(format!("{name}.toml")), text).unwrap();
    }

    fn jobs(&self) -> PathBuf {
        self.root.join("jobs")
    }

    fn db(&self) -> PathBuf {
        self.root.join("state/hojokin.db")
    }

    fn history(&self) -> Vec<RunRecord> {
        State::open(&self.db()).unwrap().history(None, 100).unwrap()
    }

    fn config(&self, clock: SharedClock) -> DaemonConfig {
        DaemonConfig {
            jobs: load_jobs(&self.jobs()).unwrap(),
            db: self.db(),
            lock: LockOptions::default(),
            clock,
            firing: Firing::Clock,
        }
    }

    fn out(&self) -> PathBuf {
        self.root.join("out")
    }

    /// The marker file of the pause hook.
    fn pause_marker(&self) -> PathBuf {
        self.root.join("paused")
    }

    /// Logs at the default level: some tests wait for a log line.
    fn hojokin(&self, args: &[&str]) -> Command {
        let mut c = Hojokin::new(&self.root)
            .args(args)
            .env("HOJOKIN_DB", self.db())
            .command();
        c.env_remove("HOJOKIN_LOG");
        c
    }
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// Polls `what` every 10 ms until it holds or `limit` passes. The limits
/// are generous: each condition is expected within a second.
fn wait_until(limit: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn lock_is_held(db: &Path, job: &str) -> bool {
    db.exists()
        && State::open(db)
            .ok()
            .and_then(|s| s.lock_holder(job).ok().flatten())
            .is_some()
}

fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

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
    let site = Site::new(1);
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
    let site = Site::new(1);
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
    let site = Site::new(1);
    site.job("tick", Some("*/1 * * * * *"));
    let mut config = site.config(hojokin::clock::system());
    config.firing = Firing::Cron;
    let daemon = Running::start(config);
    // The catch-up run of the slot just passed, then at least one fired slot.
    finished_runs(&site, 2).await;
    let summary = daemon.stop().await;
    let runs = runs_of(&site);
    assert_eq!(runs[0].0, "catch-up");
    assert!(runs[1..].iter().all(|r| r.0 == "schedule"), "{runs:?}");
    assert!(summary.runs_started >= 2);
    assert!(runs.iter().all(|r| r.3 == "succeeded"), "{runs:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_after_downtime_runs_once_and_not_after_a_restart() {
    let site = Site::new(1);
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

/// Holds the job's lock in this test process, as a run elsewhere would.
fn hold_lock(site: &Site, job: &str) -> Box<JobLock> {
    match JobLock::acquire(&site.db(), job, &clock::system(), &LockOptions::default()).unwrap() {
        Acquire::Acquired(l) => l,
        Acquire::Busy(h) => panic!("lock busy: {h:?}"),
    }
}

#[test]
fn a_run_while_the_job_is_running_elsewhere_does_nothing_and_exits_0() {
    let site = Site::new(1);
    site.job("race", None);
    let args = ["run", "race", "--as-of", "2024-05-01"];
    let lock = hold_lock(&site, "race");
    let out = site.hojokin(&args).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let refused = format!(
        "ジョブ race は既に実行中です（実行中のプロセス {}、",
        lock.holder()
    );
    assert!(
        stderr.contains(&refused) && stderr.contains("開始）。今回は実行しません。"),
        "{stderr}"
    );
    assert!(site.history().is_empty());
    assert!(!site.out().exists(), "no report was written");

    // Once the lock is released, the next run runs.
    drop(lock);
    let out = site.hojokin(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let runs = site.history();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0].status.as_str(), "succeeded");
    assert_eq!(runs[0].as_of, "2024-05-01");
    assert!(!lock_is_held(&site.db(), "race"));
}

#[test]
fn the_scheduler_and_cron_never_run_one_job_twice() {
    let site = Site::new(1);
    site.job("nightly", Some("0 30 2 * * *"));
    // The daemon's run (here: the lock it holds during the run) refuses cron's.
    let lock = hold_lock(&site, "nightly");
    let out = site.hojokin(&["run", "nightly"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("ジョブ nightly は既に実行中です"));
    drop(lock);
    // And cron's run refuses the daemon's catch-up: the daemon records nothing.
    let lock = hold_lock(&site, "nightly");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let clock = ManualClock::new(at("2024-05-04T09:00:00+09:00"));
    let summary = rt
        .block_on(daemon::run(site.config(clock.shared()), async {}))
        .unwrap();
    assert_eq!(summary.caught_up, ["nightly"]);
    assert_eq!(
        summary.runs_started, 1,
        "admitted, then refused by the lock"
    );
    assert!(site.history().is_empty());
    drop(lock);
}

/// Starts `hojokin run JOB` paused inside its report write (the temporary
/// file written, not yet renamed) and returns it with the temp file's path.
fn paused_run(site: &Site, job: &str) -> (Child, PathBuf) {
    let child = site
        .hojokin(&["run", job, "--as-of", "2024-05-01"])
        .env(PAUSE_HOOK, site.pause_marker())
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(60), "the write window", || {
        site.pause_marker().exists()
    });
    let tmp = PathBuf::from(std::fs::read_to_string(site.pause_marker()).unwrap());
    (child, tmp)
}

#[test]
fn a_run_killed_inside_its_report_write_leaves_nothing_after_the_next_run() {
    let site = Site::new(1);
    site.job("crash", None);
    let (mut a, tmp) = paused_run(&site, "crash");
    // Inside the window: the lock held, the run recorded, the temp file
    // complete and the workbook not yet under its name.
    assert!(lock_is_held(&site.db(), "crash"));
    assert_eq!(site.history()[0].status.as_str(), "running");
    let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(TEMP_PREFIX), "{name}");
    assert!(std::fs::metadata(&tmp).unwrap().len() > 1000);
    assert!(!site.out().join("crash-2024-05-01.xlsx").exists());
    a.kill().unwrap(); // SIGKILL
    a.wait().unwrap(); // reaped, so /proc no longer lists it
    std::fs::remove_file(site.pause_marker()).unwrap();
    assert!(tmp.exists(), "a killed writer cannot clean up");

    // `history` already shows the killed run as ended.
    let out = site.hojokin(&["history", "--json"]).output().unwrap();
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["status"], "failed", "{line}");
    assert!(
        line["message"].as_str().unwrap().contains("止まりました"),
        "{line}"
    );

    let out = site
        .hojokin(&["run", "crash", "--as-of", "2024-05-01"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("took over the lock"), "{stderr}");
    assert!(
        stderr.contains("removed the temporary file of an interrupted report write"),
        "{stderr}"
    );
    let mut left: Vec<String> = std::fs::read_dir(site.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["crash-2024-05-01.xlsx"]);
    let runs = site.history();
    let status: Vec<&str> = runs.iter().map(|r| r.status.as_str()).collect();
    // Newest first: the new run, then the killed one, now stored as failed.
    assert_eq!(status, ["succeeded", "failed"], "{runs:#?}");
}

#[test]
fn a_run_that_fails_at_once_exits_at_once_and_frees_the_lock() {
    let site = Site::new(1);
    site.job("broken", None);
    std::fs::remove_file(site.root.join("in/apps.csv")).unwrap();
    let start = Instant::now();
    let out = site
        .hojokin(&["run", "broken", "--as-of", "2024-05-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    // The heartbeat's stop was missed before and the exit took 20 s (its
    // interval); a run of a missing file takes well under a second.
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(!lock_is_held(&site.db(), "broken"));
    assert_eq!(site.history()[0].status.as_str(), "failed");
}

#[test]
fn sigterm_during_a_run_lets_it_finish_and_exits_0() {
    let site = Site::new(1);
    // Midnight has always passed: a fresh install catches up at once.
    site.job("nightly", Some("0 0 0 * * *"));
    // stderr to a file, so the test can see the signal logged while it runs.
    let log = site.root.join("daemon.log");
    let mut daemon = site
        .hojokin(&["schedule", "--jobs-dir", "jobs"])
        .env(PAUSE_HOOK, site.pause_marker())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // The catch-up run is inside its report write when the signal comes.
    wait_until(
        Duration::from_secs(60),
        "the catch-up run's report write",
        || site.pause_marker().exists(),
    );
    let signalled = clock::SystemClock.now();
    let kill = Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    wait_until(
        Duration::from_secs(60),
        "the stop request in the log",
        || std::fs::read_to_string(&log).is_ok_and(|l| l.contains("stop requested")),
    );
    // Stopping, yet waiting for the run: let the run go on.
    assert!(daemon.try_wait().unwrap().is_none());
    std::fs::remove_file(site.pause_marker()).unwrap();
    let status = wait_exit(&mut daemon, Duration::from_secs(60));
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("SIGTERM") && stderr.contains("scheduler stopped"),
        "{stderr}"
    );

    let runs = site.history();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    let r = &runs[0];
    assert_eq!(
        (r.trigger.code(), r.status.as_str()),
        ("catch-up", "succeeded")
    );
    let finished = DateTime::parse_from_rfc3339(r.finished_at.as_deref().unwrap()).unwrap();
    // History keeps whole seconds, so compare at that resolution.
    assert!(
        finished.timestamp() >= signalled.timestamp(),
        "{r:#?} {signalled}"
    );
    assert!(site.root.join(r.report_path.as_deref().unwrap()).exists());
    assert!(!lock_is_held(&site.db(), "nightly"));

    // history --json: one object per line with the contract's fields.
    let out = site.hojokin(&["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["job"], "nightly");
    assert_eq!(lines[0]["status"], "succeeded");
    assert_eq!(lines[0]["trigger"], "catch-up");
    for key in ["as_of", "started_at", "finished_at"] {
        assert!(lines[0][key].is_string(), "{key}: {}", lines[0]);
    }
}

#[test]
fn jobs_lists_next_runs_with_the_tokyo_offset_and_flags_bad_files() {
    let site = Site::new(1);
    site.job("nightly", Some("0 30 2 * * *"));
    site.job("adhoc", None);
    let out = site.hojokin(&["jobs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "名前\t説明\tスケジュール\t次回実行\t前回開始\t前回結果"
    );
    assert_eq!(lines[1], "adhoc\t試験ジョブ adhoc\t（なし）\t-\t-\t-");
    let nightly: Vec<&str> = lines[2].split('\t').collect();
    assert_eq!(
        nightly[..3],
        ["nightly", "試験ジョブ nightly", "0 30 2 * * *"]
    );
    assert!(nightly[3].ends_with("T02:30:00+09:00"), "{}", nightly[3]);
    assert!(
        !site.db().exists(),
        "listing must not create the state file"
    );

    std::fs::write(site.jobs().join("typo.toml"), "schedule = \"0 30 2 * *\"\n").unwrap();
    let out = site.hojokin(&["jobs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("typo\t（ジョブファイルに誤りがあります）"));
    assert!(
        text(&out.stderr).contains("typo.toml"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn schedule_without_a_valid_scheduled_job_exits_2() {
    let site = Site::new(1);
    site.job("adhoc", None);
    std::fs::write(site.jobs().join("bad.toml"), "description = ").unwrap();
    let out = site
        .hojokin(&["schedule", "--jobs-dir", "jobs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bad.toml")
            && stderr.contains("スケジュールのある正しいジョブがありません"),
        "{stderr}"
    );
}
