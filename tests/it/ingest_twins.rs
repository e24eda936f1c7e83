//! A messy export and its clean twin ingest to exactly the same typed rows;
//! broken files give a clear error naming the file, never a panic.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hojokin::Catalogue;
use hojokin::IngestError;
use hojokin::InputSpec;
use hojokin::{Dataset, Inputs, RowOrigin};

fn spec(path: PathBuf) -> InputSpec {
    InputSpec {
        path,
        sheet: None,
        aliases: BTreeMap::new(),
        display: None,
    }
}

fn read(apps: &str, reports: &str) -> Inputs {
    let dir = crate::support::repo().join("fixtures/twins");
    let specs = BTreeMap::from([
        (Dataset::Applications, spec(dir.join(apps))),
        (Dataset::EmploymentReports, spec(dir.join(reports))),
    ]);
    let ingested = hojokin::read_inputs(&specs, &Catalogue::builtin()).unwrap();
    let mut inputs = ingested.inputs;
    // Where a row came from differs by design; everything else must not.
    for a in &mut inputs.applications {
        a.origin = RowOrigin::default();
    }
    for r in &mut inputs.employment_reports {
        r.origin = RowOrigin::default();
    }
    inputs
}

#[test]
fn messy_and_clean_twins_give_the_same_rows() {
    let clean = read("clean.xlsx", "clean_reports.csv");
    let messy = read("messy.xlsx", "messy_reports.csv");
    assert!(clean.errors.is_empty(), "{:#?}", clean.errors);
    assert!(messy.errors.is_empty(), "{:#?}", messy.errors);
    assert!(
        clean.applications.len() >= 8,
        "{}",
        clean.applications.len()
    );
    assert!(clean.employment_reports.len() >= 3);
    assert_eq!(clean.applications, messy.applications);
    assert_eq!(clean.employment_reports, messy.employment_reports);
}

fn open_error(path: &Path) -> String {
    let specs = BTreeMap::from([(Dataset::Applications, spec(path.to_path_buf()))]);
    match hojokin::read_inputs(&specs, &Catalogue::builtin()) {
        Err(e @ (IngestError::Source(_) | IngestError::NoHeader { .. })) => e.to_string(),
        Ok(_) => panic!("{} was read", path.display()),
    }
}

#[test]
fn broken_files_are_named_errors_not_panics() {
    let dir = crate::support::repo().join("fixtures/broken");
    for (file, says) in [
        ("random.xlsx", "Excel ブックとして読めません"),
        ("truncated.xlsx", "Excel ブックとして読めません"),
        ("empty.xlsx", "ファイルが空です"),
    ] {
        let msg = open_error(&dir.join(file));
        assert!(msg.contains(file), "{msg}");
        assert!(msg.contains(says), "{msg}");
    }
}

#[test]
fn a_sparse_sheet_reads_its_one_row() {
    let path = crate::support::repo().join("fixtures/broken/sparse.xlsx");
    let specs = BTreeMap::from([(Dataset::Applications, spec(path))]);
    let ingested = hojokin::read_inputs(&specs, &Catalogue::builtin()).unwrap();
    assert_eq!(ingested.inputs.applications.len(), 1);
    assert!(
        ingested.inputs.errors.is_empty(),
        "{:#?}",
        ingested.inputs.errors
    );
    assert_eq!(ingested.summaries[0].rows, 1);
}

#[test]
fn check_reports_unreadable_files_with_status_2() {
    let sandbox = crate::support::Site::fixtures();
    let out = sandbox.run(
        &[
            "check",
            "fixtures/broken/random.xlsx",
            "fixtures/broken/empty.xlsx",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = crate::support::stdout(&out);
    assert!(
        text.contains("fixtures/broken/random.xlsx: Excel ブックとして読めません"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/broken/empty.xlsx: ファイルが空です"),
        "{text}"
    );
}
