//! The one sandboxed site the tests run the binary in: a temporary folder
//! with a jobs folder, the inputs, and the state file beside them, as an
//! operator's server has it. Two ways to fill it: a copy of the project's own
//! `jobs/` and `fixtures/` (the fixture nights), or a generated export of
//! `rows` applications with job files written by the test (the scheduler).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hojokin::LockOptions;
use hojokin::RunRecord;
use hojokin::State;
use hojokin::clock::SharedClock;
use hojokin::daemon::{DaemonConfig, Firing};
use hojokin::load_jobs;

use super::bin::{Hojokin, Ran};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary folder laid out as a server runs hojokin: `jobs/`, inputs,
/// `state/hojokin.db` (the default beside the jobs folder) and `out/`.
#[derive(Debug)]
pub(crate) struct Site {
    dir: tempfile::TempDir,
}

const GENERATED_HEADER: &str = "申請番号,制度,事業者名,申請日,補助対象経費,状態\n";

impl Site {
    /// Copies of the project's `jobs/` and `fixtures/`, the shipped nightly
    /// job sending unpaced.
    pub(crate) fn fixtures() -> Site {
        let site = Site::empty();
        copy_dir(&repo().join("jobs"), &site.jobs());
        copy_dir(&repo().join("fixtures"), &site.path().join("fixtures"));
        unpaced(&site.jobs().join("nightly.toml"));
        site
    }

    /// An empty `jobs/` (add jobs with [`Site::job`]) and `in/apps.csv` of
    /// `rows` pending applications.
    pub(crate) fn generated(rows: usize) -> Site {
        let site = Site::empty();
        std::fs::create_dir_all(site.jobs()).unwrap();
        std::fs::create_dir_all(site.path().join("in")).unwrap();
        let mut csv = String::from(GENERATED_HEADER);
        for i in 1..=rows {
            csv.push_str(&format!(
                "A-{i},ダイバーシティ経営推進補助金,株式会社テスト{i},2024/5/1,1200000,申請中\n"
            ));
        }
        std::fs::write(site.path().join("in/apps.csv"), csv).unwrap();
        site
    }

    fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `jobs/NAME.toml` reading `in/apps.csv` and writing
    /// `out/NAME-{as_of}.xlsx`, with `schedule` if given.
    pub(crate) fn job(&self, name: &str, schedule: Option<&str>) {
        let schedule = schedule.map_or(String::new(), |s| format!("schedule = \"{s}\"\n"));
        let text = format!(
            "description = \"試験ジョブ {name}\"\n{schedule}\
             [inputs.applications]\npath = \"../in/apps.csv\"\n\
             [report]\npath = \"../out/{name}-{{as_of}}.xlsx\"\n"
        );
        std::fs::write(self.jobs().join(format!("{name}.toml")), text).unwrap();
    }

    pub(crate) fn jobs(&self) -> PathBuf {
        self.path().join("jobs")
    }

    pub(crate) fn db(&self) -> PathBuf {
        self.path().join("state/hojokin.db")
    }

    pub(crate) fn out(&self) -> PathBuf {
        self.path().join("out")
    }

    /// The marker file of the report writer's pause hook.
    pub(crate) fn pause_marker(&self) -> PathBuf {
        self.path().join("paused")
    }

    /// The runs in the state file, newest first.
    pub(crate) fn history(&self) -> Vec<RunRecord> {
        State::open(&self.db()).unwrap().history(None, 100).unwrap()
    }

    /// The daemon's settings for this site's jobs, on `clock`.
    pub(crate) fn config(&self, clock: SharedClock) -> DaemonConfig {
        DaemonConfig {
            jobs: load_jobs(&self.jobs()).unwrap(),
            db: self.db(),
            lock: LockOptions::default(),
            clock,
            firing: Firing::Clock,
        }
    }

    /// `hojokin ARGS` in the site, with `env`, to check or spawn.
    pub(crate) fn hojokin(&self, args: &[&str], env: &[(&str, &str)]) -> Hojokin {
        env.iter()
            .fold(Hojokin::new(self.path()).args(args), |h, (k, v)| {
                h.env(k, v)
            })
    }

    /// Runs `hojokin ARGS` in the site with `env`, whatever its exit status.
    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.hojokin(args, env).output()
    }

    /// Like [`Site::run`], for the stderr checks of [`Ran`].
    pub(crate) fn ran(&self, args: &[&str], env: &[(&str, &str)]) -> Ran {
        self.hojokin(args, env).ran()
    }

    /// The whole stderr of `out`, a run in this site, is `want` (see
    /// [`Ran::stderr_is`]).
    pub(crate) fn stderr_is(&self, out: &Output, want: &str) {
        Ran::of(out.clone(), self.path()).stderr_is(want);
    }

    /// The opt-out for `out`, a run in this site (see [`Ran::stderr_inexact`]).
    pub(crate) fn stderr_inexact(&self, out: &Output, why: &str, parts: &[&str]) {
        Ran::of(out.clone(), self.path()).stderr_inexact(why, parts);
    }

    /// `hojokin ARGS` with the state file named in `HOJOKIN_DB` and logs at
    /// the default level: some tests wait for a log line.
    pub(crate) fn with_logs(&self, args: &[&str]) -> Command {
        let mut c = self
            .hojokin(args, &[])
            .env("HOJOKIN_DB", self.db())
            .command();
        c.env_remove("HOJOKIN_LOG");
        c
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The site's job sends as fast as the test relay takes mail: a job
/// without `rate_per_minute` sends 30 a minute (README), which would make
/// every mail test wait two seconds a mail. Pacing has tests of its own.
fn unpaced(job: &Path) {
    let text = std::fs::read_to_string(job).unwrap();
    let line = "outbox = \"../out/outbox\"";
    assert!(text.contains(line), "the shipped job has {line}");
    std::fs::write(
        job,
        text.replacen(line, &format!("{line}\nrate_per_minute = 0"), 1),
    )
    .unwrap();
}
