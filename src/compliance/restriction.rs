//! 財産処分制限: subsidised assets must be kept through their statutory useful life
//! (ダイバーシティ経営推進補助金 要綱 第12条(4), 第16条). This module dates each asset's
//! restriction period, tells its 状況 on the as-of date, and estimates the refund for a
//! disposal inside the period.
//!
//! The seeds impose the restriction on the diversity subsidy alone, so it is a program
//! setting ([`Policy`], the catalogue's `[programs.disposal_restriction]` with its source).
//! An asset of a program without it is still listed, as 処分制限なし, with no breach and no
//! refund: a city whose 補助金等交付規則 restricts other programs' assets switches it on for
//! them, citing the 規則.
//!
//! # Dates
//!
//! The period is N years counted as 民法 第140条・第143条 count periods, the reading the
//! catalogue also uses for 実績報告's "30日後の日" (`completion_report_first_day = "excluded"`):
//! the first day (取得日) is not counted, so the period is reckoned from the day after (起算日),
//! and it ends on the day before the 起算日's N-year 応当日, which is the N-year anniversary of
//! 取得日. Where the last year has no 応当日 the period ends on that month's last day
//! (第143条第2項). So 2022-06-10 + 15 years ends on 2037-06-10; 2020-02-29 + 1 year on
//! 2021-02-28; and 2023-02-28 + 1 year on 2024-02-29 (起算日 March 1, 応当日 2024-03-01).
//! Months are counted the same way from the 起算日, which keeps [`elapsed_months`] consistent
//! with [`period_end`]: a disposal on the last day of the period has used all N × 12 months.
//! The seeds (第12条(4), 第16条) say only "法定耐用年数の間"; counting it by the 民法 is this
//! project's stated reading (programs.md), not words of the 要綱.

use foldhash::{HashMap, HashMapExt};

use chrono::{Datelike, Months, NaiveDate};

use crate::calendar::wareki;
use crate::format::yen;
use crate::ingest::{AppIndex, columns};
use crate::model::{AppStatus, Application, Asset, Finding, FindingKind, RefundMethod, Yen};

/// 状況 of one asset on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetState {
    /// Still within its restriction period, not disposed of.
    InPeriod,
    /// The period is over, or the disposal came after it.
    Expired,
    /// Disposed of on or before the period's last day without a prior approval.
    EarlyDisposal,
    /// Disposed of with the city's approval given on or before the disposal.
    ApprovedDisposal,
    /// The program restricts no disposal (no `disposal_restriction` in the catalogue).
    NotRestricted,
}

impl AssetState {
    pub fn label(self) -> &'static str {
        match self {
            AssetState::InPeriod => "制限期間中",
            AssetState::Expired => "制限期間満了",
            AssetState::EarlyDisposal => "期間内処分",
            AssetState::ApprovedDisposal => "承認済処分",
            AssetState::NotRestricted => "処分制限なし",
        }
    }
}

/// One row of 財産処分制限.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRestriction {
    pub application_id: String,
    pub asset_id: String,
    pub name: String,
    /// 法定耐用年数 in force (the explicit value wins over the table); known for every
    /// restricted asset, perhaps not for one of a program without the restriction.
    pub years: Option<u32>,
    pub acquired_on: Option<NaiveDate>,
    /// 制限期間終了日: the last day of the restriction; none when the program has none.
    pub period_end: Option<NaiveDate>,
    /// 処分日 as known on the as-of date (a later date is not known yet).
    pub disposed_on: Option<NaiveDate>,
    /// 処分承認日 as known on the as-of date.
    pub approved_on: Option<NaiveDate>,
    pub state: AssetState,
    /// 返還額（目安）: only for 期間内処分 of a grant that stands or was cancelled (取消),
    /// by the program's refund method.
    pub refund: Option<Yen>,
    /// 返還額（全額）: the asset's whole share of the grant, the strict reading of 第12条
    /// ("その全部又は一部"), shown beside the estimate.
    pub refund_full: Option<Yen>,
    /// Why a value is missing or was read differently, for staff.
    pub note: Option<String>,
}

