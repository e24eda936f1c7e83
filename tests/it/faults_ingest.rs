//! The input-file half of the fault table (issue 13): each hostile or odd
//! file is built here, in a temp dir, and must end as a sentence naming the
//! file or as rows read correctly, never as an abort, a panic or silence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::path::Path;

use chrono::NaiveDate;
use hojokin::Raw;
use hojokin::parse;
use hojokin::{Book, Row, SourceError};

use crate::support::Site;
use crate::support::faults::*;

fn rows(path: &Path, sheet: &str) -> Result<Vec<Row>, SourceError> {
    let mut book = Book::open(path)?;
    let mut out = Vec::new();
    book.visit_rows(sheet, &mut |r| {
        out.push(r);
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

fn refused(result: Result<Vec<Row>, SourceError>, fragment: &str) {
    match result {
        Err(SourceError::Refused { reason, .. }) => {
            assert!(reason.contains(fragment), "{reason}");
        }
        other => panic!("expected a refusal mentioning {fragment}, got {other:?}"),
    }
}

#[test]
fn a_huge_shared_string_count_is_refused_not_reserved() {
    let dir = tempfile::tempdir().unwrap();
    let plain = xlsx(&[&["申請番号", "事業者名"], &["R5-1", "綾瀬精工"]]);
    // The file as written reads: the guard passes honest counts.
    let ok = dir.path().join("ok.xlsx");
    std::fs::write(&ok, &plain).unwrap();
    let got = rows(&ok, "Sheet1").unwrap();
    assert_eq!(got[1].get(1), &Raw::Text("綾瀬精工".into()));
    // 10^12 would abort the process (allocation failure), usize::MAX
    // would panic with "capacity overflow".
    for count in ["1000000000000", "18446744073709551615", "4000000"] {
        let bad = rezip(&plain, |name, body| {
            if name == "xl/sharedStrings.xml" {
                set_attr(&body, "uniqueCount", count)
            } else {
                body
            }
        });
        let path = dir.path().join(format!("sst-{count}.xlsx"));
        std::fs::write(&path, &bad).unwrap();
        refused(rows(&path, "Sheet1"), "uniqueCount");
    }
}

#[test]
fn an_xls_with_a_huge_dimensions_record_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cells = [(0u16, 0u16, 1001.0), (1, 1, 2.5)];
    // The hand-built .xls is a real workbook: honest dimensions read.
    let ok = dir.path().join("ok.xls");
    std::fs::write(&ok, xls(Some((0, 2, 0, 2)), &cells)).unwrap();
    let got = rows(&ok, "Sheet1").unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].get(0), &Raw::Number(1001.0));
    assert_eq!(got[1].get(1), &Raw::Number(2.5));
    // One billion rows × 256 columns declared: calamine would reserve 10 TB.
    let bomb = dir.path().join("dims.xls");
    std::fs::write(&bomb, xls(Some((0, 1_000_000_000, 0, 256)), &cells)).unwrap();
    refused(rows(&bomb, "Sheet1"), "DIMENSIONS");
    // Last row before the first: calamine's subtraction would wrap.
    let wrap = dir.path().join("wrap.xls");
    std::fs::write(&wrap, xls(Some((10, 5, 0, 2)), &cells)).unwrap();
    refused(rows(&wrap, "Sheet1"), "壊れています");
    // A stray cell at column 65,535 row 65,535: a 4-billion-cell grid.
    let sparse = dir.path().join("sparse.xls");
    std::fs::write(&sparse, xls(None, &[(0, 0, 1.0), (65_535, 65_535, 2.0)])).unwrap();
    refused(rows(&sparse, "Sheet1"), "使用範囲");
}

#[test]
fn a_small_xls_in_the_mini_stream_reads_and_is_checked_too() {
    let dir = tempfile::tempdir().unwrap();
    let cells = [(0u16, 0u16, 7.0), (2, 1, 8.0)];
    let ok = dir.path().join("mini.xls");
    std::fs::write(&ok, cfb_mini(&small_workbook_stream((0, 3, 0, 2), &cells))).unwrap();
    let got = rows(&ok, "Sheet1").unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!((got[1].index, got[1].get(1)), (2, &Raw::Number(8.0)));
    let bomb = dir.path().join("mini-dims.xls");
    std::fs::write(
        &bomb,
        cfb_mini(&small_workbook_stream((0, 1_000_000_000, 0, 256), &cells)),
    )
    .unwrap();
    refused(rows(&bomb, "Sheet1"), "DIMENSIONS");
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = xls(Some((0, 2, 0, 2)), &[(0, 0, 1.0)]);
    // The directory chain (sector 1) points back at itself.
    let fat_entry = 512 + 4;
    bytes[fat_entry..fat_entry + 4].copy_from_slice(&1u32.to_le_bytes());
    let path = dir.path().join("loop.xls");
    std::fs::write(&path, bytes).unwrap();
    refused(rows(&path, "Sheet1"), "循環");
}

