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
//! One module per pipeline stage; data flows one way, each stage imports only
//! the stages before it and the shared modules below them, and no stage reads
//! the clock (the as-of date is an argument).
//!
//! Shared below every stage (the leaves first, then [`model`], built on them):
//!
//! - [`calendar`]: fiscal years, 和暦, the city's closed days, deadline shifting.
//! - [`format`](mod@format): figures as staff read them (1,234,567円).
//! - [`logging`]: log lines for journald and cron, values quoted on one line.
//! - [`progress`]: progress bars shown only on a terminal.
//! - [`signals`]: SIGTERM and SIGINT, awaited by the daemon and a night's mail.
//! - [`clock`]: the one clock the edges (history, locks, daemon) read, passed in.
//! - [`text`]: texts many rows share (申請番号, 事業者名, 算定根拠), held once.
//! - `parallel`: work run side by side (two jobs, or a queue of like jobs).
//! - [`model`]: the typed rows and results the stages pass on, and the closed
//!   sets they share (finding kind, mail stage and outcome, trigger, exit);
//!   of the shared modules it imports only calendar, format and text.
//!
//! The stages, in the order a night runs them:
//!
//! - [`job`]: a job file parsed and validated once into a [`job::Job`].
//! - [`catalogue`]: the program catalogue and the useful-life table, as data.
//! - [`ingest`]: workbooks and CSVs into typed rows plus [`model::InputError`]s;
//!   each application's program resolved once into a [`model::ProgramId`].
//! - [`rules`]: each application's amount and the programs' other rules.
//! - [`totals`]: annual and per-company totals against the budgets (polars).
//! - [`compliance`]: the employment-report ledger and useful-life restrictions.
//! - [`evaluation`]: rules, totals and compliance over one night's inputs.
//! - [`state`]: the SQLite file: runs, locks, the mail outbox, migrations;
//!   what earlier nights raised and sent, which the later stages read.
//! - [`night`]: the one summary of the night (new, continuing, resolved,
//!   tonight's actions) that 概要 and the staff digest both render.
//! - [`report`]: the summary workbook staff open.
//! - [`notify`]: reminders to grantees and the staff digest, sent at most once.
//! - [`pipeline`]: one run of one job, stage after stage.
//! - [`schedule`]: the daemon: cron in Asia/Tokyo, no overlap, catch-up.
//! - [`cli`]: the command line of the contract; `main` prints what it returns.

mod calendar;
mod catalogue;
mod cli;
pub mod clock;
mod compliance;
mod evaluation;
mod format;
mod ingest;
mod job;
pub mod logging;
mod model;
mod night;
mod notify;
mod parallel;
mod pipeline;
mod progress;
mod report;
mod rules;
mod schedule;
mod signals;
mod state;
mod text;
mod totals;

#[cfg(test)]
mod testing;

// The public surface: what the binary, the integration tests (tests/it) and
// the examples use, each under one path. Every other item is `pub(crate)`,
// and the `unreachable_pub` lint keeps it so.
pub use catalogue::Catalogue;
pub use cli::{Cli, run};
pub use compliance::reports::{ReportDue, ReportState};
pub use ingest::raw::Raw;
pub use ingest::source::{Book, Row, SourceError};
pub use ingest::{IngestError, check_files, parse, read_inputs};
pub use job::{EmailSpec, InputSpec, SmtpUrl};
pub use model::{
    Dataset, DueShift, Exit, FindingKind, Inputs, Recorded, RowOrigin, Stage, Trigger,
};
pub use night::{DigestFacts, DigestItem, Night};
pub use notify::templates::DueReport;
pub use notify::{Mailer, send_digest, send_reminders};
pub use report::atomic::{PAUSE_HOOK, TEMP_PREFIX};
pub use report::cell::Cell;
pub use report::overview::Overview;
pub use report::print::PrintMeta;
pub use report::rows::Rows;
pub use report::sheets::notifications;
pub use report::table::Table;
pub use report::{Report, Sheet, ZIP_LEVEL};
pub use schedule::{daemon, load_jobs};
pub use state::State;
pub use state::lock::{Acquire, JobLock, LockOptions};
pub use state::outbox::OutboxStatus;
pub use state::runs::RunRecord;
