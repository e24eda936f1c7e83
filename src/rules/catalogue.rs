//! The program catalogue: every 制度's rules as data, by fiscal year.
//!
//! Rates, caps and deadlines change from year to year and the city adds
//! programs, so none of them is a constant in code. The shipped file
//! (`catalogue/programs.toml`) is compiled in as the default; a job may name
//! another one. Loading validates everything once, so the rest of the batch
//! can trust what it reads here.

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::error::CatalogueError;
use super::rate::Rate;
use super::schema;
use crate::model::{FiscalYear, RefundMethod, ReportingDuty, Yen};

/// The catalogue that ships with hojokin.
const BUILTIN_TEXT: &str = include_str!("../../catalogue/programs.toml");
const BUILTIN_ORIGIN: &str = "catalogue/programs.toml";

/// Every program the batch knows, validated.
#[derive(Debug, Clone)]
pub struct Catalogue {
    origin: String,
    programs: Vec<Program>,
}

/// One 制度 with its courses (区分), rule sets and checks.
#[derive(Debug, Clone)]
pub struct Program {
    pub name: String,
    pub aliases: Vec<String>,
    /// Empty when the program has no 区分.
    pub courses: Vec<Course>,
    pub rules: Vec<RuleSet>,
    pub checks: Checks,
    pub refund_method: RefundMethod,
    pub reporting_duties: Vec<ReportingDuty>,
}

/// A 区分 of a program, with the other spellings staff use for it.
#[derive(Debug, Clone)]
pub struct Course {
    pub name: String,
    pub aliases: Vec<String>,
}

/// Rules a program imposes besides the amount, each producing 要確認 rows.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// One application per establishment (事業所), ever.
    pub one_application_per_establishment: bool,
    /// Installation complete by the end of February of the application's FY.
    pub install_by_end_of_february: bool,
    /// The completion report (実績報告) is due this many days after 事業完了日.
    pub completion_report_days: Option<u32>,
    /// Where each rule is written (e.g. 第7条第2項), quoted in findings.
    pub articles: Articles,
}

/// The article of the program's 要綱 behind each check, when known.
#[derive(Debug, Clone, Default)]
pub struct Articles {
    pub one_application_per_establishment: Option<String>,
    pub install_by_end_of_february: Option<String>,
    pub completion_report: Option<String>,
}

/// The amount rules of one program (and course) over a range of fiscal years.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Canonical course name; None for programs without 区分.
    pub course: Option<String>,
    pub fy_from: FiscalYear,
    /// None: still in force.
    pub fy_to: Option<FiscalYear>,
    pub formula: Formula,
    pub cap: Option<Cap>,
    /// 補助対象経費の下限額: an eligible cost below it is not eligible.
    pub floor: Option<Yen>,
    /// 切り捨て unit (1,000 drops everything below a thousand yen).
    pub unit: Yen,
    /// Persons one company may claim per FY (技能検定: 5).
    pub max_persons_per_company_fy: Option<u32>,
    /// The source is ambiguous or a figure is assumed; the report says so.
    pub unverified: bool,
    /// Shown with every amount computed under this rule set.
    pub note: Option<String>,
}

impl RuleSet {
    pub fn covers(&self, fy: FiscalYear) -> bool {
        self.fy_from <= fy && self.fy_to.is_none_or(|to| fy <= to)
    }
}

/// How the amount before caps is formed.
#[derive(Debug, Clone)]
pub enum Formula {
    /// truncate(補助対象経費 × rate, unit)
    Rate(Rate),
    /// Σ amount per person × 対象人数, e.g. 雇用奨励金.
    PerPerson(PerPerson),
    /// The source does not let the amount be computed (算定不可).
    Undetermined,
}

/// Amounts of a per-person program.
#[derive(Debug, Clone)]
pub struct PerPerson {
    /// For each person not counted as a woman.
    pub per_person: Yen,
    /// For each woman (対象人数（女性）), instead of `per_person`.
    pub per_woman: Option<Yen>,
    /// Added for each disabled person (対象人数（障がい者）).
    pub per_disabled_addon: Option<Yen>,
}

