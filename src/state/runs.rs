//! Run history: one row per run of a job, with its inputs' checksums.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{State, StateError};
use crate::ingest::InputSummary;

/// How a run ended. Stored as the English word so history is scriptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    /// Exit 0.
    Succeeded,
    /// Exit 1: done, but staff must fix something (rejected rows, queued mail).
    NeedsAttention,
    /// Exit 2: could not run.
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::NeedsAttention => "needs_attention",
            Self::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "実行中",
            Self::Succeeded => "正常終了",
            Self::NeedsAttention => "要対応",
            Self::Failed => "失敗",
        }
    }

    pub fn from_exit_code(code: u8) -> Self {
        match code {
            0 => Self::Succeeded,
            1 => Self::NeedsAttention,
            _ => Self::Failed,
        }
    }
}

/// One run as `history` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub job: String,
    pub as_of: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub exit_code: Option<i64>,
    pub dry_run: bool,
    pub trigger: String,
    pub report_path: Option<String>,
    pub message: Option<String>,
}

impl State {
    /// Records the start of a run and returns its id.
    pub fn begin_run(
        &self,
        job: &str,
        as_of: NaiveDate,
        started_at: DateTime<FixedOffset>,
        dry_run: bool,
        trigger: &str,
    ) -> Result<i64, StateError> {
        self.conn
            .execute(
                "INSERT INTO runs (job, as_of, started_at, status, dry_run, trigger)
                 VALUES (?1, ?2, ?3, 'running', ?4, ?5)",
                params![
                    job,
                    as_of.to_string(),
                    started_at.to_rfc3339_opts(SecondsFormat::Secs, false),
                    dry_run,
                    trigger
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn record_inputs(&self, run_id: i64, inputs: &[InputSummary]) -> Result<(), StateError> {
        for i in inputs {
            self.conn
                .execute(
                    "INSERT INTO run_inputs (run_id, dataset, file, sheet, sha256, rows, rejected)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        run_id,
                        i.dataset.key(),
                        i.file.display().to_string(),
                        i.sheet,
                        i.sha256,
                        i64::try_from(i.rows).unwrap_or(i64::MAX),
                        i64::try_from(i.rejected).unwrap_or(i64::MAX)
                    ],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    pub fn finish_run(
        &self,
        run_id: i64,
        finished_at: DateTime<FixedOffset>,
        status: RunStatus,
        exit_code: u8,
        report_path: Option<&str>,
        message: Option<&str>,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, status = ?3, exit_code = ?4,
                        report_path = ?5, message = ?6 WHERE id = ?1",
                params![
                    run_id,
                    finished_at.to_rfc3339_opts(SecondsFormat::Secs, false),
                    status.as_str(),
                    exit_code,
                    report_path,
                    message
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Recent runs, newest first, of one job or of all.
    pub fn history(&self, job: Option<&str>, limit: usize) -> Result<Vec<RunRecord>, StateError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, job, as_of, started_at, finished_at, status, exit_code, dry_run,
                        trigger, report_path, message
                 FROM runs WHERE (?1 IS NULL OR job = ?1)
                 ORDER BY started_at DESC, id DESC LIMIT ?2",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(
                params![job, i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| {
                    Ok(RunRecord {
                        id: r.get(0)?,
                        job: r.get(1)?,
                        as_of: r.get(2)?,
                        started_at: r.get(3)?,
                        finished_at: r.get(4)?,
                        status: r.get(5)?,
                        exit_code: r.get(6)?,
                        dry_run: r.get(7)?,
                        trigger: r.get(8)?,
                        report_path: r.get(9)?,
                        message: r.get(10)?,
                    })
                },
            )
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// The newest run of a job, if any.
    pub fn last_run(&self, job: &str) -> Result<Option<RunRecord>, StateError> {
        Ok(self.history(Some(job), 1)?.into_iter().next())
    }

    /// The start time of the newest run of a job (any status), for catch-up.
    pub fn last_started_at(&self, job: &str) -> Result<Option<String>, StateError> {
        self.conn
            .query_row(
                "SELECT started_at FROM runs WHERE job = ?1 ORDER BY started_at DESC LIMIT 1",
                params![job],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dataset;
    use std::path::PathBuf;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn records_a_run_and_lists_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = State::open(&dir.path().join("h.db")).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let id = s
            .begin_run(
                "nightly",
                as_of,
                at("2024-05-01T02:30:00+09:00"),
                false,
                "cron",
            )
            .unwrap();
        s.record_inputs(
            id,
            &[InputSummary {
                dataset: Dataset::Applications,
                file: PathBuf::from("a.xlsx"),
                sheet: "申請一覧".into(),
                sha256: "ab".into(),
                rows: 40,
                rejected: 3,
            }],
        )
        .unwrap();
        assert_eq!(s.last_run("nightly").unwrap().unwrap().status, "running");
        s.finish_run(
            id,
            at("2024-05-01T02:30:05+09:00"),
            RunStatus::NeedsAttention,
            1,
            Some("out/x.xlsx"),
            None,
        )
        .unwrap();
        let h = s.history(None, 10).unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].status, "needs_attention");
        assert_eq!(h[0].exit_code, Some(1));
        assert_eq!(
            h[0].finished_at.as_deref(),
            Some("2024-05-01T02:30:05+09:00")
        );
        assert_eq!(h[0].trigger, "cron");
        assert!(s.history(Some("other"), 10).unwrap().is_empty());
        let rows: i64 = s
            .conn
            .query_row("SELECT rows FROM run_inputs WHERE run_id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(rows, 40);
    }
}
