//! The daemon and the job lock, end to end and bounded in seconds: the
//! library daemon with a stop future, and the real binary for races between
//! processes and for SIGTERM.

#![allow(clippy::unwrap_used)] // tests may unwrap (COMMON rules); helpers here are test code too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime};
use hojokin::schedule::daemon::{self, DaemonConfig};
use hojokin::schedule::load_jobs;
use hojokin::state::State;
use hojokin::state::lock::LockOptions;
use hojokin::state::runs::{RunRecord, RunStatus};

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

    fn config(&self) -> DaemonConfig {
        DaemonConfig {
            jobs: load_jobs(&self.jobs()).unwrap(),
            db: self.db(),
            lock: LockOptions::default(),
        }
    }

    fn hojokin(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hojokin"));
        c.args(args)
            .current_dir(&self.root)
            .env("HOJOKIN_DB", self.db())
            .env_remove("HOJOKIN_LOG_FORMAT")
            .env_remove("HOJOKIN_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }
}

fn tokyo_now() -> DateTime<FixedOffset> {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .fixed_offset()
}

fn started(r: &RunRecord) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&r.started_at).unwrap()
}

/// Polls `what` every 20 ms until it holds or `limit` passes.
fn wait_until(limit: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
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
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seconds_level_schedule_fires_repeatedly() {
    let site = Site::new(1);
    site.job("tick", Some("*/1 * * * * *"));
    let summary = daemon::run(
        site.config(),
        tokio::time::sleep(Duration::from_millis(3500)),
    )
    .await
    .unwrap();
    assert_eq!(summary.scheduled, ["tick"]);
    // A fresh state file: the latest second's slot has no run yet.
    assert_eq!(summary.caught_up, ["tick"]);

    let runs = site.history();
    let fired: Vec<&RunRecord> = runs.iter().filter(|r| r.trigger == "schedule").collect();
    assert!(
        fired.len() >= 2,
        "only {} scheduled runs: {runs:#?}",
        fired.len()
    );
    let mut seconds: Vec<i64> = fired.iter().map(|r| started(r).timestamp()).collect();
    seconds.dedup();
    assert!(seconds.len() >= 2, "{seconds:?}");
    for r in &runs {
        assert_eq!(r.status, "succeeded", "{r:#?}");
        assert!(r.finished_at.is_some());
        // The business date is the slot's Tokyo date: the start's, or the day
        // before when a slot at 23:59:59 started just after midnight.
        let day = started(r).date_naive();
        let as_of: NaiveDate = r.as_of.parse().unwrap();
        assert!(
            as_of == day || Some(as_of) == day.checked_sub_days(Days::new(1)),
            "{r:#?}"
        );
    }
    assert_eq!(
        summary.runs_started,
        runs.len(),
        "every admitted firing ran (none overlapped a 1-row run)"
    );
    assert!(!lock_is_held(&site.db(), "tick"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_after_downtime_runs_once_and_not_after_a_restart() {
    let site = Site::new(1);
    site.job("nightly", Some("0 30 2 * * *"));
    // The last run was three nights ago; the server was down since.
    let before = tokyo_now();
    {
        let state = State::open(&site.db()).unwrap();
        let then = before - chrono::Duration::days(3);
        let id = state
            .begin_run("nightly", then.date_naive(), then, false, "schedule")
            .unwrap();
        state
            .finish_run(id, then, RunStatus::Succeeded, 0, None, None)
            .unwrap();
    }
    let summary = daemon::run(
        site.config(),
        tokio::time::sleep(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    let after = tokyo_now();
    assert_eq!(summary.caught_up, ["nightly"]);
    assert_eq!(summary.runs_started, 1);

    let runs = site.history();
    assert_eq!(runs.len(), 2, "{runs:#?}");
    let caught = &runs[0];
    assert_eq!(caught.trigger, "catch-up");
    assert_eq!(caught.status, "succeeded");
    // The latest 02:30 slot: today's if it has passed in Tokyo, else yesterday's.
    let slot_day = |now: DateTime<FixedOffset>| {
        let day = now.date_naive();
        if now.time() >= NaiveTime::from_hms_opt(2, 30, 0).unwrap() {
            day
        } else {
            day.pred_opt().unwrap()
        }
    };
    let as_of: NaiveDate = caught.as_of.parse().unwrap();
    assert!(
        as_of == slot_day(before) || as_of == slot_day(after),
        "{caught:#?}"
    );

    // Restart right after: the slot has its run, so nothing runs.
    let summary = daemon::run(
        site.config(),
        tokio::time::sleep(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    assert!(summary.caught_up.is_empty(), "{summary:?}");
    assert_eq!(summary.runs_started, 0);
    assert_eq!(site.history().len(), 2);
}

/// Rows making one debug-build run last about two seconds, so that two
/// processes started together certainly overlap.
const SLOW_ROWS: usize = 10_000;

#[test]
fn two_processes_racing_on_one_job_give_one_run_and_one_already_running() {
    let site = Site::new(SLOW_ROWS);
    site.job("race", None);
    let args = ["run", "race", "--as-of", "2024-05-01"];
    let a = site.hojokin(&args).spawn().unwrap();
    let b = site.hojokin(&args).spawn().unwrap();
    let outputs: Vec<Output> = [a, b]
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let refused: Vec<&Output> = outputs
        .iter()
        .filter(|o| text(&o.stderr).contains("ジョブ race は既に実行中です"))
        .collect();
    for o in &outputs {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    assert_eq!(
        refused.len(),
        1,
        "{:#?}",
        outputs.iter().map(|o| text(&o.stderr)).collect::<Vec<_>>()
    );
    assert!(text(&refused[0].stderr).contains("今回は実行しません"));

    let runs = site.history();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0].status, "succeeded");
    assert_eq!(runs[0].as_of, "2024-05-01");
    assert!(!lock_is_held(&site.db(), "race"));
}

#[test]
fn a_killed_holder_does_not_block_the_next_run() {
    let site = Site::new(SLOW_ROWS);
    site.job("crash", None);
    let args = ["run", "crash", "--as-of", "2024-05-01"];
    let mut a = site.hojokin(&args).spawn().unwrap();
    // Killed once it holds the lock *and* its run is recorded (the run row is
    // written just after the lock is taken).
    wait_until(
        Duration::from_secs(30),
        "the first run's lock and record",
        || {
            lock_is_held(&site.db(), "crash")
                && site.history().iter().any(|r| r.status == "running")
        },
    );
    a.kill().unwrap();
    a.wait().unwrap(); // reaped, so /proc no longer lists it

    let out = site.hojokin(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("took over the lock"),
        "{}",
        text(&out.stderr)
    );
    let runs = site.history();
    let status: Vec<&str> = runs.iter().map(|r| r.status.as_str()).collect();
    // Newest first: the new run, then the killed one, no longer "running".
    assert_eq!(status, ["succeeded", "failed"], "{runs:#?}");
    assert!(
        runs[1]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("止まりました")
    );
}

#[test]
fn sigterm_during_a_run_lets_it_finish_and_exits_0() {
    let site = Site::new(SLOW_ROWS);
    // Midnight has always passed: a fresh install catches up at once.
    site.job("nightly", Some("0 0 0 * * *"));
    let mut daemon = site
        .hojokin(&["schedule", "--jobs-dir", "jobs"])
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(30), "the catch-up run's lock", || {
        lock_is_held(&site.db(), "nightly")
    });
    let signalled = tokyo_now();
    let kill = Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_exit(&mut daemon, Duration::from_secs(60));
    let out = daemon.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("SIGTERM") && stderr.contains("scheduler stopped"),
        "{stderr}"
    );

    let runs = site.history();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    let r = &runs[0];
    assert_eq!(
        (r.trigger.as_str(), r.status.as_str()),
        ("catch-up", "succeeded")
    );
    let finished = DateTime::parse_from_rfc3339(r.finished_at.as_deref().unwrap()).unwrap();
    // The lock was seen held before the signal (the run had begun, though
    // its start is stamped a moment after the lock); it ended after it.
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
