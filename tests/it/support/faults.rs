//! Builders for hostile and odd input files, shared by the fault tests and
//! the fuzz loop: xlsx via rust_xlsxwriter then edited part by part, .xls
//! and .ods written by hand (no writer in the tree makes them).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::{Format, Workbook};

/// An xlsx with one sheet (`Sheet1`) holding `rows` as strings.
pub(crate) fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *v)
                .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Every part of a zip, in order.
pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut body = Vec::new();
            f.read_to_end(&mut body).unwrap();
            (name, body)
        })
        .collect()
}

/// A zip of `parts`, deflated.
pub(crate) fn zip_of(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The zip with each part passed through `edit(name, body)`.
pub(crate) fn rezip(bytes: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let parts: Vec<(String, Vec<u8>)> = unzip(bytes)
        .into_iter()
        .map(|(n, b)| {
            let b = edit(&n, b);
            (n, b)
        })
        .collect();
    zip_of(&parts)
}

/// The first `name="…"` attribute of an XML part set to `value`.
pub(crate) fn set_attr(body: &[u8], name: &str, value: &str) -> Vec<u8> {
    let s = String::from_utf8(body.to_vec()).unwrap();
    let key = format!(" {name}=\"");
    let start = s.find(&key).expect("attribute present") + key.len();
    let end = start + s[start..].find('"').unwrap();
    format!("{}{value}{}", &s[..start], &s[end..]).into_bytes()
}

/// An xlsx whose workbook uses the 1904 date system, with `serials` (in
/// that system) down column A formatted as dates.
pub(crate) fn xlsx_1904_dates(serials: &[f64]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy/mm/dd");
    for (r, v) in serials.iter().enumerate() {
        ws.write_number_with_format(u32::try_from(r).unwrap(), 0, *v, &date)
            .unwrap();
    }
    let plain = wb.save_to_buffer().unwrap();
    rezip(&plain, |name, body| {
        if name == "xl/workbook.xml" {
            let s = String::from_utf8(body).unwrap();
            let s = if s.contains("<workbookPr ") {
                s.replacen("<workbookPr ", "<workbookPr date1904=\"1\" ", 1)
            } else {
                s.replacen("<bookViews>", "<workbookPr date1904=\"1\"/><bookViews>", 1)
            };
            assert!(s.contains("date1904"), "{s}");
            s.into_bytes()
        } else {
            body
        }
    })
}

/// An employment-report sheet whose D2 (新規採用者数（女性）, optional) is
/// the formula `=1+1`.
pub(crate) fn xlsx_with_formula() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let header = [
        "申請番号",
        "報告年度",
        "受付日",
        "新規採用者数（女性）",
        "新規採用者数（障がい者）",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    ws.write_string(1, 0, "R4-201").unwrap();
    ws.write_string(1, 1, "令和5年度").unwrap();
    ws.write_string(1, 2, "2023/04/20").unwrap();
    ws.write_formula(1, 3, "=1+1").unwrap();
    ws.write_number(1, 4, 0.0).unwrap();
    wb.save_to_buffer().unwrap()
}

/// A sheet part with every formula's cached `<v>…</v>` removed, as a
/// library that leaves calculation to Excel writes it.
pub(crate) fn strip_cached_values(body: &[u8]) -> Vec<u8> {
    let s = String::from_utf8(body.to_vec()).unwrap();
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(f) = rest.find("</f>") {
        let (head, tail) = rest.split_at(f + 4);
        out.push_str(head);
        rest = tail;
        if rest.starts_with("<v>") {
            let end = rest.find("</v>").unwrap() + 4;
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    assert!(out.contains("<f>"), "{out}");
    out.into_bytes()
}

pub(crate) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// --- .xls: BIFF8 records in an OLE compound file -----------------------

/// One BIFF record.
pub(crate) fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
    r.extend_from_slice(data);
    r
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = 0x0600u16.to_le_bytes().to_vec();
    d.extend_from_slice(&dt.to_le_bytes());
    d.extend_from_slice(&[0u8; 12]);
    biff(0x0809, &d)
}

/// A Workbook stream: globals with one BoundSheet8 named `Sheet1`, then the
/// sheet: optional DIMENSIONS (first row, last row + 1, first col, last
/// col + 1), NUMBER cells, EOF. `sheet_at` overrides the sheet's offset.
pub(crate) fn workbook_stream(
    dims: Option<(u32, u32, u16, u16)>,
    cells: &[(u16, u16, f64)],
    sheet_at: Option<u32>,
) -> Vec<u8> {
    let name = b"Sheet1";
    let bound_len = 4 + 4 + 4 + name.len();
    let globals_len = 20 + bound_len + 4;
    let mut bound = sheet_at
        .unwrap_or(u32::try_from(globals_len).unwrap())
        .to_le_bytes()
        .to_vec();
    bound.extend_from_slice(&[0, 0, u8::try_from(name.len()).unwrap(), 0]);
    bound.extend_from_slice(name);
    let mut s = bof(0x0005);
    s.extend(biff(0x0085, &bound));
    s.extend(biff(0x000A, &[]));
    assert_eq!(s.len(), globals_len);
    s.extend(bof(0x0010));
    if let Some((rf, rl, cf, cl)) = dims {
        let mut d = rf.to_le_bytes().to_vec();
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        s.extend(biff(0x0200, &d));
    }
    for (r, c, v) in cells {
        let mut d = r.to_le_bytes().to_vec();
        d.extend_from_slice(&c.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&v.to_le_bytes());
        s.extend(biff(0x0203, &d));
    }
    s.extend(biff(0x000A, &[]));
    // Past the mini-stream cutoff, so the stream lives in plain sectors.
    while s.len() < 4200 {
        s.extend(biff(0x00EF, &[0u8; 100]));
    }
    s
}

/// An .xls: `workbook_stream` in a version-3 compound file with 512-byte
/// sectors: sector 0 the FAT, sector 1 the directory, then the stream.
pub(crate) fn cfb(stream: &[u8]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let sectors = stream.len().div_ceil(512);
    assert!(sectors + 2 <= 128, "one FAT sector");
    let mut out = vec![0u8; 512];
    out[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    let put = |out: &mut Vec<u8>, at: usize, v: &[u8]| out[at..at + v.len()].copy_from_slice(v);
    put(&mut out, 24, &0x003Eu16.to_le_bytes());
    put(&mut out, 26, &3u16.to_le_bytes());
    put(&mut out, 28, &0xFFFEu16.to_le_bytes());
    put(&mut out, 30, &9u16.to_le_bytes());
    put(&mut out, 32, &6u16.to_le_bytes());
    put(&mut out, 44, &1u32.to_le_bytes());
    put(&mut out, 48, &1u32.to_le_bytes());
    put(&mut out, 56, &4096u32.to_le_bytes());
    put(&mut out, 60, &END.to_le_bytes());
    put(&mut out, 64, &0u32.to_le_bytes());
    put(&mut out, 68, &END.to_le_bytes());
    put(&mut out, 72, &0u32.to_le_bytes());
    put(&mut out, 76, &0u32.to_le_bytes());
    for i in 1..109 {
        put(&mut out, 76 + 4 * i, &FREE.to_le_bytes());
    }
    // FAT.
    let mut fat = vec![0xFFFF_FFFDu32, END];
    for i in 0..sectors {
        fat.push(if i + 1 == sectors {
            END
        } else {
            u32::try_from(i + 3).unwrap()
        });
    }
    fat.resize(128, FREE);
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // Directory: root, Workbook, two empty entries.
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        let len = u16::try_from((units.len() + 1) * 2).unwrap();
        e[64..66].copy_from_slice(&len.to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry(
        "Workbook",
        2,
        FREE,
        2,
        u32::try_from(stream.len()).unwrap(),
    ));
    out.extend(entry("", 0, FREE, 0, 0));
    out.extend(entry("", 0, FREE, 0, 0));
    let mut body = stream.to_vec();
    body.resize(sectors * 512, 0);
    out.extend(body);
    out
}

/// A small .xls whose Workbook stream (under 4,096 bytes) lives in the
/// mini stream, as Excel stores small workbooks: sector 0 the FAT, 1 the
/// directory, 2 the mini FAT, then the mini stream's container.
pub(crate) fn cfb_mini(stream: &[u8]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    assert!(stream.len() < 4096);
    let minis = stream.len().div_ceil(64);
    let container = (minis * 64).div_ceil(512);
    let mut out = cfb(&[0u8; 4200]);
    out.truncate(512);
    out[60..64].copy_from_slice(&2u32.to_le_bytes());
    out[64..68].copy_from_slice(&1u32.to_le_bytes());
    let mut fat = vec![0xFFFF_FFFDu32, END, END];
    for i in 0..container {
        fat.push(if i + 1 == container {
            END
        } else {
            u32::try_from(i + 4).unwrap()
        });
    }
    fat.resize(128, FREE);
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: usize| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        let len = u16::try_from((units.len() + 1) * 2).unwrap();
        e[64..66].copy_from_slice(&len.to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&u32::try_from(size).unwrap().to_le_bytes());
        e
    };
    out.extend(entry("Root Entry", 5, 1, 3, minis * 64));
    out.extend(entry("Workbook", 2, FREE, 0, stream.len()));
    out.extend(entry("", 0, FREE, 0, 0));
    out.extend(entry("", 0, FREE, 0, 0));
    let mut minifat: Vec<u32> = (0..minis)
        .map(|i| {
            if i + 1 == minis {
                END
            } else {
                u32::try_from(i + 1).unwrap()
            }
        })
        .collect();
    minifat.resize(128, FREE);
    for v in minifat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut body = stream.to_vec();
    body.resize(container * 512, 0);
    out.extend(body);
    out
}

/// A Workbook stream small enough for the mini stream.
pub(crate) fn small_workbook_stream(
    dims: (u32, u32, u16, u16),
    cells: &[(u16, u16, f64)],
) -> Vec<u8> {
    let mut s = workbook_stream(Some(dims), cells, None);
    // Drop the padding records that push `workbook_stream` past 4,096 bytes.
    let pad = biff(0x00EF, &[0u8; 100]);
    while s.ends_with(&pad) {
        s.truncate(s.len() - pad.len());
    }
    s
}

pub(crate) fn xls(dims: Option<(u32, u32, u16, u16)>, cells: &[(u16, u16, f64)]) -> Vec<u8> {
    cfb(&workbook_stream(dims, cells, None))
}

pub(crate) fn xls_with_sheet_at(pos: u32) -> Vec<u8> {
    cfb(&workbook_stream(
        Some((0, 1, 0, 1)),
        &[(0, 0, 1.0)],
        Some(pos),
    ))
}

// --- .ods -----------------------------------------------------------------

pub(crate) fn ods_row(values: &[&str]) -> String {
    let cells: String = values
        .iter()
        .map(|v| {
            format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>"
            )
        })
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

/// An .ods with one table `Sheet1` holding `rows` (table-row elements).
pub(crate) fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
<office:body><office:spreadsheet><table:table table:name=\"Sheet1\">{rows}</table:table>\
</office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
</manifest:manifest>";
    zip_of(&[
        (
            "mimetype".into(),
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("META-INF/manifest.xml".into(), manifest.as_bytes().to_vec()),
        ("content.xml".into(), content.into_bytes()),
    ])
}
