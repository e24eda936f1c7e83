//! The SQLite state file: run history, inputs' checksums, and (with their
//! stages) the outbox, the digest's flags and job locks.
//!
//! One file, WAL mode, a busy timeout so a second process waits briefly
//! instead of failing, and migrations numbered by SQLite's `user_version`.
//! Yen are INTEGER, dates ISO-8601 TEXT.

pub(crate) mod backup;
mod digest_flags;
pub(crate) mod failure_mails;
pub(crate) mod input_counts;
pub(crate) mod lock;
pub(crate) mod outbox;
pub(crate) mod runs;
pub(crate) mod sent_log;
pub(crate) mod skipped;
pub(crate) mod token;

pub(crate) use digest_flags::KnownFlag;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use crate::clock::Stamp;

/// Why the state file cannot be used, naming it.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("状態ファイル {path} を開けません: {message}")]
    Open { path: PathBuf, message: String },
    #[error("状態ファイル {path} の更新に失敗しました: {source}")]
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "状態ファイル {path} はこの hojokin より新しい版（スキーマ {found}）で作られています。hojokin を更新してください"
    )]
    TooNew { path: PathBuf, found: i64 },
}

/// Schema migrations, applied in order; index + 1 is the `user_version`.
/// Never edit a shipped migration: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: runs and their inputs.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        job TEXT NOT NULL,
        as_of TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        exit_code INTEGER,
        dry_run INTEGER NOT NULL DEFAULT 0,
        trigger TEXT NOT NULL DEFAULT 'manual',
        report_path TEXT,
        message TEXT
     );
     CREATE INDEX runs_job_started ON runs(job, started_at);
     CREATE TABLE run_inputs (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        dataset TEXT NOT NULL,
        file TEXT NOT NULL,
        sheet TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        rows INTEGER NOT NULL,
        rejected INTEGER NOT NULL
     );",
    // 2: job locks, one lease row per running job (see `lock`).
    "CREATE TABLE IF NOT EXISTS job_locks (
        job TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
     );",
    // 3: the mail outbox (one row per application, report FY and reminder
    // stage, so each is sent at most once) and the flags a digest has named.
    "CREATE TABLE outbox (
        application_id TEXT NOT NULL,
        report_fy INTEGER NOT NULL,
        stage TEXT NOT NULL,
        job TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN
            ('queued', 'sending', 'sent', 'failed', 'uncertain', 'expired')),
        attempts INTEGER NOT NULL DEFAULT 0,
        message_id TEXT,
        claimed_by TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT,
        PRIMARY KEY (application_id, report_fy, stage)
     );
     CREATE INDEX outbox_status ON outbox(status);
     CREATE TABLE digest_flags (
        job TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        first_reported TEXT NOT NULL,
        PRIMARY KEY (job, kind, key)
     );",
    // 4: how far a claimed send got ('claimed', then 'data' just before the
    // message is written), so a dead sender's row is uncertain only when
    // the relay may have taken the mail. Rows from before are NULL: uncertain.
    "ALTER TABLE outbox ADD COLUMN phase TEXT;",
    // 5: the line a digest showed for a flag, for its 解消 section.
    "ALTER TABLE digest_flags ADD COLUMN line TEXT;",
    // 6 (issue 24, input counts): each input's rows on the last night whose
    // reminders went out, the yardstick a shrunken export is held against.
    "CREATE TABLE input_counts (
        job TEXT NOT NULL,
        dataset TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        rows INTEGER NOT NULL,
        accepted INTEGER NOT NULL,
        PRIMARY KEY (job, dataset)
     );",
    // 7 (issue 24, failure mails): the mail telling staff a night could not
    // run, at most one delivered per job and business date.
    "CREATE TABLE failure_mails (
        job TEXT NOT NULL,
        as_of TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'uncertain')),
        recipients TEXT NOT NULL,
        subject TEXT NOT NULL,
        message_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT,
        PRIMARY KEY (job, as_of)
     );",
    // 8 (issue 25, the sent-keys log): set once this state file has a
    // sent-keys log beside it (`sent_log`), so a missing log is noticed.
    // The business date a reminder went out for (`outbox.as_of`), so a
    // rerun of that date lists it on 通知 (NULL for rows from before).
    "CREATE TABLE sent_log_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        started_at TEXT NOT NULL
     );
     ALTER TABLE outbox ADD COLUMN as_of TEXT;",
];

