//! Log output: readable lines on stderr by default, JSON lines for journald
//! and log collectors when `HOJOKIN_LOG_FORMAT=json`. Level from
//! `HOJOKIN_LOG` (tracing's env-filter syntax), default `info`.
//!
//! Every line passes through [`mask_passwords`] before it is written: the
//! job file already masks its SMTP URL, but an error from a library may
//! quote a URL too, and a password must never reach a log.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use chrono::SecondsFormat;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

const DEFAULT_FILTER: &str = "info";

/// Installs the global subscriber; called once by `main`.
pub fn init() {
    let filter =
        EnvFilter::try_from_env("HOJOKIN_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let json = std::env::var("HOJOKIN_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| Masking(std::io::stderr()))
        // Colour codes only for a person at a terminal, never in the journal or a cron log.
        .with_ansi(std::io::stderr().is_terminal())
        .with_timer(TokyoTime)
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Timestamps in Japan time with their offset, like every other time
/// hojokin shows (history, `jobs`), so a log line matches the history.
#[derive(Debug, Clone, Copy)]
struct TokyoTime;

impl FormatTime for TokyoTime {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        let now = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Tokyo);
        write!(w, "{}", now.to_rfc3339_opts(SecondsFormat::Millis, false))
    }
}

/// A writer that masks URL passwords in what it is given. The fmt layer
/// hands over one whole formatted event per write, so a URL is never split.
#[derive(Debug)]
struct Masking<W: Write>(W);

impl<W: Write> Write for Masking<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(mask_passwords(text).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Replaces the password of every `scheme://user:password@host` in `text`
/// with `****`.
pub fn mask_passwords(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || "/?#\"'<>\\,;".contains(c))
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority
            .rfind('@')
            .and_then(|at| authority[..at].find(':').map(|colon| (colon, at)))
        {
            Some((colon, at)) => {
                out.push_str(&authority[..=colon]);
                out.push_str("****");
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_url_password_in_a_line() {
        for (line, masked) in [
            (
                "connect smtp://kogyo:s3cret@mail.example.jp:587?tls=required failed",
                "connect smtp://kogyo:****@mail.example.jp:587?tls=required failed",
            ),
            (
                r#"{"error":"smtps://u:p@h:465","other":"smtp://a:b@c"}"#,
                r#"{"error":"smtps://u:****@h:465","other":"smtp://a:****@c"}"#,
            ),
            // A password containing '@' (unencoded) is masked up to the last '@'.
            ("smtp://u:p@x@h", "smtp://u:****@h"),
            (
                "smtp://h:25 and smtp://user@h",
                "smtp://h:25 and smtp://user@h",
            ),
            ("no url here: a:b@c", "no url here: a:b@c"),
            ("ends with scheme://", "ends with scheme://"),
        ] {
            assert_eq!(mask_passwords(line), masked, "{line}");
        }
    }

    #[test]
    fn the_writer_masks_what_passes_through() {
        let mut w = Masking(Vec::new());
        let line = "送信に失敗しました: smtp://kogyo:s3cret@mail:25\n";
        assert_eq!(w.write(line.as_bytes()).unwrap(), line.len());
        assert_eq!(
            String::from_utf8(w.0).unwrap(),
            "送信に失敗しました: smtp://kogyo:****@mail:25\n"
        );
    }
}
