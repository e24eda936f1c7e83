//! A mutation fuzz loop over the ingest entry points, on stable Rust.
//!
//! Inputs start from the fixtures (and hand-built .xls and .ods files) and
//! are mutated the ways the fault table found trouble: bytes flipped,
//! inserted and cut, files truncated, zip parts edited (declared counts and
//! repeats made huge, references moved, whitespace inflated, parts cut),
//! BIFF records and sector tables altered, CSV quotes, line endings and
//! encodings broken. Each input goes through `Book::open`, every sheet's
//! rows, every value parser on every cell, and `check_files`.
//!
//! What must hold: no panic reaches the caller and the process neither
//! aborts nor runs away with memory (an abort kills the test binary, so
//! the run fails). A reader panic caught by the ingest guard is an ordinary
//! error and allowed.
//!
//! `cargo test --test it fuzz_ingest` runs a few seconds. `scripts/fuzz.sh
//! SECONDS` runs longer; `HOJOKIN_FUZZ_SEED` replays a run; a failing input
//! is saved under `target/fuzz-failures/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::faults;

use hojokin::Book;
use hojokin::Catalogue;
use hojokin::Raw;
use hojokin::{check_files, parse};

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// One starting input: its bytes and the extension it is saved under.
#[derive(Clone)]
struct Seed {
    ext: &'static str,
    bytes: Vec<u8>,
}

fn corpus() -> Vec<Seed> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seeds = Vec::new();
    for dir in ["exports", "twins", "broken"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let ext = match path.extension().and_then(|e| e.to_str()) {
                Some("xlsx") => "xlsx",
                Some("csv") => "csv",
                _ => continue,
            };
            seeds.push(Seed {
                ext,
                bytes: std::fs::read(&path).unwrap(),
            });
        }
    }
    seeds.push(Seed {
        ext: "xls",
        bytes: faults::xls(
            Some((0, 3, 0, 3)),
            &[(0, 0, 1001.0), (1, 1, 2.5), (2, 2, 45_000.0)],
        ),
    });
    seeds.push(Seed {
        ext: "xls",
        bytes: faults::cfb_mini(&faults::small_workbook_stream(
            (0, 2, 0, 2),
            &[(0, 0, 7.0), (1, 1, 8.0)],
        )),
    });
    seeds.push(Seed {
        ext: "ods",
        bytes: faults::ods(&format!(
            "{}{}<table:table-row table:number-rows-repeated=\"3\"><table:table-cell table:number-columns-repeated=\"2\"/><table:table-cell office:value-type=\"float\" office:value=\"5\"/></table:table-row>",
            faults::ods_row(&["申請番号", "報告年度", "受付日"]),
            faults::ods_row(&["R4-201", "令和5年度", "2023/04/20"])
        )),
    });
    seeds.push(Seed {
        ext: "xlsx",
        bytes: faults::xlsx_1904_dates(&[43_970.0, 1.0]),
    });
    seeds.push(Seed {
        ext: "xlsx",
        bytes: faults::xlsx_with_formula(),
    });
    seeds
}

/// Numbers that declared sizes become.
const HUGE: [&str; 8] = [
    "4294967295",
    "18446744073709551615",
    "1000000000000",
    "99999999",
    "1048576",
    "16384",
    "0",
    "-1",
];

fn mutate_bytes(rng: &mut Rng, b: &mut Vec<u8>) {
    match rng.below(6) {
        0 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        1 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] = [0x00, 0xFF, 0x7F, 0x80, b'"', b'\r', b'<', b'>'][rng.below(8)];
        }
        2 => {
            let i = rng.below(b.len() + 1);
            b.truncate(i);
        }
        3 => {
            let i = rng.below(b.len() + 1);
            let n = 1 + rng.below(16);
            let junk: Vec<u8> = (0..n).map(|_| (rng.next() & 0xFF) as u8).collect();
            b.splice(i..i, junk);
        }
        4 if b.len() > 8 => {
            let i = rng.below(b.len() - 4);
            let v = u32::try_from(rng.next() & 0xFFFF_FFFF).unwrap();
            b[i..i + 4].copy_from_slice(&v.to_le_bytes());
        }
        _ if !b.is_empty() => {
            let i = rng.below(b.len());
            let n = rng.below(b.len() - i).min(64);
            let chunk = b[i..i + n].to_vec();
            let j = rng.below(b.len() + 1);
            b.splice(j..j, chunk);
        }
        _ => {}
    }
}

