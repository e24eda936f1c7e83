//! One run of one job: ingest → rules → compliance → report → notify, with
//! the run recorded in the state file.
//!
//! This is the only place that turns stage results into the contract's exit
//! status: 0 done, 1 done but staff must fix something (rejected rows, mail
//! left queued), 2 could not run.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tracing::{info, warn};

use crate::catalogue::Catalogue;
use crate::clock::{Clock, SharedClock};
use crate::evaluation;
use crate::ingest::{self, Ingested};
use crate::job::{EmailSpec, Job};
use crate::model::{Exit, Trigger};
use crate::notify::{self, Mailer, NotifyOutcome};
use crate::report::{Sheet, compose};
use crate::state::State;
use crate::state::lock::{Acquire, JobLock, LockHolder, LockOptions};
use crate::state::runs::RunStatus;

/// How a run is asked for.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub as_of: NaiveDate,
    pub dry_run: bool,
    pub db: PathBuf,
    /// What asked for the run, for the history.
    pub trigger: Trigger,
}

/// What a run did, for the caller to print and exit with.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub exit: Exit,
    /// Full Japanese sentences for stderr.
    pub messages: Vec<String>,
    pub report_path: Option<PathBuf>,
}

/// The wall clock, read only to timestamp the run history (never for logic).
/// Code that can take a [`SharedClock`] should; this is for the CLI's defaults.
pub fn now_tokyo() -> DateTime<FixedOffset> {
    crate::clock::SystemClock.now()
}

/// What asking for a run led to.
#[derive(Debug)]
pub enum RunResult {
    /// The run happened (and is in the history).
    Ran(Outcome),
    /// Another process (or another firing of this one) is running the job:
    /// nothing was done and nothing recorded.
    AlreadyRunning(LockHolder),
}

/// The sentence staff read when a run is refused because one is in progress.
pub fn already_running_message(job: &str, holder: &LockHolder) -> String {
    format!(
        "ジョブ {job} は既に実行中です（実行中のプロセス {}、{} 開始）。今回は実行しません。",
        holder.holder, holder.acquired_at
    )
}

/// Runs a job once. State-file problems are returned as `Err` (nothing can
/// be recorded); everything else ends in an [`Outcome`] recorded in history.
/// A job already running elsewhere gives exit 0 and the sentence saying so.
pub fn run(job: &Job, opts: &RunOptions) -> Result<Outcome, crate::state::StateError> {
    match run_exclusive(job, opts, &LockOptions::default(), &crate::clock::system())? {
        RunResult::Ran(outcome) => Ok(outcome),
        RunResult::AlreadyRunning(holder) => Ok(Outcome {
            exit: Exit::Done,
            messages: vec![already_running_message(&job.name, &holder)],
            report_path: None,
        }),
    }
}

/// [`run`] under the job's lock, telling the caller (the scheduler) apart
/// whether it ran. The lock is taken before the run is recorded and released
/// when this returns, on every path. `clock` stamps the lock and the history.
pub fn run_exclusive(
    job: &Job,
    opts: &RunOptions,
    lock: &LockOptions,
    clock: &SharedClock,
) -> Result<RunResult, crate::state::StateError> {
    let _lock = match JobLock::acquire(&opts.db, &job.name, clock, lock)? {
        Acquire::Acquired(l) => l,
        Acquire::Busy(holder) => {
            info!(job = %job.name, holder = %holder.holder, trigger = %opts.trigger, "already running; not started");
            // In the history, and in the running night's digest when it ends.
            State::open(&opts.db)?.record_skipped_run(
                &job.name,
                opts.as_of,
                clock.now(),
                opts.trigger,
                &already_running_message(&job.name, &holder),
            )?;
            return Ok(RunResult::AlreadyRunning(holder));
        }
    };
    let state = State::open(&opts.db)?;
    let orphans = state.fail_orphaned_runs(&job.name)?;
    if orphans > 0 {
        warn!(job = %job.name, runs = orphans, "runs left 'running' by a stopped process marked failed");
    }
    let timer = std::time::Instant::now();
    let run_id = state.begin_run(
        &job.name,
        opts.as_of,
        clock.now(),
        opts.dry_run,
        opts.trigger,
    )?;
    info!(job = %job.name, as_of = %opts.as_of, dry_run = opts.dry_run, trigger = %opts.trigger, run_id, "run started");
    let outcome = execute(job, opts, &state, run_id);
    let status = RunStatus::from(outcome.exit);
    let message = outcome.messages.join("\n");
    state.finish_run(
        run_id,
        clock.now(),
        outcome.exit,
        outcome
            .report_path
            .as_ref()
            .map(|p| p.display().to_string())
            .as_deref(),
        (!message.is_empty()).then_some(message.as_str()),
    )?;
    info!(job = %job.name, status = status.as_str(), exit = outcome.exit.code(), ms = timer.elapsed().as_millis(), "run finished");
    Ok(RunResult::Ran(outcome))
}

