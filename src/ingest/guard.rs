//! Declared sizes checked before a reader trusts them.
//!
//! calamine believes what a workbook says about itself: a shared-string
//! count, a sheet's dimensions, a sector chain, a repeat count. Believed,
//! a 15 KB file can make it reserve gigabytes, which aborts the process
//! (no panic handler runs), or lay out billions of empty cells. [`preflight`]
//! reads the file the way calamine will, but with bounded memory, and
//! refuses it with a sentence when what it declares cannot be true or
//! would not fit: the night goes on without that file instead of dying.
//!
//! The limits are far above any real export: see each constant.

mod ods;
pub(crate) mod xls;
pub(crate) mod xml;

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use crate::parallel::{self, Queue};

use xml::{Refusal, Token};

/// Cells an .xls or .ods may lay out when opened (those readers hold every
/// sheet as a dense grid at once; about 60 bytes a cell with its formula
/// grid). 5 million cells is 250,000 rows of 20 columns.
pub(crate) const MAX_LOADED_CELLS: u64 = 5_000_000;
/// Uncompressed bytes of xl/sharedStrings.xml (held in memory whole).
pub(crate) const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;
/// Slack on a shared-string count over the strings actually present: a
/// writer that miscounts a little is harmless; only the reservation matters.
const SHARED_STRINGS_SLACK: u64 = 100_000;

/// Checks `path` before calamine opens it. `Err` is the reason, in Japanese,
/// to be shown after the file name. A file that is neither a zip nor an
/// OLE compound file, or whose container is broken, passes: calamine then
/// reports it as unreadable by itself.
pub(crate) fn preflight(path: &Path) -> Result<(), String> {
    let Ok(mut file) = File::open(path) else {
        return Ok(());
    };
    let mut head = [0u8; 8];
    let n = file.read(&mut head).unwrap_or(0);
    if xls::is_cfb(&head[..n]) {
        let mut bytes = Vec::new();
        if file.rewind().is_err() || file.read_to_end(&mut bytes).is_err() {
            return Ok(());
        }
        return xls::check(&bytes);
    }
    if head[..n].starts_with(b"PK") {
        return check_zip_file(path);
    }
    Ok(())
}

/// [`preflight`], with `open` (which reads the workbook's own parts, not its
/// sheets) run as soon as it may: an xlsx's worksheets are checked on a
/// second thread while calamine reads its shared strings and styles, which
/// needs only those parts checked. Each worksheet part is still checked
/// before anything reads it: this returns after every check, and `open`'s
/// result is let go when any part is refused. The refusal given is the
/// first refused part's in the zip, as with [`preflight`].
///
/// Why: checked first, the largest sheet held the guard's end on one core
/// while the other waited, and calamine's read of the shared strings only
/// began after it (BENCHMARKS.md, "Where parallelism pays").
pub(crate) fn preflight_then<T>(path: &Path, open: impl FnOnce() -> T) -> Result<T, String> {
    let zip = File::open(path).ok().and_then(|mut f| {
        let mut head = [0u8; 2];
        let is_zip = f.read(&mut head).ok() == Some(2) && head == *b"PK";
        is_zip.then(|| open_zip(path).ok()).flatten()
    });
    let Some(mut zip) = zip.filter(|z| z.index_for_name("content.xml").is_none()) else {
        // Not an xlsx (xls, ods, a broken container): everything first.
        preflight(path)?;
        return Ok(open());
    };
    let (sheets, early) = split_largest_first(&mut zip, |name| {
        let n = name.to_ascii_lowercase();
        n.starts_with("xl/worksheets/") && n.ends_with(".xml") && !n.contains("/_rels/")
    });
    drop(zip);
    let (sheet_refusal, (early_refusal, opened)) = checked_beside(path, &sheets, false, || {
        let refused = first_refusal(path, early.iter().copied(), false);
        let opened = refused.is_none().then(open);
        (refused, opened)
    });
    let refusal = [early_refusal, sheet_refusal]
        .into_iter()
        .flatten()
        .min_by_key(|(i, _)| *i);
    match (refusal, opened) {
        (Some((_, reason)), _) => Err(reason),
        (None, Some(opened)) => Ok(opened),
        (None, None) => unreachable!("`open` is skipped only after a refusal"),
    }
}

