//! 要確認 rows: amounts over the rules, floors, and the diversity 要綱's checks.

use chrono::NaiveDate;

use super::support::{app, d, decided};
use crate::calendar::{fy_label, wareki};
use crate::catalogue::Catalogue;
use crate::model::{AppStatus, Application, Finding};
use crate::rules::findings::end_of_february;
use crate::rules::{assess, findings};

const DIVERSITY: &str = "ダイバーシティ経営推進補助金";

fn run(apps: &[Application], as_of: NaiveDate) -> Vec<Finding> {
    let cat = Catalogue::builtin();
    let assessed = assess(&cat, apps);
    findings(&cat, apps, &assessed, as_of)
}

fn kinds(found: &[Finding]) -> Vec<(&str, &str)> {
    found
        .iter()
        .map(|f| (f.application_id.as_str(), f.kind.label()))
        .collect()
}

fn diversity_at(id: &str, address: &str, applied: NaiveDate) -> Application {
    let mut a = app(id, DIVERSITY, None, 900_000);
    a.address = Some(address.to_string());
    a.applied_on = applied;
    a
}

#[test]
fn decided_over_the_rules() {
    let a = decided(
        app("D-1", DIVERSITY, None, 1_201_500),
        d(2022, 6, 10),
        801_000,
    );
    let found = run(&[a], d(2022, 7, 1));
    assert_eq!(
        found,
        vec![Finding {
            application_id: "D-1".into(),
            company: "株式会社綾瀬精工".into(),
            kind: crate::model::FindingKind::AmountOver,
            detail: "交付決定額801,000円が算定額800,000円を1,000円上回っています（2/3、1,000円未満切り捨て、上限800,000円を適用［適用ルール：ダイバーシティ経営推進補助金 令和4年度〜・確認済］）。".into(),
        }]
    );
}

#[test]
fn each_assessment_is_judged_with_its_own_application_whatever_their_order() {
    let over =
        |id: &str, amount| decided(app(id, DIVERSITY, None, 1_201_500), d(2022, 6, 10), amount);
    let apps = [
        over("D-1", 801_000),
        over("D-2", 800_000),
        over("D-3", 802_000),
    ];
    let cat = Catalogue::builtin();
    let mut assessed = assess(&cat, &apps);
    assessed.rotate_left(1);
    let found = findings(&cat, &apps, &assessed, d(2022, 7, 1));
    assert_eq!(
        kinds(&found),
        vec![("D-1", "算定額超過"), ("D-3", "算定額超過")]
    );
    assert!(
        found[1]
            .detail
            .to_string()
            .starts_with("交付決定額802,000円")
    );
}

#[test]
fn below_the_floor_granted_and_pending() {
    let course = Some("Bコース");
    let granted = decided(
        app("F-1", "中小企業強靭化推進補助金", course, 1_499_999),
        d(2022, 6, 1),
        990_000,
    );
    let pending = app("F-2", "中小企業強靭化推進補助金", course, 1_499_999);
    let found = run(&[granted, pending], d(2022, 7, 1));
    assert_eq!(
        kinds(&found),
        vec![("F-1", "下限額未満"), ("F-2", "下限額未満")]
    );
    assert_eq!(
        found[0].detail,
        "補助対象経費1,499,999円が下限額1,500,000円に満たないため対象外ですが、状態が交付決定です（交付決定額990,000円）。［適用ルール：中小企業強靭化推進補助金 Bコース 令和4年度〜・確認済］"
    );
    // Pending: flagged before staff decide (issue 12, point 8).
    assert!(
        found[1]
            .detail
            .text()
            .contains("対象外です。申請中のため、交付決定の前に確認してください。［適用ルール："),
        "{}",
        found[1].detail
    );
    // 不交付 below the floor is not a finding.
    let mut rejected = app("F-3", "中小企業強靭化推進補助金", course, 1_499_999);
    rejected.status = AppStatus::Rejected;
    assert!(run(&[rejected], d(2022, 7, 1)).is_empty());
}

#[test]
fn later_of_two_applications_for_one_establishment() {
    // Input order differs from date order; the address differs only in width and spacing.
    let later = diversity_at("E-2", "綾瀬市 早川１－２－３", d(2023, 5, 8));
    let mut first = decided(
        diversity_at("E-1", "綾瀬市早川1-2-3", d(2022, 5, 10)),
        d(2022, 6, 10),
        600_000,
    );
    // Installed and reported in time, so only the establishment is in question.
    first.completed_on = Some(d(2022, 12, 1));
    first.records.completion_report_received_on = Some(d(2022, 12, 10));
    let elsewhere = diversity_at("E-3", "綾瀬市吉岡東3-3-40", d(2023, 5, 9));
    let found = run(&[later, first, elsewhere], d(2023, 6, 1));
    assert_eq!(kinds(&found), vec![("E-2", "同一事業所の重複申請")]);
    assert_eq!(
        found[0].detail,
        format!(
            "事業所所在地「綾瀬市 早川１－２－３」については申請E-1（{}申請、状態：交付決定）が先にあり、申請は1事業所につき1回限りです（交付要綱第7条第2項）。市の取扱い：交付決定を受けた申請を1回と数えています（不交付の申請は数えません）。申請中のため、交付決定の前に確認してください。",
            wareki(d(2022, 5, 10))
        )
    );
}

