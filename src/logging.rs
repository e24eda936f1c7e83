//! Log output: readable lines on stderr by default, JSON lines for journald
//! and log collectors when `HOJOKIN_LOG_FORMAT=json`. Level from
//! `HOJOKIN_LOG` (tracing's env-filter syntax), default `info`.
//!
//! Every line passes through [`mask_passwords`] before it is written: the
//! job file already masks its SMTP URL, but an error from a library may
//! quote a URL too, and a password must never reach a log.
//!
//! A log line is one line: values that come from the environment or the data
//! (a job file's `${VAR}`, a cron expression) are quoted through [`one_line`]
//! where messages are made, and the text writer escapes any line break left
//! inside an event and cuts an event longer than [`MAX_LINE_BYTES`], so a
//! multi-line or 100 KB value can neither forge log lines nor flood the log.

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
        .with_writer(move || Masking {
            inner: std::io::stderr(),
            // JSON lines escape line breaks themselves, and a cut would break them.
            one_line: !json,
        })
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

/// A writer that masks URL passwords in what it is given and, for text
/// lines, keeps each event on one line. The fmt layer hands over one whole
/// formatted event per write, so a URL is never split.
#[derive(Debug)]
struct Masking<W: Write> {
    inner: W,
    one_line: bool,
}

impl<W: Write> Write for Masking<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => {
                let masked = mask_passwords(text);
                if self.one_line {
                    self.inner.write_all(single_line(&masked).as_bytes())?;
                } else {
                    self.inner.write_all(masked.as_bytes())?;
                }
            }
            Err(_) => self.inner.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Longest value [`one_line`] quotes whole, in characters.
pub const MAX_QUOTED_CHARS: usize = 120;

/// Longest text log line written, in bytes (a safety net behind [`one_line`]).
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// `value` fit to quote inside one message or log line: line breaks, other
/// control characters and bidi overrides escaped (`\n`, `\u{202e}`), and
/// anything past [`MAX_QUOTED_CHARS`] cut with a mark giving the full length.
pub fn one_line(value: &str) -> Cow<'_, str> {
    let total = value.chars().count();
    if total <= MAX_QUOTED_CHARS && !value.chars().any(needs_escape) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len().min(MAX_QUOTED_CHARS * 4) + 32);
    for c in value.chars().take(MAX_QUOTED_CHARS) {
        push_escaped(&mut out, c);
    }
    if total > MAX_QUOTED_CHARS {
        out.push_str(&format!("…（全 {total} 文字）"));
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder the text around them when displayed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// One formatted event as exactly one line: line breaks before its final
/// newline escaped, and cut at [`MAX_LINE_BYTES`] with a mark.
fn single_line(event: &str) -> Cow<'_, str> {
    let body = event.strip_suffix('\n').unwrap_or(event);
    if body.len() <= MAX_LINE_BYTES && !body.contains(['\n', '\r']) {
        return Cow::Borrowed(event);
    }
    let mut out = String::with_capacity(body.len().min(MAX_LINE_BYTES) + 64);
    for c in body.chars() {
        if out.len() >= MAX_LINE_BYTES {
            out.push_str(&format!(
                "…（{} バイトのログ行を切り詰めました）",
                body.len()
            ));
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\n');
    Cow::Owned(out)
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
        let mut w = Masking {
            inner: Vec::new(),
            one_line: true,
        };
        let line = "送信に失敗しました: smtp://kogyo:s3cret@mail:25\n";
        assert_eq!(w.write(line.as_bytes()).unwrap(), line.len());
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "送信に失敗しました: smtp://kogyo:****@mail:25\n"
        );
    }

    #[test]
    fn quoted_values_are_one_short_line() {
        assert_eq!(
            one_line("noreply@city.ayase.example.jp"),
            "noreply@city.ayase.example.jp"
        );
        assert!(matches!(one_line("短い値"), Cow::Borrowed(_)));
        assert_eq!(
            one_line("a@b\nBcc: x@evil\r\n\tz\u{1b}[31m"),
            "a@b\\nBcc: x@evil\\r\\n\\tz\\u{1b}[31m"
        );
        assert_eq!(one_line("abc\u{202e}fed"), "abc\\u{202e}fed");
        let long = "あ".repeat(100_000);
        assert_eq!(
            one_line(&long),
            format!("{}…（全 100000 文字）", "あ".repeat(MAX_QUOTED_CHARS))
        );
        let exactly = "x".repeat(MAX_QUOTED_CHARS);
        assert_eq!(one_line(&exactly), exactly);
    }

    #[test]
    fn the_text_writer_keeps_each_event_on_one_bounded_line() {
        let write = |event: &str, one_line: bool| {
            let mut w = Masking {
                inner: Vec::new(),
                one_line,
            };
            w.write_all(event.as_bytes()).unwrap();
            String::from_utf8(w.inner).unwrap()
        };
        let forged = "ERROR ジョブファイル x の値: a\n2024-05-01T02:30:00+09:00  INFO 偽の行\n";
        assert_eq!(
            write(forged, true),
            "ERROR ジョブファイル x の値: a\\n2024-05-01T02:30:00+09:00  INFO 偽の行\n"
        );
        // JSON lines are left as they are (their strings escape line breaks).
        assert_eq!(write(forged, false), forged);
        let huge = format!("INFO {}\n", "x".repeat(100_000));
        let out = write(&huge, true);
        assert_eq!(out.lines().count(), 1);
        assert_eq!(
            out,
            format!(
                "INFO {}…（100005 バイトのログ行を切り詰めました）\n",
                "x".repeat(MAX_LINE_BYTES - 5)
            )
        );
    }
}