#[test]
fn an_ods_with_one_cell_at_xfd6001_is_refused_before_calamine_lays_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok.ods");
    std::fs::write(
        &ok,
        ods(&format!(
            "{}{}",
            ods_row(&["申請番号", "事業者名"]),
            ods_row(&["R5-1", "綾瀬精工"])
        )),
    )
    .unwrap();
    let got = rows(&ok, "Sheet1").unwrap();
    assert_eq!(got[1].get(1), &Raw::Text("綾瀬精工".into()));

    let bomb = dir.path().join("xfd.ods");
    let body = format!(
        "{}<table:table-row table:number-rows-repeated=\"5999\"><table:table-cell/></table:table-row>\
         <table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>\
         <table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
        ods_row(&["申請番号"])
    );
    std::fs::write(&bomb, ods(&body)).unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 10_000);
    refused(rows(&bomb, "Sheet1"), "使用範囲");
}

#[test]
fn whitespace_inflated_inside_sheet_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let plain = xlsx(&[&["申請番号"], &["R5-1"]]);
    let bomb = rezip(&plain, |name, body| {
        if name == "xl/worksheets/sheet1.xml" {
            let s = String::from_utf8(body).unwrap();
            s.replacen(
                "<sheetData>",
                &format!("<sheetData>{}", " ".repeat(5 << 20)),
                1,
            )
            .into_bytes()
        } else {
            body
        }
    });
    let path = dir.path().join("ws.xlsx");
    std::fs::write(&path, &bomb).unwrap();
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    refused(rows(&path, "Sheet1"), "sheet1.xml");
}

#[test]
fn a_reader_panic_is_one_sentence_without_a_backtrace() {
    let sandbox = Site::fixtures();
    // A BoundSheet8 record pointing past the stream: calamine slices out
    // of range and panics; the guard leaves that to the panic guard.
    let path = sandbox.path().join("panic.xls");
    std::fs::write(&path, xls_with_sheet_at(0x00FF_FFFF)).unwrap();
    let check = |backtrace: Option<&str>| {
        let mut cmd = sandbox.hojokin(&["check", "panic.xls"], &[]).command();
        cmd.env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE");
        if let Some(v) = backtrace {
            cmd.env("RUST_BACKTRACE", v);
        }
        cmd.output().unwrap()
    };
    let out = check(None);
    let (stdout, stderr) = (crate::support::stdout(&out), crate::support::stderr(&out));
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("panic.xls") && stdout.contains("内部エラー"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    sandbox.stderr_is(&out, "");
    // Asked for, the backtrace is there.
    let out = check(Some("1"));
    crate::support::bin::Ran::of(out, sandbox.path()).stderr_inexact(
        "a backtrace names the panic's place in calamine and the thread",
        &["panicked at ", "stack backtrace:\n"],
    );
}

#[test]
fn a_cr_only_csv_reads_its_rows() {
    let sandbox = Site::fixtures();
    let original = sandbox
        .path()
        .join("fixtures/exports/employment_reports.csv");
    let bytes = std::fs::read(&original).unwrap();
    let cr: Vec<u8> = bytes.iter().copied().filter(|b| *b != b'\n').collect();
    assert!(!cr.contains(&b'\n') && cr.contains(&b'\r'));
    let mac = sandbox.path().join("mac.csv");
    std::fs::write(&mac, &cr).unwrap();
    let crlf = rows(&original, "employment_reports").unwrap();
    let got = rows(&mac, "mac").unwrap();
    assert_eq!(got, crlf);
    assert_eq!(got.len(), 6);
    // And `check` finds the fixture's one bad row (B6), same as with CRLF.
    let out = sandbox.run(&["check", "mac.csv"], &[]);
    let stdout = crate::support::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        crate::support::stderr(&out)
    );
    assert!(stdout.contains("mac!B6"), "{stdout}");
    sandbox.stderr_is(
        &out,
        "mac.csv: シート「mac」を雇用状況報告として 5 行確認しました（除外 1 行）\n",
    );
}

#[test]
fn a_bad_byte_rejects_its_row_with_line_and_byte() {
    let sandbox = Site::fixtures();
    let original = sandbox
        .path()
        .join("fixtures/exports/employment_reports.csv");
    let mut bytes = std::fs::read(&original).unwrap();
    // Line 3 starts with R4-202; break the byte after "R4-".
    let at = find_bytes(&bytes, b"R4-202").unwrap() + 3;
    bytes[at] = 0xFF;
    std::fs::write(sandbox.path().join("bad.csv"), &bytes).unwrap();
    let out = sandbox.run(&["check", "bad.csv"], &[]);
    let stdout = crate::support::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        crate::support::stderr(&out)
    );
    let line = stdout
        .lines()
        .find(|l| l.contains("bad!A3"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("3行目"), "{line}");
    assert!(line.contains(&format!("{}バイト目", at + 1)), "{line}");
    // The other rows are read: 5 data rows, 2 rejected (A3 and B6).
    sandbox.stderr_is(
        &out,
        "bad.csv: シート「bad」を雇用状況報告として 5 行確認しました（除外 2 行）\n",
    );
}

