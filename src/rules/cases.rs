//! Rule tests written as data: `cases/*.toml` beside a catalogue, one file per program,
//! that city staff can read and add to, as OpenFisca's YAML tests and Catala's
//! article-by-article tests do. Each case gives a program, course, FY and inputs, and the
//! 算定額 (and, where it matters, the 判定, the rule set's basis and the 要確認 rows) the
//! rules must give. `hojokin check-rules [CATALOGUE]` runs them, and so does `cargo test`,
//! so a new FY's catalogue is checked by running the command on it.
//!
//! ```toml
//! program = "中小企業強靭化推進補助金"   # the file's program (a case may name another)
//!
//! [[cases]]
//! name = "Aコース 下限額ちょうど"
//! course = "Aコース"
//! fy = 2022
//! cost = 5_000_000          # 補助対象経費
//! amount = 3_330_000        # expected 算定額
//! basis = "確認済"           # optional: 確認済 / 未確認 / 推定 / 繰越・未確認 (which rule set judged it)
//! ```
//!
//! Inputs: `members` (参画企業数), `persons`, `women`, `disabled` (対象人数 and its parts),
//! `monthly_premiums` (月額掛金内訳, each worker's monthly premium),
//! `status` (default 申請中), `decided` (交付決定額), `final_amount` (確定額 of a 確定 or
//! 取消 case; a 確定 case defaults to its 交付決定額), `applied`, `started`, `completed`
//! (申請日, 事業着手日, 事業完了日 as "2023-01-10"), `address` (事業所所在地), `as_of` (the
//! night the findings are judged on), and `earlier`: applications of the same
//! company, program, course and FY made before this one (`earlier = [{ cost = 300_000 }]`),
//! which use up per-company-per-FY caps and person limits. Expectations: `amount`,
//! `verdict` (一致, 超過, 不足, 対象外, 算定不可, 未決定, 比較対象なし), `basis`, and `findings` (the
//! 種別 of the 要確認 rows on this application, e.g. `["参画企業数不足"]`; `[]` for none) and
//! `final_verdict` (確定額の判定).

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use serde::Deserialize;

use crate::calendar::fy_start;
use crate::catalogue::Catalogue;
use crate::format::yen;
use crate::model::{AppStatus, Application, RowOrigin, Yen};
use crate::rules::{Assessment, assess, findings};

/// One case file's TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    program: Option<String>,
    #[serde(default)]
    cases: Vec<Case>,
}

/// One rule test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Case {
    pub name: String,
    pub program: Option<String>,
    pub course: Option<String>,
    pub fy: i32,
    pub cost: Yen,
    pub members: Option<u32>,
    pub persons: Option<u32>,
    pub women: Option<u32>,
    pub disabled: Option<u32>,
    /// 月額掛金内訳: each worker's monthly premium (退職金共済).
    pub monthly_premiums: Option<Vec<Yen>>,
    pub status: Option<String>,
    pub decided: Option<Yen>,
    /// 確定額 (状態 確定 or 取消).
    pub final_amount: Option<Yen>,
    #[serde(default)]
    pub earlier: Vec<Earlier>,
    /// 申請日 ("2023-01-10"; default: April 10 of `fy`, after the earlier applications).
    pub applied: Option<String>,
    /// 事業着手日, 事業完了日, 事業所所在地 of the case's application.
    pub started: Option<String>,
    pub completed: Option<String>,
    pub address: Option<String>,
    /// The night the findings are judged on (default: the day after 申請日).
    pub as_of: Option<String>,
    pub amount: Option<Yen>,
    pub verdict: Option<String>,
    pub basis: Option<String>,
    pub findings: Option<Vec<String>>,
    /// Expected 確定額の判定: 範囲内 / 算定額超過 / 交付決定額超過 / 算定額・交付決定額超過 / 比較不可.
    pub final_verdict: Option<String>,
}

/// An earlier application of the same company in the same FY.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Earlier {
    pub cost: Yen,
    pub persons: Option<u32>,
    pub members: Option<u32>,
}

/// The cases of one file, with the program each one tests.
#[derive(Debug, Clone)]
pub(crate) struct CaseFile {
    pub path: PathBuf,
    pub cases: Vec<(String, Case)>,
}

/// A case whose expectations the catalogue does not meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub file: String,
    pub case: String,
    /// Each unmet expectation: "算定額 期待 …、実際 …".
    pub problems: Vec<String>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: ケース「{}」: {}",
            self.file,
            self.case,
            self.problems.join("／")
        )
    }
}

/// The cases folder of a catalogue file: `cases/` beside it.
pub(crate) fn dir_for(catalogue: &Path) -> PathBuf {
    catalogue.parent().unwrap_or(Path::new(".")).join("cases")
}

