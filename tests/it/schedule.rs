//! The daemon and the job lock, end to end and bounded in seconds: the
//! library daemon driven by a [`ManualClock`] (no waiting on the wall clock:
//! the test decides when each slot is reached) and a stop future, and the
//! real binary against a lock held by the test itself, or paused inside its
//! report write by `HOJOKIN_TEST_PAUSE_BEFORE_RENAME`, for races between
//! processes, kills and SIGTERM.
//!
//! One module of the test crate (`cargo test --test it schedule::`), one
//! concern a submodule:
//! `firing` (which slots fire, and the catch-up), `lock` (one job never
//! runs twice), `lifecycle` (kills, failures and SIGTERM around a run),
//! `commands` (the `jobs` listing, and `schedule` with no job to run), and
//! `support` for the temp site and the helpers they share.
//!
//! [`ManualClock`]: hojokin::clock::ManualClock

#![allow(clippy::unwrap_used)] // tests may unwrap (COMMON rules); helpers here are test code too.

mod commands;
mod firing;
mod lifecycle;
mod lock;
mod support;
