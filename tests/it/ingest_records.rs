//! The optional columns of 申請一覧 (issue 12): 実績報告受付日, 事業着手日, 事前相談日 and
//! 事前着手届出日 are read when the export has them, and a missing column is told apart from
//! a blank cell, so a check never flags an export that cannot hold the date.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hojokin::Catalogue;
use hojokin::InputSpec;
use hojokin::{Dataset, Recorded};

use crate::support::read_applications_csv as read;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const HEAD: &str = "申請番号,制度,区分,事業者名,申請日,補助対象経費,状態";

#[test]
fn optional_dates_are_read_and_a_blank_cell_is_not_a_missing_column() {
    let csv = format!(
        "{HEAD},実績報告受付日,事業着手日,事前相談日,事前着手届出日\n\
         A-1,中小企業強靭化推進補助金,Aコース,綾瀬精工,2022/5/10,9000000,申請中,R4.11.2,2022-05-01,令和4年4月20日,2022/4/28\n\
         A-2,中小企業強靭化推進補助金,Aコース,綾瀬精工,2022/5/10,9000000,申請中,,,,\n"
    );
    let inputs = read(&csv);
    assert!(inputs.errors.is_empty(), "{:?}", inputs.errors);
    let r = &inputs.applications[0].records;
    assert_eq!(r.completion_report_received_on, Some(d(2022, 11, 2)));
    assert_eq!(r.started_on, Some(d(2022, 5, 1)));
    assert_eq!(r.pre_consultation_on, Recorded::On(d(2022, 4, 20)));
    assert_eq!(r.early_start_notice_on, Recorded::On(d(2022, 4, 28)));
    let blank = &inputs.applications[1].records;
    assert_eq!(blank.completion_report_received_on, None);
    assert_eq!(blank.pre_consultation_on, Recorded::Blank);
    assert_eq!(blank.early_start_notice_on, Recorded::Blank);
}

#[test]
fn without_the_columns_nothing_is_recorded_and_a_bad_date_rejects_the_row() {
    let inputs = read(&format!(
        "{HEAD}\nA-1,中小企業受注拡大支援補助金,,綾瀬精工,2022/5/10,300000,申請中\n"
    ));
    assert_eq!(
        inputs.applications[0].records.pre_consultation_on,
        Recorded::NoColumn
    );
    let inputs = read(&format!(
        "{HEAD},実績報告受付日\nA-1,中小企業受注拡大支援補助金,,綾瀬精工,2022/5/10,300000,申請中,令和元年4月30日\n"
    ));
    assert!(inputs.applications.is_empty());
    assert_eq!(inputs.errors[0].column, "実績報告受付日");
}

/// A reference to an application that was read but excluded (its 申請番号
/// repeated, or its row rejected) says so; one to a 申請番号 the export never
/// had says that instead; one to an accepted application is kept. The ids of
/// excluded rows are the only ones ingest remembers for this (not every
/// application's), so all three kinds are pinned here.
#[test]
fn a_reference_to_an_excluded_application_is_told_from_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let apps = dir.path().join("申請一覧.csv");
    std::fs::write(
        &apps,
        format!(
            "{HEAD}\n\
             A-1,中小企業受注拡大支援補助金,,綾瀬精工,2022/5/10,300000,申請中\n\
             A-2,中小企業受注拡大支援補助金,,蓼川工業,2022/5/11,300000,申請中\n\
             A-2,中小企業受注拡大支援補助金,,蓼川工業,2022/5/12,300000,申請中\n\
             A-3,中小企業受注拡大支援補助金,,早川製作所,2022/13/1,300000,申請中\n"
        ),
    )
    .unwrap();
    let reports = dir.path().join("雇用状況報告.csv");
    std::fs::write(
        &reports,
        "申請番号,報告年度,受付日\n\
         A-1,2023,2023/4/20\n\
         A-2,2023,2023/4/20\n\
         A-3,2023,2023/4/20\n\
         A-9,2023,2023/4/20\n",
    )
    .unwrap();
    let spec = |path| InputSpec {
        path,
        sheet: None,
        aliases: BTreeMap::new(),
        display: None,
    };
    let specs = BTreeMap::from([
        (Dataset::Applications, spec(apps)),
        (Dataset::EmploymentReports, spec(reports)),
    ]);
    let inputs = hojokin::read_inputs(&specs, &Catalogue::builtin())
        .unwrap()
        .inputs;
    let ids: Vec<&str> = inputs.applications.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["A-1"]);
    let kept: Vec<&str> = inputs
        .employment_reports
        .iter()
        .map(|r| r.application_id.as_str())
        .collect();
    assert_eq!(kept, ["A-1"]);
    let told = |value: &str| -> Vec<(String, String)> {
        inputs
            .errors
            .iter()
            .filter(|e| e.file.ends_with("雇用状況報告.csv") && e.value == value)
            .map(|e| (e.cell.clone(), e.reason.clone()))
            .collect()
    };
    let excluded = |id: &str| {
        format!("申請番号「{id}」の申請は入力エラーで除外されたため、この行も除外しました")
    };
    assert_eq!(told("A-2"), [("A3".to_string(), excluded("A-2"))]);
    assert_eq!(told("A-3"), [("A4".to_string(), excluded("A-3"))]);
    assert_eq!(
        told("A-9"),
        [(
            "A5".to_string(),
            "申請番号「A-9」は申請一覧にありません".to_string()
        )]
    );
    // Both rows of the repeated 申請番号 name each other.
    let repeated: Vec<&str> = inputs
        .errors
        .iter()
        .filter(|e| e.file.ends_with("申請一覧.csv") && e.value == "A-2")
        .map(|e| e.reason.as_str())
        .collect();
    assert_eq!(
        repeated,
        [
            "申請番号「A-2」が重複しています（4行目にもあります）。どちらの行も除外しました",
            "申請番号「A-2」が重複しています（3行目にもあります）。どちらの行も除外しました",
        ]
    );
}
