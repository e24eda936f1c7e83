//! One sheet row into one typed record, or into the errors that reject it.
//!
//! A bad cell rejects its row, but every bad cell of that row is reported so
//! staff can fix the export in one go. Rules that need other rows (duplicate
//! ids, references to applications) live in [`super::crossrow`].

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::columns::{Column, app, asset, budget, report};
use super::header::HeaderMap;
use super::parse;
use super::raw::Raw;
use super::raw::a1;
use super::source::Row;
use crate::calendar::FiscalYear;
use crate::catalogue::useful_life::{self, Resolution};
use crate::catalogue::{Catalogue, Program};
use crate::model::{
    AppRecords, AppStatus, Application, Asset, Budget, EmploymentReport, InputError, ProgramId,
    Recorded, RejectedReport, RowOrigin, Yen,
};
use crate::text::SharedStr;

/// How a warning's 内容 begins on 入力エラー, so staff tell it from a rejection.
pub(crate) const WARNING: &str = "警告（除外なし）：";
/// 影響 of a warning: the row is processed as read.
const WARNING_EFFECT: &str = "この行は除外せず、読み取った値で処理しています";

/// The sheet a row belongs to, for error references.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SheetRef<'a> {
    pub file: &'a SharedStr,
    pub sheet: &'a SharedStr,
    pub header: &'a HeaderMap,
    /// 制度 texts of this sheet already looked up in the catalogue.
    pub programs: &'a ProgramMemo,
}

/// 制度 text as written → the catalogue's answer, so the few program names of
/// a sheet are normalised and matched once each rather than once per row.
/// One memo serves one catalogue (it lives for one sheet's read).
#[derive(Debug, Default)]
pub(crate) struct ProgramMemo(RefCell<HashMap<String, Option<ProgramId>>>);

/// Distinct 制度 texts remembered per sheet; the rest are looked up each time.
const MEMO_PROGRAMS: usize = 1_024;

impl ProgramMemo {
    fn find(&self, catalogue: &Catalogue, name: &str) -> Option<ProgramId> {
        if let Some(found) = self.0.borrow().get(name) {
            return *found;
        }
        let found = catalogue.find_program(name);
        let mut memo = self.0.borrow_mut();
        if memo.len() < MEMO_PROGRAMS {
            memo.insert(name.to_string(), found);
        }
        found
    }
}

/// Reads the cells of one row by column name, collecting errors.
#[derive(Debug)]
pub(crate) struct Cells<'a> {
    at: SheetRef<'a>,
    row: &'a Row,
    pub errors: Vec<InputError>,
    /// Values read leniently, kept with the row and listed on 入力エラー as warnings.
    pub warnings: Vec<InputError>,
}

impl<'a> Cells<'a> {
    pub(crate) fn new(at: SheetRef<'a>, row: &'a Row) -> Self {
        let mut cells = Self {
            at,
            row,
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        // A value the reader could not trust (too long for a cell, a formula
        // without its result, an unreadable byte) rejects its row first;
        // later complaints about the same cell are then not repeated.
        for (column, col) in at.header.columns.values() {
            if let Some(reason) = row.get(*col).fault() {
                cells.reject(*column, reason.to_string());
            }
        }
        cells
    }

    pub(crate) fn origin(&self) -> RowOrigin {
        RowOrigin {
            file: self.at.file.clone(),
            sheet: self.at.sheet.clone(),
            row: self.row.index + 1,
        }
    }

    /// The A1 reference of a column in this row; the row's first cell when
    /// the sheet has no such column.
    pub(crate) fn cell_ref(&self, column: Column) -> String {
        let col = self.at.header.col(column).unwrap_or(0);
        a1(self.row.index, col)
    }

    fn raw(&self, column: Column) -> &'a Raw {
        static EMPTY: Raw = Raw::Empty;
        match self.at.header.col(column) {
            Some(c) => self.row.get(c),
            None => &EMPTY,
        }
    }

    /// Records an error on `column` of this row.
    pub(crate) fn reject(&mut self, column: Column, reason: impl Into<String>) {
        let cell = self.cell_ref(column);
        if self
            .row
            .get(self.at.header.col(column).unwrap_or(u32::MAX))
            .fault()
            .is_some()
            && self.errors.iter().any(|e| e.cell == cell)
        {
            return;
        }
        let value = self.raw(column).to_string();
        self.errors.push(InputError {
            file: self.at.file.to_string(),
            sheet: self.at.sheet.to_string(),
            cell: self.cell_ref(column),
            column: column.name.to_string(),
            value,
            reason: reason.into(),
            application_id: String::new(),
            company: String::new(),
            effect: String::new(),
        });
    }

