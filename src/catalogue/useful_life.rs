//! 法定耐用年数: the table of 減価償却資産の耐用年数等に関する省令 (別表第一・第二・第三)
//! and the resolution of an asset's 耐用年数区分 text to one of its rows.
//!
//! The table ships inside the binary (`data/useful_life.csv`, with a `source` column naming
//! where each row was transcribed from), so a nightly run never depends on a file beside it.
//!
//! # How a 耐用年数区分 text is resolved
//!
//! Both the text and the table are normalised the same way ([`normalize`]): NFKC, then spaces
//! and the separators `/` `|` `>` removed, then small kana folded to full size, because the
//! 省令 writes ソフトウエア, じゆうたん, ブロツク where staff write ソフトウェア, じゅうたん,
//! ブロック. Each row is a path of components: 表 / 種類 / 構造又は用途 / 細目, the 細目 split
//! further at its `／` levels (e.g. 電子計算機 ／ パーソナルコンピュータ…).
//!
//! 1. **Exact**: the text equals a contiguous run of a row's components, joined. So the 細目
//!    alone (エレベーター), a 構造又は用途 without 細目 (給排水又は衛生設備及びガス設備), a whole
//!    path with or without the 表 (別表第一 建物附属設備 / 昇降機設備 / エレベーター) and a group
//!    name (昇降機設備, 金属製品製造業用設備) all match exactly; a group name matches every row
//!    under it.
//! 2. **Partial**, only when nothing matched exactly: a row matches when the text lies inside
//!    its joined path, or when some of its components (not the 表 name) appear in the text.
//!    A row covers the text positions its components occupy (all of them for the first kind);
//!    a row whose covered positions are a strict subset of another matching row's is dropped as
//!    less specific, so "器具及び備品 2 インターホーン及び放送用設備" picks the intercom row
//!    rather than every 器具及び備品 row.
//!
//! The rows left from a step are one answer when they all carry the same years (e.g.
//! その他の設備／主として金属製のもの is 17 years under every industry that has it): the first of
//! them in table order stands for all. Rows with different years are [`Resolution::Ambiguous`]:
//! the city decides and gives 法定耐用年数 explicitly, which always wins over the table.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// The table, transcribed from the 省令 with its sources.
const TABLE_CSV: &str = include_str!("../../data/useful_life.csv");

const HEADER: [&str; 7] = [
    "table",
    "category",
    "structure_or_use",
    "detail",
    "years",
    "source",
    "note",
];

/// Characters that only separate levels when staff write a path by hand.
const SEPARATORS: [char; 3] = ['/', '|', '>'];

/// How many candidates an ambiguity message names before "ほか…".
const SHOWN_CANDIDATES: usize = 3;

/// One row of the useful-life table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UsefulLifeRow {
    /// 別表第一, 別表第二 or 別表第三.
    pub table: String,
    /// 種類 (建物附属設備, 機械及び装置（16）, ソフトウエア …).
    pub category: String,
    /// 構造又は用途 (may be empty).
    pub structure_or_use: String,
    /// 細目, levels separated by `／` (may be empty).
    pub detail: String,
    /// 耐用年数.
    pub years: u32,
    /// Where the row was transcribed from.
    pub source: String,
    /// How the row is read in practice (may be empty).
    pub note: String,
    /// Normalised path components: 表, 種類, 構造又は用途, each 細目 level; empty ones left out.
    parts: Vec<String>,
}

impl UsefulLifeRow {
    /// The row as staff read it: 種類／構造又は用途／細目, empty levels left out.
    pub(crate) fn label(&self) -> String {
        [&self.category, &self.structure_or_use, &self.detail]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("／")
    }
}

/// A row of the compiled-in table that does not parse (a build-time data bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("useful_life.csv line {line}: {reason}")]
pub(crate) struct TableError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
struct RawRow {
    table: String,
    category: String,
    structure_or_use: String,
    detail: String,
    years: u32,
    source: String,
    note: String,
}