/// Replaces the digits of one number in an XML part by a huge one.
fn inflate_number(rng: &mut Rng, text: &mut String) {
    let digits: Vec<usize> = text
        .char_indices()
        .filter(|(i, c)| {
            c.is_ascii_digit() && (*i == 0 || !text.as_bytes()[i - 1].is_ascii_digit())
        })
        .map(|(i, _)| i)
        .collect();
    if digits.is_empty() {
        return;
    }
    let start = digits[rng.below(digits.len())];
    let end = start + text[start..].bytes().take_while(u8::is_ascii_digit).count();
    text.replace_range(start..end, HUGE[rng.below(HUGE.len())]);
}

fn mutate_xml(rng: &mut Rng, part: &mut Vec<u8>) {
    let Ok(mut text) = String::from_utf8(part.clone()) else {
        mutate_bytes(rng, part);
        return;
    };
    match rng.below(7) {
        0 | 1 => inflate_number(rng, &mut text),
        2 => {
            // Inflated whitespace (kept small: the limit is what is tested).
            let i = text.find('>').map_or(0, |i| i + 1);
            let n = [10, 1 << 16, (4 << 20) + 1][rng.below(3)];
            text.insert_str(i, &" ".repeat(n));
        }
        3 => {
            for (from, to) in [
                ("uniqueCount=\"", "uniqueCount=\"9"),
                ("number-rows-repeated=\"", "number-rows-repeated=\"9"),
                ("number-columns-repeated=\"", "number-columns-repeated=\"9"),
                ("r=\"A", "r=\"XFD"),
                ("<v>", "<v>9e"),
                ("t=\"s\"", "t=\"str\""),
                ("date1904=\"", "date1904=\"1"),
                (
                    "<f>",
                    "<f t=\"shared\" si=\"18446744073709551615\" ref=\"A1:XFD1048576\">",
                ),
                ("<v>", "<v/><v>"),
            ] {
                if rng.chance(2) {
                    text = text.replacen(from, to, 1 + rng.below(50));
                }
            }
        }
        4 => {
            let cut = rng.below(text.len() + 1);
            let cut = (0..=cut)
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            text.truncate(cut);
        }
        5 => {
            let nest = "<x>".repeat([10, 2000][rng.below(2)]);
            let i = text.rfind('<').unwrap_or(0);
            text.insert_str(i, &nest);
        }
        _ => {
            let mut b = text.into_bytes();
            mutate_bytes(rng, &mut b);
            *part = b;
            return;
        }
    }
    *part = text.into_bytes();
}

fn mutate_zip(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        let mut b = bytes.to_vec();
        mutate_bytes(rng, &mut b);
        return b;
    };
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else {
            continue;
        };
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut body = Vec::new();
        if std::io::Read::read_to_end(&mut f, &mut body).is_err() {
            continue;
        }
        parts.push((name, body));
    }
    if parts.is_empty() {
        return bytes.to_vec();
    }
    for _ in 0..1 + rng.below(3) {
        let k = rng.below(parts.len());
        if rng.chance(8) {
            parts.remove(k);
            if parts.is_empty() {
                break;
            }
        } else {
            mutate_xml(rng, &mut parts[k].1);
        }
    }
    faults::zip_of(&parts)
}

fn mutate_csv(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    match rng.below(5) {
        0 => b.retain(|c| *c != b'\n'),
        1 => {
            let i = rng.below(b.len() + 1);
            b.insert(i, b'"');
        }
        2 => {
            // To UTF-8 (from Shift_JIS) or to Shift_JIS (from UTF-8).
            b = match std::str::from_utf8(&b) {
                Ok(s) => encoding_rs::SHIFT_JIS.encode(s).0.into_owned(),
                Err(_) => encoding_rs::SHIFT_JIS
                    .decode(&b)
                    .0
                    .into_owned()
                    .into_bytes(),
            };
        }
        3 => {
            let i = rng.below(b.len() + 1);
            b.splice(i..i, "あ".repeat(12_000).into_bytes());
        }
        _ => mutate_bytes(rng, &mut b),
    }
    b
}

