//! The sent-keys log: beside the state file (`hojokin.db.sent-log`), one
//! JSON line per reminder key, appended and fsynced *before* the outbox row
//! is changed: `data` just before the message goes to the relay, `sent`
//! once the relay accepted it.
//!
//! The outbox alone cannot survive what operators do to a SQLite file: a
//! deleted state file, a `cp` copy from two nights ago, or a `cp` of the
//! database without its `-wal` all forget the latest sends, and the next
//! night mailed every grantee again. The log is never rewritten, so a night
//! compares the two before mailing anyone:
//!
//! - every key of the log must be known to the outbox (sent, or carrying the
//!   log's Message-ID): otherwise the state file is missing or rolled back;
//! - every `sent` row of the outbox must be in the log: otherwise the log was
//!   lost, truncated or restored from an older copy (the state file is newer).
//!
//! When they disagree the night mails no grantee until an operator runs
//! `hojokin state reconcile`, which puts the log's marks back into the
//! outbox (`sent`, or `uncertain` for a mail that may have gone out) and
//! appends the outbox's own sends to the log, and says what it did.
//!
//! A state file from before the log (no `sent_log_meta` row) and no log yet
//! is the upgrade: its outbox is written to a new log once.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::outbox::{Claim, OutboxEntry, OutboxKey, OutboxStatus};
use super::{State, StateError};
use crate::clock::Stamp;
use crate::model::Stage;

/// The log's name is the state file's with this appended.
pub(crate) const SUFFIX: &str = ".sent-log";

/// The log beside the state file `db`.
pub(crate) fn path_for(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// How far a key's mail got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Event {
    /// The message was about to be handed to the relay: it may have gone out.
    Data,
    /// The relay accepted it.
    Sent,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Record {
    pub event: Event,
    pub application_id: String,
    pub report_fy: i32,
    /// [`Stage::code`].
    pub stage: String,
    pub message_id: String,
    pub job: String,
    pub recipient: String,
    pub subject: String,
    pub at: String,
}

impl Record {
    /// The line for `key` of the mail `claim` describes (what the outbox
    /// recorded when the key was claimed).
    pub(crate) fn new(event: Event, key: &OutboxKey, claim: Claim<'_>) -> Record {
        Record {
            event,
            application_id: key.application_id.clone(),
            report_fy: key.report_fy,
            stage: key.stage.code().to_string(),
            message_id: claim.message_id.to_string(),
            job: claim.job.to_string(),
            recipient: claim.recipient.to_string(),
            subject: claim.subject.to_string(),
            at: claim.now.to_string(),
        }
    }

    fn key(&self) -> Option<OutboxKey> {
        Some(OutboxKey {
            application_id: self.application_id.clone(),
            report_fy: self.report_fy,
            stage: Stage::from_code(&self.stage)?,
        })
    }
}

/// Appends records, each batch in one write, synced before returning.
#[derive(Debug)]
pub(crate) struct SentLog {
    path: PathBuf,
    file: File,
}

impl SentLog {
    /// Opens (creating) the log beside `db` for appending.
    pub(crate) fn open(db: &Path) -> Result<SentLog, StateError> {
        let path = path_for(db);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| log_error(&path, &e))?;
        Ok(SentLog { path, file })
    }

    /// Appends `records` and fsyncs: once this returns Ok they survive a
    /// power cut. One `write` per batch, so two processes never interleave
    /// within a line.
    pub(crate) fn append(&mut self, records: &[Record]) -> Result<(), StateError> {
        let mut buf = Vec::new();
        for r in records {
            serde_json::to_writer(&mut buf, r).map_err(|e| StateError::Open {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
            buf.push(b'\n');
        }
        self.file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| log_error(&self.path, &e))
    }
}

fn log_error(path: &Path, e: &std::io::Error) -> StateError {
    StateError::Open {
        path: path.to_path_buf(),
        message: format!("送信記録に書き込めません: {e}"),
    }
}

/// Reads the log; `None` when there is none. A torn last line (a crash in
/// the middle of a write) is ignored; any other unreadable line is an error.
pub(crate) fn read(path: &Path) -> Result<Option<Vec<Record>>, StateError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StateError::Open {
                path: path.to_path_buf(),
                message: format!("送信記録を読めません: {e}"),
            });
        }
    };
    let mut records = Vec::new();
    let torn_tail = !text.is_empty() && !text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(r) => records.push(r),
            Err(_) if torn_tail && i + 1 == lines.len() => {}
            Err(e) => {
                return Err(StateError::Open {
                    path: path.to_path_buf(),
                    message: format!("送信記録の {} 行目を読めません: {e}", i + 1),
                });
            }
        }
    }
    Ok(Some(records))
}

