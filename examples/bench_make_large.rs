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

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Days, NaiveDate};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet};

const APP_HEADERS: [&str; 14] = [
    "申請番号",
    "制度",
    "区分",
    "事業者名",
    "法人番号",
    "事業所所在地",
    "メールアドレス",
    "申請日",
    "交付決定日",
    "事業完了日",
    "補助対象経費",
    "交付決定額",
    "確定額",
    "状態",
];
const ASSET_HEADERS: [&str; 10] = [
    "申請番号",
    "財産番号",
    "財産名",
    "耐用年数区分",
    "法定耐用年数",
    "取得価額",
    "取得日",
    "処分日",
    "処分の種類",
    "処分承認日",
];
const REPORT_HEADERS: [&str; 5] = [
    "申請番号",
    "報告年度",
    "受付日",
    "新規採用者数（女性）",
    "新規採用者数（障がい者）",
];
const BUDGET_HEADERS: [&str; 3] = ["年度", "制度", "予算額"];

const APPS: &str = "申請一覧";
const ASSETS: &str = "取得財産";
const REPORTS: &str = "雇用状況報告";
const BUDGETS: &str = "予算";
const DIVERSITY: &str = "ダイバーシティ経営推進補助金";
const ORDERS: &str = "中小企業受注拡大支援補助金";

/// The 14 programs of the fixture's 予算 sheet, with a yearly budget each.
const BUDGET_PROGRAMS: [(&str, i64); 14] = [
    ("中小企業強靭化推進補助金", 30_000_000),
    (ORDERS, 2_000_000),
    (DIVERSITY, 5_000_000),
    ("中小企業活性化事業補助金", 3_000_000),
    ("ものづくり人材育成補助金", 1_000_000),
    ("技能検定支援補助金", 500_000),
    ("綾瀬ブランド新商品開発支援事業補助金", 3_000_000),
    ("ものづくり技術発信事業補助金", 2_000_000),
    ("あやせ工業団地オープンファクトリー補助金", 1_000_000),
    ("中小企業信用保証料補助金", 2_000_000),
    ("中小企業融資利子補給金", 4_000_000),
    ("マル経融資利子補給金", 1_000_000),
    ("中小企業退職金共済制度奨励補助金", 1_500_000),
    ("企業立地奨励金", 50_000_000),
];

/// Useful-life rows the shipped table resolves, with their years.
const CATEGORIES: [(&str, &str, u32); 3] = [
    (
        "多目的トイレ給排水設備",
        "給排水又は衛生設備及びガス設備",
        15,
    ),
    ("車いす用エレベーター", "エレベーター", 17),
    ("手すり・スロープ", "給排水又は衛生設備及びガス設備", 15),
];

/// Companies that apply for 受注拡大 (several times each, across FYs).
const ORDER_COMPANIES: u64 = 20_000;

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

/// A cell as the export writes it.
enum Cell {
    Blank,
    Text(String),
    Date(NaiveDate),
    Yen(i64),
    Int(i64),
}

/// A date in one of the forms exports use: mostly a date cell, else text.
fn date_cell(d: NaiveDate, r: &mut Draws) -> Cell {
    match r.below(20) {
        0..=13 => Cell::Date(d),
        14..=16 => Cell::Text(wareki(d)),
        17..=18 => Cell::Text(format!(
            "{}{}.{}.{}",
            era(d).1,
            era_year(d),
            d.month(),
            d.day()
        )),
        _ => Cell::Text(format!("{}/{}/{}", d.year(), d.month(), d.day())),
    }
}

/// (name, letter, first day) of the era holding `d` (平成 or 令和: the inputs are 2005–2026).
fn era(d: NaiveDate) -> (&'static str, &'static str, i32) {
    if d >= NaiveDate::from_ymd_opt(2019, 5, 1).unwrap_or_default() {
        ("令和", "R", 2018)
    } else {
        ("平成", "H", 1988)
    }
}

fn era_year(d: NaiveDate) -> i32 {
    d.year() - era(d).2
}

/// 令和4年5月20日 (令和元年 for the first year).
fn wareki(d: NaiveDate) -> String {
    let y = era_year(d);
    let year = if y == 1 {
        "元".to_string()
    } else {
        y.to_string()
    };
    format!("{}{year}年{}月{}日", era(d).0, d.month(), d.day())
}

fn grouped(v: i64) -> String {
    let digits = v.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Full-width digits and comma: 1,234 → １，２３４.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            ',' => '，',
            other => other,
        })
        .collect()
}

