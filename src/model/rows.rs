//! Rows of the other three datasets: 取得財産 ([`Asset`]), 雇用状況報告
//! ([`EmploymentReport`]) and 予算 ([`Budget`]).
//!
//! Each is a plain, already validated row pointing back at its application by
//! 申請番号 or at its program by name; they are kept apart from
//! [`super::Application`], whose row carries most of the pipeline's rules.

use chrono::NaiveDate;

use super::{RowOrigin, Yen};
use crate::calendar::FiscalYear;

/// One row of 取得財産.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// 申請番号 (exists in applications)
    pub application_id: String,
    /// 財産番号 (unique)
    pub asset_id: String,
    /// 財産名
    pub name: String,
    /// 耐用年数区分 as written in the export
    pub category: Option<String>,
    /// Years found in the useful-life table for `category`, when it resolves to one row.
    pub table_years: Option<u32>,
    /// 法定耐用年数 given explicitly in the export (wins over the table).
    pub explicit_years: Option<u32>,
    /// 取得価額
    pub cost: Yen,
    /// 取得日 (already defaulted to the application's 事業完了日 by ingestion)
    pub acquired_on: Option<NaiveDate>,
    /// 処分日
    pub disposed_on: Option<NaiveDate>,
    /// 処分の種類
    pub disposal_kind: Option<String>,
    /// 処分承認日
    pub disposal_approved_on: Option<NaiveDate>,
    pub origin: RowOrigin,
}

impl Asset {
    /// The statutory useful life in force: the explicit value wins.
    pub fn useful_life_years(&self) -> Option<u32> {
        self.explicit_years.or(self.table_years)
    }
}

/// One row of 雇用状況報告 (a received report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentReport {
    pub application_id: String,
    /// 報告年度
    pub report_fy: FiscalYear,
    /// 受付日
    pub received_on: NaiveDate,
    /// 新規採用者数（女性）
    pub hires_women: Option<u32>,
    /// 新規採用者数（障がい者）
    pub hires_disabled: Option<u32>,
    pub origin: RowOrigin,
}

/// One row of 予算.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub fy: FiscalYear,
    pub program: String,
    pub amount: Yen,
    pub origin: RowOrigin,
}
