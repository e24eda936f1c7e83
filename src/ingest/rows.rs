//! One sheet row into one typed record, or into the errors that reject it.
//!
//! A bad cell rejects its row, but every bad cell of that row is reported so
//! staff can fix the export in one go. Rules that need other rows (duplicate
//! ids, references to applications) live in [`super::crossrow`].

use chrono::NaiveDate;

use super::header::HeaderMap;
use super::parse;
use super::raw::Raw;
use super::source::{Row, a1};
use crate::compliance::useful_life::{self, Resolution};
use crate::model::{
    AppStatus, Application, Asset, Budget, EmploymentReport, FiscalYear, InputError, RowOrigin, Yen,
};
use crate::rules::Catalogue;

/// The sheet a row belongs to, for error references.
#[derive(Debug, Clone, Copy)]
pub struct SheetRef<'a> {
    pub file: &'a str,
    pub sheet: &'a str,
    pub header: &'a HeaderMap,
}

/// Reads the cells of one row by column name, collecting errors.
#[derive(Debug)]
pub struct Cells<'a> {
    at: SheetRef<'a>,
    row: &'a Row,
    pub errors: Vec<InputError>,
}

impl<'a> Cells<'a> {
    pub fn new(at: SheetRef<'a>, row: &'a Row) -> Self {
        let mut cells = Self {
            at,
            row,
            errors: Vec::new(),
        };
        // A value the reader could not trust (too long for a cell, a formula
        // without its result, an unreadable byte) rejects its row first;
        // later complaints about the same cell are then not repeated.
        for (column, col) in &at.header.columns {
            if let Some(reason) = row.get(*col).fault() {
                cells.reject(column, reason.to_string());
            }
        }
        cells
    }

    pub fn origin(&self) -> RowOrigin {
        RowOrigin {
            file: self.at.file.to_string(),
            sheet: self.at.sheet.to_string(),
            row: self.row.index + 1,
        }
    }

    /// The A1 reference of a column in this row; the row's first cell when
    /// the sheet has no such column.
    pub fn cell_ref(&self, column: &str) -> String {
        let col = self.at.header.col(column).unwrap_or(0);
        a1(self.row.index, col)
    }

    fn raw(&self, column: &str) -> &'a Raw {
        static EMPTY: Raw = Raw::Empty;
        match self.at.header.col(column) {
            Some(c) => self.row.get(c),
            None => &EMPTY,
        }
    }

    /// Records an error on `column` of this row.
    pub fn reject(&mut self, column: &str, reason: impl Into<String>) {
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
            column: column.to_string(),
            value,
            reason: reason.into(),
        });
    }

    pub fn is_blank(&self, column: &str) -> bool {
        self.raw(column).is_blank()
    }

    /// Optional text, trimmed.
    pub fn text(&self, column: &str) -> Option<String> {
        parse::text(self.raw(column))
    }

    /// Required text: blank is an error.
    pub fn required_text(&mut self, column: &str) -> Option<String> {
        let t = self.text(column);
        if t.is_none() {
            self.missing(column);
        }
        t
    }

    fn missing(&mut self, column: &str) {
        if self.at.header.col(column).is_some() {
            self.reject(column, format!("{column}が空です（必須項目）"));
        } else {
            self.reject(column, format!("{column}の列がありません（必須項目）"));
        }
    }

    /// Optional value: blank → None; unparseable → error and None.
    pub fn parsed<T>(&mut self, column: &str, f: fn(&Raw) -> Result<T, String>) -> Option<T> {
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
    pub fn required<T>(&mut self, column: &str, f: fn(&Raw) -> Result<T, String>) -> Option<T> {
        if self.is_blank(column) {
            self.missing(column);
            return None;
        }
        self.parsed(column, f)
    }

    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        self.parsed(column, parse::date)
    }

    pub fn yen(&mut self, column: &str) -> Option<Yen> {
        self.parsed(column, parse::yen)
    }

    pub fn count(&mut self, column: &str) -> Option<u32> {
        self.parsed(column, parse::count)
    }

    /// Marks a value that the row's 状態 requires but the export left blank.
    pub fn require_for_status<T>(&mut self, value: &Option<T>, column: &str, status: AppStatus) {
        if value.is_none() && self.is_blank(column) {
            self.reject(
                column,
                format!("状態が「{}」のときは{column}が必要です", status.label()),
            );
        }
    }
}

