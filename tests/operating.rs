//! Operating hojokin without surprises (issue 24), each as an operator meets
//! it through the real binary: a replay of a past night, an export that
//! shrinks or stops matching, a night that cannot run, dry runs and history,
//! the `doctor` preflight, `check` on a sheet it cannot recognise, and
//! job-file errors.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "smtp/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "operating/check.rs"]
mod check;
#[path = "operating/doctor.rs"]
mod doctor;
#[path = "operating/dry_run.rs"]
mod dry_run;
#[path = "operating/failure.rs"]
mod failure;
#[path = "operating/hold.rs"]
mod hold;
#[path = "operating/job_errors.rs"]
mod job_errors;
#[path = "operating/replay.rs"]
mod replay;
