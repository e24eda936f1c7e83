//! 算定検証: what the rules give each application, against what was decided.
//!
//! Applications are computed in application-date order (then 申請番号) so
//! that a per-company-per-FY cap is used up by the earlier application, as
//! the city does; results come back in input order.

use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

use super::amount::{Ineligible, Outcome, Prior, compute};
use super::final_amount::{self, FinalCheck};
use crate::calendar::FiscalYear;
use crate::calendar::fy_label;
use crate::catalogue::{CapScope, Catalogue, Course, Program, RuleBasis, RuleSet};
use crate::model::{AppStatus, Application, ProgramId, Yen};
use crate::text::Interner;
use crate::text::SharedStr;

/// 判定 of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Verdict {
    /// 一致: decided equals computed.
    Match,
    /// 超過: decided is more than the rules give.
    Over,
    /// 不足: decided is less than the rules give.
    Under,
    /// 対象外: eligible cost below the program's floor.
    NotEligible,
    /// 算定不可: the rules or the row do not allow an amount.
    CannotCompute,
    /// 上限内: only an upper bound follows from the row (退職金共済 without each worker's
    /// premium) and the decision is at or below it; never 一致, since the exact amount is unknown.
    WithinBound,
    /// 未決定: no 交付決定額 to compare yet (申請中).
    Undecided,
    /// 比較対象なし: decided not to grant (不交付) or withdrawn (取下げ) with no 交付決定額:
    /// the application is decided, and there is no amount to compare.
    NothingToCompare,
}

impl Verdict {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Verdict::Match => "一致",
            Verdict::Over => "超過",
            Verdict::Under => "不足",
            Verdict::NotEligible => "対象外",
            Verdict::CannotCompute => "算定不可",
            Verdict::WithinBound => "上限内",
            Verdict::Undecided => "未決定",
            Verdict::NothingToCompare => "比較対象なし",
        }
    }
}

/// One row of 算定検証. A national night holds one per application until its report
/// is written, so its texts are shared: 申請番号 with the application, 制度 and 区分
/// with the catalogue, and 算定根拠 with every assessment that gives the same sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assessment {
    /// The position of the assessed application among the applications given to
    /// [`assess`]: what the assessment is paired with its application by (算定検証's
    /// 事業者名 and 状態, the amount findings), never its own position.
    pub application: u32,
    pub application_id: SharedStr,
    /// Canonical program name.
    pub program: SharedStr,
    /// Canonical course name (as given when the program does not know it).
    pub course: Option<SharedStr>,
    pub eligible_cost: Yen,
    /// 算定額: None when it cannot be computed; 0 when not eligible.
    pub computed: Option<Yen>,
    /// 交付決定額
    pub decided: Option<Yen>,
    /// 差額 = decided − computed, when both exist.
    pub difference: Option<Yen>,
    pub verdict: Verdict,
    /// Japanese: which rate, truncation, cap or floor applied, or why none could.
    /// Most applications of a rule set read alike: one of a few sentences.
    pub reason: SharedStr,
    /// The rule set is marked unverified or assumed in the catalogue.
    pub unverified: bool,
    /// How far the rule set that gave the amount is confirmed (None: no rule set).
    pub basis: Option<RuleBasis>,
    /// The rule set that judged the application, named (program, course, FY range, basis):
    /// one text shared by every application the rule set judged.
    pub rule_set: Option<SharedStr>,
    /// A per-company-per-FY cap or person limit, used by earlier applications, cut the amount.
    pub company_fy_limited: bool,
    /// Why the verdict is 対象外, when it is.
    pub ineligible: Option<Ineligible>,
    /// 確定額 against 算定額 and 交付決定額, for a 確定 (or paid and 取消) application.
    pub final_check: Option<FinalCheck>,
}

/// Applications that stand or may stand use up per-company caps.
fn consumes(status: AppStatus) -> bool {
    !matches!(
        status,
        AppStatus::Rejected | AppStatus::Withdrawn | AppStatus::Cancelled
    )
}

/// What a company has used of a program's (course's) cap in a FY, keyed by borrowed
/// names: the catalogue's program and course, the row's own company key where it can.
type UsageKey<'a> = (&'a str, Option<&'a str>, Cow<'a, str>, FiscalYear);

