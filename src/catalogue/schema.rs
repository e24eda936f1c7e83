//! The catalogue file's TOML shape and its validation into [`Program`]s.
//!
//! Each `[[programs]]` table is deserialized on its own so that an error,
//! even an unknown key deep in a rule set, can name the program it is in.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::error::{CatalogueError, describe_serde_error};
use super::names::{NameSet, find, key};
use super::rate::Rate;
use super::{
    Articles, Cap, CapMultiplier, CapScope, Checks, Course, EstablishmentCounts, FirstDay, Formula,
    GroupCostBasis, PerPerson, Program, RuleSet,
};
use crate::model::{DueShift, RefundMethod, ReportingDuty, Yen};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    refund_method: Option<String>,
    #[serde(default)]
    one_application_per_establishment: bool,
    #[serde(default)]
    install_by_end_of_february: bool,
    #[serde(default)]
    establishment_counts: Option<String>,
    #[serde(default)]
    completion_report_days: Option<u32>,
    #[serde(default)]
    completion_report_first_day: Option<String>,
    #[serde(default)]
    completion_report_shift: Option<String>,
    #[serde(default)]
    group_cost_basis: Option<String>,
    #[serde(default)]
    within_budget: bool,
    #[serde(default)]
    hire_reported: bool,
    #[serde(default)]
    excluded_asset_categories: Vec<String>,
    #[serde(default)]
    pre_consultation: bool,
    #[serde(default)]
    early_start_notice: bool,
    #[serde(default)]
    articles: RawArticles,
    #[serde(default)]
    courses: Vec<RawCourse>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    reporting_duties: Vec<RawDuty>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticles {
    one_application_per_establishment: Option<String>,
    install_by_end_of_february: Option<String>,
    completion_report: Option<String>,
    min_members: Option<String>,
    company_fy_cap: Option<String>,
    within_budget: Option<String>,
    hire_reported: Option<String>,
    excluded_assets: Option<String>,
    pre_consultation: Option<String>,
    early_start_notice: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    course: Option<String>,
    fy_from: i32,
    fy_to: Option<i32>,
    method: Option<String>,
    rate: Option<String>,
    per_person: Option<Yen>,
    per_woman: Option<Yen>,
    per_disabled_addon: Option<Yen>,
    cap: Option<Yen>,
    cap_multiplier: Option<String>,
    cap_scope: Option<String>,
    floor: Option<Yen>,
    unit: Option<Yen>,
    max_persons_per_company_fy: Option<u32>,
    min_members: Option<u32>,
    #[serde(default)]
    unverified: bool,
    #[serde(default)]
    assumed: bool,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuty {
    name: String,
    month: u32,
    day: u32,
    years_after: Vec<i32>,
    #[serde(default)]
    forms: Vec<RawForm>,
    #[serde(default)]
    attachments: Vec<String>,
    shift: Option<String>,
    basis: Option<String>,
}

/// A form: `"第10号様式"`, or `{ name = "第11号様式", title = "採用者リスト",
/// attached_to = "第10号様式" }` (titles are what the grantee's mail shows).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawForm {
    Plain(String),
    Titled(RawTitledForm),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitledForm {
    name: String,
    title: Option<String>,
    attached_to: Option<String>,
}

impl From<RawForm> for crate::model::Form {
    fn from(f: RawForm) -> Self {
        match f {
            RawForm::Plain(name) => crate::model::Form::named(name),
            RawForm::Titled(t) => crate::model::Form {
                name: t.name,
                title: t.title.filter(|s| !s.trim().is_empty()),
                attached_to: t.attached_to.filter(|s| !s.trim().is_empty()),
            },
        }
    }
}

/// Where errors point: the file and the program being read.
struct Ctx<'a> {
    file: &'a str,
    program: &'a str,
}

impl Ctx<'_> {
    fn err(&self, key: impl Into<String>, reason: impl Into<String>) -> CatalogueError {
        CatalogueError::invalid(self.file, self.program, key, reason)
    }
}

