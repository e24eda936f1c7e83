//! One letter through the outbox: its keys claimed, the message sent (or
//! held, or let go), and what happened recorded, so each report is mailed
//! at most once (the parent module's doc tells the whole sequence).

use super::{Letter, Ready, Run, key, what};
use crate::clock::Stamp;
use crate::model::{MailOutcome, MailResult};
use crate::notify::smtp::{SendResult, Session};
use crate::notify::{MailError, said};
use crate::state::outbox::{Claim, OutboxKey, OutboxStatus, Sender};
use crate::state::sent_log::{Event, Record, SentLog};

impl Run<'_> {
    /// Moves the key to `sending` under this process's name.
    pub(super) fn claim(&mut self, k: &OutboxKey, claim: Claim<'_>) -> Result<bool, MailError> {
        let state = self.state;
        let sender = self.ensure_sender()?;
        Ok(state.outbox_claim(sender, k, claim)?)
    }

    /// Claims the letter's keys, sends one message for those won and
    /// records it on each; holds them all in the queue when the relay
    /// stopped answering tonight; sends nothing when the outbox cannot be
    /// written.
    pub(super) fn send(&mut self, session: &mut Session<'_>, mut letter: Letter<'_>, ready: Ready) {
        let to = ready.to.email.to_string();
        if self.state_broken.is_some() {
            self.unrecorded += letter.reports.len();
            self.rows(
                &letter,
                &ready.subject,
                &said(
                    MailOutcome::NotSent,
                    "（状態ファイルに記録できないため送信せず）",
                ),
                None,
            );
            return;
        }
        let now = self.mailer.clock.stamp();
        if session.stopped().is_some() {
            self.hold(&letter, &ready, now);
            return;
        }
        // What the outbox and the sent-keys log both record of this mail.
        let claim = Claim {
            job: self.job,
            recipient: &to,
            subject: &ready.subject,
            message_id: &ready.message_id,
            now,
        };
        if self.claim_letter(&mut letter, &ready, claim) {
            self.transmit(session, letter, ready, now);
        }
    }

    /// Claims each of the letter's keys, keeping in it the reports won; true
    /// when the message may go out: every key won and the outbox writable.
    /// Otherwise what was claimed goes back to the queue.
    fn claim_letter(&mut self, letter: &mut Letter<'_>, ready: &Ready, claim: Claim<'_>) -> bool {
        let asked = letter.reports.len();
        let mut won = Vec::new();
        for d in std::mem::take(&mut letter.reports) {
            let k = key(d.row, d.stage);
            match self.claim(&k, claim) {
                Ok(true) => won.push(d),
                Ok(false) => self.row(
                    d.row,
                    d.stage,
                    claim.recipient,
                    &ready.subject,
                    said(MailOutcome::NotSent, "（他の処理が送信中または送信済）"),
                ),
                Err(e) => {
                    let result = self.unrecordable(e.to_string());
                    self.row(d.row, d.stage, claim.recipient, &ready.subject, result);
                }
            }
        }
        let claimed_all = won.len() == asked;
        letter.reports = won;
        if letter.reports.is_empty() {
            return false;
        }
        if self.state_broken.is_some() {
            // Claimed keys go back to the queue: nothing is sent tonight.
            self.release(letter, ready, "状態ファイルに記録できないため送信せず");
            return false;
        }
        if !claimed_all {
            // Another process holds some of this grantee's reports: rather
            // than a mail naming reports it does not send, ours wait a night.
            self.release(
                letter,
                ready,
                "同じ宛先の別の報告を他の処理が送信中のため、次回まとめて送信",
            );
            return false;
        }
        true
    }

    /// Sends the claimed letter's message, the sent-keys log and the outbox
    /// marked (`data`) just before its body goes, and records the outcome.
    fn transmit(
        &mut self,
        session: &mut Session<'_>,
        letter: Letter<'_>,
        ready: Ready,
        now: Stamp,
    ) {
        let to = ready.to.email.to_string();
        let claim = Claim {
            job: self.job,
            recipient: &to,
            subject: &ready.subject,
            message_id: &ready.message_id,
            now,
        };
        let keys = letter.keys();
        let state = self.state;
        let records =
            |event| -> Vec<Record> { keys.iter().map(|k| Record::new(event, k, claim)).collect() };
        let (data, sent) = (records(Event::Data), records(Event::Sent));
        let mut log = self.sent_log.take();
        let mut mark_failed = None;
        // The log first, then the outbox: a state file that loses this
        // write (rolled back, deleted) is found out by the log.
        let mut mark = || {
            let logged = match log.as_mut() {
                Some(l) => l.append(&data),
                None => Ok(()),
            };
            logged
                .and_then(|()| state.outbox_mark_data_all(&keys, &ready.message_id))
                .map_err(|e| {
                    mark_failed = Some(e.to_string());
                    MailError::State(e)
                })
        };
        let result = session.send_marked(
            &self.mailer.from.email,
            std::slice::from_ref(&ready.to.email),
            &ready.bytes,
            &mut mark,
        );
        if let Some(e) = mark_failed {
            self.state_broken = Some(e);
        }
        if matches!(result, SendResult::Accepted)
            && let Some(Err(e)) = log.as_mut().map(|l| l.append(&sent))
        {
            // The `data` line stands: a lost state file would make it
            // uncertain, never sent again. Stop: the next could not be logged.
            self.state_broken = Some(e.to_string());
        }
        self.sent_log = log;
        self.record(&letter, &keys, ready, result);
    }

    /// Puts claimed keys back (`failed`, tried again next run) when the
    /// message will not be sent after all.
    pub(super) fn release(&mut self, letter: &Letter<'_>, ready: &Ready, why: &str) {
        let now = self.mailer.clock.stamp();
        for k in letter.keys() {
            let _ = self.state.outbox_finish(
                &k,
                &ready.message_id,
                OutboxStatus::Failed,
                Some(why),
                now,
            );
        }
        let n = letter.reports.len();
        self.out.queued += n;
        self.out.failed += n;
        self.rows(
            letter,
            &ready.subject,
            &said(MailOutcome::Failed, format_args!("（再送待ち）: {why}")),
            None,
        );
    }

    /// Leaves the letter's keys queued for the next run without trying
    /// them: the relay missed a deadline or could not be reached earlier.
    pub(super) fn hold(&mut self, letter: &Letter<'_>, ready: &Ready, now: Stamp) {
        let to = ready.to.email.to_string();
        for d in &letter.reports {
            let queued = self.state.outbox_queue(
                &key(d.row, d.stage),
                Claim {
                    job: self.job,
                    recipient: &to,
                    subject: &ready.subject,
                    message_id: "",
                    now,
                },
            );
            let result = match queued {
                Ok(()) => {
                    self.out.queued += 1;
                    said(
                        MailOutcome::Held,
                        "（中継サーバーが応答しないため今回は送らず、次回送信）",
                    )
                }
                Err(e) => self.unrecordable(e.to_string()),
            };
            self.row(d.row, d.stage, &to, &ready.subject, result);
        }
    }

    /// A letter the outbox could not record (`e`, why): it is not sent, and
    /// no letter after it is (see [`Run::send`]).
    fn unrecordable(&mut self, e: String) -> MailResult {
        self.unrecorded += 1;
        let result = said(
            MailOutcome::NotSent,
            format_args!("（状態ファイルに記録できないため送信せず）: {e}"),
        );
        self.state_broken = Some(e);
        result
    }

    /// One sentence for an outbox that cannot be written: mails that went
    /// unsent because of it are not "queued" — nothing could record them.
    pub(super) fn state_broken_message(&mut self) {
        if let Some(e) = &self.state_broken {
            self.out.messages.push(format!(
                "状態ファイルに送信を記録できないため、督促等のメール {} 通は送っていません（{e}）。二重送信を防ぐため、状態ファイルを直すまでメールは送られません。",
                self.unrecorded
            ));
        }
    }

    /// Writes the outcome of a claimed send to the outbox (every key the
    /// message carried) and to the run (one 通知 row per report).
    pub(super) fn record(
        &mut self,
        letter: &Letter<'_>,
        keys: &[OutboxKey],
        ready: Ready,
        result: SendResult,
    ) {
        let n = letter.reports.len();
        let (status, error, label) = match &result {
            SendResult::Accepted => (OutboxStatus::Sent, None, said(MailOutcome::Sent, "")),
            SendResult::NotSent(e) => (
                OutboxStatus::Failed,
                Some(e.as_str()),
                said(MailOutcome::Failed, format_args!("（再送待ち）: {e}")),
            ),
            SendResult::InDoubt(e) => (
                OutboxStatus::Uncertain,
                Some(e.as_str()),
                said(MailOutcome::Uncertain, format_args!("（要確認）: {e}")),
            ),
        };
        match status {
            OutboxStatus::Sent => self.out.sent += n,
            OutboxStatus::Failed => {
                self.out.failed += n;
                self.out.queued += n;
            }
            // Uncertain rows are counted with the earlier ones at the end.
            _ => {}
        }
        if !matches!(result, SendResult::NotSent(_)) {
            let as_of = self.as_of.to_string();
            if let Err(e) = self
                .state
                .outbox_note_as_of(keys, &ready.message_id, &as_of)
            {
                self.out.messages.push(e.to_string());
            }
        }
        for (d, k) in letter.reports.iter().zip(keys) {
            if let Err(e) = self.state.outbox_finish(
                k,
                &ready.message_id,
                status,
                error,
                self.mailer.clock.stamp(),
            ) {
                // The row stays `sending`; the next run declares it uncertain.
                self.out.messages.push(format!(
                    "{}（Message-ID {}）の送信結果を状態ファイルに記録できませんでした: {e}",
                    what(d.row, d.stage.label()),
                    ready.message_id
                ));
            }
        }
        self.rows(letter, &ready.subject, &label, Some(&ready.message_id));
    }

    /// Registers this process as a sender on its first claim, so a run with
    /// nothing to send leaves no lock file.
    pub(super) fn ensure_sender(&mut self) -> Result<&Sender, MailError> {
        if self.sent_log.is_none() {
            self.sent_log = Some(SentLog::open(&self.state.path)?);
        }
        match &mut self.sender {
            Some(sender) => Ok(sender),
            empty => Ok(empty.insert(self.state.outbox_sender()?)),
        }
    }
}
