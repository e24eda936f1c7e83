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
use super::smtp::Session;
use super::templates::DueReport;
use super::window::{Budget, Closed};
use super::{Mailer, NotifyOutcome, eml, said};
use crate::calendar::FiscalYear;
use crate::calendar::fy_label;
use crate::compliance::reports::ReportDue;
use crate::compliance::stages::{stage_on, wants_reminder};
use crate::model::NotificationRow;
use crate::model::Stage;
use crate::model::{Finding, FindingKind, MailKind, MailOutcome, MailResult};
use crate::state::State;
use crate::state::outbox::{OutboxEntry, OutboxKey, OutboxStatus, Sender};
use crate::text::SharedStr;

/// One ledger row and the stage due for it on the as-of date (`None`: no mail).
type Plan<'a> = (&'a ReportDue, Option<Stage>);

/// The stage due for each report, one per (申請番号, 報告年度): the key of
/// the outbox. None for a report received after the as-of date (a replay). A second duty with the same key (not in today's catalogue)
/// rides on the first one's mail.
fn plan(ledger: &[ReportDue], as_of: NaiveDate) -> Vec<Plan<'_>> {
    let mut seen = HashSet::new();
    ledger
        .iter()
        .filter(|r| seen.insert((r.application_id.as_str(), r.report_fy)))
        .map(|r| {
            // A replay never duns a grantee whose report the export holds, and an
            // assumed duty (a grant under a 要綱 the seeds do not hold) is never mailed.
            let stage = (wants_reminder(r.state) && r.received_later.is_none() && r.mailable())
                .then(|| stage_on(r.report_fy, r.due, r.grace_open_days, as_of))
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
    /// The sent-keys log beside the state file, opened with the sender.
    sent_log: Option<crate::state::sent_log::SentLog>,
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
        self.out.mail_lines.push(crate::night::MailLine {
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
            at: self.mailer.clock.stamp().to_string(),
            to: to.to_string(),
            subject: subject.to_string(),
            kind: MailKind::Reminder(stage),
            result,
            application_id: row.application_id.to_string(),
            company: row.company.to_string(),
            report_fy: Some(row.report_fy),
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
                    said(MailOutcome::NotSent, "（宛先不備・要確認）"),
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
                self.out.messages.push(e.to_string());
                self.rows(
                    letter,
                    "",
                    &said(
                        MailOutcome::NotSent,
                        format_args!("（テンプレートエラー）: {e}"),
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
        match message::build(draft, self.mailer.clock.stamp()) {
            Ok(msg) => Some(Ready {
                to: letter.to.clone(),
                subject: subject_text,
                message_id,
                bytes: msg.formatted(),
            }),
            Err(e) => {
                self.invalid_header(letter, &email, &rendered.subject, &e.to_string());
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
                said(MailOutcome::NotSent, "（件名に使えない文字・要確認）"),
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
            Ok(_) => said(MailOutcome::Previewed, format_args!("（.eml出力）: {name}")),
            Err(e) => {
                self.out.messages.push(e.to_string());
                MailResult::new(
                    MailOutcome::NotSent,
                    format!("{}（.eml出力失敗）: {e}", MailOutcome::Previewed),
                )
            }
        };
        self.rows(letter, &ready.subject, &result, None);
    }

    /// Letters a closed window leaves for the next night: queued in the
    /// outbox in one transaction (70,000 of them must not cost a night of
    /// fsyncs), 送信保留 on 通知, one sentence for stderr and the history.
    fn hold_for_window(&mut self, held: &[Letter<'_>], why: Closed) {
        let now = self.mailer.clock.stamp();
        let mut keys = Vec::new();
        for letter in held {
            let to = letter.to.email.to_string();
            for d in &letter.reports {
                keys.push((key(d.row, d.stage), to.clone()));
            }
        }
        let queued = self.state.outbox_queue_many(self.job, &keys, now);
        let n = keys.len();
        let result = match &queued {
            Ok(()) => said(
                MailOutcome::Held,
                format_args!("（{}ため今夜は送らず、次回送信）", why.reason()),
            ),
            Err(e) => said(
                MailOutcome::NotSent,
                format_args!("（状態ファイルに記録できません）: {e}"),
            ),
        };
        for letter in held {
            let to = letter.to.email.to_string();
            for d in &letter.reports {
                self.row(d.row, d.stage, &to, "", result.clone());
            }
        }
        match queued {
            Ok(()) => {
                self.out.queued += n;
                self.out.messages.push(format!(
                    "{}。残りの督促等のメール {n} 通（{} 事業者）は送信待ちとして残し、次回の実行で段階の進んだものから送ります。",
                    why.sentence(),
                    held.len()
                ));
            }
            Err(e) => self.out.messages.push(e.to_string()),
        }
    }

    /// The mails earlier runs of this business date sent (a rerun rewrites
    /// that date's workbook: its 通知 keeps them), from the outbox, after
    /// this run's own.
    fn earlier_runs_of_the_day(&mut self, plans: &[Plan<'_>]) {
        let entries = match self.state.outbox_gone_on(self.job, &self.as_of.to_string()) {
            Ok(e) => e,
            Err(e) => {
                self.out.messages.push(e.to_string());
                return;
            }
        };
        let tonight: HashSet<(String, Option<String>)> = self
            .out
            .rows
            .iter()
            .map(|r| (r.application_id.clone(), r.message_id.clone()))
            .collect();
        let rows: HashMap<(&str, FiscalYear), &ReportDue> = plans
            .iter()
            .map(|(r, _)| ((r.application_id.as_str(), r.report_fy), *r))
            .collect();
        for e in entries {
            if tonight.contains(&(e.key.application_id.clone(), e.message_id.clone())) {
                continue;
            }
            let Some(row) = rows.get(&(e.key.application_id.as_str(), e.key.report_fy)) else {
                continue;
            };
            let result = match e.status {
                OutboxStatus::Sent => said(MailOutcome::Sent, "（同じ基準日の先の実行）"),
                _ => said(MailOutcome::Uncertain, "（同じ基準日の先の実行・要確認）"),
            };
            let at = e.sent_at.clone().unwrap_or(e.updated_at.clone());
            self.row_with_id(
                row,
                e.key.stage,
                &e.recipient,
                &e.subject,
                result,
                e.message_id.as_deref(),
            );
            if let Some(last) = self.out.rows.last_mut() {
                last.at = at;
            }
        }
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
        sent_log: None,
        state_broken: None,
        unrecorded: 0,
    };
    if !dry_run {
        run.settle_outbox(&plans);
    }
    let entries = run.outbox_by_key();
    let letters = run.letters(&plans, &entries);
    run.deliver(letters, dry_run, outbox_dir);
    if !dry_run {
        run.earlier_runs_of_the_day(&plans);
    }
    run.in_ledger_order(&plans);
    run.state_broken_message();
    // In-doubt sends of this run are uncertain now too: read the rows again.
    let list = state
        .outbox_entries()
        .unwrap_or_else(|_| entries.into_values().collect());
    run.uncertain_findings(&plans, &list);
    run.out
}

impl<'a> Run<'a> {
    /// Before anything is sent: claims of senders that died are settled
    /// (see [`State::outbox_recover`]) and keys whose stage has passed expire.
    fn settle_outbox(&mut self, plans: &[Plan<'_>]) {
        let state = self.state;
        let now = self.mailer.clock.stamp();
        let mut errors = Vec::new();
        if let Err(e) = state.outbox_recover(now) {
            errors.push(e.to_string());
        }
        // One transaction for the night's expiries: 70,000 reports must
        // not cost 70,000 commits.
        let expired = state.in_transaction(|| {
            for (row, stage) in plans {
                if let Err(e) = state.outbox_expire(
                    &row.application_id,
                    row.report_fy,
                    stage.map(Stage::code),
                    now,
                ) {
                    errors.push(e.to_string());
                }
            }
        });
        if let Err(e) = expired {
            errors.push(e.to_string());
        }
        // A broken file gives the same sentence for every row: say it once.
        errors.dedup();
        self.out.messages.extend(errors);
    }

    /// The outbox's rows by key; none (and the sentence why) when it
    /// cannot be read.
    fn outbox_by_key(&mut self) -> HashMap<OutboxKey, OutboxEntry> {
        match self.state.outbox_entries() {
            Ok(list) => list.into_iter().map(|e| (e.key.clone(), e)).collect(),
            Err(e) => {
                let e = e.to_string();
                if !self.out.messages.contains(&e) {
                    self.out.messages.push(e);
                }
                HashMap::new()
            }
        }
    }

    /// One letter per grantee (address and 事業者名), in ledger order, of
    /// the reports due tonight that no mail has settled yet; most advanced
    /// stage first, so what a window leaves waits for the most urgent mails
    /// (stable: ledger order within a stage).
    fn letters<'r>(
        &mut self,
        plans: &[Plan<'r>],
        entries: &HashMap<OutboxKey, OutboxEntry>,
    ) -> Vec<Letter<'r>> {
        let mut letters: Vec<Letter<'r>> = Vec::new();
        let mut index: HashMap<(String, SharedStr), usize> = HashMap::new();
        for &(row, stage) in plans {
            let Some(stage) = stage else { continue };
            match entries.get(&key(row, stage)).map(|e| e.status) {
                Some(OutboxStatus::Queued | OutboxStatus::Failed) | None => {}
                // Done (sent, uncertain, expired) or being sent by another process.
                Some(_) => continue,
            }
            let Some(to) = self.address(row, stage) else {
                continue;
            };
            let due = DueReport {
                row,
                stage,
                sent_before: sent_before(row, stage, entries),
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
        letters.sort_by_key(|l| std::cmp::Reverse(l.reports.iter().map(|d| d.stage).max()));
        letters
    }

    /// Sends the letters (or writes them as `.eml`) while the sending
    /// window lasts; what it leaves waits in the queue for the next night.
    fn deliver(&mut self, letters: Vec<Letter<'_>>, dry_run: bool, outbox_dir: &Path) {
        let mailer = self.mailer;
        let mut session = Session::new(&mailer.smtp, mailer.rate_per_minute);
        let mut budget = Budget::new(mailer.window, mailer.clock.now());
        let mut held: Vec<Letter<'_>> = Vec::new();
        let mut closed = None;
        for letter in letters {
            if !dry_run && closed.is_none() {
                closed = budget.closed(mailer.clock.now());
            }
            if closed.is_some() {
                held.push(letter);
                continue;
            }
            let Some(ready) = self.prepare(&letter) else {
                continue;
            };
            if dry_run {
                self.dry_run(&letter, &ready, outbox_dir);
            } else {
                let before = self.out.sent;
                self.send(&mut session, letter, ready);
                if self.out.sent > before {
                    budget.spend();
                }
            }
        }
        session.finish();
        if let Some(why) = closed {
            self.hold_for_window(&held, why);
        }
    }

    /// 通知 in ledger order, however the reports were grouped into mails.
    fn in_ledger_order(&mut self, plans: &[Plan<'_>]) {
        let mut position: HashMap<&str, usize> = HashMap::new();
        for (i, (r, _)) in plans.iter().filter(|(_, s)| s.is_some()).enumerate() {
            position.entry(r.application_id.as_str()).or_insert(i);
        }
        let mut paired: Vec<_> = std::mem::take(&mut self.out.rows)
            .into_iter()
            .zip(std::mem::take(&mut self.out.mail_lines))
            .collect();
        paired.sort_by_key(|(r, _)| {
            position
                .get(r.application_id.as_str())
                .copied()
                .unwrap_or(usize::MAX)
        });
        (self.out.rows, self.out.mail_lines) = paired.into_iter().unzip();
    }
}

mod delivery;
#[cfg(test)]
mod tests;