/// One assessment per application, in input order.
pub(crate) fn assess(cat: &Catalogue, apps: &[Application]) -> Vec<Assessment> {
    let order = Application::processing_order(apps, |_| true);
    let mut used: HashMap<UsageKey<'_>, Prior> = HashMap::new();
    // A rule set's name is the same sentence for every application it judges: made once.
    let mut labels: HashMap<(*const RuleSet, FiscalYear), SharedStr> = HashMap::new();
    let mut courses = CourseCache::new();
    let mut reasons = Interner::new();
    let mut out: Vec<Option<Assessment>> = vec![None; apps.len()];
    for i in order {
        let app = &apps[i];
        let resolved = resolve(cat, app, &mut courses);
        let (program, course, outcome, rule) = match resolved {
            Err((program, course, reason)) => {
                (program, course, Outcome::CannotCompute { reason }, None)
            }
            Ok((p, course, rule)) => {
                let key = (
                    p.name.as_str(),
                    course.map(SharedStr::as_str),
                    app.company_key(),
                    app.fy(),
                );
                let prior = used.get(&key).copied().unwrap_or_default();
                let outcome = compute(rule, p.group_cost_basis, app, prior);
                if consumes(app.status) {
                    record_usage(used.entry(key).or_default(), rule, &outcome);
                }
                let fy = app.fy();
                let label = labels
                    .entry((std::ptr::from_ref(rule), fy))
                    .or_insert_with(|| rule.label(&p.name, fy).into())
                    .clone();
                let named = (rule.basis(fy), label);
                (p.name.clone(), course.cloned(), outcome, Some(named))
            }
        };
        if let Some(slot) = out.get_mut(i) {
            let reason = |text: String| reasons.intern(&text);
            let at = u32::try_from(i).expect("fewer than 4 billion applications");
            *slot = Some(assessment(
                (at, app),
                program,
                course,
                outcome,
                rule,
                reason,
            ));
        }
    }
    filled(out)
}

/// The assessments out of their slots, in the slots' own buffer (an
/// `Option<Assessment>` is an `Assessment` in size): a second vector of
/// 200,000 assessments stood beside the slots at the night's peak. std
/// collects a `filter_map` in place, not a `flatten` (checked by a test).
#[allow(clippy::filter_map_identity)]
fn filled(slots: Vec<Option<Assessment>>) -> Vec<Assessment> {
    slots.into_iter().filter_map(|slot| slot).collect()
}

/// Adds what `outcome` takes from the company's FY cap and person limit.
fn record_usage(entry: &mut Prior, rule: &RuleSet, outcome: &Outcome) {
    let Outcome::Amount {
        amount,
        persons_counted,
        ..
    } = outcome
    else {
        return;
    };
    if rule
        .cap
        .as_ref()
        .is_some_and(|c| c.scope == CapScope::CompanyFy)
    {
        entry.cap_used = entry.cap_used.saturating_add(*amount);
    }
    entry.persons_used = entry.persons_used.saturating_add(*persons_counted);
}

