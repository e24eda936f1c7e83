//! Finding a dataset's header row by its column names.
//!
//! Real exports put title rows, dates and blank rows above the header, order
//! columns as they please and add columns of their own. A header row is the
//! first row that holds every required column name of the dataset (after
//! NFKC and with spaces removed, so `申請 番号` or full-width brackets still
//! match); each name may also be matched by a built-in or configured alias.

use std::collections::BTreeMap;

use super::columns::{self, Column};
use super::parse::normalize;
use super::raw::Raw;
use super::source::Row;
use crate::model::Dataset;

/// How many rows above the header an export may have before we give up.
pub(crate) const MAX_ROWS_BEFORE_HEADER: u32 = 50;

/// Where each column of a dataset stands in the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderMap {
    /// 0-based row index of the header row.
    pub row: u32,
    /// Canonical column name → 0-based column index.
    pub columns: BTreeMap<&'static str, (Column, u32)>,
}

impl HeaderMap {
    /// Where `column` stands in the sheet, if the header has it.
    pub(crate) fn col(&self, column: Column) -> Option<u32> {
        self.columns.get(column.name).map(|(_, c)| *c)
    }
}

fn key(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Tries `row` as the header row of `dataset`. `extra` holds configured
/// aliases (canonical name → more names). Returns the map and how many of
/// the dataset's columns were found, or `None` when a required one is missing.
pub(crate) fn match_header(
    dataset: Dataset,
    row: &Row,
    extra: &BTreeMap<String, Vec<String>>,
) -> Option<HeaderMap> {
    let cells: Vec<(u32, String)> = row
        .cells
        .iter()
        .filter_map(|(c, v)| match v {
            Raw::Text(t) => Some((*c, key(t))),
            _ => None,
        })
        .collect();
    let mut found_at = BTreeMap::new();
    for column in columns::of(dataset) {
        let mut names: Vec<String> = std::iter::once(column.name)
            .chain(column.aliases.iter().copied())
            .map(key)
            .collect();
        if let Some(more) = extra.get(column.name) {
            names.extend(more.iter().map(|s| key(s)));
        }
        // The canonical name wins over an alias standing further left.
        let found = names
            .iter()
            .find_map(|n| cells.iter().find(|(_, t)| t == n));
        if let Some((c, _)) = found {
            found_at.insert(column.name, (*column, *c));
        } else if column.required {
            return None;
        }
    }
    Some(HeaderMap {
        row: row.index,
        columns: found_at,
    })
}

/// For `check`: which dataset this row is the header of, if any. When more
/// than one fits, the one with the most matched columns wins.
pub(crate) fn recognise(row: &Row) -> Option<(Dataset, HeaderMap)> {
    let none = BTreeMap::new();
    Dataset::ALL
        .iter()
        .filter_map(|d| match_header(*d, row, &none).map(|h| (*d, h)))
        .max_by_key(|(d, h)| (h.columns.len(), std::cmp::Reverse(*d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, names: &[&str]) -> Row {
        Row {
            index,
            cells: names
                .iter()
                .enumerate()
                .map(|(i, n)| (u32::try_from(i).unwrap(), Raw::Text((*n).to_string())))
                .collect(),
        }
    }

    #[test]
    fn finds_shuffled_columns_with_spaces_and_full_width_forms() {
        let r = row(
            3,
            &[
                "状態",
                " 申請 番号 ",
                "制度",
                "事業者名",
                "申請日",
                "補助対象経費",
                "備考",
                "対象人数(女性)",
            ],
        );
        let h = match_header(Dataset::Applications, &r, &BTreeMap::new()).unwrap();
        assert_eq!(h.row, 3);
        assert_eq!(h.col(columns::app::ID), Some(1));
        assert_eq!(h.col(columns::app::STATUS), Some(0));
        assert_eq!(h.col(columns::app::PERSONS_WOMEN), Some(7));
        assert_eq!(h.col(columns::app::DECIDED_ON), None);
    }

    #[test]
    fn a_missing_required_column_is_not_a_header() {
        let r = row(
            0,
            &["申請番号", "制度", "事業者名", "申請日", "補助対象経費"],
        );
        assert!(match_header(Dataset::Applications, &r, &BTreeMap::new()).is_none());
    }

    #[test]
    fn configured_aliases_match() {
        let r = row(0, &["Year", "制度", "予算額"]);
        assert!(match_header(Dataset::Budgets, &r, &BTreeMap::new()).is_none());
        let aliases = BTreeMap::from([(
            "年度".to_string(),
            vec!["year".to_string(), "Year".to_string()],
        )]);
        let h = match_header(Dataset::Budgets, &r, &aliases).unwrap();
        assert_eq!(h.col(columns::budget::FY), Some(0));
    }

    #[test]
    fn recognises_each_dataset() {
        let cases = [
            (
                vec![
                    "申請番号",
                    "制度",
                    "事業者名",
                    "申請日",
                    "補助対象経費",
                    "状態",
                ],
                Dataset::Applications,
            ),
            (
                vec!["申請番号", "財産番号", "財産名", "取得価額"],
                Dataset::Assets,
            ),
            (
                vec!["申請番号", "報告年度", "受付日"],
                Dataset::EmploymentReports,
            ),
            (vec!["年度", "制度", "予算額"], Dataset::Budgets),
        ];
        for (names, want) in cases {
            assert_eq!(
                recognise(&row(0, &names)).map(|(d, _)| d),
                Some(want),
                "{names:?}"
            );
        }
        assert!(recognise(&row(0, &["令和4年度 補助金申請一覧"])).is_none());
    }
}
