//! STARTTLS and implicit TLS with AUTH, certificates from a private CA.

use hojokin::ReportState;
use hojokin::State;
use hojokin::send_reminders;

use crate::support::smtp::*;

#[test]
fn auth_over_starttls_with_a_private_ca() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let server = Server::start(
        &dir.path().join("mail"),
        free_port(),
        &["--starttls", cert, key, "--auth", "kogyo:p@ss w0rd"],
    );
    let as_of = date(2024, 4, 25);
    let ledger = on(
        &[report("A-1", Some("a@example.jp"), ReportState::NotYetDue)],
        as_of,
    );
    let url = |userinfo: &str, query: &str| {
        format!(
            "smtp://{userinfo}@127.0.0.1:{}?{query}&ca={}",
            server.port,
            ca.display()
        )
    };
    let cases = [
        // Wrong password: refused, queued, and the password is in no message.
        (url("kogyo:wr0ng-pass", "tls=required"), 0, "wr0ng-pass"),
        // Opportunistic upgrades when offered, so AUTH goes over TLS.
        (
            url("kogyo:p%40ss%20w0rd", "tls=opportunistic"),
            1,
            "p@ss w0rd",
        ),
    ];
    for (i, (url, sent, secret)) in cases.into_iter().enumerate() {
        let state = State::open(&dir.path().join(format!("h{i}.db"))).unwrap();
        let out = send_reminders(
            &mailer(&url, 5),
            &state,
            "nightly",
            &ledger,
            as_of,
            false,
            dir.path(),
        );
        assert_eq!(out.sent, sent, "{}", out.rows[0].result);
        let all = format!("{:?}{:?}", out, state.outbox_entries().unwrap());
        assert!(!all.contains(secret), "{all}");
    }
    let state = State::open(&dir.path().join("h2.db")).unwrap();
    let m = mailer(&url("kogyo:p%40ss%20w0rd", "tls=required"), 5);
    assert_eq!(
        send_reminders(&m, &state, "nightly", &ledger, as_of, false, dir.path()).sent,
        1
    );
    let msgs = server.messages();
    assert_eq!(msgs.len(), 2);
    for msg in &msgs {
        assert_eq!(
            (msg["tls"].as_bool(), msg["auth_user"].as_str()),
            (Some(true), Some("kogyo"))
        );
    }

    // Without the CA the certificate is not trusted: nothing is sent.
    let untrusted = format!(
        "smtp://kogyo:p%40ss%20w0rd@127.0.0.1:{}?tls=required",
        server.port
    );
    let state = State::open(&dir.path().join("h3.db")).unwrap();
    let out = send_reminders(
        &mailer(&untrusted, 5),
        &state,
        "nightly",
        &ledger,
        as_of,
        false,
        dir.path(),
    );
    assert_eq!((out.sent, out.queued), (0, 1), "{}", out.rows[0].result);
    // A relay without STARTTLS when it is required: nothing is sent.
    let plain = Server::start(&dir.path().join("plain"), free_port(), &[]);
    let url = format!(
        "smtp://127.0.0.1:{}?tls=required&ca={}",
        plain.port,
        ca.display()
    );
    let state = State::open(&dir.path().join("h4.db")).unwrap();
    let out = send_reminders(
        &mailer(&url, 5),
        &state,
        "nightly",
        &ledger,
        as_of,
        false,
        dir.path(),
    );
    assert_eq!((out.sent, out.queued), (0, 1));
    assert!(plain.messages().is_empty() && server.messages().len() == 2);
}

#[test]
fn implicit_tls_smtps() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let server = Server::start(
        &dir.path().join("mail"),
        free_port(),
        &[
            "--smtps",
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            "--auth",
            "kogyo:s3cret-pw",
        ],
    );
    let url = format!(
        "smtps://kogyo:s3cret-pw@127.0.0.1:{}?ca={}",
        server.port,
        ca.display()
    );
    let state = State::open(&dir.path().join("h.db")).unwrap();
    let as_of = date(2024, 4, 25);
    let ledger = on(
        &[report("A-1", Some("a@example.jp"), ReportState::NotYetDue)],
        as_of,
    );
    let out = send_reminders(
        &mailer(&url, 5),
        &state,
        "nightly",
        &ledger,
        as_of,
        false,
        dir.path(),
    );
    assert_eq!(out.sent, 1, "{:?}", out.rows);
    assert_eq!(server.messages()[0]["tls"], true);
}
