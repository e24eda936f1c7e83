//! The scheduling loop: catch-up at start, then every job on its cron
//! schedule until the stop future completes, then wait for running jobs.
//!
//! Time comes from the [`crate::clock`] in [`DaemonConfig`]. On the server
//! tokio-cron-scheduler fires each job's cron in Asia/Tokyo ([`Firing::Cron`]);
//! in tests one task per job works out its next slot from the clock's `now`
//! and waits on a [`crate::clock::ManualClock`] ([`Firing::Clock`]), so a
//! test decides when each slot is reached without waiting on the wall clock.
//! Catch-up, history stamps and locks read the same clock either way.
//!
//! Runs are synchronous (calamine, polars, xlsx writing, SQLite), so each
//! goes to tokio's blocking pool and the async workers only keep time. The
//! business date of a run is the Tokyo date of its slot, worked out here
//! from the firing time; the pipeline never reads the clock for it.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};
use tracing::{error, info, warn};

use super::catchup::missed_slot;
use super::gate::Gate;
use super::next::format_tokyo;
use super::{JobsFolder, ScheduleError};
use crate::clock::SharedClock;
use crate::job::Job;
use crate::job::Schedule;
use crate::model::{Exit, Trigger};
use crate::pipeline::{self, RunOptions, RunResult};
use crate::state::State;
use crate::state::lock::LockOptions;
use tokio_cron_scheduler::{Job as CronJob, JobScheduler};

/// Everything the daemon needs; tests build one around a temp folder.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// The jobs folder, already loaded (see [`super::load_jobs`]).
    pub jobs: JobsFolder,
    pub db: PathBuf,
    pub lock: LockOptions,
    /// What time it is; [`crate::clock::system`] outside tests.
    pub clock: SharedClock,
    /// What fires the slots.
    pub firing: Firing,
}

/// What wakes the daemon at each slot.
///
/// On the server it is tokio-cron-scheduler ([`Firing::Cron`]), with every
/// job's cron in Asia/Tokyo; that crate reads the wall clock itself. Tests
/// reach slots by moving a [`crate::clock::ManualClock`] instead
/// ([`Firing::Clock`]). Both hand the slot to the same `launch`, and the
/// business date is always the Tokyo date of the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firing {
    Cron,
    Clock,
}

/// What the daemon did, for its last log line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaemonSummary {
    /// Jobs put on the schedule.
    pub scheduled: Vec<String>,
    /// Jobs that got a catch-up run at start.
    pub caught_up: Vec<String>,
    /// Runs started (catch-up and scheduled, including refused ones).
    pub runs_started: usize,
}

#[derive(Debug)]
struct Context {
    db: PathBuf,
    lock: LockOptions,
    gate: Gate,
    clock: SharedClock,
}

/// Runs the daemon until `stop` completes, then lets running jobs finish.
/// Must be called on a multi-thread tokio runtime.
pub async fn run(
    config: DaemonConfig,
    stop: impl Future<Output = ()>,
) -> Result<DaemonSummary, ScheduleError> {
    let scheduled: Vec<(Job, Schedule)> = config
        .jobs
        .scheduled()
        .map(|(j, s)| (j.clone(), s.clone()))
        .collect();
    for l in config.jobs.jobs.iter().filter(|l| l.job.schedule.is_none()) {
        info!(job = %l.job.name, "no schedule in the job file; run it by hand or from cron");
    }
    if scheduled.is_empty() {
        return Err(ScheduleError::NothingToSchedule {
            path: config.jobs.dir.clone(),
        });
    }
    let ctx = Arc::new(Context {
        db: config.db.clone(),
        lock: config.lock.clone(),
        gate: Gate::new(),
        clock: config.clock.clone(),
    });
    let mut summary = DaemonSummary {
        scheduled: scheduled.iter().map(|(j, _)| j.name.clone()).collect(),
        ..DaemonSummary::default()
    };

    // One instant splits the slots: those at or before it are catch-up's,
    // those after it the schedule's, so none is run twice or lost between.
    let start = ctx.clock.now();
    for (job, as_of) in missed_runs(&ctx.db, &scheduled, start).await? {
        summary.caught_up.push(job.name.clone());
        launch(&ctx, job, as_of, Trigger::CatchUp);
    }

    let mut cron = None;
    let mut loops = Vec::new();
    match config.firing {
        Firing::Cron => cron = Some(start_cron(&ctx, &scheduled).await?),
        Firing::Clock => {
            loops = scheduled
                .into_iter()
                .map(|(job, schedule)| {
                    tokio::spawn(fire_on_schedule(Arc::clone(&ctx), job, schedule, start))
                })
                .collect();
        }
    }
    info!(jobs = ?summary.scheduled, "scheduler started");

    stop.await;
    // The running night stops sending after the mail in flight and goes on
    // to its workbook and digest; what it did not send waits for the next.
    crate::notify::window::request_stop();
    info!(
        running = ctx.gate.running(),
        "stop requested: no new runs; waiting for the running ones to finish"
    );
    ctx.gate.close();
    if let Some(mut scheduler) = cron
        && let Err(e) = scheduler.shutdown().await
    {
        warn!(error = %e, "the cron scheduler did not stop cleanly");
    }
    for l in loops {
        if let Err(e) = l.await {
            warn!(error = %e, "a job's schedule loop stopped abnormally");
        }
    }
    ctx.gate.wait_idle().await;
    summary.runs_started = ctx.gate.started();
    info!(runs = summary.runs_started, "scheduler stopped");
    Ok(summary)
}

