//! A night stopped by its own job file (exit 2 before the pipeline starts):
//! recorded in the history like any failed run, and told to staff when the
//! file's `[email]` section can still be read.

use std::path::Path;

use chrono::NaiveDate;
use tracing::warn;

use super::CliError;
use crate::clock::Clock;
use crate::job;
use crate::model::{Exit, Trigger};
use crate::notify::failure::{FailureCause, notify_failure};
use crate::state::State;

/// Records the failed night and mails staff; returns the error with what
/// was done about it added.
pub(super) fn job_file(
    path: &Path,
    as_of: NaiveDate,
    dry_run: bool,
    db: &Path,
    error: CliError,
) -> CliError {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let state = State::open(db)
        .inspect_err(|e| warn!("state file not usable to record the failed run: {e}"))
        .ok();
    let clock = crate::clock::SystemClock;
    let mut lines = vec![error.0.clone()];
    if !dry_run && let Some(spec) = job::email_section(path, &|v| std::env::var(v).ok()) {
        let told = notify_failure(
            &spec,
            state.as_ref(),
            &name,
            as_of,
            FailureCause::Settings,
            std::slice::from_ref(&error.0),
            &clock,
        );
        warn!(job = %name, "{told}");
        lines.push(told);
    }
    if let Some(state) = &state {
        let recorded = state
            .begin_run(&name, as_of, clock.now(), dry_run, Trigger::Manual)
            .and_then(|id| {
                state.finish_run(
                    id,
                    clock.now(),
                    Exit::CouldNotRun,
                    None,
                    Some(&lines.join("\n")),
                )
            });
        if let Err(e) = recorded {
            warn!("failed run not recorded: {e}");
        }
    }
    CliError(lines.join("\n"))
}
