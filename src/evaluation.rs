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
pub(crate) struct Results {
    pub assessed: Vec<Assessment>,
    pub ledger: Vec<ReportDue>,
    pub restrictions: Vec<AssetRestriction>,
    pub by_fiscal_year: Vec<FyProgramRow>,
    pub by_company: Vec<CompanyRow>,
    /// 要確認, in the order: amounts, program rules, reports, assets.
    pub findings: Vec<Finding>,
}

/// Runs the rule, totals and compliance stages over what was ingested.
///
/// The amounts and their 要確認 rows (which need the amounts) run on one thread;
/// the report ledger, the assets, the stated rules and the totals, which need
/// nothing of them, on another. The results are put together in the order they
/// always had.
pub(crate) fn evaluate(
    catalogue: &Catalogue,
    ingested: &Ingested,
    as_of: NaiveDate,
) -> Result<Results, TotalsError> {
    let inputs = &ingested.inputs;
    let apps = &inputs.applications;
    let ((assessed, mut findings), others) = crate::parallel::both(
        || {
            let assessed = step("amounts", || rules::assess(catalogue, apps));
            let findings = step("amount findings", || {
                rules::findings(catalogue, apps, &assessed, as_of)
            });
            (assessed, findings)
        },
        || compliance_and_totals(catalogue, ingested, as_of),
    );
    findings.extend(others.findings);
    Ok(Results {
        by_fiscal_year: others.by_fiscal_year?,
        by_company: others.by_company?,
        assessed,
        ledger: others.ledger,
        restrictions: others.restrictions,
        findings,
    })
}

/// What the stages beside the amounts give: their 要確認 rows already in the order
/// reports, assets, stated rules.
struct Others {
    ledger: Vec<ReportDue>,
    restrictions: Vec<AssetRestriction>,
    findings: Vec<Finding>,
    by_fiscal_year: Result<Vec<FyProgramRow>, TotalsError>,
    by_company: Result<Vec<CompanyRow>, TotalsError>,
}

fn compliance_and_totals(catalogue: &Catalogue, ingested: &Ingested, as_of: NaiveDate) -> Others {
    let inputs = &ingested.inputs;
    let apps = &inputs.applications;
    let duties = catalogue.reporting_duties();
    let mut ledger = step("report ledger", || {
        reports::ledger(apps, &inputs.employment_reports, &duties, as_of)
    });
    // Before the strays: a held report is named on 要確認 with the reports.
    let mut findings = reports::hold_rejected(&mut ledger, &inputs.rejected_reports, as_of);
    findings.extend(reports::stray_reports(
        apps,
        &inputs.employment_reports,
        &duties,
        as_of,
    ));
    let (restrictions, asset_findings) = step("assets", || {
        restriction::evaluate(
            apps,
            &ingested.by_id,
            &inputs.assets,
            |app| {
                catalogue
                    .disposal_restriction(app.program_id)
                    .map(|r| restriction::Policy {
                        method: catalogue.refund_method(app.program_id),
                        source: &r.source,
                    })
            },
            as_of,
        )
    });
    findings.extend(asset_findings);
    findings.extend(step("stated rules", || {
        rules::stated::findings(catalogue, inputs, &ingested.by_id)
    }));
    Others {
        ledger,
        restrictions,
        findings,
        by_fiscal_year: step("totals by FY", || {
            totals::by_fiscal_year(apps, &inputs.budgets)
        }),
        // Here, not after the amounts on their thread: that thread is the
        // stage's longer, so the totals wait on this one instead of adding
        // to it (BENCHMARKS.md, "Where parallelism pays"). Its frames, of
        // company numbers since 6696c23, no longer weigh on the peak beside
        // the amounts.
        by_company: step("totals by company", || totals::by_company(apps)),
    }
}

/// Runs one step of the stage and logs how long it took (debug): the two
/// threads' steps, to see which one the stage waits for.
fn step<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = f();
    tracing::debug!(step = name, ms = started.elapsed().as_millis(), "step done");
    out
}
