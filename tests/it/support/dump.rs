//! A workbook as text, one line per non-empty cell (`SHEET!A1 TYPE value`),
//! so two runs' workbooks can be compared cell by cell: tests/it/golden.rs pins
//! the fixtures' nights with it, tests/it/scale_unchanged.rs a 10,000-row export.

use std::fmt::Write as _;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

/// Every sheet, every non-empty cell, as `SHEET!A1 TYPE value` lines.
pub(crate) fn dump_workbook(path: &Path, sandbox: &Path) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        writeln!(out, "== sheet {name}").unwrap();
        let range = wb.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        // 通知's 日時 column, found by its header wherever the sheet puts it.
        let clock_col = range
            .rows()
            .next()
            .and_then(|header| header.iter().position(|c| *c == "日時"))
            .map(|c| c0 as usize + c);
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (kind, value) = match cell {
                    Data::Empty => continue,
                    Data::String(s) => ("S", s.clone()),
                    Data::Float(f) => ("N", f.to_string()),
                    Data::Int(i) => ("N", i.to_string()),
                    Data::Bool(b) => ("B", b.to_string()),
                    Data::DateTime(d) => ("D", d.as_f64().to_string()),
                    Data::DateTimeIso(s) => ("D", s.clone()),
                    Data::DurationIso(s) => ("T", s.clone()),
                    Data::Error(e) => ("E", format!("{e:?}")),
                };
                let (row, col) = (r0 as usize + r, c0 as usize + c);
                // 通知's 日時 is when the mail was handled: the wall clock.
                let clock = name == "通知"
                    && Some(col) == clock_col
                    && row > 0
                    && (kind != "S" || looks_like_a_time(&value));
                let value = if clock {
                    "<clock>".to_string()
                } else {
                    normalise(&value, sandbox)
                };
                writeln!(out, "{} {kind} {value}", a1(row, col)).unwrap();
            }
        }
    }
    out
}

/// `2026-12-01 18:48:35`, as 通知 writes its 日時 as text.
fn looks_like_a_time(s: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").is_ok()
}

fn a1(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The sandbox's temporary path is the one thing that differs between runs.
pub(crate) fn normalise(s: &str, sandbox: &Path) -> String {
    let mut s = s.replace(&sandbox.display().to_string(), "<sandbox>");
    if let Ok(canonical) = sandbox.canonicalize() {
        s = s.replace(&canonical.display().to_string(), "<sandbox>");
    }
    s.replace('\n', "\\n")
}
