//! The `jobs` table: each job with its schedule, next run and last run.

use chrono::{DateTime, FixedOffset};

use super::next::format_tokyo;
use super::{InvalidJob, JobsFolder};
use crate::state::runs::RunRecord;
use crate::state::runs::RunStatus;
use crate::state::{State, StateError};

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JobRow {
    pub name: String,
    pub description: String,
    pub schedule: Option<String>,
    pub next_run: Option<DateTime<FixedOffset>>,
    pub last: Option<RunRecord>,
}

/// The rows of the valid jobs; `state` is absent when no run ever happened.
pub(crate) fn rows(
    folder: &JobsFolder,
    now: DateTime<FixedOffset>,
    state: Option<&State>,
) -> Result<Vec<JobRow>, StateError> {
    folder
        .jobs
        .iter()
        .map(|l| {
            Ok(JobRow {
                name: l.job.name.clone(),
                description: l.job.description.clone(),
                schedule: l.job.schedule.as_ref().map(|s| s.expr().to_string()),
                next_run: l.job.schedule.as_ref().and_then(|s| s.next_after(&now)),
                last: match state {
                    Some(s) => s.last_run(&l.job.name, now)?,
                    None => None,
                },
            })
        })
        .collect()
}

const HEADER: [&str; 6] = [
    "名前",
    "説明",
    "スケジュール",
    "次回実行",
    "前回開始",
    "前回結果",
];

/// Tab-separated lines with a header (Japanese text has no fixed width in a
/// terminal, so tabs align better than padding and stay easy to `cut`).
pub(crate) fn render(rows: &[JobRow], invalid: &[InvalidJob]) -> String {
    let mut out = HEADER.join("\t");
    out.push('\n');
    for r in rows {
        let cells = [
            r.name.clone(),
            or_dash(&r.description),
            r.schedule.clone().unwrap_or_else(|| "（なし）".into()),
            r.next_run.as_ref().map_or_else(|| "-".into(), format_tokyo),
            r.last
                .as_ref()
                .map_or_else(|| "-".into(), |l| show_time(&l.started_at)),
            r.last
                .as_ref()
                .map_or_else(|| "-".into(), |l| show_status(&l.status)),
        ];
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    for i in invalid {
        let name = i
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push_str(&format!(
            "{name}\t（ジョブファイルに誤りがあります）\t-\t-\t-\t-\n"
        ));
    }
    out
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "-".into()
    } else {
        s.to_string()
    }
}

fn show_time(rfc3339: &str) -> String {
    crate::clock::Stamp::parse(rfc3339)
        .map(|t| format_tokyo(&t.instant()))
        .unwrap_or_else(|| rfc3339.to_string())
}

/// The stored English word, which scripts use, with the label staff read.
fn show_status(status: &RunStatus) -> String {
    format!("{}（{}）", status.as_str(), status.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::load_jobs;
    use chrono::NaiveDate;

    const JOB: &str = r#"
description = "毎晩の集計・督促"
schedule = "0 30 2 * * *"
[inputs.applications]
path = "apps.csv"
[report]
path = "out/summary-{as_of}.xlsx"
"#;

    #[test]
    fn lists_next_and_last_runs_in_tokyo_time() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = dir.path().join("jobs");
        std::fs::create_dir(&jobs).unwrap();
        std::fs::write(jobs.join("nightly.toml"), JOB).unwrap();
        std::fs::write(
            jobs.join("adhoc.toml"),
            JOB.replace("schedule = \"0 30 2 * * *\"\n", "")
                .replace("毎晩の集計・督促", ""),
        )
        .unwrap();
        std::fs::write(jobs.join("broken.toml"), "schedule = 1").unwrap();
        let folder = load_jobs(&jobs).unwrap();
        let state = State::open(&dir.path().join("h.db")).unwrap();
        let started = DateTime::parse_from_rfc3339("2024-04-30T02:30:00.123456+09:00").unwrap();
        let id = state
            .begin_run(
                "nightly",
                NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
                started,
                false,
                crate::model::Trigger::Schedule,
            )
            .unwrap();
        state
            .finish_run(id, started, crate::model::Exit::NeedsAttention, None, None)
            .unwrap();
        // 17:00 UTC on 4/30 is 02:00 on 5/1 in Tokyo: tonight's slot is still ahead.
        let now = DateTime::parse_from_rfc3339("2024-04-30T17:00:00Z").unwrap();
        let rows = rows(&folder, now, Some(&state)).unwrap();
        assert_eq!(
            render(&rows, &folder.invalid),
            "名前\t説明\tスケジュール\t次回実行\t前回開始\t前回結果\n\
             adhoc\t-\t（なし）\t-\t-\t-\n\
             nightly\t毎晩の集計・督促\t0 30 2 * * *\t2024-05-01T02:30:00+09:00\t2024-04-30T02:30:00+09:00\tneeds_attention（要対応）\n\
             broken\t（ジョブファイルに誤りがあります）\t-\t-\t-\t-\n"
        );
    }
}
