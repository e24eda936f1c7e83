//! The `jobs` and `schedule` commands: the job list with next runs and bad
//! files flagged, and a scheduler with no valid scheduled job refusing to start.

use super::support::text;
use crate::support::Site;

#[test]
fn jobs_lists_next_runs_with_the_tokyo_offset_and_flags_bad_files() {
    let site = Site::generated(1);
    site.job("nightly", Some("0 30 2 * * *"));
    site.job("adhoc", None);
    let out = site.with_logs(&["jobs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "名前\t説明\tスケジュール\t次回実行\t前回開始\t前回結果"
    );
    assert_eq!(lines[1], "adhoc\t試験ジョブ adhoc\t（なし）\t-\t-\t-");
    let nightly: Vec<&str> = lines[2].split('\t').collect();
    assert_eq!(
        nightly[..3],
        ["nightly", "試験ジョブ nightly", "0 30 2 * * *"]
    );
    assert!(nightly[3].ends_with("T02:30:00+09:00"), "{}", nightly[3]);
    assert!(
        !site.db().exists(),
        "listing must not create the state file"
    );

    std::fs::write(site.jobs().join("typo.toml"), "schedule = \"0 30 2 * *\"\n").unwrap();
    let out = site.with_logs(&["jobs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("typo\t（ジョブファイルに誤りがあります）"));
    site.stderr_is(&out, "エラー: ジョブファイル jobs/typo.toml の 1 行目（inputs）: 必須のキー「inputs」がありません。この表に「inputs = …」の行を書いてください。\n");
}

#[test]
fn schedule_without_a_valid_scheduled_job_exits_2() {
    let site = Site::generated(1);
    site.job("adhoc", None);
    std::fs::write(site.jobs().join("bad.toml"), "description = ").unwrap();
    let out = site
        .with_logs(&["schedule", "--jobs-dir", "jobs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    site.stderr_is(&out, concat!(
        "<time> ERROR ジョブファイル jobs/bad.toml の 1 行目（description）: TOML として読めません（string values must be quoted, expected literal string）。引用符・括弧・「=」の対応を確認してください。（このジョブは実行しません。ほかのジョブは予定どおり実行します） file=jobs/bad.toml\n",
        "<time>  INFO no schedule in the job file; run it by hand or from cron job=adhoc\n",
        "<time> ERROR ジョブフォルダ jobs にスケジュールのある正しいジョブがありません\n",
    ));
}
