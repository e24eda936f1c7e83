//! One run of one job: ingest → rules → compliance → report → notify, with
//! the run recorded in the state file.
//!
//! This is the only place that turns stage results into the contract's exit
//! status: 0 done, 1 done but staff must fix something (rejected rows, mail
//! left queued), 2 could not run.

use std::path::PathBuf;

mod hold;
mod messages;
mod protected;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tracing::{info, warn};

use crate::catalogue::Catalogue;
use crate::clock::{Clock, SharedClock};
use crate::evaluation;
use crate::ingest::{self, Ingested};
use crate::job::{EmailSpec, Job};
use crate::model::{Exit, Trigger};
use crate::night::Night;
use crate::notify::failure::{FailureCause, notify_failure};
use crate::notify::{self, Mailer, NotifyOutcome};
use crate::report::compose;
use crate::state::State;
use crate::state::lock::{Acquire, JobLock, LockHolder, LockOptions};
use crate::state::runs::RunStatus;
use messages::{closing, dry_run_message, input_messages, log_inputs, mail_messages};

/// How a run is asked for.
#[derive(Debug, Clone)]
pub(crate) struct RunOptions {
    pub as_of: NaiveDate,
    pub dry_run: bool,
    pub db: PathBuf,
    /// What asked for the run, for the history.
    pub trigger: Trigger,
    /// Staff confirmed tonight's inputs (`--confirm-inputs`): reminders go
    /// out even when an input looks wrong (see `pipeline::hold`).
    pub confirm_inputs: bool,
}

/// What a run did, for the caller to print and exit with.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub exit: Exit,
    /// Full Japanese sentences for stderr.
    pub messages: Vec<String>,
    pub report_path: Option<PathBuf>,
    /// Which part failed when the night could not run (exit 2).
    pub cause: Option<FailureCause>,
}

/// The wall clock, read only to timestamp the run history (never for logic).
/// Code that can take a [`SharedClock`] should; this is for the CLI's defaults.
pub(crate) fn now_tokyo() -> DateTime<FixedOffset> {
    crate::clock::SystemClock.now()
}

/// What asking for a run led to.
#[derive(Debug)]
pub(crate) enum RunResult {
    /// The run happened (and is in the history).
    Ran(Outcome),
    /// Another process (or another firing of this one) is running the job:
    /// nothing was done and nothing recorded.
    AlreadyRunning(LockHolder),
}

/// The sentence staff read when a run is refused because one is in progress.
pub(crate) fn already_running_message(job: &str, holder: &LockHolder) -> String {
    format!(
        "ジョブ {job} は既に実行中です（実行中のプロセス {}、{} 開始）。今回は実行しません。",
        holder.holder, holder.acquired_at
    )
}

/// Runs a job once. State-file problems are returned as `Err` (nothing can
/// be recorded); everything else ends in an [`Outcome`] recorded in history.
/// A job already running elsewhere gives exit 0 and the sentence saying so.
pub(crate) fn run(job: &Job, opts: &RunOptions) -> Result<Outcome, crate::state::StateError> {
    match run_exclusive(job, opts, &LockOptions::default(), &crate::clock::system())? {
        RunResult::Ran(outcome) => Ok(outcome),
        RunResult::AlreadyRunning(holder) => Ok(Outcome {
            exit: Exit::Done,
            messages: vec![already_running_message(&job.name, &holder)],
            report_path: None,
            cause: None,
        }),
    }
}

