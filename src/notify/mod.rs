//! E-mail: employment-report reminders to grantees and the nightly digest to
//! staff.
//!
//! - [`crate::compliance::stages`]: 案内, 催促, 督促, 再督促 and the window of days of each
//!   (when a reminder is due is the duty's, so it lives with the ledger).
//! - [`templates`]: the city's editable templates, checked when the job loads.
//! - [`message`]: headers checked before they exist, and the messages.
//! - [`smtp`]: the contract's SMTP URLs and one connection per batch.
//! - [`reminders`]: [`send_reminders`], through the outbox ledger
//!   ([`crate::state::outbox`]) so each reminder is sent at most once.
//! - [`digest`]: [`send_digest`], with the workbook attached.
//! - [`eml`]: `--dry-run` writes each mail as an `.eml` file instead.
//! - `dates` and `wrap`: dates as notices write them (令和6年4月30日（火）, the
//!   reply-by day) and body lines wrapped for a phone.
//!
//! The clock is the night's, passed in with the [`Mailer`] (never read
//! here): it stamps metadata (the Date header, the 通知 sheet's 日時, the
//! outbox's timestamps) and tells whether the sending window is open; which
//! mail is due is decided by the as-of date alone.
//!
//! The guarantees (each reminder at most once, loud when in doubt), the
//! `--dry-run` preview and the relay URL forms are documented for operators
//! in README.md, section "Emails".

mod dates;
pub(crate) mod digest;
pub(crate) mod eml;
mod error;
pub(crate) mod failure;
pub(crate) mod message;
pub(crate) mod reminders;
pub(crate) mod sent_guard;
pub(crate) mod smtp;
pub(crate) mod templates;
pub(crate) mod window;
mod wrap;

use std::path::Path;
use std::time::Duration;

use lettre::message::Mailbox;

use crate::clock::SharedClock;
use crate::job::EmailSpec;
use crate::model::{Finding, MailCounts, MailOutcome, MailResult, NotificationRow};

pub use digest::send_digest;
pub(crate) use error::MailError;
pub use reminders::send_reminders;
pub(crate) use templates::Rendered;

/// Everything needed to send: checked settings, loaded templates, and the
/// SMTP configuration (no connection is opened until there is mail).
#[derive(Debug)]
pub struct Mailer {
    from: Mailbox,
    /// `email.reply_to`: replies reach staff there.
    reply_to: Option<Mailbox>,
    staff: Vec<Mailbox>,
    contact: String,
    submission: Option<String>,
    submit_to: Option<String>,
    /// `email.forms_url`: where the forms are downloaded.
    forms_url: Option<String>,
    /// `email.reply_within_days`: 督促 and 再督促 ask a reply by then.
    reply_within_days: u32,
    rate_per_minute: u32,
    window: crate::job::SendWindow,
    /// When the night began and whether its window is still open.
    clock: SharedClock,
    smtp: smtp::SmtpConfig,
    templates: templates::Templates,
}