/// Yen in one of the forms exports use: mostly a number, else text.
fn yen_cell(v: i64, r: &mut Draws) -> Cell {
    match r.below(10) {
        0..=7 => Cell::Yen(v),
        8 => Cell::Text(format!("{}円", full_width(&grouped(v)))),
        _ => Cell::Text(format!("¥{}", grouped(v))),
    }
}

/// The 法人番号 check digit: 9 − (Σ Pᵢ×Qᵢ mod 9), Pᵢ the i-th digit of the 12-digit base
/// from the right, Qᵢ = 1 for odd i and 2 for even i.
fn corporate_number(base: u64) -> String {
    let base = format!("{:012}", base % 1_000_000_000_000);
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

fn plus_days(d: NaiveDate, n: u64) -> Result<NaiveDate> {
    d.checked_add_days(Days::new(n))
        .context("date out of range")
}

/// truncate(cost × 2/3, 1,000円), then the cap: both benchmark programs' rule.
fn two_thirds(cost: i64, cap: i64) -> i64 {
    (cost * 2 / 3 / 1_000 * 1_000).min(cap)
}

/// Application i (0-based), with what the other sheets need of it.
struct App {
    cells: Vec<Cell>,
    diversity: bool,
    status: &'static str,
    decided: Option<NaiveDate>,
    completed: Option<NaiveDate>,
}

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
    let mut status = match r.below(100) {
        0..10 => "申請中",
        10..13 => "不交付",
        13..15 => "取下げ",
        15..60 => "交付決定",
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
    let mut amount = two_thirds(cost, cap);
    if r.below(100) == 0 {
        amount += 1_000; // over the rules: a 要確認 row, not a rejection
    }
    // 法人番号: a third of the companies give one, always with a valid check digit.
    let corp = if mix(company ^ 0xC0).is_multiple_of(3) {
        Cell::Text(corporate_number(mix(company)))
    } else {
        Cell::Blank
    };
    let mut applied_cell = date_cell(applied, &mut r);
    let mut cost_cell = yen_cell(cost, &mut r);
    // About 0.5 %: a value no reader may accept, so the row is rejected.
    if r.below(200) == 0 {
        match r.below(3) {
            0 => {
                applied_cell = Cell::Text(format!("令和{}年13月5日", fy - 2018));
            }
            1 => cost_cell = Cell::Text(format!("-{}", grouped(cost))),
            _ => status = "保留",
        }
    }
    let opt_date = |d: Option<NaiveDate>, r: &mut Draws| d.map_or(Cell::Blank, |d| date_cell(d, r));
    let decided_cell = opt_date(decided, &mut r);
    let completed_cell = opt_date(completed, &mut r);
    let decided_amount = if granted {
        yen_cell(amount, &mut r)
    } else {
        Cell::Blank
    };
    let final_amount = if status == "確定" {
        yen_cell(amount, &mut r)
    } else {
        Cell::Blank
    };
    let cells = vec![
        Cell::Text(format!("BN{:07}", i + 1)),
        Cell::Text((if diversity { DIVERSITY } else { ORDERS }).to_string()),
        Cell::Blank,
        Cell::Text(format!("株式会社ベンチ{company:07}")),
        corp,
        if diversity {
            Cell::Text(format!("神奈川県綾瀬市深谷中{}丁目{}番", 1 + i % 9, i))
        } else {
            Cell::Blank
        },
        Cell::Text(format!("bench{company:07}@example.jp")),
        applied_cell,
        decided_cell,
        completed_cell,
        cost_cell,
        decided_amount,
        final_amount,
        Cell::Text(status.to_string()),
    ];
    Ok(App {
        cells,
        diversity,
        status,
        decided,
        completed,
    })
}

/// The 取得財産 row of application i, when it has one (a 確定 diversity application).
fn asset(i: u64, a: &App, serial: u64) -> Option<Vec<Cell>> {
    if !(a.diversity && a.status == "確定") {
        return None;
    }
    let completed = a.completed?;
    let mut r = Draws(i ^ 0x4153_5345_5400);
    let (name, category, years) = CATEGORIES[usize::try_from(r.below(3)).ok()?];
    let acquired = if r.below(2) == 0 {
        date_cell(completed, &mut r)
    } else {
        Cell::Blank // default: the application's 事業完了日
    };
    let cost = i64::try_from(150_000 + r.below(1_800_000)).ok()?;
    let (disposed, kind, approved) = if r.below(20) == 0 {
        let on = completed.checked_add_days(Days::new(200 + r.below(2_000)))?;
        let approved = if r.below(2) == 0 {
            date_cell(on.checked_sub_days(Days::new(10))?, &mut r)
        } else {
            Cell::Blank
        };
        (
            date_cell(on, &mut r),
            Cell::Text((if r.below(2) == 0 { "廃棄" } else { "譲渡" }).to_string()),
            approved,
        )
    } else {
        (Cell::Blank, Cell::Blank, Cell::Blank)
    };
    Some(vec![
        Cell::Text(format!("BN{:07}", i + 1)),
        Cell::Text(format!("Z-{serial:07}")),
        Cell::Text(name.to_string()),
        Cell::Text(category.to_string()),
        if r.below(3) == 0 {
            Cell::Int(i64::from(years))
        } else {
            Cell::Blank
        },
        yen_cell(cost, &mut r),
        acquired,
        disposed,
        kind,
        approved,
    ])
}

/// The received 雇用状況報告 rows of application i: reports are due in April of the two FYs
/// after the decision's; a share of those whose April is before the as-of date came in.
fn reports(i: u64, a: &App) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    let Some(decided) = a.decided else {
        return out;
    };
    if !a.diversity {
        return out;
    }
    let fy = if decided.month() >= 4 {
        decided.year()
    } else {
        decided.year() - 1
    };
    let mut r = Draws(i ^ 0x5245_504F_5254);
    for (k, share) in [(1, 25), (2, 17)] {
        let due_fy = fy + k;
        if due_fy > 2024 || r.below(100) >= share {
            continue;
        }
        let Some(received) = NaiveDate::from_ymd_opt(due_fy, 4, 1)
            .and_then(|d| d.checked_add_days(Days::new(r.below(45))))
        else {
            continue;
        };
        let label = match r.below(3) {
            0 => format!("令和{}年度", due_fy - 2018),
            1 => format!("{due_fy}年度"),
            _ => due_fy.to_string(),
        };
        out.push(vec![
            Cell::Text(format!("BN{:07}", i + 1)),
            Cell::Text(label),
            date_cell(received, &mut r),
            Cell::Int(i64::try_from(r.below(3)).unwrap_or(0)),
            Cell::Int(i64::try_from(r.below(2)).unwrap_or(0)),
        ]);
    }
    out
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

fn write_header(ws: &mut Worksheet, f: &Formats, headers: &[&str]) -> Result<()> {
    for (col, name) in (0u16..).zip(headers) {
        ws.write_string_with_format(0, col, *name, &f.bold)?;
    }
    Ok(())
}

fn write_cells(ws: &mut Worksheet, f: &Formats, row: u32, cells: &[Cell]) -> Result<()> {
    for (col, cell) in (0u16..).zip(cells) {
        match cell {
            Cell::Blank => {}
            Cell::Text(s) => {
                ws.write_string(row, col, s)?;
            }
            Cell::Date(d) => {
                ws.write_date_with_format(row, col, d, &f.date)?;
            }
            // Whole yen below 2^53 are exact as doubles, which is how Excel stores them.
            Cell::Yen(v) => {
                ws.write_number_with_format(row, col, *v as f64, &f.yen)?;
            }
            Cell::Int(v) => {
                ws.write_number(row, col, *v as f64)?;
            }
        }
    }
    Ok(())
}

/// The city-shaped workbook of n applications; returns the row counts of its four sheets.
pub fn write_city(path: &Path, n: u64) -> Result<[u64; 4]> {
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
    write_header(ws, &f, &BUDGET_HEADERS)?;
    let mut row = 1u32;
    for fy in 2020..=2023 {
        for (program, budget) in BUDGET_PROGRAMS {
            let label = match row % 3 {
                0 => format!("令和{}年度", fy - 2018),
                1 => format!("{fy}年度"),
                _ => fy.to_string(),
            };
            let cells = [
                Cell::Text(label),
                Cell::Text(program.to_string()),
                Cell::Yen(budget * i64::try_from(n.div_ceil(1_000))?),
            ];
            write_cells(ws, &f, row, &cells)?;
            row += 1;
        }
    }
    wb.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok([
        n,
        assets.len() as u64,
        received.len() as u64,
        u64::from(row - 1),
    ])
}

/// A 申請一覧 sheet of 10 rows plus one cell at XFD1048576.
fn write_sparse(path: &Path) -> Result<()> {
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

/// A job that reads the four sheets and writes its report to bench/out/ (no mail).
pub fn write_job(path: &Path, name: &str, n: u64) -> Result<()> {
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
            write_sparse(&path)?;
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