fn failed(message: String) -> Outcome {
    warn!("{message}");
    Outcome {
        exit: Exit::CouldNotRun,
        messages: vec![message],
        report_path: None,
    }
}

/// The mail templates: the job's `[email] templates`, else `templates/`
/// beside the jobs folder (the project's layout, and the deploy layout).
fn default_templates(job: &Job) -> PathBuf {
    let dir = job.path.parent().unwrap_or(std::path::Path::new("."));
    crate::job::join_clean(dir, "../templates")
}

/// One night, stage after stage. Mail goes out only once the workbook is
/// known to be writable: a workbook without the night's mails is written
/// first, so a report path that cannot be written stops the run before any
/// reminder is sent; the workbook is then written again with them.
fn execute(job: &Job, opts: &RunOptions, state: &State, run_id: i64) -> Outcome {
    let (catalogue, mailer) = match prepare(job) {
        Ok(ready) => ready,
        Err(message) => return failed(message),
    };
    let mut ingested = match stage("ingest", || ingest::read_inputs(&job.inputs, &catalogue)) {
        Ok(i) => i,
        Err(e) => return failed(e.to_string()),
    };
    log_inputs(&ingested);
    if let Err(e) = state.record_inputs(run_id, &ingested.summaries) {
        return failed(e.to_string());
    }
    let mut results = match stage("rules+compliance", || {
        evaluation::evaluate(&catalogue, &ingested, opts.as_of)
    }) {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    ingested.inputs.release_evaluated();
    let run = compose::Run {
        job,
        as_of: opts.as_of,
        dry_run: opts.dry_run,
        new_findings: None,
    };
    let report_path = job.report.path_for(opts.as_of);
    let templates = job.email.as_ref().and_then(|e| e.templates.clone());
    let protected = job.files_not_to_overwrite(
        &opts.db,
        &templates.unwrap_or_else(|| default_templates(job)),
    );
    let protected: Vec<&std::path::Path> = protected.iter().map(PathBuf::as_path).collect();
    if mailer.is_some() {
        let before_mail = compose::workbook(run, &ingested, &results, None);
        if let Err(e) = stage("report (before mail)", || {
            before_mail.write(&report_path, &protected)
        }) {
            return failed(e.to_string());
        }
    }
    let stopped = mailer
        .as_ref()
        .and_then(|_| notify::sent_guard::stopped(state, opts.dry_run));
    let mail = mailer.as_ref().map(|(mailer, spec)| {
        if let Some(stopped) = stopped.clone() {
            return stopped;
        }
        stage("notify", || {
            notify::send_reminders(
                mailer,
                state,
                &job.name,
                &results.ledger,
                opts.as_of,
                opts.dry_run,
                &spec.outbox,
            )
        })
    });
    if let Some(m) = &mail {
        results.findings.extend(m.findings.iter().cloned());
    }
    // Read only: each report's last reminder and the next one, for 雇用状況報告.
    let outbox = if mail.is_some() {
        state.outbox_entries().unwrap_or_else(|e| {
            warn!("outbox not readable for the workbook's history: {e}");
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let mail_view = mail.as_ref().map(|m| compose::Mail {
        rows: &m.rows,
        counts: m.counts(),
        outbox: &outbox,
    });
    let run = compose::Run {
        new_findings: Some(new_findings(state, &job.name, &results)),
        ..run
    };
    let report = compose::workbook(run, &ingested, &results, mail_view);
    // After mail went out, a workbook that cannot be written (a full disk)
    // no longer stops the night: the digest still lists what was sent, and
    // the outbox keeps it for the next workbook's 通知. Exit 2 says so.
    let report_failed = match stage("report", || report.write(&report_path, &protected)) {
        Ok(()) => None,
        Err(e) if mail.is_none() => return failed(e.to_string()),
        Err(e) => {
            warn!("{e}");
            Some(e.to_string())
        }
    };

    let mut messages = Vec::new();
    let mut exit = input_messages(&ingested, &mut messages);
    if let (Some((mailer, spec)), Some(m)) = (&mailer, &mail) {
        if mail_messages(m, &mut messages) {
            exit = exit.and(Exit::NeedsAttention);
        }
        let mut facts = notify::digest::facts(
            &job.name,
            opts.as_of,
            &ingested,
            &results,
            m.counts(),
            m.mail_lines.clone(),
        );
        let skipped = notify::sent_guard::skipped_nights(state, &job.name, run_id);
        facts
            .findings
            .extend(skipped.iter().map(notify::DigestItem::finding));
        let digest = notify::send_digest(
            mailer,
            state,
            &facts,
            &report_path,
            opts.dry_run,
            &spec.outbox,
        );
        info!(kind = %digest.row.kind, result = %digest.row.result, "staff digest");
        if digest.failed {
            exit = exit.and(Exit::NeedsAttention);
        }
        messages.extend(digest.messages);
    }
    if let Some(e) = report_failed {
        messages.push(format!(
            "{e}（送ったメールは職員あてのまとめメールと状態ファイルに記録済みです。書き込めるようにしてから同じ基準日で再実行すると、集計ブックの「{}」シートに載ります）",
            Sheet::Notifications
        ));
        return Outcome {
            exit: Exit::CouldNotRun,
            messages,
            report_path: None,
        };
    }
    messages.push(format!(
        "{}: 基準日 {} の集計ブックを {} に書き出しました。",
        job.name,
        opts.as_of,
        report_path.display()
    ));
    Outcome {
        exit,
        messages,
        report_path: Some(report_path),
    }
}

/// The catalogue and the mailer, both checked before anything is read, so a
/// template with an unknown variable stops the run, never a sent mail.
/// The catalogue and, when the job mails, its mailer and `[email]` section.
type Prepared<'j> = (Catalogue, Option<(Mailer, &'j EmailSpec)>);

fn prepare(job: &Job) -> Result<Prepared<'_>, String> {
    let catalogue = match &job.programs {
        None => Catalogue::builtin(),
        Some(path) => Catalogue::load(path).map_err(|e| e.to_string())?,
    };
    let mailer = match &job.email {
        None => None,
        Some(spec) => Some((
            Mailer::new(spec, &default_templates(job))
                .map_err(|e| format!("ジョブファイル {} のメール設定: {e}", job.path.display()))?,
            spec,
        )),
    };
    Ok((catalogue, mailer))
}

/// How many of tonight's 要確認 rows no delivered digest has named yet (the
/// digest's own test of "new", so 概要 and the digest agree).
fn new_findings(state: &State, job: &str, results: &evaluation::Results) -> usize {
    // A flags table that cannot be read counts every row as new, as a
    // missing one does.
    let seen = state
        .digest_flags_seen(job, notify::digest::Section::Finding.code())
        .unwrap_or_default();
    if seen.is_empty() {
        return results.findings.len();
    }
    results
        .findings
        .iter()
        .filter(|f| !seen.contains(&notify::DigestItem::finding_key(f)))
        .count()
}

/// Runs one stage and logs how long it took.
fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = f();
    info!(
        stage = name,
        ms = started.elapsed().as_millis(),
        "stage done"
    );
    out
}

