//! The mail outbox: one row per (申請番号, 報告年度, stage), so each reminder
//! is sent at most once across runs, restarts, crashes and concurrent processes.
//!
//! A row moves `queued`/`failed` → `sending` (the claim, in one `BEGIN
//! IMMEDIATE` transaction with a conditional UPDATE: only one process wins) →
//! `sent` after the server accepted it, or back to `failed` after a refusal.
//! While `sending` its `phase` says how far the send got: `claimed` (still
//! connecting or in the envelope: nothing can have been delivered), then
//! `data`, written just before the message goes out ([`State::outbox_mark_data`]).
//! A row left in `sending` by a process that is gone is put back in the
//! queue when its phase is `claimed`; in phase `data` (killed after the
//! message went out, before `sent` was written) it may or may not have been
//! delivered: it becomes `uncertain` and is never sent again automatically.
//!
//! Whether the claiming process is gone is decided by an OS file lock, not by
//! a clock: each sending process holds an exclusive lock on its own file in
//! `<state file>.senders/`, which the OS releases when the process ends in
//! any way, `kill -9` included.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, Row, params};

use super::token::random_token;
use super::{State, StateError};
use crate::calendar::FiscalYear;
use crate::clock::Stamp;
use crate::model::Stage;

/// Where one reminder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxStatus {
    /// Waiting to be sent.
    Queued,
    /// Claimed by a process that is sending it now (or died doing so).
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused or not reached; tried again while its window lasts.
    Failed,
    /// The sender died or lost the connection after handing the mail over:
    /// it may have been delivered. Never re-sent automatically.
    Uncertain,
    /// Its stage's window passed (or the report arrived) before it was sent.
    Expired,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Uncertain => "uncertain",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Sending,
            Self::Sent,
            Self::Failed,
            Self::Uncertain,
            Self::Expired,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// The unique key of one reminder; the stage is stored as its ASCII code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutboxKey {
    pub application_id: String,
    pub report_fy: FiscalYear,
    pub stage: Stage,
}

/// A stage is stored as [`Stage::code`], the form every earlier version
/// wrote, so old state files read back unchanged.
impl rusqlite::ToSql for Stage {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.code()))
    }
}

impl rusqlite::types::FromSql for Stage {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let code = value.as_str()?;
        Stage::from_code(code).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(
                format!("未知の督促段階「{code}」が状態ファイルにあります").into(),
            )
        })
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub key: OutboxKey,
    pub job: String,
    pub recipient: String,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub message_id: Option<String>,
    pub last_error: Option<String>,
    pub updated_at: String,
    pub sent_at: Option<String>,
}

/// What a claim records about the mail about to be sent.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub job: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub message_id: &'a str,
    pub now: Stamp,
}

/// A sending process's proof of life: an exclusive lock on its own file,
/// held until this value is dropped or the process ends.
#[derive(Debug)]
pub struct Sender {
    token: String,
    path: PathBuf,
    _file: File,
}

impl Sender {
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        // The lock goes with the file handle; the empty file is only litter.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The phase of a claim that has not started writing the message.
const PHASE_CLAIMED: &str = "claimed";

const COLUMNS: &str = "application_id, report_fy, stage, job, recipient, subject, status,
     attempts, message_id, last_error, updated_at, sent_at";

fn entry(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let status: String = r.get(6)?;
    Ok(OutboxEntry {
        key: OutboxKey {
            application_id: r.get(0)?,
            report_fy: r.get(1)?,
            stage: r.get(2)?,
        },
        job: r.get(3)?,
        recipient: r.get(4)?,
        subject: r.get(5)?,
        // The CHECK constraint admits only known words; Failed is the safe
        // reading of anything else (it is retried, never silently dropped).
        status: OutboxStatus::parse(&status).unwrap_or(OutboxStatus::Failed),
        attempts: r.get(7)?,
        message_id: r.get(8)?,
        last_error: r.get(9)?,
        updated_at: r.get(10)?,
        sent_at: r.get(11)?,
    })
}

/// A token is hex from [`random_token`]; anything else never becomes a path.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The process holding `path`'s lock is alive. A missing file means gone;
/// an unexpected error counts as alive, which keeps the row untouched
/// (at most once) rather than guessing.
fn lock_held(path: &Path) -> bool {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
        Err(_) => return true,
    };
    match file.try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => true,
    }
}