    /// Records a warning on `column` of this row: the value was read and the row is kept.
    pub(crate) fn warn(&mut self, column: Column, reason: impl Into<String>) {
        let value = self.raw(column).to_string();
        self.warnings.push(InputError {
            file: self.at.file.to_string(),
            sheet: self.at.sheet.to_string(),
            cell: self.cell_ref(column),
            column: column.name.to_string(),
            value,
            reason: format!("{WARNING}{}", reason.into()),
            application_id: String::new(),
            company: String::new(),
            effect: WARNING_EFFECT.to_string(),
        });
    }

    /// Writes the row's 申請番号 (and, for 申請一覧, its 事業者名) into each
    /// of its errors and warnings, so 入力エラー says which application a line is about.
    pub(crate) fn tag_errors(&mut self, id: Column, company: Option<Column>) {
        let id = self.id(id).unwrap_or_default();
        let company = company.and_then(|c| self.text(c)).unwrap_or_default();
        for e in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            if e.application_id.is_empty() {
                e.application_id.clone_from(&id);
            }
            if e.company.is_empty() {
                e.company.clone_from(&company);
            }
        }
    }

    pub(crate) fn is_blank(&self, column: Column) -> bool {
        self.raw(column).is_blank()
    }

    /// Optional text, trimmed.
    pub(crate) fn text(&self, column: Column) -> Option<String> {
        parse::text(self.raw(column))
    }

    /// A 申請番号: trimmed and NFKC-normalised like every text that is
    /// matched across exports, so 「Ｇ００００１」 in one system's export is
    /// G00001 in another's.
    pub(crate) fn id(&self, column: Column) -> Option<String> {
        self.text(column)
            .map(|t| parse::normalize(&t))
            .filter(|t| !t.is_empty())
    }

    /// A required 申請番号 ([`Cells::id`]): blank is an error.
    pub(crate) fn required_id(&mut self, column: Column) -> Option<String> {
        let t = self.id(column);
        if t.is_none() {
            self.missing(column);
        }
        t
    }

    /// Required text: blank is an error.
    pub(crate) fn required_text(&mut self, column: Column) -> Option<String> {
        let t = self.text(column);
        if t.is_none() {
            self.missing(column);
        }
        t
    }

    fn missing(&mut self, column: Column) {
        if self.at.header.col(column).is_some() {
            self.reject(column, format!("{}が空です（必須項目）", column.name));
        } else {
            self.reject(
                column,
                format!("{}の列がありません（必須項目）", column.name),
            );
        }
    }

    /// Optional value: blank → None; unparseable → error and None.
    pub(crate) fn parsed<T>(
        &mut self,
        column: Column,
        f: fn(&Raw) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.raw(column);
        if raw.is_blank() {
            return None;
        }
        match f(raw) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.reject(column, reason);
                None
            }
        }
    }

    /// Required value: blank is an error too.
    pub(crate) fn required<T>(
        &mut self,
        column: Column,
        f: fn(&Raw) -> Result<T, String>,
    ) -> Option<T> {
        if self.is_blank(column) {
            self.missing(column);
            return None;
        }
        self.parsed(column, f)
    }

    /// An optional date; a date read leniently (an old era past its end) is kept with a warning.
    pub(crate) fn date(&mut self, column: Column) -> Option<NaiveDate> {
        let (date, note) = self.parsed(column, parse::date_noted)?;
        if let Some(note) = note {
            self.warn(column, note);
        }
        Some(date)
    }

    /// A required date: blank is an error too.
    pub(crate) fn required_date(&mut self, column: Column) -> Option<NaiveDate> {
        if self.is_blank(column) {
            self.missing(column);
            return None;
        }
        self.date(column)
    }

    pub(crate) fn yen(&mut self, column: Column) -> Option<Yen> {
        self.parsed(column, parse::yen)
    }

    pub(crate) fn count(&mut self, column: Column) -> Option<u32> {
        self.parsed(column, parse::count)
    }

    /// A date of an optional column, telling a missing column from a blank cell.
    pub(crate) fn recorded_date(&mut self, column: Column) -> Recorded {
        if self.at.header.col(column).is_none() {
            return Recorded::NoColumn;
        }
        match self.date(column) {
            Some(d) => Recorded::On(d),
            None => Recorded::Blank,
        }
    }

    /// Marks a value that the row's 状態 requires but the export left blank.
    pub(crate) fn require_for_status<T>(
        &mut self,
        value: &Option<T>,
        column: Column,
        status: AppStatus,
    ) {
        if value.is_none() && self.is_blank(column) {
            self.reject(
                column,
                format!(
                    "状態が「{}」のときは{}が必要です",
                    status.label(),
                    column.name
                ),
            );
        }
    }
}

