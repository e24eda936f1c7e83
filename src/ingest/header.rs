//! Finding a dataset's header row by its column names.
//!
//! Real exports put title rows, dates and blank rows above the header, order
//! columns as they please and add columns of their own. A header row is the
//! first row that holds every required column name of the dataset (after
//! NFKC and with spaces removed, so `申請 番号` or full-width brackets still
//! match); each name may also be matched by a built-in or configured alias.

use std::collections::BTreeMap;

use super::parse::normalize;
use super::raw::Raw;
use super::source::Row;
use crate::model::Dataset;

/// How many rows above the header an export may have before we give up.
pub const MAX_ROWS_BEFORE_HEADER: u32 = 50;

/// One column of a dataset: its canonical name, built-in aliases, and
/// whether the header must be present for the sheet to be this dataset.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(name: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column {
        name,
        aliases,
        required,
    }
}

const APPLICATIONS: &[Column] = &[
    col("申請番号", &["受付番号", "申請No", "申請NO"], true),
    col("制度", &["制度名", "補助金名", "事業名"], true),
    col("区分", &["コース", "区分名"], false),
    col("事業者名", &["申請者名", "法人名", "企業名"], true),
    col("法人番号", &[], false),
    col("事業所所在地", &["所在地", "事業所住所"], false),
    col("担当者名", &["担当者"], false),
    col(
        "メールアドレス",
        &["メール", "E-mail", "Email", "電子メール"],
        false,
    ),
    col("申請日", &["申請年月日", "受付日"], true),
    col("交付決定日", &["交付決定年月日", "決定日"], false),
    col("事業完了日", &["完了日", "事業完了年月日"], false),
    col("補助対象経費", &["対象経費", "補助対象経費(円)"], true),
    col("交付決定額", &["交付決定額(円)", "決定額"], false),
    col("確定額", &["確定額(円)", "交付確定額"], false),
    col("状態", &["ステータス", "進捗"], true),
    col("参画企業数", &["参加企業数"], false),
    col("対象人数", &["人数"], false),
    col("対象人数（女性）", &["女性人数"], false),
    col(
        "対象人数（障がい者）",
        &["障がい者人数", "障害者人数"],
        false,
    ),
];

const ASSETS: &[Column] = &[
    col("申請番号", &["受付番号"], true),
    col("財産番号", &["資産番号"], true),
    col("財産名", &["資産名", "品名"], true),
    col("耐用年数区分", &["耐用年数の区分", "資産区分"], false),
    col("法定耐用年数", &["耐用年数"], false),
    col("取得価額", &["取得価格", "取得金額"], true),
    col("取得日", &["取得年月日"], false),
    col("処分日", &["処分年月日"], false),
    col("処分の種類", &["処分種類", "処分内容"], false),
    col("処分承認日", &["承認日"], false),
];

const EMPLOYMENT_REPORTS: &[Column] = &[
    col("申請番号", &["受付番号"], true),
    col("報告年度", &["年度"], true),
    col("受付日", &["提出日", "受理日"], true),
    col(
        "新規採用者数（女性）",
        &["採用者数（女性）", "女性採用者数"],
        false,
    ),
    col(
        "新規採用者数（障がい者）",
        &["採用者数（障がい者）", "障がい者採用者数"],
        false,
    ),
];

const BUDGETS: &[Column] = &[
    col("年度", &["会計年度"], true),
    col("制度", &["制度名", "補助金名"], true),
    col("予算額", &["予算", "予算額(円)"], true),
];

/// The columns of a dataset, in the contract's order.
pub fn columns(dataset: Dataset) -> &'static [Column] {
    match dataset {
        Dataset::Applications => APPLICATIONS,
        Dataset::Assets => ASSETS,
        Dataset::EmploymentReports => EMPLOYMENT_REPORTS,
        Dataset::Budgets => BUDGETS,
    }
}

/// Where each column of a dataset stands in the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// 0-based row index of the header row.
    pub row: u32,
    /// Canonical column name → 0-based column index.
    pub columns: BTreeMap<&'static str, u32>,
}

impl HeaderMap {
    pub fn col(&self, name: &str) -> Option<u32> {
        self.columns.get(name).copied()
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
pub fn match_header(
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
    for column in columns(dataset) {
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
            found_at.insert(column.name, *c);
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
pub fn recognise(row: &Row) -> Option<(Dataset, HeaderMap)> {
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
        assert_eq!(h.col("申請番号"), Some(1));
        assert_eq!(h.col("状態"), Some(0));
        assert_eq!(h.col("対象人数（女性）"), Some(7));
        assert_eq!(h.col("交付決定日"), None);
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
        assert_eq!(h.col("年度"), Some(0));
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
