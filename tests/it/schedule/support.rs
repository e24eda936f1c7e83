//! What the schedule tests share: a temp site with job files, an input and
//! a state file, the real binary run in it, and reading the state back.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset};
use hojokin::clock::SharedClock;
use hojokin::schedule::daemon::{DaemonConfig, Firing};
use hojokin::schedule::load_jobs;
use hojokin::state::State;
use hojokin::state::lock::LockOptions;
use hojokin::state::runs::RunRecord;

use crate::support::bin::Hojokin;

const HEADER: &str = "申請番号,制度,事業者名,申請日,補助対象経費,状態\n";

/// A temp folder with `jobs/`, `in/apps.csv` of `rows` rows and `state/`.
pub struct Site {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Site {
    pub fn new(rows: usize) -> Site {
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

    pub fn job(&self, name: &str, schedule: Option<&str>) {
        let schedule = schedule.map_or(String::new(), |s| format!("schedule = \"{s}\"\n"));
        let text = format!(
            "description = \"試験ジョブ {name}\"\n{schedule}\
             [inputs.applications]\npath = \"../in/apps.csv\"\n\
             [report]\npath = \"../out/{name}-{{as_of}}.xlsx\"\n"
        );
        std::fs::write(self.jobs().join(format!("{name}.toml")), text).unwrap();
    }

    pub fn jobs(&self) -> PathBuf {
        self.root.join("jobs")
    }

    pub fn db(&self) -> PathBuf {
        self.root.join("state/hojokin.db")
    }

    pub fn history(&self) -> Vec<RunRecord> {
        State::open(&self.db()).unwrap().history(None, 100).unwrap()
    }

    pub fn config(&self, clock: SharedClock) -> DaemonConfig {
        DaemonConfig {
            jobs: load_jobs(&self.jobs()).unwrap(),
            db: self.db(),
            lock: LockOptions::default(),
            clock,
            firing: Firing::Clock,
        }
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("out")
    }

    /// The marker file of the pause hook.
    pub fn pause_marker(&self) -> PathBuf {
        self.root.join("paused")
    }

    /// Logs at the default level: some tests wait for a log line.
    pub fn hojokin(&self, args: &[&str]) -> Command {
        let mut c = Hojokin::new(&self.root)
            .args(args)
            .env("HOJOKIN_DB", self.db())
            .command();
        c.env_remove("HOJOKIN_LOG");
        c
    }
}

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub fn lock_is_held(db: &Path, job: &str) -> bool {
    db.exists()
        && State::open(db)
            .ok()
            .and_then(|s| s.lock_holder(job).ok().flatten())
            .is_some()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
