//! Rules that need more than one row: duplicate ids, references between
//! datasets, and defaults taken from another dataset.
//!
//! Whatever is rejected here gets an error on the offending cell, so nothing
//! disappears without a line on 入力エラー.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::{
    Application, Asset, Budget, EmploymentReport, InputError, RowOrigin, SharedStr,
};

use super::columns::{Column, app, asset, budget, report};
use super::header::HeaderMap;
use super::source::a1;
use crate::model::Dataset;

/// Where each accepted row's header stands, so an error can point at a cell.
#[derive(Debug, Clone, Default)]
pub struct Headers {
    /// (file, sheet) → header map.
    pub by_sheet: HashMap<(String, String), HeaderMap>,
}

impl Headers {
    fn error(&self, origin: &RowOrigin, column: Column, value: &str, reason: String) -> InputError {
        let col = self
            .by_sheet
            .get(&(origin.file.to_string(), origin.sheet.to_string()))
            .and_then(|h| h.col(column))
            .unwrap_or(0);
        InputError {
            file: origin.file.to_string(),
            sheet: origin.sheet.to_string(),
            cell: a1(origin.row.saturating_sub(1), col),
            column: column.name.to_string(),
            value: value.to_string(),
            reason,
            application_id: String::new(),
            company: String::new(),
            effect: String::new(),
        }
    }
}

/// Rejects every row whose 申請番号 appears more than once.
pub fn unique_applications(
    apps: Vec<Application>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
) -> Vec<Application> {
    let mut rows_by_id: HashMap<SharedStr, Vec<u32>> = HashMap::new();
    for a in &apps {
        rows_by_id
            .entry(a.id.clone())
            .or_default()
            .push(a.origin.row);
    }
    apps.into_iter()
        .filter(|a| {
            let rows = &rows_by_id[&a.id];
            if rows.len() == 1 {
                return true;
            }
            let others: Vec<String> = rows
                .iter()
                .filter(|r| **r != a.origin.row)
                .map(|r| format!("{r}行目"))
                .collect();
            errors.push(headers.error(
                &a.origin,
                app::ID,
                &a.id,
                format!(
                    "申請番号「{}」が重複しています（{}にもあります）。どちらの行も除外しました",
                    a.id,
                    others.join("、")
                ),
            ));
            false
        })
        .collect()
}

/// Why a row naming `id` cannot be matched with an application.
fn unknown_application(id: &str, all_ids: &HashSet<String>) -> String {
    if all_ids.contains(id) {
        format!("申請番号「{id}」の申請は入力エラーで除外されたため、この行も除外しました")
    } else {
        format!("申請番号「{id}」は申請一覧にありません")
    }
}

/// Assets: the application must exist, 財産番号 must be unique, and a blank
/// 取得日 takes the application's 事業完了日.
pub fn link_assets(
    assets: Vec<Asset>,
    apps: &[Application],
    all_app_ids: &HashSet<String>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
) -> Vec<Asset> {
    let by_id = Application::by_id(apps);
    let mut count: HashMap<String, usize> = HashMap::new();
    for a in &assets {
        *count.entry(a.asset_id.clone()).or_default() += 1;
    }
    let mut kept = Vec::with_capacity(assets.len());
    for mut asset in assets {
        if count[&asset.asset_id] > 1 {
            errors.push(headers.error(
                &asset.origin,
                asset::ASSET_ID,
                &asset.asset_id,
                format!(
                    "財産番号「{}」が重複しています。重複するすべての行を除外しました",
                    asset.asset_id
                ),
            ));
            continue;
        }
        let Some(app) = by_id.get(asset.application_id.as_str()) else {
            errors.push(headers.error(
                &asset.origin,
                asset::APPLICATION_ID,
                &asset.application_id,
                unknown_application(&asset.application_id, all_app_ids),
            ));
            continue;
        };
        if asset.acquired_on.is_none() {
            match app.completed_on {
                Some(d) => asset.acquired_on = Some(d),
                None => {
                    errors.push(headers.error(
                        &asset.origin,
                        asset::ACQUIRED_ON,
                        "",
                        format!("取得日が空で、申請「{}」の事業完了日もありません", app.id),
                    ));
                    continue;
                }
            }
        }
        kept.push(asset);
    }
    kept
}

/// Employment reports must name an application.
pub fn link_reports(
    reports: Vec<EmploymentReport>,
    apps: &[Application],
    all_app_ids: &HashSet<String>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
) -> Vec<EmploymentReport> {
    let ids: HashSet<&str> = apps.iter().map(|a| a.id.as_str()).collect();
    reports
        .into_iter()
        .filter(|r| {
            if ids.contains(r.application_id.as_str()) {
                return true;
            }
            errors.push(headers.error(
                &r.origin,
                report::APPLICATION_ID,
                &r.application_id,
                unknown_application(&r.application_id, all_app_ids),
            ));
            false
        })
        .collect()
}

/// One budget per FY and program: duplicates are all rejected rather than
/// one silently winning.
pub fn unique_budgets(
    budgets: Vec<Budget>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
) -> Vec<Budget> {
    let mut count: BTreeMap<(i32, String), usize> = BTreeMap::new();
    for b in &budgets {
        *count.entry((b.fy, b.program.clone())).or_default() += 1;
    }
    budgets
        .into_iter()
        .filter(|b| {
            if count[&(b.fy, b.program.clone())] == 1 {
                return true;
            }
            errors.push(headers.error(
                &b.origin,
                budget::PROGRAM,
                &b.program,
                format!(
                    "{}年度の「{}」の予算が複数行あります。重複するすべての行を除外しました",
                    b.fy, b.program
                ),
            ));
            false
        })
        .collect()
}

/// The canonical column names of a dataset, for messages.
pub fn required_names(dataset: Dataset) -> String {
    super::columns::of(dataset)
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join("・")
}
