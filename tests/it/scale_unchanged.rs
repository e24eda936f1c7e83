//! The workbook of a 10,000-application export, pinned cell by cell: the
//! data path's optimisations (issue 10) must not change a single output.
//!
//! The input is the benchmark's own generator (examples/bench_make_large/,
//! deterministic: row i depends only on i) at 10,000 applications, all four
//! sheets, with its value forms (和暦 strings, date cells, yen as numbers and
//! as text, repeat companies, rejected rows). The dump of every cell of every
//! sheet (tests/it/support/dump.rs) is about 274,000 lines, too large to keep in
//! the repository, so tests/golden/scale-10000.txt keeps, per sheet, its
//! number of cells and the SHA-256 of its dump, blessed from the code before
//! the optimisations. On a difference the whole dump is written to
//! `target/scale-10000.dump.txt`; `HOJOKIN_BLESS=1` re-blesses (only for a
//! change that means to alter an output), and running the test on the old
//! commit with `HOJOKIN_SCALE_DUMP=FILE` writes its dump for a diff.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../../examples/bench_make_large/main.rs"]
mod generator;

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

const N: u64 = 10_000;

/// `sheet cells sha256` per sheet, in tab order.
fn digest(dump: &str) -> String {
    let mut out = String::new();
    let mut sheets: Vec<(String, Vec<&str>)> = Vec::new();
    for line in dump.lines() {
        if let Some(name) = line.strip_prefix("== sheet ") {
            sheets.push((name.to_string(), Vec::new()));
        } else if let Some((_, lines)) = sheets.last_mut() {
            lines.push(line);
        }
    }
    for (name, lines) in sheets {
        let mut h = Sha256::new();
        for l in &lines {
            h.update(l.as_bytes());
            h.update(b"\n");
        }
        writeln!(out, "{name} {} {}", lines.len(), hex::encode(h.finalize())).unwrap();
    }
    out
}

#[test]
fn a_ten_thousand_row_export_gives_the_same_workbook_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["data", "jobs", "out"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let name = format!("city_{N}");
    let counts = generator::write_city(&root.join(format!("data/{name}.xlsx")), N).unwrap();
    assert_eq!(counts[0], 10_000, "申請一覧 rows");
    generator::write_job(&root.join(format!("jobs/{name}.toml")), &name, N).unwrap();

    crate::support::bin::Hojokin::new(root)
        .args(["run", &format!("jobs/{name}.toml"), "--as-of", "2024-04-25"])
        .arg_db(&root.join("state.db"))
        .expect(1);
    let report = root.join(format!("out/{name}-2024-04-25.xlsx"));
    let dump = crate::support::dump::dump_workbook(&report, root);
    if let Some(path) = std::env::var_os("HOJOKIN_SCALE_DUMP") {
        std::fs::write(path, &dump).unwrap();
    }
    let got = digest(&dump);

    let golden = crate::support::repo().join("tests/golden/scale-10000.txt");
    if std::env::var_os("HOJOKIN_BLESS").is_some() {
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    if want != got {
        let keep = crate::support::repo().join("target/scale-10000.dump.txt");
        std::fs::write(&keep, &dump).unwrap();
        panic!(
            "the 10,000-row workbook differs from {}:\n--- golden\n{want}--- now\n{got}\
             (the whole dump is in {})",
            golden.display(),
            keep.display()
        );
    }
}