/// One row of 申請一覧.
pub(crate) fn application(cells: &mut Cells<'_>, catalogue: &Catalogue) -> Option<Application> {
    let id = cells.required_id(app::ID);
    let program = program(cells, catalogue, app::PROGRAM);
    let course = course(cells, program.map(|(_, p)| p));
    let company = cells.required_text(app::COMPANY);
    let corporate_number = cells.parsed(app::CORPORATE_NUMBER, parse::corporate_number);
    let address = cells.text(app::ADDRESS);
    let contact = cells.text(app::CONTACT);
    let email = cells.parsed(app::EMAIL, parse::email);
    let applied_on = cells.required_date(app::APPLIED_ON);
    let decided_on = cells.date(app::DECIDED_ON);
    let completed_on = cells.date(app::COMPLETED_ON);
    let eligible_cost = cells.required(app::ELIGIBLE_COST, parse::yen);
    let decided_amount = cells.yen(app::DECIDED_AMOUNT);
    let final_amount = cells.yen(app::FINAL_AMOUNT);
    let status = cells.required(app::STATUS, |raw| {
        let text = parse::text(raw).unwrap_or_default();
        AppStatus::parse(&parse::normalize(&text)).ok_or_else(|| {
            "状態は 申請中・交付決定・確定・不交付・取下げ・取消 のいずれかにしてください"
                .to_string()
        })
    });
    let members = cells.count(app::MEMBERS);
    let persons = cells.count(app::PERSONS);
    let persons_women = cells.count(app::PERSONS_WOMEN);
    let persons_disabled = cells.count(app::PERSONS_DISABLED);
    let records = AppRecords {
        completion_report_received_on: cells.date(app::COMPLETION_REPORT_RECEIVED_ON),
        started_on: cells.date(app::STARTED_ON),
        pre_consultation_on: cells.recorded_date(app::PRE_CONSULTATION_ON),
        early_start_notice_on: cells.recorded_date(app::EARLY_START_NOTICE_ON),
        monthly_premiums: cells.parsed(app::MONTHLY_PREMIUMS, parse::premiums),
        phone: cells.text(app::PHONE).map(Into::into),
    };
    if let Some(status) = status {
        if matches!(
            status,
            AppStatus::Decided | AppStatus::Final | AppStatus::Cancelled
        ) {
            cells.require_for_status(&decided_on, app::DECIDED_ON, status);
        }
        if status.is_granted() {
            cells.require_for_status(&decided_amount, app::DECIDED_AMOUNT, status);
        }
        if status == AppStatus::Final {
            cells.require_for_status(&final_amount, app::FINAL_AMOUNT, status);
        }
    }
    if !cells.errors.is_empty() {
        return None;
    }
    let (program_id, program) = program?;
    Some(Application {
        id: id?.into(),
        program: program.name.clone(),
        program_id,
        course,
        company: company?.into(),
        corporate_number,
        address,
        contact: contact.map(Into::into),
        email: email.map(Into::into),
        applied_on: applied_on?,
        decided_on,
        completed_on,
        eligible_cost: eligible_cost?,
        decided_amount,
        final_amount,
        status: status?,
        members,
        persons,
        persons_women,
        persons_disabled,
        records,
        origin: cells.origin(),
    })
}

/// 制度: required, and known to the catalogue (by name or alias). The
/// program is resolved here once; later stages use its id.
fn program<'c>(
    cells: &mut Cells<'_>,
    catalogue: &'c Catalogue,
    column: Column,
) -> Option<(ProgramId, &'c Program)> {
    let name = cells.required_text(column)?;
    let found = cells
        .at
        .programs
        .find(catalogue, &name)
        .map(|id| (id, catalogue.program(id)));
    if found.is_none() {
        cells.reject(
            column,
            format!("制度「{name}」は制度一覧（カタログ）にありません"),
        );
    }
    found
}

/// 区分: required and checked when the program has courses; the catalogue's name
/// (shared by the course's rows) when it knows the course.
fn course(cells: &mut Cells<'_>, program: Option<&Program>) -> Option<SharedStr> {
    let given = cells.text(app::COURSE);
    let program = program?;
    if program.courses.is_empty() {
        return given.map(Into::into);
    }
    let list = || {
        program
            .courses
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join("・")
    };
    let Some(given) = given else {
        let message = format!("{}は区分（{}）が必要です", program.name, list());
        cells.reject(app::COURSE, message);
        return None;
    };
    let found = program.course(&given).map(|c| c.name.clone());
    if found.is_none() {
        let message = format!(
            "{}の区分は {} のいずれかにしてください",
            program.name,
            list()
        );
        cells.reject(app::COURSE, message);
    }
    found
}