/// How an application's assets are restricted, from its program's catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy<'a> {
    pub method: RefundMethod,
    /// Where the restriction is written, quoted on each 期間内処分 row.
    pub source: &'a str,
}

/// The `months`-th 応当日 of `start`; the first of the next month when that month is too short.
fn month_anniversary(start: NaiveDate, months: u64) -> Option<NaiveDate> {
    let month0 = u64::from(start.month0()).checked_add(months)?;
    let year = i64::from(start.year()).checked_add(i64::try_from(month0 / 12).ok()?)?;
    let year = i32::try_from(year).ok()?;
    let month = u32::try_from(month0 % 12).ok()? + 1;
    NaiveDate::from_ymd_opt(year, month, start.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_months(Months::new(1)))
}

/// The last day of the restriction: the N-year anniversary of 取得日, counted from the day after
/// (see the module docs). Zero years give the day before acquisition, an empty period. Years
/// beyond the calendar's range give [`NaiveDate::MAX`]: a restriction that never ends.
pub(crate) fn period_end(acquired: NaiveDate, years: u32) -> NaiveDate {
    if years == 0 {
        return acquired.pred_opt().unwrap_or(acquired);
    }
    acquired
        .succ_opt()
        .and_then(|start| month_anniversary(start, u64::from(years) * 12))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Months elapsed from acquisition to disposal, a started month counted as elapsed. Months
/// run from the 起算日 (the day after 取得日) as the period does; a disposal on 取得日 itself
/// has used 1 month. A disposal before acquisition (a data error) has used none.
pub(crate) fn elapsed_months(acquired: NaiveDate, disposed: NaiveDate) -> u32 {
    if disposed < acquired {
        return 0;
    }
    let Some(start) = acquired.succ_opt().filter(|&s| s <= disposed) else {
        return 1;
    };
    let years = i64::from(disposed.year()) - i64::from(start.year());
    let months = years * 12 + i64::from(disposed.month0()) - i64::from(start.month0());
    let mut whole = u64::try_from(months).unwrap_or(0);
    if month_anniversary(start, whole).is_none_or(|d| d > disposed) {
        whole = whole.saturating_sub(1);
    }
    u32::try_from(whole + 1).unwrap_or(u32::MAX)
}

/// 返還額（目安） for a disposal inside the period. ProRata: `share × (N×12 − elapsed) ÷ (N×12)`,
/// truncated to whole yen (0 once all months are used); Full: the whole share. The caller
/// decides the disposal is early; this only does the arithmetic.
pub(crate) fn refund(
    share: Yen,
    years: u32,
    acquired: NaiveDate,
    disposed: NaiveDate,
    method: RefundMethod,
) -> Yen {
    match method {
        RefundMethod::Full => share,
        RefundMethod::ProRata if years == 0 => 0,
        RefundMethod::ProRata => {
            let total = i128::from(years) * 12;
            let remaining = (total - i128::from(elapsed_months(acquired, disposed))).max(0);
            // |share × remaining ÷ total| ≤ |share|, so it always fits back into Yen.
            Yen::try_from(i128::from(share) * remaining / total).unwrap_or(share)
        }
    }
}

/// Each asset's part of `grant`, in proportion to its acquisition cost (negative costs count
/// as 0), each truncated to whole yen. The yen lost to truncation (fewer than the number of
/// assets) are left unallocated, so the estimates never add up to more than the grant. With
/// no cost at all there is nothing to split by, and every share is 0.
pub(crate) fn shares(assets: &[&Asset], grant: Yen) -> Vec<Yen> {
    let costs: Vec<i128> = assets.iter().map(|a| i128::from(a.cost.max(0))).collect();
    let total: i128 = costs.iter().sum();
    costs
        .iter()
        .map(|&cost| match total {
            0 => 0,
            _ => Yen::try_from(i128::from(grant) * cost / total).unwrap_or(0),
        })
        .collect()
}

/// 状況 and the dates behind it, for an asset whose years and 取得日 are known.
struct Assessment {
    period_end: NaiveDate,
    disposed_on: Option<NaiveDate>,
    approved_on: Option<NaiveDate>,
    state: AssetState,
    notes: Vec<String>,
}

/// An approval dated on or before the disposal makes it 承認済処分 wherever the disposal falls;
/// an approval dated after it does not cure it.
fn assess(asset: &Asset, years: u32, acquired: NaiveDate, as_of: NaiveDate) -> Assessment {
    let end = period_end(acquired, years);
    let mut notes = Vec::new();
    // What was not yet true on the as-of date is not known that night; re-running a past
    // night must give that night's answer.
    let disposed_on = asset.disposed_on.filter(|&d| d <= as_of);
    if let Some(d) = asset.disposed_on.filter(|&d| d > as_of) {
        notes.push(format!(
            "処分日（{}）が基準日より後のため、この日の判定では処分として扱っていません。",
            wareki(d)
        ));
    }
    let approved_on = asset.disposal_approved_on.filter(|&a| a <= as_of);
    let state = match (disposed_on, approved_on) {
        (Some(d), Some(a)) if a <= d => AssetState::ApprovedDisposal,
        (Some(d), _) if d <= end => {
            if let Some(a) = approved_on {
                notes.push(format!(
                    "処分承認日（{}）が処分日（{}）より後のため、承認のない処分として扱っています。",
                    wareki(a),
                    wareki(d)
                ));
            }
            if d < acquired {
                notes.push("処分日が取得日より前になっています。日付を確認してください。".into());
            }
            AssetState::EarlyDisposal
        }
        (Some(_), _) => AssetState::Expired,
        (None, _) if as_of <= end => AssetState::InPeriod,
        (None, _) => AssetState::Expired,
    };
    Assessment {
        period_end: end,
        disposed_on,
        approved_on,
        state,
        notes,
    }
}

/// The amount a refund estimate is built on, and which column of 申請一覧 it is, so the
/// estimate can say so (a 確定額 above the rules' amount would otherwise pass unseen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grant {
    amount: Yen,
    /// 確定額 or 交付決定額.
    column: &'static str,
}

