//! A CSV export cut while it was copied: its last line has no line end and
//! fewer fields than the header. Such a file is read as far as it goes, so
//! the night must not trust what is missing from it (see `pipeline::hold`).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::source::decode_csv;

/// Where a CSV stops short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CutLine {
    /// 1-based line of the cut record.
    pub line: usize,
    pub fields: usize,
    pub header_fields: usize,
}

/// Records among which the header is looked for (title rows may stand above it).
const HEADER_SCAN: usize = 50;

/// `Some` when `path` is a CSV whose last line is cut. Only a file without a
/// final line end is read whole, so a normal export costs one byte's read.
pub(crate) fn csv_cut(path: &Path) -> Option<CutLine> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len == 0 {
        return None;
    }
    file.seek(SeekFrom::End(-1)).ok()?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last).ok()?;
    if matches!(last[0], b'\n' | b'\r') {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = decode_csv(&bytes)?.text;
    cut_in(&text)
}

/// [`csv_cut`] on decoded text (which does not end in a line end).
fn cut_in(text: &str) -> Option<CutLine> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header_fields = 0usize;
    let mut last = None;
    for (i, record) in reader.records().enumerate() {
        let record = record.ok()?;
        let fields = record.len();
        if let Some(previous) = last.replace(fields)
            && i <= HEADER_SCAN
        {
            header_fields = header_fields.max(previous);
        }
    }
    let fields = last?;
    (fields < header_fields).then(|| CutLine {
        line: last_line(text),
        fields,
        header_fields,
    })
}

/// The 1-based number of the text's last line, whether lines end in CRLF,
/// LF or CR alone (the csv crate's record positions count from the previous
/// line's end).
fn last_line(text: &str) -> usize {
    let bytes = text.as_bytes();
    1 + bytes
        .iter()
        .enumerate()
        .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_last_line_short_of_fields_and_without_a_line_end_is_cut() {
        let text = "申請番号,報告年度,受付日\r\nR4-201,令和5年度,2023/04/20\r\nR4-202,令和";
        assert_eq!(
            cut_in(text),
            Some(CutLine {
                line: 3,
                fields: 2,
                header_fields: 3
            })
        );
        // Every field there: the last line may just lack its line end.
        assert_eq!(cut_in("a,b\r\n1,2"), None);
    }

    #[test]
    fn a_file_ending_in_a_line_end_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("r.csv");
        std::fs::write(&whole, "a,b,c\n1,2\n").unwrap();
        assert_eq!(csv_cut(&whole), None);
        let cut = dir.path().join("c.csv");
        std::fs::write(&cut, "a,b,c\n1,2,3\n4,5").unwrap();
        assert_eq!(csv_cut(&cut).map(|c| c.line), Some(3));
        let xlsx = dir.path().join("c.xlsx");
        std::fs::write(&xlsx, "a,b,c\n4,5").unwrap();
        assert_eq!(csv_cut(&xlsx), None);
    }
}