fn log_inputs(ingested: &Ingested) {
    for s in &ingested.summaries {
        info!(
            dataset = s.dataset.key(),
            file = %s.file.display(),
            sheet = %s.sheet,
            sha256 = %s.sha256,
            rows = s.rows,
            rejected = s.rejected,
            "input read"
        );
    }
}

/// The sentence about rejected rows; exit status 1 when there are any.
fn input_messages(ingested: &Ingested, messages: &mut Vec<String>) -> Exit {
    let rejected: usize = ingested.summaries.iter().map(|s| s.rejected).sum();
    if rejected == 0 && ingested.inputs.errors.is_empty() {
        return Exit::Done;
    }
    messages.push(format!(
        "入力に誤りがあり {rejected} 行を除外しました（{} 件）。集計ブックの「{}」シートを確認してください。",
        ingested.inputs.errors.len(),
        Sheet::InputErrors
    ));
    Exit::NeedsAttention
}

/// Sentences about mail left queued or in doubt; true when staff must act.
fn mail_messages(m: &NotifyOutcome, messages: &mut Vec<String>) -> bool {
    info!(
        sent = m.sent,
        queued = m.queued,
        failed = m.failed,
        uncertain = m.uncertain,
        "reminders"
    );
    messages.extend(m.messages.iter().cloned());
    if m.queued > 0 {
        messages.push(format!(
            "督促等のメール {} 通を送れませんでした。送信待ちとして残し、次回の実行で再送します（集計ブックの「{}」シートに理由があります）。",
            m.queued,
            Sheet::Notifications
        ));
    }
    if m.uncertain > 0 {
        messages.push(format!(
            "送信されたか確認できないメールが {} 通あります。二重送信を避けるため自動では再送しません。「{}」シートの Message-ID でメールサーバーの記録を確認してください。",
            m.uncertain,
            Sheet::Findings
        ));
    }
    m.needs_attention()
}
