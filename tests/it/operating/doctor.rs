//! `hojokin doctor JOB`: one line per check, nothing sent; against a relay
//! with STARTTLS and AUTH it passes, and it names the relay when it is down.

use crate::support::Site;
use crate::support::smtp::{Server, certificates, free_port};

#[test]
fn doctor_passes_against_a_relay_with_auth_and_sends_nothing() {
    let sandbox = Site::fixtures();
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    let port = free_port();
    let server = Server::start(
        &sandbox.path().join("mail"),
        port,
        &[
            "--starttls",
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            "--auth",
            "kogyo:p@ss w0rd",
        ],
    );
    let url = format!(
        "smtp://kogyo:p%40ss%20w0rd@127.0.0.1:{port}?tls=required&ca={}",
        ca.display()
    );
    // The sandbox has no catalogue/ beside jobs/: give it the shipped one.
    let ran = sandbox
        .hojokin(
            &["doctor", "nightly"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .output();
    let out = String::from_utf8_lossy(&ran.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    let relay = lines
        .iter()
        .find(|l| l.starts_with("✓ 中継サーバー: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        *relay,
        format!(
            "✓ 中継サーバー: SMTP サーバー 127.0.0.1:{port}: 接続・EHLO・STARTTLS・AUTH（ユーザー kogyo）に成功し、メールを送らずに QUIT しました"
        )
    );
    assert!(!out.contains("p@ss"), "no password: {out}");
    for start in [
        "✓ ジョブファイル: jobs/nightly.toml を読み込みました",
        "⚠ ジョブファイル: ジョブ nightly（jobs/nightly.toml）の email.from が例示用のアドレス",
        "⚠ 入力 申請一覧: fixtures/exports/applications.xlsx シート「申請一覧」: 51 行（除外 6 行）。除外された行は hojokin check fixtures/exports/applications.xlsx で確認してください",
        "✓ 入力 予算: fixtures/exports/applications.xlsx シート「予算」: 42 行（除外 0 行）",
        // A CSV has no sheet to name.
        "⚠ 入力 雇用状況報告: fixtures/exports/employment_reports.csv: 5 行（除外 1 行）",
        "✓ テンプレート: 案内・催促・督促・再督促・職員あてのまとめを見本データで表示できました",
        "✓ 集計ブックの保存先: out に書き込めます",
        "✓ 状態ファイル: ./state/hojokin.db はまだありません",
        "⚠ ルールのテストケース: カタログ catalogue/programs.toml が見つからないため",
        "✓ 次回の実行: ",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(start)),
            "{start} not in\n{out}"
        );
    }
    // Warnings (the example addresses, the fixtures' rejected rows): exit 1.
    assert_eq!(ran.status.code(), Some(1), "{out}");
    assert!(server.messages().is_empty(), "doctor sends nothing");
    assert!(!sandbox.path().join("state/hojokin.db").exists());
}

#[test]
fn doctor_names_the_relay_when_it_is_down_and_a_sheet_it_cannot_read() {
    let sandbox = Site::fixtures();
    let path = sandbox.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("sheet = \"予算\"", "sheet = \"申請一覧\"", 1),
    )
    .unwrap();
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let ran = sandbox
        .hojokin(
            &["doctor", "nightly"],
            &[("HOJOKIN_SMTP_URL", url.as_str())],
        )
        .expect(2);
    let out = ran.stdout();
    let relay = out
        .lines()
        .find(|l| l.starts_with("✗ 中継サーバー: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        relay.contains(&format!("SMTP サーバー 127.0.0.1:{port}に接続できません")),
        "{relay}"
    );
    let budgets = out
        .lines()
        .find(|l| l.starts_with("✗ 入力 予算: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        budgets.contains("シート「申請一覧」を予算として読めません。必要な列 年度・制度・予算額 のうち 年度・予算額 が見つかりません"),
        "{budgets}"
    );
}