/// Parses a useful-life CSV (header `table,category,structure_or_use,detail,years,source,note`).
pub(crate) fn parse(csv_text: &str) -> Result<Vec<UsefulLifeRow>, TableError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let header = reader.headers().map_err(|e| TableError {
        line: 1,
        reason: e.to_string(),
    })?;
    if header.iter().ne(HEADER) {
        return Err(TableError {
            line: 1,
            reason: format!("header must be {}", HEADER.join(",")),
        });
    }
    let mut rows = Vec::new();
    for record in reader.deserialize::<RawRow>() {
        let raw = record.map_err(|e| TableError {
            line: e.position().map_or(0, csv::Position::line),
            reason: e.to_string(),
        })?;
        let line = u64::try_from(rows.len())
            .unwrap_or(u64::MAX)
            .saturating_add(2);
        rows.push(build_row(raw).map_err(|reason| TableError { line, reason })?);
    }
    Ok(rows)
}

fn build_row(raw: RawRow) -> Result<UsefulLifeRow, String> {
    if raw.table.trim().is_empty() || raw.category.trim().is_empty() {
        return Err("table and category are required".into());
    }
    if raw.years == 0 {
        return Err("years must be at least 1".into());
    }
    if raw.source.trim().is_empty() {
        return Err("source is required".into());
    }
    let parts = [&raw.table, &raw.category, &raw.structure_or_use]
        .into_iter()
        .map(String::as_str)
        .chain(raw.detail.split('／'))
        .map(normalize)
        .filter(|p| !p.is_empty())
        .collect();
    Ok(UsefulLifeRow {
        table: raw.table,
        category: raw.category,
        structure_or_use: raw.structure_or_use,
        detail: raw.detail,
        years: raw.years,
        source: raw.source,
        note: raw.note,
        parts,
    })
}

/// The compiled-in table with its exact-match index, built once on first use.
static TABLE: LazyLock<Indexed> = LazyLock::new(|| {
    Indexed::new(parse(TABLE_CSV).unwrap_or_else(|e| {
        // A unit test parses the same text, so this only guards a broken build.
        tracing::error!("compiled-in useful-life table does not parse: {e}");
        Vec::new()
    }))
});

/// The compiled-in table, parsed on first use.
pub(crate) fn table() -> &'static [UsefulLifeRow] {
    &TABLE.rows
}

/// Rows and, for an exact match in one lookup, every contiguous run of each row's
/// components joined → the rows (in table order) that have it. 218 rows of at most
/// six components make a few thousand keys, built once per process.
#[derive(Debug)]
struct Indexed {
    rows: Vec<UsefulLifeRow>,
    runs: HashMap<String, Vec<usize>>,
}

impl Indexed {
    fn new(rows: Vec<UsefulLifeRow>) -> Self {
        let mut runs: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            for start in 0..row.parts.len() {
                let mut joined = String::new();
                for part in &row.parts[start..] {
                    joined.push_str(part);
                    let holders = runs.entry(joined.clone()).or_default();
                    // A row whose runs repeat a text is still one row.
                    if holders.last() != Some(&i) {
                        holders.push(i);
                    }
                }
            }
        }
        Indexed { rows, runs }
    }
}

/// The form in which texts are compared (see the module documentation).
pub(crate) fn normalize(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !SEPARATORS.contains(c))
        .map(full_size_kana)
        .collect()
}

fn full_size_kana(c: char) -> char {
    match c {
        'ぁ' => 'あ',
        'ぃ' => 'い',
        'ぅ' => 'う',
        'ぇ' => 'え',
        'ぉ' => 'お',
        'っ' => 'つ',
        'ゃ' => 'や',
        'ゅ' => 'ゆ',
        'ょ' => 'よ',
        'ゎ' => 'わ',
        'ァ' => 'ア',
        'ィ' => 'イ',
        'ゥ' => 'ウ',
        'ェ' => 'エ',
        'ォ' => 'オ',
        'ッ' => 'ツ',
        'ャ' => 'ヤ',
        'ュ' => 'ユ',
        'ョ' => 'ヨ',
        'ヮ' => 'ワ',
        other => other,
    }
}

