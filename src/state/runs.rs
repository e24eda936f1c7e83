//! Run history: one row per run of a job, with its inputs' checksums.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{OptionalExtension, ToSql, params};
use serde::Serialize;

use super::lock::{LockOptions, is_abandoned};
use super::{State, StateError};
use crate::clock::Stamp;
use crate::ingest::InputSummary;
use crate::model::{Exit, Trigger};

/// Why a run stored as `running` has ended without recording it.
pub(crate) const STOPPED_MESSAGE: &str =
    "この実行は終了を記録する前に止まりました（プロセスが強制終了された可能性があります）。";

/// How a run ended. Stored as the English word so history is scriptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::NeedsAttention,
        RunStatus::Failed,
    ];

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
}

impl From<Exit> for RunStatus {
    fn from(exit: Exit) -> RunStatus {
        match exit {
            Exit::Done => RunStatus::Succeeded,
            Exit::NeedsAttention => RunStatus::NeedsAttention,
            Exit::CouldNotRun => RunStatus::Failed,
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stored as the word the history prints.
impl ToSql for RunStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for RunStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let word = value.as_str()?;
        RunStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == word)
            .ok_or_else(|| unknown("実行状態", word))
    }
}

impl ToSql for Trigger {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.code()))
    }
}

impl FromSql for Trigger {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let word = value.as_str()?;
        Trigger::from_code(word).ok_or_else(|| unknown("起動のきっかけ", word))
    }
}

fn unknown(what: &str, word: &str) -> FromSqlError {
    FromSqlError::Other(format!("未知の{what}「{word}」が状態ファイルにあります").into())
}

/// One run as `history` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub job: String,
    pub as_of: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
    pub exit_code: Option<i64>,
    pub dry_run: bool,
    pub trigger: Trigger,
    pub report_path: Option<String>,
    pub message: Option<String>,
}