/// Reads every `*.toml` of `dir`, in file-name order. An unreadable folder or file, or a
/// file that is not a case file, is an error sentence naming it (the cases cannot run).
pub(crate) fn load_dir(dir: &Path) -> Result<Vec<CaseFile>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "ルールのテストケースのフォルダー {} を読めません: {e}",
            dir.display()
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "ルールのテストケースのフォルダー {} に .toml ファイルがありません。",
            dir.display()
        ));
    }
    paths.iter().map(|p| load_file(p)).collect()
}

fn load_file(path: &Path) -> Result<CaseFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("ルールのテストケース {} を読めません: {e}", path.display()))?;
    parse(&text, path)
}

/// Parses one case file's text; `path` names it in messages.
pub(crate) fn parse(text: &str, path: &Path) -> Result<CaseFile, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        format!(
            "ルールのテストケース {} が読めません: {}",
            path.display(),
            e.to_string().trim_end()
        )
    })?;
    let mut cases = Vec::with_capacity(raw.cases.len());
    for case in raw.cases {
        let Some(program) = case.program.clone().or_else(|| raw.program.clone()) else {
            return Err(format!(
                "ルールのテストケース {}: ケース「{}」に program（制度）がありません。",
                path.display(),
                case.name
            ));
        };
        if case.amount.is_none()
            && case.verdict.is_none()
            && case.basis.is_none()
            && case.findings.is_none()
            && case.final_verdict.is_none()
        {
            return Err(format!(
                "ルールのテストケース {}: ケース「{}」に期待する結果（amount、verdict、basis、findings のいずれか）がありません。",
                path.display(),
                case.name
            ));
        }
        cases.push((program, case));
    }
    Ok(CaseFile {
        path: path.to_path_buf(),
        cases,
    })
}

/// How many cases the files hold.
pub(crate) fn count(files: &[CaseFile]) -> usize {
    files.iter().map(|f| f.cases.len()).sum()
}

/// Runs every case against `cat`; the failures, in file and case order.
pub(crate) fn run(cat: &Catalogue, files: &[CaseFile]) -> Vec<Failure> {
    let mut out = Vec::new();
    for file in files {
        for (program, case) in &file.cases {
            let problems = check(cat, program, case);
            if !problems.is_empty() {
                out.push(Failure {
                    file: file.path.display().to_string(),
                    case: case.name.clone(),
                    problems,
                });
            }
        }
    }
    out
}

fn status_of(text: Option<&str>) -> Result<AppStatus, String> {
    match text {
        None => Ok(AppStatus::Pending),
        Some(t) => AppStatus::parse(t).ok_or_else(|| {
            format!("status「{t}」は 申請中・交付決定・確定・不交付・取下げ・取消 のいずれかにしてください")
        }),
    }
}

/// The applications of a case: its earlier ones, then the case's own (the last).
fn applications(cat: &Catalogue, program: &str, case: &Case) -> Result<Vec<Application>, String> {
    let program_id = cat
        .find_program(program)
        .ok_or_else(|| format!("制度「{program}」は制度カタログにありません"))?;
    let status = status_of(case.status.as_deref())?;
    let start = fy_start(case.fy).ok_or_else(|| format!("年度 {} は使えません", case.fy))?;
    // April 10 onwards, a day apart, so the earlier ones come first and all share the FY.
    let day = |i: usize| {
        start
            .checked_add_days(Days::new(9 + i as u64))
            .unwrap_or(start)
    };
    let base = |id: String, applied: NaiveDate, cost: Yen| Application {
        id: id.into(),
        program: cat.program(program_id).name.clone(),
        program_id,
        course: case.course.as_deref().map(Into::into),
        company: "テストケース株式会社".into(),
        corporate_number: None,
        address: None,
        contact: None,
        email: None,
        applied_on: applied,
        decided_on: None,
        completed_on: None,
        eligible_cost: cost,
        decided_amount: None,
        final_amount: None,
        status: AppStatus::Pending,
        members: case.members,
        persons: case.persons,
        persons_women: case.women,
        persons_disabled: case.disabled,
        records: Default::default(),
        origin: RowOrigin::default(),
    };
    let mut apps: Vec<Application> = case
        .earlier
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut a = base(format!("前{}", i + 1), day(i), e.cost);
            a.persons = e.persons;
            a.members = e.members;
            a.persons_women = None;
            a.persons_disabled = None;
            a
        })
        .collect();
    let date = |key: &str, v: &Option<String>| -> Result<Option<NaiveDate>, String> {
        v.as_deref()
            .map(|t| {
                NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("{key}「{t}」は日付（例 2023-01-10）として読めません"))
            })
            .transpose()
    };
    let applied = date("applied", &case.applied)?.unwrap_or(day(case.earlier.len()));
    let mut own = base("ケース".to_string(), applied, case.cost);
    own.status = status;
    own.records.monthly_premiums = case.monthly_premiums.clone().map(Vec::into_boxed_slice);
    own.records.started_on = date("started", &case.started)?;
    own.completed_on = date("completed", &case.completed)?;
    own.address = case.address.clone();
    decide(&mut own, case);
    apps.push(own);
    Ok(apps)
}

