//! An SMTP URL of the contract's forms, parsed once when the job loads:
//! host, port, security, credentials (percent-decoded, the password never
//! shown by `Debug`), a private CA, the HELO name and the deadline.

use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::client::{Certificate, TlsParameters};

use crate::job::mask_url_password;
use crate::notify::MailError;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    None,
    StartTlsRequired,
    StartTlsOpportunistic,
    Implicit,
}

/// A parsed SMTP URL. Its `Debug` never shows the password.
#[derive(Clone)]
pub(crate) struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub(super) password: Option<String>,
    pub hello: Option<String>,
    pub timeout: Duration,
    pub(super) tls: Option<TlsParameters>,
    pub(super) masked: String,
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

/// Why a user name or password in the URL cannot be decoded.
#[derive(Debug, thiserror::Error)]
enum Undecodable {
    #[error("% の後に16進数2桁がありません")]
    BadEscape,
    #[error("UTF-8 として読めません")]
    NotUtf8,
}

fn percent_decode(s: &str) -> Result<String, Undecodable> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(Undecodable::BadEscape)?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Undecodable::NotUtf8)
}

impl SmtpConfig {
    /// Parses and checks a URL; the error is a Japanese sentence with the
    /// password masked.
    pub(crate) fn parse(raw: &str, timeout: Duration) -> Result<SmtpConfig, MailError> {
        let masked = mask_url_password(raw);
        let bad = |why: &str| MailError::SmtpUrl {
            masked: masked.clone(),
            why: why.to_string(),
        };
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
            _ => Some(tls_parameters(&host, ca.as_deref()).map_err(|e| bad(&e.to_string()))?),
        };
        Ok(SmtpConfig {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            user,
            password,
            hello,
            timeout,
            tls,
            masked,
        })
    }

    /// Replaces the password wherever it appears in `text`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match self.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => text.replace(p, "****"),
            None => text.to_string(),
        }
    }
}

/// Why the TLS settings (a private CA) cannot be used.
#[derive(Debug, thiserror::Error)]
enum TlsProblem {
    #[error("CA 証明書 {path} を読めません（{source}）")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("CA 証明書 {0} に PEM 形式の証明書がありません")]
    NoPem(PathBuf),
    #[error("CA 証明書 {path} は PEM として読めません（{message}）")]
    BadPem { path: PathBuf, message: String },
    #[error("{0}")]
    Build(String),
}

fn tls_parameters(host: &str, ca: Option<&std::path::Path>) -> Result<TlsParameters, TlsProblem> {
    let mut builder = TlsParameters::builder(host.to_string());
    if let Some(path) = ca {
        let pem = std::fs::read(path).map_err(|source| TlsProblem::Read {
            path: path.to_path_buf(),
            source,
        })?;
        // A PEM file without a certificate parses as an empty list: refuse
        // it, or the relay would fail later with a less helpful message.
        if !pem
            .windows(b"-----BEGIN CERTIFICATE-----".len())
            .any(|w| w == b"-----BEGIN CERTIFICATE-----")
        {
            return Err(TlsProblem::NoPem(path.to_path_buf()));
        }
        let cert = Certificate::from_pem(&pem).map_err(|e| TlsProblem::BadPem {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| TlsProblem::Build(e.to_string()))
}
