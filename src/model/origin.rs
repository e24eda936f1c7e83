//! Which export a row belongs to ([`Dataset`]) and where in it the row sits
//! ([`RowOrigin`]).
//!
//! Every input row carries its origin so that any later finding or rejection
//! can name the file, sheet and row at fault; the pair is its own module
//! because every other row type, and ingestion's error reports, lean on it.

use crate::text::SharedStr;

/// The four datasets of the contract's "Input workbooks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    Applications,
    Assets,
    EmploymentReports,
    Budgets,
}

impl Dataset {
    pub const ALL: [Dataset; 4] = [
        Dataset::Applications,
        Dataset::Assets,
        Dataset::EmploymentReports,
        Dataset::Budgets,
    ];

    /// The key used in job files (`[inputs.applications]`).
    pub fn key(self) -> &'static str {
        match self {
            Dataset::Applications => "applications",
            Dataset::Assets => "assets",
            Dataset::EmploymentReports => "employment_reports",
            Dataset::Budgets => "budgets",
        }
    }

    /// The Japanese name staff know the export by.
    pub fn label(self) -> &'static str {
        match self {
            Dataset::Applications => "申請一覧",
            Dataset::Assets => "取得財産",
            Dataset::EmploymentReports => "雇用状況報告",
            Dataset::Budgets => "予算",
        }
    }
}

/// Where a row came from, so any later finding can point staff at it. The file and
/// sheet names are shared by every row of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowOrigin {
    pub file: SharedStr,
    pub sheet: SharedStr,
    /// 1-based Excel row number.
    pub row: u32,
}

/// The sheet of `file` as staff are shown it: a CSV has none (its "sheet" is
/// the file's stem, internal only), so nothing is shown for it.
pub(crate) fn shown_sheet<'a>(file: &str, sheet: &'a str) -> &'a str {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        ""
    } else {
        sheet
    }
}

/// 「file「sheet」の」 or, for a CSV, 「file の」: where a row is, in a sentence.
pub(crate) fn place(file: &str, sheet: &str) -> String {
    match shown_sheet(file, sheet) {
        "" => format!("{file}の"),
        s => format!("{file}「{s}」の"),
    }
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn a_csv_shows_no_sheet() {
        assert_eq!(
            shown_sheet("a/employment_reports.csv", "employment_reports"),
            ""
        );
        assert_eq!(shown_sheet("a/apps.xlsx", "申請一覧"), "申請一覧");
        assert_eq!(place("r.CSV", "r"), "r.CSVの");
        assert_eq!(place("a.xlsx", "予算"), "a.xlsx「予算」の");
    }
}
