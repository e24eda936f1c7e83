//! Writes the benchmark inputs under bench/ (see BENCHMARKS.md):
//!
//!     cargo run --release --example bench_make_large -- [N|sparse]...   (default: 100000)
//!
//! For each N: `bench/data/apps_N.xlsx` (a 申請一覧 sheet of N applications in the
//! contract's columns), the same rows as `bench/data/apps_N.csv`, and a job file
//! `bench/jobs/apps_N.toml` that reads only the applications. `sparse` writes
//! `bench/data/sparse.xlsx`: the header, 10 rows and one stray cell at XFD1048576, the
//! export that must not make a reader allocate a dense 16,384 × 1,048,576 grid.
//!
//! Row i depends only on i (a fixed-seed hash), so the files are deterministic and the
//! 10,000-row file is the first 10,000 rows of the 100,000-row one. The amounts follow
//! the shipped catalogue (2/3, 1,000円未満切り捨て, caps 80万円 and 20万円), so a run
//! spends its time on reading and reporting, not on thousands of 要確認 rows.
//!
//! The crate enables no `constant_memory` feature of rust_xlsxwriter (Cargo.toml is not
//! the benchmark's to change), so the sheet is built in memory before it is saved;
//! bench/run.sh prints how long that takes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Days, NaiveDate};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

const HEADERS: [&str; 13] = [
    "申請番号",
    "制度",
    "区分",
    "事業者名",
    "法人番号",
    "申請日",
    "交付決定日",
    "事業完了日",
    "補助対象経費",
    "交付決定額",
    "確定額",
    "状態",
    "メールアドレス",
];

const SHEET: &str = "申請一覧";
const DIVERSITY: &str = "ダイバーシティ経営推進補助金";
const ORDERS: &str = "中小企業受注拡大支援補助金";

/// Companies that apply for 受注拡大 (several times each, across FYs).
const ORDER_COMPANIES: u64 = 100_000;

/// One application, as the export holds it.
#[derive(Debug)]
struct App {
    id: String,
    program: &'static str,
    company: String,
    email: String,
    applied: NaiveDate,
    decided: Option<NaiveDate>,
    completed: Option<NaiveDate>,
    cost: i64,
    decided_amount: Option<i64>,
    final_amount: Option<i64>,
    status: &'static str,
}

/// splitmix64: a fixed, dependency-free hash so row i is the same in every file.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small stream of draws for one row.
struct Draws(u64);

impl Draws {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = mix(self.0);
        self.0 % n
    }
}

/// truncate(cost × 2/3, 1,000円), then the cap: both benchmark programs' rule.
fn two_thirds(cost: i64, cap: i64) -> i64 {
    (cost * 2 / 3 / 1_000 * 1_000).min(cap)
}

fn plus_days(d: NaiveDate, n: u64) -> Result<NaiveDate> {
    d.checked_add_days(Days::new(n))
        .context("date out of range")
}

/// Application i (0-based). Diversity applications each have their own company (the
/// 要綱 allows one per establishment); 受注拡大 companies apply repeatedly.
fn app(i: u64) -> Result<App> {
    let mut r = Draws(i ^ 0x686F_6A6F_6B69_6E00);
    let diversity = r.below(2) == 0;
    let company = if diversity {
        i
    } else {
        1_000_000 + r.below(ORDER_COMPANIES)
    };
    let fy = 2019 + i32::try_from(r.below(5))?;
    let april = NaiveDate::from_ymd_opt(fy, 4, 1).context("bad FY")?;
    // Applied by late September, decided within 6 weeks, completed within 3 months:
    // every project ends before February, as the diversity 要綱 requires.
    let applied = plus_days(april, r.below(180))?;
    let status = match r.below(100) {
        0..10 => "申請中",
        10..13 => "不交付",
        13..15 => "取下げ",
        15..55 => "交付決定",
        _ => "確定",
    };
    let (cost, cap) = if diversity {
        (100_000 + i64::try_from(r.below(1_400_000))?, 800_000)
    } else {
        (30_000 + i64::try_from(r.below(570_000))?, 200_000)
    };
    let granted = matches!(status, "交付決定" | "確定");
    let decided = if granted {
        Some(plus_days(applied, 14 + r.below(30))?)
    } else {
        None
    };
    let completed = match (status, decided) {
        ("確定", Some(d)) => Some(plus_days(d, 30 + r.below(60))?),
        _ => None,
    };
    let amount = two_thirds(cost, cap);
    Ok(App {
        id: format!("BN{:07}", i + 1),
        program: if diversity { DIVERSITY } else { ORDERS },
        company: format!("株式会社ベンチ{company:07}"),
        email: format!("bench{company:07}@example.jp"),
        applied,
        decided,
        completed,
        cost,
        decided_amount: granted.then_some(amount),
        final_amount: (status == "確定").then_some(amount),
        status,
    })
}

