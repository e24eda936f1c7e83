//! What the unit tests share: the one way a test makes a [`model::Application`].
//!
//! Only tests build applications by hand (ingest makes them from the
//! export), so this module exists under `cfg(test)` alone and is no stage: it
//! may name the catalogue, because an application's program is resolved in
//! the shipped catalogue as ingest resolves it. The integration tests start
//! from exports and never need it.
//!
//! [`model::Application`]: crate::model::Application

use chrono::NaiveDate;

use crate::catalogue::Catalogue;
use crate::model::{AppRecords, AppStatus, Application, ProgramId, RowOrigin, Yen};

/// A pending application `id` of `program`, applied for on 2022-05-10 by
/// 株式会社綾瀬精工 with no cost and only the required cells; the setters
/// fill in the rest. `program` is resolved in the shipped catalogue (its
/// first program when the name is not one of its).
pub(crate) fn application(id: &str, program: &str) -> AppBuilder {
    let program_id = Catalogue::builtin()
        .find_program(program)
        .unwrap_or(ProgramId::at(0));
    AppBuilder(Application {
        id: id.into(),
        program: program.into(),
        program_id,
        course: None,
        company: "株式会社綾瀬精工".into(),
        corporate_number: None,
        address: None,
        contact: None,
        email: None,
        applied_on: NaiveDate::from_ymd_opt(2022, 5, 10).unwrap_or_default(),
        decided_on: None,
        completed_on: None,
        eligible_cost: 0,
        decided_amount: None,
        final_amount: None,
        status: AppStatus::Pending,
        members: None,
        persons: None,
        persons_women: None,
        persons_disabled: None,
        records: AppRecords::default(),
        origin: RowOrigin::default(),
    })
}

/// An [`Application`] being built for a test (see [`application`]).
#[derive(Debug, Clone)]
pub(crate) struct AppBuilder(Application);

impl AppBuilder {
    pub(crate) fn build(self) -> Application {
        self.0
    }

    /// The program as another catalogue resolved it.
    pub(crate) fn program_id(mut self, id: ProgramId) -> Self {
        self.0.program_id = id;
        self
    }

    /// 区分
    pub(crate) fn course(mut self, course: Option<&str>) -> Self {
        self.0.course = course.map(Into::into);
        self
    }

    /// 事業者名
    pub(crate) fn company(mut self, company: &str) -> Self {
        self.0.company = company.into();
        self
    }

    /// 法人番号
    pub(crate) fn corporate_number(mut self, number: Option<&str>) -> Self {
        self.0.corporate_number = number.map(str::to_string);
        self
    }

    /// 担当者名
    pub(crate) fn contact(mut self, name: &str) -> Self {
        self.0.contact = Some(name.into());
        self
    }

    /// メールアドレス
    pub(crate) fn email(mut self, address: &str) -> Self {
        self.0.email = Some(address.into());
        self
    }

    /// 申請日
    pub(crate) fn applied_on(mut self, on: NaiveDate) -> Self {
        self.0.applied_on = on;
        self
    }

    /// 交付決定日
    pub(crate) fn decided_on(mut self, on: Option<NaiveDate>) -> Self {
        self.0.decided_on = on;
        self
    }

    /// 事業完了日
    pub(crate) fn completed_on(mut self, on: Option<NaiveDate>) -> Self {
        self.0.completed_on = on;
        self
    }

    /// 補助対象経費
    pub(crate) fn cost(mut self, cost: Yen) -> Self {
        self.0.eligible_cost = cost;
        self
    }

    /// 交付決定額
    pub(crate) fn decided_amount(mut self, amount: Option<Yen>) -> Self {
        self.0.decided_amount = amount;
        self
    }

    /// 確定額
    pub(crate) fn final_amount(mut self, amount: Option<Yen>) -> Self {
        self.0.final_amount = amount;
        self
    }

    /// 状態
    pub(crate) fn status(mut self, status: AppStatus) -> Self {
        self.0.status = status;
        self
    }

    /// 対象人数
    pub(crate) fn persons(mut self, n: u32) -> Self {
        self.0.persons = Some(n);
        self
    }

    /// The optional columns (実績報告受付日, 電話番号 …).
    pub(crate) fn records(mut self, records: AppRecords) -> Self {
        self.0.records = records;
        self
    }
}
