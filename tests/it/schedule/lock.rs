//! The job lock: a run while the job runs elsewhere does nothing and exits
//! 0, and the scheduler and cron never run one job twice.

use hojokin::clock::{self, ManualClock};
use hojokin::daemon;
use hojokin::{Acquire, JobLock, LockOptions};

use super::support::{at, lock_is_held, text};
use crate::support::Site;
use crate::support::own_process::ran_in_a_child;

/// Holds the job's lock in this test process, as a run elsewhere would.
fn hold_lock(site: &Site, job: &str) -> Box<JobLock> {
    match JobLock::acquire(&site.db(), job, &clock::system(), &LockOptions::default()).unwrap() {
        Acquire::Acquired(l) => l,
        Acquire::Busy(h) => panic!("lock busy: {h:?}"),
    }
}

#[test]
fn a_run_while_the_job_is_running_elsewhere_does_nothing_and_exits_0() {
    let site = Site::generated(1);
    site.job("race", None);
    let args = ["run", "race", "--as-of", "2024-05-01"];
    let lock = hold_lock(&site, "race");
    let out = site.with_logs(&args).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let refused = format!(
        "ジョブ race は既に実行中です（実行中のプロセス {}、",
        lock.holder()
    );
    site.stderr_inexact(
        &out,
        "the refusal names when the holder started, to the second",
        &[&refused, "開始）。今回は実行しません。\n"],
    );
    // Issue 25: the night that did not run leaves a history row saying
    // why (exit 0 for the process, needs_attention for staff), no report.
    let runs = site.history();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0].status.as_str(), "needs_attention");
    assert_eq!(runs[0].exit_code, Some(0));
    assert!(runs[0].report_path.is_none());
    assert!(runs[0].message.as_deref().unwrap_or("").contains(&refused));
    assert!(!site.out().exists(), "no report was written");

    // Once the lock is released, the next run runs.
    drop(lock);
    let out = site.with_logs(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let runs = site.history();
    assert_eq!(runs.len(), 2, "{runs:#?}");
    assert_eq!(runs[0].status.as_str(), "succeeded");
    assert_eq!(runs[0].as_of, "2024-05-01");
    assert!(!lock_is_held(&site.db(), "race"));
}

#[test]
fn the_scheduler_and_cron_never_run_one_job_twice() {
    if ran_in_a_child(concat!(
        module_path!(),
        "::the_scheduler_and_cron_never_run_one_job_twice"
    )) {
        return;
    }
    let site = Site::generated(1);
    site.job("nightly", Some("0 30 2 * * *"));
    // The daemon's run (here: the lock it holds during the run) refuses cron's.
    let lock = hold_lock(&site, "nightly");
    let out = site.with_logs(&["run", "nightly"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    site.stderr_inexact(
        &out,
        "the refusal names the holder's start, to the second",
        &["開始）。今回は実行しません。\n"],
    );
    drop(lock);
    // And cron's run refuses the daemon's catch-up: the daemon runs nothing
    // and records only that (issue 25: a history row per night not run).
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
    let runs = site.history();
    assert_eq!(runs.len(), 2, "{runs:#?}");
    assert!(
        runs.iter()
            .all(|r| r.status.as_str() == "needs_attention" && r.report_path.is_none()),
        "{runs:#?}"
    );
    assert!(!site.out().exists(), "no report was written");
    drop(lock);
}
