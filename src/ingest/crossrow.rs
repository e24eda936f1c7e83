//! Rules that need more than one row: duplicate ids, references between
//! datasets, and defaults taken from another dataset.
//!
//! Whatever is rejected here gets an error on the offending cell, so nothing
//! disappears without a line on 入力エラー.

use std::collections::{BTreeMap, HashSet};

use foldhash::{HashMap, HashMapExt};

use crate::model::{Application, Asset, Budget, EmploymentReport, InputError, RowOrigin};

use super::columns::{Column, app, asset, budget, report};
use super::header::HeaderMap;
use super::index::AppIndex;
use super::raw::a1;
use crate::model::Dataset;

/// Where each accepted row's header stands, so an error can point at a cell.
#[derive(Debug, Clone, Default)]
pub(crate) struct Headers {
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

/// Rejects every row whose 申請番号 appears more than once, and adds those
/// 申請番号 to `excluded` (a row naming one is then told it was excluded,
/// not unknown). One map of borrowed ids, sized once: the rows of a
/// repeated id are gathered only for the few ids that repeat (a `Vec` per
/// application was a million allocations at a full sheet).
pub(crate) fn unique_applications(
    mut apps: Vec<Application>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
    excluded: &mut HashSet<String>,
) -> Vec<Application> {
    let mut first: HashMap<&str, u32> = HashMap::with_capacity(apps.len());
    let mut repeated: HashMap<&str, Vec<u32>> = HashMap::new();
    for a in &apps {
        let row = a.origin.row;
        if let Some(&at) = first.get(a.id.as_str()) {
            repeated
                .entry(a.id.as_str())
                .or_insert_with(|| vec![at])
                .push(row);
        } else {
            first.insert(a.id.as_str(), row);
        }
    }
    if repeated.is_empty() {
        return apps;
    }
    let mut keep = Vec::with_capacity(apps.len());
    for a in &apps {
        let Some(rows) = repeated.get(a.id.as_str()) else {
            keep.push(true);
            continue;
        };
        keep.push(false);
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
    }
    excluded.extend(repeated.keys().map(|id| (*id).to_string()));
    drop((first, repeated));
    let mut keep = keep.into_iter();
    apps.retain(|_| keep.next().unwrap_or(true));
    apps
}

/// Why a row naming `id` cannot be matched with an application.
fn unknown_application(id: &str, excluded: &HashSet<String>) -> String {
    if excluded.contains(id) {
        format!("申請番号「{id}」の申請は入力エラーで除外されたため、この行も除外しました")
    } else {
        format!("申請番号「{id}」は申請一覧にありません")
    }
}

/// Assets: the application must exist, 財産番号 must be unique, and a blank
/// 取得日 takes the application's 事業完了日.
pub(crate) fn link_assets(
    assets: Vec<Asset>,
    apps: &[Application],
    by_id: &AppIndex,
    excluded: &HashSet<String>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
) -> Vec<Asset> {
    let repeated: Vec<bool> = {
        let mut count: HashMap<&str, u32> = HashMap::with_capacity(assets.len());
        for a in &assets {
            *count.entry(a.asset_id.as_str()).or_default() += 1;
        }
        assets
            .iter()
            .map(|a| count[a.asset_id.as_str()] > 1)
            .collect()
    };
    let mut kept = Vec::with_capacity(assets.len());
    for (mut asset, repeated) in assets.into_iter().zip(repeated) {
        if repeated {
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
        let Some(app) = by_id.get(apps, asset.application_id.as_str()) else {
            errors.push(headers.error(
                &asset.origin,
                asset::APPLICATION_ID,
                &asset.application_id,
                unknown_application(&asset.application_id, excluded),
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
pub(crate) fn link_reports(
    reports: Vec<EmploymentReport>,
    apps: &[Application],
    by_id: &AppIndex,
    excluded: &HashSet<String>,
    headers: &Headers,
    errors: &mut Vec<InputError>,
) -> Vec<EmploymentReport> {
    reports
        .into_iter()
        .filter(|r| {
            if by_id.position(apps, r.application_id.as_str()).is_some() {
                return true;
            }
            errors.push(headers.error(
                &r.origin,
                report::APPLICATION_ID,
                &r.application_id,
                unknown_application(&r.application_id, excluded),
            ));
            false
        })
        .collect()
}

/// One budget per FY and program: duplicates are all rejected rather than
/// one silently winning.
pub(crate) fn unique_budgets(
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
pub(crate) fn required_names(dataset: Dataset) -> String {
    super::columns::of(dataset)
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join("・")
}
