//! The `schedule` and `jobs` commands: what `cli` dispatches to. They pick
//! the system clock (for the daemon's firings, the `jobs` next-run column)
//! and pass it down; nothing below them reads the time on its own.

use std::path::{Path, PathBuf};

use tracing::error;

use super::daemon::{self, DaemonConfig};
use super::{listing, load_jobs};
use crate::clock::{self, Clock, SystemClock};
use crate::state::State;
use crate::state::lock::LockOptions;

/// `hojokin schedule`: runs until SIGINT/SIGTERM, then exits 0 once the
/// running jobs have finished; 2 when it cannot start.
pub fn serve(jobs_dir: &Path, db: PathBuf) -> u8 {
    // Loaded before the runtime exists: reading files is blocking work.
    let jobs = match load_jobs(jobs_dir) {
        Ok(j) => j,
        Err(e) => {
            error!("{e}");
            return 2;
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
            return 2;
        }
    };
    let config = DaemonConfig {
        jobs,
        db,
        lock: LockOptions::default(),
        clock: clock::system(),
        firing: daemon::Firing::Cron,
    };
    runtime.block_on(async {
        let stop = match daemon::stop_signals() {
            Ok(s) => s,
            Err(e) => {
                error!("停止シグナルを受け取る準備ができません: {e}");
                return 2;
            }
        };
        match daemon::run(config, stop).await {
            Ok(_) => 0,
            Err(e) => {
                error!("{e}");
                2
            }
        }
    })
}

/// `hojokin jobs`: the table on stdout; 1 when a job file is invalid (its
/// error on stderr), 2 when the folder or the state file cannot be read.
pub fn list(jobs_dir: &Path, db: &Path) -> u8 {
    let folder = match load_jobs(jobs_dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("エラー: {e}");
            return 2;
        }
    };
    // Listing must not create a state file where none is.
    let state = if db.exists() {
        match State::open(db) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("エラー: {e}");
                return 2;
            }
        }
    } else {
        None
    };
    let rows = match listing::rows(&folder, SystemClock.now(), state.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("エラー: {e}");
            return 2;
        }
    };
    print!("{}", listing::render(&rows, &folder.invalid));
    for bad in &folder.invalid {
        eprintln!("エラー: {}", bad.message);
    }
    u8::from(!folder.invalid.is_empty())
}
