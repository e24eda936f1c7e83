//! The integration tests: one crate, so the library is linked once, with one
//! module per concern. Shared helpers live in [`support`]: the sandboxed site
//! and the real binary run in it, the workbook read back, the SMTP server
//! (aiosmtpd, tests/smtp/server.py) and the hand-built hostile files.
//!
//! `cargo test --test it` runs them all; `cargo test --test it golden` one
//! module (a filter on the test path, e.g. `schedule::lock`).
//!
//! The tests run side by side in one process: each works in its own temp
//! folder with its own SMTP port and passes settings to the child process
//! (`HOJOKIN_*`, the pause hook) on its command line, never through this
//! process's environment or working directory.

mod support;

mod check_rules;
mod email;
mod faults_ingest;
mod fuzz_ingest;
mod golden;
mod ingest_records;
mod ingest_twins;
mod money_checks;
mod night_summary;
mod nightly_mail;
mod nightly_report;
mod operating;
mod operator_files;
mod relay_faults;
mod scale_unchanged;
mod schedule;
mod state_trust;
mod workbook_format;
mod workbook_words;
