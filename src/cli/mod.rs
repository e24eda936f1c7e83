//! The command line of the contract, parsed with clap and dispatched.
//!
//! Each command returns its exit status; `main` only prints and exits.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

mod outbox;

use crate::catalogue::Catalogue;
use crate::ingest;
use crate::job;
use crate::pipeline::{self, RunOptions};
use crate::state::State;

/// hojokin: 綾瀬市 補助金の夜間集計・督促ジョブ
#[derive(Debug, Parser)]
#[command(name = "hojokin", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one job now.
    Run {
        /// Job name (`nightly` → jobs/nightly.toml) or path to a .toml file.
        job: String,
        /// Business date to evaluate (YYYY-MM-DD, Asia/Tokyo). Default: today in Tokyo.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Render emails into the outbox folder as .eml files; send nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_name = "DIR", default_value = "jobs")]
        jobs_dir: PathBuf,
        /// SQLite state file. Default: state/hojokin.db beside the jobs folder.
        #[arg(long, value_name = "PATH", env = "HOJOKIN_DB")]
        db: Option<PathBuf>,
    },
    /// Run every job of the jobs folder on its schedule until stopped.
    Schedule {
        #[arg(long, value_name = "DIR", default_value = "jobs")]
        jobs_dir: PathBuf,
        #[arg(long, value_name = "PATH", env = "HOJOKIN_DB")]
        db: Option<PathBuf>,
    },
    /// Validate input workbooks; one line per problem.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Program catalogue to check 制度 and 区分 against (default: the shipped one).
        #[arg(long, value_name = "PATH")]
        programs: Option<PathBuf>,
    },
    /// List jobs with their schedule, next run and last run.
    Jobs {
        #[arg(long, value_name = "DIR", default_value = "jobs")]
        jobs_dir: PathBuf,
        #[arg(long, value_name = "PATH", env = "HOJOKIN_DB")]
        db: Option<PathBuf>,
    },
    /// Mails not (yet) sent; resolve a mail whose delivery is in doubt.
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxAction>,
        #[arg(long, value_name = "PATH", env = "HOJOKIN_DB", global = true)]
        db: Option<PathBuf>,
        #[arg(long, value_name = "DIR", default_value = "jobs", global = true)]
        jobs_dir: PathBuf,
    },
    /// List recent runs.
    History {
        job: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "PATH", env = "HOJOKIN_DB")]
        db: Option<PathBuf>,
        #[arg(long, value_name = "DIR", default_value = "jobs")]
        jobs_dir: PathBuf,
        /// How many runs to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// After checking the relay's log: mark a 送信不明 (uncertain) mail as
    /// delivered, or queue it to be sent again on the next run.
    Resolve {
        /// 申請番号
        application: String,
        /// 報告年度 (e.g. 2024)
        report_fy: i32,
        /// 段階: 案内, 催促, 督促 or 再督促
        stage: String,
        /// The relay's log shows it was delivered.
        #[arg(long, conflicts_with = "resend", required_unless_present = "resend")]
        delivered: bool,
        /// It was not delivered: send it on the next run.
        #[arg(long)]
        resend: bool,
    },
}

/// `state/hojokin.db` beside the jobs folder.
pub fn default_db(jobs_dir: &Path) -> PathBuf {
    let parent = jobs_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join("state").join("hojokin.db")
}

/// Today in Asia/Tokyo: the default business date.
pub fn today_tokyo() -> NaiveDate {
    pipeline::now_tokyo().date_naive()
}

