//! The catalogue's types: programs, courses, rule sets and checks, as
//! validated data. [`super::schema`] builds them from TOML; the rules and
//! compliance stages read them.

use super::names::{NameSet, find};
use super::rate::Rate;
use crate::calendar::FiscalYear;
use crate::calendar::fy_label;
use crate::model::{DueShift, RefundMethod, ReportingDuty, Yen};
use crate::text::SharedStr;

/// One 制度 with its courses (区分), rule sets and checks.
#[derive(Debug, Clone)]
pub struct Program {
    /// Shared by every application of the program (their 制度) and the rows made of them.
    pub name: SharedStr,
    pub aliases: Vec<String>,
    /// `name` and `aliases` as match keys, computed once at load.
    pub names: NameSet,
    /// Empty when the program has no 区分.
    pub courses: Vec<Course>,
    pub rules: Vec<RuleSet>,
    pub checks: Checks,
    /// What 補助対象経費 of a group program's row holds (its rule sets with
    /// `cap_multiplier = "members"`).
    pub group_cost_basis: GroupCostBasis,
    pub refund_method: RefundMethod,
    pub reporting_duties: Vec<ReportingDuty>,
    /// Duties and conditions beyond the amount, each naming its source.
    pub conditions: super::Conditions,
}

/// A 区分 of a program, with the other spellings staff use for it.
#[derive(Debug, Clone)]
pub struct Course {
    /// Shared by every application of the course (their 区分).
    pub name: SharedStr,
    pub aliases: Vec<String>,
    /// `name` and `aliases` as match keys, computed once at load.
    pub names: NameSet,
}

/// What 補助対象経費 holds on a group program's row. Either way rate and cap are per member
/// company, × 参画企業数, and the truncation is on the group's subsidy (the brochure's
/// "算出した補助金の額に1,000円未満の端数…切り捨て"), never on each member's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupCostBasis {
    /// The group's total cost (the contract's default):
    /// `min(truncate(cost × rate, unit), cap × 参画企業数)`.
    #[default]
    GroupTotal,
    /// One member's cost: `truncate(参画企業数 × min(cost × rate, cap), unit)`.
    PerMember,
}

/// Which earlier applications make a later one for the same establishment
/// "the second" under one-application-per-establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EstablishmentCounts {
    /// Only applications that were granted (交付決定, 確定, or 取消 after a grant): a
    /// company that lost a lottery (不交付) may apply again. The default.
    #[default]
    Granted,
    /// Every application not withdrawn, 不交付 included (the strict reading).
    Any,
}

/// How "完了した日から起算して30日後の日" is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FirstDay {
    /// 民法第140条: the first day is not counted, so the due day is 完了日 + 30.
    #[default]
    Excluded,
    /// The completion day is day 1, so the due day is 完了日 + 29.
    Included,
}

/// Rules a program imposes besides the amount, each producing 要確認 rows.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// One application per establishment (事業所), ever.
    pub one_application_per_establishment: bool,
    /// Which earlier applications count as "the one" for an establishment.
    pub establishment_counts: EstablishmentCounts,
    /// Installation complete by the end of February of the application's FY.
    pub install_by_end_of_february: bool,
    /// The completion report (実績報告) is due this many days after 事業完了日.
    pub completion_report_days: Option<u32>,
    /// Whether 事業完了日 itself is day 1 of those days.
    pub completion_report_first_day: FirstDay,
    /// What happens when the completion report's due day is a closed day.
    pub completion_report_shift: DueShift,
    /// Σ交付決定額 per FY must stay within the program's 予算額.
    pub within_budget: bool,
    /// 雇用状況報告 notes a received report with no hire (新規採用なし); no 要確認 row, since
    /// 第3条第5号 is an application-time test. Passed to each duty as `notes_hires`.
    pub hire_reported: bool,
    /// Asset categories (種類 of the useful-life table) the program does not subsidise.
    pub excluded_asset_categories: Vec<String>,
    /// A 事前相談 before the application is required (checked when the export has 事前相談日).
    pub pre_consultation: bool,
    /// Work started before the decision needs a 事前着手届 (checked when the export has
    /// 事業着手日 and 事前着手届出日).
    pub early_start_notice: bool,
    /// Where each rule is written (e.g. 第7条第2項), quoted in findings.
    pub articles: Articles,
}