/// What a grant paid or decided, for refunds: a standing grant's amount (確定額 once 確定,
/// else 交付決定額), and for a grant cancelled (取消, the step 第12条 prescribes on an early
/// disposal) only what was paid, its 確定額: 第12条 refunds "既に交付した補助金があるとき",
/// so a cancelled decision with nothing paid owes nothing.
fn refundable_grant(app: &Application) -> Option<Grant> {
    let paid = |amount| Grant {
        amount,
        column: "確定額",
    };
    let decided = |amount| Grant {
        amount,
        column: "交付決定額",
    };
    match app.status {
        AppStatus::Cancelled => app.final_amount.map(paid),
        AppStatus::Final => app
            .final_amount
            .map(paid)
            .or_else(|| app.decided_amount.map(decided)),
        AppStatus::Decided => app.decided_amount.map(decided),
        _ => None,
    }
}

/// A grant cancelled before anything was paid (no 確定額): no refund is owed.
fn cancelled_unpaid(app: Option<&Application>) -> bool {
    app.is_some_and(|a| a.status == AppStatus::Cancelled && a.final_amount.is_none())
}

/// Each asset's share of its application's grant (standing or cancelled), with the grant it
/// is a share of, by asset position; None where the application is missing, never granted or
/// has no amount.
fn grant_shares(
    apps: &[Application],
    by_id: &AppIndex,
    assets: &[Asset],
) -> Vec<Option<(Yen, Grant)>> {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, asset) in assets.iter().enumerate() {
        groups.entry(&asset.application_id).or_default().push(i);
    }
    let mut out = vec![None; assets.len()];
    for (app_id, positions) in groups {
        let Some(grant) = by_id.get(apps, app_id).and_then(refundable_grant) else {
            continue;
        };
        let members: Vec<&Asset> = positions.iter().map(|&i| &assets[i]).collect();
        for (&i, share) in positions.iter().zip(shares(&members, grant.amount)) {
            out[i] = Some((share, grant));
        }
    }
    out
}

