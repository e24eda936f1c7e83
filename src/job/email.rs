//! The `[email]` section of a job file: who mails whom through which
//! relay, what every reminder prints, and the night's sending window,
//! checked when the job loads.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{JobError, SendWindow, join_clean, substitute_env};
use crate::logging::one_line;

/// `email.reply_within_days` when the job does not set it.
pub(crate) const DEFAULT_REPLY_WITHIN_DAYS: u32 = 14;

/// The `[email]` section.
#[derive(Debug, Clone)]
pub struct EmailSpec {
    pub from: String,
    pub staff: Vec<String>,
    pub smtp_url: SmtpUrl,
    pub outbox: PathBuf,
    /// The city's contact printed in every mail (department, phone, address).
    pub contact: Option<String>,
    /// Where replies go (`Reply-To`). When set, replies reach staff, so the
    /// mails do not say they come from a send-only address.
    pub reply_to: Option<String>,
    /// How to submit a report (持参・郵送・メール), printed in every reminder.
    pub submission: Option<String>,
    /// Where to submit it (提出先: postal address, counter, mail address).
    pub submit_to: Option<String>,
    /// The page the forms are downloaded from, printed in every reminder.
    pub forms_url: Option<String>,
    /// 督促 and 再督促 ask for a reply by this many days after the night,
    /// moved to the next open day (default [`DEFAULT_REPLY_WITHIN_DAYS`]).
    pub reply_within_days: u32,
    /// At most this many mails a minute (0 = no limit; unset: 30, as
    /// README shows).
    pub rate_per_minute: u32,
    /// Until when, or how many, reminders a night sends; the rest waits.
    pub window: SendWindow,
    /// Seconds allowed for connecting and for each SMTP command.
    pub timeout_seconds: u64,
    /// Folder of the mail templates (default: `templates/` of the project).
    pub templates: Option<PathBuf>,
}