/// Runs the parsed command and returns the process exit status.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Run {
            job,
            as_of,
            dry_run,
            jobs_dir,
            db,
        } => run_job(&job, as_of, dry_run, &jobs_dir, db),
        Command::Check { files, programs } => check(&files, programs.as_deref()),
        Command::Schedule { jobs_dir, db } => {
            let db = db.unwrap_or_else(|| default_db(&jobs_dir));
            crate::schedule::command::serve(&jobs_dir, db)
        }
        Command::Jobs { jobs_dir, db } => {
            let db = db.unwrap_or_else(|| default_db(&jobs_dir));
            crate::schedule::command::list(&jobs_dir, &db)
        }
        Command::Outbox {
            action,
            db,
            jobs_dir,
        } => {
            let db = db.unwrap_or_else(|| default_db(&jobs_dir));
            match action {
                None => outbox::list(&db),
                Some(OutboxAction::Resolve {
                    application,
                    report_fy,
                    stage,
                    delivered,
                    resend: _,
                }) => outbox::resolve(&db, &application, report_fy, &stage, delivered),
            }
        }
        Command::History {
            job,
            json,
            db,
            jobs_dir,
            limit,
        } => history(
            job.as_deref(),
            json,
            db.unwrap_or_else(|| default_db(&jobs_dir)),
            limit,
        ),
    }
}

fn run_job(
    name: &str,
    as_of: Option<NaiveDate>,
    dry_run: bool,
    jobs_dir: &Path,
    db: Option<PathBuf>,
) -> u8 {
    let job = match job::locate(name, jobs_dir).and_then(|p| job::load_from_env(&p)) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("エラー: {e}");
            return 2;
        }
    };
    let opts = RunOptions {
        as_of: as_of.unwrap_or_else(today_tokyo),
        dry_run,
        db: db.unwrap_or_else(|| default_db(jobs_dir)),
        trigger: crate::model::Trigger::Manual,
    };
    match pipeline::run(&job, &opts) {
        Ok(outcome) => {
            for m in &outcome.messages {
                eprintln!("{m}");
            }
            outcome.exit.code()
        }
        Err(e) => {
            eprintln!("エラー: {e}");
            2
        }
    }
}

fn check(files: &[PathBuf], programs: Option<&Path>) -> u8 {
    let catalogue = match programs {
        None => Catalogue::builtin(),
        Some(p) => match Catalogue::load(p) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("エラー: {e}");
                return 2;
            }
        },
    };
    let mut status = 0;
    for (path, result) in ingest::check_files(files, &catalogue) {
        match result {
            Err(e) => {
                // The error already names the file.
                println!("{e}");
                status = 2;
            }
            Ok(report) => {
                for e in &report.errors {
                    let value = if e.value.is_empty() {
                        String::new()
                    } else {
                        format!("「{}」", e.value)
                    };
                    println!(
                        "{}: {}!{}: {}{}: {}",
                        path.display(),
                        e.sheet,
                        e.cell,
                        e.column,
                        value,
                        e.reason
                    );
                }
                if !report.errors.is_empty() && status == 0 {
                    status = 1;
                }
                for s in &report.sheets {
                    eprintln!(
                        "{}: シート「{}」を{}として {} 行確認しました（除外 {} 行）",
                        path.display(),
                        s.sheet,
                        s.dataset.label(),
                        s.rows,
                        s.rejected
                    );
                }
            }
        }
    }
    status
}

fn history(job: Option<&str>, json: bool, db: PathBuf, limit: usize) -> u8 {
    if !db.exists() {
        eprintln!(
            "状態ファイル {} がありません（まだ一度も実行されていません）。",
            db.display()
        );
        return 0;
    }
    let state = match State::open(&db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("エラー: {e}");
            return 2;
        }
    };
    // A run whose process is gone shows as ended, not `running`.
    let runs = match state.recent_runs(job, limit, pipeline::now_tokyo()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("エラー: {e}");
            return 2;
        }
    };
    for r in &runs {
        if json {
            match serde_json::to_string(r) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("エラー: {e}");
                    return 2;
                }
            }
        } else {
            println!(
                "{}\t{}\t基準日 {}\t開始 {}\t終了 {}\t{}",
                r.id,
                r.job,
                r.as_of,
                r.started_at,
                r.finished_at.as_deref().unwrap_or("-"),
                r.status
            );
        }
    }
    0
}
