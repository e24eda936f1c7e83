//! SMTP: the contract's URL forms, and one connection per batch.
//!
//! | URL | connection |
//! |---|---|
//! | `smtp://host:25` | plain, no AUTH allowed |
//! | `smtp://user:pass@host:587?tls=required` | STARTTLS required, then AUTH |
//! | `smtp://host:587?tls=opportunistic` | STARTTLS when offered |
//! | `smtps://user:pass@host:465` | TLS from the first byte, then AUTH |
//!
//! User and password are percent-decoded (`p%40ss` is `p@ss`). `ca=/path.pem`
//! adds a private CA (a city relay with an internal CA) to the public roots;
//! certificates are always verified. A password is only ever sent over TLS:
//! a URL with one and no TLS is refused when the job loads, and an
//! opportunistic connection that was not upgraded refuses to authenticate.
//!
//! Sending is done step by step on lettre's [`SmtpConnection`] so each
//! failure is known to be before or after the message was handed over: a
//! refusal (4xx/5xx) or anything before the end of DATA leaves the mail
//! unsent and safe to retry; a timeout or lost connection waiting for the
//! final reply leaves it [`SendResult::InDoubt`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use crate::job::mask_url_password;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    None,
    StartTlsRequired,
    StartTlsOpportunistic,
    Implicit,
}

/// A parsed SMTP URL. Its `Debug` never shows the password.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    password: Option<String>,
    pub ca: Option<PathBuf>,
    pub hello: Option<String>,
    pub timeout: Duration,
    tls: Option<TlsParameters>,
    masked: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &self.masked)
            .field("security", &self.security)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("% の後に16進数2桁がありません")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "UTF-8 として読めません".to_string())
}

impl SmtpConfig {
    /// Parses and checks a URL; the error is a Japanese sentence with the
    /// password masked.
    pub fn parse(raw: &str, timeout: Duration) -> Result<SmtpConfig, String> {
        let masked = mask_url_password(raw);
        let bad = |why: &str| format!("SMTP の URL {masked} は使えません: {why}");
        let url = url::Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(bad("ホスト名がありません")),
        };
        let mut tls_mode = None;
        let mut ca = None;
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "tls" => tls_mode = Some(v.into_owned()),
                "ca" => ca = Some(PathBuf::from(v.into_owned())),
                other => {
                    return Err(bad(&format!(
                        "未知の指定 {other} があります（使えるのは tls と ca）"
                    )));
                }
            }
        }
        let (security, default_port) = match (url.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (Security::StartTlsRequired, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTlsOpportunistic, 587),
            ("smtps", None) => (Security::Implicit, 465),
            ("smtp" | "smtps", Some(other)) => {
                return Err(bad(&format!(
                    "tls={other} は使えません（smtp:// では tls=required か tls=opportunistic、smtps:// では指定なし）"
                )));
            }
            (scheme, _) => {
                return Err(bad(&format!(
                    "{scheme}:// ではなく smtp:// か smtps:// を使ってください"
                )));
            }
        };
        let user = Some(url.username())
            .filter(|u| !u.is_empty())
            .map(percent_decode)
            .transpose()
            .map_err(|e| bad(&format!("ユーザー名が{e}")))?;
        let password = url
            .password()
            .map(percent_decode)
            .transpose()
            .map_err(|_| bad("パスワードを percent-decode できません"))?;
        if password.is_some() && security == Security::None {
            return Err(bad(
                "パスワードを平文で送らないよう、?tls=required を付けるか smtps:// を使ってください",
            ));
        }
        let hello = Some(url.path().trim_matches('/'))
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let tls = match security {
            Security::None => None,
            _ => Some(tls_parameters(&host, ca.as_deref()).map_err(|e| bad(&e))?),
        };
        Ok(SmtpConfig {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            user,
            password,
            ca,
            hello,
            timeout,
            tls,
            masked,
        })
    }

    /// The URL as it may be shown (password masked).
    pub fn masked(&self) -> &str {
        &self.masked
    }

    /// Replaces the password wherever it appears in `text`.
    pub fn scrub(&self, text: &str) -> String {
        match self.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => text.replace(p, "****"),
            None => text.to_string(),
        }
    }
}

fn tls_parameters(host: &str, ca: Option<&std::path::Path>) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(host.to_string());
    if let Some(path) = ca {
        let pem = std::fs::read(path)
            .map_err(|e| format!("CA 証明書 {} を読めません（{e}）", path.display()))?;
        // A PEM file without a certificate parses as an empty list: refuse
        // it, or the relay would fail later with a less helpful message.
        if !pem
            .windows(b"-----BEGIN CERTIFICATE-----".len())
            .any(|w| w == b"-----BEGIN CERTIFICATE-----")
        {
            return Err(format!(
                "CA 証明書 {} に PEM 形式の証明書がありません",
                path.display()
            ));
        }
        let cert = Certificate::from_pem(&pem).map_err(|e| {
            format!(
                "CA 証明書 {} は PEM として読めません（{e}）",
                path.display()
            )
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| e.to_string())
}

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    /// The server answered 250 to the end of DATA.
    Accepted,
    /// Not handed over, or refused: safe to send again later.
    NotSent(String),
    /// Handed over, but the final answer never came: may have been delivered.
    InDoubt(String),
}

