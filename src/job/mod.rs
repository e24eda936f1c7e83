//! Job files (`jobs/NAME.toml`): parsed and validated once into a [`Job`].
//!
//! Everything later stages need from the file is resolved here: paths are made
//! relative to the job file's folder, `${VAR}` is replaced from the
//! environment where a secret belongs (and refused elsewhere), and unknown keys are rejected so a typo is never silently
//! ignored on a city server.

mod cron;
mod email;
mod errors;
mod placeholders;
mod send_window;

pub(crate) use placeholders::placeholder_warnings;
pub(crate) mod file_mode;

pub(crate) use cron::Schedule;
pub use email::{EmailSpec, SmtpUrl};
use email::{RawEmail, email_spec};
pub(crate) use email::{email_section, mask_url_password};

pub(crate) use send_window::SendWindow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::logging::one_line;
use crate::model::Dataset;

/// Why a job file could not be used. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum JobError {
    #[error("ジョブファイル {path} を読めません: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("ジョブファイル {path} の書式が正しくありません: {message}")]
    Syntax { path: PathBuf, message: String },
    /// A mistake on a known line: the key and a sentence with the fix.
    #[error("ジョブファイル {path} の {line} 行目（{key}）: {message}")]
    At {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("ジョブファイル {path} の {key} で参照している環境変数 {var} が設定されていません")]
    MissingVar {
        path: PathBuf,
        key: String,
        var: String,
    },
    #[error("ジョブファイル {path} の {key} が正しくありません: {message}")]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("ジョブ {name} が見つかりません（{path} がありません）")]
    NotFound { name: String, path: PathBuf },
    /// Others can write the file (see `job::file_mode`): the sentence says how to fix it.
    #[error("{0}")]
    WritableByOthers(String),
}

/// A validated job.
#[derive(Debug, Clone)]
pub struct Job {
    /// The job's name: the file stem (`nightly` for `jobs/nightly.toml`).
    pub name: String,
    /// The job file itself.
    pub path: PathBuf,
    pub description: String,
    /// Six-field cron expression (sec min hour day month weekday), Asia/Tokyo.
    pub schedule: Option<Schedule>,
    /// Another program catalogue than the shipped one.
    pub programs: Option<PathBuf>,
    pub inputs: BTreeMap<Dataset, InputSpec>,
    pub report: ReportSpec,
    pub email: Option<EmailSpec>,
    /// `[hold] shrink_percent`: grantee reminders are held when an input's
    /// accepted rows fall by more than this share of the last sending
    /// night's (default 10: a tenth).
    pub shrink_percent: u32,
}

/// The default of `[hold] shrink_percent`: a tenth.
pub(crate) const DEFAULT_SHRINK_PERCENT: u32 = 10;

impl Job {
    /// Every file the job reads (inputs, program catalogue, the job file
    /// itself): the report must never be written over one of them.
    pub fn files_read(&self) -> Vec<&Path> {
        let mut files: Vec<&Path> = self.inputs.values().map(|i| i.path.as_path()).collect();
        files.extend(self.programs.as_deref());
        files.push(&self.path);
        files
    }
}

/// Where one dataset comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    pub path: PathBuf,
    pub sheet: Option<String>,
    /// Extra header names per column: `申請番号 = ["受付番号"]`.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// How staff know the file (`display = "\\\\fileserver\\補助金\\申請一覧.xlsx"`):
    /// shown on 概要 and 入力エラー instead of the server's path.
    pub display: Option<String>,
}

/// Where the summary workbook goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    /// Path template; `{as_of}` becomes YYYY-MM-DD.
    pub path: PathBuf,
}