/// Why there is no refund estimate for an early disposal, when there is none.
fn no_refund_note(app: Option<&Application>, asset: &Asset) -> Option<String> {
    match app {
        None => Some(format!(
            "申請一覧に申請番号 {} がないため、返還額（目安）を算定できません。",
            asset.application_id
        )),
        Some(app) if !app.status.is_granted() => None, // said once by status_note
        Some(app) if refundable_grant(app).is_none() => {
            Some("交付決定額も確定額もないため、返還額（目安）を算定できません。".to_string())
        }
        Some(_) => None,
    }
}

/// Why a cancelled grant with nothing paid owes no refund.
const UNPAID_NOTE: &str = "交付決定は取り消されています（要綱第12条）。確定額（交付済みの額）がなく、既に交付した補助金がないため、返還を求める額はありません（第12条の返還は「既に交付した補助金があるとき」）。交付済みの額があれば確定額に入力してください。";

fn status_note(app: Option<&Application>) -> Option<String> {
    let status = app.map(|a| a.status).filter(|s| !s.is_granted())?;
    if status == AppStatus::Cancelled {
        if cancelled_unpaid(app) {
            return Some(UNPAID_NOTE.to_string());
        }
        return Some(
            "交付決定は取り消されています（要綱第12条）。既に交付した補助金の返還額の目安として、取消前の確定額で算定しています。"
                .to_string(),
        );
    }
    Some(format!(
        "申請の状態が「{}」で交付決定も確定もしていないため、返還額（目安）は算定していません。",
        status.label()
    ))
}

/// Why an approved disposal shows no refund: the 要綱 has no approval procedure.
const APPROVED_NOTE: &str = "承認済の処分に返還を求めない扱いは市の規則（綾瀬市補助金等に係る予算の執行に関する規則）によるもので、要綱には処分承認の手続きがありません。";

