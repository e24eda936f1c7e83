//! What the fixtures' nightly runs write, pinned: every cell of every sheet of
//! the workbook (value and type) and every `.eml` file (headers other than
//! Date and Message-ID, decoded body, attachment names), compared with
//! `tests/golden/*.txt`.
//!
//! A refactor must leave these identical. A change that means to alter an
//! output re-blesses the files with `HOJOKIN_BLESS=1 cargo test --test it
//! golden::` and the diff of `tests/golden/` is reviewed with the change.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;

use crate::support::Site;
use crate::support::dump::{dump_workbook, normalise};
use mail_parser::MimeHeaders;

/// One `.eml` as a grantee's mail program shows it.
fn dump_eml(path: &Path, sandbox: &Path) -> String {
    let raw = std::fs::read(path).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let mut out = String::new();
    writeln!(
        out,
        "== mail {}",
        path.file_name().unwrap().to_string_lossy()
    )
    .unwrap();
    for header in msg.headers() {
        let name = header.name();
        if name.eq_ignore_ascii_case("Date") || name.eq_ignore_ascii_case("Message-ID") {
            continue;
        }
        if name.eq_ignore_ascii_case("Content-Type")
            || name.eq_ignore_ascii_case("Content-Transfer-Encoding")
            || name.eq_ignore_ascii_case("MIME-Version")
        {
            continue;
        }
        let value = match header.value() {
            mail_parser::HeaderValue::Text(t) => t.to_string(),
            mail_parser::HeaderValue::TextList(l) => l.join(", "),
            mail_parser::HeaderValue::Address(a) => a
                .iter()
                .map(|x| format!("{} <{}>", x.name().unwrap_or(""), x.address().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(", "),
            other => format!("{other:?}"),
        };
        writeln!(out, "{name}: {}", normalise(&value, sandbox)).unwrap();
    }
    for (i, body) in msg.text_bodies().enumerate() {
        writeln!(out, "-- body {i}").unwrap();
        let text = body.text_contents().unwrap_or("");
        for line in text.lines() {
            writeln!(out, "{}", normalise(line, sandbox)).unwrap();
        }
    }
    for att in msg.attachments() {
        writeln!(out, "-- attachment {}", att.attachment_name().unwrap_or("")).unwrap();
    }
    out
}

/// Runs the nightly job as a dry run for `as_of` and dumps what it wrote.
fn night(as_of: &str) -> String {
    let sandbox = Site::fixtures();
    let out = sandbox.run(
        &["run", "nightly", "--as-of", as_of, "--dry-run"],
        &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:9")],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        crate::support::stderr(&out)
    );
    let report = sandbox.path().join(format!("out/summary-{as_of}.xlsx"));
    let mut dump = dump_workbook(&report, sandbox.path());
    let mut emls: Vec<_> = std::fs::read_dir(sandbox.path().join("out/outbox"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    emls.sort();
    for eml in emls {
        dump.push_str(&dump_eml(&eml, sandbox.path()));
    }
    dump
}

fn check(name: &str, got: &str) {
    let path = crate::support::repo()
        .join("tests/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("HOJOKIN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (HOJOKIN_BLESS=1 writes it)", path.display()));
    if want != got {
        let first = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        let show = |s: &str| s.lines().skip(first).take(5).collect::<Vec<_>>().join("\n");
        panic!(
            "{name}: output differs from {} at line {}:\n--- golden\n{}\n--- now\n{}",
            path.display(),
            first + 1,
            show(&want),
            show(got)
        );
    }
}

#[test]
fn the_april_night_is_unchanged() {
    check("nightly-2024-04-25", &night("2024-04-25"));
}

#[test]
fn the_may_night_after_the_deadline_is_unchanged() {
    check("nightly-2024-05-08", &night("2024-05-08"));
}

#[test]
fn the_june_night_of_second_reminders_is_unchanged() {
    check("nightly-2024-06-10", &night("2024-06-10"));
}
