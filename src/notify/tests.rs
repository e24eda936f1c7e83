use super::*;
use crate::job::SmtpUrl;

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
    let m = Mailer::new(&spec(), &templates()).unwrap();
    assert_eq!(
        m.contact,
        "綾瀬市 工業振興企業誘致課\nメール: kogyo@example.jp"
    );
    let mut with = spec();
    with.contact = Some("  綾瀬市 工業振興企業誘致課 電話 0467-70-5617 ".into());
    let m = Mailer::new(&with, &templates()).unwrap();
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
        let err = Mailer::new(&s, &templates()).unwrap_err().to_string();
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
