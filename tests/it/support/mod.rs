//! Shared helpers for the integration tests: the sandboxed site and the real
//! binary run in it ([`site`], [`bin`]), the workbook it wrote read back with
//! calamine (here) or dumped as text ([`dump`]), the SMTP server ([`smtp`])
//! and hand-built hostile files ([`faults`]).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub(crate) mod bin;
pub(crate) mod dump;
pub(crate) mod faults;
pub(crate) mod own_process;
pub(crate) mod site;
pub(crate) mod smtp;

pub(crate) use site::{Site, repo};

use std::path::Path;
use std::process::Output;

use calamine::{Data, Reader, open_workbook_auto};

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One sheet of a written workbook, as rows of cells.
pub(crate) struct Sheet {
    pub rows: Vec<Vec<Data>>,
}

pub(crate) fn read_sheet(path: &Path, name: &str) -> Sheet {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    Sheet {
        rows: range.rows().map(<[Data]>::to_vec).collect(),
    }
}

pub(crate) fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path).unwrap().sheet_names()
}

impl Sheet {
    /// Index of the header row: the first row whose first cell is `first`.
    pub(crate) fn header_row(&self, first: &str) -> usize {
        self.rows
            .iter()
            .position(|r| r.first().is_some_and(|c| *c == first))
            .unwrap_or_else(|| panic!("no header starting with {first}"))
    }

    /// The header names of the table whose first column is `first`.
    pub(crate) fn header(&self, first: &str) -> Vec<String> {
        self.rows[self.header_row(first)]
            .iter()
            .map(ToString::to_string)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Data rows below the header starting with `first`, as maps by column name.
    pub(crate) fn records(&self, first: &str) -> Vec<Record> {
        let h = self.header_row(first);
        let names = self.header(first);
        self.rows[h + 1..]
            .iter()
            .take_while(|r| r.iter().any(|c| *c != Data::Empty))
            .map(|r| Record {
                cells: names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), r.get(i).cloned().unwrap_or(Data::Empty)))
                    .collect(),
            })
            .collect()
    }
}

/// One data row by column name.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub cells: Vec<(String, Data)>,
}

impl Record {
    pub(crate) fn get(&self, column: &str) -> &Data {
        &self
            .cells
            .iter()
            .find(|(n, _)| n == column)
            .unwrap_or_else(|| panic!("no column {column}"))
            .1
    }

    /// The cell as text ("" when empty; numbers without ".0").
    pub(crate) fn text(&self, column: &str) -> String {
        match self.get(column) {
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            other => other.to_string(),
        }
    }

    /// A number cell as whole yen.
    pub(crate) fn yen(&self, column: &str) -> Option<i64> {
        match self.get(column) {
            Data::Float(f) => Some(*f as i64),
            Data::Int(i) => Some(*i),
            Data::Empty => None,
            other => panic!("{column} is not a number: {other:?}"),
        }
    }

    /// A date cell (must be a real date cell, not text).
    pub(crate) fn date(&self, column: &str) -> Option<chrono::NaiveDate> {
        match self.get(column) {
            // Excel's 1900 system, for dates after 1900-02-28.
            Data::DateTime(d) => Some(
                chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                    + chrono::Days::new(d.as_f64().floor() as u64),
            ),
            Data::Empty => None,
            other => panic!("{column} is not a date cell: {other:?}"),
        }
    }
}

/// The records of `sheet` whose `key` column equals `value`.
pub(crate) fn find<'a>(records: &'a [Record], key: &str, value: &str) -> Vec<&'a Record> {
    records.iter().filter(|r| r.text(key) == value).collect()
}

/// The applications (and the input errors) of a 申請一覧 CSV given as text,
/// read through the same ingest as a night: the tests' one way to make
/// `Application`s from an export's rows.
pub(crate) fn read_applications_csv(csv: &str) -> hojokin::Inputs {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("申請一覧.csv");
    std::fs::write(&path, csv).unwrap();
    let specs = std::collections::BTreeMap::from([(
        hojokin::Dataset::Applications,
        hojokin::InputSpec {
            path,
            sheet: None,
            aliases: std::collections::BTreeMap::new(),
            display: None,
        },
    )]);
    hojokin::read_inputs(&specs, &hojokin::Catalogue::builtin())
        .unwrap()
        .inputs
}
