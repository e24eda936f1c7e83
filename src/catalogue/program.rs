//! The catalogue's types: programs, courses, rule sets and checks, as
//! validated data. [`super::schema`] builds them from TOML; the rules and
//! compliance stages read them.

use super::names::{NameSet, find};
use super::rate::Rate;
use crate::model::{FiscalYear, RefundMethod, ReportingDuty, Yen};

/// One 制度 with its courses (区分), rule sets and checks.
#[derive(Debug, Clone)]
pub struct Program {
    pub name: String,
    pub aliases: Vec<String>,
    /// `name` and `aliases` as match keys, computed once at load.
    pub names: NameSet,
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
    /// `name` and `aliases` as match keys, computed once at load.
    pub names: NameSet,
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

impl Program {
    /// The course named `course` or one of its aliases.
    pub fn course(&self, course: &str) -> Option<&Course> {
        find(&self.courses, course, |c| &c.names)
    }

    /// The rule set in force for `course` (canonical, None without 区分) in `fy`.
    pub fn rule_set(&self, course: Option<&str>, fy: FiscalYear) -> Option<&RuleSet> {
        self.rules
            .iter()
            .find(|r| r.course.as_deref() == course && r.covers(fy))
    }
}
