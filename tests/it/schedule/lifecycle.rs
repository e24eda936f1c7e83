//! A run's lifecycle against signals and failures: killed inside its report
//! write, failing at once, and SIGTERM to the daemon during a run.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use chrono::DateTime;
use hojokin::clock::{self, Clock};
use hojokin::{PAUSE_HOOK, TEMP_PREFIX};

use super::support::{lock_is_held, text};
use crate::support::Site;

/// Polls `what` every 10 ms until it holds or `limit` passes. The limits
/// are generous: each condition is expected within a second.
fn wait_until(limit: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
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

/// Starts `hojokin run JOB` paused inside its report write (the temporary
/// file written, not yet renamed) and returns it with the temp file's path.
fn paused_run(site: &Site, job: &str) -> (Child, PathBuf) {
    let child = site
        .with_logs(&["run", job, "--as-of", "2024-05-01"])
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
    let site = Site::generated(1);
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
    let out = site.with_logs(&["history", "--json"]).output().unwrap();
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["status"], "failed", "{line}");
    assert!(
        line["message"].as_str().unwrap().contains("止まりました"),
        "{line}"
    );

    let out = site
        .with_logs(&["run", "crash", "--as-of", "2024-05-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    site.stderr_inexact(
        &out,
        "log lines carry the time and the killed run's process id",
        &[
            "took over the lock",
            "removed the temporary file of an interrupted report write",
            "crash: 基準日 2024-05-01 の集計ブックを out/crash-2024-05-01.xlsx に書き出しました。\n",
        ],
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
    let site = Site::generated(1);
    site.job("broken", None);
    std::fs::remove_file(site.path().join("in/apps.csv")).unwrap();
    let start = Instant::now();
    let out = site
        .with_logs(&["run", "broken", "--as-of", "2024-05-01"])
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
    let site = Site::generated(1);
    // Midnight has always passed: a fresh install catches up at once.
    site.job("nightly", Some("0 0 0 * * *"));
    // stderr to a file, so the test can see the signal logged while it runs.
    let log = site.path().join("daemon.log");
    let mut daemon = site
        .with_logs(&["schedule", "--jobs-dir", "jobs"])
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
    crate::support::bin::inexact(
        &stderr,
        "the daemon's log: times, process ids and durations",
        &["SIGTERM", "scheduler stopped"],
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
    assert!(site.path().join(r.report_path.as_deref().unwrap()).exists());
    assert!(!lock_is_held(&site.db(), "nightly"));

    // history --json: one object per line with the contract's fields.
    let out = site.with_logs(&["history", "--json"]).output().unwrap();
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

    // Issue 25: the daemon kept a consistent copy of the state file after
    // the night, with the night in its history.
    let backups: Vec<PathBuf> = std::fs::read_dir(site.db().parent().unwrap().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let copy = hojokin::State::open(&backups[0]).unwrap();
    let runs = copy
        .recent_runs(None, 10, clock::SystemClock.now())
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status.as_str(), "succeeded");
}
