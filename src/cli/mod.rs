//! The command line of the contract, parsed with clap and dispatched.
//!
//! Each command returns its exit status; `main` only prints and exits.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

mod check;
mod check_rules;
mod doctor;
mod failed_night;
mod outbox;
mod schedule;
mod state;

use crate::job;
use crate::model::{Exit, Trigger};
use crate::pipeline::{self, RunOptions};
use crate::state::State;

/// Where the jobs and the state file are: the same two options on every
/// command that reads them.
#[derive(Debug, Clone, clap::Args)]
pub struct StateArgs {
    /// The jobs folder.
    #[arg(long, value_name = "DIR", default_value = "jobs", global = true)]
    pub jobs_dir: PathBuf,
    /// SQLite state file. Default: state/hojokin.db beside the jobs folder.
    #[arg(long, value_name = "PATH", env = "HOJOKIN_DB", global = true)]
    pub db: Option<PathBuf>,
}

impl StateArgs {
    /// `--db`, else `state/hojokin.db` beside the jobs folder.
    pub fn db(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(|| default_db(&self.jobs_dir))
    }
}

/// What a command did: lines for stdout (its product), sentences for
/// stderr, and its exit status. Only `main` prints them and exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

impl Finished {
    pub fn new(exit: Exit) -> Finished {
        Finished {
            exit,
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }
}

/// A command that could not run (exit status 2): the sentence `main` prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl CliError {
    /// `エラー: ` and the error's own sentence, which names what is at fault.
    pub fn from_error(e: impl std::fmt::Display) -> CliError {
        CliError(format!("エラー: {e}"))
    }
}

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
        ///
        /// A replay of a past night (再実行): the workbook shows that night's state
        /// (reports received after the date count as not yet received), but no
        /// reminder is sent for a report the export records as received, whatever
        /// its 受付日; mails already sent are never sent again.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Render emails into the outbox folder as .eml files; send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Send the grantee reminders although an input looks wrong (empty,
        /// shrunk since the last night, mostly rejected, or a CSV cut short):
        /// staff have checked the change. Without it such a night holds every
        /// reminder and says why on 概要 and in the digest.
        #[arg(long)]
        confirm_inputs: bool,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Run every job of the jobs folder on its schedule until stopped.
    Schedule {
        #[command(flatten)]
        state: StateArgs,
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
        #[command(flatten)]
        state: StateArgs,
    },
    /// Mails not (yet) sent; resolve a mail whose delivery is in doubt.
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxAction>,
        #[command(flatten)]
        state: StateArgs,
    },
    /// The state file: a consistent copy while jobs run; reconciling it
    /// with its sent-keys log after a restore.
    State {
        #[command(subcommand)]
        action: StateAction,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Run the rule test cases (cases/*.toml beside the catalogue) against a catalogue.
    CheckRules {
        /// Catalogue file (default: catalogue/programs.toml).
        catalogue: Option<PathBuf>,
    },
    /// Check a job end to end without sending anything (one line per check:
    /// ✓ good, ⚠ warning, ✗ failed with the fix). Exit 0 all good, 1
    /// warnings, 2 a check failed.
    Doctor {
        /// Job name (`nightly` → jobs/nightly.toml) or path to a .toml file.
        job: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// List recent runs.
    History {
        job: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        state: StateArgs,
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

#[derive(Debug, Subcommand)]
pub enum StateAction {
    /// Write a consistent copy of the state file to PATH (safe while jobs run).
    Backup {
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// Rebuild the sent marks of the state file from its sent-keys log
    /// (after the state file was deleted or restored from a copy), and say
    /// what was done.
    Reconcile,
}

/// `state/hojokin.db` beside the jobs folder.
pub(crate) fn default_db(jobs_dir: &Path) -> PathBuf {
    let parent = jobs_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join("state").join("hojokin.db")
}

/// Today in Asia/Tokyo: the default business date.
pub(crate) fn today_tokyo() -> NaiveDate {
    pipeline::now_tokyo().date_naive()
}

/// Runs the parsed command. Nothing here prints: `main` prints what it
/// returns and exits with its status.
pub fn run(cli: Cli) -> Result<Finished, CliError> {
    match cli.command {
        Command::Run {
            job,
            as_of,
            dry_run,
            confirm_inputs,
            state,
        } => run_job(&job, as_of, dry_run, confirm_inputs, &state),
        Command::Check { files, programs } => check::run(&files, programs.as_deref()),
        Command::CheckRules { catalogue } => check_rules::run(catalogue.as_deref()),
        Command::Schedule { state } => Ok(schedule::serve(&state.jobs_dir, state.db())),
        Command::Jobs { state } => schedule::list(&state.jobs_dir, &state.db()),
        Command::Outbox { action, state } => match action {
            None => outbox::list(&state.db()),
            Some(OutboxAction::Resolve {
                application,
                report_fy,
                stage,
                delivered,
                resend: _,
            }) => outbox::resolve(&state.db(), &application, report_fy, &stage, delivered),
        },
        Command::Doctor { job, state } => doctor::run(&job, &state),
        Command::State {
            action,
            state: args,
        } => match action {
            StateAction::Backup { path } => state::backup(&args.db(), &path),
            StateAction::Reconcile => state::reconcile(&args.db()),
        },
        Command::History {
            job,
            json,
            state,
            limit,
        } => history(job.as_deref(), json, &state.db(), limit),
    }
}

fn run_job(
    name: &str,
    as_of: Option<NaiveDate>,
    dry_run: bool,
    confirm_inputs: bool,
    state: &StateArgs,
) -> Result<Finished, CliError> {
    let as_of = as_of.unwrap_or_else(today_tokyo);
    let path = job::locate(name, &state.jobs_dir).map_err(CliError::from_error)?;
    let loaded = if dry_run {
        job::load_for_dry_run(&path)
    } else {
        job::load_from_env(&path)
    };
    let job = match loaded {
        Ok(job) => job,
        Err(e) => {
            let error = CliError::from_error(e);
            return Err(failed_night::job_file(
                &path,
                as_of,
                dry_run,
                &state.db(),
                error,
            ));
        }
    };
    let opts = RunOptions {
        as_of,
        dry_run,
        db: state.db(),
        trigger: Trigger::Manual,
        confirm_inputs,
    };
    crate::notify::window::stop_sending_on_signal();
    let outcome = pipeline::run(&job, &opts).map_err(CliError::from_error)?;
    Ok(Finished {
        exit: outcome.exit,
        stdout: Vec::new(),
        stderr: outcome.messages,
    })
}

fn history(job: Option<&str>, json: bool, db: &Path, limit: usize) -> Result<Finished, CliError> {
    let mut done = Finished::new(Exit::Done);
    if !db.exists() {
        done.stderr.push(format!(
            "状態ファイル {} がありません（まだ一度も実行されていません）。",
            db.display()
        ));
        return Ok(done);
    }
    let state = State::open(db).map_err(CliError::from_error)?;
    // A run whose process is gone shows as ended, not `running`.
    let runs = state
        .recent_runs(job, limit, pipeline::now_tokyo())
        .map_err(CliError::from_error)?;
    for r in &runs {
        if json {
            done.stdout
                .push(serde_json::to_string(r).map_err(CliError::from_error)?);
        } else {
            done.stdout.push(format!(
                "{}\t{}\t基準日 {}\t開始 {}\t終了 {}\t{}\t{}",
                r.id,
                r.job,
                r.as_of,
                r.started_at,
                r.finished_at.as_deref().unwrap_or("-"),
                r.status,
                if r.dry_run { "試行" } else { "本番" }
            ));
        }
    }
    Ok(done)
}