/// One SMTP session for a batch: connects on first use, reconnects after a
/// broken connection, paces sends to the configured rate.
pub struct Session<'a> {
    cfg: &'a SmtpConfig,
    conn: Option<SmtpConnection>,
    /// Set when connecting failed: the rest of the batch is not tried, so a
    /// dead relay costs one timeout, not one per mail.
    unreachable: Option<String>,
    min_interval: Duration,
    last_send: Option<Instant>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cfg", self.cfg)
            .field("connected", &self.conn.is_some())
            .finish_non_exhaustive()
    }
}

enum Failure {
    /// Before the message was handed over; `network` when no reply code came.
    Before {
        message: String,
        network: bool,
    },
    After(String),
}

impl<'a> Session<'a> {
    pub fn new(cfg: &'a SmtpConfig, rate_per_minute: u32) -> Session<'a> {
        let min_interval = match rate_per_minute {
            0 => Duration::ZERO,
            n => Duration::from_secs(60) / n,
        };
        Session {
            cfg,
            conn: None,
            unreachable: None,
            min_interval,
            last_send: None,
        }
    }

    fn connect(&self) -> Result<SmtpConnection, String> {
        let cfg = self.cfg;
        let hello = cfg
            .hello
            .clone()
            .map_or_else(ClientId::default, ClientId::Domain);
        let wrapper = (cfg.security == Security::Implicit)
            .then_some(cfg.tls.as_ref())
            .flatten();
        let fail = |e: &dyn std::fmt::Display| {
            cfg.scrub(&format!(
                "SMTP サーバー {}:{} に接続できません（{e}）",
                cfg.host, cfg.port
            ))
        };
        let mut conn = SmtpConnection::connect(
            (cfg.host.as_str(), cfg.port),
            Some(cfg.timeout),
            &hello,
            wrapper,
            None,
        )
        .map_err(|e| fail(&e))?;
        let upgrade = match cfg.security {
            Security::StartTlsRequired => true,
            Security::StartTlsOpportunistic => conn.can_starttls(),
            _ => false,
        };
        if let (true, Some(tls)) = (upgrade, cfg.tls.as_ref()) {
            conn.starttls(tls, &hello).map_err(|e| fail(&e))?;
        }
        if let (Some(user), Some(password)) = (&cfg.user, &cfg.password) {
            if !conn.is_encrypted() {
                conn.abort();
                return Err(fail(&"TLS に切り替わらなかったため、認証情報を送りません"));
            }
            let creds = Credentials::new(user.clone(), password.clone());
            conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds)
                .map_err(|e| fail(&format!("認証に失敗しました: {e}")))?;
        }
        Ok(conn)
    }

    fn pace(&mut self) {
        if let Some(last) = self.last_send {
            let since = last.elapsed();
            if since < self.min_interval {
                std::thread::sleep(self.min_interval - since);
            }
        }
        self.last_send = Some(Instant::now());
    }

    /// Sends one message. Never panics, never stops the batch.
    pub fn send(&mut self, from: &Address, to: &[Address], bytes: &[u8]) -> SendResult {
        if let Some(e) = &self.unreachable {
            return SendResult::NotSent(e.clone());
        }
        self.pace();
        // A reused connection may have been closed by the server while idle:
        // one fresh connection is tried before giving up on this mail.
        for attempt in 0..2 {
            let reused = self.conn.is_some();
            let mut conn = match self.conn.take() {
                Some(c) => c,
                None => match self.connect() {
                    Ok(c) => c,
                    Err(e) => {
                        self.unreachable = Some(e.clone());
                        return SendResult::NotSent(e);
                    }
                },
            };
            match transmit(&mut conn, from, to, bytes) {
                Ok(()) => {
                    self.conn = Some(conn);
                    return SendResult::Accepted;
                }
                Err(failure) => {
                    conn.abort();
                    match failure {
                        Failure::Before { network: true, .. } if reused && attempt == 0 => {}
                        Failure::Before { message, .. } => {
                            return SendResult::NotSent(self.cfg.scrub(&message));
                        }
                        Failure::After(message) => {
                            return SendResult::InDoubt(self.cfg.scrub(&message));
                        }
                    }
                }
            }
        }
        SendResult::NotSent("SMTP サーバーとの接続が切れました".into())
    }

    /// Ends the session politely.
    pub fn finish(mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = conn.quit();
        }
    }
}

fn transmit(
    conn: &mut SmtpConnection,
    from: &Address,
    to: &[Address],
    bytes: &[u8],
) -> Result<(), Failure> {
    let before = |step: &str, e: lettre::transport::smtp::Error| Failure::Before {
        network: e.status().is_none(),
        message: format!("SMTP サーバーが {step} を受け付けませんでした（{e}）"),
    };
    let mut options = Vec::new();
    if !bytes.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Failure::Before {
                message: "SMTP サーバーが 8BITMIME に対応していません".into(),
                network: false,
            });
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(Some(from.clone()), options))
        .map_err(|e| before("MAIL FROM", e))?;
    for rcpt in to {
        conn.command(Rcpt::new(rcpt.clone(), Vec::new()))
            .map_err(|e| before(&format!("宛先 {rcpt}"), e))?;
    }
    conn.command(Data).map_err(|e| before("DATA", e))?;
    match conn.message(bytes) {
        Ok(_) => Ok(()),
        // A reply code is the server's answer: it did not take the mail.
        Err(e) if e.status().is_some() => Err(Failure::Before {
            message: format!("SMTP サーバーがメールを受け付けませんでした（{e}）"),
            network: false,
        }),
        Err(e) => Err(Failure::After(format!(
            "メール本文を送った後、SMTP サーバーの応答を受け取れませんでした（{e}）"
        ))),
    }
}

#[cfg(test)]
mod tests;