/// One row of 申請一覧.
pub fn application(cells: &mut Cells<'_>, catalogue: &Catalogue) -> Option<Application> {
    let id = cells.required_text("申請番号");
    let program = program(cells, catalogue);
    let course = course(cells, catalogue, program.as_deref());
    let company = cells.required_text("事業者名");
    let corporate_number = cells.parsed("法人番号", parse::corporate_number);
    let address = cells.text("事業所所在地");
    let contact = cells.text("担当者名");
    let email = cells.parsed("メールアドレス", parse::email);
    let applied_on = cells.required("申請日", parse::date);
    let decided_on = cells.date("交付決定日");
    let completed_on = cells.date("事業完了日");
    let eligible_cost = cells.required("補助対象経費", parse::yen);
    let decided_amount = cells.yen("交付決定額");
    let final_amount = cells.yen("確定額");
    let status = cells.required("状態", |raw| {
        let text = parse::text(raw).unwrap_or_default();
        AppStatus::parse(&parse::normalize(&text)).ok_or_else(|| {
            "状態は 申請中・交付決定・確定・不交付・取下げ・取消 のいずれかにしてください"
                .to_string()
        })
    });
    let members = cells.count("参画企業数");
    let persons = cells.count("対象人数");
    let persons_women = cells.count("対象人数（女性）");
    let persons_disabled = cells.count("対象人数（障がい者）");
    if let Some(status) = status {
        if matches!(
            status,
            AppStatus::Decided | AppStatus::Final | AppStatus::Cancelled
        ) {
            cells.require_for_status(&decided_on, "交付決定日", status);
        }
        if status.is_granted() {
            cells.require_for_status(&decided_amount, "交付決定額", status);
        }
        if status == AppStatus::Final {
            cells.require_for_status(&final_amount, "確定額", status);
        }
    }
    if !cells.errors.is_empty() {
        return None;
    }
    Some(Application {
        id: id?,
        program: program?,
        course,
        company: company?,
        corporate_number,
        address,
        contact,
        email,
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
        origin: cells.origin(),
    })
}

/// 制度: required, and known to the catalogue (by name or alias).
fn program(cells: &mut Cells<'_>, catalogue: &Catalogue) -> Option<String> {
    let name = cells.required_text("制度")?;
    let found = catalogue.canonical_program(&name).map(str::to_string);
    if found.is_none() {
        cells.reject(
            "制度",
            format!("制度「{name}」は制度一覧（カタログ）にありません"),
        );
    }
    found
}

/// 区分: required and checked when the program has courses.
fn course(cells: &mut Cells<'_>, catalogue: &Catalogue, program: Option<&str>) -> Option<String> {
    let given = cells.text("区分");
    let program = program?;
    if catalogue.courses(program).is_empty() {
        return given;
    }
    let Some(given) = given else {
        let list = catalogue.courses(program).join("・");
        cells.reject("区分", format!("{program}は区分（{list}）が必要です"));
        return None;
    };
    let found = catalogue
        .canonical_course(program, &given)
        .map(str::to_string);
    if found.is_none() {
        let list = catalogue.courses(program).join("・");
        cells.reject(
            "区分",
            format!("{program}の区分は {list} のいずれかにしてください"),
        );
    }
    found
}

/// One row of 取得財産. A blank 取得日 stays `None` here; the cross-row stage
/// fills it from the application's 事業完了日.
pub fn asset(cells: &mut Cells<'_>) -> Option<Asset> {
    let application_id = cells.required_text("申請番号");
    let asset_id = cells.required_text("財産番号");
    let name = cells.required_text("財産名");
    let category = cells.text("耐用年数区分");
    let explicit_years = cells.parsed("法定耐用年数", |raw| {
        parse::count(raw).and_then(|y| {
            if (1..=100).contains(&y) {
                Ok(y)
            } else {
                Err("法定耐用年数は1〜100年で指定してください".to_string())
            }
        })
    });
    let explicit_failed = explicit_years.is_none() && !cells.is_blank("法定耐用年数");
    let table_years = match (&category, explicit_years) {
        (None, None) if !explicit_failed => {
            cells.reject(
                "耐用年数区分",
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
                cells.reject("耐用年数区分", reason);
                None
            }
        },
        _ => None,
    };
    let cost = cells.required("取得価額", parse::yen);
    let acquired_on = cells.date("取得日");
    let disposed_on = cells.date("処分日");
    let disposal_kind = cells.text("処分の種類");
    let disposal_approved_on = cells.date("処分承認日");
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

/// One row of 雇用状況報告.
pub fn employment_report(cells: &mut Cells<'_>) -> Option<EmploymentReport> {
    let application_id = cells.required_text("申請番号");
    let report_fy: Option<FiscalYear> = cells.required("報告年度", parse::fiscal_year);
    let received_on = cells.required("受付日", parse::date);
    let hires_women = cells.count("新規採用者数（女性）");
    let hires_disabled = cells.count("新規採用者数（障がい者）");
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
pub fn budget(cells: &mut Cells<'_>, catalogue: &Catalogue) -> Option<Budget> {
    let fy = cells.required("年度", parse::fiscal_year);
    let program = program(cells, catalogue);
    let amount = cells.required("予算額", parse::yen);
    if !cells.errors.is_empty() {
        return None;
    }
    Some(Budget {
        fy: fy?,
        program: program?,
        amount: amount?,
        origin: cells.origin(),
    })
}
