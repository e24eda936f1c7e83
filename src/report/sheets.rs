//! Builders from each stage's output to its sheet's [`Table`].

use crate::model::{Finding, InputError};

use super::table::{Cell, Table};

/// 入力エラー: every rejected row or value.
pub fn input_errors(errors: &[InputError]) -> Table {
    let mut t = Table::new(
        "入力エラー",
        vec!["ファイル", "シート", "セル", "項目", "値", "内容"],
    );
    t.rows = errors
        .iter()
        .map(|e| {
            vec![
                Cell::text(&e.file),
                Cell::text(&e.sheet),
                Cell::text(&e.cell),
                Cell::text(&e.column),
                Cell::text(&e.value),
                Cell::text(&e.reason),
            ]
        })
        .collect();
    t
}

/// 要確認: every rule the data breaks, on the application that breaks it.
pub fn findings(findings: &[Finding]) -> Table {
    let mut t = Table::new("要確認", vec!["申請番号", "事業者名", "種別", "内容"]);
    t.rows = findings
        .iter()
        .map(|f| {
            vec![
                Cell::text(&f.application_id),
                Cell::text(&f.company),
                Cell::text(&f.kind),
                Cell::text(&f.detail),
            ]
        })
        .collect();
    t
}