impl ReportSpec {
    /// The report path for one business date.
    pub fn path_for(&self, as_of: NaiveDate) -> PathBuf {
        let text = self.path.to_string_lossy();
        PathBuf::from(text.replace("{as_of}", &as_of.format("%Y-%m-%d").to_string()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJob {
    #[serde(default)]
    description: String,
    schedule: Option<String>,
    programs: Option<String>,
    inputs: RawInputs,
    report: RawReport,
    email: Option<RawEmail>,
    hold: Option<RawHold>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHold {
    shrink_percent: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    applications: Option<RawInput>,
    assets: Option<RawInput>,
    employment_reports: Option<RawInput>,
    budgets: Option<RawInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    path: String,
    sheet: Option<String>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<String>>,
    display: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    path: String,
}

/// `base/rel` with `.` and `..` folded away, so paths read cleanly in
/// messages and reports (`jobs/../fixtures/a.xlsx` → `fixtures/a.xlsx`).
/// Purely lexical: the file need not exist yet.
pub(crate) fn join_clean(base: &Path, rel: impl AsRef<Path>) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in base.join(rel).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A `..` after the part holding `{as_of}` climbs out of it once the date
/// is put in (`out/{as_of}/../x.xlsx` is `out/x.xlsx`: one file for every
/// night), which `join_clean` would otherwise fold away silently.
fn leaves_the_date(report: &str) -> bool {
    let mut parts = Path::new(report).components();
    parts
        .by_ref()
        .find(|c| c.as_os_str().to_string_lossy().contains("{as_of}"))
        .is_some()
        && parts.any(|c| c == std::path::Component::ParentDir)
}

/// Finds a job by name (`nightly` → `DIR/nightly.toml`) or by path.
pub(crate) fn locate(job: &str, jobs_dir: &Path) -> Result<PathBuf, JobError> {
    let as_path = Path::new(job);
    if job.ends_with(".toml") || as_path.components().count() > 1 {
        return Ok(as_path.to_path_buf());
    }
    let path = jobs_dir.join(format!("{job}.toml"));
    if path.is_file() {
        Ok(path)
    } else {
        Err(JobError::NotFound {
            name: job.to_string(),
            path,
        })
    }
}

/// Reads and validates a job file, taking `${VAR}` values from `env`.
pub(crate) fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Job, JobError> {
    file_mode::check(path, "ジョブファイル").map_err(JobError::WritableByOthers)?;
    let text = std::fs::read_to_string(path).map_err(|source| JobError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, env)
}

/// Reads a job file with `${VAR}` taken from the process environment.
pub(crate) fn load_from_env(path: &Path) -> Result<Job, JobError> {
    load(path, &|var| std::env::var(var).ok())
}

/// The SMTP URL a dry run uses when its variable is not set: never
/// connected to (a dry run writes .eml files), only parsed.
const DRY_RUN_SMTP_URL: &str = "smtp://localhost:25";

/// [`load_from_env`] for a dry run, which sends nothing and so does not need
/// the SMTP URL: a missing variable in `email.smtp_url` is no error there.
pub(crate) fn load_for_dry_run(path: &Path) -> Result<Job, JobError> {
    match load_from_env(path) {
        Err(JobError::MissingVar { key, var, .. }) if key == "email.smtp_url" => load(path, &|v| {
            if v == var {
                Some(DRY_RUN_SMTP_URL.to_string())
            } else {
                std::env::var(v).ok()
            }
        }),
        other => other,
    }
}

/// Parses job-file text; `path` names the file in errors and anchors relative paths.
pub(crate) fn parse(
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Job, JobError> {
    parse_unplaced(text, path, env).map_err(|e| place(e, text))
}

/// A mistake whose key has a line in `text` says the line.
fn place(err: JobError, text: &str) -> JobError {
    match err {
        JobError::Invalid { path, key, message } => match errors::line_of_key(text, &key) {
            Some(line) => JobError::At {
                path,
                line,
                key,
                message: format!("値が正しくありません: {message}"),
            },
            None => JobError::Invalid { path, key, message },
        },
        other => other,
    }
}

/// A toml or serde error on the text as written, with its line and key.
fn located(text: &str, path: &Path, err: &toml::de::Error) -> JobError {
    match errors::describe(text, err) {
        (Some(place), message) => JobError::At {
            path: path.to_path_buf(),
            line: place.line,
            key: place.key,
            message,
        },
        (None, message) => JobError::Syntax {
            path: path.to_path_buf(),
            message,
        },
    }
}

fn parse_unplaced(
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Job, JobError> {
    let syntax = |message: String| JobError::Syntax {
        path: path.to_path_buf(),
        message,
    };
    // The shape is checked on the text as written, so a mistake has a line
    // (after `${VAR}` substitution below the spans are gone).
    toml::from_str::<RawJob>(text).map_err(|e| located(text, path, &e))?;
    let mut value: toml::Value = toml::from_str(text).map_err(|e| located(text, path, &e))?;
    substitute_env(&mut value, "", path, env)?;
    // After substitution an error may quote a `${VAR}` value: one short line.
    let raw: RawJob = value
        .try_into()
        .map_err(|e: toml::de::Error| syntax(one_line(&e.to_string()).into_owned()))?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let invalid = |key: &str, message: String| JobError::Invalid {
        path: path.to_path_buf(),
        key: key.to_string(),
        message,
    };

    let schedule = match &raw.schedule {
        None => None,
        Some(expr) => Some(Schedule::parse(expr).map_err(|m| invalid("schedule", m))?),
    };
    let inputs = input_specs(raw.inputs, &base, &invalid)?;
    if raw.report.path.trim().is_empty() {
        return Err(invalid("report.path", "パスが空です".into()));
    }
    if leaves_the_date(&raw.report.path) {
        return Err(invalid(
            "report.path",
            format!(
                "{{as_of}} の後に .. があり、日付の付いた名前やフォルダから出てしまいます（毎晩同じファイルを上書きします）: {}。.. を使わないパスにしてください。",
                one_line(&raw.report.path)
            ),
        ));
    }
    let email = match raw.email {
        None => None,
        Some(e) => Some(email_spec(e, &base, &invalid)?),
    };
    let shrink_percent = raw
        .hold
        .and_then(|h| h.shrink_percent)
        .unwrap_or(DEFAULT_SHRINK_PERCENT);
    if shrink_percent > 100 {
        return Err(invalid(
            "hold.shrink_percent",
            format!("0〜100 の整数（%）で書いてください: {shrink_percent}"),
        ));
    }
    Ok(Job {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_path_buf(),
        description: raw.description,
        schedule,
        programs: raw.programs.map(|p| join_clean(&base, p)),
        inputs,
        report: ReportSpec {
            path: join_clean(&base, raw.report.path),
        },
        email,
        shrink_percent,
    })
}

/// `[inputs.*]`, each path relative to the job file's folder; the
/// applications are required.
fn input_specs(
    raw: RawInputs,
    base: &Path,
    invalid: &dyn Fn(&str, String) -> JobError,
) -> Result<BTreeMap<Dataset, InputSpec>, JobError> {
    let RawInputs {
        applications,
        assets,
        employment_reports,
        budgets,
    } = raw;
    let Some(applications) = applications else {
        return Err(invalid(
            "inputs.applications",
            "申請一覧の入力（[inputs.applications]）は必須です".into(),
        ));
    };
    let mut inputs = BTreeMap::new();
    for (dataset, input) in [
        (Dataset::Applications, Some(applications)),
        (Dataset::Assets, assets),
        (Dataset::EmploymentReports, employment_reports),
        (Dataset::Budgets, budgets),
    ] {
        if let Some(input) = input {
            let key = format!("inputs.{}.path", dataset.key());
            if input.path.trim().is_empty() {
                return Err(invalid(&key, "パスが空です".into()));
            }
            inputs.insert(
                dataset,
                InputSpec {
                    path: join_clean(base, &input.path),
                    sheet: input.sheet.filter(|s| !s.trim().is_empty()),
                    aliases: input.aliases,
                    display: input.display.filter(|s| !s.trim().is_empty()),
                },
            );
        }
    }
    Ok(inputs)
}

/// The settings that take a secret, and so the only ones where `${VAR}` is
/// replaced from the environment: a variable anywhere else would print the
/// secret in every grantee's mail, the workbook and `hojokin jobs`.
pub(crate) const SECRET_KEYS: &[&str] = &["email.smtp_url"];

/// Replaces `${VAR}` in the settings that take a secret ([`SECRET_KEYS`])
/// and refuses it in every other string. Done on parsed values,
/// not on the raw text, so a value with quotes cannot change the TOML.
fn substitute_env(
    value: &mut toml::Value,
    key: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), JobError> {
    match value {
        toml::Value::String(s) if SECRET_KEYS.contains(&key) => {
            *s = expand(s, key, path, env)?;
        }
        toml::Value::String(s) if s.contains("${") => {
            return Err(JobError::Invalid {
                path: path.to_path_buf(),
                key: key.to_string(),
                message: format!(
                    "${{…}} は使えません。環境変数から値を入れられるのは秘密を書く設定（{}）だけです。ほかの設定の値はメール、集計ブック、hojokin jobs にそのまま出るため、値を直接書いてください。",
                    SECRET_KEYS.join("、")
                ),
            });
        }
        toml::Value::Array(items) => {
            for item in items {
                substitute_env(item, key, path, env)?;
            }
        }
        toml::Value::Table(table) => {
            for (k, v) in table.iter_mut() {
                let child = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                substitute_env(v, &child, path, env)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn expand(
    s: &str,
    key: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, JobError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(JobError::Invalid {
                path: path.to_path_buf(),
                key: key.to_string(),
                message: format!("${{ が閉じていません: {}", one_line(s)),
            });
        };
        let var = &after[..end];
        let value = env(var).ok_or_else(|| JobError::MissingVar {
            path: path.to_path_buf(),
            key: key.to_string(),
            var: var.to_string(),
        })?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks the six-field cron form the contract promises (sec min hour day month weekday).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
