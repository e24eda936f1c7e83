//! The daemon: every job of the jobs folder on its cron schedule in
//! Asia/Tokyo, never twice at once, with catch-up after downtime.
//!
//! - [`next`]: a job's schedule, its next slot and its latest past slot.
//! - [`catchup`]: which slot, if any, a job must run for at start.
//! - [`gate`]: no new runs after a stop signal; wait for the running ones.
//! - [`daemon`]: the loop itself (one task per job waiting on the passed-in
//!   clock, blocking runs on the blocking pool), testable with a stop future
//!   and a [`crate::clock::ManualClock`].
//! - [`listing`]: the `jobs` table.
//! - the `schedule` and `jobs` commands themselves live in `cli` (`cli::schedule`).
//!
//! Overlap is prevented by the job lock of [`crate::state::lock`], taken in
//! [`crate::pipeline::run_exclusive`], so it holds across processes too
//! (cron's `hojokin run` against this daemon).

pub(crate) mod catchup;

pub mod daemon;
pub(crate) mod gate;
pub(crate) mod listing;
pub(crate) mod next;

use std::path::{Path, PathBuf};

use crate::job::{self, Job, Schedule};

/// Why the daemon cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("ジョブフォルダ {path} を読めません: {message}")]
    JobsDir { path: PathBuf, message: String },
    #[error("ジョブフォルダ {path} にスケジュールのある正しいジョブがありません")]
    NothingToSchedule { path: PathBuf },
    #[error("スケジューラを起動できません: {0}")]
    Scheduler(String),
    #[error(transparent)]
    State(#[from] crate::state::StateError),
}

/// A job file that could not be used, with the sentence saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidJob {
    pub path: PathBuf,
    pub message: String,
}

/// A valid job of the folder; its schedule (none: run only by hand or
/// cron) was parsed when the job loaded.
#[derive(Debug, Clone)]
pub struct LoadedJob {
    pub job: Job,
}

/// Every `*.toml` of the jobs folder, in name order, valid or not.
#[derive(Debug, Clone, Default)]
pub struct JobsFolder {
    pub dir: PathBuf,
    pub jobs: Vec<LoadedJob>,
    pub invalid: Vec<InvalidJob>,
}

impl JobsFolder {
    /// The jobs that have a schedule.
    pub fn scheduled(&self) -> impl Iterator<Item = (&Job, &Schedule)> {
        self.jobs
            .iter()
            .filter_map(|l| l.job.schedule.as_ref().map(|s| (&l.job, s)))
    }
}

/// Reads and validates every job file of `dir` (with `${VAR}` from the
/// environment) so one bad file is reported and the others still run.
pub fn load_jobs(dir: &Path) -> Result<JobsFolder, ScheduleError> {
    let dir_err = |e: std::io::Error| ScheduleError::JobsDir {
        path: dir.to_path_buf(),
        message: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(dir_err)? {
        let path = entry.map_err(dir_err)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut folder = JobsFolder {
        dir: dir.to_path_buf(),
        ..JobsFolder::default()
    };
    for path in paths {
        match load_one(&path) {
            Ok(loaded) => folder.jobs.push(loaded),
            Err(message) => folder.invalid.push(InvalidJob { path, message }),
        }
    }
    Ok(folder)
}

/// One job file, and its mail settings and templates: a job that could not
/// mail is refused here, with the file and the error, not at its night.
fn load_one(path: &Path) -> Result<LoadedJob, String> {
    let job = job::load_from_env(path).map_err(|e| e.to_string())?;
    crate::pipeline::mailer(&job, crate::clock::system())?;
    Ok(LoadedJob { job })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const TINY: &str = r#"
description = "試験"
schedule = "0 30 2 * * *"
[inputs.applications]
path = "apps.csv"
[report]
path = "out/summary-{as_of}.xlsx"
"#;

    #[test]
    fn loads_every_job_and_reports_the_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("b_nightly.toml"), TINY).unwrap();
        std::fs::write(
            d.join("a_manual.toml"),
            TINY.replace("schedule = \"0 30 2 * * *\"\n", ""),
        )
        .unwrap();
        std::fs::write(
            d.join("c_badcron.toml"),
            TINY.replace("0 30 2 * * *", "0 61 2 * * *"),
        )
        .unwrap();
        std::fs::write(d.join("d_broken.toml"), "description = ").unwrap();
        std::fs::write(d.join("notes.txt"), "not a job").unwrap();
        let f = load_jobs(d).unwrap();
        let names: Vec<&str> = f.jobs.iter().map(|l| l.job.name.as_str()).collect();
        assert_eq!(names, ["a_manual", "b_nightly"]);
        let scheduled: Vec<&str> = f.scheduled().map(|(j, _)| j.name.as_str()).collect();
        assert_eq!(scheduled, ["b_nightly"]);
        assert_eq!(f.invalid.len(), 2);
        assert_eq!(f.invalid[0].path, d.join("c_badcron.toml"));
        assert!(
            f.invalid[0].message.contains("schedule") && f.invalid[0].message.contains("0 61 2"),
            "{}",
            f.invalid[0].message
        );
        assert_eq!(f.invalid[1].path, d.join("d_broken.toml"));
        assert!(
            f.invalid[1].message.contains("d_broken.toml"),
            "{}",
            f.invalid[1].message
        );
    }

    /// A template with a syntax error is refused when the jobs are loaded
    /// (the daemon's start, `jobs`), naming the job file and the template.
    #[test]
    fn a_job_whose_template_is_broken_is_refused_when_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = dir.path().join("jobs");
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&jobs).unwrap();
        std::fs::create_dir_all(&templates).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for name in [
            "annai.txt",
            "saisoku.txt",
            "tokusoku.txt",
            "saitokusoku.txt",
            "digest.txt",
        ] {
            std::fs::copy(shipped.join(name), templates.join(name)).unwrap();
        }
        let mailing = format!(
            "{TINY}[email]\nfrom = \"市 <kogyo@example.jp>\"\nstaff = [\"kogyo@example.jp\"]\nsmtp_url = \"smtp://127.0.0.1:25\"\noutbox = \"../out/outbox\"\n"
        );
        std::fs::write(jobs.join("nightly.toml"), &mailing).unwrap();
        let f = load_jobs(&jobs).unwrap();
        assert_eq!(f.jobs.len(), 1, "{:?}", f.invalid);
        std::fs::write(
            templates.join("tokusoku.txt"),
            "件名: 督促\n{% if company %}閉じていない\n",
        )
        .unwrap();
        let f = load_jobs(&jobs).unwrap();
        assert!(f.jobs.is_empty());
        let message = &f.invalid[0].message;
        assert!(
            message.starts_with(&format!(
                "ジョブファイル {} のメール設定: メールテンプレート {} に誤りがあります: ",
                jobs.join("nightly.toml").display(),
                templates.join("tokusoku.txt").display()
            )),
            "{message}"
        );
    }

    #[test]
    fn a_missing_folder_is_named() {
        let err = load_jobs(Path::new("/nonexistent/jobs"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/jobs"), "{err}");
    }
}
