//! Issue 25, the files an operator edits and the files hojokin writes, with
//! the real binary: a report path over the state file or out of its dated
//! folder, `${VAR}` outside the secret settings, files others can write, a
//! template that loops for ever, and the mode of a replaced report.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::Site;

const SECRET_URL: &str = "smtp://kogyo:s3cret-pass@127.0.0.1:9?tls=required";

/// The sandbox's job file with `from` replaced by `to`.
fn edit_job(sandbox: &Site, from: &str, to: &str) {
    let path = sandbox.path().join("jobs/nightly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn dry_run(sandbox: &Site) -> crate::support::bin::Ran {
    sandbox.ran(
        &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
        &[("HOJOKIN_SMTP_URL", SECRET_URL)],
    )
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_report_path_over_the_state_file_is_refused_and_the_state_survives() {
    let sandbox = Site::fixtures();
    // A first night creates the state file.
    assert_eq!(dry_run(&sandbox).out.status.code(), Some(1));
    let db = sandbox.path().join("state/hojokin.db");
    edit_job(
        &sandbox,
        "path = \"../out/summary-{as_of}.xlsx\"",
        "path = \"../state/hojokin.db\"",
    );
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is(concat!(
        "<time>  WARN 集計ブックの出力先 state/hojokin.db はこのジョブが読む ./state/hojokin.db と同じファイルです。入力を上書きしないよう、ジョブファイルの [report] path に別のパスを指定してください。\n",
        "集計ブックの出力先 state/hojokin.db はこのジョブが読む ./state/hojokin.db と同じファイルです。入力を上書きしないよう、ジョブファイルの [report] path に別のパスを指定してください。\n",
    ));
    let head = std::fs::read(&db).unwrap();
    assert!(
        head.starts_with(b"SQLite format 3\0"),
        "the database is intact"
    );
    // The history is still readable from it.
    crate::support::bin::Hojokin::new(sandbox.path())
        .args(["history"])
        .expect(0);
}

#[test]
fn a_report_path_that_leaves_its_dated_folder_is_refused() {
    let sandbox = Site::fixtures();
    edit_job(
        &sandbox,
        "path = \"../out/summary-{as_of}.xlsx\"",
        "path = \"../out/{as_of}/../summary.xlsx\"",
    );
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is("エラー: ジョブファイル jobs/nightly.toml の 22 行目（report.path）: 値が正しくありません: {as_of} の後に .. があり、日付の付いた名前やフォルダから出てしまいます（毎晩同じファイルを上書きします）: ../out/{as_of}/../summary.xlsx。.. を使わないパスにしてください。\n");
    assert!(!sandbox.path().join("out/summary.xlsx").exists());
}

#[test]
fn a_secret_variable_in_contact_is_refused_and_never_printed() {
    let sandbox = Site::fixtures();
    edit_job(
        &sandbox,
        "contact = \"\"\"",
        "contact = \"\"\"\n${HOJOKIN_SMTP_URL}",
    );
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is("エラー: ジョブファイル jobs/nightly.toml の 33 行目（email.contact）: 値が正しくありません: ${…} は使えません。環境変数から値を入れられるのは秘密を書く設定（email.smtp_url）だけです。ほかの設定の値はメール、集計ブック、hojokin jobs にそのまま出るため、値を直接書いてください。\n");
    assert!(!sandbox.path().join("out").exists(), "nothing was written");
    let jobs = sandbox
        .hojokin(&["jobs"], &[("HOJOKIN_SMTP_URL", SECRET_URL)])
        .output();
    assert!(!String::from_utf8_lossy(&jobs.stdout).contains("s3cret"));
}

#[test]
fn files_others_can_write_are_refused_with_the_fix() {
    let sandbox = Site::fixtures();
    let job = sandbox.path().join("jobs/nightly.toml");
    chmod(&job, 0o666);
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is("エラー: ジョブファイル jobs/nightly.toml は所有者以外（すべてのユーザー）も書き換えられるため使いません（モード 0666）。`chmod go-w jobs/nightly.toml` で所有者だけが書けるようにしてから実行してください。\n");
    chmod(&job, 0o644);

    // A template folder of the job's with one template writable by all.
    let templates = sandbox.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(crate::support::repo().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, templates.join(path.file_name().unwrap())).unwrap();
        chmod(&templates.join(path.file_name().unwrap()), 0o644);
    }
    chmod(&templates.join("tokusoku.txt"), 0o646);
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is(concat!(
        "<time>  WARN ジョブファイル jobs/nightly.toml のメール設定: メールテンプレート templates/tokusoku.txt に誤りがあります: メールテンプレート templates/tokusoku.txt は所有者以外（すべてのユーザー）も書き換えられるため使いません（モード 0646）。`chmod go-w templates/tokusoku.txt` で所有者だけが書けるようにしてから実行してください。\n",
        "ジョブファイル jobs/nightly.toml のメール設定: メールテンプレート templates/tokusoku.txt に誤りがあります: メールテンプレート templates/tokusoku.txt は所有者以外（すべてのユーザー）も書き換えられるため使いません（モード 0646）。`chmod go-w templates/tokusoku.txt` で所有者だけが書けるようにしてから実行してください。\n",
    ));
    chmod(&templates.join("tokusoku.txt"), 0o644);

    // A catalogue of the job's, writable by all.
    let catalogue = sandbox.path().join("programs.toml");
    std::fs::copy(
        crate::support::repo().join("catalogue/programs.toml"),
        &catalogue,
    )
    .unwrap();
    chmod(&catalogue, 0o666);
    edit_job(
        &sandbox,
        "description = ",
        "programs = \"../programs.toml\"\ndescription = ",
    );
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is(concat!(
        "<time>  WARN 制度カタログ programs.toml は所有者以外（すべてのユーザー）も書き換えられるため使いません（モード 0666）。`chmod go-w programs.toml` で所有者だけが書けるようにしてから実行してください。\n",
        "制度カタログ programs.toml は所有者以外（すべてのユーザー）も書き換えられるため使いません（モード 0666）。`chmod go-w programs.toml` で所有者だけが書けるようにしてから実行してください。\n",
    ));
    chmod(&catalogue, 0o644);
    assert_eq!(dry_run(&sandbox).out.status.code(), Some(1));
}

#[test]
fn a_looping_template_fails_at_load_with_its_name() {
    let sandbox = Site::fixtures();
    let templates = sandbox.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(crate::support::repo().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, templates.join(path.file_name().unwrap())).unwrap();
        chmod(&templates.join(path.file_name().unwrap()), 0o644);
    }
    std::fs::write(
        templates.join("saisoku.txt"),
        "件名: 催促\n{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    chmod(&templates.join("saisoku.txt"), 0o644);
    let started = std::time::Instant::now();
    let ran = dry_run(&sandbox);
    assert_eq!(ran.out.status.code(), Some(2), "{}", ran.stderr());
    ran.stderr_is(concat!(
        "<time>  WARN ジョブファイル jobs/nightly.toml のメール設定: メールテンプレート templates/saisoku.txt に誤りがあります: 展開の手順が上限を超えました（終わらないループや、range() の入れ子で回数が大きすぎないか確認してください）。\n",
        "ジョブファイル jobs/nightly.toml のメール設定: メールテンプレート templates/saisoku.txt に誤りがあります: 展開の手順が上限を超えました（終わらないループや、range() の入れ子で回数が大きすぎないか確認してください）。\n",
    ));
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn a_replaced_report_keeps_the_mode_an_admin_gave_it() {
    let sandbox = Site::fixtures();
    dry_run(&sandbox);
    let report = sandbox.path().join("out/summary-2024-04-25.xlsx");
    chmod(&report, 0o600);
    dry_run(&sandbox);
    let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