/// An SMTP URL that may carry a password: its `Debug` and `Display` mask it
/// so it can never reach a log line or a report by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The real URL, for the one place that connects.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `****`.
    pub fn masked(&self) -> String {
        mask_url_password(&self.0)
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({})", self.masked())
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Replaces the password of `scheme://user:password@host` with `****`.
pub(crate) fn mask_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    match userinfo.find(':') {
        Some(colon) => format!(
            "{}{}:****{}",
            &url[..scheme_end + 3],
            &userinfo[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmail {
    from: String,
    #[serde(default)]
    staff: Vec<String>,
    smtp_url: String,
    outbox: String,
    contact: Option<String>,
    reply_to: Option<String>,
    submission: Option<String>,
    submit_to: Option<String>,
    forms_url: Option<String>,
    reply_within_days: Option<u32>,
    rate_per_minute: Option<u32>,
    timeout_seconds: Option<u64>,
    send_until: Option<String>,
    max_mails_per_night: Option<usize>,
    templates: Option<String>,
}

/// `rate_per_minute` of a job that does not set it: what README shows.
pub(crate) const DEFAULT_RATE_PER_MINUTE: u32 = 30;

/// The `[email]` section alone, for telling staff that the rest of the job
/// file is wrong: `None` when even that section cannot be read.
pub(crate) fn email_section(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<EmailSpec> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    let mut email = value.get("email")?.clone();
    substitute_env(&mut email, "email", path, env).ok()?;
    let raw: RawEmail = email.try_into().ok()?;
    let base = path.parent().unwrap_or(Path::new("."));
    let invalid = |key: &str, message: String| JobError::Invalid {
        path: path.to_path_buf(),
        key: key.to_string(),
        message,
    };
    email_spec(raw, base, &invalid).ok()
}

pub(super) fn email_spec(
    e: RawEmail,
    base: &Path,
    invalid: &dyn Fn(&str, String) -> JobError,
) -> Result<EmailSpec, JobError> {
    check_addresses(&e, invalid)?;
    let url = e.smtp_url.trim();
    // Texts printed in the mails: present means written, so a key left
    // blank is a mistake rather than "not set".
    let text = |key: &'static str, v: Option<String>| match v {
        Some(t) if t.trim().is_empty() => Err(invalid(
            key,
            "空です。書く内容がなければ、この行を削除してください。".to_string(),
        )),
        other => Ok(other.map(|t| t.trim_end().to_string())),
    };
    let window = send_window(&e, invalid)?;
    let contact = text("email.contact", e.contact)?;
    let submission = text("email.submission", e.submission)?;
    let submit_to = text("email.submit_to", e.submit_to)?;
    let forms_url = match e.forms_url.map(|u| u.trim().to_string()) {
        Some(u)
            if !(u.starts_with("https://") || u.starts_with("http://"))
                || u.chars().any(char::is_whitespace) =>
        {
            return Err(invalid(
                "email.forms_url",
                format!(
                    "https:// で始まる、空白を含まない URL を指定してください: {}",
                    one_line(&u)
                ),
            ));
        }
        other => other,
    };
    let reply_within_days = e.reply_within_days.unwrap_or(DEFAULT_REPLY_WITHIN_DAYS);
    if !(1..=90).contains(&reply_within_days) {
        return Err(invalid(
            "email.reply_within_days",
            format!("{reply_within_days}日は使えません。1〜90の日数を指定してください。"),
        ));
    }
    Ok(EmailSpec {
        from: e.from,
        staff: e.staff,
        smtp_url: SmtpUrl::new(url),
        outbox: join_clean(base, e.outbox),
        contact,
        reply_to: e.reply_to.map(|r| r.trim().to_string()),
        submission,
        submit_to,
        forms_url,
        reply_within_days,
        rate_per_minute: e.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE),
        window,
        timeout_seconds: e.timeout_seconds.unwrap_or(30).max(1),
        templates: e.templates.map(|t| join_clean(base, t)),
    })
}

/// The addresses and the relay URL look like what they are (the mailer
/// parses them fully when it is built).
fn check_addresses(
    e: &RawEmail,
    invalid: &dyn Fn(&str, String) -> JobError,
) -> Result<(), JobError> {
    if e.from.contains(['\r', '\n']) || !e.from.contains('@') {
        return Err(invalid(
            "email.from",
            format!("差出人アドレスとして使えません: {}", one_line(&e.from)),
        ));
    }
    for s in &e.staff {
        if s.contains(['\r', '\n']) || !s.contains('@') {
            return Err(invalid(
                "email.staff",
                format!("宛先アドレスとして使えません: {}", one_line(s)),
            ));
        }
    }
    let url = e.smtp_url.trim();
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err(invalid(
            "email.smtp_url",
            format!(
                "smtp:// または smtps:// で始まる URL を指定してください: {}",
                one_line(&mask_url_password(url))
            ),
        ));
    }
    if let Some(r) = &e.reply_to
        && (r.contains(['\r', '\n']) || !r.contains('@'))
    {
        return Err(invalid(
            "email.reply_to",
            format!("返信先アドレスとして使えません: {}", one_line(r)),
        ));
    }
    Ok(())
}

/// `email.send_until` and `email.max_mails_per_night`: when a night stops
/// sending, and after how many mails.
fn send_window(
    e: &RawEmail,
    invalid: &dyn Fn(&str, String) -> JobError,
) -> Result<SendWindow, JobError> {
    let until = match e.send_until.as_deref().map(str::trim) {
        None => None,
        Some(t) => Some(chrono::NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
            invalid(
                "email.send_until",
                format!(
                    "時刻を \"06:00\" のように HH:MM で書いてください（Asia/Tokyo）: {}",
                    one_line(t)
                ),
            )
        })?),
    };
    if e.max_mails_per_night == Some(0) {
        return Err(invalid(
            "email.max_mails_per_night",
            "0 では一通も送れません。上限を設けないなら、この行を削除してください。".into(),
        ));
    }
    Ok(SendWindow {
        until,
        max_mails: e.max_mails_per_night,
    })
}