#[test]
fn withdrawn_application_does_not_count_for_the_establishment() {
    let mut withdrawn = diversity_at("E-1", "綾瀬市早川1-2-3", d(2022, 5, 10));
    withdrawn.status = AppStatus::Withdrawn;
    let again = diversity_at("E-2", "綾瀬市早川1-2-3", d(2023, 5, 8));
    assert!(run(&[withdrawn, again], d(2023, 6, 1)).is_empty());
}

#[test]
fn same_day_same_establishment_flags_the_higher_id() {
    let a = decided(
        diversity_at("E-10", "綾瀬市早川1-2-3", d(2022, 5, 10)),
        d(2022, 6, 10),
        600_000,
    );
    let b = decided(
        diversity_at("E-09", "綾瀬市早川1-2-3", d(2022, 5, 10)),
        d(2022, 6, 10),
        600_000,
    );
    assert_eq!(
        kinds(&run(&[a, b], d(2022, 6, 1))),
        vec![("E-10", "同一事業所の重複申請")]
    );
}

#[test]
fn other_programs_allow_several_applications_per_establishment() {
    let mut a = app("O-1", "中小企業受注拡大支援補助金", None, 100_000);
    let mut b = app("O-2", "中小企業受注拡大支援補助金", None, 100_000);
    a.address = Some("綾瀬市早川1-2-3".into());
    b.address = Some("綾瀬市早川1-2-3".into());
    assert!(run(&[a, b], d(2022, 6, 1)).is_empty());
}

#[test]
fn end_of_february_is_leap_year_aware() {
    assert_eq!(end_of_february(2022), Some(d(2023, 2, 28)));
    assert_eq!(end_of_february(2023), Some(d(2024, 2, 29)));
}

#[test]
fn installation_after_the_end_of_february() {
    let completed = |id: &str, applied: NaiveDate, done: NaiveDate| {
        let mut a = decided(app(id, DIVERSITY, None, 900_000), applied, 600_000);
        a.status = AppStatus::Final;
        a.final_amount = Some(600_000);
        a.applied_on = applied;
        a.completed_on = Some(done);
        a
    };
    let apps = [
        completed("P-1", d(2022, 5, 10), d(2023, 2, 28)),
        completed("P-2", d(2022, 5, 10), d(2023, 3, 1)),
        completed("P-3", d(2023, 5, 10), d(2024, 2, 29)),
        completed("P-4", d(2023, 5, 10), d(2024, 3, 1)),
    ];
    let found = run(&apps, d(2024, 4, 1));
    assert_eq!(
        kinds(&found),
        vec![("P-2", "設置完了期限超過"), ("P-4", "設置完了期限超過")]
    );
    assert_eq!(
        found[0].detail,
        format!(
            "事業完了日{}が、申請した{}の2月末日（{}）より後です（交付要綱第4条第4号）。",
            wareki(d(2023, 3, 1)),
            fy_label(2022),
            wareki(d(2023, 2, 28))
        )
    );
}

#[test]
fn completion_report_overdue_after_thirty_days() {
    // Completed Monday 2022-10-03; 30 days later is Wednesday 2022-11-02, an open day.
    let mk = |id: &str, status: AppStatus| {
        let mut a = decided(app(id, DIVERSITY, None, 900_000), d(2022, 6, 10), 600_000);
        a.completed_on = Some(d(2022, 10, 3));
        a.status = status;
        a
    };
    let apps = [mk("C-1", AppStatus::Decided), mk("C-2", AppStatus::Final)];
    assert!(
        run(&apps, d(2022, 11, 2)).is_empty(),
        "due day itself is not late"
    );
    let found = run(&apps, d(2022, 11, 4));
    assert_eq!(kinds(&found), vec![("C-1", "実績報告期限超過")]);
    assert_eq!(
        found[0].detail,
        format!(
            "事業完了日{}から30日後（完了日の翌日から数えて、閉庁日の場合は翌開庁日）の実績報告期限{}を過ぎていますが、確定していません（交付要綱第15条第2項）。",
            wareki(d(2022, 10, 3)),
            wareki(d(2022, 11, 2))
        )
    );
}

#[test]
fn completion_report_due_on_a_weekend_moves_to_monday() {
    // Completed Thursday 2022-09-08; +30 days = Saturday 2022-10-08 → due Tuesday 10-11
    // at the latest (Monday 10-10 is スポーツの日). Sunday 10-09 is not late, Wednesday is.
    let mut a = decided(
        app("C-3", DIVERSITY, None, 900_000),
        d(2022, 6, 10),
        600_000,
    );
    a.completed_on = Some(d(2022, 9, 8));
    assert!(run(std::slice::from_ref(&a), d(2022, 10, 9)).is_empty());
    assert_eq!(
        kinds(&run(&[a], d(2022, 10, 12))),
        vec![("C-3", "実績報告期限超過")]
    );
}
