//! Job-file parsing: paths, ${VAR}, unknown keys, masking.
use super::*;

fn env(var: &str) -> Option<String> {
    match var {
        "SMTP" => Some("smtp://user:secret@localhost:2525".into()),
        "QUOTE" => Some("a\"b".into()),
        _ => None,
    }
}

const GOOD: &str = r#"
description = "毎晩"
schedule = "0 30 2 * * *"
[inputs.applications]
path = "../fixtures/a.xlsx"
sheet = "申請一覧"
aliases = { "申請番号" = ["受付番号"] }
[inputs.budgets]
path = "b.csv"
[report]
path = "../out/summary-{as_of}.xlsx"
[email]
from = "市 <kogyo@example.jp>"
staff = ["kogyo@example.jp"]
smtp_url = "${SMTP}"
outbox = "../out/outbox"
"#;

#[test]
fn parses_paths_relative_to_the_job_file() {
    let job = parse(GOOD, Path::new("/srv/jobs/nightly.toml"), &env).unwrap();
    assert_eq!(job.name, "nightly");
    let apps = &job.inputs[&Dataset::Applications];
    assert_eq!(apps.path, PathBuf::from("/srv/fixtures/a.xlsx"));
    assert_eq!(apps.sheet.as_deref(), Some("申請一覧"));
    assert_eq!(apps.aliases["申請番号"], vec!["受付番号".to_string()]);
    assert_eq!(
        job.report
            .path_for(NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()),
        PathBuf::from("/srv/out/summary-2024-05-01.xlsx")
    );
    assert!(!job.inputs.contains_key(&Dataset::Assets));
    let email = job.email.unwrap();
    assert_eq!(email.smtp_url.expose(), "smtp://user:secret@localhost:2525");
    assert_eq!(email.timeout_seconds, 30);
}

#[test]
fn the_password_never_shows_in_debug_output() {
    let job = parse(GOOD, Path::new("/srv/jobs/nightly.toml"), &env).unwrap();
    let debug = format!("{job:?}");
    assert!(!debug.contains("secret"), "{debug}");
    assert!(debug.contains("smtp://user:****@localhost:2525"), "{debug}");
}

#[test]
fn masks_passwords_in_urls() {
    for (url, masked) in [
        ("smtp://u:p@h:25", "smtp://u:****@h:25"),
        (
            "smtps://u:p%40x@h/?tls=required",
            "smtps://u:****@h/?tls=required",
        ),
        ("smtp://h:25", "smtp://h:25"),
        ("smtp://user@h:25", "smtp://user@h:25"),
        ("not a url", "not a url"),
    ] {
        assert_eq!(mask_url_password(url), masked, "{url}");
    }
}

#[test]
fn a_missing_variable_is_named() {
    let text = GOOD.replace("${SMTP}", "${HOJOKIN_SMTP_URL}");
    let err = parse(&text, Path::new("j.toml"), &env).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("HOJOKIN_SMTP_URL"), "{msg}");
    assert!(msg.contains("email.smtp_url"), "{msg}");
    assert!(msg.contains("j.toml"), "{msg}");
}

#[test]
fn a_value_with_quotes_is_taken_literally() {
    let env = |var: &str| (var == "QUOTE").then(|| "smtp://a\"b@localhost:25".to_string());
    let text = GOOD.replace("${SMTP}", "${QUOTE}");
    let job = parse(&text, Path::new("j.toml"), &env).unwrap();
    assert_eq!(
        job.email.unwrap().smtp_url.expose(),
        "smtp://a\"b@localhost:25"
    );
}

/// Issue 25.7: `${HOJOKIN_SMTP_URL}` in `contact` or `description` used to
/// print the password in every mail, the workbook and `hojokin jobs`.
#[test]
fn a_variable_outside_the_secret_settings_is_refused() {
    for (from, to, key) in [
        (
            "outbox = ",
            "contact = \"${SMTP}\"\noutbox = ",
            "email.contact",
        ),
        (
            "description = \"毎晩\"",
            "description = \"${SMTP}\"",
            "description",
        ),
        ("\"kogyo@example.jp\"]", "\"${SMTP}\"]", "email.staff"),
    ] {
        let text = GOOD.replace(from, to);
        let err = parse(&text, Path::new("j.toml"), &env)
            .unwrap_err()
            .to_string();
        assert!(err.contains(key) && err.contains("j.toml"), "{err}");
        assert!(err.contains("email.smtp_url"), "{err}");
        assert!(!err.contains("secret"), "the value is never read: {err}");
    }
}

