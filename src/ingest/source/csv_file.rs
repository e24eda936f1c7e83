//! CSV exports: decoded whole (UTF-8 with or without BOM, else
//! Shift_JIS/CP932), a bad byte marking only its own cell, then walked record
//! by record, each row numbered by its line in the file.

use std::ops::ControlFlow;
use std::path::Path;

use super::{Row, SourceError, non_blank};
use crate::ingest::raw::{Raw, clip};

/// A CSV file's text, with the bytes that its encoding could not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// Each unreadable byte sequence, in file order; the text holds U+FFFD
    /// in its place.
    pub bad: Vec<BadBytes>,
    /// The encoding's name for messages: `UTF-8` or `Shift_JIS`.
    pub encoding: &'static str,
}

/// Bytes an encoding could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBytes {
    /// Byte offset of the U+FFFD in the decoded text.
    pub at: usize,
    /// 0-based byte offset in the file.
    pub offset: usize,
    pub bytes: Vec<u8>,
}

/// At most this share of bad sequences (one per this many bytes, and more
/// than [`BAD_FLOOR`]) before a file counts as not text at all.
const BAD_RATIO: usize = 100;
const BAD_FLOOR: usize = 16;

/// Decodes CSV bytes: UTF-8 (BOM stripped) when valid, else Shift_JIS as
/// Windows and Excel write it (encoding_rs's Shift_JIS is the CP932 superset);
/// a few bad bytes only mark their cells: the encoding with fewer bad sequences wins (Shift_JIS on a
/// tie; a BOM means UTF-8). `None` when even that one has so many that the
/// file is not text.
pub(crate) fn decode_csv(bytes: &[u8]) -> Option<Decoded> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Some(decode_with(encoding_rs::UTF_8, rest, 3)).filter(plausible);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(Decoded {
            text: s.to_string(),
            bad: Vec::new(),
            encoding: "UTF-8",
        });
    }
    let sjis = decode_with(encoding_rs::SHIFT_JIS, bytes, 0);
    let best = if sjis.bad.is_empty() {
        sjis
    } else {
        let utf8 = decode_with(encoding_rs::UTF_8, bytes, 0);
        if utf8.bad.len() < sjis.bad.len() {
            utf8
        } else {
            sjis
        }
    };
    Some(best).filter(plausible)
}

fn plausible(d: &Decoded) -> bool {
    d.bad.len() <= BAD_FLOOR.max(d.text.len() / BAD_RATIO)
}

/// Decodes `bytes` (which start `base` bytes into the file), noting each
/// malformed sequence and putting U+FFFD in its place.
fn decode_with(enc: &'static encoding_rs::Encoding, bytes: &[u8], base: usize) -> Decoded {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let room = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(room);
    let mut bad = Vec::new();
    let mut read = 0usize;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&bytes[read..], &mut text, true);
        read += n;
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => text.reserve(bytes.len() - read + 16),
            encoding_rs::DecoderResult::Malformed(len, unread) => {
                let end = read.saturating_sub(usize::from(unread));
                let start = end.saturating_sub(usize::from(len));
                bad.push(BadBytes {
                    at: text.len(),
                    offset: base + start,
                    bytes: bytes[start..end].to_vec(),
                });
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text,
        bad,
        encoding: if enc == encoding_rs::UTF_8 {
            "UTF-8"
        } else {
            "Shift_JIS"
        },
    }
}

/// Counts line breaks (CR, LF and CRLF each once) in `bytes`; `after_cr`
/// carries whether the previous byte was a CR across calls.
fn count_breaks(bytes: &[u8], after_cr: &mut bool) -> usize {
    let mut n = 0;
    for b in bytes {
        match b {
            b'\n' if *after_cr => {}
            b'\n' | b'\r' => n += 1,
            _ => {}
        }
        *after_cr = *b == b'\r';
    }
    n
}