/// The top-level table holds `programs` and nothing else.
pub(crate) fn parse(text: &str, file: &str) -> Result<Vec<Program>, CatalogueError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| CatalogueError::Syntax {
        file: file.to_string(),
        detail: e.to_string().trim_end().to_string(),
    })?;
    const WHOLE: &str = "（全体）";
    if let Some(key) = table.keys().find(|k| k.as_str() != "programs") {
        return Err(CatalogueError::invalid(
            file,
            WHOLE,
            key.as_str(),
            "不明なキーです（使えるキー: programs）。",
        ));
    }
    let Some(toml::Value::Array(items)) = table.get("programs") else {
        return Err(CatalogueError::invalid(
            file,
            WHOLE,
            "programs",
            "[[programs]] の表が1つもありません。",
        ));
    };
    let mut programs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let label = item
            .get("name")
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}番目の[[programs]]", i + 1));
        let ctx = Ctx {
            file,
            program: &label,
        };
        let raw: RawProgram = item.clone().try_into().map_err(|e| {
            let (key, reason) = describe_serde_error(&e);
            ctx.err(key, reason)
        })?;
        programs.push(program(&ctx, raw)?);
    }
    check_unique_programs(file, &programs)?;
    Ok(programs)
}

fn program(ctx: &Ctx, raw: RawProgram) -> Result<Program, CatalogueError> {
    if key(&raw.name).is_empty() {
        return Err(ctx.err("name", "制度名が空です。"));
    }
    let courses: Vec<Course> = raw
        .courses
        .into_iter()
        .map(|c| Course {
            names: NameSet::new(&c.name, &c.aliases),
            name: c.name.into(),
            aliases: c.aliases,
        })
        .collect();
    check_unique_courses(ctx, &courses)?;
    let mut rules = Vec::with_capacity(raw.rules.len());
    for (i, r) in raw.rules.into_iter().enumerate() {
        rules.push(rule(ctx, &format!("rules[{}]", i + 1), r, &courses)?);
    }
    check_no_overlap(ctx, &rules)?;
    let refund_method = match raw.refund_method.as_deref() {
        None | Some("pro_rata") => RefundMethod::ProRata,
        Some("full") => RefundMethod::Full,
        Some(other) => {
            return Err(ctx.err(
                "refund_method",
                format!("「{other}」は使えません（pro_rata または full）。"),
            ));
        }
    };
    let group_cost_basis = choice(
        ctx,
        "group_cost_basis",
        raw.group_cost_basis.as_deref(),
        &[
            ("group_total", GroupCostBasis::GroupTotal),
            ("per_member", GroupCostBasis::PerMember),
        ],
    )?;
    if raw.group_cost_basis.is_some()
        && !rules.iter().any(|r| {
            r.cap
                .as_ref()
                .is_some_and(|c| c.multiplier == CapMultiplier::Members)
        })
    {
        return Err(ctx.err(
            "group_cost_basis",
            "団体の制度（cap_multiplier = \"members\" の rules）がないのに指定されています。",
        ));
    }
    let establishment_counts = choice(
        ctx,
        "establishment_counts",
        raw.establishment_counts.as_deref(),
        &[
            ("granted", EstablishmentCounts::Granted),
            ("any", EstablishmentCounts::Any),
        ],
    )?;
    let completion_report_first_day = choice(
        ctx,
        "completion_report_first_day",
        raw.completion_report_first_day.as_deref(),
        &[
            ("excluded", FirstDay::Excluded),
            ("included", FirstDay::Included),
        ],
    )?;
    if let Some((i, c)) = raw
        .excluded_asset_categories
        .iter()
        .enumerate()
        .find(|(_, c)| {
            !super::useful_life::table()
                .iter()
                .any(|r| &r.category == *c)
        })
    {
        return Err(ctx.err(
            format!("excluded_asset_categories[{}]", i + 1),
            format!(
                "「{c}」は耐用年数表の種類（建物、建物附属設備、構築物、器具及び備品 など）にありません。"
            ),
        ));
    }
    let completion_report_shift = shift(
        ctx,
        "completion_report_shift",
        raw.completion_report_shift.as_deref(),
    )?;
    if raw.completion_report_days == Some(0) {
        return Err(ctx.err(
            "completion_report_days",
            "0日は指定できません（1以上の日数）。",
        ));
    }
    let mut duties = Vec::with_capacity(raw.reporting_duties.len());
    for (i, d) in raw.reporting_duties.into_iter().enumerate() {
        duties.push(duty(ctx, i, d, &raw.name)?);
    }
    Ok(Program {
        names: NameSet::new(&raw.name, &raw.aliases),
        name: raw.name.into(),
        aliases: raw.aliases,
        courses,
        rules,
        checks: Checks {
            one_application_per_establishment: raw.one_application_per_establishment,
            establishment_counts,
            install_by_end_of_february: raw.install_by_end_of_february,
            completion_report_days: raw.completion_report_days,
            completion_report_first_day,
            completion_report_shift,
            within_budget: raw.within_budget,
            hire_reported: raw.hire_reported,
            excluded_asset_categories: raw.excluded_asset_categories,
            pre_consultation: raw.pre_consultation,
            early_start_notice: raw.early_start_notice,
            articles: Articles {
                one_application_per_establishment: raw.articles.one_application_per_establishment,
                install_by_end_of_february: raw.articles.install_by_end_of_february,
                completion_report: raw.articles.completion_report,
                min_members: raw.articles.min_members,
                company_fy_cap: raw.articles.company_fy_cap,
                within_budget: raw.articles.within_budget,
                hire_reported: raw.articles.hire_reported,
                excluded_assets: raw.articles.excluded_assets,
                pre_consultation: raw.articles.pre_consultation,
                early_start_notice: raw.articles.early_start_notice,
            },
        },
        group_cost_basis,
        refund_method,
        reporting_duties: duties,
    })
}