impl State {
    fn senders_dir(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".senders");
        PathBuf::from(name)
    }

    /// Registers this process as a sender; keep the value while sending.
    pub fn outbox_sender(&self) -> Result<Sender, StateError> {
        let dir = self.senders_dir();
        let open_err = |e: std::io::Error| StateError::Open {
            path: dir.clone(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(&dir).map_err(open_err)?;
        let token = random_token();
        let path = dir.join(format!("{token}.lock"));
        let file = File::create(&path).map_err(open_err)?;
        file.try_lock().map_err(|e| StateError::Open {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Ok(Sender {
            token,
            path,
            _file: file,
        })
    }

    /// Settles `sending` rows whose process is gone and returns them with
    /// their new status: `queued` when the message had not started going out
    /// (phase `claimed`), else `uncertain`. Rows of live senders are left alone.
    pub fn outbox_recover(&self, now: Stamp) -> Result<Vec<OutboxEntry>, StateError> {
        let owners: Vec<Option<String>> = {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT claimed_by FROM outbox WHERE status = 'sending'")
                .map_err(|e| self.sql(e))?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.sql(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))?
        };
        let dir = self.senders_dir();
        let mut recovered = Vec::new();
        for owner in owners {
            let alive = owner
                .as_deref()
                .filter(|t| is_token(t))
                .is_some_and(|t| lock_held(&dir.join(format!("{t}.lock"))));
            if alive {
                continue;
            }
            recovered.extend(self.settle_owner(owner.as_deref(), now)?);
            if let Some(t) = owner.as_deref().filter(|t| is_token(t)) {
                let _ = std::fs::remove_file(dir.join(format!("{t}.lock")));
            }
        }
        Ok(recovered)
    }

    fn settle_owner(
        &self,
        owner: Option<&str>,
        now: Stamp,
    ) -> Result<Vec<OutboxEntry>, StateError> {
        let tx = || -> rusqlite::Result<Vec<OutboxEntry>> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            let sql = format!(
                "SELECT {COLUMNS}, phase FROM outbox WHERE status = 'sending' AND claimed_by IS ?1"
            );
            let rows: Vec<(OutboxEntry, Option<String>)> = self
                .conn
                .prepare(&sql)?
                .query_map(params![owner], |r| Ok((entry(r)?, r.get(12)?)))?
                .collect::<Result<_, _>>()?;
            // Only a row that never reached the message is known unsent.
            self.conn.execute(
                "UPDATE outbox SET status = 'queued', updated_at = ?2, claimed_by = NULL,
                        phase = NULL,
                        last_error = '送信処理がメール本文を送る前に終了しました（未送信のため次回送ります）'
                 WHERE status = 'sending' AND claimed_by IS ?1 AND phase IS 'claimed'",
                params![owner, now],
            )?;
            self.conn.execute(
                "UPDATE outbox SET status = 'uncertain', updated_at = ?2,
                        last_error = '送信処理が送信と記録の間で終了しました'
                 WHERE status = 'sending' AND claimed_by IS ?1",
                params![owner, now],
            )?;
            self.conn.execute_batch("COMMIT")?;
            Ok(rows
                .into_iter()
                .map(|(mut e, phase)| {
                    e.status = if phase.as_deref() == Some(PHASE_CLAIMED) {
                        OutboxStatus::Queued
                    } else {
                        OutboxStatus::Uncertain
                    };
                    e
                })
                .collect())
        };
        tx().map_err(|e| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.sql(e)
        })
    }

    /// Queues the key if new and claims it for `sender`. `false` when another
    /// process holds it or it is already done (sent, uncertain, expired).
    pub fn outbox_claim(
        &self,
        sender: &Sender,
        key: &OutboxKey,
        claim: Claim<'_>,
    ) -> Result<bool, StateError> {
        let tx = || -> rusqlite::Result<bool> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.insert_queued(key, &claim)?;
            let won = self.conn.execute(
                "UPDATE outbox SET status = 'sending', claimed_by = ?4, message_id = ?5,
                        phase = 'claimed',
                        attempts = attempts + 1, job = ?6, recipient = ?7, subject = ?8,
                        updated_at = ?9
                 WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3
                   AND status IN ('queued', 'failed')",
                params![
                    key.application_id,
                    key.report_fy,
                    key.stage,
                    sender.token,
                    claim.message_id,
                    claim.job,
                    claim.recipient,
                    claim.subject,
                    claim.now
                ],
            )?;
            self.conn.execute_batch("COMMIT")?;
            Ok(won == 1)
        };
        tx().map_err(|e| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.sql(e)
        })
    }

    /// Records that the claimed mail is about to go out: from now on a
    /// dead sender's row is `uncertain`. An error (or a claim no longer held)
    /// means the mail must not be sent.
    pub fn outbox_mark_data(&self, key: &OutboxKey, message_id: &str) -> Result<(), StateError> {
        let changed = self
            .conn
            .execute(
                "UPDATE outbox SET phase = 'data'
                 WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3
                   AND message_id = ?4 AND status = 'sending'",
                params![key.application_id, key.report_fy, key.stage, message_id],
            )
            .map_err(|e| self.sql(e))?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StateError::Open {
                path: self.path.clone(),
                message: format!(
                    "Message-ID {message_id} の送信中の記録が見つかりません（他の処理が変更しました）"
                ),
            })
        }
    }

    /// [`State::outbox_mark_data`] for every key one message carries, in one
    /// transaction: either all of them are `data` (a crash from now on makes
    /// them all `uncertain`, as they share the message) or none is and the
    /// message must not be sent.
    pub fn outbox_mark_data_all(
        &self,
        keys: &[OutboxKey],
        message_id: &str,
    ) -> Result<(), StateError> {
        let tx = || -> rusqlite::Result<usize> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            let mut changed = 0;
            for key in keys {
                changed += self.conn.execute(
                    "UPDATE outbox SET phase = 'data'
                     WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3
                       AND message_id = ?4 AND status = 'sending'",
                    params![key.application_id, key.report_fy, key.stage, message_id],
                )?;
            }
            if changed == keys.len() {
                self.conn.execute_batch("COMMIT")?;
            } else {
                self.conn.execute_batch("ROLLBACK")?;
            }
            Ok(changed)
        };
        let changed = tx().map_err(|e| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.sql(e)
        })?;
        if changed == keys.len() {
            Ok(())
        } else {
            Err(StateError::Open {
                path: self.path.clone(),
                message: format!(
                    "Message-ID {message_id} の送信中の記録が見つかりません（他の処理が変更しました）"
                ),
            })
        }
    }

    /// The key's row as `queued`, unless it exists already (in any state):
    /// the one insert both a claim and a held mail start from.
    fn insert_queued(&self, key: &OutboxKey, claim: &Claim<'_>) -> rusqlite::Result<usize> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO outbox (application_id, report_fy, stage, job, recipient,
                    subject, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?7)",
            )?
            .execute(params![
                key.application_id,
                key.report_fy,
                key.stage,
                claim.job,
                claim.recipient,
                claim.subject,
                claim.now
            ])
    }

    /// Queues the key if new, without claiming it: a mail held back for the
    /// next run (the relay stopped answering tonight).
    pub fn outbox_queue(&self, key: &OutboxKey, claim: Claim<'_>) -> Result<(), StateError> {
        self.insert_queued(key, &claim).map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// [`State::outbox_queue`] for many keys (key, recipient) in one
    /// transaction: what a closed sending window leaves for the next night.
    pub fn outbox_queue_many(
        &self,
        job: &str,
        keys: &[(OutboxKey, String)],
        now: Stamp,
    ) -> Result<(), StateError> {
        let tx = || -> rusqlite::Result<()> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            for (key, recipient) in keys {
                self.insert_queued(
                    key,
                    &Claim {
                        job,
                        recipient,
                        subject: "",
                        message_id: "",
                        now,
                    },
                )?;
            }
            self.conn.execute_batch("COMMIT")
        };
        tx().map_err(|e| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.sql(e)
        })
    }

    /// Records the outcome of a claimed send. Only the claim with this
    /// Message-ID is updated, so a late writer cannot overwrite a newer claim.
    pub fn outbox_finish(
        &self,
        key: &OutboxKey,
        message_id: &str,
        status: OutboxStatus,
        error: Option<&str>,
        now: Stamp,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE outbox SET status = ?5, last_error = ?6, updated_at = ?7,
                        sent_at = CASE WHEN ?5 = 'sent' THEN ?7 ELSE sent_at END
                 WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3
                   AND message_id = ?4 AND status IN ('sending', 'uncertain')",
                params![
                    key.application_id,
                    key.report_fy,
                    key.stage,
                    message_id,
                    status.as_str(),
                    error,
                    now
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Expires the waiting rows of one report whose stage is not `current`
    /// (its window passed, or `None`: no mail is due any more).
    pub fn outbox_expire(
        &self,
        application_id: &str,
        report_fy: FiscalYear,
        current: Option<&str>,
        now: Stamp,
    ) -> Result<usize, StateError> {
        self.conn
            .prepare_cached(
                "UPDATE outbox SET status = 'expired', updated_at = ?4
                 WHERE application_id = ?1 AND report_fy = ?2 AND stage IS NOT ?3
                   AND status IN ('queued', 'failed')",
            )
            .and_then(|mut stmt| stmt.execute(params![application_id, report_fy, current, now]))
            .map_err(|e| self.sql(e))
    }

    /// Notes the business date the message `message_id` of `keys` went out
    /// for, so a rerun of that date lists it ([`State::outbox_gone_on`]).
    pub fn outbox_note_as_of(
        &self,
        keys: &[OutboxKey],
        message_id: &str,
        as_of: &str,
    ) -> Result<(), StateError> {
        for key in keys {
            self.conn
                .execute(
                    "UPDATE outbox SET as_of = ?5
                     WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3
                       AND message_id = ?4",
                    params![
                        key.application_id,
                        key.report_fy,
                        key.stage,
                        message_id,
                        as_of
                    ],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// The job's reminders that went out (or may have: `uncertain`) for the
    /// business date `as_of`, by any run of it.
    pub fn outbox_gone_on(&self, job: &str, as_of: &str) -> Result<Vec<OutboxEntry>, StateError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE job = ?1 AND as_of = ?2 AND status IN ('sent', 'uncertain')
             ORDER BY application_id, report_fy, stage"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![job, as_of], entry)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    pub fn outbox_entry(&self, key: &OutboxKey) -> Result<Option<OutboxEntry>, StateError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3"
        );
        self.conn
            .query_row(
                &sql,
                params![key.application_id, key.report_fy, key.stage],
                entry,
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every row, by key (for tests, diagnostics and staff tools).
    pub fn outbox_entries(&self) -> Result<Vec<OutboxEntry>, StateError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY application_id, report_fy, stage");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], entry).map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Staff's answer for an `uncertain` row after checking the relay's log:
    /// `delivered` marks it sent, otherwise it is queued for the next run.
    pub fn outbox_resolve(
        &self,
        key: &OutboxKey,
        delivered: bool,
        now: Stamp,
    ) -> Result<bool, StateError> {
        let status = if delivered { "sent" } else { "queued" };
        let changed = self
            .conn
            .execute(
                "UPDATE outbox SET status = ?4, updated_at = ?5,
                        sent_at = CASE WHEN ?4 = 'sent' THEN ?5 ELSE sent_at END
                 WHERE application_id = ?1 AND report_fy = ?2 AND stage = ?3
                   AND status = 'uncertain'",
                params![key.application_id, key.report_fy, key.stage, status, now],
            )
            .map_err(|e| self.sql(e))?;
        Ok(changed == 1)
    }
}

#[cfg(test)]
mod tests;