/// What a 耐用年数区分 text resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// One row, or several that all carry the same years (the first stands for them).
    One(&'static UsefulLifeRow),
    /// Rows with different years, in table order.
    Ambiguous(Vec<&'static UsefulLifeRow>),
    Unknown,
}

/// Distinct texts remembered per thread. An export holds a handful of distinct
/// 耐用年数区分 texts over tens of thousands of rows; past this many the rest
/// are resolved without being remembered, so memory stays bounded.
const CACHED_TEXTS: usize = 4_096;

thread_local! {
    /// Text as written → its resolution, so a repeated text costs one lookup.
    static RESOLVED: RefCell<HashMap<Box<str>, Resolution>> = RefCell::new(HashMap::new());
}

/// Resolves a 耐用年数区分 text against the compiled-in table.
pub(crate) fn resolve(text: &str) -> Resolution {
    if let Some(hit) = RESOLVED.with(|c| c.borrow().get(text).cloned()) {
        return hit;
    }
    let resolution = resolve_in(&TABLE, text);
    RESOLVED.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() < CACHED_TEXTS {
            cache.insert(text.into(), resolution.clone());
        }
    });
    resolution
}

fn resolve_in(table: &'static Indexed, text: &str) -> Resolution {
    let key = normalize(text);
    if key.is_empty() {
        return Resolution::Unknown;
    }
    if let Some(holders) = table.runs.get(&key) {
        return decide(holders.iter().map(|i| &table.rows[*i]).collect());
    }
    decide(most_specific_partial(&table.rows, &key))
}

/// Text positions (bytes) a row accounts for, or None when the row does not match at all.
fn coverage(row: &UsefulLifeRow, key: &str) -> Option<Vec<bool>> {
    if row.parts.concat().contains(key) {
        return Some(vec![true; key.len()]);
    }
    let mut covered = vec![false; key.len()];
    let mut any = false;
    // The 表 name (別表第一) says nothing about which row is meant.
    for part in row.parts.iter().skip(1) {
        for (at, found) in key.match_indices(part.as_str()) {
            covered[at..at + found.len()].fill(true);
            any = true;
        }
    }
    any.then_some(covered)
}

fn most_specific_partial(rows: &'static [UsefulLifeRow], key: &str) -> Vec<&'static UsefulLifeRow> {
    let matches: Vec<_> = rows
        .iter()
        .filter_map(|r| coverage(r, key).map(|c| (r, c)))
        .collect();
    matches
        .iter()
        .filter(|(_, mine)| !matches.iter().any(|(_, other)| strict_subset(mine, other)))
        .map(|(row, _)| *row)
        .collect()
}

fn strict_subset(a: &[bool], b: &[bool]) -> bool {
    a != b && a.iter().zip(b).all(|(x, y)| !*x || *y)
}

fn decide(rows: Vec<&'static UsefulLifeRow>) -> Resolution {
    match rows.first() {
        None => Resolution::Unknown,
        Some(first) if rows.iter().all(|r| r.years == first.years) => Resolution::One(first),
        Some(_) => Resolution::Ambiguous(rows),
    }
}

/// The 入力エラー reason when `text` did not resolve to one number of years; None when it did.
pub(crate) fn unresolved_reason(r: &Resolution, text: &str) -> Option<String> {
    match r {
        Resolution::One(_) => None,
        Resolution::Unknown if normalize(text).is_empty() => Some(
            "耐用年数区分が空欄のため、法定耐用年数が分かりません。耐用年数区分か法定耐用年数を入力してください。"
                .to_string(),
        ),
        Resolution::Unknown => Some(format!(
            "耐用年数区分「{text}」は耐用年数表のどの行にも当てはまりません。表の区分名（例: 給排水又は衛生設備及びガス設備、エレベーター）で書くか、法定耐用年数を入力してください。"
        )),
        Resolution::Ambiguous(rows) => Some(ambiguous_reason(rows, text)),
    }
}

fn ambiguous_reason(rows: &[&UsefulLifeRow], text: &str) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(SHOWN_CANDIDATES)
        .map(|r| format!("{}（{}年）", r.label(), r.years))
        .collect();
    let rest = rows.len().saturating_sub(SHOWN_CANDIDATES);
    let more = if rest > 0 {
        format!(" ほか{rest}行")
    } else {
        String::new()
    };
    format!(
        "耐用年数区分「{text}」は耐用年数表の{}行に当てはまり、耐用年数が一つに決まりません（候補: {}{more}）。より詳しい区分を書くか、法定耐用年数を入力してください。",
        rows.len(),
        shown.join("、")
    )
}

#[cfg(test)]
mod tests;