/// Dates each asset's restriction and tells its 状況 on `as_of`, with a refund estimate for
/// each 期間内処分 by its program's [`Policy`] (`None`: the program restricts nothing, and the
/// asset is listed as 処分制限なし). Findings, for restricted assets only: each 期間内処分, each
/// conflict between an explicit 法定耐用年数 and the table, and each asset whose period
/// cannot be dated (no years or no 取得日; its input error says why). Rows and findings follow
/// asset order. An asset whose application is unknown is treated as restricted.
pub(crate) fn evaluate<'p>(
    apps: &[Application],
    by_id: &AppIndex,
    assets: &[Asset],
    policy: impl Fn(&Application) -> Option<Policy<'p>>,
    as_of: NaiveDate,
) -> (Vec<AssetRestriction>, Vec<Finding>) {
    let shares = grant_shares(apps, by_id, assets);
    // At most one row per asset, held until the report is written: sized once, not doubled.
    let mut rows = Vec::with_capacity(assets.len());
    let mut findings = Vec::new();
    for (asset, share) in assets.iter().zip(shares) {
        let app = by_id.get(apps, asset.application_id.as_str());
        let policy = match app {
            Some(app) => match policy(app) {
                Some(p) => p,
                None => {
                    rows.push(unrestricted(asset, app, as_of));
                    continue;
                }
            },
            None => Policy {
                method: RefundMethod::default(),
                source: "",
            },
        };
        findings.extend(years_conflict(asset, app));
        let (Some(years), Some(acquired)) = (asset.useful_life_years(), asset.acquired_on) else {
            findings.push(undatable(asset, app));
            continue;
        };
        let mut a = assess(asset, years, acquired, as_of);
        a.notes.extend(status_note(app));
        if a.state == AssetState::ApprovedDisposal {
            a.notes.push(APPROVED_NOTE.to_string());
        }
        let mut estimate = None;
        if a.state == AssetState::EarlyDisposal {
            estimate = share
                .zip(a.disposed_on)
                .map(|((s, grant), d)| Estimate::new(s, grant, years, acquired, d, policy.method));
            a.notes.extend(no_refund_note(app, asset));
            a.notes.extend(estimate.as_ref().map(Estimate::built_on));
            findings.push(early_disposal(
                asset,
                app,
                years,
                acquired,
                &a,
                estimate.as_ref(),
                policy.source,
            ));
        }
        let owes_nothing = a.state == AssetState::EarlyDisposal && cancelled_unpaid(app);
        rows.push(AssetRestriction {
            application_id: asset.application_id.clone(),
            asset_id: asset.asset_id.clone(),
            name: asset.name.clone(),
            years: Some(years),
            acquired_on: Some(acquired),
            period_end: Some(a.period_end),
            disposed_on: a.disposed_on,
            approved_on: a.approved_on,
            state: a.state,
            // A cancelled grant with nothing paid owes nothing: 0, and the note says why.
            refund: estimate
                .as_ref()
                .map(|e| e.amount)
                .or(owes_nothing.then_some(0)),
            refund_full: estimate.map(|e| e.share).or(owes_nothing.then_some(0)),
            note: (!a.notes.is_empty()).then(|| a.notes.concat()),
        });
    }
    (rows, findings)
}

/// The row of an asset whose program restricts no disposal: listed with what is known of it,
/// and why there is no period, breach or refund.
fn unrestricted(asset: &Asset, app: &Application, as_of: NaiveDate) -> AssetRestriction {
    AssetRestriction {
        application_id: asset.application_id.clone(),
        asset_id: asset.asset_id.clone(),
        name: asset.name.clone(),
        years: asset.useful_life_years(),
        acquired_on: asset.acquired_on,
        period_end: None,
        disposed_on: asset.disposed_on.filter(|&d| d <= as_of),
        approved_on: asset.disposal_approved_on.filter(|&a| a <= as_of),
        state: AssetState::NotRestricted,
        refund: None,
        refund_full: None,
        note: Some(format!(
            "{}には財産の処分を制限する定めが制度カタログにないため（処分制限はダイバーシティ経営推進補助金の交付要綱第12条第4号・第16条の定め）、処分しても期間内処分・返還の対象としていません。市の規則で制限する場合は、制度カタログにその制度の処分制限（根拠の規則名とともに）を設定してください。",
            app.program
        )),
    }
}

fn finding(app: Option<&Application>, asset: &Asset, kind: FindingKind, detail: String) -> Finding {
    Finding {
        application_id: match app {
            Some(app) => app.id.clone(),
            None => asset.application_id.as_str().into(),
        },
        company: app.map(|a| a.company.clone()).unwrap_or_default(),
        kind,
        detail: detail.into(),
    }
}

/// A refund estimate with the figures behind it, so the finding can show its working.
struct Estimate {
    share: Yen,
    /// The grant the share is of.
    grant: Grant,
    amount: Yen,
    /// The pro-rata figure, whatever the method.
    pro_rata: Yen,
    method: RefundMethod,
    months_left: u64,
    months_total: u64,
}