/// Each 区分 text as written, matched against its program's courses once per run.
type CourseCache<'a, 'r> = HashMap<(ProgramId, &'r str), Option<&'a Course>>;

type Resolved<'a> = Result<
    (&'a Program, Option<&'a SharedStr>, &'a RuleSet),
    (SharedStr, Option<SharedStr>, String),
>;

/// The program, canonical course and rule set that judge `app`.
fn resolve<'a, 'r>(
    cat: &'a Catalogue,
    app: &'r Application,
    courses: &mut CourseCache<'a, 'r>,
) -> Resolved<'a> {
    let program = cat.program(app.program_id);
    let course = if program.courses.is_empty() {
        None
    } else {
        let Some(given) = app.course.as_deref() else {
            return Err((
                program.name.clone(),
                None,
                format!(
                    "制度「{}」には区分がありますが、区分が未記入です",
                    program.name
                ),
            ));
        };
        let found = *courses
            .entry((app.program_id, given))
            .or_insert_with(|| program.course(given));
        let Some(c) = found else {
            return Err((
                program.name.clone(),
                app.course.clone(),
                format!("区分「{given}」は制度「{}」にありません", program.name),
            ));
        };
        Some(&c.name)
    };
    let fy = app.fy();
    match program.rule_set(course.map(SharedStr::as_str), fy) {
        Some(rule) => Ok((program, course, rule)),
        None => {
            let what = match course {
                Some(c) => format!("制度「{}」区分「{c}」", program.name),
                None => format!("制度「{}」", program.name),
            };
            Err((
                program.name.clone(),
                course.cloned(),
                format!(
                    "{what}の{}の算定ルールが制度カタログにありません",
                    fy_label(fy)
                ),
            ))
        }
    }
}

/// 算定根拠: the working, marked when the rule set is not confirmed, then the rule set
/// that gave it, so every figure can be traced to its [[programs.rules]] entry.
fn reason_text(reason: String, rule: Option<&(RuleBasis, SharedStr)>) -> String {
    let Some((basis, label)) = rule else {
        return reason;
    };
    let mark = match basis {
        RuleBasis::Verified => "",
        RuleBasis::Unverified => "【未確認のルール】",
        RuleBasis::Assumed => "【推定のルール：過年度の額は市の確認待ち】",
        RuleBasis::CarriedForward => "【繰越・未確認のルール：この年度の額は市の確認待ち】",
    };
    format!("{mark}{reason}［適用ルール：{label}］")
}

/// One application's row (`at`: its position among those assessed); `shared` turns
/// its 算定根拠 into the run's shared text.
fn assessment(
    (at, app): (u32, &Application),
    program: SharedStr,
    course: Option<SharedStr>,
    outcome: Outcome,
    rule: Option<(RuleBasis, SharedStr)>,
    shared: impl FnOnce(String) -> SharedStr,
) -> Assessment {
    let decided = app.decided_amount;
    let mut company_fy_limited = false;
    let mut ineligible = None;
    let (computed, verdict, reason) = match outcome {
        Outcome::CannotCompute { reason } => (None, Verdict::CannotCompute, reason),
        Outcome::NotEligible { reason, why } => {
            ineligible = Some(why);
            (Some(0), Verdict::NotEligible, reason)
        }
        Outcome::UpperBound { amount, reason } => {
            let verdict = match decided {
                None if matches!(app.status, AppStatus::Rejected | AppStatus::Withdrawn) => {
                    Verdict::NothingToCompare
                }
                None => Verdict::Undecided,
                Some(d) if d > amount => Verdict::Over,
                Some(_) => Verdict::WithinBound,
            };
            (Some(amount), verdict, reason)
        }
        Outcome::Amount {
            amount,
            reason,
            company_fy_limited: limited,
            ..
        } => {
            company_fy_limited = limited;
            let verdict = match decided {
                None if matches!(app.status, AppStatus::Rejected | AppStatus::Withdrawn) => {
                    Verdict::NothingToCompare
                }
                None => Verdict::Undecided,
                Some(d) if d > amount => Verdict::Over,
                Some(d) if d < amount => Verdict::Under,
                Some(_) => Verdict::Match,
            };
            (Some(amount), verdict, reason)
        }
    };
    let difference = decided.zip(computed).and_then(|(d, c)| d.checked_sub(c));
    let final_check = final_amount::check(app, computed);
    let basis = rule.as_ref().map(|(b, _)| *b);
    let unverified = basis.is_some_and(|b| b != RuleBasis::Verified);
    let reason = shared(reason_text(reason, rule.as_ref()));
    let rule_set = rule.map(|(_, label)| label);
    Assessment {
        application: at,
        application_id: app.id.clone(),
        program,
        course,
        eligible_cost: app.eligible_cost,
        computed,
        decided,
        difference,
        verdict,
        reason,
        unverified,
        basis,
        rule_set,
        company_fy_limited,
        ineligible,
        final_check,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assessment(id: &str) -> Assessment {
        Assessment {
            application: 0,
            application_id: id.into(),
            program: "ダイバーシティ経営推進補助金".into(),
            course: None,
            eligible_cost: 300_000,
            computed: Some(200_000),
            decided: None,
            difference: None,
            verdict: Verdict::Match,
            reason: "2/3".into(),
            unverified: false,
            basis: None,
            rule_set: None,
            company_fy_limited: false,
            ineligible: None,
            final_check: None,
        }
    }

    #[test]
    fn the_assessments_stay_in_their_slots_buffer() {
        let slots: Vec<Option<Assessment>> = (0..1_000)
            .map(|i| Some(assessment(&format!("A-{i}"))))
            .collect();
        let buffer = slots.as_ptr().cast::<u8>();
        let filled = filled(slots);
        assert_eq!(filled.len(), 1_000);
        assert_eq!(filled[999].application_id, "A-999");
        assert!(
            std::ptr::eq(filled.as_ptr().cast::<u8>(), buffer),
            "collected into a second vector"
        );
    }
}
