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
//! Sending is done step by step on lettre's [`AsyncSmtpConnection`], each
//! step under a deadline on the clock (see [`Session`]), so each failure is
//! known to be before or after the whole message was handed over: a refusal
//! (4xx/5xx) or anything before the final dot has left this host leaves the
//! mail unsent and safe to retry; a timeout or lost connection waiting for
//! the final reply leaves it [`SendResult::InDoubt`] (`probe` tells which).

use std::time::{Duration, Instant};

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use super::MailError;
use probe::{DotProbe, ProbedStream};

mod config;
mod preflight;
mod probe;

pub(crate) use preflight::preflight;

pub(crate) use config::{Security, SmtpConfig};

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SendResult {
    /// The server answered 250 to the end of DATA.
    Accepted,
    /// Not handed over, or refused: safe to send again later.
    NotSent(String),
    /// The whole message, final dot included, went out and the final answer
    /// never came: it may have been delivered.
    InDoubt(String),
}

/// How long one mail (MAIL FROM to the answer after the final dot) may take
/// in all: three command deadlines, plus one second per 64 KiB of message
/// so a large digest attachment on a slow line is not cut.
fn mail_budget(timeout: Duration, bytes: usize) -> Duration {
    timeout * 3 + transfer_allowance(bytes)
}

fn transfer_allowance(bytes: usize) -> Duration {
    Duration::from_secs(u64::try_from(bytes / 65_536).unwrap_or(u64::MAX))
}

/// A live connection; `probe` is absent on implicit TLS (smtps://), where
/// lettre opens the socket itself and a lost answer is always in doubt.
struct Live {
    smtp: AsyncSmtpConnection,
    probe: Option<DotProbe>,
}

/// One SMTP session for a batch: connects on first use, reconnects after a
/// broken connection, paces sends to the configured rate.
///
/// Every step has a deadline on the clock, not per socket read, so a relay
/// that answers one byte a second or never ends its EHLO reply is cut like
/// one that is silent: each command (connecting with its greeting and EHLO,
/// STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA, the answer after the final dot)
/// gets `timeout`, one mail `mail_budget` in all. The first deadline
/// missed, or a failed connection, stops the session for the night
/// ([`Session::stopped`]): the rest of the batch is not tried, so a sick
/// relay costs one timeout, not one per mail.
pub(crate) struct Session<'a> {
    cfg: &'a SmtpConfig,
    runtime: Option<tokio::runtime::Runtime>,
    conn: Option<Live>,
    stopped: Option<String>,
    min_interval: Duration,
    last_send: Option<Instant>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cfg", self.cfg)
            .field("connected", &self.conn.is_some())
            .field("stopped", &self.stopped)
            .finish_non_exhaustive()
    }
}

/// Why one transaction failed, and what that means for the mail.
#[derive(Debug)]
struct Failure {
    message: String,
    /// The relay answered with a code: the connection is still in step.
    refused: bool,
    /// No answer and no code: the connection broke.
    network: bool,
    /// A deadline passed: the night's sending stops.
    timed_out: bool,
    /// The final dot went out: the relay may have taken the mail.
    in_doubt: bool,
}

impl Failure {
    fn new(message: String) -> Failure {
        Failure {
            message,
            refused: false,
            network: false,
            timed_out: false,
            in_doubt: false,
        }
    }
}

impl<'a> Session<'a> {
    pub(crate) fn new(cfg: &'a SmtpConfig, rate_per_minute: u32) -> Session<'a> {
        let min_interval = match rate_per_minute {
            0 => Duration::ZERO,
            n => Duration::from_secs(60) / n,
        };
        Session {
            cfg,
            runtime: None,
            conn: None,
            stopped: None,
            min_interval,
            last_send: None,
        }
    }

    /// Why the session gave up for the night, if it did: a failed
    /// connection or a missed deadline. Mail not yet tried stays queued.
    pub(crate) fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
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

    /// A runtime of this thread's own, so the session works the same from
    /// the CLI and from the scheduler's blocking worker threads.
    fn ensure_runtime(&mut self) -> Result<(), MailError> {
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .enable_time()
                .build()
                .map_err(MailError::Runtime)?;
            self.runtime = Some(rt);
        }
        Ok(())
    }

    /// Sends one message. Never panics, never stops the batch.
    pub(crate) fn send(&mut self, from: &Address, to: &[Address], bytes: &[u8]) -> SendResult {
        self.send_marked(from, to, bytes, &mut || Ok(()))
    }

