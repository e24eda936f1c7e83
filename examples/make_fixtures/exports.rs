//! fixtures/exports: the city's nightly exports as the job reads them.

use std::path::Path;

use anyhow::{Result, anyhow};

use crate::cells::{
    Cell, DateFmt, Formats, corporate_number, cp932, csv_text, opt_iso, set_widths, workbook,
    write_header, write_row, wrong_corporate_number,
};
use crate::companies::{COMPANIES, Company, Corp};
use crate::data::{APP_HEADERS, App, applications};
use crate::ledger::{
    ASSET_HEADERS, ASSETS, BUDGET_FYS, BUDGET_HEADERS, BUDGETS, REPORT_HEADERS, REPORTS,
};

pub(crate) const TITLE: &str = "令和6年度 補助金申請一覧（綾瀬市 工業振興企業誘致課）";

/// 0-based row of the 申請一覧 header: a title row and a blank row stand above it.
pub(crate) const APP_HEADER_ROW: u32 = 2;

/// Columns of 申請一覧 written as yen (補助対象経費, 交付決定額, 確定額).
pub(crate) const APP_YEN: [usize; 3] = [11, 12, 13];

pub(crate) fn write(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut wb = workbook()?;
    let f = Formats::new();

    let ws = wb.add_worksheet().set_name("申請一覧")?;
    ws.write_string(0, 0, TITLE)?;
    write_header(ws, &f, APP_HEADER_ROW, &APP_HEADERS)?;
    for (i, app) in applications().iter().enumerate() {
        let row = APP_HEADER_ROW + 1 + u32::try_from(i)?;
        let co = COMPANIES
            .get(app.company)
            .ok_or_else(|| anyhow!("{}: no company {}", app.id, app.company))?;
        write_row(ws, &f, row, &app_cells(app, co, DateFmt::Slash)?, &APP_YEN)?;
    }
    set_widths(
        ws,
        &[
            10.0, 36.0, 24.0, 28.0, 15.0, 22.0, 12.0, 34.0, 11.0, 14.0, 11.0, 14.0, 12.0, 12.0,
        ],
    )?;
    ws.set_freeze_panes(APP_HEADER_ROW + 1, 0)?;

    let ws = wb.add_worksheet().set_name("取得財産")?;
    write_header(ws, &f, 0, &ASSET_HEADERS)?;
    for (i, a) in ASSETS.iter().enumerate() {
        let cells = [
            Cell::text(a.app),
            Cell::text(a.id),
            Cell::text(a.name),
            Cell::text(a.category),
            Cell::opt_int(a.years),
            Cell::Int(a.cost),
            Cell::date_or_text(a.acquired, DateFmt::Slash),
            Cell::date_or_text(a.disposed, DateFmt::Slash),
            Cell::text(a.kind),
            Cell::date_or_text(a.approved, DateFmt::Slash),
        ];
        write_row(ws, &f, 1 + u32::try_from(i)?, &cells, &[5])?;
    }
    set_widths(
        ws,
        &[10.0, 10.0, 26.0, 44.0, 12.0, 14.0, 11.0, 11.0, 10.0, 11.0],
    )?;

    let ws = wb.add_worksheet().set_name("予算")?;
    write_header(ws, &f, 0, &BUDGET_HEADERS)?;
    let mut row = 1;
    for fy in BUDGET_FYS {
        for (program, amount) in BUDGETS {
            let cells = [Cell::text(fy), Cell::text(program), Cell::Int(amount)];
            write_row(ws, &f, row, &cells, &[2])?;
            row += 1;
        }
    }
    set_widths(ws, &[12.0, 40.0, 14.0])?;

    wb.save(dir.join("applications.xlsx"))?;

    let mut rows = vec![REPORT_HEADERS.iter().map(|s| s.to_string()).collect()];
    rows.extend(
        REPORTS
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect()),
    );
    std::fs::write(dir.join("employment_reports.csv"), cp932(&csv_text(&rows))?)?;
    Ok(())
}

/// The cells of one application in [`APP_HEADERS`] order.
pub(crate) fn app_cells(app: &App, co: &Company, date_fmt: DateFmt) -> Result<Vec<Cell>> {
    let corp = match co.corp {
        Corp::None => Cell::Blank,
        Corp::Base(b) => Cell::Text(corporate_number(b)?),
        Corp::WrongCheck(b) => Cell::Text(wrong_corporate_number(b)?),
    };
    // Dates must be ISO unless deliberately mistyped (then written as text).
    for d in [app.applied, app.completed] {
        opt_iso(d)?;
    }
    Ok(vec![
        Cell::text(app.id),
        Cell::text(app.program),
        Cell::text(app.course),
        Cell::text(co.name),
        corp,
        Cell::text(co.address),
        Cell::text(co.contact),
        Cell::text(co.email),
        Cell::date_or_text(app.applied, date_fmt),
        Cell::date_or_text(app.decided, date_fmt),
        Cell::date_or_text(app.completed, date_fmt),
        Cell::Int(app.cost),
        Cell::opt_int(app.decided_amount),
        Cell::opt_int(app.final_amount),
        Cell::text(app.status),
        Cell::opt_int(app.members),
        Cell::opt_int(app.persons),
        Cell::opt_int(app.women),
        Cell::opt_int(app.disabled),
    ])
}
