//! Dry runs and the listing commands say what they did: a dry run needs no
//! SMTP URL and counts the mails it wrote and where; `history` marks it
//! 試行; `outbox` says when nothing waits; `jobs` warns of example addresses.

use crate::support::Site;

#[test]
fn a_dry_run_needs_no_smtp_url_and_says_what_it_wrote() {
    let sandbox = Site::fixtures();
    // No HOJOKIN_SMTP_URL at all.
    let ran = sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
            &[],
        )
        .expect(1);
    ran.stderr_is(concat!(
        "入力に誤りがあり 9 行を除外しました（9 件）。集計ブックの「入力エラー」シートを確認してください。\n",
        "試行: メール 6 通（事業者あての督促・案内 5 通、職員あてのまとめ 1 通）を .eml として out/outbox に書き出しました。送信も送信済みの記録もしていません。\n",
        "nightly: 基準日 2024-04-25 の集計ブックを out/summary-2024-04-25.xlsx に書き出しました。\n",
    ));
    let files = std::fs::read_dir(sandbox.path().join("out/outbox"))
        .unwrap()
        .count();
    assert_eq!(files, 6);
    // The real night still needs it, and says which variable.
    let real = sandbox
        .hojokin(&["run", "nightly", "--as-of", "2024-04-25"], &[])
        .expect(2);
    real.stderr_is("エラー: ジョブファイル jobs/nightly.toml の email.smtp_url で参照している環境変数 HOJOKIN_SMTP_URL が設定されていません\n");

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
    let sandbox = Site::fixtures();
    let ran = sandbox.hojokin(&["outbox"], &[]).expect(0);
    ran.stderr_is("送信待ちのメールはありません（状態ファイル ./state/hojokin.db がまだありません: 一度も実行されていません）。\n");
    sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
            &[],
        )
        .expect(1);
    let ran = sandbox.hojokin(&["outbox"], &[]).expect(0);
    assert_eq!(ran.stdout(), "");
    ran.stderr_is("送信待ち・送信不明のメールはありません（状態ファイル ./state/hojokin.db、送信済み 0 通）。\n");
}

#[test]
fn jobs_warns_about_example_addresses() {
    let sandbox = Site::fixtures();
    let ran = sandbox
        .hojokin(&["jobs"], &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:25")])
        .expect(0);
    ran.stderr_is(concat!(
        "注意: ジョブ nightly（jobs/nightly.toml）の email.from が例示用のアドレス「綾瀬市 工業振興企業誘致課 <kogyo@example.jp>」のままです。このアドレスにはメールが届きません。市の実際のアドレスに書き換えてください。\n",
        "注意: ジョブ nightly（jobs/nightly.toml）の email.staff が例示用のアドレス「kogyo@example.jp」のままです。このアドレスにはメールが届きません。市の実際のアドレスに書き換えてください。\n",
        "注意: ジョブ nightly（jobs/nightly.toml）の email.reply_to が例示用のアドレス「綾瀬市 工業振興企業誘致課 <kogyo@example.jp>」のままです。このアドレスにはメールが届きません。市の実際のアドレスに書き換えてください。\n",
    ));
}