impl State {
    /// Records the start of a run and returns its id.
    pub fn begin_run(
        &self,
        job: &str,
        as_of: NaiveDate,
        started_at: impl Into<Stamp>,
        dry_run: bool,
        trigger: Trigger,
    ) -> Result<i64, StateError> {
        self.conn
            .execute(
                "INSERT INTO runs (job, as_of, started_at, status, dry_run, trigger)
                 VALUES (?1, ?2, ?3, 'running', ?4, ?5)",
                params![job, as_of.to_string(), started_at.into(), dry_run, trigger],
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
        finished_at: impl Into<Stamp>,
        exit: Exit,
        report_path: Option<&str>,
        message: Option<&str>,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, status = ?3, exit_code = ?4,
                        report_path = ?5, message = ?6 WHERE id = ?1",
                params![
                    run_id,
                    finished_at.into(),
                    RunStatus::from(exit),
                    exit.code(),
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

    /// [`State::history`] as staff should read it at `now`: a run still
    /// stored as `running` whose process is gone (its job's lock is free,
    /// or held by a holder that stopped: dead pid on this host, or lease
    /// expired) is shown as failed with the sentence saying it stopped,
    /// instead of `running` until the job runs again and records that.
    /// Nothing is written: the next run of the job stores the same.
    pub fn recent_runs(
        &self,
        job: Option<&str>,
        limit: usize,
        now: DateTime<FixedOffset>,
    ) -> Result<Vec<RunRecord>, StateError> {
        let mut runs = self.history(job, limit)?;
        let mut alive: std::collections::BTreeMap<String, Option<i64>> = Default::default();
        for r in runs.iter_mut().filter(|r| r.status == RunStatus::Running) {
            let live_id = match alive.get(&r.job) {
                Some(id) => *id,
                None => {
                    let id = self.live_run_id(&r.job, now)?;
                    alive.insert(r.job.clone(), id);
                    id
                }
            };
            if live_id != Some(r.id) {
                r.status = RunStatus::Failed;
                r.message.get_or_insert_with(|| STOPPED_MESSAGE.to_string());
            }
        }
        Ok(runs)
    }

    /// The one `running` row of `job` that can be alive: the newest, and
    /// only while a holder that has not stopped keeps the job's lock (a run
    /// is recorded only under the lock, and fails older rows on starting).
    fn live_run_id(
        &self,
        job: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<i64>, StateError> {
        let held = match self.lock_holder(job)? {
            Some(h) => !is_abandoned(&h, now, LockOptions::default().lease),
            None => false,
        };
        if !held {
            return Ok(None);
        }
        self.conn
            .query_row(
                "SELECT MAX(id) FROM runs WHERE job = ?1 AND status = 'running'",
                params![job],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))
    }

    /// The newest run of a job as [`State::recent_runs`] shows it, if any.
    pub fn last_run(
        &self,
        job: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<RunRecord>, StateError> {
        Ok(self.recent_runs(Some(job), 1, now)?.into_iter().next())
    }

    /// The start time of the newest run of a job (any status), for catch-up.
    /// A night that did not run because the job was running (see
    /// [`super::skipped`]) is not a run.
    pub fn last_started_at(&self, job: &str) -> Result<Option<String>, StateError> {
        self.conn
            .query_row(
                "SELECT started_at FROM runs WHERE job = ?1
                   AND NOT (status = 'needs_attention' AND exit_code = 0)
                 ORDER BY started_at DESC LIMIT 1",
                params![job],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Marks runs of `job` still `running` as failed. Only called while
    /// holding the job's lock, when no run of it can be alive: such a row is
    /// left by a process that stopped before recording its end.
    pub fn fail_orphaned_runs(&self, job: &str) -> Result<usize, StateError> {
        self.conn
            .execute(
                "UPDATE runs SET status = 'failed', message = ?2
                 WHERE job = ?1 AND status = 'running'",
                params![job, STOPPED_MESSAGE],
            )
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
    fn orphaned_running_rows_are_marked_failed() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::open(&dir.path().join("h.db")).unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let t = at("2024-05-01T02:30:00+09:00");
        state
            .begin_run("nightly", d, t, false, Trigger::Schedule)
            .unwrap();
        state
            .begin_run("weekly", d, t, false, Trigger::Schedule)
            .unwrap();
        assert_eq!(state.fail_orphaned_runs("nightly").unwrap(), 1);
        let h = state.history(None, 10).unwrap();
        let status: Vec<(&str, &str)> = h
            .iter()
            .map(|r| (r.job.as_str(), r.status.as_str()))
            .collect();
        assert!(status.contains(&("nightly", "failed")), "{status:?}");
        assert!(status.contains(&("weekly", "running")), "{status:?}");
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
                Trigger::Manual,
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
        assert_eq!(
            s.history(Some("nightly"), 1).unwrap()[0].status,
            RunStatus::Running
        );
        s.finish_run(
            id,
            at("2024-05-01T02:30:05+09:00"),
            Exit::NeedsAttention,
            Some("out/x.xlsx"),
            None,
        )
        .unwrap();
        let h = s.history(None, 10).unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].status, RunStatus::NeedsAttention);
        assert_eq!(h[0].exit_code, Some(1));
        assert_eq!(
            h[0].finished_at.as_deref(),
            Some("2024-05-01T02:30:05+09:00")
        );
        assert_eq!(h[0].trigger, Trigger::Manual);
        assert!(s.history(Some("other"), 10).unwrap().is_empty());
        let rows: i64 = s
            .conn
            .query_row("SELECT rows FROM run_inputs WHERE run_id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(rows, 40);
    }

    /// Issue 13.10: a killed run showed `running` until the job ran again.
    #[test]
    fn a_run_whose_process_is_gone_shows_as_failed() {
        use crate::clock::ManualClock;
        use crate::state::lock::{Acquire, JobLock, LockOptions};

        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let s = State::open(&db).unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let t = at("2024-05-01T02:30:00+09:00");
        let status = |now: &str| -> Vec<(i64, RunStatus, Option<String>)> {
            s.recent_runs(None, 10, at(now))
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.status, r.message))
                .collect()
        };
        let stopped = Some(STOPPED_MESSAGE.to_string());

        // Killed before recording its end; nobody holds the lock.
        let killed = s
            .begin_run("nightly", d, t, false, Trigger::Manual)
            .unwrap();
        assert_eq!(
            status("2024-05-01T02:31:00+09:00"),
            [(killed, RunStatus::Failed, stopped.clone())]
        );
        // Stored as it was: only a run of the job writes.
        assert_eq!(s.history(None, 10).unwrap()[0].status, RunStatus::Running);

        // A live run under the lock is running; the older row is not.
        let opts = LockOptions {
            heartbeat: None,
            ..LockOptions::default()
        };
        let clock = ManualClock::new(t).shared();
        let Acquire::Acquired(lock) = JobLock::acquire(&db, "nightly", &clock, &opts).unwrap()
        else {
            panic!("lock busy")
        };
        let live = s
            .begin_run("nightly", d, t, false, Trigger::Manual)
            .unwrap();
        let other = s.begin_run("weekly", d, t, false, Trigger::Manual).unwrap();
        assert_eq!(
            status("2024-05-01T02:31:00+09:00"),
            [
                (other, RunStatus::Failed, stopped.clone()),
                (live, RunStatus::Running, None),
                (killed, RunStatus::Failed, stopped.clone()),
            ]
        );
        // The lease (120 s) ran out without a heartbeat: that holder stopped.
        assert_eq!(
            status("2024-05-01T02:32:01+09:00")[1],
            (live, RunStatus::Failed, stopped.clone())
        );
        drop(lock);
        assert_eq!(
            status("2024-05-01T02:30:01+09:00")[1],
            (live, RunStatus::Failed, stopped.clone())
        );
        assert_eq!(
            s.last_run("nightly", at("2024-05-01T02:30:01+09:00"))
                .unwrap()
                .unwrap()
                .status,
            RunStatus::Failed
        );
    }
}
