//! Writes the benchmark inputs under bench/ (see BENCHMARKS.md):
//!
//!     cargo run --release --example bench_make_large -- [N|sparse]...   (default: 100000)
//!
//! For each N: `bench/data/city_N.xlsx`, ONE workbook shaped like the city's export, and a job
//! file `bench/jobs/city_N.toml` that reads its four sheets (no `[email]`, report to bench/out/):
//!
//! - 申請一覧: N applications (14 columns), two programs (ダイバーシティ経営推進補助金, one
//!   company each; 中小企業受注拡大支援補助金, 20,000 repeat companies), FY2019–2023;
//! - 取得財産: one asset per 確定 diversity application (about N/5);
//! - 雇用状況報告: the received employment reports (about N/6);
//! - 予算: FY2020–2023 × the 14 programs of the fixture (56 rows).
//!
//! Value forms as exports carry them: dates are date cells in most rows and text in others
//! (令和4年5月20日, R4.5.20, 2022/5/20); yen are numbers in most rows and text in others
//! (１，２３４円, ¥1,234); a third of the companies give a 法人番号 with a valid check digit;
//! about 0.5 % of the applications are deliberately bad (a 13th month, a negative cost, an
//! unknown 状態) so they are rejected; about 1 % of the decided amounts exceed the rules.
//!
//! `sparse` writes `bench/data/sparse.xlsx`: the header, 10 rows and one stray cell at
//! XFD1048576, the export that must not make a reader allocate a dense 16,384 × 1,048,576 grid.
//!
//! Row i depends only on i (a fixed-seed hash), so the files are deterministic and every sheet
//! of the 10,000 file is a prefix of the 100,000 one's. The crate enables no `constant_memory`
//! feature of rust_xlsxwriter (Cargo.toml is not the benchmark's to change), so each sheet is
//! built in memory before it is saved; bench/run.sh prints how long that takes.
//!
//! One module per sheet (applications, assets, reports, budgets, sparse) on top of the draws,
//! the value forms and the sheet writer. The modules name each other through `super::`, not
//! `crate::`, because tests/it/scale_unchanged.rs includes this file as a module of its own crate.

mod applications;
mod assets;
mod budgets;
mod draws;
mod forms;
mod reports;
mod sheet;
mod sparse;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rust_xlsxwriter::Format;

use self::applications::{APP_HEADERS, APPS, app};
use self::assets::{ASSET_HEADERS, ASSETS, asset};
use self::budgets::BUDGETS;
use self::forms::Cell;
use self::reports::{REPORT_HEADERS, REPORTS, reports};
use self::sheet::{Formats, workbook, write_cells, write_header};

/// The city-shaped workbook of n applications; returns the row counts of its four sheets.
pub(crate) fn write_city(path: &Path, n: u64) -> Result<[u64; 4]> {
    let f = Formats {
        date: Format::new().set_num_format("yyyy/m/d"),
        yen: Format::new().set_num_format("#,##0"),
        bold: Format::new().set_bold(),
    };
    let mut wb = workbook()?;
    let mut assets: Vec<Vec<Cell>> = Vec::new();
    let mut received: Vec<Vec<Cell>> = Vec::new();
    {
        let ws = wb.add_worksheet().set_name(APPS)?;
        write_header(ws, &f, &APP_HEADERS)?;
        for i in 0..n {
            let a = app(i)?;
            write_cells(ws, &f, u32::try_from(i + 1)?, &a.cells)?;
            if let Some(row) = asset(i, &a, assets.len() as u64 + 1) {
                assets.push(row);
            }
            received.extend(reports(i, &a));
        }
    }
    for (name, headers, rows) in [
        (ASSETS, &ASSET_HEADERS[..], &assets),
        (REPORTS, &REPORT_HEADERS[..], &received),
    ] {
        let ws = wb.add_worksheet().set_name(name)?;
        write_header(ws, &f, headers)?;
        for (row, cells) in (1u32..).zip(rows.iter()) {
            write_cells(ws, &f, row, cells)?;
        }
    }
    let ws = wb.add_worksheet().set_name(BUDGETS)?;
    let budgets = budgets::write(ws, &f, n)?;
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok([n, assets.len() as u64, received.len() as u64, budgets])
}

/// A job that reads the four sheets and writes its report to bench/out/ (no mail).
pub(crate) fn write_job(path: &Path, name: &str, n: u64) -> Result<()> {
    let mut text = format!(
        "# ベンチマーク用ジョブ（bench_make_large が生成）: 申請 {n} 件の市の出力形式のブックを読み、\
         集計表を bench/out/ に書く。メールは送らない。\n\
         description = \"ベンチマーク: 申請 {n} 件\"\n"
    );
    for (input, sheet) in [
        ("applications", APPS),
        ("assets", ASSETS),
        ("employment_reports", REPORTS),
        ("budgets", BUDGETS),
    ] {
        text.push_str(&format!(
            "\n[inputs.{input}]\npath = \"../data/{name}.xlsx\"\nsheet = \"{sheet}\"\n"
        ));
    }
    text.push_str(&format!(
        "\n[report]\npath = \"../out/{name}-{{as_of}}.xlsx\"\n"
    ));
    let mut file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

fn main() -> Result<()> {
    let bench = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench");
    let data = bench.join("data");
    let jobs = bench.join("jobs");
    std::fs::create_dir_all(&data)?;
    std::fs::create_dir_all(&jobs)?;
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        args.push("100000".into());
    }
    for arg in args {
        if arg == "sparse" {
            let path = data.join("sparse.xlsx");
            sparse::write(&path)?;
            println!("wrote {}", path.display());
            continue;
        }
        let n: u64 = arg
            .parse()
            .with_context(|| format!("not a row count: {arg}"))?;
        if n == 0 || n > 1_048_575 {
            bail!("N must be 1..=1048575 (one sheet holds 1,048,576 rows with the header)");
        }
        let name = format!("city_{n}");
        let [apps, assets, reports, budgets] = write_city(&data.join(format!("{name}.xlsx")), n)?;
        write_job(&jobs.join(format!("{name}.toml")), &name, n)?;
        println!(
            "wrote {}/{name}.xlsx ({APPS} {apps}, {ASSETS} {assets}, {REPORTS} {reports}, \
             {BUDGETS} {budgets} rows) and jobs/{name}.toml",
            data.display()
        );
    }
    Ok(())
}