/// The XML parts of an xlsx/xlsm/ods (and xlsb's records), checked on two
/// threads, each reading the file through its own handle and taking the
/// largest part left: the guard decompresses and scans every part before
/// calamine may read any, so on a national export (one very large sheet and
/// several smaller parts) it stood alone on the ingest's critical path. The
/// refusal reported is that of the first part in the zip's order, as when
/// they were checked one by one.
fn check_zip_file(path: &Path) -> Result<(), String> {
    let Ok(mut zip) = open_zip(path) else {
        return Ok(());
    };
    let is_ods = zip.index_for_name("content.xml").is_some();
    let (parts, _) = split_largest_first(&mut zip, |_| true);
    drop(zip);
    match checked_beside(path, &parts, is_ods, || ()).0 {
        Some((_, reason)) => Err(reason),
        None => Ok(()),
    }
}

/// The zip's parts whose name `pick` takes, largest first, and the others in
/// zip order. A part whose header cannot be read is in neither: calamine
/// then reports the file itself.
fn split_largest_first<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    pick: impl Fn(&str) -> bool,
) -> (Vec<usize>, Vec<usize>) {
    let mut picked: Vec<(usize, u64)> = Vec::new();
    let mut others = Vec::new();
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        if entry.name().is_ok_and(|n| pick(&n)) {
            picked.push((i, entry.compressed_size()));
        } else {
            others.push(i);
        }
    }
    picked.sort_by_key(|&(i, size)| (std::cmp::Reverse(size), i));
    (picked.into_iter().map(|(i, _)| i).collect(), others)
}

/// Checks `parts` on two threads, each taking the next part left (so the
/// largest go first when `parts` are largest first); `first` runs on this
/// thread before it joins in. Gives the earliest refusal (in zip order)
/// among `parts`, and what `first` gave.
fn checked_beside<T>(
    path: &Path,
    parts: &[usize],
    is_ods: bool,
    first: impl FnOnce() -> T,
) -> (Option<(usize, String)>, T) {
    let queue = Queue::new(parts.to_vec());
    let take = || first_refusal(path, queue.taken(), is_ods);
    let ((firsts, mine), theirs) = parallel::both(|| (first(), take()), take);
    let refusal = [mine, theirs].into_iter().flatten().min_by_key(|(i, _)| *i);
    (refusal, firsts)
}

fn open_zip(path: &Path) -> zip::result::ZipResult<zip::ZipArchive<BufReader<File>>> {
    zip::ZipArchive::new(BufReader::new(File::open(path)?))
}

/// The refusal of the earliest (in zip order) of `parts` that is refused,
/// with its index; parts after a refusal already found are not read.
fn first_refusal(
    path: &Path,
    parts: impl Iterator<Item = usize>,
    is_ods: bool,
) -> Option<(usize, String)> {
    let mut zip = open_zip(path).ok()?;
    let mut found: Option<(usize, String)> = None;
    for i in parts {
        if found.as_ref().is_some_and(|(f, _)| *f < i) {
            continue;
        }
        if let Err(reason) = check_part(&mut zip, i, is_ods) {
            found = Some((i, reason));
        }
    }
    found
}

/// One part of the zip: its records (xlsb), shared strings, ods content or
/// XML checked; parts of other kinds, and parts that cannot be read (which
/// calamine then reports itself), pass.
fn check_part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    i: usize,
    is_ods: bool,
) -> Result<(), String> {
    let Ok(mut entry) = zip.by_index(i) else {
        return Ok(());
    };
    let Ok(name) = entry.name().map(|n| n.to_string()) else {
        return Ok(());
    };
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".bin") && lower.starts_with("xl/") {
        return xlsb_records(&mut entry).map_err(|r| part_reason(&name, &r));
    }
    if !(lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")) {
        return Ok(());
    }
    let result = if lower.ends_with("sharedstrings.xml") {
        shared_strings(&mut entry)
    } else if is_ods && name == "content.xml" {
        ods::check(&mut entry)
    } else {
        xml::scan(&mut entry, &mut |_| Ok(())).map(|_| ())
    };
    result.map_err(|r| part_reason(&name, &r))
}

fn part_reason(part: &str, r: &Refusal) -> String {
    match r {
        Refusal::TooLong => format!(
            "内部の {part} に長さ{}MBを超える一続きのデータ（空白や文字列）があり、読み込めません",
            xml::MAX_TOKEN >> 20
        ),
        Refusal::TooDeep => format!(
            "内部の {part} の要素の入れ子が{}段を超えていて、読み込めません",
            xml::MAX_DEPTH
        ),
        Refusal::Doctype => format!("内部の {part} に文書型宣言（DOCTYPE）があり、読み込めません"),
        Refusal::Other(s) => format!("内部の {part} の{s}"),
    }
}