    /// Sends one message; `before_body` runs after the relay agreed to DATA
    /// and before the message is written (the outbox records that the mail
    /// may now be delivered). If it fails, the message is not sent.
    pub(crate) fn send_marked(
        &mut self,
        from: &Address,
        to: &[Address],
        bytes: &[u8],
        before_body: &mut dyn FnMut() -> Result<(), MailError>,
    ) -> SendResult {
        if let Some(e) = &self.stopped {
            return SendResult::NotSent(e.clone());
        }
        self.pace();
        if let Err(e) = self.ensure_runtime() {
            let e = e.to_string();
            self.stopped = Some(e.clone());
            return SendResult::NotSent(e);
        }
        let Some(rt) = self.runtime.as_ref() else {
            return SendResult::NotSent("メールを送る準備ができません".into());
        };
        let cfg = self.cfg;
        // A reused connection may have been closed by the server while idle:
        // one fresh connection is tried before giving up on this mail.
        for attempt in 0..2 {
            let reused = self.conn.is_some();
            let mut live = match self.conn.take() {
                Some(c) => c,
                None => match rt.block_on(connect(cfg)) {
                    Ok(c) => c,
                    Err(e) => {
                        let e = e.to_string();
                        self.stopped = Some(e.clone());
                        return SendResult::NotSent(e);
                    }
                },
            };
            let failure = match rt.block_on(transmit(
                &mut live,
                cfg.timeout,
                from,
                to,
                bytes,
                before_body,
            )) {
                Ok(()) => {
                    self.conn = Some(live);
                    return SendResult::Accepted;
                }
                Err(f) => f,
            };
            if failure.refused {
                // The relay is in step: say goodbye, briefly.
                let _ = rt
                    .block_on(async { tokio::time::timeout(cfg.timeout, live.smtp.abort()).await });
            }
            // Otherwise the connection is out of step: dropping it closes it.
            drop(live);
            let message = cfg.scrub(&failure.message);
            if failure.timed_out {
                self.stopped = Some(message.clone());
            }
            if failure.in_doubt {
                return SendResult::InDoubt(message);
            }
            let retry = failure.network && !failure.timed_out && reused && attempt == 0;
            if !retry {
                return SendResult::NotSent(message);
            }
        }
        SendResult::NotSent("SMTP サーバーとの接続が切れました".into())
    }

    /// Ends the session politely, within one deadline.
    pub(crate) fn finish(mut self) {
        if let (Some(rt), Some(mut live)) = (self.runtime.as_ref(), self.conn.take()) {
            let timeout = self.cfg.timeout;
            let _ = rt.block_on(async { tokio::time::timeout(timeout, live.smtp.quit()).await });
        }
    }
}

fn where_(cfg: &SmtpConfig) -> String {
    format!("SMTP サーバー {}:{}", cfg.host, cfg.port)
}

/// A deadline missed, as a sentence naming the setting.
fn late(timeout: Duration, what: &str) -> String {
    format!(
        "{what}（email.timeout_seconds = {} 秒）。中継サーバーが応答しないため、今回の残りのメールは送らずに次回へ回します",
        timeout.as_secs()
    )
}

/// Connects, reads the greeting, says EHLO, upgrades and authenticates,
/// each within `cfg.timeout`.
async fn connect(cfg: &SmtpConfig) -> Result<Live, MailError> {
    let hello = cfg
        .hello
        .clone()
        .map_or_else(ClientId::default, ClientId::Domain);
    let fail = |e: &dyn std::fmt::Display| {
        MailError::Relay(cfg.scrub(&format!("{}に接続できません（{e}）", where_(cfg))))
    };
    let slow = |what: &str| {
        MailError::Relay(cfg.scrub(&late(
            cfg.timeout,
            &format!("{}が{what}に時間内に応答しませんでした", where_(cfg)),
        )))
    };
    let mut live = match tokio::time::timeout(cfg.timeout, open(cfg, &hello)).await {
        Ok(opened) => opened.map_err(|e| fail(&e))?,
        Err(_) => return Err(slow("接続（あいさつと EHLO）")),
    };
    let upgrade = match cfg.security {
        Security::StartTlsRequired => true,
        Security::StartTlsOpportunistic => live.smtp.can_starttls(),
        _ => false,
    };
    if let (true, Some(tls)) = (upgrade, cfg.tls.as_ref()) {
        match tokio::time::timeout(cfg.timeout, live.smtp.starttls(tls.clone(), &hello)).await {
            Ok(done) => done.map_err(|e| fail(&e))?,
            Err(_) => return Err(slow("STARTTLS")),
        }
    }
    if let (Some(user), Some(password)) = (&cfg.user, &cfg.password) {
        if !live.smtp.is_encrypted() {
            let _ = tokio::time::timeout(cfg.timeout, live.smtp.abort()).await;
            return Err(fail(&"TLS に切り替わらなかったため、認証情報を送りません"));
        }
        let creds = Credentials::new(user.clone(), password.clone());
        let mechanisms = [Mechanism::Plain, Mechanism::Login];
        match tokio::time::timeout(cfg.timeout, live.smtp.auth(&mechanisms, &creds)).await {
            Ok(done) => done.map_err(|e| fail(&format!("認証に失敗しました: {e}")))?,
            Err(_) => return Err(slow("認証（AUTH）")),
        };
    }
    Ok(live)
}

