//! The catalogue file's TOML shape: one `Raw*` struct per table, as serde
//! reads it, before any validation.
//!
//! Kept apart from the checks so the file's shape reads in one place; every
//! table denies unknown keys, so a misspelt key is an error, not a default.
//! The fields are open to the sibling modules that validate them.

use serde::Deserialize;

use crate::model::Yen;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProgram {
    pub(super) name: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    #[serde(default)]
    pub(super) refund_method: Option<String>,
    #[serde(default)]
    pub(super) one_application_per_establishment: bool,
    #[serde(default)]
    pub(super) install_by_end_of_february: bool,
    #[serde(default)]
    pub(super) establishment_counts: Option<String>,
    #[serde(default)]
    pub(super) completion_report_days: Option<u32>,
    #[serde(default)]
    pub(super) completion_report_first_day: Option<String>,
    #[serde(default)]
    pub(super) completion_report_shift: Option<String>,
    #[serde(default)]
    pub(super) group_cost_basis: Option<String>,
    #[serde(default)]
    pub(super) within_budget: bool,
    #[serde(default)]
    pub(super) hire_reported: bool,
    #[serde(default)]
    pub(super) excluded_asset_categories: Vec<String>,
    #[serde(default)]
    pub(super) pre_consultation: bool,
    #[serde(default)]
    pub(super) early_start_notice: bool,
    #[serde(default)]
    pub(super) articles: RawArticles,
    #[serde(default)]
    pub(super) courses: Vec<RawCourse>,
    #[serde(default)]
    pub(super) rules: Vec<RawRule>,
    #[serde(default)]
    pub(super) reporting_duties: Vec<RawDuty>,
    #[serde(default)]
    pub(super) disposal_restriction: Option<RawDisposalRestriction>,
    #[serde(default)]
    pub(super) application_windows: Vec<RawWindow>,
    #[serde(default)]
    pub(super) lead_time: Option<RawLeadTime>,
    #[serde(default)]
    pub(super) establishment_in: Option<RawEstablishmentIn>,
}

/// `[[programs.application_windows]]`: `from = "4/1"`, `to = "2/末"` in each FY of the range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    pub(super) fy_from: i32,
    pub(super) fy_to: Option<i32>,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) source: String,
}

/// `[programs.lead_time]`: `days = 14`, `source = "…"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLeadTime {
    pub(super) days: u32,
    pub(super) source: String,
}

/// `[programs.establishment_in]`: `city = "綾瀬市"`, `source = "…"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEstablishmentIn {
    pub(super) city: String,
    pub(super) source: String,
}

/// `[programs.disposal_restriction]`: its presence switches the restriction on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDisposalRestriction {
    pub(super) source: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArticles {
    pub(super) one_application_per_establishment: Option<String>,
    pub(super) install_by_end_of_february: Option<String>,
    pub(super) completion_report: Option<String>,
    pub(super) min_members: Option<String>,
    pub(super) company_fy_cap: Option<String>,
    pub(super) within_budget: Option<String>,
    pub(super) hire_reported: Option<String>,
    pub(super) excluded_assets: Option<String>,
    pub(super) pre_consultation: Option<String>,
    pub(super) early_start_notice: Option<String>,
    pub(super) amount: Option<String>,
    pub(super) change_approval: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCourse {
    pub(super) name: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) course: Option<String>,
    pub(super) fy_from: i32,
    pub(super) fy_to: Option<i32>,
    pub(super) method: Option<String>,
    pub(super) rate: Option<String>,
    pub(super) per_person: Option<Yen>,
    pub(super) per_woman: Option<Yen>,
    pub(super) per_disabled_addon: Option<Yen>,
    pub(super) cap: Option<Yen>,
    pub(super) cap_multiplier: Option<String>,
    pub(super) cap_scope: Option<String>,
    pub(super) floor: Option<Yen>,
    pub(super) unit: Option<Yen>,
    pub(super) max_persons_per_company_fy: Option<u32>,
    pub(super) min_members: Option<u32>,
    #[serde(default)]
    pub(super) unverified: bool,
    #[serde(default)]
    pub(super) assumed: bool,
    pub(super) confirmed_to: Option<i32>,
    pub(super) premium_cap_monthly: Option<Yen>,
    pub(super) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDuty {
    pub(super) name: String,
    pub(super) month: u32,
    pub(super) day: u32,
    pub(super) years_after: Vec<i32>,
    #[serde(default)]
    pub(super) forms: Vec<RawForm>,
    #[serde(default)]
    pub(super) attachments: Vec<String>,
    pub(super) shift: Option<String>,
    pub(super) basis: Option<String>,
    pub(super) grace_open_days: Option<u32>,
    pub(super) transition: Option<RawTransition>,
}

/// `transition = { decided_before = "2021-04-01", source = "…", confirmed_fys = [] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTransition {
    pub(super) decided_before: String,
    pub(super) source: String,
    #[serde(default)]
    pub(super) confirmed_fys: Vec<i32>,
}

/// A form: `"第10号様式"`, or `{ name = "第11号様式", title = "採用者リスト",
/// attached_to = "第10号様式" }` (titles are what the grantee's mail shows).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawForm {
    Plain(String),
    Titled(RawTitledForm),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTitledForm {
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