/// Whether the outbox and the log tell the same story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreement {
    /// They agree: a night may mail grantees.
    Agrees,
    /// They do not: no grantee is mailed until `hojokin state reconcile`.
    Disagrees(Disagreement),
}

/// How the state file and its log differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// Mails of the log the outbox does not know (state file missing or
    /// rolled back).
    pub unknown_to_state: usize,
    /// Sends of the outbox the log does not have (log lost or older).
    pub unknown_to_log: usize,
    /// The state file has used a log, and there is none.
    pub log_missing: bool,
    pub db: PathBuf,
    pub log: PathBuf,
}

impl Disagreement {
    /// The sentence for stderr, the history and the digest.
    pub fn sentence(&self) -> String {
        let mut why = Vec::new();
        if self.log_missing {
            why.push(format!("送信記録 {} がありません", self.log.display()));
        }
        if self.unknown_to_state > 0 {
            why.push(format!(
                "送信記録にある {} 件の送信を状態ファイルが知りません（状態ファイルが削除されたか、古い写しに戻されています）",
                self.unknown_to_state
            ));
        }
        if self.unknown_to_log > 0 && !self.log_missing {
            why.push(format!(
                "状態ファイルにある送信済 {} 件が送信記録にありません（送信記録が削除されたか、古い写しに戻されています）",
                self.unknown_to_log
            ));
        }
        format!(
            "状態ファイル {} と送信記録 {} が一致しません: {}。同じ督促を二度送らないよう、事業者へのメールは送っていません。`hojokin state reconcile --db {}` で送信記録と状態ファイルを突き合わせてから、もう一度実行してください。",
            self.db.display(),
            self.log.display(),
            why.join("。"),
            self.db.display()
        )
    }
}

/// The latest record of each key (a `sent` after its `data`).
fn latest(records: &[Record]) -> HashMap<OutboxKey, &Record> {
    let mut by_key: HashMap<OutboxKey, &Record> = HashMap::new();
    for r in records {
        if let Some(k) = r.key() {
            by_key.insert(k, r);
        }
    }
    by_key
}

/// The outbox knows the log's mail: it is sent, or it carries the same
/// Message-ID (claimed, uncertain, or settled after a crash).
fn known(entry: Option<&OutboxEntry>, r: &Record) -> bool {
    entry.is_some_and(|e| {
        e.status == OutboxStatus::Sent || e.message_id.as_deref() == Some(r.message_id.as_str())
    })
}

/// The log's records for what the outbox already holds as gone out (`sent`)
/// or maybe gone out (`uncertain`), for the upgrade and for reconciling.
fn records_of(entries: &[&OutboxEntry], at: Stamp) -> Vec<Record> {
    entries
        .iter()
        .map(|e| {
            let event = if e.status == OutboxStatus::Sent {
                Event::Sent
            } else {
                Event::Data
            };
            Record::new(
                event,
                &e.key,
                Claim {
                    message_id: e.message_id.as_deref().unwrap_or(""),
                    job: &e.job,
                    recipient: &e.recipient,
                    subject: &e.subject,
                    now: e.sent_at.as_deref().and_then(Stamp::parse).unwrap_or(at),
                },
            )
        })
        .collect()
}

/// What `hojokin state reconcile` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Outbox rows set `sent` from the log.
    pub marked_sent: usize,
    /// Outbox rows set `uncertain` (the log shows the mail may have gone out).
    pub marked_uncertain: usize,
    /// Sends of the outbox written to the log.
    pub added_to_log: usize,
}

