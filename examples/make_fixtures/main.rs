//! Writes hojokin's test fixtures into ./fixtures (relative to the crate root):
//! `cargo run --example make_fixtures`.
//!
//! Everything is deterministic (fixed document dates, a fixed-seed PRNG), so the
//! committed files change only when this generator does. fixtures/README.md describes
//! what each file holds and what the job should make of it.

mod broken;
mod cells;
mod companies;
mod data;
mod exports;
mod ledger;
mod twins;

use std::path::PathBuf;

use anyhow::Result;

use crate::cells::{check_digit, iso};
use crate::companies::{COMPANIES, Corp};
use crate::data::applications;
use crate::exports::APP_HEADER_ROW;
use crate::ledger::{ASSETS, REPORT_STATUS};

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    exports::write(&root.join("exports"))?;
    twins::write(&root.join("twins"))?;
    broken::write(&root.join("broken"))?;
    print_summary()?;
    println!("wrote fixtures under {}", root.display());
    Ok(())
}

/// The expected results as Markdown tables, for fixtures/README.md and the tests.
fn print_summary() -> Result<()> {
    println!("## 申請一覧 (row: 申請番号 制度 区分 状態 → 算定額 判定)\n");
    println!(
        "| 行 | 申請番号 | 事業者名 | 制度 | 区分 | 状態 | 算定額 | 交付決定額 | 判定 | 計算 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (i, app) in applications().iter().enumerate() {
        let row = APP_HEADER_ROW + 2 + u32::try_from(i)?;
        println!(
            "| {row} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            app.id,
            app.company_name(),
            app.program,
            app.course,
            app.status,
            app.expect.map_or("—".into(), yen),
            app.decided_amount.map_or("—".into(), yen),
            app.verdict,
            app.note
        );
    }
    println!("\n## 法人番号\n");
    for co in COMPANIES {
        match co.corp {
            Corp::Base(b) => println!("- {}: {}{b}", co.name, check_digit(b)?),
            Corp::WrongCheck(b) => {
                println!(
                    "- {}: WRONG (right check digit {})",
                    co.name,
                    check_digit(b)?
                )
            }
            Corp::None => {}
        }
    }
    println!("\n## 取得財産 (expected 財産処分制限)\n");
    println!(
        "| 行 | 申請番号 | 財産番号 | 財産名 | 年数 | 取得日 | 制限期間終了日 | 状況 | 返還額 | 備考 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (i, a) in ASSETS.iter().enumerate() {
        let (years, acquired, end, state, refund, note) = a.expect;
        if !acquired.is_empty() {
            iso(acquired)?;
            iso(end)?;
        }
        println!(
            "| {} | {} | {} | {} | {} | {acquired} | {end} | {state} | {} | {note} |",
            i + 2,
            a.app,
            a.id,
            a.name,
            years.map_or("—".into(), |y| y.to_string()),
            refund.map_or("—".into(), yen),
        );
    }
    println!("\n## 雇用状況報告 at 2024-04-25\n");
    println!("| 申請番号 | 報告年度 | 提出期限 | 受付日 | 状況 |");
    println!("|---|---|---|---|---|");
    for [id, fy, due, got, state] in REPORT_STATUS {
        println!("| {id} | {fy} | {due} | {got} | {state} |");
    }
    Ok(())
}

/// 1,234,567 as staff write it.
fn yen(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
