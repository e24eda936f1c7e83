//! What ingestion hands on ([`Inputs`]): the accepted rows of every dataset
//! and what it refused ([`InputError`], [`RejectedReport`]).
//!
//! The refusals are kept beside the rows because later stages act on both:
//! 入力エラー lists the errors, and compliance holds the reminders of a
//! rejected report row.

use chrono::NaiveDate;

use super::{Application, Asset, Budget, EmploymentReport, RowOrigin};
use crate::calendar::FiscalYear;

/// A rejected row or value, reported on 入力エラー and by `hojokin check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub sheet: String,
    /// A1 reference of the offending cell (or of the row's first cell).
    pub cell: String,
    /// 項目: the column's header name.
    pub column: String,
    pub value: String,
    /// 内容: the reason, in Japanese, for staff.
    pub reason: String,
    /// 申請番号 the row names, when it can be read (empty otherwise).
    pub application_id: String,
    /// 事業者名 of that application, from 申請一覧 (empty when unknown).
    pub company: String,
    /// 影響: what the rejection means for tonight's run, for staff.
    pub effect: String,
}

/// A 雇用状況報告 row rejected for a bad cell whose 申請番号 is readable:
/// the city may well hold the report, so its reminders are held (not sent)
/// until the row is fixed, rather than chasing a grantee who reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedReport {
    pub application_id: String,
    /// 報告年度, when readable; `None` holds every open report of the application.
    pub report_fy: Option<FiscalYear>,
    /// 受付日, when readable: a report received after the as-of date does not count.
    pub received_on: Option<NaiveDate>,
    pub origin: RowOrigin,
}

/// Everything ingestion produced from a job's inputs.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub applications: Vec<Application>,
    pub assets: Vec<Asset>,
    pub employment_reports: Vec<EmploymentReport>,
    pub budgets: Vec<Budget>,
    pub errors: Vec<InputError>,
    /// Values read leniently (a row kept, a line on 入力エラー that rejects nothing): not
    /// counted as errors, so they change no exit status.
    pub warnings: Vec<InputError>,
    /// Report rows rejected although their 申請番号 is known.
    pub rejected_reports: Vec<RejectedReport>,
}

impl Inputs {
    /// Lets go of the rows only the rule and compliance stages read (assets,
    /// employment reports, budgets, held reports): the workbook and the mail
    /// read those stages' results, the applications and the input errors. On
    /// a full sheet these rows were some 100 MB held until the workbook was
    /// written, the night's peak.
    pub fn release_evaluated(&mut self) {
        self.assets = Vec::new();
        self.employment_reports = Vec::new();
        self.budgets = Vec::new();
        self.rejected_reports = Vec::new();
    }
}
