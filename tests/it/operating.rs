//! Operating hojokin without surprises (issue 24), each as an operator meets
//! it through the real binary: a replay of a past night, an export that
//! shrinks or stops matching, a night that cannot run, dry runs and history,
//! the `doctor` preflight, `check` on a sheet it cannot recognise, and
//! job-file errors.
#![allow(clippy::unwrap_used)]

mod check;
mod doctor;
mod dry_run;
mod failure;
mod hold;
mod job_errors;
mod replay;