/// 補助上限額 and what it applies to.
#[derive(Debug, Clone)]
pub struct Cap {
    pub amount: Yen,
    pub multiplier: CapMultiplier,
    pub scope: CapScope,
}

/// The cap is per application, or multiplied by a count from the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapMultiplier {
    None,
    /// × 参画企業数 (group programs).
    Members,
    /// × 対象人数.
    Persons,
}

/// Whether the cap is per application or per company per FY (同一年度内).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapScope {
    Application,
    CompanyFy,
}

/// Names and aliases are compared after NFKC and trimming, so full-width,
/// half-width katakana and stray spaces from exports all match.
pub(crate) fn normalize_name(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_string()
}

impl Catalogue {
    /// The catalogue shipped in the repository, compiled in.
    ///
    /// A unit test proves it loads; should it ever fail, the result is an
    /// empty catalogue (every amount 算定不可) rather than a panic.
    pub fn builtin() -> Catalogue {
        Catalogue::from_toml(BUILTIN_TEXT, BUILTIN_ORIGIN).unwrap_or_else(|err| {
            tracing::error!("{err}");
            Catalogue {
                origin: BUILTIN_ORIGIN.to_string(),
                programs: Vec::new(),
            }
        })
    }

    /// Reads and validates a catalogue file a job names.
    pub fn load(path: &Path) -> Result<Catalogue, CatalogueError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Read {
            file: file.clone(),
            source,
        })?;
        Catalogue::from_toml(&text, &file)
    }

    /// Parses and validates catalogue text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Catalogue, CatalogueError> {
        let programs = schema::parse(text, origin)?;
        Ok(Catalogue {
            origin: origin.to_string(),
            programs,
        })
    }

    /// Where this catalogue came from (file path or the builtin's name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    pub fn program_names(&self) -> Vec<&str> {
        self.programs.iter().map(|p| p.name.as_str()).collect()
    }

    /// The program named `name` or one of its aliases.
    pub fn program(&self, name: &str) -> Option<&Program> {
        let wanted = normalize_name(name);
        self.programs.iter().find(|p| {
            normalize_name(&p.name) == wanted
                || p.aliases.iter().any(|a| normalize_name(a) == wanted)
        })
    }

    /// The canonical name of a program given by name or alias.
    pub fn canonical_program(&self, name: &str) -> Option<&str> {
        self.program(name).map(|p| p.name.as_str())
    }

    /// The program's 区分; empty when it has none.
    pub fn courses(&self, program: &str) -> Vec<&str> {
        self.program(program)
            .map(|p| p.courses.iter().map(|c| c.name.as_str()).collect())
            .unwrap_or_default()
    }

    /// The canonical name of a course given by name or alias ("A" → "Aコース").
    pub fn canonical_course(&self, program: &str, course: &str) -> Option<&str> {
        self.program(program)
            .and_then(|p| p.course(course))
            .map(|c| c.name.as_str())
    }

    /// Every program's reporting duties (e.g. the diversity subsidy's 採用状況報告).
    pub fn reporting_duties(&self) -> Vec<ReportingDuty> {
        self.programs
            .iter()
            .flat_map(|p| p.reporting_duties.iter().cloned())
            .collect()
    }

    /// How an early-disposal refund is estimated; pro rata unless the program says otherwise.
    pub fn refund_method(&self, program: &str) -> RefundMethod {
        self.program(program)
            .map(|p| p.refund_method)
            .unwrap_or_default()
    }
}

impl Program {
    pub fn course(&self, course: &str) -> Option<&Course> {
        let wanted = normalize_name(course);
        self.courses.iter().find(|c| {
            normalize_name(&c.name) == wanted
                || c.aliases.iter().any(|a| normalize_name(a) == wanted)
        })
    }

    /// The rule set in force for `course` (canonical, None without 区分) in `fy`.
    pub fn rule_set(&self, course: Option<&str>, fy: FiscalYear) -> Option<&RuleSet> {
        self.rules
            .iter()
            .find(|r| r.course.as_deref() == course && r.covers(fy))
    }
}
