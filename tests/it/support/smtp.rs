//! Starts tests/smtp/server.py (aiosmtpd) on a free port and reads what it
//! saved; makes throw-away certificates with the openssl command.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use chrono::NaiveDate;
use hojokin::Mailer;
use hojokin::{EmailSpec, SmtpUrl};
use hojokin::{ReportDue, ReportState};
use serde_json::Value;

/// A running server; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Server {
    /// Starts the server on `port`, saving into `dir`, and waits (bounded)
    /// until it accepts connections.
    pub(crate) fn start(dir: &Path, port: u16, extra: &[&str]) -> Server {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "python3 runs tests/smtp/server.py (pip install -r tests/smtp/requirements.txt)",
            );
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let server = Server {
            child,
            port,
            dir: dir.to_path_buf(),
        };
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the SMTP server starts within 20 s");
        assert_eq!(line.trim(), format!("READY {port}"), "server said {line:?}");
        server
    }

    /// Every message saved so far (the .json sidecars), oldest first.
    pub(crate) fn messages(&self) -> Vec<Value> {
        messages(&self.dir)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn messages(dir: &Path) -> Vec<Value> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.expect("dir entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    // Names start with the nanosecond clock, zero-padded by its width.
    names.sort();
    names
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).expect("read json")).expect("json"))
        .collect()
}

/// A port nothing listens on (yet).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A private CA and a server certificate for 127.0.0.1 signed by it:
/// (ca.pem, cert.pem, key.pem).
pub(crate) fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("the openssl command is installed");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=hojokin test CA",
    ]);
    run(&ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    run(&csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write ext.cnf");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    )
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// The `[email]` section of a job pointing at `url`.
pub(crate) fn spec(url: &str, timeout_seconds: u64) -> EmailSpec {
    EmailSpec {
        from: "綾瀬市 工業振興企業誘致課 <kogyo@example.jp>".into(),
        staff: vec!["kogyo@example.jp".into(), "kanri@example.jp".into()],
        smtp_url: SmtpUrl::new(url),
        outbox: PathBuf::from("out/outbox"),
        contact: Some("綾瀬市 産業振興部 工業振興企業誘致課\n電話 0467-70-5617".into()),
        reply_to: None,
        submission: None,
        submit_to: None,
        forms_url: None,
        reply_within_days: 14,
        rate_per_minute: 0,
        window: Default::default(),
        timeout_seconds,
        templates: None,
    }
}

pub(crate) fn mailer(url: &str, timeout_seconds: u64) -> Mailer {
    Mailer::new(
        &spec(url, timeout_seconds),
        &templates_dir(),
        hojokin::clock::system(),
    )
    .expect("mailer")
}

/// A mailer whose `[email]` section `edit` changed first.
#[allow(dead_code)]
pub(crate) fn mailer_with(url: &str, edit: impl FnOnce(&mut EmailSpec)) -> Mailer {
    let mut s = spec(url, 5);
    edit(&mut s);
    Mailer::new(&s, &templates_dir(), hojokin::clock::system()).expect("mailer")
}

pub(crate) fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// A report of FY2024 due April 30, 2024 (a Tuesday, not shifted).
pub(crate) fn report(app: &str, email: Option<&str>, state: ReportState) -> ReportDue {
    ReportDue {
        application_id: app.into(),
        company: format!("株式会社{app}製作所").into(),
        email: email.map(Into::into),
        program: "女性・障がい者雇用環境整備補助金".into(),
        report_name: "採用状況報告".into(),
        forms: vec!["第10号様式".into(), "第11号様式".into()].into(),
        attachments: vec![].into(),
        contact_name: None,
        decision_fy: 2023,
        decided_on: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).unwrap_or_default(),
        round: 1,
        rounds: 2,
        grace_open_days: 3,
        report_fy: 2024,
        due: date(2024, 4, 30),
        nominal_due: date(2024, 4, 30),
        due_shift: hojokin::DueShift::NextOpenDay,
        due_basis: None,
        received_on: None,
        received_later: None,
        state,
        remarks: Default::default(),
    }
}

/// The ledger as it reads on `as_of` (状況 follows the date).
pub(crate) fn on(ledger: &[ReportDue], as_of: NaiveDate) -> Vec<ReportDue> {
    ledger
        .iter()
        .cloned()
        .map(|mut r| {
            if r.received_on.is_none() {
                r.state = if as_of > r.due {
                    ReportState::Missing
                } else {
                    ReportState::NotYetDue
                };
            }
            r
        })
        .collect()
}

pub(crate) fn subjects(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["subject"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The text body as Python decoded it, with the wire's CRLF as LF.
pub(crate) fn body(message: &Value) -> String {
    message["body"]
        .as_str()
        .unwrap_or_default()
        .replace("\r\n", "\n")
}