/// [`run`] under the job's lock, telling the caller (the scheduler) apart
/// whether it ran. The lock is taken before the run is recorded and released
/// when this returns, on every path. `clock` stamps the lock and the history.
pub(crate) fn run_exclusive(
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
    let mut outcome = execute(job, opts, &state, run_id, clock);
    if let (Some(cause), Some(spec), false) = (outcome.cause, &job.email, opts.dry_run) {
        // Told to staff, and the sentence kept in the history with the failure.
        let told = notify_failure(
            spec,
            Some(&state),
            &job.name,
            opts.as_of,
            cause,
            &outcome.messages,
            &**clock,
        );
        warn!(job = %job.name, "{told}");
        outcome.messages.push(told);
    }
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

fn failed(cause: FailureCause, message: String) -> Outcome {
    warn!("{message}");
    Outcome {
        exit: Exit::CouldNotRun,
        messages: vec![message],
        report_path: None,
        cause: Some(cause),
    }
}

/// The mail templates: the job's `[email] templates`, else `templates/`
/// beside the jobs folder (the project's layout, and the deploy layout).
pub(crate) fn default_templates(job: &Job) -> PathBuf {
    let dir = job.path.parent().unwrap_or(std::path::Path::new("."));
    crate::job::join_clean(dir, "../templates")
}

/// One night, stage after stage. Mail goes out only once the workbook is
/// known to be writable: the report path is probed first (a temporary file
/// written and removed where the workbook will go, see
/// [`crate::report::atomic::probe`]), so a path that cannot be written stops
/// the run before any reminder is sent; the workbook is written once, with
/// the night's mails.
fn execute(
    job: &Job,
    opts: &RunOptions,
    state: &State,
    run_id: i64,
    clock: &SharedClock,
) -> Outcome {
    let started = clock.now().naive_local();
    let (catalogue, mailer) = match prepare(job, clock) {
        Ok(ready) => ready,
        Err(message) => return failed(FailureCause::Settings, message),
    };
    let (ingested, mut results, hold) = match evaluated(job, opts, state, run_id, &catalogue) {
        Ok(night) => night,
        Err(failure) => return failure,
    };
    let hold_notice = hold.lines();
    let report_path = job.report.path_for(opts.as_of);
    let protected = protected_files(job, opts);
    let protected: Vec<&std::path::Path> = protected.iter().map(PathBuf::as_path).collect();
    let ledger: &[_] = if hold.holds() { &[] } else { &results.ledger };
    let mail = match mailer.as_ref().map(|(mailer, spec)| {
        stage("report (before mail)", || {
            crate::report::atomic::probe(&report_path, &protected)
        })
        .map(|()| remind(job, opts, state, clock, (mailer, spec), ledger))
    }) {
        None => None,
        Some(Ok(mail)) => Some(mail),
        Some(Err(e)) => return failed(FailureCause::Report, e.to_string()),
    };
    if let Some(m) = &mail {
        results.findings.extend(m.findings.iter().cloned());
    }
    let outbox = mail
        .as_ref()
        .map_or_else(Vec::new, |_| outbox_for_workbook(state));
    let mail_view = mail.as_ref().map(|m| compose::Mail {
        rows: &m.rows,
        counts: m.counts(),
        outbox: &outbox,
    });
    let night = summary(
        job,
        opts,
        (state, run_id),
        (&ingested, &results),
        mail.as_ref(),
        &hold_notice,
    );
    let run = compose::Run {
        job,
        as_of: opts.as_of,
        dry_run: opts.dry_run,
        night: &night,
        created: Some(started),
        hold: &hold_notice,
    };
    let report = compose::workbook(run, &ingested, &results, mail_view);
    let report_failed = match write_report(&report, &report_path, &protected, mail.is_some()) {
        Ok(failed) => failed,
        Err(outcome) => return outcome,
    };

    let mut messages = Vec::new();
    let mut exit = inputs_and_hold(job, opts, (state, run_id), &ingested, &hold, &mut messages);
    if let (Some((mailer, spec)), Some(m)) = (&mailer, &mail) {
        let digest = Digest {
            mailer,
            spec,
            night: &night,
            report_path: &report_path,
        };
        if mail_and_digest(m, digest, state, opts.dry_run, &mut messages) {
            exit = exit.and(Exit::NeedsAttention);
        }
    }
    closing(job, opts.as_of, report_path, exit, messages, report_failed)
}

/// Writes the night's workbook. Before mail went out a workbook that cannot
/// be written stops the night (`Err`); after it, a full disk no longer does:
/// the digest still lists what was sent, the outbox keeps it for the next
/// workbook's 通知, and the sentence returned makes the exit 2.
fn write_report(
    report: &crate::report::Report<'_>,
    path: &std::path::Path,
    protected: &[&std::path::Path],
    mailed: bool,
) -> Result<Option<String>, Outcome> {
    match stage("report", || report.write(path, protected)) {
        Ok(()) => Ok(None),
        Err(e) if !mailed => Err(failed(FailureCause::Report, e.to_string())),
        Err(e) => {
            warn!("{e}");
            Ok(Some(e.to_string()))
        }
    }
}

/// The files no report path may name: the job's inputs, its state file,
/// its templates.
fn protected_files(job: &Job, opts: &RunOptions) -> Vec<PathBuf> {
    let templates = job.email.as_ref().and_then(|e| e.templates.clone());
    protected::files_not_to_overwrite(
        job,
        &opts.db,
        &templates.unwrap_or_else(|| default_templates(job)),
    )
}

/// Tonight's reminders about `ledger` (empty when they are held), unless
/// the state file and the sent-keys log disagree (see `sent_guard`).
fn remind(
    job: &Job,
    opts: &RunOptions,
    state: &State,
    clock: &SharedClock,
    (mailer, spec): (&Mailer, &EmailSpec),
    ledger: &[crate::compliance::reports::ReportDue],
) -> NotifyOutcome {
    if let Some(stopped) = notify::sent_guard::stopped(state, opts.dry_run, &**clock) {
        return stopped;
    }
    stage("notify", || {
        notify::send_reminders(
            mailer,
            state,
            &job.name,
            ledger,
            opts.as_of,
            opts.dry_run,
            &spec.outbox,
        )
    })
}

/// Read only: each report's last reminder and the next one, for 雇用状況報告.
fn outbox_for_workbook(state: &State) -> Vec<crate::state::outbox::OutboxEntry> {
    state.outbox_entries().unwrap_or_else(|e| {
        warn!("outbox not readable for the workbook's history: {e}");
        Vec::new()
    })
}

/// The sentences about rejected rows and held reminders, and the exit
/// status they give; a night that held nothing keeps its input counts as
/// the next night's yardstick.
fn inputs_and_hold(
    job: &Job,
    opts: &RunOptions,
    (state, run_id): (&State, i64),
    ingested: &Ingested,
    hold: &crate::model::MailHold,
    messages: &mut Vec<String>,
) -> Exit {
    let mut exit = input_messages(ingested, messages);
    if hold.holds() {
        warn!(job = %job.name, reasons = hold.reasons.len(), "grantee reminders held: an input looks wrong");
        exit = exit.and(Exit::NeedsAttention);
    } else if !opts.dry_run
        && let Err(e) = state.save_input_counts(&job.name, run_id, opts.as_of, &ingested.summaries)
    {
        warn!("input counts not saved: {e}");
    }
    messages.extend(hold.lines());
    exit
}

/// The night's reads and evaluation: its inputs (recorded in the history),
/// whether grantee reminders are held, and the rules' and compliance's
/// results; or the failed night's outcome.
fn evaluated(
    job: &Job,
    opts: &RunOptions,
    state: &State,
    run_id: i64,
    catalogue: &Catalogue,
) -> Result<(Ingested, evaluation::Results, crate::model::MailHold), Outcome> {
    let mut ingested = match stage("ingest", || ingest::read_inputs(&job.inputs, catalogue)) {
        Ok(i) => i,
        Err(e) => return Err(failed(FailureCause::Input, e.to_string())),
    };
    log_inputs(&ingested);
    if let Err(e) = state.record_inputs(run_id, &ingested.summaries) {
        return Err(failed(FailureCause::State, e.to_string()));
    }
    let baseline = state.input_counts(&job.name).unwrap_or_else(|e| {
        warn!("input counts not readable: {e}");
        Vec::new()
    });
    let hold = hold::assess(job, &ingested, &baseline, opts.confirm_inputs);
    let results = match stage("rules+compliance", || {
        evaluation::evaluate(catalogue, &ingested, opts.as_of)
    }) {
        Ok(r) => r,
        Err(e) => return Err(failed(FailureCause::Evaluation, e.to_string())),
    };
    ingested.inputs.release_evaluated();
    Ok((ingested, results, hold))
}

/// The one summary of the night: 概要 and the digest both render it.
fn summary(
    job: &Job,
    opts: &RunOptions,
    (state, run_id): (&State, i64),
    (ingested, results): (&Ingested, &evaluation::Results),
    mail: Option<&NotifyOutcome>,
    hold_notice: &[String],
) -> Night {
    let mut facts = crate::night::facts(
        job,
        opts.as_of,
        ingested,
        results,
        mail.map(NotifyOutcome::counts).unwrap_or_default(),
        mail.map(|m| m.mail_lines.clone()).unwrap_or_default(),
        // Only the digest prints the lines.
        if job.email.is_some() {
            crate::night::Lines::Formatted
        } else {
            crate::night::Lines::Skipped
        },
    );
    facts.hold = hold_notice.to_vec();
    if mail.is_some() {
        // Nights refused while this one ran (実行見送り), once, in both renderings.
        let skipped = notify::sent_guard::skipped_nights(state, &job.name, run_id);
        facts
            .findings
            .extend(skipped.iter().map(crate::night::DigestItem::finding));
    }
    Night::summarise(Some(state), facts)
}

/// What the staff digest is sent with.
struct Digest<'a> {
    mailer: &'a Mailer,
    spec: &'a EmailSpec,
    night: &'a Night,
    report_path: &'a std::path::Path,
}

