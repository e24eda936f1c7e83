//! Employment-report reminders: the current stage of each report not yet
//! received, sent through the outbox so each is sent at most once.
//!
//! One mail per grantee (メールアドレス and 事業者名) per night names all of
//! its reports due tonight. The outbox key stays per report: one message
//! carries several keys, claimed one by one (a key another process holds is
//! left out and the mail rendered without it), marked `data` together in
//! one transaction just before the message goes out, and finished together.
//! So a crash before the message leaves every key queued, a crash after it
//! leaves every key uncertain (never resent automatically): each report is
//! still mailed at most once, and staff see each in-doubt report on 要確認.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use lettre::message::Mailbox;

use super::message::{self, Draft, HeaderText};
use super::smtp::{SendResult, Session};
use super::stages::{Stage, stage_on, wants_reminder};
use super::templates::DueReport;
use super::{Mailer, NotificationRow, NotifyOutcome, eml, now_stamp};
use crate::calendar::fy_label;
use crate::compliance::reports::ReportDue;
use crate::model::{
    Finding, FindingKind, FiscalYear, MailKind, MailOutcome, MailResult, SharedStr,
};
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
        application_id: row.application_id.to_string(),
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
        detail: detail.into(),
    }
}

/// A mail ready to go: checked headers, rendered body.
struct Ready {
    to: Mailbox,
    subject: String,
    message_id: String,
    bytes: Vec<u8>,
}

/// One grantee's mail tonight: its address and the reports it names.
struct Letter<'a> {
    to: Mailbox,
    reports: Vec<DueReport<'a>>,
}

impl Letter<'_> {
    fn keys(&self) -> Vec<OutboxKey> {
        self.reports.iter().map(|d| key(d.row, d.stage)).collect()
    }
}

/// The earlier stages of a report that really went out (outbox `sent`),
/// with the day they were sent: what a mail may say was asked before.
fn sent_before(
    row: &ReportDue,
    stage: Stage,
    entries: &HashMap<OutboxKey, OutboxEntry>,
) -> Vec<(Stage, Option<NaiveDate>)> {
    Stage::ALL
        .into_iter()
        .filter(|s| *s < stage)
        .filter_map(|s| {
            let e = entries.get(&key(row, s))?;
            (e.status == OutboxStatus::Sent).then(|| {
                let day = e
                    .sent_at
                    .as_deref()
                    .and_then(|t| t.get(..10))
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                (s, day)
            })
        })
        .collect()
}

