//! The `schedule` and `jobs` commands: what `cli` dispatches to. They pick
//! the system clock (for the daemon's firings, the `jobs` next-run column)
//! and pass it down; nothing below them reads the time on its own.

use std::path::{Path, PathBuf};

use tracing::error;

use super::{CliError, Finished};
use crate::clock::{self, Clock, SystemClock};
use crate::model::Exit;
use crate::schedule::daemon::{self, DaemonConfig};
use crate::schedule::{listing, load_jobs};
use crate::state::State;
use crate::state::lock::LockOptions;

/// `hojokin schedule`: runs until SIGINT/SIGTERM, then exits 0 once the
/// running jobs have finished; 2 when it cannot start.
pub(super) fn serve(jobs_dir: &Path, db: PathBuf) -> Finished {
    // Loaded before the runtime exists: reading files is blocking work.
    let jobs = match load_jobs(jobs_dir) {
        Ok(j) => j,
        Err(e) => {
            error!("{e}");
            return Finished::new(Exit::CouldNotRun);
        }
    };
    for bad in &jobs.invalid {
        error!(file = %bad.path.display(), "{}（このジョブは実行しません。ほかのジョブは予定どおり実行します）", bad.message);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("hojokin-schedule")
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            error!("スケジューラの実行環境を用意できません: {e}");
            return Finished::new(Exit::CouldNotRun);
        }
    };
    let config = DaemonConfig {
        jobs,
        db,
        lock: LockOptions::default(),
        clock: clock::system(),
        firing: daemon::Firing::Cron,
    };
    // The daemon's words are its log lines; nothing more to print.
    Finished::new(runtime.block_on(async {
        let stop = match crate::signals::stop_signals() {
            Ok(s) => s,
            Err(e) => {
                error!("停止シグナルを受け取る準備ができません: {e}");
                return Exit::CouldNotRun;
            }
        };
        match daemon::run(config, stop).await {
            Ok(_) => Exit::Done,
            Err(e) => {
                error!("{e}");
                Exit::CouldNotRun
            }
        }
    }))
}

/// `hojokin jobs`: the table on stdout; 1 when a job file is invalid (its
/// error on stderr), 2 when the folder or the state file cannot be read.
pub(super) fn list(jobs_dir: &Path, db: &Path) -> Result<Finished, CliError> {
    let folder = load_jobs(jobs_dir).map_err(CliError::from_error)?;
    // Listing must not create a state file where none is.
    let state = if db.exists() {
        Some(State::open(db).map_err(CliError::from_error)?)
    } else {
        None
    };
    let rows =
        listing::rows(&folder, SystemClock.now(), state.as_ref()).map_err(CliError::from_error)?;
    let mut done = Finished::new(if folder.invalid.is_empty() {
        Exit::Done
    } else {
        Exit::NeedsAttention
    });
    done.stdout = listing::render(&rows, &folder.invalid)
        .lines()
        .map(str::to_string)
        .collect();
    done.stderr = folder
        .invalid
        .iter()
        .map(|bad| format!("エラー: {}", bad.message))
        .collect();
    for loaded in &folder.jobs {
        let warnings = crate::job::placeholder_warnings(&loaded.job);
        done.stderr
            .extend(warnings.into_iter().map(|w| format!("注意: {w}")));
    }
    Ok(done)
}
