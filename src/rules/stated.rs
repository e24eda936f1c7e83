//! Rules the seeds state that need more than the application row: the budget
//! ("予算の範囲内") and the kind of asset bought (the diversity 要綱's 別表: "什器や備品に類する
//! ものは除く"). Each is a catalogue switch per program, and each finding quotes the program's
//! article for it. A report with no hire is not among them: 第3条第5号 ("採用している者若しくは
//! 採用する予定がある者") is tested at application, so 雇用状況報告 notes it (新規採用なし) instead.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use super::cite::{article, finding};
use crate::calendar::FiscalYear;
use crate::catalogue::Catalogue;
use crate::catalogue::useful_life::{self, Resolution};
use crate::ingest::AppIndex;
use crate::model::{
    Application, Asset, Budget, BudgetExcess, Detail, Finding, FindingKind, Inputs, Yen,
};
use crate::text::SharedStr;

/// Every finding of the two checks: budgets, then assets. `by_id` indexes
/// `inputs.applications` (ingestion's [`AppIndex`]).
pub(crate) fn findings(cat: &Catalogue, inputs: &Inputs, by_id: &AppIndex) -> Vec<Finding> {
    let apps = &inputs.applications;
    let mut out = over_budget(cat, apps, &inputs.budgets);
    out.extend(ineligible_assets(cat, apps, by_id, &inputs.assets));
    out
}

/// Σ交付決定額 of the standing grants (交付決定, 確定) of a program in an FY (by 交付決定日),
/// taken in decision order (交付決定日, 申請番号): each grant that takes the running sum above
/// the FY's 予算額 is flagged, the first one and every one after it.
fn over_budget(cat: &Catalogue, apps: &[Application], budgets: &[Budget]) -> Vec<Finding> {
    let mut budget: HashMap<(&str, FiscalYear), Yen> = HashMap::new();
    for b in budgets {
        *budget.entry((b.program.as_str(), b.fy)).or_default() += b.amount;
    }
    let mut groups: BTreeMap<(&str, FiscalYear), Vec<&Application>> = BTreeMap::new();
    for app in apps.iter().filter(|a| a.status.is_granted()) {
        if !cat.program(app.program_id).checks.within_budget {
            continue;
        }
        if let (Some(fy), Some(_)) = (app.decision_fy(), app.decided_amount) {
            groups
                .entry((app.program.as_str(), fy))
                .or_default()
                .push(app);
        }
    }
    let mut flagged: HashMap<&str, Finding> = HashMap::new();
    for ((program, fy), mut grants) in groups {
        let Some(&limit) = budget.get(&(program, fy)) else {
            continue;
        };
        grants.sort_by_key(|a| (a.decided_on, a.id.as_str()));
        let first = grants[0];
        let checks = &cat.program(first.program_id).checks;
        // The sentence's texts, shared by every grant of the group it flags.
        let article = SharedStr::from(article(&checks.articles.within_budget));
        let mut sum: Yen = 0;
        for app in grants {
            let decided = app.decided_amount.unwrap_or(0);
            sum = sum.saturating_add(decided);
            if sum > limit {
                let excess = BudgetExcess {
                    fy,
                    program: first.program.clone(),
                    decided_on: app.decided_on,
                    decided,
                    sum,
                    limit,
                    article: article.clone(),
                };
                flagged.insert(
                    app.id.as_str(),
                    finding(app, FindingKind::OverBudget, Detail::OverBudget(excess)),
                );
            }
        }
    }
    // Input order, as every other 要確認 row.
    apps.iter()
        .filter_map(|a| flagged.remove(a.id.as_str()))
        .collect()
}

/// The 種類 (category) of the useful-life rows an asset's 耐用年数区分 resolves to, when they
/// all share one.
fn table_category(text: &str) -> Option<&'static str> {
    let rows = match useful_life::resolve(text) {
        Resolution::One(row) => vec![row],
        Resolution::Ambiguous(rows) => rows,
        Resolution::Unknown => return None,
    };
    let first = rows.first()?.category.as_str();
    rows.iter().all(|r| r.category == first).then_some(first)
}

/// An asset of an application whose program excludes its category (the diversity
/// subsidy's 別表 excludes 什器・備品, i.e. 器具及び備品): not a subsidised facility.
fn ineligible_assets(
    cat: &Catalogue,
    apps: &[Application],
    by_id: &AppIndex,
    assets: &[Asset],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for asset in assets {
        let Some(app) = by_id.get(apps, asset.application_id.as_str()) else {
            continue;
        };
        let checks = &cat.program(app.program_id).checks;
        if checks.excluded_asset_categories.is_empty() {
            continue;
        }
        let Some(text) = asset.category.as_deref() else {
            continue;
        };
        // `useful_life::resolve` remembers each distinct text it resolved.
        let Some(category) = table_category(text) else {
            continue;
        };
        if !checks
            .excluded_asset_categories
            .iter()
            .any(|c| c == category)
        {
            continue;
        }
        out.push(finding(
            app,
            FindingKind::IneligibleAsset,
            format!(
                "財産「{}」（財産番号 {}）の耐用年数区分「{}」は{category}に当たり、{}の補助対象の施設ではありません{}。",
                asset.name,
                asset.asset_id,
                asset.category.as_deref().unwrap_or_default(),
                app.program,
                article(&checks.articles.excluded_assets)
            ),
        ));
    }
    out
}