/// An open state file.
#[derive(Debug)]
pub struct State {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

/// A [`Stamp`] goes into the file in its one written form.
impl rusqlite::ToSql for Stamp {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.to_string()))
    }
}

impl State {
    /// Opens (creating it and its folder if needed) and migrates the file.
    ///
    /// Retried for up to 10 s while another process holds the file busy:
    /// switching a new file to WAL needs an exclusive lock, and SQLite answers
    /// "database is locked" at once rather than waiting its busy timeout, so
    /// two processes creating the file together (cron and the scheduler)
    /// would otherwise fail.
    pub fn open(path: &Path) -> Result<State, StateError> {
        let give_up = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match State::open_once(path) {
                Err(StateError::Sql { source, .. })
                    if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                        && std::time::Instant::now() < give_up =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<State, StateError> {
        let open_err = |message: String| StateError::Open {
            path: path.to_path_buf(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        let state = State {
            conn,
            path: path.to_path_buf(),
        };
        state
            .conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| state.sql(e))?;
        state
            .conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| state.sql(e))?;
        state
            .conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| state.sql(e))?;
        state.migrate()?;
        Ok(state)
    }

    pub(crate) fn sql(&self, source: rusqlite::Error) -> StateError {
        StateError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn migrate(&self) -> Result<(), StateError> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        let latest = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        if version > latest {
            return Err(StateError::TooNew {
                path: self.path.clone(),
                found: version,
            });
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            let next = i64::try_from(i + 1).unwrap_or(i64::MAX);
            // BEGIN IMMEDIATE so two processes starting together do not both migrate.
            let run = || -> rusqlite::Result<()> {
                self.conn.execute_batch("BEGIN IMMEDIATE")?;
                let current: i64 = self
                    .conn
                    .pragma_query_value(None, "user_version", |r| r.get(0))?;
                if current < next {
                    self.conn.execute_batch(sql)?;
                    self.conn.pragma_update(None, "user_version", next)?;
                }
                self.conn.execute_batch("COMMIT")
            };
            if let Err(e) = run() {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(self.sql(e));
            }
        }
        Ok(())
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE … COMMIT`, for many small
    /// writes that each would otherwise be a commit of its own.
    pub fn in_transaction<T>(&self, f: impl FnOnce() -> T) -> Result<T, StateError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.sql(e))?;
        let out = f();
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(self.sql(e));
        }
        Ok(out)
    }

    /// The schema version in force (for tests and diagnostics).
    pub fn schema_version(&self) -> Result<i64, StateError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sql(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence staff can read from the state file's errors, whole.
    #[test]
    fn state_errors_are_whole_sentences_naming_the_file() {
        let path = PathBuf::from("/srv/hojokin/state/hojokin.db");
        let cases = [
            (
                StateError::Open {
                    path: path.clone(),
                    message: "アクセス権がありません".into(),
                },
                "状態ファイル /srv/hojokin/state/hojokin.db を開けません: アクセス権がありません",
            ),
            (
                StateError::Sql {
                    path: path.clone(),
                    source: rusqlite::Error::QueryReturnedNoRows,
                },
                "状態ファイル /srv/hojokin/state/hojokin.db の更新に失敗しました: Query returned no rows",
            ),
            (
                StateError::TooNew {
                    path: path.clone(),
                    found: 9,
                },
                "状態ファイル /srv/hojokin/state/hojokin.db はこの hojokin より新しい版（スキーマ 9）で作られています。hojokin を更新してください",
            ),
        ];
        for (error, want) in cases {
            assert_eq!(error.to_string(), want);
        }
    }

    #[test]
    fn creates_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/hojokin.db");
        let s = State::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        drop(s);
        let s = State::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let mode: String = s
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let s = State::open(&path).unwrap();
        s.conn.pragma_update(None, "user_version", 999).unwrap();
        drop(s);
        let err = State::open(&path).unwrap_err().to_string();
        assert!(err.contains("999"), "{err}");
    }
}
