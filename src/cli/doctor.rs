//! `hojokin doctor JOB`: a preflight before the first real night. Checks the
//! job end to end without sending anything and prints one line per check:
//! ✓ good, ⚠ a warning (with what to look at), ✗ a failure (with the fix).
//! Exit 0 all good, 1 warnings, 2 a check failed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{CliError, Finished, StateArgs};
use crate::catalogue::Catalogue;
use crate::clock::{Clock, SystemClock};
use crate::ingest::diagnose;
use crate::ingest::source::Book;
use crate::ingest::{self, IngestError};
use crate::job::{self, Job};
use crate::model::Exit;
use crate::notify::Mailer;
use crate::notify::smtp::{SmtpConfig, preflight};
use crate::state::State;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Good,
    Warning,
    Failed,
}

impl Mark {
    fn symbol(self) -> &'static str {
        match self {
            Mark::Good => "✓",
            Mark::Warning => "⚠",
            Mark::Failed => "✗",
        }
    }

    fn exit(self) -> Exit {
        match self {
            Mark::Good => Exit::Done,
            Mark::Warning => Exit::NeedsAttention,
            Mark::Failed => Exit::CouldNotRun,
        }
    }
}

/// The checks' lines and the exit status they add up to.
struct Report {
    done: Finished,
}

impl Report {
    fn line(&mut self, mark: Mark, what: &str, text: impl AsRef<str>) {
        self.done
            .stdout
            .push(format!("{} {what}: {}", mark.symbol(), text.as_ref()));
        self.done.exit = self.done.exit.and(mark.exit());
    }
}

/// How many next runs are listed.
const NEXT_RUNS: usize = 3;

pub(super) fn run(name: &str, state: &StateArgs) -> Result<Finished, CliError> {
    let mut r = Report {
        done: Finished::new(Exit::Done),
    };
    let job = match job::locate(name, &state.jobs_dir).and_then(|p| job::load_from_env(&p)) {
        Ok(job) => job,
        Err(e) => {
            r.line(
                Mark::Failed,
                "ジョブファイル",
                format!("{e}。直してから doctor をもう一度実行してください。"),
            );
            return Ok(r.done);
        }
    };
    r.line(
        Mark::Good,
        "ジョブファイル",
        format!("{} を読み込みました", job.path.display()),
    );
    for w in job::placeholder_warnings(&job) {
        r.line(Mark::Warning, "ジョブファイル", w);
    }
    let catalogue = match &job.programs {
        None => Catalogue::builtin(),
        Some(p) => match Catalogue::load(p) {
            Ok(c) => c,
            Err(e) => {
                r.line(Mark::Failed, "制度カタログ", e.to_string());
                Catalogue::builtin()
            }
        },
    };
    inputs(&mut r, &job, &catalogue);
    templates(&mut r, &job);
    report_folder(&mut r, &job);
    state_file(&mut r, &state.db());
    rule_cases(&mut r, &job);
    relay(&mut r, &job);
    next_runs(&mut r, &job);
    Ok(r.done)
}