fn rule(ctx: &Ctx, key: &str, r: RawRule, courses: &[Course]) -> Result<RuleSet, CatalogueError> {
    let course = rule_course(ctx, key, r.course.as_deref(), courses)?;
    if let Some(to) = r.fy_to
        && to < r.fy_from
    {
        return Err(ctx.err(
            format!("{key}.fy_to"),
            format!("終了年度 {to} が開始年度 {} より前です。", r.fy_from),
        ));
    }
    let formula = formula(ctx, key, &r)?;
    let unit = match (r.unit, &formula) {
        (Some(u), _) if u > 0 => u,
        (Some(u), _) => {
            return Err(ctx.err(
                format!("{key}.unit"),
                format!("切り捨て単位 {u} は正の数でなければなりません。"),
            ));
        }
        (None, Formula::Undetermined) => 1,
        (None, _) => return Err(ctx.err(format!("{key}.unit"), "必須のキーがありません。")),
    };
    let cap = cap(ctx, key, &r)?;
    if let Some(f) = r.floor
        && f < 0
    {
        return Err(ctx.err(
            format!("{key}.floor"),
            format!("下限額 {f} は0以上でなければなりません。"),
        ));
    }
    if matches!(formula, Formula::Undetermined) && (!r.unverified || r.note.is_none()) {
        return Err(ctx.err(
            format!("{key}.method"),
            "method = \"none\" には unverified = true と理由の note が必要です。",
        ));
    }
    if r.min_members.is_some()
        && !cap
            .as_ref()
            .is_some_and(|c| c.multiplier == CapMultiplier::Members)
    {
        return Err(ctx.err(
            format!("{key}.min_members"),
            "min_members は団体の制度（cap_multiplier = \"members\"）の rules にだけ指定できます。",
        ));
    }
    if cap
        .as_ref()
        .is_some_and(|c| c.multiplier == CapMultiplier::Members && c.scope == CapScope::CompanyFy)
    {
        return Err(ctx.err(
            format!("{key}.cap_scope"),
            "団体の制度（cap_multiplier = \"members\"）の上限は1社あたりで、cap_scope = \"company_fy\" とは組み合わせられません。",
        ));
    }
    if r.min_members == Some(0) {
        return Err(ctx.err(
            format!("{key}.min_members"),
            "0社は指定できません（1以上）。",
        ));
    }
    Ok(RuleSet {
        course,
        fy_from: r.fy_from,
        fy_to: r.fy_to,
        formula,
        cap,
        floor: r.floor,
        unit,
        max_persons_per_company_fy: r.max_persons_per_company_fy,
        min_members: r.min_members,
        unverified: r.unverified,
        assumed: r.assumed,
        note: r.note,
    })
}