/// The article of the program's 要綱 (or the brochure's line) behind each check, when known.
#[derive(Debug, Clone, Default)]
pub struct Articles {
    pub one_application_per_establishment: Option<String>,
    pub install_by_end_of_february: Option<String>,
    pub completion_report: Option<String>,
    pub min_members: Option<String>,
    pub company_fy_cap: Option<String>,
    pub within_budget: Option<String>,
    pub hire_reported: Option<String>,
    pub excluded_assets: Option<String>,
    pub pre_consultation: Option<String>,
    pub early_start_notice: Option<String>,
    /// Where the amount rule (rate, cap, truncation) is written: quoted when 確定額 exceeds
    /// the amount the rules give.
    pub amount: Option<String>,
    /// Where an increase over 交付決定額 needs the city's approval of a change (変更承認):
    /// quoted when 確定額 exceeds 交付決定額.
    pub change_approval: Option<String>,
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
    /// 参画企業数 a group needs (技術発信: 市内企業3社以上); fewer is 対象外.
    pub min_members: Option<u32>,
    /// The source is ambiguous or a figure is unconfirmed; the report says so.
    pub unverified: bool,
    /// A rule set for FYs the seeds do not cover, assumed from a later year's figures.
    pub assumed: bool,
    /// The last FY the source confirms these figures for (the seeds are the 令和4年度
    /// brochure: 2022). A later FY the rule set covers is judged by them but marked
    /// carried forward and unconfirmed ([`RuleBasis::CarriedForward`]) until the city adds
    /// that FY: stale figures are never applied silently. None: confirmed for every FY covered.
    pub confirmed_to: Option<FiscalYear>,
    /// Each worker's monthly premium counted at most this much (退職金共済: 5,000円, "１名あたり
    /// の月額共済掛金が５，０００円を超える場合、５，０００円上限額として算出"). From a total
    /// and a head count only an upper bound follows; 月額掛金内訳 makes it exact.
    pub premium_cap_monthly: Option<Yen>,
    /// Shown with every amount computed under this rule set.
    pub note: Option<String>,
}

/// How far a rule set's figures are confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleBasis {
    /// Transcribed from the seeds and confirmed.
    Verified,
    /// A figure is ambiguous or unconfirmed in the seeds (unverified = true).
    Unverified,
    /// An earlier FY judged by figures assumed equal to a later year's (assumed = true).
    Assumed,
    /// An FY after the last one the source confirms (`confirmed_to`), judged by the last
    /// confirmed figures until the city adds that FY's.
    CarriedForward,
}

impl RuleBasis {
    pub fn label(self) -> &'static str {
        match self {
            RuleBasis::Verified => "確認済",
            RuleBasis::Unverified => "未確認",
            RuleBasis::Assumed => "推定",
            RuleBasis::CarriedForward => "繰越・未確認",
        }
    }
}

impl RuleSet {
    pub fn covers(&self, fy: FiscalYear) -> bool {
        self.fy_from <= fy && self.fy_to.is_none_or(|to| fy <= to)
    }

    /// How far the figures are confirmed for `fy`. Assumed wins (an assumed year is
    /// unconfirmed as a whole), then carried forward (an FY after `confirmed_to`), then
    /// unverified (a figure the source leaves open).
    pub fn basis(&self, fy: FiscalYear) -> RuleBasis {
        if self.assumed {
            RuleBasis::Assumed
        } else if self.carried_forward(fy) {
            RuleBasis::CarriedForward
        } else if self.unverified {
            RuleBasis::Unverified
        } else {
            RuleBasis::Verified
        }
    }

    /// `fy` is after the last FY the source confirms.
    pub fn carried_forward(&self, fy: FiscalYear) -> bool {
        self.confirmed_to.is_some_and(|last| fy > last)
    }

    /// The FY range as staff read it: 令和元年度〜令和3年度, 令和4年度〜.
    pub fn fy_range_label(&self) -> String {
        match self.fy_to {
            Some(to) if to == self.fy_from => fy_label(to),
            Some(to) => format!("{}〜{}", fy_label(self.fy_from), fy_label(to)),
            None => format!("{}〜", fy_label(self.fy_from)),
        }
    }

    /// The rule set named for 算定根拠: program, course, FY range and basis for `fy`, so
    /// every amount can be traced to its [[programs.rules]] entry; a carried-forward FY
    /// also names the last FY the figures are confirmed for.
    pub fn label(&self, program: &str, fy: FiscalYear) -> String {
        let course = self
            .course
            .as_deref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        let basis = self.basis(fy);
        let carried = match (basis, self.confirmed_to) {
            (RuleBasis::CarriedForward, Some(last)) => format!(
                "（{}まで確認済の額を{}に適用）",
                fy_label(last),
                fy_label(fy)
            ),
            _ => String::new(),
        };
        format!(
            "{program}{course} {}・{}{carried}",
            self.fy_range_label(),
            basis.label()
        )
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