/// Each input found, its sheet recognised, its rows read: all together, as
/// a night reads them (assets and reports are checked against the
/// applications); when that fails, each alone, to name the one at fault.
fn inputs(r: &mut Report, job: &Job, catalogue: &Catalogue) {
    match ingest::read_inputs(&job.inputs, catalogue) {
        Ok(read) => {
            for (dataset, spec) in &job.inputs {
                let what = format!("入力 {}", dataset.label());
                let Some(s) = read.summaries.iter().find(|s| s.dataset == *dataset) else {
                    r.line(
                        Mark::Warning,
                        &what,
                        format!("{} から何も読めませんでした", spec.path.display()),
                    );
                    continue;
                };
                // A CSV has no sheet to name (its internal one is the file's stem).
                let path = spec.path.display().to_string();
                let text = match crate::model::shown_sheet(&path, &s.sheet) {
                    "" => format!("{path}: {} 行（除外 {} 行）", s.rows, s.rejected),
                    sheet => format!(
                        "{path} シート「{sheet}」: {} 行（除外 {} 行）",
                        s.rows, s.rejected
                    ),
                };
                if s.rows == 0 {
                    r.line(
                        Mark::Warning,
                        &what,
                        format!("{text}。データ行がありません。この夜の督促メールは保留されます"),
                    );
                } else if s.rejected > 0 {
                    r.line(
                        Mark::Warning,
                        &what,
                        format!(
                            "{text}。除外された行は hojokin check {} で確認してください",
                            spec.path.display()
                        ),
                    );
                } else {
                    r.line(Mark::Good, &what, text);
                }
            }
        }
        Err(_) => {
            for (dataset, spec) in &job.inputs {
                let what = format!("入力 {}", dataset.label());
                let one = BTreeMap::from([(*dataset, spec.clone())]);
                match ingest::read_inputs(&one, catalogue) {
                    Ok(_) => r.line(
                        Mark::Good,
                        &what,
                        format!("{} を読めます", spec.path.display()),
                    ),
                    Err(e @ IngestError::NoHeader { .. }) => {
                        let why = header_help(spec, *dataset);
                        r.line(Mark::Failed, &what, why.unwrap_or_else(|| e.to_string()));
                    }
                    Err(e) => r.line(Mark::Failed, &what, e.to_string()),
                }
            }
        }
    }
}

/// The headers found against the ones needed, and the aliases that map them.
fn header_help(spec: &job::InputSpec, dataset: crate::model::Dataset) -> Option<String> {
    let mut book = Book::open(&spec.path).ok()?;
    let sheets = match &spec.sheet {
        Some(s) => vec![s.clone()],
        None => book.sheet_names(),
    };
    let found: Vec<String> = sheets
        .iter()
        .filter_map(|s| diagnose::diagnose(&mut book, s, Some(dataset), &spec.aliases).ok()?)
        .map(|d| d.sentence())
        .collect();
    (!found.is_empty()).then(|| format!("{}: {}", spec.path.display(), found.join(" ")))
}

/// The mail settings and the templates, rendered for every stage with
/// sample data (the mailer checks them as it loads).
fn templates(r: &mut Report, job: &Job) {
    let Some(spec) = &job.email else {
        r.line(
            Mark::Good,
            "メール",
            "[email] がないため、このジョブはメールを送りません",
        );
        return;
    };
    let default = crate::pipeline::default_templates(job);
    match Mailer::new(spec, &default, crate::clock::system()) {
        Ok(_) => {
            let from = spec
                .templates
                .clone()
                .or_else(|| default.is_dir().then_some(default))
                .map_or_else(|| "組み込み".to_string(), |p| p.display().to_string());
            r.line(
                Mark::Good,
                "テンプレート",
                format!("案内・催促・督促・再督促・職員あてのまとめを見本データで表示できました（{from}）"),
            );
        }
        Err(e) => r.line(Mark::Failed, "テンプレート・メール設定", e.to_string()),
    }
}

/// The report's folder exists and takes a file.
fn report_folder(r: &mut Report, job: &Job) {
    let path = job.report.path_for(super::today_tokyo());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A folder not there yet is made by the first night: its nearest
    // existing ancestor must take it.
    let existing = dir
        .ancestors()
        .find(|a| a.as_os_str().is_empty() || a.is_dir());
    let probe_in = match existing {
        Some(a) if a.as_os_str().is_empty() => PathBuf::from("."),
        Some(a) => a.to_path_buf(),
        None => PathBuf::from("."),
    };
    let made_later = if probe_in == dir {
        String::new()
    } else {
        format!("（フォルダ {} は初回の実行で作成されます）", dir.display())
    };
    match tempfile::Builder::new().prefix(".hojokin-doctor").tempfile_in(&probe_in) {
        Ok(_) => r.line(
            Mark::Good,
            "集計ブックの保存先",
            format!("{} に書き込めます{made_later}", dir.display()),
        ),
        Err(e) => r.line(
            Mark::Failed,
            "集計ブックの保存先",
            format!("{} に書き込めません（{e}）。フォルダの権限か、ジョブファイルの [report] path を確認してください", probe_in.display()),
        ),
    }
}