/// The socket, TLS from the first byte for smtps://, greeting and EHLO.
/// Fails with the socket's or lettre's own message (as an I/O error, same
/// text), which [`connect`] puts in its sentence.
async fn open(cfg: &SmtpConfig, hello: &ClientId) -> Result<Live, std::io::Error> {
    if cfg.security == Security::Implicit {
        let smtp = AsyncSmtpConnection::connect_tokio1(
            (cfg.host.as_str(), cfg.port),
            Some(cfg.timeout),
            hello,
            cfg.tls.clone(),
            None,
        )
        .await
        .map_err(std::io::Error::other)?;
        return Ok(Live { smtp, probe: None });
    }
    let tcp = tokio::net::TcpStream::connect((cfg.host.as_str(), cfg.port)).await?;
    let probe = DotProbe::default();
    let stream = ProbedStream::new(tcp, probe.clone());
    let smtp = AsyncSmtpConnection::connect_with_transport(Box::new(stream), hello)
        .await
        .map_err(std::io::Error::other)?;
    Ok(Live {
        smtp,
        probe: Some(probe),
    })
}

/// One command with its deadline: `limit`, but never past the mail's.
async fn step<T>(
    deadline: Instant,
    limit: Duration,
    what: &str,
    timeout: Duration,
    fut: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, Failure> {
    let until = deadline.min(Instant::now() + limit);
    match tokio::time::timeout_at(until.into(), fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure {
            refused: e.status().is_some(),
            network: e.status().is_none(),
            ..Failure::new(format!(
                "SMTP サーバーが {what} を受け付けませんでした（{e}）"
            ))
        }),
        Err(_) => Err(Failure {
            timed_out: true,
            ..Failure::new(late(
                timeout,
                &format!("SMTP サーバーが {what} に時間内に応答しませんでした"),
            ))
        }),
    }
}

async fn transmit(
    live: &mut Live,
    timeout: Duration,
    from: &Address,
    to: &[Address],
    bytes: &[u8],
    before_body: &mut dyn FnMut() -> Result<(), MailError>,
) -> Result<(), Failure> {
    let deadline = Instant::now() + mail_budget(timeout, bytes.len());
    let conn = &mut live.smtp;
    let mut options = Vec::new();
    if !bytes.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Failure {
                refused: true,
                ..Failure::new("SMTP サーバーが 8BITMIME に対応していません".into())
            });
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    let mail = Mail::new(Some(from.clone()), options);
    step(deadline, timeout, "MAIL FROM", timeout, conn.command(mail)).await?;
    for rcpt in to {
        let what = format!("宛先 {rcpt}");
        let command = Rcpt::new(rcpt.clone(), Vec::new());
        step(deadline, timeout, &what, timeout, conn.command(command)).await?;
    }
    step(deadline, timeout, "DATA", timeout, conn.command(Data)).await?;
    before_body().map_err(|e| Failure::new(e.to_string()))?;
    if let Some(p) = &live.probe {
        p.arm();
    }
    let limit = timeout + transfer_allowance(bytes.len());
    let until = deadline.min(Instant::now() + limit);
    let answer = tokio::time::timeout_at(until.into(), conn.message(bytes)).await;
    // Without a probe (smtps://) the dot may always have gone out.
    let dot_sent = live.probe.as_ref().is_none_or(DotProbe::dot_sent);
    if let Some(p) = &live.probe {
        p.reset();
    }
    match answer {
        Ok(Ok(_)) => Ok(()),
        // A reply code is the server's answer: it did not take the mail.
        Ok(Err(e)) if e.status().is_some() => Err(Failure {
            refused: true,
            ..Failure::new(format!(
                "SMTP サーバーがメールを受け付けませんでした（{e}）"
            ))
        }),
        Ok(Err(e)) => Err(Failure {
            network: true,
            in_doubt: dot_sent,
            ..Failure::new(if dot_sent {
                format!("メール本文を送った後、SMTP サーバーの応答を受け取れませんでした（{e}）")
            } else {
                format!("メール本文を送る途中で SMTP サーバーとの接続が切れました（{e}）")
            })
        }),
        Err(_) => Err(Failure {
            timed_out: true,
            in_doubt: dot_sent,
            ..Failure::new(late(
                timeout,
                if dot_sent {
                    "メール本文を送った後、SMTP サーバーが時間内に応答しませんでした"
                } else {
                    "SMTP サーバーが時間内にメール本文を受け取りませんでした"
                },
            ))
        }),
    }
}

#[cfg(test)]
mod tests;
