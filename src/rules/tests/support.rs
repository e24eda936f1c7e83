//! Builders for test applications.

use chrono::NaiveDate;

use crate::catalogue::Catalogue;
use crate::model::{AppStatus, Application, Yen};
use crate::rules::{Assessment, assess};
use crate::testing::application;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A pending FY2022 application of 株式会社綾瀬精工 with only the required cells.
/// `program` is resolved in the shipped catalogue; [`resolved`] resolves
/// applications again in another one.
pub(super) fn app(id: &str, program: &str, course: Option<&str>, cost: Yen) -> Application {
    application(id, program).course(course).cost(cost).build()
}

/// The same application, decided on `on` for `amount`.
pub(super) fn decided(mut a: Application, on: NaiveDate, amount: Yen) -> Application {
    a.status = AppStatus::Decided;
    a.decided_on = Some(on);
    a.decided_amount = Some(amount);
    a
}

/// The applications with their programs resolved in `cat`, as ingestion does.
pub(super) fn resolved(cat: &Catalogue, mut apps: Vec<Application>) -> Vec<Application> {
    for a in &mut apps {
        a.program_id = cat
            .find_program(&a.program)
            .expect("a program of the catalogue");
    }
    apps
}

/// Assesses the applications against the shipped catalogue.
pub(super) fn assess_builtin(apps: &[Application]) -> Vec<Assessment> {
    assess(&Catalogue::builtin(), apps)
}
