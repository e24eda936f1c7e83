use super::*;
use crate::job::SmtpUrl;
use std::path::PathBuf;

fn spec() -> EmailSpec {
    EmailSpec {
        from: "綾瀬市 工業振興企業誘致課 <kogyo@example.jp>".into(),
        staff: vec!["kogyo@example.jp".into()],
        smtp_url: SmtpUrl::new("smtp://127.0.0.1:2525"),
        outbox: PathBuf::from("out/outbox"),
        contact: None,
        reply_to: None,
        submission: None,
        submit_to: None,
        forms_url: None,
        reply_within_days: 14,
        rate_per_minute: 0,
        window: Default::default(),
        timeout_seconds: 30,
        templates: None,
    }
}

fn templates() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")
}

#[test]
fn without_a_contact_the_sender_is_the_contact() {
    let m = Mailer::new(&spec(), &templates(), crate::clock::system()).unwrap();
    assert_eq!(
        m.contact,
        "綾瀬市 工業振興企業誘致課\nメール: kogyo@example.jp"
    );
    let mut with = spec();
    with.contact = Some("  綾瀬市 工業振興企業誘致課 電話 0467-70-5617 ".into());
    let m = Mailer::new(&with, &templates(), crate::clock::system()).unwrap();
    assert_eq!(m.contact, "綾瀬市 工業振興企業誘致課 電話 0467-70-5617");
}

/// A change to a good `[email]` section, and two words its error must show.
type Case = (fn(&mut EmailSpec), &'static str, &'static str);

#[test]
fn bad_settings_name_their_key_when_the_job_loads() {
    let cases: [Case; 5] = [
        (|s| s.from = "kogyo".into(), "email.from", "kogyo"),
        (
            |s| s.staff = vec!["a@example.jp\r\nBcc: b@example.jp".into()],
            "email.staff",
            "改行",
        ),
        (
            |s| s.smtp_url = SmtpUrl::new("smtp://u:s3cret@relay.example.jp"),
            "email.smtp_url",
            "u:****@relay",
        ),
        (
            |s| s.smtp_url = SmtpUrl::new("imap://relay.example.jp"),
            "email.smtp_url",
            "imap",
        ),
        (
            |s| s.templates = Some(PathBuf::from("/nonexistent")),
            "/nonexistent/annai.txt",
            "読めません",
        ),
    ];
    for (change, key, needle) in cases {
        let mut s = spec();
        change(&mut s);
        let err = Mailer::new(&s, &templates(), crate::clock::system())
            .unwrap_err()
            .to_string();
        assert!(err.contains(key) && err.contains(needle), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
}

#[test]
fn attention_is_needed_for_queued_or_uncertain_mail() {
    let cases = [
        (NotifyOutcome::default(), false),
        (
            NotifyOutcome {
                sent: 3,
                ..Default::default()
            },
            false,
        ),
        (
            NotifyOutcome {
                queued: 1,
                failed: 1,
                ..Default::default()
            },
            true,
        ),
        (
            NotifyOutcome {
                uncertain: 1,
                ..Default::default()
            },
            true,
        ),
        (
            NotifyOutcome {
                messages: vec!["x".into()],
                ..Default::default()
            },
            true,
        ),
    ];
    for (o, want) in cases {
        assert_eq!(o.needs_attention(), want, "{o:?}");
    }
}

#[test]
fn a_result_begins_with_its_outcome_word() {
    let cases = [
        (MailOutcome::Sent, "送信済"),
        (MailOutcome::Failed, "送信失敗"),
        (MailOutcome::Uncertain, "送信不明"),
        (MailOutcome::Held, "送信保留"),
        (MailOutcome::Previewed, "試行"),
        (MailOutcome::NotSent, "未送信"),
    ];
    for (outcome, word) in cases {
        assert_eq!(outcome.label(), word);
        assert_eq!(outcome.to_string(), word);
    }
    let r = said(MailOutcome::Failed, format_args!("（再送待ち）: {}", "x"));
    assert_eq!(r.text, "送信失敗（再送待ち）: x");
    assert_eq!(r.outcome, MailOutcome::Failed);
}

#[test]
fn mail_errors_read_as_the_sentences_staff_know() {
    let e = smtp::SmtpConfig::parse("smtp://u:secret@host:25", std::time::Duration::from_secs(1))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "SMTP の URL smtp://u:****@host:25 は使えません: パスワードを平文で送らないよう、?tls=required を付けるか smtps:// を使ってください"
    );
    assert_eq!(MailError::NoReports.to_string(), "宛先の報告がありません。");
    let e = MailError::Template {
        path: PathBuf::from("t/annai.txt"),
        fault: super::error::TemplateFault::AtLine {
            line: 3,
            message: "syntax error".into(),
        },
    };
    assert_eq!(
        e.to_string(),
        "メールテンプレート t/annai.txt に誤りがあります: 3行目: syntax error"
    );
    assert_eq!(
        MailError::InDoubt("timeout".into()).to_string(),
        "届いたか確認できません: timeout"
    );
}