/// The To header: the bare address, with 事業者名 and 担当者名 as display
/// name when they make a valid header (else the address alone).
fn recipient(addr: &Mailbox, row: &ReportDue) -> Mailbox {
    let name = match row.contact_name.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => format!("{} {c}様", row.company),
        _ => row.company.to_string(),
    };
    match HeaderText::new("宛名", &name) {
        Ok(n) => Mailbox::new(Some(n.as_str().to_string()), addr.email.clone()),
        Err(_) => addr.clone(),
    }
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
        self.row_with_id(row, stage, to, subject, result, None);
    }

    fn row_with_id(
        &mut self,
        row: &ReportDue,
        stage: Stage,
        to: &str,
        subject: &str,
        result: MailResult,
        message_id: Option<&str>,
    ) {
        self.out.mail_lines.push(super::digest::MailLine {
            what: format!(
                "{} {} {}{} {}",
                row.application_id,
                row.company,
                fy_label(row.report_fy),
                row.report_name,
                stage.label()
            ),
            previewed: result.outcome == MailOutcome::Previewed,
            result: result.text.clone(),
        });
        self.out.rows.push(NotificationRow {
            at: now_stamp(),
            to: to.to_string(),
            subject: subject.to_string(),
            kind: MailKind::Reminder(stage),
            result,
            application_id: row.application_id.to_string(),
            company: row.company.to_string(),
            message_id: message_id.map(str::to_string),
        });
    }

    /// One 通知 row per report of the letter, all with the same result.
    fn rows(
        &mut self,
        letter: &Letter<'_>,
        subject: &str,
        result: &MailResult,
        message_id: Option<&str>,
    ) {
        let to = letter.to.email.to_string();
        for d in &letter.reports {
            self.row_with_id(d.row, d.stage, &to, subject, result.clone(), message_id);
        }
    }

    /// The checked address of a report, or the 要確認 row saying why not.
    fn address(&mut self, row: &ReportDue, stage: Stage) -> Option<Mailbox> {
        let email = row.email.as_deref().unwrap_or("").trim();
        match message::address("メールアドレス", email) {
            Ok(to) => Some(to),
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
                None
            }
        }
    }

    /// Renders and builds the letter's mail, or records why it cannot be sent.
    fn prepare(&mut self, letter: &Letter<'_>) -> Option<Ready> {
        let first = letter.reports.first()?;
        let email = letter.to.email.to_string();
        let rendered = match self.mailer.render_reminder(&letter.reports, self.as_of) {
            Ok(r) => r,
            Err(e) => {
                let n = letter.reports.len();
                self.out.queued += n;
                self.out.failed += n;
                self.out.messages.push(e.clone());
                self.rows(
                    letter,
                    "",
                    &MailResult::new(
                        MailOutcome::NotSent,
                        format!("未送信（テンプレートエラー）: {e}"),
                    ),
                    None,
                );
                return None;
            }
        };
        let subject = match HeaderText::subject("件名", &rendered.subject) {
            Ok(s) => s,
            Err(e) => {
                self.invalid_header(letter, &email, &rendered.subject, &e.to_string());
                return None;
            }
        };
        let mut seed = format!(
            "{}/{}/{}",
            first.row.application_id,
            first.row.report_fy,
            first.stage.code()
        );
        if letter.reports.len() > 1 {
            seed.push_str(&format!("+{}", letter.reports.len() - 1));
        }
        let message_id = message::message_id(&seed, &self.mailer.from);
        // What the 通知 sheet and the outbox show is what the header says.
        let subject_text = subject.as_str().to_string();
        let draft = Draft {
            from: self.mailer.from.clone(),
            reply_to: self.mailer.reply_to.clone(),
            to: vec![recipient(&letter.to, first.row)],
            subject,
            body: rendered.body,
            message_id: message_id.clone(),
            attachment: None,
        };
        match message::build(draft) {
            Ok(msg) => Some(Ready {
                to: letter.to.clone(),
                subject: subject_text,
                message_id,
                bytes: msg.formatted(),
            }),
            Err(e) => {
                self.invalid_header(letter, &email, &rendered.subject, &e);
                None
            }
        }
    }

    fn invalid_header(&mut self, letter: &Letter<'_>, to: &str, subject: &str, e: &str) {
        for d in &letter.reports {
            self.out.findings.push(finding(
                d.row,
                FindingKind::InvalidMessage,
                format!(
                    "{}を作れません（{e}）。事業者名などに改行が含まれていないか確認してください。",
                    what(d.row, d.stage.label())
                ),
            ));
            self.row(
                d.row,
                d.stage,
                to,
                subject,
                MailResult::new(MailOutcome::NotSent, "未送信（件名に使えない文字・要確認）"),
            );
        }
    }

    fn dry_run(&mut self, letter: &Letter<'_>, ready: &Ready, dir: &Path) {
        let Some(first) = letter.reports.first() else {
            return;
        };
        let fy = first.row.report_fy.to_string();
        let more = format!("and{}", letter.reports.len() - 1);
        let mut parts = vec![
            self.as_of.to_string(),
            first.row.application_id.to_string(),
            fy,
            first.stage.code().to_string(),
        ];
        if letter.reports.len() > 1 {
            parts.push(more);
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let name = eml::file_name(&parts);
        let result = match eml::write(dir, &name, &ready.bytes) {
            Ok(_) => MailResult::new(MailOutcome::Previewed, format!("試行（.eml出力）: {name}")),
            Err(e) => {
                self.out.messages.push(e.clone());
                MailResult::new(MailOutcome::NotSent, format!("試行（.eml出力失敗）: {e}"))
            }
        };
        self.rows(letter, &ready.subject, &result, None);
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

    /// Claims the letter's keys, sends one message for those won and
    /// records it on each; holds them all in the queue when the relay
    /// stopped answering tonight; sends nothing when the outbox cannot be
    /// written.
    fn send<'r>(&mut self, session: &mut Session<'_>, mut letter: Letter<'r>, ready: Ready) {
        let to = ready.to.email.to_string();
        if self.state_broken.is_some() {
            self.unrecorded += letter.reports.len();
            self.rows(
                &letter,
                &ready.subject,
                &MailResult::new(
                    MailOutcome::NotSent,
                    "未送信（状態ファイルに記録できないため送信せず）",
                ),
                None,
            );
            return;
        }
        let now = now_stamp();
        if session.stopped().is_some() {
            self.hold(&letter, &ready, &now);
            return;
        }
        let asked = letter.reports.len();
        let mut won: Vec<DueReport<'r>> = Vec::new();
        for d in std::mem::take(&mut letter.reports) {
            let k = key(d.row, d.stage);
            match self.claim(&k, &to, &ready, &now) {
                Ok(true) => won.push(d),
                Ok(false) => self.row(
                    d.row,
                    d.stage,
                    &to,
                    &ready.subject,
                    MailResult::new(
                        MailOutcome::NotSent,
                        "未送信（他の処理が送信中または送信済）",
                    ),
                ),
                Err(e) => {
                    self.unrecorded += 1;
                    self.state_broken = Some(e.clone());
                    self.row(
                        d.row,
                        d.stage,
                        &to,
                        &ready.subject,
                        MailResult::new(
                            MailOutcome::NotSent,
                            format!("未送信（状態ファイルに記録できないため送信せず）: {e}"),
                        ),
                    );
                }
            }
        }
        let claimed_all = won.len() == asked;
        letter.reports = won;
        if letter.reports.is_empty() {
            return;
        }
        if self.state_broken.is_some() {
            // Claimed keys go back to the queue: nothing is sent tonight.
            self.release(&letter, &ready, "状態ファイルに記録できないため送信せず");
            return;
        }
        if !claimed_all {
            // Another process holds some of this grantee's reports: rather
            // than a mail naming reports it does not send, ours wait a night.
            self.release(
                &letter,
                &ready,
                "同じ宛先の別の報告を他の処理が送信中のため、次回まとめて送信",
            );
            return;
        }
        let keys = letter.keys();
        let state = self.state;
        let mut mark_failed = None;
        let mut mark = || {
            state
                .outbox_mark_data_all(&keys, &ready.message_id)
                .map_err(|e| {
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
        self.record(&letter, &keys, ready, result);
    }

    /// Puts claimed keys back (`failed`, tried again next run) when the
    /// message will not be sent after all.
    fn release(&mut self, letter: &Letter<'_>, ready: &Ready, why: &str) {
        let now = now_stamp();
        for k in letter.keys() {
            let _ = self.state.outbox_finish(
                &k,
                &ready.message_id,
                OutboxStatus::Failed,
                Some(why),
                &now,
            );
        }
        let n = letter.reports.len();
        self.out.queued += n;
        self.out.failed += n;
        self.rows(
            letter,
            &ready.subject,
            &MailResult::new(MailOutcome::Failed, format!("送信失敗（再送待ち）: {why}")),
            None,
        );
    }

    /// Leaves the letter's keys queued for the next run without trying
    /// them: the relay missed a deadline or could not be reached earlier.
    fn hold(&mut self, letter: &Letter<'_>, ready: &Ready, now: &str) {
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
            self.row(d.row, d.stage, &to, &ready.subject, result);
        }
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

    /// Writes the outcome of a claimed send to the outbox (every key the
    /// message carried) and to the run (one 通知 row per report).
    fn record(
        &mut self,
        letter: &Letter<'_>,
        keys: &[OutboxKey],
        ready: Ready,
        result: SendResult,
    ) {
        let n = letter.reports.len();
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
            OutboxStatus::Sent => self.out.sent += n,
            OutboxStatus::Failed => {
                self.out.failed += n;
                self.out.queued += n;
            }
            // Uncertain rows are counted with the earlier ones at the end.
            _ => {}
        }
        for (d, k) in letter.reports.iter().zip(keys) {
            if let Err(e) =
                self.state
                    .outbox_finish(k, &ready.message_id, status, error, &now_stamp())
            {
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
    // One letter per grantee (address and 事業者名), in ledger order.
    let mut letters: Vec<Letter<'_>> = Vec::new();
    let mut index: HashMap<(String, SharedStr), usize> = HashMap::new();
    for &(row, stage) in &plans {
        let Some(stage) = stage else { continue };
        match entries.get(&key(row, stage)).map(|e| e.status) {
            Some(OutboxStatus::Queued | OutboxStatus::Failed) | None => {}
            // Done (sent, uncertain, expired) or being sent by another process.
            Some(_) => continue,
        }
        let Some(to) = run.address(row, stage) else {
            continue;
        };
        let due = DueReport {
            row,
            stage,
            sent_before: sent_before(row, stage, &entries),
        };
        let grantee = (to.email.to_string().to_lowercase(), row.company.clone());
        match index.get(&grantee) {
            Some(&i) => letters[i].reports.push(due),
            None => {
                index.insert(grantee, letters.len());
                letters.push(Letter {
                    to,
                    reports: vec![due],
                });
            }
        }
    }
    let mut session = Session::new(&mailer.smtp, mailer.rate_per_minute);
    for letter in letters {
        let Some(ready) = run.prepare(&letter) else {
            continue;
        };
        if dry_run {
            run.dry_run(&letter, &ready, outbox_dir);
        } else {
            run.send(&mut session, letter, ready);
        }
    }
    session.finish();
    // 通知 in ledger order, however the reports were grouped into mails.
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, (r, _)) in plans.iter().filter(|(_, s)| s.is_some()).enumerate() {
        position.entry(r.application_id.as_str()).or_insert(i);
    }
    let mut paired: Vec<_> = std::mem::take(&mut run.out.rows)
        .into_iter()
        .zip(std::mem::take(&mut run.out.mail_lines))
        .collect();
    paired.sort_by_key(|(r, _)| {
        position
            .get(r.application_id.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    (run.out.rows, run.out.mail_lines) = paired.into_iter().unzip();
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