#[test]
fn dates_in_a_1904_workbook_read_as_excel_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    // 2024-05-20 is 45432 in the 1900 system and 43970 in the 1904 system.
    let book = xlsx_1904_dates(&[43_970.0, 0.0, 1.5]);
    let path = dir.path().join("mac.xlsx");
    std::fs::write(&path, book).unwrap();
    let got = rows(&path, "Sheet1").unwrap();
    let dates: Vec<NaiveDate> = got.iter().map(|r| parse::date(r.get(0)).unwrap()).collect();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(dates, [d(2024, 5, 20), d(1904, 1, 1), d(1904, 1, 2)]);
}

#[test]
fn a_formula_without_its_result_rejects_its_row() {
    let sandbox = Site::fixtures();
    let plain = xlsx_with_formula();
    let book = rezip(&plain, |name, body| {
        if name == "xl/worksheets/sheet1.xml" {
            strip_cached_values(&body)
        } else {
            body
        }
    });
    std::fs::write(sandbox.path().join("formula.xlsx"), book).unwrap();
    let out = sandbox.run(&["check", "formula.xlsx"], &[]);
    let stdout = crate::support::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        crate::support::stderr(&out)
    );
    let line = stdout
        .lines()
        .find(|l| l.contains("Sheet1!D2"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("数式の計算結果が保存されていない"), "{line}");
    assert!(line.contains("=1+1"), "{line}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

#[test]
fn a_night_with_a_40000_character_value_writes_its_report() {
    let sandbox = Site::fixtures();
    let csv = sandbox
        .path()
        .join("fixtures/exports/employment_reports.csv");
    // One stray quote on line 3 swallows the rest of the file, padded here
    // to 40,000 characters, into one field.
    let text = "申請番号,報告年度,受付日,新規採用者数（女性）,新規採用者数（障がい者）\r\n\
                R4-201,令和5年度,2023/04/20,2,0\r\n\
                R4-202,\"令和5年度,2023/05/01,1,1\r\n"
        .to_string()
        + &"あ".repeat(40_000)
        + "\r\n";
    std::fs::write(&csv, text).unwrap();
    let out = sandbox.run(
        &["run", "nightly", "--as-of", "2024-04-25", "--dry-run"],
        &[("HOJOKIN_SMTP_URL", "smtp://127.0.0.1:9")],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&out)
    );
    let report = sandbox.path().join("out/summary-2024-04-25.xlsx");
    assert!(report.is_file(), "{}", crate::support::stderr(&out));
    let errors = crate::support::read_sheet(&report, "入力エラー");
    let line = errors
        .rows
        .iter()
        .find(|r| r.iter().any(|c| *c == "B3"))
        .unwrap_or_else(|| panic!("no B3 line"));
    let texts: Vec<String> = line.iter().map(ToString::to_string).collect();
    // The swallowed field: the rest of line 3, its CRLF, the padding, a CRLF.
    let swallowed = "令和5年度,2023/05/01,1,1\r\n".chars().count() + 40_000 + 2;
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&format!("{swallowed}文字"))),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.ends_with("文字省略）")), "{texts:?}");
    assert!(texts.iter().all(|t| t.chars().count() <= 32_767));
}

#[test]
fn a_company_name_longer_than_a_cell_rejects_its_row() {
    use calamine::Reader;
    let sandbox = Site::fixtures();
    let xlsx = sandbox.path().join("fixtures/exports/applications.xlsx");
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let range = book.worksheet_range("申請一覧").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "事業者名"))
        .unwrap();
    let col = rows[header].iter().position(|c| c == "事業者名").unwrap();
    let mut csv = String::new();
    for (i, row) in rows.iter().enumerate().skip(header).take(4) {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, v)| {
                if i == header + 2 && c == col {
                    "株式会社".to_string() + &"綾".repeat(40_000)
                } else {
                    v.replace(',', "")
                }
            })
            .collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    std::fs::write(sandbox.path().join("apps.csv"), csv).unwrap();
    let out = sandbox.run(&["check", "apps.csv"], &[]);
    let stdout = crate::support::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        crate::support::stderr(&out)
    );
    let cell = format!("apps!{}3", (b'A' + u8::try_from(col).unwrap()) as char);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].contains(&cell) && lines[0].contains("事業者名"),
        "{stdout}"
    );
    assert!(
        lines[0].contains("40004文字") && lines[0].contains("文字省略）"),
        "{stdout}"
    );
    assert!(lines[0].chars().count() < 400, "{stdout}");
    // The other two data rows are read and kept.
    sandbox.stderr_is(
        &out,
        "apps.csv: シート「apps」を申請一覧として 3 行確認しました（除外 1 行）\n",
    );
}
