use super::*;

fn parse(url: &str) -> Result<SmtpConfig, String> {
    SmtpConfig::parse(url, Duration::from_secs(5)).map_err(|e| e.to_string())
}

#[test]
fn the_contract_url_forms() {
    let cases = [
        (
            "smtp://127.0.0.1:2525",
            "127.0.0.1",
            2525,
            Security::None,
            None,
        ),
        (
            "smtp://relay.city.local",
            "relay.city.local",
            25,
            Security::None,
            None,
        ),
        (
            "smtp://kogyo:p%40ss%2Fw0rd@relay.city.local:587?tls=required",
            "relay.city.local",
            587,
            Security::StartTlsRequired,
            Some(("kogyo", "p@ss/w0rd")),
        ),
        (
            "smtp://relay.city.local?tls=opportunistic",
            "relay.city.local",
            587,
            Security::StartTlsOpportunistic,
            None,
        ),
        (
            "smtps://kogyo%40city.example.jp:s3cret@relay.city.local",
            "relay.city.local",
            465,
            Security::Implicit,
            Some(("kogyo@city.example.jp", "s3cret")),
        ),
        ("smtp://[::1]:2525", "::1", 2525, Security::None, None),
    ];
    for (url, host, port, security, creds) in cases {
        let c = parse(url).unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.security),
            (host, port, security),
            "{url}"
        );
        let got = c.user.as_deref().zip(c.password.as_deref());
        assert_eq!(got, creds, "{url}");
    }
    let c = parse("smtp://relay.city.local:25/batch.city.local").unwrap();
    assert_eq!(c.hello.as_deref(), Some("batch.city.local"));
}

#[test]
fn unusable_urls_are_refused_without_showing_the_password() {
    let cases = [
        ("http://relay.city.local", "smtp://"),
        ("smtp://kogyo:s3cret@relay.city.local:25", "平文"),
        ("smtp://relay.city.local?tls=maybe", "tls=maybe"),
        ("smtps://relay.city.local?tls=required", "tls=required"),
        ("smtp://relay.city.local?timeout=5", "timeout"),
        (
            "smtp://kogyo:s3cret@relay.city.local?tls=required&ca=/nonexistent/ca.pem",
            "/nonexistent/ca.pem",
        ),
        (
            "smtp://kogyo:s3%ZZ@relay.city.local?tls=required",
            "percent",
        ),
        ("smtp://", "smtp://"),
    ];
    for (url, needle) in cases {
        let err = parse(url).unwrap_err();
        assert!(err.contains(needle), "{url}: {err}");
        assert!(!err.contains("s3cret") && !err.contains("s3%ZZ"), "{err}");
    }
}

#[test]
fn a_ca_file_that_is_not_pem_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate").unwrap();
    let err = parse(&format!(
        "smtp://relay.city.local?tls=required&ca={}",
        ca.display()
    ))
    .unwrap_err();
    assert!(err.contains("PEM"), "{err}");
}

#[test]
fn the_password_is_masked_in_debug_and_scrubbed_from_errors() {
    let c = parse("smtps://kogyo:s3cret@relay.city.local").unwrap();
    let debug = format!("{c:?}");
    assert!(!debug.contains("s3cret"), "{debug}");
    assert!(debug.contains("kogyo:****@relay.city.local"), "{debug}");
    assert_eq!(
        c.scrub("535 auth failed for kogyo/s3cret"),
        "535 auth failed for kogyo/****"
    );
}

#[test]
fn a_dead_relay_costs_one_connection_attempt_per_batch() {
    // A port nothing listens on: refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = parse(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let mut s = Session::new(&c, 0);
    let from: Address = "kogyo@example.jp".parse().unwrap();
    let first = s.send(&from, std::slice::from_ref(&from), b"x");
    let SendResult::NotSent(e) = &first else {
        panic!("{first:?}")
    };
    assert!(e.contains(&format!("127.0.0.1:{port}")), "{e}");
    assert_eq!(s.send(&from, std::slice::from_ref(&from), b"y"), first);
}

#[test]
fn the_rate_sets_the_pause_between_mails() {
    let c = parse("smtp://127.0.0.1:25").unwrap();
    assert_eq!(Session::new(&c, 0).min_interval, Duration::ZERO);
    assert_eq!(Session::new(&c, 30).min_interval, Duration::from_secs(2));
    assert_eq!(
        Session::new(&c, 120).min_interval,
        Duration::from_millis(500)
    );
}
