//! `bench/data/sparse.xlsx`: the header, 10 rows and one stray cell at XFD1048576, the export
//! that must not make a reader allocate a dense 16,384 × 1,048,576 grid.

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::Format;

use super::applications::{APP_HEADERS, APPS, app};
use super::sheet::{Formats, workbook, write_cells, write_header};

/// A 申請一覧 sheet of 10 rows plus one cell at XFD1048576.
pub(crate) fn write(path: &Path) -> Result<()> {
    let f = Formats {
        date: Format::new().set_num_format("yyyy/m/d"),
        yen: Format::new().set_num_format("#,##0"),
        bold: Format::new().set_bold(),
    };
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name(APPS)?;
    write_header(ws, &f, &APP_HEADERS)?;
    for i in 0..10 {
        write_cells(ws, &f, u32::try_from(i + 1)?, &app(i)?.cells)?;
    }
    // XFD1048576: the last cell Excel allows.
    ws.write_string(1_048_575, 16_383, "メモ")?;
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
