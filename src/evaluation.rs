//! The rule, totals and compliance stages over what was ingested: what the
//! workbook, the reminders and the digest are all built from.

use chrono::NaiveDate;

use crate::catalogue::Catalogue;
use crate::compliance::reports::{self, ReportDue};
use crate::compliance::restriction::{self, AssetRestriction};
use crate::ingest::Ingested;
use crate::model::Finding;
use crate::rules::{self, Assessment};
use crate::totals::{self, CompanyRow, FyProgramRow, TotalsError};

/// The results of the rule and compliance stages for one run.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub assessed: Vec<Assessment>,
    pub ledger: Vec<ReportDue>,
    pub restrictions: Vec<AssetRestriction>,
    pub by_fiscal_year: Vec<FyProgramRow>,
    pub by_company: Vec<CompanyRow>,
    /// 要確認, in the order: amounts, program rules, reports, assets.
    pub findings: Vec<Finding>,
}

/// Runs the rule, totals and compliance stages over what was ingested.
pub fn evaluate(
    catalogue: &Catalogue,
    ingested: &Ingested,
    as_of: NaiveDate,
) -> Result<Results, TotalsError> {
    let inputs = &ingested.inputs;
    let apps = &inputs.applications;
    let assessed = rules::assess(catalogue, apps);
    let mut findings = rules::findings(catalogue, apps, &assessed, as_of);
    let duties = catalogue.reporting_duties();
    let mut ledger = reports::ledger(apps, &inputs.employment_reports, &duties, as_of);
    // Before the strays: a held report is named on 要確認 with the reports.
    findings.extend(reports::hold_rejected(
        &mut ledger,
        &inputs.rejected_reports,
        as_of,
    ));
    findings.extend(reports::stray_reports(
        apps,
        &inputs.employment_reports,
        &duties,
        as_of,
    ));
    let (restrictions, asset_findings) = restriction::evaluate(
        apps,
        &inputs.assets,
        |app| catalogue.refund_method(app.program_id),
        as_of,
    );
    findings.extend(asset_findings);
    findings.extend(rules::stated::findings(catalogue, inputs, as_of));
    Ok(Results {
        by_fiscal_year: totals::by_fiscal_year(apps, &inputs.budgets)?,
        by_company: totals::by_company(apps)?,
        assessed,
        ledger,
        restrictions,
        findings,
    })
}
