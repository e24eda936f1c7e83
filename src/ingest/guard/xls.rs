//! Checks on an .xls (BIFF in an OLE compound file) before calamine opens it.
//!
//! calamine reads every sheet of an .xls at open and trusts what the file
//! declares: it follows sector chains without noticing a cycle (a 3 KB file
//! can make it grow a buffer forever), reserves room for a sheet's whole
//! DIMENSIONS record (an allocation that aborts the process), and lays each
//! sheet out as a dense grid from its first to its last cell (a stray cell
//! at column 65,535 is billions of cells). This module walks the container
//! and the records the way calamine does and refuses such a file first.

use super::MAX_LOADED_CELLS;

const MAGIC: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// Whether the bytes start like an OLE compound file.
pub(crate) fn is_cfb(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

fn u16_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The compound file as calamine sees it: sectors after the header.
struct Container<'a> {
    /// The bytes after the header, where sector 0 begins.
    body: &'a [u8],
    size: usize,
    maxid: u32,
}

impl Container<'_> {
    fn sector(&self, id: u32) -> &[u8] {
        let start = (id as usize).saturating_mul(self.size).min(self.body.len());
        let end = start.saturating_add(self.size).min(self.body.len());
        &self.body[start..end]
    }

    /// The bytes of a chain, up to `len`, as calamine's `get_chain` reads
    /// them. `Err` when calamine would loop (a sector visited twice before
    /// `len` is reached); `Ok(None)` when calamine stops with an error or a
    /// panic of its own (sector past the end, FAT index out of range).
    fn chain(&self, start: u32, fat: &[u32], len: usize) -> Result<Option<Vec<u8>>, String> {
        let mut seen = vec![false; self.maxid as usize + 1];
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if id > self.maxid {
                return Ok(None);
            }
            if std::mem::replace(&mut seen[id as usize], true) {
                return Err("セクタの連鎖が循環しています".into());
            }
            let s = self.sector(id);
            let take = s.len().min(len - out.len());
            out.extend_from_slice(&s[..take]);
            if out.len() >= len {
                break;
            }
            match fat.get(id as usize) {
                Some(next) => id = *next,
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// Checks a whole .xls file's bytes. `Err` is a reason for staff.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    check_records(&stream)
}

/// The Workbook (or Book) stream, or `None` when calamine will fail on the
/// container by itself.
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    if bytes.len() < 512 || !is_cfb(bytes) {
        return Ok(None);
    }
    let size: usize = match u16_at(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Ok(None),
    };
    if bytes.len() < size {
        return Ok(None);
    }
    let c = Container {
        body: &bytes[size..],
        size,
        maxid: u32::try_from(bytes.len() / size).unwrap_or(u32::MAX),
    };
    let field = |at| u32_at(bytes, at).unwrap_or(0);
    let (dir_start, minifat_start, minifat_len, difat_start) =
        (field(48), field(60), field(64) as usize, field(68));
    let Some(fat) = fat(bytes, &c, difat_start)? else {
        return Ok(None);
    };
    let Some(dirs) = c.chain(dir_start, &fat, usize::MAX)? else {
        return Ok(None);
    };
    let entries: Vec<&[u8]> = dirs.chunks_exact(128).collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let entry_len = |e: &[u8]| -> usize {
        let len = if size == 512 {
            u64::from(u32_at(e, 120).unwrap_or(0))
        } else {
            u64::from(u32_at(e, 120).unwrap_or(0)) | (u64::from(u32_at(e, 124).unwrap_or(0)) << 32)
        };
        usize::try_from(len).unwrap_or(usize::MAX)
    };
    let (mini_fat, mini_stream) = if minifat_len > 0 {
        let Some(stream) = c.chain(u32_at(root, 116).unwrap_or(0), &fat, entry_len(root))? else {
            return Ok(None);
        };
        let Some(mf) = c.chain(minifat_start, &fat, minifat_len.saturating_mul(size))? else {
            return Ok(None);
        };
        (u32s(&mf).collect::<Vec<_>>(), stream)
    } else {
        (Vec::new(), Vec::new())
    };
    for name in ["Workbook", "Book"] {
        let Some(e) = entries
            .iter()
            .find(|e| entry_name(e).eq_ignore_ascii_case(name))
        else {
            continue;
        };
        let (start, len) = (u32_at(e, 116).unwrap_or(0), entry_len(e));
        let stream = if len < 4096 {
            mini_chain(&mini_stream, &mini_fat, start, len)?
        } else {
            c.chain(start, &fat, len)?
        };
        if let Some(s) = stream {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// The file allocation table, read from the sectors the header and the DIFAT
/// chain (from `difat_start`) list; `None` when calamine will fail on the
/// container by itself.
fn fat(bytes: &[u8], c: &Container<'_>, difat_start: u32) -> Result<Option<Vec<u32>>, String> {
    let mut difat: Vec<u32> = u32s(&bytes[76..512]).collect();
    let mut id = difat_start;
    let mut hops = 0u32;
    while id < RESERVED {
        hops += 1;
        if hops > c.maxid.saturating_add(1) || id > c.maxid {
            return Ok(None);
        }
        difat.extend(u32s(c.sector(id)));
        id = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_sectors.len() > c.maxid as usize + 1 {
        return Err("割り当て表（FAT）の宣言がファイルの大きさを超えています".into());
    }
    if fat_sectors.iter().any(|id| *id > c.maxid) {
        return Ok(None);
    }
    Ok(Some(
        fat_sectors
            .iter()
            .flat_map(|id| u32s(c.sector(*id)))
            .collect(),
    ))
}

/// A directory entry's name as calamine compares it.
fn entry_name(e: &[u8]) -> String {
    let units: Vec<u16> = e[..64]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let name = String::from_utf16_lossy(&units);
    name.split('\0').next().unwrap_or_default().to_string()
}

/// A stream in the mini stream (64-byte sectors).
fn mini_chain(mini: &[u8], fat: &[u32], start: u32, len: usize) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    let mut id = start;
    let mut hops = 0usize;
    while id != END_OF_CHAIN && out.len() < len {
        hops += 1;
        let at = (id as usize).saturating_mul(64);
        if at.saturating_add(64) > mini.len() || hops > mini.len() / 64 + 1 {
            // calamine would read past its mini stream from wherever the
            // file reader stands: nothing to reason about, refused.
            return Err("ミニストリームの参照が範囲外です".into());
        }
        let take = 64.min(len - out.len());
        out.extend_from_slice(&mini[at..at + take]);
        match fat.get(id as usize) {
            Some(next) => id = *next,
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// One BIFF record: type and data (CONTINUE records are not needed here).
fn records(stream: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = u16_at(rest, 2)? as usize;
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

/// The sheets' records, as calamine's `parse_workbook` walks them.
fn check_records(stream: &[u8]) -> Result<(), String> {
    let mut positions = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x0085 => positions.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    let mut loaded: u64 = 0;
    for (n, pos) in positions.iter().enumerate() {
        let Some(sheet) = stream.get(*pos as usize..) else {
            continue;
        };
        let cells = check_sheet(sheet).map_err(|e| format!("{}枚目のシートの{e}", n + 1))?;
        loaded = loaded.saturating_add(cells);
    }
    if loaded > MAX_LOADED_CELLS {
        return Err(format!(
            "シートの使用範囲が合わせて{loaded}セルあり、読み込める上限（{MAX_LOADED_CELLS}セル）を超えています"
        ));
    }
    Ok(())
}

/// A sheet's dense size in cells, or why it is refused.
fn check_sheet(sheet: &[u8]) -> Result<u64, String> {
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut extend = |row: u32, col: u32| {
        bounds = Some(match bounds {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    };
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => check_dimensions(data)?,
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extend(r, c);
                }
            }
            0x00BD if data.len() >= 6 => {
                if let (Some(r), Some(c0), Some(c1)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len() - 2),
                ) {
                    extend(r, c0);
                    extend(r, c1);
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let Some((r0, r1, c0, c1)) = bounds else {
        return Ok(0);
    };
    let cells = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
    if cells > MAX_LOADED_CELLS {
        return Err(format!(
            "使用範囲（{}）が{cells}セルあり、読み込める上限（{MAX_LOADED_CELLS}セル）を超えています",
            range_label(r0, c0, r1, c1)
        ));
    }
    Ok(cells)
}

/// The DIMENSIONS record, checked as calamine's `parse_dimensions` reads it
/// before reserving `rows × columns` cells.
fn check_dimensions(r: &[u8]) -> Result<(), String> {
    let (rf, rl, cf, cl) = match r.len() {
        10 => (u16_at(r, 0), u16_at(r, 2), u16_at(r, 4), u16_at(r, 6)),
        14 | 16 => (u32_at(r, 0), u32_at(r, 4), u16_at(r, 8), u16_at(r, 10)),
        _ => return Ok(()),
    };
    let (Some(rf), Some(rl), Some(cf0), Some(cl)) = (rf, rl, cf, cl) else {
        return Ok(());
    };
    let cf = if 0xFF < cf0 || cl < cf0 { 0 } else { cf0 };
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    let declared = format!("シートの大きさの宣言（DIMENSIONS: 行{rf}〜{rl}、列{cf}〜{cl}）");
    if rl - 1 < rf {
        return Err(format!("{declared}が壊れています"));
    }
    let cells = u64::from(rl - rf) * u64::from(cl - cf);
    if cells > MAX_LOADED_CELLS {
        return Err(format!(
            "{declared}が{cells}セルあり、読み込める上限（{MAX_LOADED_CELLS}セル）を超えています"
        ));
    }
    Ok(())
}

fn range_label(r0: u32, c0: u32, r1: u32, c1: u32) -> String {
    format!(
        "{}:{}",
        crate::ingest::raw::a1(r0, c0),
        crate::ingest::raw::a1(r1, c1)
    )
}
