//! fixtures/broken: files no reader can trust, which must give exit status 2 or a clear
//! error, never a panic or an endless read.

use std::path::Path;

use anyhow::Result;

use crate::cells::{Formats, workbook, write_header, write_row};
use crate::data::APP_HEADERS;
use crate::exports::APP_YEN;
use crate::twins::{clean_xlsx, first_record_cells};

/// Size of random.xlsx.
const RANDOM_LEN: usize = 4096;

/// Fixed seed, so random.xlsx is the same on every run.
const SEED: u64 = 0x2024_0425_0000_0001;

pub(crate) fn write(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("random.xlsx"), random_bytes(SEED, RANDOM_LEN))?;
    let valid = clean_xlsx()?;
    std::fs::write(dir.join("truncated.xlsx"), &valid[..valid.len() / 2])?;
    std::fs::write(dir.join("empty.xlsx"), [])?;
    write_sparse(&dir.join("sparse.xlsx"))
}

/// xorshift64 (Marsaglia 2003: shifts 13, 7, 17); any non-zero seed works.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A valid 申請一覧 with one row, plus a stray cell in the sheet's very last cell: a reader
/// that builds a dense grid up to the used range would allocate 2^20 × 2^14 cells.
fn write_sparse(path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let f = Formats::new();
    let ws = wb.add_worksheet().set_name("申請一覧")?;
    write_header(ws, &f, 0, &APP_HEADERS)?;
    write_row(ws, &f, 1, &first_record_cells()?, &APP_YEN)?;
    // XFD1048576: the last row and column Excel allows (0-based).
    ws.write_string(1_048_575, 16_383, "x")?;
    wb.save(path)?;
    Ok(())
}
