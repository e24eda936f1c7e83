//! Employment-report reminders: the current stage of each report not yet
//! received, sent through the outbox so each is sent at most once.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use lettre::message::Mailbox;

use super::message::{self, Draft, HeaderText};
use super::smtp::{SendResult, Session};
use super::stages::{Stage, stage_on, wants_reminder};
use super::{Mailer, NotificationRow, NotifyOutcome, eml, now_stamp};
use crate::calendar::fy_label;
use crate::compliance::reports::ReportDue;
use crate::model::{Finding, FindingKind, FiscalYear, MailKind, MailOutcome, MailResult};
use crate::state::State;
use crate::state::outbox::{Claim, OutboxEntry, OutboxKey, OutboxStatus, Sender};

/// One ledger row and the stage due for it on the as-of date (`None`: no mail).
type Plan<'a> = (&'a ReportDue, Option<Stage>);

/// The stage due for each report, one per (申請番号, 報告年度): the key of
/// the outbox. A second duty with the same key (not in today's catalogue)
/// rides on the first one's mail.
fn plan(ledger: &[ReportDue], as_of: NaiveDate) -> Vec<Plan<'_>> {
    let mut seen = HashSet::new();
    ledger
        .iter()
        .filter(|r| seen.insert((r.application_id.as_str(), r.report_fy)))
        .map(|r| {
            let stage = wants_reminder(r.state)
                .then(|| stage_on(r.report_fy, r.due, as_of))
                .flatten();
            (r, stage)
        })
        .collect()
}

fn key(row: &ReportDue, stage: Stage) -> OutboxKey {
    OutboxKey {
        application_id: row.application_id.clone(),
        report_fy: row.report_fy,
        stage,
    }
}

/// What a report's reminder is called in 要確認 sentences.
fn what(row: &ReportDue, stage: &str) -> String {
    format!(
        "{}の{}の{stage}メール",
        fy_label(row.report_fy),
        row.report_name
    )
}

fn finding(row: &ReportDue, kind: FindingKind, detail: String) -> Finding {
    Finding {
        application_id: row.application_id.clone(),
        company: row.company.clone(),
        kind,
        detail,
    }
}

/// A mail ready to go: checked headers, rendered body.
struct Ready {
    to: Mailbox,
    subject: String,
    message_id: String,
    bytes: Vec<u8>,
}

/// The run's work, shared by the steps below.
struct Run<'a> {
    mailer: &'a Mailer,
    state: &'a State,
    job: &'a str,
    as_of: NaiveDate,
    out: NotifyOutcome,
    sender: Option<Sender>,
    /// Set when the outbox cannot be written: nothing more is sent, since
    /// a send that cannot be recorded could be sent twice.
    state_broken: Option<String>,
    /// Mails not sent because the outbox cannot be written.
    unrecorded: usize,
}