pub(super) fn visit_csv(
    path: &Path,
    decoded: &Decoded,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<(), SourceError> {
    let text = decoded.text.as_str();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The csv crate's record positions start before the previous line's
    // terminator (and any blank lines), so the line is counted here from the
    // record's first byte: a cell reference such as D7 then points at the
    // 7th line, whether lines end in CRLF, LF or CR alone (Excel for Mac's
    // "CSV (Macintosh)"), blank lines and quoted multi-line fields included.
    let bytes = text.as_bytes();
    let mut counted_to = 0usize;
    let mut after_cr = false;
    let mut line = 0usize;
    let mut bad = decoded.bad.iter().peekable();
    let mut record = csv::StringRecord::new();
    loop {
        let from = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        let more = reader
            .read_record(&mut record)
            .map_err(|e| SourceError::Csv {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        if !more {
            break;
        }
        let to = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        let mut start = record
            .position()
            .map_or(from, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            line += count_breaks(&bytes[counted_to..start], &mut after_cr);
            counted_to = start;
        }
        let index = u32::try_from(line).unwrap_or(u32::MAX);
        let mut cells: Vec<(u32, Raw)> = record
            .iter()
            .enumerate()
            .filter(|(_, field)| !field.is_empty())
            .map(|(col, field)| {
                (
                    u32::try_from(col).unwrap_or(u32::MAX),
                    Raw::text(field.to_string()),
                )
            })
            .collect();
        let mut here = Vec::new();
        while let Some(b) = bad.next_if(|b| b.at < to.max(from + 1)) {
            here.push(b);
        }
        if !here.is_empty() {
            mark_bad_bytes(&mut cells, &here, line + 1, decoded.encoding);
        }
        if let Some(row) = non_blank(index, cells)
            && visit(row).is_break()
        {
            break;
        }
    }
    Ok(())
}

/// Turns the cells of one record that hold an unreadable byte into faults,
/// naming the line and the byte's place in the file; the first cell when
/// none shows the replacement character (it cannot be placed).
fn mark_bad_bytes(cells: &mut [(u32, Raw)], bad: &[&BadBytes], line: usize, encoding: &str) {
    let first = bad[0];
    let hex: Vec<String> = first.bytes.iter().map(|b| format!("0x{b:02X}")).collect();
    let reason = format!(
        "{line}行目（ファイルの先頭から{}バイト目）のバイト {} が {encoding} として読めません{}",
        first.offset + 1,
        hex.join(" "),
        if bad.len() > 1 {
            format!("（この行にほか{}か所）", bad.len() - 1)
        } else {
            String::new()
        }
    );
    let mut marked = false;
    for (_, raw) in cells.iter_mut() {
        if let Raw::Text(t) = raw
            && t.contains('\u{FFFD}')
        {
            *raw = Raw::Fault {
                reason: reason.clone(),
                shown: clip(t, 100).into_owned(),
            };
            marked = true;
        }
    }
    if !marked && let Some((_, raw)) = cells.first_mut() {
        let shown = raw.to_string();
        *raw = Raw::Fault {
            reason,
            shown: clip(&shown, 100).into_owned(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text when it decodes without a bad byte.
    fn decode_text(bytes: &[u8]) -> Option<String> {
        decode_csv(bytes)
            .filter(|d| d.bad.is_empty())
            .map(|d| d.text)
    }

    #[test]
    fn decodes_utf8_with_bom_and_shift_jis() {
        assert_eq!(
            decode_text("\u{FEFF}申請番号".as_bytes()).unwrap(),
            "申請番号"
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("申請番号,髙橋,①");
        assert_eq!(decode_text(&sjis).unwrap(), "申請番号,髙橋,①");
        assert!(decode_text(&[0x82, 0xFF, 0xFF, 0x80]).is_none());
    }

    fn rows_of(text: &str) -> Vec<Row> {
        rows_of_bytes(text.as_bytes())
    }

    fn rows_of_bytes(bytes: &[u8]) -> Vec<Row> {
        let decoded = decode_csv(bytes).unwrap();
        let mut rows = Vec::new();
        visit_csv(Path::new("t.csv"), &decoded, &mut |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn csv_rows_are_numbered_by_their_line() {
        for text in [
            "h1,h2\r\na,b\r\n\r\nc,d\r\n",
            "h1,h2\na,b\n\nc,d\n",
            "h1,h2\na,b\n,\nc,d",
        ] {
            let rows = rows_of(text);
            let idx: Vec<u32> = rows.iter().map(|r| r.index).collect();
            assert_eq!(idx, vec![0, 1, 3], "{text:?}");
        }
        // CR alone, as Excel for Mac's "CSV (Macintosh)" ends lines.
        let rows = rows_of("h1,h2\ra,b\r\rc,d\r");
        let idx: Vec<u32> = rows.iter().map(|r| r.index).collect();
        assert_eq!(idx, vec![0, 1, 3]);
        assert_eq!(rows[2].get(1), &Raw::Text("d".into()));
        // Mixed endings each count once.
        let rows = rows_of("h1\r\na\rb\nc");
        let idx: Vec<u32> = rows.iter().map(|r| r.index).collect();
        assert_eq!(idx, vec![0, 1, 2, 3]);
        let rows = rows_of("h1,h2\n\"multi\nline\",x\nc,d\n");
        let idx: Vec<u32> = rows.iter().map(|r| r.index).collect();
        assert_eq!(idx, vec![0, 1, 3]);
        assert_eq!(rows[1].get(0), &Raw::Text("multi\nline".into()));
    }

    #[test]
    fn a_bad_byte_marks_only_its_cell() {
        let mut sjis = encoding_rs::SHIFT_JIS
            .encode("申請番号,事業者名\r\nR5-1,髙橋商店\r\nR5-2,")
            .0
            .into_owned();
        let offset = sjis.len();
        sjis.extend_from_slice(&[0x82, 0xFF]);
        sjis.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("店\r\nR5-3,山田\r\n").0);
        let rows = rows_of_bytes(&sjis);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].get(1), &Raw::Text("髙橋商店".into()));
        let reason = rows[2].get(1).fault().expect("the bad cell is a fault");
        assert!(reason.contains("3行目"), "{reason}");
        assert!(
            reason.contains(&format!("{}バイト目", offset + 1)),
            "{reason}"
        );
        assert!(
            reason.contains("0x82") && reason.contains("Shift_JIS"),
            "{reason}"
        );
        assert_eq!(rows[2].get(0), &Raw::Text("R5-2".into()));
        assert_eq!(rows[3].get(1), &Raw::Text("山田".into()));

        let mut utf8 = "申請番号,事業者名\nR5-1,".as_bytes().to_vec();
        utf8.push(0xFF);
        utf8.extend_from_slice("商店\nR5-2,山田\n".as_bytes());
        let rows = rows_of_bytes(&utf8);
        let reason = rows[1].get(1).fault().expect("the bad cell is a fault");
        assert!(
            reason.contains("2行目") && reason.contains("UTF-8"),
            "{reason}"
        );
        assert_eq!(rows[2].get(1), &Raw::Text("山田".into()));
    }

    #[test]
    fn binary_is_not_text() {
        let noise: Vec<u8> = (0..4000u32)
            .map(|i| (i * 7919 % 251) as u8 | 0x80)
            .collect();
        assert!(decode_csv(&noise).is_none());
    }
}
