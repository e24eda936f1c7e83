//! Dry runs and the listing commands say what they did: a dry run needs no
//! SMTP URL and counts the mails it wrote and where; `history` marks it
//! 試行; `outbox` says when nothing waits; `jobs` warns of example addresses.

use crate::support::Sandbox;

#[test]
fn a_dry_run_needs_no_smtp_url_and_says_what_it_wrote() {
    let sandbox = Sandbox::new();
    // No HOJOKIN_SMTP_URL at all.
    let ran = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
            &[],
        )
        .expect(1);
    let said = ran.stderr();
    assert!(
        said.contains("試行: メール 6 通（事業者あての督促・案内 5 通、職員あてのまとめ 1 通）を .eml として out/outbox に書き出しました。送信も送信済みの記録もしていません。"),
        "{said}"
    );
    let files = std::fs::read_dir(sandbox.path().join("out/outbox"))
        .unwrap()
        .count();
    assert_eq!(files, 6);
    // The real night still needs it, and says which variable.
    let real = sandbox
        .hojokin(&["run", "nightly", "--as-of", "2024-04-25"], &[])
        .expect(2);
    assert!(
        real.stderr().contains("HOJOKIN_SMTP_URL"),
        "{}",
        real.stderr()
    );

    let history = sandbox
        .hojokin(&["history", "nightly"], &[])
        .expect(0)
        .stdout();
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 2, "{history}");
    assert!(
        lines.iter().any(|l| l.ends_with("\tneeds_attention\t試行")),
        "{history}"
    );
    assert!(
        lines.iter().any(|l| l.ends_with("\tfailed\t本番")),
        "{history}"
    );
}

#[test]
fn outbox_says_when_nothing_is_waiting() {
    let sandbox = Sandbox::new();
    let ran = sandbox.hojokin(&["outbox"], &[]).expect(0);
    assert!(
        ran.stderr().starts_with("送信待ちのメールはありません"),
        "{}",
        ran.stderr()
    );
    sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
            &[],
        )
        .expect(1);
    let ran = sandbox.hojokin(&["outbox"], &[]).expect(0);
    assert_eq!(ran.stdout(), "");
    assert!(
        ran.stderr()
            .starts_with("送信待ち・送信不明のメールはありません"),
        "{}",
        ran.stderr()
    );
}

#[test]
fn jobs_warns_about_example_addresses() {
    let sandbox = Sandbox::new();
    let ran = sandbox
        .hojokin(&["jobs"], &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:25")])
        .expect(0);
    let said = ran.stderr();
    assert!(
        said.contains("注意: ジョブ nightly（jobs/nightly.toml）の email.staff が例示用のアドレス「kogyo@example.jp」のままです。"),
        "{said}"
    );
    assert!(said.contains("email.from"), "{said}");
}
