//! Nights that found their predecessor still running. They used to exit 0
//! with 「既に実行中」 and leave no trace: no history row, no workbook, no
//! digest. Now each is a history row (status `needs_attention`, exit code 0
//! as the contract wants for the process, and the sentence), and the
//! predecessor's digest names them when it ends.

use chrono::NaiveDate;
use rusqlite::params;

use super::{State, StateError};
use crate::clock::Stamp;
use crate::model::Trigger;

/// A night that did not run because the job was still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub as_of: String,
    pub started_at: String,
    pub message: String,
}

impl State {
    /// Records a night not run because the job was running (see the module doc).
    pub fn record_skipped_run(
        &self,
        job: &str,
        as_of: NaiveDate,
        at: impl Into<Stamp>,
        trigger: Trigger,
        message: &str,
    ) -> Result<(), StateError> {
        let at: Stamp = at.into();
        self.conn
            .execute(
                "INSERT INTO runs (job, as_of, started_at, finished_at, status, exit_code,
                        dry_run, trigger, message)
                 VALUES (?1, ?2, ?3, ?3, 'needs_attention', 0, 0, ?4, ?5)",
                params![job, as_of.to_string(), at, trigger, message],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// The nights of `job` skipped since run `run_id` began (their rows come
    /// after its own).
    pub fn skipped_since(&self, job: &str, run_id: i64) -> Result<Vec<Skipped>, StateError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT as_of, started_at, COALESCE(message, '') FROM runs
                 WHERE job = ?1 AND id > ?2 AND status = 'needs_attention' AND exit_code = 0
                 ORDER BY id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![job, run_id], |r| {
                Ok(Skipped {
                    as_of: r.get(0)?,
                    started_at: r.get(1)?,
                    message: r.get(2)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}