/// One row of 取得財産. A blank 取得日 stays `None` here; the cross-row stage
/// fills it from the application's 事業完了日.
pub(crate) fn asset(cells: &mut Cells<'_>) -> Option<Asset> {
    let application_id = cells.required_id(asset::APPLICATION_ID);
    let asset_id = cells.required_text(asset::ASSET_ID);
    let name = cells.required_text(asset::NAME);
    let category = cells.text(asset::CATEGORY);
    let explicit_years = cells.parsed(asset::USEFUL_LIFE, |raw| {
        parse::count(raw).and_then(|y| {
            if (1..=100).contains(&y) {
                Ok(y)
            } else {
                Err("法定耐用年数は1〜100年で指定してください".to_string())
            }
        })
    });
    let explicit_failed = explicit_years.is_none() && !cells.is_blank(asset::USEFUL_LIFE);
    let table_years = match (&category, explicit_years) {
        (None, None) if !explicit_failed => {
            cells.reject(
                asset::CATEGORY,
                "耐用年数区分か法定耐用年数のどちらかが必要です",
            );
            None
        }
        (Some(text), explicit) => match useful_life::resolve(text) {
            Resolution::One(row) => Some(row.years),
            // With explicit years the category is only a label.
            _ if explicit.is_some() => None,
            other => {
                let reason = useful_life::unresolved_reason(&other, text)
                    .unwrap_or_else(|| "耐用年数区分を特定できません".to_string());
                cells.reject(asset::CATEGORY, reason);
                None
            }
        },
        _ => None,
    };
    let cost = cells.required(asset::COST, parse::yen);
    let acquired_on = cells.date(asset::ACQUIRED_ON);
    let disposed_on = cells.date(asset::DISPOSED_ON);
    let disposal_kind = cells.text(asset::DISPOSAL_KIND);
    let disposal_approved_on = cells.date(asset::DISPOSAL_APPROVED_ON);
    if !cells.errors.is_empty() {
        return None;
    }
    Some(Asset {
        application_id: application_id?,
        asset_id: asset_id?,
        name: name?,
        category,
        table_years,
        explicit_years,
        cost: cost?,
        acquired_on,
        disposed_on,
        disposal_kind,
        disposal_approved_on,
        origin: cells.origin(),
    })
}

/// What a rejected 雇用状況報告 row still tells: its 申請番号, and its 報告年度
/// and 受付日 where they read. `None` when the row was accepted or names no
/// application; every error of the row then says what the rejection does.
pub(crate) fn rejected_report(cells: &mut Cells<'_>) -> Option<RejectedReport> {
    if cells.errors.is_empty() {
        return None;
    }
    let held = cells.id(report::APPLICATION_ID).map(|application_id| {
        let raw = |c| cells.raw(c);
        RejectedReport {
            application_id,
            report_fy: parse::fiscal_year(raw(report::REPORT_FY)).ok(),
            received_on: parse::date(raw(report::RECEIVED_ON)).ok(),
            origin: cells.origin(),
        }
    });
    let effect = match &held {
        Some(r) => format!(
            "この報告は届いている可能性があるため、申請番号{}の{}の督促メールを保留しています（行を直すまで送りません）",
            r.application_id,
            r.report_fy
                .map(|fy| format!("{}の報告", crate::calendar::fy_label(fy)))
                .unwrap_or_else(|| "未受付の報告すべて".to_string())
        ),
        None => "申請番号が読めないため受付に数えていません。該当する報告は未提出として督促されることがあります".to_string(),
    };
    for e in &mut cells.errors {
        e.effect.clone_from(&effect);
    }
    cells.tag_errors(report::APPLICATION_ID, None);
    held
}

/// One row of 雇用状況報告.
pub(crate) fn employment_report(cells: &mut Cells<'_>) -> Option<EmploymentReport> {
    let application_id = cells.required_id(report::APPLICATION_ID);
    let report_fy: Option<FiscalYear> = cells.required(report::REPORT_FY, parse::fiscal_year);
    let received_on = cells.required_date(report::RECEIVED_ON);
    let hires_women = cells.count(report::HIRES_WOMEN);
    let hires_disabled = cells.count(report::HIRES_DISABLED);
    if !cells.errors.is_empty() {
        return None;
    }
    Some(EmploymentReport {
        application_id: application_id?,
        report_fy: report_fy?,
        received_on: received_on?,
        hires_women,
        hires_disabled,
        origin: cells.origin(),
    })
}

/// One row of 予算.
pub(crate) fn budget(cells: &mut Cells<'_>, catalogue: &Catalogue) -> Option<Budget> {
    let fy = cells.required(budget::FY, parse::fiscal_year);
    let program = program(cells, catalogue, budget::PROGRAM);
    let amount = cells.required(budget::AMOUNT, parse::yen);
    if !cells.errors.is_empty() {
        return None;
    }
    Some(Budget {
        fy: fy?,
        program: program?.1.name.to_string(),
        amount: amount?,
        origin: cells.origin(),
    })
}