impl Mailer {
    /// Checks the `[email]` section and loads the templates from
    /// `spec.templates`, else `default_templates` when that folder exists,
    /// else the templates compiled into the binary.
    ///
    /// `clock` is the night's: it decides whether the sending window is
    /// open, and stamps the Date header, 通知's 日時 and the outbox.
    pub fn new(
        spec: &EmailSpec,
        default_templates: &Path,
        clock: SharedClock,
    ) -> Result<Mailer, MailError> {
        let setting = |key: &'static str, message: String| MailError::Setting { key, message };
        let from = message::mailbox("差出人", &spec.from)
            .map_err(|e| setting("email.from", e.to_string()))?;
        let reply_to = spec
            .reply_to
            .as_deref()
            .map(|r| message::mailbox("返信先", r))
            .transpose()
            .map_err(|e| setting("email.reply_to", e.to_string()))?;
        let staff = spec
            .staff
            .iter()
            .map(|s| message::mailbox("職員の宛先", s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| setting("email.staff", e.to_string()))?;
        // Without `contact` the sender is the contact: a job file written to
        // the contract's example (which has no such key) still loads.
        let contact = match spec.contact.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => c.to_string(),
            _ => match &from.name {
                Some(name) => format!("{name}\nメール: {}", from.email),
                None => format!("メール: {}", from.email),
            },
        };
        let smtp = smtp::SmtpConfig::parse(
            spec.smtp_url.expose(),
            Duration::from_secs(spec.timeout_seconds.max(1)),
        )
        .map_err(|e| setting("email.smtp_url", e.to_string()))?;
        // The job's folder must exist; the default one is used when present
        // (the city's edited copies), else the shipped templates.
        let templates = match spec.templates.as_deref() {
            Some(dir) => templates::Templates::load(dir)?,
            None if default_templates.is_dir() => templates::Templates::load(default_templates)?,
            None => templates::Templates::builtin()?,
        };
        Ok(Mailer {
            from,
            reply_to,
            staff,
            contact,
            submission: spec.submission.clone(),
            submit_to: spec.submit_to.clone(),
            forms_url: spec.forms_url.clone(),
            reply_within_days: spec.reply_within_days,
            rate_per_minute: spec.rate_per_minute,
            window: spec.window,
            clock,
            smtp,
            templates,
        })
    }

    /// The reminder about `reports` (one grantee's, tonight) as it would be
    /// sent on `as_of`, from the template of the most advanced stage, its
    /// body lines wrapped for a phone (see `notify/wrap.rs`).
    pub fn render_reminder(
        &self,
        reports: &[templates::DueReport<'_>],
        as_of: chrono::NaiveDate,
    ) -> Result<Rendered, MailError> {
        let letter = templates::Letter {
            reports,
            contact: &self.contact,
            submission: self.submission.as_deref(),
            submit_to: self.submit_to.as_deref(),
            forms_url: self.forms_url.as_deref(),
            reply_by: dates::reply_by(as_of, self.reply_within_days),
            replies_reach_staff: self.reply_to.is_some(),
        };
        let stage = letter
            .primary()
            .map(|d| d.stage)
            .ok_or(MailError::NoReports)?;
        let mut rendered = self.templates.render(
            stage.template(),
            templates::reminder_context(&letter, as_of),
        )?;
        rendered.body = wrap::wrap(&rendered.body);
        Ok(rendered)
    }
}

/// What [`send_reminders`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyOutcome {
    /// The run's mails, for the 通知 sheet.
    pub rows: Vec<NotificationRow>,
    /// Accepted by the server in this run.
    pub sent: usize,
    /// Due in the current window and not delivered: tried again next run.
    pub queued: usize,
    /// Tried in this run and refused or not reached (each is also queued).
    pub failed: usize,
    /// May or may not have been delivered; never re-sent automatically.
    pub uncertain: usize,
    /// 要確認 rows: no usable address, unusable header text, in-doubt sends.
    pub findings: Vec<Finding>,
    /// Full sentences for stderr about the state file or the outbox folder.
    pub messages: Vec<String>,
    /// The run's reminders as the staff digest lists them, one per report.
    pub mail_lines: Vec<crate::night::MailLine>,
}

impl NotifyOutcome {
    /// The counts the workbook and the digest show.
    pub fn counts(&self) -> MailCounts {
        MailCounts {
            sent: self.sent,
            queued: self.queued,
            failed: self.failed,
            uncertain: self.uncertain,
        }
    }

    /// Mail left queued or in doubt: the run's exit status is 1.
    pub fn needs_attention(&self) -> bool {
        self.queued > 0 || self.uncertain > 0 || !self.messages.is_empty()
    }
}

/// 結果 as 通知 shows it: the outcome's own word, then what `detail` adds
/// (「送信失敗（再送待ち）: …」).
pub(crate) fn said(outcome: MailOutcome, detail: impl std::fmt::Display) -> MailResult {
    MailResult::new(outcome, format!("{}{detail}", outcome.label()))
}

#[cfg(test)]
mod tests;
