//! Ingestion: the city's exports (xlsx, xlsm, xls, xlsb, ods, csv) into typed
//! rows and [`InputError`]s.
//!
//! - [`source`]: opening a file and streaming its rows sparsely.
//! - [`header`]: finding the header row by column names and aliases.
//! - [`parse`]: cell values (dates and 和暦, yen, FY, 法人番号, email).
//! - [`rows`]: one row into one typed record.
//! - [`crossrow`]: duplicates and references between datasets.

pub(crate) mod columns;
pub(crate) mod crossrow;
pub(crate) mod cut;
pub(crate) mod diagnose;
pub(crate) mod guard;
pub(crate) mod header;
pub(crate) mod index;
pub mod parse;
pub(crate) mod raw;
pub(crate) mod rows;
mod sheet_rows;
pub(crate) mod source;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::catalogue::Catalogue;
use crate::job::InputSpec;
use crate::model::{Dataset, InputError, Inputs, RowOrigin};
use crate::text::SharedStr;
use crossrow::Headers;
use diagnose::HeaderDiagnosis;
use header::{HeaderMap, MAX_ROWS_BEFORE_HEADER};
pub(crate) use index::AppIndex;
use sheet_rows::read_rows;
use source::{Book, Row, SourceError};

/// Why an input could not be used at all (the run exits with status 2).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(
        "{path}: {dataset}の見出し行が見つかりません（先頭{limit}行に {required} の列名が必要です）{where_}"
    )]
    NoHeader {
        path: PathBuf,
        dataset: &'static str,
        required: String,
        limit: u32,
        where_: String,
    },
}

/// What was read from one input, for 概要 and the run history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSummary {
    pub dataset: Dataset,
    pub file: PathBuf,
    pub sheet: String,
    /// SHA-256 of the file's bytes, so a run can be tied to its exact input.
    pub sha256: String,
    /// Data rows (blank rows not counted).
    pub rows: usize,
    /// Rows rejected by an error.
    pub rejected: usize,
}

/// Everything a run reads.
#[derive(Debug, Clone, Default)]
pub struct Ingested {
    pub inputs: Inputs,
    pub summaries: Vec<InputSummary>,
    /// `inputs.applications` by 申請番号: built once here, where they are
    /// final, for every later lookup by 申請番号.
    pub by_id: AppIndex,
}

fn file_label(path: &Path) -> String {
    path.display().to_string()
}