/// One of a fixed set of spellings; absent means the first (the default).
fn choice<T: Copy>(
    ctx: &Ctx,
    key: &str,
    given: Option<&str>,
    allowed: &[(&str, T)],
) -> Result<T, CatalogueError> {
    let Some(first) = allowed.first() else {
        return Err(ctx.err(key, "選択肢がありません。"));
    };
    let Some(given) = given else {
        return Ok(first.1);
    };
    allowed
        .iter()
        .find(|(name, _)| *name == given)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            ctx.err(
                key,
                format!("「{given}」は使えません（{}）。", names.join("、")),
            )
        })
}

fn shift(ctx: &Ctx, key: &str, given: Option<&str>) -> Result<DueShift, CatalogueError> {
    choice(
        ctx,
        key,
        given,
        &[
            ("next_open_day", DueShift::NextOpenDay),
            ("previous_open_day", DueShift::PreviousOpenDay),
            ("none", DueShift::None),
        ],
    )
}

/// A program with 区分 needs a course on each rule set; one without, none.
fn rule_course(
    ctx: &Ctx,
    key: &str,
    course: Option<&str>,
    courses: &[Course],
) -> Result<Option<String>, CatalogueError> {
    match (course, courses.is_empty()) {
        (None, true) => Ok(None),
        (None, false) => Err(ctx.err(
            format!("{key}.course"),
            "この制度には区分があるので、区分（course）を指定してください。",
        )),
        (Some(c), true) => Err(ctx.err(
            format!("{key}.course"),
            format!("区分「{c}」が指定されていますが、この制度には courses がありません。"),
        )),
        (Some(c), false) => find(courses, c, |k| &k.names)
            .map(|k| Some(k.name.to_string()))
            .ok_or_else(|| {
                ctx.err(
                    format!("{key}.course"),
                    format!("区分「{c}」は courses にありません。"),
                )
            }),
    }
}

fn formula(ctx: &Ctx, key: &str, r: &RawRule) -> Result<Formula, CatalogueError> {
    let k = |field: &str| format!("{key}.{field}");
    match r.method.as_deref().unwrap_or("rate") {
        "rate" => {
            let text = r
                .rate
                .as_deref()
                .ok_or_else(|| ctx.err(k("rate"), "必須のキーがありません。"))?;
            let rate = Rate::parse(text).ok_or_else(|| {
                ctx.err(
                    k("rate"),
                    format!("補助率「{text}」を数として読めません（例: \"2/3\"、\"10%\"）。"),
                )
            })?;
            if !rate.in_unit_range() {
                return Err(ctx.err(
                    k("rate"),
                    format!("補助率「{text}」は0より大きく1以下でなければなりません。"),
                ));
            }
            Ok(Formula::Rate(rate))
        }
        "per_person" => {
            let per_person = r
                .per_person
                .ok_or_else(|| ctx.err(k("per_person"), "必須のキーがありません。"))?;
            for (field, v) in [
                ("per_person", Some(per_person)),
                ("per_woman", r.per_woman),
                ("per_disabled_addon", r.per_disabled_addon),
            ] {
                if v.is_some_and(|v| v < 0) {
                    return Err(ctx.err(k(field), "金額は0以上でなければなりません。"));
                }
            }
            Ok(Formula::PerPerson(PerPerson {
                per_person,
                per_woman: r.per_woman,
                per_disabled_addon: r.per_disabled_addon,
            }))
        }
        "none" => Ok(Formula::Undetermined),
        other => Err(ctx.err(
            k("method"),
            format!("「{other}」は使えません（rate、per_person または none）。"),
        )),
    }
}

fn cap(ctx: &Ctx, key: &str, r: &RawRule) -> Result<Option<Cap>, CatalogueError> {
    let Some(amount) = r.cap else {
        if r.cap_multiplier.is_some() || r.cap_scope.is_some() {
            return Err(ctx.err(
                format!("{key}.cap"),
                "cap_multiplier や cap_scope には cap（上限額）が必要です。",
            ));
        }
        return Ok(None);
    };
    if amount <= 0 {
        return Err(ctx.err(
            format!("{key}.cap"),
            format!("上限額 {amount} は正の数でなければなりません。"),
        ));
    }
    let multiplier = match r.cap_multiplier.as_deref() {
        None => CapMultiplier::None,
        Some("members") => CapMultiplier::Members,
        Some("persons") => CapMultiplier::Persons,
        Some(other) => {
            return Err(ctx.err(
                format!("{key}.cap_multiplier"),
                format!("「{other}」は使えません（members または persons）。"),
            ));
        }
    };
    let scope = match r.cap_scope.as_deref() {
        None | Some("application") => CapScope::Application,
        Some("company_fy") => CapScope::CompanyFy,
        Some(other) => {
            return Err(ctx.err(
                format!("{key}.cap_scope"),
                format!("「{other}」は使えません（application または company_fy）。"),
            ));
        }
    };
    Ok(Some(Cap {
        amount,
        multiplier,
        scope,
    }))
}