/// The jobs whose latest slot at `now` has no run, with the slot's business date.
async fn missed_runs(
    db: &std::path::Path,
    scheduled: &[(Job, Schedule)],
    now: DateTime<FixedOffset>,
) -> Result<Vec<(Job, NaiveDate)>, ScheduleError> {
    let db = db.to_path_buf();
    let scheduled = scheduled.to_vec();
    tokio::task::spawn_blocking(move || -> Result<_, ScheduleError> {
        let state = State::open(&db)?;
        let mut missed = Vec::new();
        for (job, schedule) in scheduled {
            let last = state.last_started_at(&job.name)?;
            if let Some(m) = missed_slot(&schedule, now, last.as_deref()) {
                info!(job = %job.name, slot = %format_tokyo(&m.slot), last_started = last.as_deref().unwrap_or("-"),
                    "latest slot has no run: catching up once");
                missed.push((job, m.as_of));
            }
        }
        Ok(missed)
    })
    .await
    .map_err(|e| ScheduleError::Scheduler(e.to_string()))?
}

/// One job's firings: wait on the clock for the first slot after `after`,
/// launch it, repeat, until the gate closes. When the clock jumps over
/// several slots (a suspended machine, a test moving it far), one run is
/// launched, for the latest of them, as catch-up does.
async fn fire_on_schedule(
    ctx: Arc<Context>,
    job: Job,
    schedule: Schedule,
    mut after: DateTime<FixedOffset>,
) {
    loop {
        let Some(next) = schedule.next_after(&after) else {
            info!(job = %job.name, "the schedule has no later slot");
            return;
        };
        tokio::select! {
            () = ctx.clock.sleep_until(next) => {}
            () = ctx.gate.closed() => return,
        }
        let now = ctx.clock.now();
        if now < next {
            // The wall clock was set back meanwhile: wait again.
            continue;
        }
        let slot = schedule.latest_at_or_before(&now).unwrap_or(next);
        info!(job = %job.name, slot = %format_tokyo(&slot), "slot reached");
        launch(&ctx, job.clone(), slot.date_naive(), Trigger::Schedule);
        after = now;
    }
}

/// tokio-cron-scheduler firing each job's cron in Asia/Tokyo.
async fn start_cron(
    ctx: &Arc<Context>,
    scheduled: &[(Job, Schedule)],
) -> Result<JobScheduler, ScheduleError> {
    let cron_err =
        |e: tokio_cron_scheduler::JobSchedulerError| ScheduleError::Scheduler(e.to_string());
    let scheduler = JobScheduler::new().await.map_err(cron_err)?;
    for (job, schedule) in scheduled {
        let ctx = Arc::clone(ctx);
        let job = job.clone();
        let slots = schedule.clone();
        let cron = CronJob::new_async_tz(
            schedule.expr(),
            chrono_tz::Asia::Tokyo,
            move |_id, _scheduler| {
                let ctx = Arc::clone(&ctx);
                let job = job.clone();
                let slots = slots.clone();
                Box::pin(async move {
                    let now = ctx.clock.now();
                    // Fired at or just after its slot: the latest slot is this firing's.
                    let slot = slots.latest_at_or_before(&now).unwrap_or(now);
                    info!(job = %job.name, slot = %format_tokyo(&slot), "slot reached");
                    launch(&ctx, job, slot.date_naive(), Trigger::Schedule);
                })
            },
        )
        .map_err(cron_err)?;
        scheduler.add(cron).await.map_err(cron_err)?;
    }
    scheduler.start().await.map_err(cron_err)?;
    Ok(scheduler)
}

/// Starts one run on the blocking pool unless the daemon is stopping. The
/// gate's ticket travels with the blocking work, so the daemon waits for the
/// work itself, not for a task that could be dropped.
fn launch(ctx: &Arc<Context>, job: Job, as_of: NaiveDate, trigger: Trigger) {
    let Some(ticket) = ctx.gate.enter() else {
        info!(job = %job.name, %trigger, "stopping: run not started");
        return;
    };
    let opts = RunOptions {
        as_of,
        dry_run: false,
        db: ctx.db.clone(),
        trigger,
        confirm_inputs: false,
    };
    let lock = ctx.lock.clone();
    let clock = ctx.clock.clone();
    let name = job.name.clone();
    let work = tokio::task::spawn_blocking(move || {
        let _ticket = ticket;
        let result = pipeline::run_exclusive(&job, &opts, &lock, &clock);
        if let Ok(RunResult::Ran(_)) = &result {
            crate::state::backup::after_night(&opts.db, clock.now());
        }
        result
    });
    tokio::spawn(async move {
        match work.await {
            // Exit 1 and 2 need staff: say so at warn, where alerts look.
            Ok(Ok(RunResult::Ran(outcome))) if outcome.exit != Exit::Done => {
                for m in &outcome.messages {
                    warn!(job = %name, %trigger, exit = outcome.exit.code(), "{m}");
                }
            }
            Ok(Ok(RunResult::Ran(outcome))) => {
                for m in &outcome.messages {
                    info!(job = %name, %trigger, "{m}");
                }
            }
            Ok(Ok(RunResult::AlreadyRunning(holder))) => {
                info!(job = %name, %trigger, "{}", pipeline::already_running_message(&name, &holder));
            }
            Ok(Err(e)) => error!(job = %name, %trigger, "{e}"),
            Err(e) => error!(job = %name, %trigger, error = %e, "the run stopped abnormally"),
        }
    });
}