/// The state file opens, migrates and passes SQLite's integrity check.
fn state_file(r: &mut Report, db: &Path) {
    let what = "状態ファイル";
    if !db.exists() {
        r.line(
            Mark::Good,
            what,
            format!(
                "{} はまだありません（初回の実行で作成されます）",
                db.display()
            ),
        );
        return;
    }
    let state = match State::open(db) {
        Ok(s) => s,
        Err(e) => {
            r.line(Mark::Failed, what, e.to_string());
            return;
        }
    };
    let check: Result<String, _> = state
        .conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0));
    let version = state.schema_version().unwrap_or_default();
    match check {
        Ok(ok) if ok == "ok" => r.line(
            Mark::Good,
            what,
            format!("{}: 整合性チェック OK、スキーマ {version}（最新）", db.display()),
        ),
        Ok(problem) => r.line(
            Mark::Failed,
            what,
            format!("{} の整合性チェックで問題が見つかりました（{problem}）。バックアップから戻してください", db.display()),
        ),
        Err(e) => r.line(Mark::Failed, what, format!("{}: {e}", db.display())),
    }
}

/// The catalogue's rule test cases pass.
fn rule_cases(r: &mut Report, job: &Job) {
    let what = "ルールのテストケース";
    let path = match &job.programs {
        Some(p) => p.clone(),
        None => {
            let dir = job.path.parent().unwrap_or(Path::new("."));
            job::join_clean(dir, "../catalogue/programs.toml")
        }
    };
    if !path.is_file() {
        r.line(
            Mark::Warning,
            what,
            format!("カタログ {} が見つからないため確認していません（組み込みのカタログは出荷時に確認済みです）", path.display()),
        );
        return;
    }
    match super::check_rules::check(&path) {
        Ok(out) if out.failures.is_empty() => r.line(
            Mark::Good,
            what,
            format!("{} の {} 件すべて合格", path.display(), out.cases),
        ),
        Ok(out) => r.line(
            Mark::Failed,
            what,
            format!(
                "{} の {} 件のうち {} 件が不合格です。hojokin check-rules {} で内容を確認してください",
                path.display(),
                out.cases,
                out.failures.len(),
                path.display()
            ),
        ),
        Err(e) => r.line(Mark::Failed, what, e),
    }
}

/// The relay up to AUTH, then QUIT without a message.
fn relay(r: &mut Report, job: &Job) {
    let Some(spec) = &job.email else {
        return;
    };
    let what = "中継サーバー";
    let cfg = match SmtpConfig::parse(
        spec.smtp_url.expose(),
        std::time::Duration::from_secs(spec.timeout_seconds.max(1)),
    ) {
        Ok(c) => c,
        Err(e) => {
            r.line(Mark::Failed, what, e.to_string());
            return;
        }
    };
    match preflight(&cfg) {
        Ok(text) => r.line(Mark::Good, what, text),
        Err(e) => r.line(
            Mark::Failed,
            what,
            format!("{e}。email.smtp_url（環境変数）、サーバーの稼働、ファイアウォールを確認してください"),
        ),
    }
}

/// The job's next scheduled runs, in Asia/Tokyo.
fn next_runs(r: &mut Report, job: &Job) {
    let what = "次回の実行";
    let Some(schedule) = &job.schedule else {
        r.line(
            Mark::Warning,
            what,
            "schedule がないため自動では実行されません（cron や systemd タイマーから hojokin run で実行する場合は問題ありません）",
        );
        return;
    };
    let mut at = SystemClock.now();
    let mut next = Vec::new();
    for _ in 0..NEXT_RUNS {
        let Some(t) = schedule.next_after(&at) else {
            break;
        };
        next.push(t.format("%Y-%m-%dT%H:%M:%S%:z").to_string());
        at = t;
    }
    if next.is_empty() {
        r.line(
            Mark::Failed,
            what,
            format!(
                "スケジュール「{}」では次の実行日時がありません",
                schedule.expr()
            ),
        );
    } else {
        r.line(
            Mark::Good,
            what,
            format!("{}（{}）", next.join("、"), schedule.expr()),
        );
    }
}
