//! hojokin: the nightly batch of Ayase City's subsidies to small manufacturers.
//!
//! It reads the Excel exports of subsidy applications, computes what each
//! application should get under its program's rules, totals them per fiscal
//! year, watches the grantees' duties (employment-status reports, keeping
//! subsidised equipment through its statutory useful life), emails reminders
//! and hands staff a summary workbook.
//!
//! # Layout
//!
//! One module per pipeline stage; data flows one way and no stage reads the
//! clock (the as-of date is an argument):
//!
//! - [`job`]: a job file parsed and validated once into a [`job::Job`].
//! - [`ingest`]: workbooks and CSVs into typed rows plus [`model::InputError`]s.
//! - [`calendar`]: fiscal years, 和暦, the city's closed days, deadline shifting.
//! - [`rules`]: the program catalogue (data) and each application's amount.
//! - [`compliance`]: the employment-report ledger and useful-life restrictions.
//! - [`report`]: the summary workbook staff open.
//! - [`notify`]: reminders to grantees and the staff digest, sent at most once.
//! - [`state`]: the SQLite file: runs, inputs, migrations.
//! - [`pipeline`]: one run of one job, stage after stage.
//! - [`schedule`]: the daemon: cron in Asia/Tokyo, no overlap, catch-up.
//! - [`progress`]: progress bars shown only on a terminal.
//! - [`cli`]: the command line of the contract.
//! - [`clock`]: the one clock the edges (history, locks, daemon) read, passed in.

pub mod calendar;
pub mod catalogue;
pub mod cli;
pub mod clock;
pub mod compliance;
pub mod evaluation;
pub mod format;
pub mod ingest;
pub mod job;
pub mod logging;
pub mod model;
pub mod notify;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod state;
pub mod totals;