impl Run<'_> {
    fn row(&mut self, row: &ReportDue, stage: Stage, to: &str, subject: &str, result: MailResult) {
        self.out.rows.push(NotificationRow {
            at: now_stamp(),
            to: to.to_string(),
            subject: subject.to_string(),
            kind: MailKind::Reminder(stage),
            result,
            application_id: row.application_id.clone(),
            company: row.company.clone(),
            message_id: None,
        });
    }

    /// Renders and builds the mail, or records why it cannot be sent.
    fn prepare(&mut self, row: &ReportDue, stage: Stage) -> Option<Ready> {
        let email = row.email.as_deref().unwrap_or("").trim();
        let to = match message::address("メールアドレス", email) {
            Ok(to) => to,
            Err(e) => {
                let mut why = if email.is_empty() {
                    "メールアドレスが登録されていません。".to_string()
                } else {
                    e.to_string()
                };
                if !why.ends_with('。') {
                    why.push('。');
                }
                self.out.findings.push(finding(
                    row,
                    FindingKind::NoAddress,
                    format!(
                        "{}を送れません。{why}申請一覧のメールアドレスを確認し、必要なら郵送や電話で連絡してください。",
                        what(row, stage.label())
                    ),
                ));
                self.row(
                    row,
                    stage,
                    email,
                    "",
                    MailResult::new(MailOutcome::NotSent, "未送信（宛先不備・要確認）"),
                );
                return None;
            }
        };
        let rendered = match self.mailer.render_reminder(row, stage, self.as_of) {
            Ok(r) => r,
            Err(e) => {
                self.out.queued += 1;
                self.out.failed += 1;
                self.out.messages.push(e.clone());
                self.row(
                    row,
                    stage,
                    email,
                    "",
                    MailResult::new(
                        MailOutcome::NotSent,
                        format!("未送信（テンプレートエラー）: {e}"),
                    ),
                );
                return None;
            }
        };
        let subject = match HeaderText::subject("件名", &rendered.subject) {
            Ok(s) => s,
            Err(e) => {
                self.invalid_header(row, stage, email, &rendered.subject, &e.to_string());
                return None;
            }
        };
        let message_id = message::message_id(
            &format!("{}/{}/{}", row.application_id, row.report_fy, stage.code()),
            &self.mailer.from,
        );
        // What the 通知 sheet and the outbox show is what the header says.
        let subject_text = subject.as_str().to_string();
        let draft = Draft {
            from: self.mailer.from.clone(),
            to: vec![to.clone()],
            subject,
            body: rendered.body,
            message_id: message_id.clone(),
            attachment: None,
        };
        match message::build(draft) {
            Ok(msg) => Some(Ready {
                to,
                subject: subject_text,
                message_id,
                bytes: msg.formatted(),
            }),
            Err(e) => {
                self.invalid_header(row, stage, email, &rendered.subject, &e);
                None
            }
        }
    }

    fn invalid_header(&mut self, row: &ReportDue, stage: Stage, to: &str, subject: &str, e: &str) {
        self.out.findings.push(finding(
            row,
            FindingKind::InvalidMessage,
            format!(
                "{}を作れません（{e}）。事業者名などに改行が含まれていないか確認してください。",
                what(row, stage.label())
            ),
        ));
        self.row(
            row,
            stage,
            to,
            subject,
            MailResult::new(MailOutcome::NotSent, "未送信（件名に使えない文字・要確認）"),
        );
    }

    fn dry_run(&mut self, row: &ReportDue, stage: Stage, ready: &Ready, dir: &Path) {
        let name = eml::file_name(&[
            &self.as_of.to_string(),
            &row.application_id,
            &row.report_fy.to_string(),
            stage.code(),
        ]);
        let result = match eml::write(dir, &name, &ready.bytes) {
            Ok(_) => MailResult::new(MailOutcome::Previewed, format!("試行（.eml出力）: {name}")),
            Err(e) => {
                self.out.messages.push(e.clone());
                MailResult::new(MailOutcome::NotSent, format!("試行（.eml出力失敗）: {e}"))
            }
        };
        self.row(row, stage, &ready.to.to_string(), &ready.subject, result);
    }

    /// Moves the key to `sending` under this process's name.
    fn claim(&mut self, k: &OutboxKey, to: &str, ready: &Ready, now: &str) -> Result<bool, String> {
        self.ensure_sender()?;
        let sender = self.sender.as_ref().ok_or_else(String::new)?;
        self.state
            .outbox_claim(
                sender,
                k,
                Claim {
                    job: self.job,
                    recipient: to,
                    subject: &ready.subject,
                    message_id: &ready.message_id,
                    now,
                },
            )
            .map_err(|e| e.to_string())
    }

    /// Claims, sends and records one reminder; holds it in the queue when
    /// the relay stopped answering tonight; sends nothing when the outbox
    /// cannot be written.
    fn send(&mut self, session: &mut Session<'_>, row: &ReportDue, stage: Stage, ready: Ready) {
        let to = ready.to.email.to_string();
        if self.state_broken.is_some() {
            self.unrecorded += 1;
            self.row(
                row,
                stage,
                &to,
                &ready.subject,
                MailResult::new(
                    MailOutcome::NotSent,
                    "未送信（状態ファイルに記録できないため送信せず）",
                ),
            );
            return;
        }
        let k = key(row, stage);
        let now = now_stamp();
        if session.stopped().is_some() {
            self.hold(row, stage, &k, &ready, &now);
            return;
        }
        let skipped = match self.claim(&k, &to, &ready, &now) {
            Ok(true) => None,
            Ok(false) => Some(MailResult::new(
                MailOutcome::NotSent,
                "未送信（他の処理が送信中または送信済）",
            )),
            Err(e) => {
                self.unrecorded += 1;
                self.state_broken = Some(e.clone());
                Some(MailResult::new(
                    MailOutcome::NotSent,
                    format!("未送信（状態ファイルに記録できないため送信せず）: {e}"),
                ))
            }
        };
        if let Some(result) = skipped {
            self.row(row, stage, &to, &ready.subject, result);
            return;
        }
        let state = self.state;
        let mut mark_failed = None;
        let mut mark = || {
            state.outbox_mark_data(&k, &ready.message_id).map_err(|e| {
                let e = e.to_string();
                mark_failed = Some(e.clone());
                e
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
        self.record(row, stage, &k, ready, result);
    }

    /// Leaves a mail queued for the next run without trying it: the relay
    /// missed a deadline or could not be reached earlier tonight.
    fn hold(&mut self, row: &ReportDue, stage: Stage, k: &OutboxKey, ready: &Ready, now: &str) {
        let to = ready.to.email.to_string();
        let queued = self.state.outbox_queue(
            k,
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
                MailResult::new(
                    MailOutcome::Held,
                    "送信保留（中継サーバーが応答しないため今回は送らず、次回送信）",
                )
            }
            Err(e) => {
                self.unrecorded += 1;
                self.state_broken = Some(e.to_string());
                MailResult::new(
                    MailOutcome::NotSent,
                    format!("未送信（状態ファイルに記録できないため送信せず）: {e}"),
                )
            }
        };
        self.row(row, stage, &to, &ready.subject, result);
    }

    /// One sentence for an outbox that cannot be written: mails that went
    /// unsent because of it are not "queued" — nothing could record them.
    fn state_broken_message(&mut self) {
        if let Some(e) = &self.state_broken {
            self.out.messages.push(format!(
                "状態ファイルに送信を記録できないため、督促等のメール {} 通は送っていません（{e}）。二重送信を防ぐため、状態ファイルを直すまでメールは送られません。",
                self.unrecorded
            ));
        }
    }

    /// Writes the outcome of a claimed send to the outbox and the run.
    fn record(
        &mut self,
        row: &ReportDue,
        stage: Stage,
        k: &OutboxKey,
        ready: Ready,
        result: SendResult,
    ) {
        let (status, error, label) = match &result {
            SendResult::Accepted => (
                OutboxStatus::Sent,
                None,
                MailResult::new(MailOutcome::Sent, "送信済"),
            ),
            SendResult::NotSent(e) => (
                OutboxStatus::Failed,
                Some(e.as_str()),
                MailResult::new(MailOutcome::Failed, format!("送信失敗（再送待ち）: {e}")),
            ),
            SendResult::InDoubt(e) => (
                OutboxStatus::Uncertain,
                Some(e.as_str()),
                MailResult::new(MailOutcome::Uncertain, format!("送信不明（要確認）: {e}")),
            ),
        };
        match status {
            OutboxStatus::Sent => self.out.sent += 1,
            OutboxStatus::Failed => {
                self.out.failed += 1;
                self.out.queued += 1;
            }
            // Uncertain rows are counted with the earlier ones at the end.
            _ => {}
        }
        if let Err(e) = self
            .state
            .outbox_finish(k, &ready.message_id, status, error, &now_stamp())
        {
            // The row stays `sending`; the next run declares it uncertain.
            self.out.messages.push(format!(
                "{}（Message-ID {}）の送信結果を状態ファイルに記録できませんでした: {e}",
                what(row, stage.label()),
                ready.message_id
            ));
        }
        self.out.rows.push(NotificationRow {
            at: now_stamp(),
            to: ready.to.email.to_string(),
            subject: ready.subject,
            kind: MailKind::Reminder(stage),
            result: label,
            application_id: row.application_id.clone(),
            company: row.company.clone(),
            message_id: Some(ready.message_id),
        });
    }

    /// Registers this process as a sender on its first claim, so a run with
    /// nothing to send leaves no lock file.
    fn ensure_sender(&mut self) -> Result<(), String> {
        if self.sender.is_none() {
            self.sender = Some(self.state.outbox_sender().map_err(|e| e.to_string())?);
        }
        Ok(())
    }

    /// Every uncertain reminder of a report still not received: staff must
    /// check the relay's log, on every run until they resolve it.
    fn uncertain_findings(&mut self, plans: &[Plan<'_>], entries: &[OutboxEntry]) {
        let waiting: HashMap<(&str, FiscalYear), &ReportDue> = plans
            .iter()
            .filter(|(_, stage)| stage.is_some())
            .map(|(r, _)| ((r.application_id.as_str(), r.report_fy), *r))
            .collect();
        for e in entries
            .iter()
            .filter(|e| e.status == OutboxStatus::Uncertain)
        {
            let Some(row) = waiting.get(&(e.key.application_id.as_str(), e.key.report_fy)) else {
                continue;
            };
            let stage = e.key.stage.label();
            self.out.uncertain += 1;
            self.out.findings.push(finding(
                row,
                FindingKind::SendUncertain,
                format!(
                    "{}（宛先 {}、Message-ID {}）は、送信処理が途中で終わったため届いたか分かりません。二重送信を避けるため自動では再送しません。中継サーバーのログでこの Message-ID を確認してください。",
                    what(row, stage),
                    e.recipient,
                    e.message_id.as_deref().unwrap_or("不明")
                ),
            ));
        }
    }
}

/// Sends (or, with `dry_run`, writes to `outbox_dir` as `.eml`) the
/// reminder due on `as_of` for each report of `ledger` not yet received.
///
/// Never fails as a whole: a mail that cannot be sent is a row, a finding or
/// a message in the outcome, and the rest of the batch goes on.
pub fn send_reminders(
    mailer: &Mailer,
    state: &State,
    job: &str,
    ledger: &[ReportDue],
    as_of: NaiveDate,
    dry_run: bool,
    outbox_dir: &Path,
) -> NotifyOutcome {
    let plans = plan(ledger, as_of);
    let mut run = Run {
        mailer,
        state,
        job,
        as_of,
        out: NotifyOutcome::default(),
        sender: None,
        state_broken: None,
        unrecorded: 0,
    };
    if !dry_run {
        let now = now_stamp();
        let mut errors = Vec::new();
        if let Err(e) = state.outbox_recover(&now) {
            errors.push(e.to_string());
        }
        for (row, stage) in &plans {
            if let Err(e) = state.outbox_expire(
                &row.application_id,
                row.report_fy,
                stage.map(Stage::code),
                &now,
            ) {
                errors.push(e.to_string());
            }
        }
        // A broken file gives the same sentence for every row: say it once.
        errors.dedup();
        run.out.messages.extend(errors);
    }
    let entries: HashMap<OutboxKey, OutboxEntry> = match state.outbox_entries() {
        Ok(list) => list.into_iter().map(|e| (e.key.clone(), e)).collect(),
        Err(e) => {
            let e = e.to_string();
            if !run.out.messages.contains(&e) {
                run.out.messages.push(e);
            }
            HashMap::new()
        }
    };
    let mut session = Session::new(&mailer.smtp, mailer.rate_per_minute);
    for &(row, stage) in &plans {
        let Some(stage) = stage else { continue };
        match entries.get(&key(row, stage)).map(|e| e.status) {
            Some(OutboxStatus::Queued | OutboxStatus::Failed) | None => {}
            // Done (sent, uncertain, expired) or being sent by another process.
            Some(_) => continue,
        }
        let Some(ready) = run.prepare(row, stage) else {
            continue;
        };
        if dry_run {
            run.dry_run(row, stage, &ready, outbox_dir);
        } else {
            run.send(&mut session, row, stage, ready);
        }
    }
    session.finish();
    run.state_broken_message();
    // In-doubt sends of this run are uncertain now too: read the rows again.
    let list = state
        .outbox_entries()
        .unwrap_or_else(|_| entries.into_values().collect());
    run.uncertain_findings(&plans, &list);
    run.out
}

#[cfg(test)]
mod tests;
