//! The sentences of the conditions' 要確認 rows, on the shipped catalogue.

use chrono::NaiveDate;

use super::findings;
use crate::catalogue::Catalogue;
use crate::model::{AppStatus, Application};
use crate::testing::application;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn app(cat: &Catalogue, program: &str, applied: NaiveDate) -> Application {
    let program_id = cat.find_program(program).unwrap();
    application("C-1", &cat.program(program_id).name)
        .program_id(program_id)
        .company("条件工業株式会社")
        .applied_on(applied)
        .cost(100_000)
        .persons(1)
        .build()
}

#[test]
fn an_application_outside_its_window_says_the_window_and_its_source() {
    let cat = Catalogue::builtin();
    let a = app(&cat, "中小企業退職金共済制度奨励補助金", d(2023, 2, 21));
    let found = findings(&a, cat.program(a.program_id), d(2023, 2, 22));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].detail.text(),
        "申請日令和5年2月21日は令和4年度の申請期間（令和5年2月1日から令和5年2月20日まで）の外です（パンフレット（令和4年度）「毎年２月１日から２月２０日まで」）。申請中のため、交付決定の前に確認してください。"
    );
    // Withdrawn: settled, nothing to check.
    let mut withdrawn = a.clone();
    withdrawn.status = AppStatus::Withdrawn;
    assert!(findings(&withdrawn, cat.program(a.program_id), d(2023, 2, 22)).is_empty());
}

#[test]
fn a_late_application_is_a_rule_with_exceptions_not_a_breach() {
    let cat = Catalogue::builtin();
    let mut a = app(&cat, "ダイバーシティ経営推進補助金", d(2022, 5, 1));
    a.records.started_on = Some(d(2022, 5, 10));
    a.address = Some("綾瀬市早川550".into());
    let found = findings(&a, cat.program(a.program_id), d(2022, 5, 2));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].detail.text(),
        "申請日令和4年5月1日は事業着手日令和4年5月10日の9日前で、14日前までの申請になっていません（交付要綱第7条第1項「補助事業に着手する日の原則2週間前までに」）。「原則」とされているため違反とは限りません。事情を確認してください。申請中のため、交付決定の前に確認してください。"
    );
}