impl State {
    fn sent_log_started(&self) -> Result<bool, StateError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM sent_log_meta", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(|e| self.sql(e))
    }

    fn mark_sent_log_started(&self, now: Stamp) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO sent_log_meta (id, started_at) VALUES (1, ?1)",
                params![now],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Compares the outbox with the sent-keys log (see the module doc). The
    /// first time, for a state file from before the log, with no log yet,
    /// the outbox is written to a new log.
    pub fn sent_log_agreement(&self, now: Stamp) -> Result<Agreement, StateError> {
        let log_path = path_for(&self.path);
        let entries = self.outbox_entries()?;
        let records = read(&log_path)?;
        let started = self.sent_log_started()?;
        let records = match (started, records) {
            (false, None) => {
                let gone: Vec<&OutboxEntry> = entries
                    .iter()
                    .filter(|e| matches!(e.status, OutboxStatus::Sent | OutboxStatus::Uncertain))
                    .collect();
                SentLog::open(&self.path)?.append(&records_of(&gone, now))?;
                self.mark_sent_log_started(now)?;
                return Ok(Agreement::Agrees);
            }
            (true, None) => {
                let unknown_to_log = entries
                    .iter()
                    .filter(|e| e.status == OutboxStatus::Sent)
                    .count();
                return Ok(Agreement::Disagrees(Disagreement {
                    unknown_to_state: 0,
                    unknown_to_log,
                    log_missing: true,
                    db: self.path.clone(),
                    log: log_path,
                }));
            }
            (_, Some(records)) => records,
        };
        let by_key: HashMap<&OutboxKey, &OutboxEntry> =
            entries.iter().map(|e| (&e.key, e)).collect();
        let latest = latest(&records);
        let unknown_to_state = latest
            .iter()
            .filter(|(k, r)| !known(by_key.get(k).copied(), r))
            .count();
        let unknown_to_log = entries
            .iter()
            .filter(|e| e.status == OutboxStatus::Sent && !latest.contains_key(&e.key))
            .count();
        if unknown_to_state == 0 && unknown_to_log == 0 {
            if !started {
                self.mark_sent_log_started(now)?;
            }
            return Ok(Agreement::Agrees);
        }
        Ok(Agreement::Disagrees(Disagreement {
            unknown_to_state,
            unknown_to_log,
            log_missing: false,
            db: self.path.clone(),
            log: log_path,
        }))
    }

    /// `hojokin state reconcile`: the log's marks back into the outbox
    /// (`sent`; `uncertain` for a mail the log shows only as handed over),
    /// the outbox's sends the log lacks appended to it. Afterwards the two
    /// agree. Nothing is ever marked for sending again.
    pub fn sent_log_reconcile(&self, now: Stamp) -> Result<Reconciled, StateError> {
        let log_path = path_for(&self.path);
        let records = read(&log_path)?.unwrap_or_default();
        let entries = self.outbox_entries()?;
        let by_key: HashMap<&OutboxKey, &OutboxEntry> =
            entries.iter().map(|e| (&e.key, e)).collect();
        let latest = latest(&records);
        let mut done = Reconciled::default();
        let mut tx = || -> rusqlite::Result<()> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            for (k, r) in &latest {
                if known(by_key.get(k).copied(), r) {
                    continue;
                }
                let status = match r.event {
                    Event::Sent => "sent",
                    Event::Data => "uncertain",
                };
                let error = match r.event {
                    Event::Sent => None,
                    Event::Data => Some(
                        "送信記録から復元: 中継サーバーに渡す直前まで進んだ記録があり、届いたか分かりません",
                    ),
                };
                self.conn.execute(
                    "INSERT INTO outbox (application_id, report_fy, stage, job, recipient, subject,
                            status, attempts, message_id, last_error, created_at, updated_at, sent_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?10, ?11,
                             CASE WHEN ?7 = 'sent' THEN ?10 END)
                     ON CONFLICT (application_id, report_fy, stage) DO UPDATE SET
                        status = ?7, message_id = ?8, last_error = ?9, updated_at = ?11,
                        claimed_by = NULL, phase = NULL,
                        sent_at = CASE WHEN ?7 = 'sent' THEN ?10 ELSE outbox.sent_at END",
                    params![
                        k.application_id,
                        k.report_fy,
                        k.stage,
                        r.job,
                        r.recipient,
                        r.subject,
                        status,
                        r.message_id,
                        error,
                        r.at,
                        now
                    ],
                )?;
                match r.event {
                    Event::Sent => done.marked_sent += 1,
                    Event::Data => done.marked_uncertain += 1,
                }
            }
            self.conn.execute(
                "INSERT OR IGNORE INTO sent_log_meta (id, started_at) VALUES (1, ?1)",
                params![now],
            )?;
            self.conn.execute_batch("COMMIT")
        };
        tx().map_err(|e| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.sql(e)
        })?;
        let missing: Vec<&OutboxEntry> = entries
            .iter()
            .filter(|e| e.status == OutboxStatus::Sent && !latest.contains_key(&e.key))
            .collect();
        SentLog::open(&self.path)?.append(&records_of(&missing, now))?;
        done.added_to_log = missing.len();
        Ok(done)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