/// The first of `sheet`'s top [`MAX_ROWS_BEFORE_HEADER`] rows that `matches`
/// accepts, as `matches` maps it: how a header row is found, whether the
/// dataset is known (`run`) or recognised from the headers (`check`).
fn first_header<T>(
    book: &mut Book,
    sheet: &str,
    matches: &dyn Fn(&Row) -> Option<T>,
) -> Result<Option<T>, SourceError> {
    let mut found = None;
    book.visit_rows(sheet, &mut |row| {
        if row.index >= MAX_ROWS_BEFORE_HEADER {
            return ControlFlow::Break(());
        }
        found = matches(&row);
        if found.is_some() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    Ok(found)
}

/// The file's SHA-256, read a buffer at a time (a full-sheet export is over
/// 100 MB: it is not held in memory to be hashed).
fn sha256_of(path: &Path) -> Result<String, SourceError> {
    let err = |e: std::io::Error| SourceError::Open {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match std::io::Read::read(&mut file, &mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(err(e)),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Finds the sheet and header of `dataset` in its opened input: the named
/// sheet, else the first sheet whose headers match.
fn locate(
    book: &mut Book,
    dataset: Dataset,
    spec: &InputSpec,
) -> Result<(String, HeaderMap), IngestError> {
    let candidates = match &spec.sheet {
        Some(s) => vec![s.clone()],
        None => book.sheet_names(),
    };
    for sheet in &candidates {
        let header = first_header(book, sheet, &|row| {
            header::match_header(dataset, row, &spec.aliases)
        })?;
        if let Some(h) = header {
            return Ok((sheet.clone(), h));
        }
    }
    Err(IngestError::NoHeader {
        path: spec.path.clone(),
        dataset: dataset.label(),
        required: crossrow::required_names(dataset),
        limit: MAX_ROWS_BEFORE_HEADER,
        where_: match &spec.sheet {
            Some(s) => format!("（シート「{s}」）"),
            None => format!("（どのシートにもありません: {}）", candidates.join("、")),
        },
    })
}

/// Accumulates sheets of any dataset, then applies the cross-row rules once.
#[derive(Default)]
struct Reader {
    out: Ingested,
    headers: Headers,
    /// The 申請番号 of every application row that was not accepted (rejected
    /// for its cells, or repeated), to tell a reference to an excluded
    /// application from one to an unknown 申請番号. Only these: the accepted
    /// ones are looked up among the applications themselves.
    excluded_app_ids: HashSet<String>,
    /// Which dataset each (file, sheet) was read as, for 入力エラー's 影響.
    datasets: HashMap<(String, String), Dataset>,
    /// Each input file opened once (guarded, its shared strings parsed) however
    /// many datasets it holds; let go by [`Reader::release`] after its last one.
    books: HashMap<PathBuf, Book>,
    /// SHA-256 of each input file, read and hashed once per run.
    hashes: HashMap<PathBuf, String>,
}

impl Reader {
    /// The opened book of `path`, taken out for use and handed back with
    /// [`Reader::keep`]; opened on first use. A file that fails to open is not
    /// remembered, so asking again gives the same error again.
    fn book(&mut self, path: &Path) -> Result<Book, SourceError> {
        if let Some(book) = self.books.remove(path) {
            return Ok(book);
        }
        if self.hashes.contains_key(path) {
            return Book::open(path);
        }
        // The file is hashed on a second core while it is guarded and
        // opened (both read it whole; neither needs the other).
        let (book, hash) = crate::parallel::both(|| Book::open(path), || sha256_of(path));
        // A failed hash is not kept: `sha256` tries again and reports it.
        if let Ok(h) = hash {
            self.hashes.insert(path.to_path_buf(), h);
        }
        book
    }

    fn keep(&mut self, book: Book) {
        self.books.insert(book.path().to_path_buf(), book);
    }

    /// Lets go of `path`'s opened book (its shared strings) once no dataset needs it.
    fn release(&mut self, path: &Path) {
        self.books.remove(path);
    }

    /// The SHA-256 of `path`'s bytes, computed on first use.
    fn sha256(&mut self, path: &Path) -> Result<String, SourceError> {
        if let Some(h) = self.hashes.get(path) {
            return Ok(h.clone());
        }
        let h = sha256_of(path)?;
        self.hashes.insert(path.to_path_buf(), h.clone());
        Ok(h)
    }

    /// Reads one sheet of `dataset` (the named one, else the first that matches).
    fn read(
        &mut self,
        dataset: Dataset,
        spec: &InputSpec,
        catalogue: &Catalogue,
    ) -> Result<(), IngestError> {
        let mut book = self.book(&spec.path)?;
        let result = self.read_book(&mut book, dataset, spec, catalogue);
        self.keep(book);
        result
    }

    fn read_book(
        &mut self,
        book: &mut Book,
        dataset: Dataset,
        spec: &InputSpec,
        catalogue: &Catalogue,
    ) -> Result<(), IngestError> {
        let (sheet, header) = locate(book, dataset, spec)?;
        let file = file_label(&spec.path);
        self.headers
            .by_sheet
            .insert((file, sheet.clone()), header.clone());
        let inputs = &mut self.out.inputs;
        let excluded = &mut self.excluded_app_ids;
        let rows = match dataset {
            Dataset::Applications => {
                let r = read_rows(book, &sheet, &header, &mut |c| {
                    let record = rows::application(c, catalogue);
                    if record.is_none()
                        && let Some(id) = c.id(columns::app::ID)
                    {
                        excluded.insert(id);
                    }
                    c.tag_errors(columns::app::ID, Some(columns::app::COMPANY));
                    record
                })?;
                append(&mut inputs.applications, r.records);
                append(&mut inputs.errors, r.errors);
                append(&mut inputs.warnings, r.warnings);
                r.rows
            }
            Dataset::Assets => {
                let r = read_rows(book, &sheet, &header, &mut |c| {
                    let record = rows::asset(c);
                    c.tag_errors(columns::asset::APPLICATION_ID, None);
                    record
                })?;
                append(&mut inputs.assets, r.records);
                append(&mut inputs.errors, r.errors);
                append(&mut inputs.warnings, r.warnings);
                r.rows
            }
            Dataset::EmploymentReports => {
                let mut held = Vec::new();
                let r = read_rows(book, &sheet, &header, &mut |c| {
                    let record = rows::employment_report(c);
                    held.extend(rows::rejected_report(c));
                    record
                })?;
                append(&mut inputs.employment_reports, r.records);
                append(&mut inputs.rejected_reports, held);
                append(&mut inputs.errors, r.errors);
                append(&mut inputs.warnings, r.warnings);
                r.rows
            }
            Dataset::Budgets => {
                let r = read_rows(book, &sheet, &header, &mut |c| rows::budget(c, catalogue))?;
                append(&mut inputs.budgets, r.records);
                append(&mut inputs.errors, r.errors);
                append(&mut inputs.warnings, r.warnings);
                r.rows
            }
        };
        self.datasets
            .insert((file_label(&spec.path), sheet.clone()), dataset);
        let sha256 = self.sha256(&spec.path)?;
        self.out.summaries.push(InputSummary {
            dataset,
            file: spec.path.clone(),
            sheet,
            sha256,
            rows,
            rejected: 0,
        });
        Ok(())
    }

    /// Applies the cross-row rules. `references`: whether assets and reports
    /// are matched to applications (`check` without an applications file
    /// cannot do that).
    fn finish(mut self, references: bool) -> Ingested {
        let started = std::time::Instant::now();
        let inputs = &mut self.out.inputs;
        let errors = &mut inputs.errors;
        let headers = &self.headers;
        inputs.applications = crossrow::unique_applications(
            std::mem::take(&mut inputs.applications),
            headers,
            errors,
            &mut self.excluded_app_ids,
        );
        inputs.budgets =
            crossrow::unique_budgets(std::mem::take(&mut inputs.budgets), headers, errors);
        let by_id = AppIndex::new(&inputs.applications);
        let apps = &inputs.applications;
        if references {
            inputs.assets = crossrow::link_assets(
                std::mem::take(&mut inputs.assets),
                apps,
                &by_id,
                &self.excluded_app_ids,
                headers,
                errors,
            );
            inputs.employment_reports = crossrow::link_reports(
                std::mem::take(&mut inputs.employment_reports),
                apps,
                &by_id,
                &self.excluded_app_ids,
                headers,
                errors,
            );
        }
        annotate_errors(errors, apps, &by_id, &self.datasets);
        annotate_errors(&mut inputs.warnings, apps, &by_id, &self.datasets);
        self.out.by_id = by_id;
        let kept = kept_by_sheet(&self.out.inputs);
        for s in &mut self.out.summaries {
            let k = kept
                .get(&(file_label(&s.file).into(), s.sheet.as_str().into()))
                .copied()
                .unwrap_or(0);
            s.rejected = s.rows.saturating_sub(k);
        }
        tracing::debug!(
            ms = started.elapsed().as_millis(),
            "cross-row rules applied"
        );
        self.out
    }
}

/// The rows kept of each (file, sheet), for [`InputSummary::rejected`].
/// Counted by runs of one sheet (rows of a sheet stand together), so a
/// million rows are not each hashed with their file and sheet names.
fn kept_by_sheet(inputs: &Inputs) -> HashMap<(SharedStr, SharedStr), usize> {
    let mut kept: HashMap<(SharedStr, SharedStr), usize> = HashMap::new();
    let mut count = |o: &RowOrigin, n: usize| {
        *kept.entry((o.file.clone(), o.sheet.clone())).or_default() += n;
    };
    let origins = Dataset::ALL
        .into_iter()
        .flat_map(|dataset| kept_origins(inputs, dataset));
    let mut run: Option<(&RowOrigin, usize)> = None;
    for o in origins {
        match &mut run {
            Some((first, n)) if first.sheet == o.sheet && first.file == o.file => *n += 1,
            _ => {
                if let Some((first, n)) = run.replace((o, 1)) {
                    count(first, n);
                }
            }
        }
    }
    if let Some((first, n)) = run {
        count(first, n);
    }
    kept
}

/// Where each kept row of `dataset` was read.
fn kept_origins(inputs: &Inputs, dataset: Dataset) -> Box<dyn Iterator<Item = &RowOrigin> + '_> {
    match dataset {
        Dataset::Applications => Box::new(inputs.applications.iter().map(|r| &r.origin)),
        Dataset::Assets => Box::new(inputs.assets.iter().map(|r| &r.origin)),
        Dataset::EmploymentReports => Box::new(inputs.employment_reports.iter().map(|r| &r.origin)),
        Dataset::Budgets => Box::new(inputs.budgets.iter().map(|r| &r.origin)),
    }
}

/// Fills what 入力エラー shows beside each error: the 申請番号 (from the
/// error's own value when the cell is the 申請番号), the 事業者名 from
/// 申請一覧, and what the rejection means tonight when the row's reader
/// did not already say.
fn annotate_errors(
    errors: &mut [InputError],
    apps: &[crate::model::Application],
    by_id: &AppIndex,
    datasets: &HashMap<(String, String), Dataset>,
) {
    for e in errors {
        if e.application_id.is_empty() && e.column == columns::app::ID.name {
            e.application_id = e.value.trim().to_string();
        }
        if e.company.is_empty()
            && let Some(app) = by_id.get(apps, e.application_id.as_str())
        {
            e.company = app.company.to_string();
        }
        if e.effect.is_empty() {
            let dataset = datasets.get(&(e.file.clone(), e.sheet.clone()));
            e.effect = effect_of(dataset.copied()).to_string();
        }
    }
}

/// What a rejected row of `dataset` means for the run.
fn effect_of(dataset: Option<Dataset>) -> &'static str {
    match dataset {
        Some(Dataset::Applications) => {
            "この申請は算定検証・集計・雇用状況報告・督促メールの対象から外れています"
        }
        Some(Dataset::Assets) => "この財産は処分制限の確認から外れています",
        Some(Dataset::EmploymentReports) => {
            "この報告は受付に数えていません。該当する報告は未提出として督促されることがあります"
        }
        Some(Dataset::Budgets) => "この予算は年度別集計に含めていません",
        None => "この行は集計から外れています",
    }
}

/// Reads every input of a job. A file that cannot be read, or has no header,
/// is an `Err`; bad rows are `InputError`s in the result.
pub fn read_inputs(
    specs: &BTreeMap<Dataset, InputSpec>,
    catalogue: &Catalogue,
) -> Result<Ingested, IngestError> {
    let mut reader = Reader::default();
    let specs: Vec<_> = specs.iter().collect();
    for (i, (dataset, spec)) in specs.iter().enumerate() {
        reader.read(**dataset, spec, catalogue)?;
        if specs[i + 1..]
            .iter()
            .all(|(_, later)| later.path != spec.path)
        {
            reader.release(&spec.path);
        }
    }
    Ok(reader.finish(true))
}

/// What `hojokin check` found in one file.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sheets recognised as a dataset, with their data rows.
    pub sheets: Vec<InputSummary>,
    pub errors: Vec<InputError>,
    /// Sheets not recognised as any dataset, each with why and the fix.
    pub unmatched: Vec<HeaderDiagnosis>,
    /// Values read leniently (rows kept): printed, but no exit status of their own.
    pub warnings: Vec<InputError>,
}

/// Checks files the way a run reads them, each sheet recognised by its
/// headers. References to applications are checked when an applications
/// sheet is among the files. One result per file, in order.
pub fn check_files(
    paths: &[PathBuf],
    catalogue: &Catalogue,
) -> Vec<(PathBuf, Result<CheckReport, IngestError>)> {
    let mut reader = Reader::default();
    let mut failed: HashMap<PathBuf, IngestError> = HashMap::new();
    let mut unmatched: HashMap<PathBuf, Vec<HeaderDiagnosis>> = HashMap::new();
    for (i, path) in paths.iter().enumerate() {
        let outcome = recognise_sheets(&mut reader, path).and_then(|(sheets, why)| {
            unmatched.insert(path.clone(), why);
            sheets.into_iter().try_for_each(|(sheet, dataset)| {
                let spec = InputSpec {
                    path: path.clone(),
                    sheet: Some(sheet),
                    aliases: BTreeMap::new(),
                    display: None,
                };
                reader.read(dataset, &spec, catalogue)
            })
        });
        if let Err(e) = outcome {
            failed.insert(path.clone(), e);
        }
        if paths[i + 1..].iter().all(|later| later != path) {
            reader.release(path);
        }
    }
    let has_apps = reader
        .out
        .summaries
        .iter()
        .any(|s| s.dataset == Dataset::Applications);
    let ingested = reader.finish(has_apps);
    paths
        .iter()
        .map(|path| {
            if let Some(e) = failed.remove(path) {
                return (path.clone(), Err(e));
            }
            let label = file_label(path);
            let report = CheckReport {
                sheets: ingested
                    .summaries
                    .iter()
                    .filter(|s| s.file == *path)
                    .cloned()
                    .collect(),
                errors: ingested
                    .inputs
                    .errors
                    .iter()
                    .filter(|e| e.file == label)
                    .cloned()
                    .collect(),
                unmatched: unmatched.remove(path).unwrap_or_default(),
                warnings: ingested
                    .inputs
                    .warnings
                    .iter()
                    .filter(|e| e.file == label)
                    .cloned()
                    .collect(),
            };
            (path.clone(), Ok(report))
        })
        .collect()
}

/// The sheets of one file recognised as a dataset, and why each other one is not.
type SheetsOfFile = (Vec<(String, Dataset)>, Vec<HeaderDiagnosis>);

/// Which dataset each sheet of a file holds, by its headers, and why each
/// other sheet is not one (never skipped in silence).
fn recognise_sheets(reader: &mut Reader, path: &Path) -> Result<SheetsOfFile, IngestError> {
    let mut book = reader.book(path)?;
    let mut found = Vec::new();
    let mut unmatched = Vec::new();
    let mut scanned = Ok(());
    for sheet in book.sheet_names() {
        let hit = first_header(&mut book, &sheet, &|row| {
            header::recognise(row).map(|(d, _)| d)
        });
        match hit {
            Ok(Some(d)) => found.push((sheet, d)),
            Ok(None) => match diagnose::diagnose(&mut book, &sheet, None, &BTreeMap::new()) {
                Ok(Some(why)) => unmatched.push(why),
                Ok(None) => {}
                Err(e) => {
                    scanned = Err(e);
                    break;
                }
            },
            Err(e) => {
                scanned = Err(e);
                break;
            }
        }
    }
    reader.keep(book);
    scanned?;
    Ok((found, unmatched))
}

/// Moves `more` onto the end of `all`; when `all` is still empty (the usual
/// case: one file per dataset) it takes `more`'s buffer as it is, where
/// `extend` would copy 200,000 records into a new one.
fn append<T>(all: &mut Vec<T>, mut more: Vec<T>) {
    if all.is_empty() {
        *all = more;
    } else {
        all.append(&mut more);
    }
}