fn mutate(rng: &mut Rng, seed: &Seed) -> Vec<u8> {
    let mut b = match seed.ext {
        "csv" => mutate_csv(rng, &seed.bytes),
        "xls" => {
            let mut b = seed.bytes.clone();
            for _ in 0..1 + rng.below(3) {
                mutate_bytes(rng, &mut b);
            }
            b
        }
        _ if rng.chance(4) => {
            let mut b = seed.bytes.clone();
            mutate_bytes(rng, &mut b);
            b
        }
        _ => mutate_zip(rng, &seed.bytes),
    };
    if rng.chance(10) {
        mutate_bytes(rng, &mut b);
    }
    b
}

/// Every value parser on one cell; each must return, never panic.
fn parse_all(raw: &Raw) {
    let _ = parse::date(raw);
    let _ = parse::yen(raw);
    let _ = parse::count(raw);
    let _ = parse::fiscal_year(raw);
    let _ = parse::corporate_number(raw);
    let _ = parse::email(raw);
    let _ = parse::text(raw);
    let _ = raw.is_blank();
    let _ = raw.to_string();
}

/// One input through every entry point. Reader errors are fine.
fn exercise(path: &Path, catalogue: &Catalogue) {
    if let Ok(mut book) = Book::open(path) {
        for sheet in book.sheet_names() {
            let mut rows = 0;
            let _ = book.visit_rows(&sheet, &mut |row| {
                for (_, raw) in &row.cells {
                    parse_all(raw);
                }
                rows += 1;
                if rows > 2_000 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
        }
    }
    let _ = check_files(&[path.to_path_buf()], catalogue);
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn the_ingest_entry_points_survive_mutated_inputs() {
    let seconds = env_u64("HOJOKIN_FUZZ_SECS").unwrap_or(3);
    let seed = env_u64("HOJOKIN_FUZZ_SEED").unwrap_or(0x5EED_1234_ABCD_0001);
    let mut rng = Rng(seed | 1);
    let corpus = corpus();
    let catalogue = Catalogue::builtin();
    let dir = tempfile::tempdir().unwrap();
    let keep_last = std::env::var_os("HOJOKIN_FUZZ_KEEP_LAST").is_some();
    // Each seed file unmutated first: the corpus itself must pass.
    let mut inputs: Vec<(usize, Vec<u8>)> = corpus
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.bytes.clone()))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs = 0u64;
    let mut slowest = (Duration::ZERO, String::new());
    loop {
        let (k, bytes) = match inputs.pop() {
            Some(x) => x,
            None if Instant::now() < deadline => {
                let k = rng.below(corpus.len());
                (k, mutate(&mut rng, &corpus[k]))
            }
            None => break,
        };
        let path = dir.path().join(format!("input.{}", corpus[k].ext));
        std::fs::write(&path, &bytes).unwrap();
        if keep_last {
            // An abort leaves no chance to save the input afterwards.
            let last = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("target/fuzz-last.{}", corpus[k].ext));
            std::fs::write(last, &bytes).unwrap();
        }
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&path, &catalogue)));
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (
                took,
                format!("run {runs} (seed file {k}, {} bytes)", bytes.len()),
            );
        }
        if outcome.is_err() {
            let saved = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/fuzz-failures")
                .join(format!("{seed:x}-{runs}.{}", corpus[k].ext));
            std::fs::create_dir_all(saved.parent().unwrap()).unwrap();
            std::fs::write(&saved, &bytes).unwrap();
            panic!(
                "a panic escaped ingest on run {runs} (seed {seed:#x}); input saved to {}",
                saved.display()
            );
        }
        runs += 1;
    }
    eprintln!(
        "fuzz_ingest: {runs} inputs in {seconds} s from seed {seed:#x}; slowest {:?} ({})",
        slowest.0, slowest.1
    );
    assert!(runs > u64::try_from(corpus.len()).unwrap());
}