#[test]
fn unknown_keys_are_named() {
    let text = GOOD.replace("[report]", "[report]\nformat = \"pdf\"");
    let msg = parse(&text, Path::new("j.toml"), &env)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("format"), "{msg}");
    assert!(msg.contains("j.toml"), "{msg}");
    let text = GOOD.replace("[inputs.budgets]", "[inputs.budget]");
    let msg = parse(&text, Path::new("j.toml"), &env)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("budget"), "{msg}");
}

#[test]
fn applications_are_required_and_schedules_have_six_fields() {
    let text = GOOD.replace("[inputs.applications]", "[inputs.assets]");
    let msg = parse(&text, Path::new("j.toml"), &env)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("inputs.applications"), "{msg}");
    let text = GOOD.replace("0 30 2 * * *", "30 2 * * *");
    let msg = parse(&text, Path::new("j.toml"), &env)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("schedule") && msg.contains("5項目"), "{msg}");
}

#[test]
fn joins_paths_cleanly() {
    for (base, rel, want) in [
        ("jobs", "../fixtures/a.xlsx", "fixtures/a.xlsx"),
        ("/srv/jobs", "../../x", "/x"),
        ("", "../x", "../x"),
        ("jobs", "./a/./b", "jobs/a/b"),
        ("jobs", "/abs/p", "/abs/p"),
        ("", "", "."),
    ] {
        assert_eq!(
            join_clean(Path::new(base), rel),
            PathBuf::from(want),
            "{base} + {rel}"
        );
    }
}

#[test]
fn locates_jobs_by_name_or_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nightly.toml"), GOOD).unwrap();
    assert_eq!(
        locate("nightly", dir.path()).unwrap(),
        dir.path().join("nightly.toml")
    );
    assert!(matches!(
        locate("weekly", dir.path()),
        Err(JobError::NotFound { .. })
    ));
    assert_eq!(
        locate("other/x.toml", dir.path()).unwrap(),
        PathBuf::from("other/x.toml")
    );
}

/// Issue 13.9: a multi-line or 100 KB `${VAR}` value is quoted in one short line.
#[test]
fn an_env_value_quoted_in_an_error_is_one_short_line() {
    let huge = format!("市役所\nBcc: all@example.jp{}", "x".repeat(100_000));
    let env = |var: &str| match var {
        "SMTP" => Some(huge.clone()),
        other => env(other),
    };
    let err = parse(GOOD, Path::new("jobs/nightly.toml"), &env)
        .unwrap_err()
        .to_string();
    let shown: String = huge
        .chars()
        .take(crate::logging::MAX_QUOTED_CHARS)
        .collect();
    assert_eq!(
        err,
        format!(
            "ジョブファイル jobs/nightly.toml の 15 行目（email.smtp_url）: 値が正しくありません: smtp:// または smtps:// で始まる URL を指定してください: {}…（全 100023 文字）",
            shown.replace('\n', "\\n")
        )
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn the_mail_texts_are_read_and_a_blank_one_is_named() {
    let text = GOOD.replace(
        "outbox = \"../out/outbox\"",
        "outbox = \"../out/outbox\"\nreply_to = \"市 <kogyo@example.jp>\"\ncontact = \"\"\"\n綾瀬市 工業振興企業誘致課\n電話 0467-77-1111\n\"\"\"\nsubmission = \"持参または郵送\"\nsubmit_to = \"綾瀬市役所\"",
    );
    let email = parse(&text, Path::new("j.toml"), &env)
        .unwrap()
        .email
        .unwrap();
    assert_eq!(email.reply_to.as_deref(), Some("市 <kogyo@example.jp>"));
    assert_eq!(
        email.contact.as_deref(),
        Some("綾瀬市 工業振興企業誘致課\n電話 0467-77-1111")
    );
    assert_eq!(email.submission.as_deref(), Some("持参または郵送"));
    assert_eq!(email.submit_to.as_deref(), Some("綾瀬市役所"));
    // Not set: nothing printed, and no error.
    let email = parse(GOOD, Path::new("j.toml"), &env)
        .unwrap()
        .email
        .unwrap();
    assert!(email.reply_to.is_none() && email.submission.is_none());

    let blank = GOOD.replace(
        "outbox = \"../out/outbox\"",
        "outbox = \"../out/outbox\"\nsubmission = \"  \"",
    );
    let msg = parse(&blank, Path::new("j.toml"), &env)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("email.submission") && msg.contains("空です"),
        "{msg}"
    );
    let bad = GOOD.replace(
        "outbox = \"../out/outbox\"",
        "outbox = \"../out/outbox\"\nreply_to = \"kogyo\"",
    );
    let msg = parse(&bad, Path::new("j.toml"), &env)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("email.reply_to"), "{msg}");
}