/// The longest xlsb record accepted. calamine sizes its buffer to each
/// record's declared length (up to 256 MB) before reading it; real records
/// hold at most a cell's text (64 KB) or a rich string.
pub(crate) const MAX_XLSB_RECORD: u64 = 16 << 20;

/// An xlsb part's records: each declared length within [`MAX_XLSB_RECORD`].
fn xlsb_records(entry: &mut dyn Read) -> Result<(), Refusal> {
    fn byte(r: &mut dyn Read) -> Option<u8> {
        let mut b = [0u8; 1];
        r.read_exact(&mut b).ok().map(|()| b[0])
    }
    let mut reader = std::io::BufReader::new(entry);
    loop {
        // Type: one or two bytes, high bit continuing.
        let Some(t) = byte(&mut reader) else {
            return Ok(());
        };
        if t & 0x80 != 0 && byte(&mut reader).is_none() {
            return Ok(());
        }
        // Length: up to four bytes of seven bits.
        let mut len = 0u64;
        for i in 0..4 {
            let Some(b) = byte(&mut reader) else {
                return Ok(());
            };
            len |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        if len > MAX_XLSB_RECORD {
            return Err(Refusal::Other(format!(
                "レコードの長さの宣言（{len}バイト）が上限（{}MB）を超えています",
                MAX_XLSB_RECORD >> 20
            )));
        }
        let skipped = std::io::copy(&mut (&mut reader).take(len), &mut std::io::sink());
        if skipped.map_or(true, |n| n < len) {
            return Ok(());
        }
    }
}

/// xl/sharedStrings.xml: calamine reserves `uniqueCount` strings up front,
/// so the count must not exceed the `<si>` entries the part really holds.
fn shared_strings(entry: &mut dyn Read) -> Result<(), Refusal> {
    let mut declared: Option<u64> = None;
    let mut present: u64 = 0;
    let mut limited = entry.take(MAX_SHARED_STRINGS_BYTES + 1);
    let read = xml::scan(&mut limited, &mut |t| {
        if let Token::Start { name, raw, .. } = t {
            match xml::local(name) {
                b"sst" if declared.is_none() => {
                    declared = Some(xml::attr(raw, b"uniqueCount").map_or(0, leading_number));
                }
                b"si" => present += 1,
                _ => {}
            }
        }
        Ok(())
    })?;
    if read > MAX_SHARED_STRINGS_BYTES {
        return Err(Refusal::Other(format!(
            "共有文字列が{}MBを超えていて、読み込めません",
            MAX_SHARED_STRINGS_BYTES >> 20
        )));
    }
    let declared = declared.unwrap_or(0);
    if declared
        > present
            .saturating_mul(2)
            .saturating_add(SHARED_STRINGS_SLACK)
    {
        return Err(Refusal::Other(format!(
            "共有文字列の数の宣言（uniqueCount={declared}）が実際の数（{present}）と合わず、壊れています"
        )));
    }
    Ok(())
}

/// A count attribute as calamine reads it (`atoi_simd::parse`): all ASCII
/// digits, else ignored (0). Too large for a `u64` means larger than any
/// `usize` calamine could reserve, so it is ignored as calamine ignores it.
fn leading_number(v: &[u8]) -> u64 {
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parts are checked on two threads, largest first; the refusal given is
    /// still the first refused part's in the zip, whichever thread met it.
    #[test]
    fn of_two_refused_parts_the_first_in_the_zip_is_named() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.xlsx");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let big = format!("<a>{}</a>", "<b x=\"1\">t</b>".repeat(20_000));
        let doctype = |filler: &str| format!("<!DOCTYPE a><a>{filler}</a>");
        let parts = [
            ("xl/a.xml", "<a/>".to_string()),
            ("xl/refused-first.xml", doctype("")),
            ("xl/big.xml", big.clone()),
            ("xl/refused-big.xml", doctype(&big)),
        ];
        for (name, body) in &parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        for _ in 0..20 {
            let reason = preflight(&path).unwrap_err();
            assert!(reason.contains("xl/refused-first.xml"), "{reason}");
        }
    }

    /// Worksheets are checked beside `open`, the workbook's own parts before
    /// it: a refused worksheet still refuses the file (the opened book is let
    /// go), a refused shared-strings part is never opened, and of several
    /// refusals the first in the zip is named, as `preflight` names it.
    #[test]
    fn open_runs_beside_the_sheets_checks_and_only_after_the_books_own() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let doctype = "<!DOCTYPE a><a/>".to_string();
        let big = format!("<a>{}</a>", "<b x=\"1\">t</b>".repeat(20_000));
        let book = |name: &str, parts: &[(&str, &str)]| {
            let path = dir.path().join(name);
            let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
            for (name, body) in parts {
                zip.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                zip.write_all(body.as_bytes()).unwrap();
            }
            zip.finish().unwrap();
            path
        };
        let opened = std::cell::Cell::new(0);
        let open = || opened.set(opened.get() + 1);
        let fine = book(
            "fine.xlsx",
            &[
                ("xl/sharedStrings.xml", "<sst uniqueCount=\"0\"/>"),
                ("xl/worksheets/sheet1.xml", &big),
                ("xl/worksheets/sheet2.xml", "<worksheet/>"),
            ],
        );
        assert_eq!(preflight_then(&fine, open), Ok(()));
        assert_eq!(opened.get(), 1);
        let bad_sheet = book(
            "sheet.xlsx",
            &[
                ("xl/sharedStrings.xml", "<sst/>"),
                ("xl/worksheets/sheet1.xml", &big),
                ("xl/worksheets/sheet2.xml", &doctype),
            ],
        );
        let reason = preflight_then(&bad_sheet, open).unwrap_err();
        assert!(reason.contains("xl/worksheets/sheet2.xml"), "{reason}");
        assert_eq!(reason, preflight(&bad_sheet).unwrap_err());
        let bad_strings = book(
            "strings.xlsx",
            &[
                ("xl/worksheets/sheet1.xml", &doctype),
                ("xl/sharedStrings.xml", &doctype),
            ],
        );
        let before = opened.get();
        let reason = preflight_then(&bad_strings, open).unwrap_err();
        assert!(reason.contains("xl/worksheets/sheet1.xml"), "{reason}");
        assert_eq!(
            opened.get(),
            before,
            "a refused shared-strings part is not opened"
        );
        // Not a zip: checked whole first, then opened.
        let text = dir.path().join("plain.xlsx");
        std::fs::write(&text, "a,b").unwrap();
        assert_eq!(preflight_then(&text, || 7), Ok(7));
    }

    #[test]
    fn xlsb_record_lengths_are_bounded() {
        // BrtBeginSst (0x9F, two-byte type) of 8 bytes, then a record that
        // declares 2^28 − 1 bytes.
        let mut ok = vec![0x9F, 0x01, 8];
        ok.extend_from_slice(&[0u8; 8]);
        assert_eq!(xlsb_records(&mut ok.as_slice()), Ok(()));
        let mut bomb = ok.clone();
        bomb.extend_from_slice(&[0x13, 0xFF, 0xFF, 0xFF, 0x7F]);
        assert!(matches!(
            xlsb_records(&mut bomb.as_slice()),
            Err(Refusal::Other(r)) if r.contains("268435455バイト")
        ));
        // Truncated records end the scan quietly: the reader reports them.
        assert_eq!(xlsb_records(&mut [0x13u8, 0x80].as_slice()), Ok(()));
    }

    #[test]
    fn shared_string_counts_are_checked_against_the_strings() {
        let part = |count: &str, n: usize| {
            format!(
                "<sst xmlns=\"x\" count=\"{n}\" uniqueCount=\"{count}\">{}</sst>",
                "<si><t>a</t></si>".repeat(n)
            )
        };
        assert_eq!(shared_strings(&mut part("3", 3).as_bytes()), Ok(()));
        // A little over is harmless, and so is what calamine ignores.
        assert_eq!(shared_strings(&mut part("100003", 3).as_bytes()), Ok(()));
        assert_eq!(
            shared_strings(&mut part("+9999999999", 3).as_bytes()),
            Ok(())
        );
        assert_eq!(
            shared_strings(&mut part("99999999999999999999", 3).as_bytes()),
            Ok(())
        );
        assert!(shared_strings(&mut part("100007", 3).as_bytes()).is_err());
        assert!(shared_strings(&mut part("0010000000000", 3).as_bytes()).is_err());
    }
}