/// The sentences about tonight's reminders, then the staff digest sent
/// (or previewed); true when staff must act on either.
fn mail_and_digest(
    m: &NotifyOutcome,
    d: Digest<'_>,
    state: &State,
    dry_run: bool,
    messages: &mut Vec<String>,
) -> bool {
    let mut attention = mail_messages(m, messages);
    let digest = notify::send_digest(
        d.mailer,
        state,
        d.night,
        d.report_path,
        dry_run,
        &d.spec.outbox,
    );
    info!(kind = %digest.row.kind, result = %digest.row.result, "staff digest");
    attention |= digest.failed;
    messages.extend(digest.messages);
    if dry_run {
        messages.push(dry_run_message(&m.rows, &digest.row, &d.spec.outbox));
    }
    attention
}

/// The catalogue and, when the job mails, its mailer and `[email]` section,
/// both checked before anything is read, so a template with an unknown
/// variable stops the run, never a sent mail.
type Prepared<'j> = (Catalogue, Option<(Mailer, &'j EmailSpec)>);

fn prepare<'j>(job: &'j Job, clock: &SharedClock) -> Result<Prepared<'j>, String> {
    let catalogue = match &job.programs {
        None => Catalogue::builtin(),
        Some(path) => Catalogue::load(path).map_err(|e| e.to_string())?,
    };
    let mailer = mailer(job, clock.clone())?;
    Ok((catalogue, mailer.zip(job.email.as_ref())))
}

/// The job's mailer when it mails: `[email]` checked, the templates loaded
/// and each one checked, or the sentence saying which setting or template
/// file is wrong. Built when a job is loaded (the daemon's start, `jobs`),
/// so a broken template is refused there and not at 02:30, and again when
/// a night runs, so templates edited since are the ones the night uses.
pub(crate) fn mailer(job: &Job, clock: SharedClock) -> Result<Option<Mailer>, String> {
    job.email
        .as_ref()
        .map(|spec| {
            Mailer::new(spec, &default_templates(job), clock)
                .map_err(|e| format!("ジョブファイル {} のメール設定: {e}", job.path.display()))
        })
        .transpose()
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
