//! A job file with a mistake stops the run (exit 2) with one Japanese
//! sentence naming the file, the line and the key, the valid choices in
//! full, and what was probably meant.

use crate::support::Site;
use crate::support::bin::Ran;

/// Edits the sandbox's jobs/nightly.toml and runs the night.
fn run_with(sandbox: &Site, from: &str, to: &str) -> Ran {
    let path = sandbox.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    sandbox
        .hojokin(
            &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
            &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:25")],
        )
        .expect(2)
}

#[test]
fn a_typo_in_a_key_names_its_line_and_the_key_meant() {
    let sandbox = Site::fixtures();
    let ran = run_with(&sandbox, "sheet = \"申請一覧\"", "shet = \"申請一覧\"");
    ran.stderr_is(concat!(
        "エラー: ジョブファイル jobs/nightly.toml の 8 行目（inputs.applications.shet）: キー「shet」は使えません。使えるキーは 「path」、「sheet」、「aliases」、「display」 です。「sheet」の書き間違いではありませんか。",
        "\n"
    ));
}

#[test]
fn a_value_of_the_wrong_type_names_its_line_and_the_form_wanted() {
    let sandbox = Site::fixtures();
    let ran = run_with(
        &sandbox,
        "staff = [\"kogyo@example.jp\"]",
        "staff = \"kogyo@example.jp\"",
    );
    ran.stderr_is(concat!(
        "エラー: ジョブファイル jobs/nightly.toml の 26 行目（email.staff）: 値の型が違います。配列（例: [\"kogyo@example.jp\"]）を書いてください（書かれているのは文字列 \"kogyo@example.jp\"）。",
        "\n"
    ));
}

#[test]
fn a_schedule_out_of_range_names_the_field() {
    let sandbox = Site::fixtures();
    let ran = run_with(&sandbox, "0 30 2 * * *\"", "0 30 25 * * *\"");
    ran.stderr_is(concat!(
        "エラー: ジョブファイル jobs/nightly.toml の 4 行目（schedule）: 値が正しくありません: スケジュール「0 30 25 * * *」の3項目め（時）の「25」は範囲外です。時は 0〜23 で書いてください（書き方: 秒 分 時 日 月 曜日、例: \"0 30 2 * * *\" は毎日 2:30）。",
        "\n"
    ));
}