/// The case's decision on its own application: decided the day after it was
/// made, for the case's 交付決定額 (else the expected 算定額), and 確定額 for a
/// 確定 (defaulting to 交付決定額) or 取消 case.
fn decide(own: &mut Application, case: &Case) {
    let status = own.status;
    if matches!(
        status,
        AppStatus::Decided | AppStatus::Final | AppStatus::Cancelled
    ) {
        own.decided_on = own.applied_on.checked_add_days(Days::new(1));
        own.decided_amount = case.decided.or(case.amount);
        if status == AppStatus::Final {
            own.final_amount = case.final_amount.or(own.decided_amount);
        } else if status == AppStatus::Cancelled {
            own.final_amount = case.final_amount;
        }
    } else {
        own.decided_amount = case.decided;
    }
}

/// Every expectation of `case` the catalogue does not meet.
fn check(cat: &Catalogue, program: &str, case: &Case) -> Vec<String> {
    let apps = match applications(cat, program, case) {
        Ok(a) => a,
        Err(why) => return vec![why],
    };
    let assessed = assess(cat, &apps);
    let Some(got) = assessed.last() else {
        return vec!["算定結果がありません".to_string()];
    };
    let mut problems = Vec::new();
    let shown = |a: Option<Yen>| a.map(yen).unwrap_or_else(|| "なし（算定不可）".to_string());
    if let Some(want) = case.amount
        && got.computed != Some(want)
    {
        problems.push(format!(
            "算定額 期待 {}、実際 {}（{}）",
            yen(want),
            shown(got.computed),
            got.reason
        ));
    }
    if let Some(want) = &case.verdict
        && got.verdict.label() != want
    {
        problems.push(format!(
            "判定 期待 {want}、実際 {}（{}）",
            got.verdict.label(),
            got.reason
        ));
    }
    if let Some(want) = &case.basis {
        let actual = got.basis.map(|b| b.label()).unwrap_or("ルールなし");
        if actual != want {
            problems.push(format!(
                "ルールの確認状況 期待 {want}、実際 {actual}（{}）",
                got.rule_set
                    .as_deref()
                    .unwrap_or("該当する rules がありません")
            ));
        }
    }
    if let Some(want) = &case.final_verdict {
        let actual = got
            .final_check
            .map_or("なし（確定額なし）", |f| f.verdict.label());
        if actual != want {
            problems.push(format!("確定額の判定 期待 {want}、実際 {actual}"));
        }
    }
    if let Some(want) = &case.findings {
        match findings_problem(cat, case, want, &apps, &assessed, got) {
            Ok(problem) => problems.extend(problem),
            // A night the case cannot be judged on: that alone is said.
            Err(why) => return vec![why],
        }
    }
    problems
}

/// How the 要確認 rows on the case's own application (`got`'s, the last of `apps`)
/// differ from `want`, judged on the case's `as_of` (by default the day after it was
/// made); `Err` when `as_of` is not a date.
fn findings_problem(
    cat: &Catalogue,
    case: &Case,
    want: &[String],
    apps: &[Application],
    assessed: &[Assessment],
    got: &Assessment,
) -> Result<Option<String>, String> {
    let next_day = apps
        .last()
        .map(|a| a.applied_on)
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .unwrap_or(NaiveDate::MIN);
    let as_of = match case.as_of.as_deref() {
        None => next_day,
        Some(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .map_err(|_| format!("as_of「{t}」は日付（例 2023-03-01）として読めません"))?,
    };
    let mut actual: Vec<String> = findings(cat, apps, assessed, as_of)
        .into_iter()
        .filter(|f| f.application_id == got.application_id)
        .map(|f| f.kind.label().to_string())
        .collect();
    actual.sort();
    let mut expected = want.to_vec();
    expected.sort();
    if actual == expected {
        return Ok(None);
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "なし".to_string()
        } else {
            v.join("・")
        }
    };
    Ok(Some(format!(
        "要確認 期待 {}、実際 {}",
        list(&expected),
        list(&actual)
    )))
}