#[test]
fn the_shipped_nightly_job_has_a_complete_contact() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let job = parse(&text, &path, &|_| Some("smtp://localhost:25".into())).unwrap();
    let email = job.email.unwrap();
    let contact = email.contact.unwrap();
    for needle in ["工業振興企業誘致課", "〒", "電話", "メール"] {
        assert!(contact.contains(needle), "{contact}");
    }
    assert!(email.reply_to.is_some());
    assert!(email.submission.is_some_and(|s| s.contains("郵送")));
    assert!(email.submit_to.is_some_and(|s| s.contains("綾瀬市役所")));
    assert!(
        email.forms_url.is_some_and(|u| u.starts_with("https://")),
        "the shipped job says where the forms are"
    );
}

#[test]
fn the_forms_page_and_the_days_to_reply_are_read_and_checked() {
    let with = |extra: &str| {
        GOOD.replace(
            "outbox = \"../out/outbox\"",
            &format!("outbox = \"../out/outbox\"\n{extra}"),
        )
    };
    let email = parse(
        &with("forms_url = \"https://www.example.jp/yoshiki/\"\nreply_within_days = 10"),
        Path::new("j.toml"),
        &env,
    )
    .unwrap()
    .email
    .unwrap();
    assert_eq!(
        email.forms_url.as_deref(),
        Some("https://www.example.jp/yoshiki/")
    );
    assert_eq!(email.reply_within_days, 10);
    // Not set: no page printed, 14 days to reply.
    let email = parse(GOOD, Path::new("j.toml"), &env)
        .unwrap()
        .email
        .unwrap();
    assert_eq!((email.forms_url, email.reply_within_days), (None, 14));
    for (extra, key) in [
        ("forms_url = \"www.example.jp\"", "email.forms_url"),
        ("forms_url = \"https://a b\"", "email.forms_url"),
        ("reply_within_days = 0", "email.reply_within_days"),
        ("reply_within_days = 400", "email.reply_within_days"),
    ] {
        let msg = parse(&with(extra), Path::new("j.toml"), &env)
            .unwrap_err()
            .to_string();
        assert!(msg.contains(key), "{extra}: {msg}");
    }
}

/// Issue 25.5: an unset `rate_per_minute` is README's 30; the window's two
/// settings are read, and a budget of 0 or a bad hour is refused by name.
#[test]
fn the_pace_and_the_sending_window() {
    let email = parse(GOOD, Path::new("j.toml"), &env)
        .unwrap()
        .email
        .unwrap();
    assert_eq!(email.rate_per_minute, 30);
    assert_eq!(email.window, super::SendWindow::default());
    let text = GOOD.replace(
        "outbox = \"../out/outbox\"",
        "outbox = \"../out/outbox\"\nrate_per_minute = 0\nsend_until = \"06:00\"\nmax_mails_per_night = 5000",
    );
    let email = parse(&text, Path::new("j.toml"), &env)
        .unwrap()
        .email
        .unwrap();
    assert_eq!(email.rate_per_minute, 0);
    assert_eq!(email.window.until, chrono::NaiveTime::from_hms_opt(6, 0, 0));
    assert_eq!(email.window.max_mails, Some(5000));
    for (line, key) in [
        ("max_mails_per_night = 0", "email.max_mails_per_night"),
        ("send_until = \"6時\"", "email.send_until"),
    ] {
        let text = GOOD.replace(
            "outbox = \"../out/outbox\"",
            &format!("outbox = \"../out/outbox\"\n{line}"),
        );
        let err = parse(&text, Path::new("j.toml"), &env)
            .unwrap_err()
            .to_string();
        assert!(err.contains(key), "{err}");
    }
}
