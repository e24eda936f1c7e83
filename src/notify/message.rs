//! Headers from data, checked before they reach a message, and the messages.
//!
//! Nothing from a workbook or a template becomes a header as a bare string:
//! addresses go through lettre's [`Address`] parser, text through
//! [`HeaderText`], which refuses CR, LF and every other control character so
//! a company name can never add a `Bcc:` line, and neutralises what would
//! make a mail program show something else than the text: bidi controls
//! (U+202E can make a subject read backwards) are removed, and `=?` becomes
//! `= ?` so a literal RFC 2047 encoded-word in a company name is never
//! decoded. Subjects are cut at [`SUBJECT_MAX_CHARS`] with "…".

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use sha2::{Digest, Sha256};

use super::MailError;
use crate::clock::Stamp;
use crate::state::token::random_token;

/// The xlsx MIME type of the digest's attachment.
pub(crate) const XLSX_MIME: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Why a value cannot be a header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error(
        "{field}に改行または制御文字が含まれているため、メールのヘッダーに使えません: {value:?}"
    )]
    ControlCharacter { field: &'static str, value: String },
    #[error("{field}「{value}」はメールアドレスとして使えません（{reason}）。")]
    Address {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("{field}が空です。")]
    Empty { field: &'static str },
}

/// The longest subject sent, in characters: a 5,000-character company name
/// must not make a 25 KB header. Longer subjects end in "…".
pub(crate) const SUBJECT_MAX_CHARS: usize = 120;

/// The explicit bidi marks, embeddings, overrides and isolates (Unicode
/// UAX #9): invisible, and able to reorder what a reader sees.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Text that is safe in a header: no CR, LF or other control character, no
/// bidi control, no `=?` that a mail program could take for an encoded-word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderText(String);

impl HeaderText {
    /// Checks `value` for the header `field` (named in the error, in
    /// Japanese) and neutralises it.
    pub(crate) fn new(field: &'static str, value: &str) -> Result<HeaderText, HeaderError> {
        if value.chars().any(char::is_control) {
            return Err(HeaderError::ControlCharacter {
                field,
                value: value.to_string(),
            });
        }
        let visible: String = value.chars().filter(|c| !is_bidi_control(*c)).collect();
        // One pass is enough: after it every '=' once before '?' is before ' '.
        let inert = visible.replace("=?", "= ?");
        let value = inert.trim();
        if value.is_empty() {
            return Err(HeaderError::Empty { field });
        }
        Ok(HeaderText(value.to_string()))
    }

    /// [`HeaderText::new`], cut to [`SUBJECT_MAX_CHARS`] with "…".
    pub(crate) fn subject(field: &'static str, value: &str) -> Result<HeaderText, HeaderError> {
        let text = HeaderText::new(field, value)?;
        if text.0.chars().count() <= SUBJECT_MAX_CHARS {
            return Ok(text);
        }
        let mut cut: String = text.0.chars().take(SUBJECT_MAX_CHARS - 1).collect();
        cut.truncate(cut.trim_end().len());
        cut.push('…');
        Ok(HeaderText(cut))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Bidi controls are refused in addresses, not removed: the address must be
/// the one the data holds, character for character.
fn refuse_bidi(field: &'static str, value: &str) -> Result<(), HeaderError> {
    if value.chars().any(is_bidi_control) {
        return Err(HeaderError::ControlCharacter {
            field,
            value: value.to_string(),
        });
    }
    Ok(())
}

/// A bare address (`a@example.jp`), surrounding spaces trimmed.
pub(crate) fn address(field: &'static str, value: &str) -> Result<Mailbox, HeaderError> {
    refuse_bidi(field, value)?;
    let text = HeaderText::new(field, value)?;
    let addr: Address = text
        .as_str()
        .parse()
        .map_err(|e: lettre::address::AddressError| HeaderError::Address {
            field,
            value: value.to_string(),
            reason: e.to_string(),
        })?;
    Ok(Mailbox::new(None, addr))
}

/// An address with an optional display name (`綾瀬市 <kogyo@example.jp>`).
pub(crate) fn mailbox(field: &'static str, value: &str) -> Result<Mailbox, HeaderError> {
    refuse_bidi(field, value)?;
    let text = HeaderText::new(field, value)?;
    text.as_str()
        .parse::<Mailbox>()
        .map_err(|e| HeaderError::Address {
            field,
            value: value.to_string(),
            reason: e.to_string(),
        })
}

/// `<{digest of seed}.{random}@{domain}>`: the digest ties the id to its
/// outbox key (found again in a relay's log), the random part makes each
/// attempt's id new. Only ASCII letters and digits before the `@`.
pub(crate) fn message_id(seed: &str, from: &Mailbox) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let domain = from.email.domain();
    let domain = if domain
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        domain
    } else {
        "hojokin.invalid"
    };
    format!(
        "<{}.{}@{domain}>",
        hex::encode(&digest[..8]),
        &random_token()[..16]
    )
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub(crate) struct AttachedFile {
    pub name: HeaderText,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// `Auto-Submitted: auto-generated` (RFC 3834) and, for Exchange, which
/// ignores it, `X-Auto-Response-Suppress: All`: out-of-office and other
/// automatic replies are not sent back to the department for these mails.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

#[derive(Debug, Clone, Copy)]
struct SuppressAutoResponse;

impl Header for SuppressAutoResponse {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Auto-Response-Suppress")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(SuppressAutoResponse)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "All".to_string())
    }
}

/// Everything a message is built from, each header already checked.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub from: Mailbox,
    /// Where replies go; `None`: to the sender.
    pub reply_to: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub subject: HeaderText,
    pub body: String,
    pub message_id: String,
    pub attachment: Option<AttachedFile>,
}

/// The Date header's value for `now`, in Japan time (`+0900`), as the
/// city's staff and grantees read it: lettre writes UTC, which some mail
/// programs show as it is ("09:47 +0000" for a mail sent at 18:47).
pub(crate) fn tokyo_date(now: chrono::DateTime<chrono::Utc>) -> String {
    now.with_timezone(&chrono_tz::Asia::Tokyo).to_rfc2822()
}

/// Builds the message: text/plain in UTF-8 (lettre picks base64 or
/// quoted-printable, so the bytes on the wire are ASCII), the subject as
/// RFC 2047 UTF-8, the Date `sent_at` in +0900 (`tokyo_date`; the caller's clock, read
/// for this metadata only), and the attachment, if any, as its own part.
pub(crate) fn build(draft: Draft, sent_at: Stamp) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(draft.from)
        .subject(draft.subject.0)
        .message_id(Some(draft.message_id))
        .header(AutoSubmitted)
        .header(SuppressAutoResponse);
    if let Some(r) = draft.reply_to {
        builder = builder.reply_to(r);
    }
    for to in draft.to {
        builder = builder.to(to);
    }
    let result = match draft.attachment {
        None => builder.singlepart(SinglePart::plain(draft.body)),
        Some(file) => {
            let content_type = ContentType::parse(file.content_type)
                .map_err(|e| MailError::Build(e.to_string()))?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(draft.body))
                    .singlepart(Attachment::new(file.name.0).body(file.bytes, content_type)),
            )
        }
    };
    let mut message = result.map_err(|e| MailError::Build(e.to_string()))?;
    // Set after building: lettre adds a UTC Date to a message without one
    // it can parse, and it parses only UTC.
    let date = tokyo_date(sent_at.instant().to_utc());
    message
        .headers_mut()
        .insert_raw(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Date"),
            date.clone(),
            date,
        ));
    Ok(message)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    fn sent_at() -> Stamp {
        crate::clock::stamp("2024-05-08T02:30:05+09:00")
    }

    #[test]
    fn line_breaks_never_reach_a_header() {
        for value in [
            "株式会社綾瀬\r\nBcc: x@example.com",
            "株式会社綾瀬\nBcc: x@example.com",
            "件名\r",
            "タブ\tも制御文字",
        ] {
            let err = HeaderText::new("件名", value).unwrap_err();
            assert!(
                matches!(
                    err,
                    HeaderError::ControlCharacter {
                        field: "件名", ..
                    }
                ),
                "{value:?}"
            );
            assert!(err.to_string().contains("改行"), "{err}");
        }
        for value in ["a@example.jp\r\nBcc: x@example.com", "a@example.jp\n"] {
            assert!(matches!(
                address("メールアドレス", value),
                Err(HeaderError::ControlCharacter { .. })
            ));
        }
        assert_eq!(
            HeaderText::new("件名", "  採用状況報告のご案内 ")
                .unwrap()
                .as_str(),
            "採用状況報告のご案内"
        );
        assert_eq!(
            HeaderText::new("件名", "　"),
            Err(HeaderError::Empty { field: "件名" })
        );
    }

    #[test]
    fn encoded_words_and_bidi_controls_from_the_data_are_neutralised() {
        let subject = |v: &str| HeaderText::subject("件名", v).unwrap().0;
        assert_eq!(
            subject("【綾瀬市】=?utf-8?b?5YGH44Gu5Lya56S+?= 様へのご案内"),
            "【綾瀬市】= ?utf-8?b?5YGH44Gu5Lya56S+?= 様へのご案内"
        );
        assert_eq!(subject("a==??b =?=?"), "a== ??b = ?= ?");
        assert_eq!(
            subject("株式会社\u{202E}工製瀬綾\u{202C}様 \u{2067}x\u{2069}\u{200F}"),
            "株式会社工製瀬綾様 x"
        );
        assert_eq!(
            HeaderText::subject("件名", "\u{202E}\u{202C}"),
            Err(HeaderError::Empty { field: "件名" })
        );
        assert!(matches!(
            address("メールアドレス", "a\u{202E}@example.jp"),
            Err(HeaderError::ControlCharacter { .. })
        ));
        // Through lettre: the literal reaches the wire only inside an
        // encoded-word of its own, broken, so it decodes to itself.
        let from = mailbox("差出人", "kogyo@example.jp").unwrap();
        let draft = Draft {
            to: vec![address("メールアドレス", "a@example.jp").unwrap()],
            subject: HeaderText::subject("件名", "=?utf-8?b?SGk=?= notice").unwrap(),
            body: "x".into(),
            message_id: message_id("k", &from),
            attachment: None,
            reply_to: None,
            from,
        };
        let text = String::from_utf8(build(draft, sent_at()).unwrap().formatted()).unwrap();
        assert!(!text.contains("Subject: =?utf-8?b?SGk=?="), "{text}");
    }

    #[test]
    fn long_subjects_are_cut_with_a_mark() {
        let name = "株".repeat(5_000);
        let s = HeaderText::subject("件名", &format!("【綾瀬市】{name}様")).unwrap();
        assert_eq!(s.as_str().chars().count(), SUBJECT_MAX_CHARS);
        assert!(s.as_str().starts_with("【綾瀬市】株株") && s.as_str().ends_with('…'));
        let exact = "あ".repeat(SUBJECT_MAX_CHARS);
        assert_eq!(HeaderText::subject("件名", &exact).unwrap().as_str(), exact);
        let from = mailbox("差出人", "kogyo@example.jp").unwrap();
        let draft = Draft {
            to: vec![address("メールアドレス", "a@example.jp").unwrap()],
            subject: s,
            body: "x".into(),
            message_id: message_id("k", &from),
            attachment: None,
            reply_to: None,
            from,
        };
        let bytes = build(draft, sent_at()).unwrap().formatted();
        let text = String::from_utf8(bytes).unwrap();
        let header = text.split("\r\n\r\n").next().unwrap();
        assert!(header.len() < 2_000, "{} bytes of headers", header.len());
    }

    #[test]
    fn addresses_are_parsed_not_pasted() {
        let to = address("メールアドレス", " info@ayase-seiko.example.jp ").unwrap();
        assert_eq!(to.to_string(), "info@ayase-seiko.example.jp");
        for bad in ["info", "a b@example.jp", "a@example.jp, b@example.jp", ""] {
            assert!(address("メールアドレス", bad).is_err(), "{bad}");
        }
        let from = mailbox("差出人", "綾瀬市 工業振興企業誘致課 <kogyo@example.jp>").unwrap();
        assert_eq!(from.email.to_string(), "kogyo@example.jp");
        assert_eq!(from.name.as_deref(), Some("綾瀬市 工業振興企業誘致課"));
    }

    #[test]
    fn message_ids_are_ascii_and_new_each_time() {
        let from = mailbox("差出人", "kogyo@example.jp").unwrap();
        let a = message_id("A-1/2024/annai", &from);
        let b = message_id("A-1/2024/annai", &from);
        assert_ne!(a, b);
        assert_eq!(a[..17], b[..17], "the key part is stable");
        assert!(a.starts_with('<') && a.ends_with("@example.jp>"), "{a}");
        assert!(a.is_ascii() && a.len() == 1 + 16 + 1 + 16 + "@example.jp>".len());
    }

    #[test]
    fn a_built_message_has_the_headers_given() {
        let from = mailbox("差出人", "綾瀬市 <kogyo@example.jp>").unwrap();
        let draft = Draft {
            to: vec![address("メールアドレス", "a@example.jp").unwrap()],
            subject: HeaderText::new("件名", "採用状況報告のご案内").unwrap(),
            body: "本文です。\n二行目。".into(),
            message_id: message_id("k", &from),
            attachment: None,
            reply_to: None,
            from,
        };
        let id = draft.message_id.clone();
        // The night's clock, not the wall clock, dates the mail.
        let clock = crate::clock::ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2024-05-07T17:30:05.400Z").unwrap(),
        );
        let text = String::from_utf8(build(draft, clock.stamp()).unwrap().formatted()).unwrap();
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains("Auto-Submitted: auto-generated\r\n"),
            "{text}"
        );
        assert!(text.contains("X-Auto-Response-Suppress: All\r\n"), "{text}");
        assert!(!text.contains("Reply-To"), "{text}");
        assert!(text.contains(&format!("Message-ID: {id}\r\n")), "{text}");
        assert!(text.contains("To: a@example.jp\r\n"), "{text}");
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(text.contains("charset=utf-8"), "{text}");
        // Issue 23.13: the Date in Japan time, once.
        let date = text
            .lines()
            .filter(|l| l.starts_with("Date: "))
            .collect::<Vec<_>>();
        assert_eq!(date.len(), 1, "{text}");
        assert_eq!(date[0], "Date: Wed, 8 May 2024 02:30:05 +0900");
    }

    #[test]
    fn the_date_header_is_japan_time() {
        let utc = chrono::DateTime::parse_from_rfc3339("2024-05-07T17:30:05Z")
            .unwrap()
            .to_utc();
        assert_eq!(tokyo_date(utc), "Wed, 8 May 2024 02:30:05 +0900");
    }
}