impl Estimate {
    fn new(
        share: Yen,
        grant: Grant,
        years: u32,
        acquired: NaiveDate,
        disposed: NaiveDate,
        method: RefundMethod,
    ) -> Self {
        let months_total = u64::from(years) * 12;
        Estimate {
            share,
            grant,
            amount: refund(share, years, acquired, disposed, method),
            pro_rata: refund(share, years, acquired, disposed, RefundMethod::ProRata),
            method,
            months_left: months_total.saturating_sub(u64::from(elapsed_months(acquired, disposed))),
            months_total,
        }
    }

    /// Which amount the estimate is built on: the grant's column and figure.
    fn built_on(&self) -> String {
        format!(
            "返還額は{}{}を基に、この申請の財産の取得価額の比で按分して算定しています。",
            self.grant.column,
            yen(self.grant.amount)
        )
    }

    /// Both readings of 第12条 side by side, the one the program's method picks first, then
    /// the amount they are built on.
    fn sentence(&self) -> String {
        format!("{}{}", self.readings(), self.built_on())
    }

    fn readings(&self) -> String {
        let pro_rata = format!(
            "按分額{}×残り{}か月÷{}か月",
            yen(self.share),
            self.months_left,
            self.months_total
        );
        match self.method {
            RefundMethod::Full => format!(
                "返還額（目安）は全額の{}です（按分なら{}：{pro_rata}）。",
                yen(self.amount),
                yen(self.pro_rata)
            ),
            RefundMethod::ProRata => format!(
                "返還額（目安）は{}（{pro_rata}）、全額なら{}です。",
                yen(self.amount),
                yen(self.share)
            ),
        }
    }
}

fn early_disposal(
    asset: &Asset,
    app: Option<&Application>,
    years: u32,
    acquired: NaiveDate,
    a: &Assessment,
    estimate: Option<&Estimate>,
    source: &str,
) -> Finding {
    let disposed = a.disposed_on.map(wareki).unwrap_or_default();
    let amount = match estimate {
        Some(e) => e.sentence(),
        None if cancelled_unpaid(app) => UNPAID_NOTE.to_string(),
        None => "返還額（目安）は算定できませんでした。".to_string(),
    };
    let source = match source {
        "" => String::new(),
        s => format!("（{s}）"),
    };
    let detail = format!(
        "財産「{}」（財産番号 {}）は、制限期間（{}から{}まで、法定耐用年数{years}年）内の{disposed}に市の承認なく処分されています{source}。{amount}",
        asset.name,
        asset.asset_id,
        wareki(acquired),
        wareki(a.period_end),
    );
    finding(app, asset, FindingKind::EarlyDisposal, detail)
}

fn years_conflict(asset: &Asset, app: Option<&Application>) -> Option<Finding> {
    let (Some(given), Some(table)) = (asset.explicit_years, asset.table_years) else {
        return None;
    };
    (given != table).then(|| {
        let detail = format!(
            "財産「{}」（財産番号 {}）の法定耐用年数は{given}年と入力されていますが、耐用年数区分「{}」は耐用年数表では{table}年です。入力された{given}年で制限期間を算定しています。",
            asset.name,
            asset.asset_id,
            asset.category.as_deref().unwrap_or_default(),
        );
        finding(app, asset, FindingKind::UsefulLifeMismatch, detail)
    })
}

fn undatable(asset: &Asset, app: Option<&Application>) -> Finding {
    let (years, acquired) = (
        columns::asset::USEFUL_LIFE.name,
        columns::asset::ACQUIRED_ON.name,
    );
    let missing = match (asset.useful_life_years(), asset.acquired_on) {
        (None, None) => format!("{years}と{acquired}"),
        (None, Some(_)) => years.to_string(),
        _ => acquired.to_string(),
    };
    let detail = format!(
        "財産「{}」（財産番号 {}）は{missing}が分からないため、処分制限期間を算定できません。入力エラーを確認してください。",
        asset.name, asset.asset_id
    );
    finding(app, asset, FindingKind::RestrictionUndatable, detail)
}

/// Whole yen with thousands separators, as staff read amounts in sentences.
#[cfg(test)]
mod tests;