struct Formats {
    date: Format,
    yen: Format,
    bold: Format,
}

fn workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    let created = NaiveDate::from_ymd_opt(2024, 4, 25).context("date")?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(wb)
}

fn write_header(ws: &mut Worksheet, f: &Formats) -> Result<()> {
    for (col, name) in (0u16..).zip(HEADERS) {
        ws.write_string_with_format(0, col, name, &f.bold)?;
    }
    Ok(())
}

fn write_date(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    d: Option<NaiveDate>,
) -> Result<()> {
    if let Some(d) = d {
        ws.write_date_with_format(row, col, d, &f.date)?;
    }
    Ok(())
}

/// Whole yen below 2^53 are exact as doubles, which is how Excel stores them.
fn write_yen(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, v: Option<i64>) -> Result<()> {
    if let Some(v) = v {
        ws.write_number_with_format(row, col, v as f64, &f.yen)?;
    }
    Ok(())
}

/// Writes application `a` into 0-based `row`; 区分 and 法人番号 stay blank.
fn write_app(ws: &mut Worksheet, f: &Formats, row: u32, a: &App) -> Result<()> {
    ws.write_string(row, 0, &a.id)?;
    ws.write_string(row, 1, a.program)?;
    ws.write_string(row, 3, &a.company)?;
    write_date(ws, f, row, 5, Some(a.applied))?;
    write_date(ws, f, row, 6, a.decided)?;
    write_date(ws, f, row, 7, a.completed)?;
    write_yen(ws, f, row, 8, Some(a.cost))?;
    write_yen(ws, f, row, 9, a.decided_amount)?;
    write_yen(ws, f, row, 10, a.final_amount)?;
    ws.write_string(row, 11, a.status)?;
    ws.write_string(row, 12, &a.email)?;
    Ok(())
}

/// A 申請一覧 workbook with applications 0..n and, when `stray` is set, one more cell.
fn write_xlsx(path: &Path, n: u64, stray: bool) -> Result<()> {
    let f = Formats {
        date: Format::new().set_num_format("yyyy/m/d"),
        yen: Format::new().set_num_format("#,##0"),
        bold: Format::new().set_bold(),
    };
    let mut wb = workbook()?;
    let ws = wb.add_worksheet().set_name(SHEET)?;
    write_header(ws, &f)?;
    for i in 0..n {
        write_app(ws, &f, u32::try_from(i + 1)?, &app(i)?)?;
    }
    if stray {
        // XFD1048576: the last cell Excel allows.
        ws.write_string(1_048_575, 16_383, "メモ")?;
    }
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn ymd(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y/%m/%d").to_string())
        .unwrap_or_default()
}

fn yen(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The same rows as UTF-8 CSV, dates as 2022/05/20 and amounts as plain numbers.
fn write_csv(path: &Path, n: u64) -> Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    w.write_record(HEADERS)?;
    for i in 0..n {
        let a = app(i)?;
        w.write_record([
            a.id,
            a.program.to_string(),
            String::new(),
            a.company,
            String::new(),
            ymd(Some(a.applied)),
            ymd(a.decided),
            ymd(a.completed),
            a.cost.to_string(),
            yen(a.decided_amount),
            yen(a.final_amount),
            a.status.to_string(),
            a.email,
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// A job that reads only the applications and writes its report to bench/out/.
fn write_job(path: &Path, name: &str, n: u64) -> Result<()> {
    let text = format!(
        "# ベンチマーク用ジョブ（bench_make_large が生成）: 申請 {n} 件だけを読み、集計表を bench/out/ に書く。\n\
         description = \"ベンチマーク: 申請 {n} 件\"\n\
         \n\
         [inputs.applications]\n\
         path = \"../data/{name}.xlsx\"\n\
         sheet = \"{SHEET}\"\n\
         \n\
         [report]\n\
         path = \"../out/{name}-{{as_of}}.xlsx\"\n"
    );
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
            write_xlsx(&path, 10, true)?;
            println!("wrote {}", path.display());
            continue;
        }
        let n: u64 = arg
            .parse()
            .with_context(|| format!("not a row count: {arg}"))?;
        if n == 0 || n > 1_048_575 {
            bail!("N must be 1..=1048575 (one sheet holds 1,048,576 rows with the header)");
        }
        let name = format!("apps_{n}");
        write_xlsx(&data.join(format!("{name}.xlsx")), n, false)?;
        write_csv(&data.join(format!("{name}.csv")), n)?;
        write_job(&jobs.join(format!("{name}.toml")), &name, n)?;
        println!(
            "wrote {}/{name}.xlsx, .csv and jobs/{name}.toml",
            data.display()
        );
    }
    Ok(())
}