fn duty(ctx: &Ctx, i: usize, d: RawDuty, program: &str) -> Result<ReportingDuty, CatalogueError> {
    let key = format!("reporting_duties[{}]", i + 1);
    // 2024 is a leap year, so Feb 29 passes and Feb 30 or Apr 31 do not.
    if NaiveDate::from_ymd_opt(2024, d.month, d.day).is_none() {
        return Err(ctx.err(
            format!("{key}.day"),
            format!("{}月{}日という日付はありません。", d.month, d.day),
        ));
    }
    if d.years_after.is_empty() || d.years_after.iter().any(|y| *y < 0) {
        return Err(ctx.err(
            format!("{key}.years_after"),
            "0以上の年数を1つ以上指定してください。",
        ));
    }
    let shift = shift(ctx, &format!("{key}.shift"), d.shift.as_deref())?;
    Ok(ReportingDuty {
        program: program.to_string(),
        name: d.name,
        month: d.month,
        day: d.day,
        shift,
        basis: d.basis,
        years_after: d.years_after,
        forms: d.forms.into_iter().map(Into::into).collect(),
        attachments: d.attachments,
    })
}

fn check_unique_courses(ctx: &Ctx, courses: &[Course]) -> Result<(), CatalogueError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (i, c) in courses.iter().enumerate() {
        let fields = std::iter::once("name").chain(c.aliases.iter().map(|_| "aliases"));
        let spelled = std::iter::once(c.name.as_str()).chain(c.aliases.iter().map(String::as_str));
        for ((field, n), k) in fields.zip(spelled).zip(c.names.keys()) {
            if let Some(prev) = seen.insert(k.clone(), &c.name) {
                return Err(ctx.err(
                    format!("courses[{}].{field}", i + 1),
                    format!("「{n}」は区分「{prev}」の名前または別名と重複しています。"),
                ));
            }
        }
    }
    Ok(())
}

/// Two rule sets for one program and course must not both cover a year.
fn check_no_overlap(ctx: &Ctx, rules: &[RuleSet]) -> Result<(), CatalogueError> {
    for (i, a) in rules.iter().enumerate() {
        for (j, b) in rules.iter().enumerate().skip(i + 1) {
            let overlaps = a.course == b.course
                && a.fy_from <= b.fy_to.unwrap_or(i32::MAX)
                && b.fy_from <= a.fy_to.unwrap_or(i32::MAX);
            if overlaps {
                let course = a.course.as_deref().unwrap_or("なし");
                return Err(ctx.err(
                    format!("rules[{}].fy_from", j + 1),
                    format!(
                        "区分「{course}」の年度範囲 {} が rules[{}] の {} と重なっています。",
                        range_text(b),
                        i + 1,
                        range_text(a)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn range_text(r: &RuleSet) -> String {
    match r.fy_to {
        Some(to) => format!("{}〜{}年度", r.fy_from, to),
        None => format!("{}年度〜", r.fy_from),
    }
}

fn check_unique_programs(file: &str, programs: &[Program]) -> Result<(), CatalogueError> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for p in programs {
        let fields = std::iter::once("name").chain(p.aliases.iter().map(|_| "aliases"));
        let spelled = std::iter::once(p.name.as_str()).chain(p.aliases.iter().map(String::as_str));
        for ((field, n), k) in fields.zip(spelled).zip(p.names.keys()) {
            if let Some(prev) = seen.insert(k.clone(), &p.name) {
                return Err(CatalogueError::invalid(
                    file,
                    &p.name,
                    field,
                    format!("「{n}」は制度「{prev}」の名前または別名と重複しています。"),
                ));
            }
        }
    }
    Ok(())
}
