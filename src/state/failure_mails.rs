//! The mail that tells staff a night could not run: recorded like any other
//! mail (status, Message-ID, last error), and claimed before it is sent, so
//! at most one goes out per job and business date however often the night
//! is retried.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{State, StateError};
use crate::clock::Stamp;

/// How a failure mail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureMailStatus {
    /// Claimed by a process that is sending it now.
    Sending,
    Sent,
    /// Not handed over: the next failed run of the date may try again.
    Failed,
    /// The relay may have taken it: never sent again by itself.
    Uncertain,
}

impl FailureMailStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Uncertain => "uncertain",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Sending, Self::Sent, Self::Failed, Self::Uncertain]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// What a failure mail for (job, as_of) is already, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This process may send it now.
    Won,
    /// Sent, being sent, or in doubt: not again.
    Taken(FailureMailStatus),
}

/// A failure mail that did not (surely) go out, for `hojokin outbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsentFailureMail {
    pub job: String,
    pub as_of: String,
    pub status: String,
    pub recipients: String,
    pub attempts: i64,
    pub message_id: String,
    pub last_error: Option<String>,
}

impl State {
    /// Failure mails not recorded as sent, oldest first.
    pub fn failure_mails_unsent(&self) -> Result<Vec<UnsentFailureMail>, StateError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT job, as_of, status, recipients, attempts, message_id, last_error
                 FROM failure_mails WHERE status <> 'sent' ORDER BY as_of, job",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(UnsentFailureMail {
                    job: r.get(0)?,
                    as_of: r.get(1)?,
                    status: r.get(2)?,
                    recipients: r.get(3)?,
                    attempts: r.get(4)?,
                    message_id: r.get(5)?,
                    last_error: r.get(6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Claims the failure mail of `job` on `as_of`: won when none is recorded
    /// or the last try was not handed over.
    pub fn failure_mail_claim(
        &self,
        job: &str,
        as_of: NaiveDate,
        recipients: &str,
        subject: &str,
        message_id: &str,
        now: Stamp,
    ) -> Result<Claim, StateError> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.sql(e))?;
        let status: Option<String> = tx
            .query_row(
                "SELECT status FROM failure_mails WHERE job = ?1 AND as_of = ?2",
                params![job, as_of.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        match status.as_deref().and_then(FailureMailStatus::parse) {
            None if status.is_none() => {
                tx.execute(
                    "INSERT INTO failure_mails (job, as_of, status, recipients, subject,
                        message_id, attempts, created_at, updated_at)
                     VALUES (?1, ?2, 'sending', ?3, ?4, ?5, 1, ?6, ?6)",
                    params![job, as_of.to_string(), recipients, subject, message_id, now],
                )
                .map_err(|e| self.sql(e))?;
            }
            Some(FailureMailStatus::Failed) => {
                tx.execute(
                    "UPDATE failure_mails SET status = 'sending', recipients = ?3, subject = ?4,
                        message_id = ?5, attempts = attempts + 1, updated_at = ?6
                     WHERE job = ?1 AND as_of = ?2",
                    params![job, as_of.to_string(), recipients, subject, message_id, now],
                )
                .map_err(|e| self.sql(e))?;
            }
            Some(taken) => {
                tx.commit().map_err(|e| self.sql(e))?;
                return Ok(Claim::Taken(taken));
            }
            // A status this build does not know: leave it alone.
            None => {
                tx.commit().map_err(|e| self.sql(e))?;
                return Ok(Claim::Taken(FailureMailStatus::Uncertain));
            }
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(Claim::Won)
    }

    /// Records how the claimed failure mail ended.
    pub fn failure_mail_finish(
        &self,
        job: &str,
        as_of: NaiveDate,
        status: FailureMailStatus,
        error: Option<&str>,
        now: Stamp,
    ) -> Result<(), StateError> {
        let sent_at = (status == FailureMailStatus::Sent).then_some(now);
        self.conn
            .execute(
                "UPDATE failure_mails SET status = ?3, last_error = ?4, updated_at = ?5,
                    sent_at = COALESCE(?6, sent_at)
                 WHERE job = ?1 AND as_of = ?2",
                params![job, as_of.to_string(), status.as_str(), error, now, sent_at],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }
}
