//! What a grant obliges the grantee to, as the catalogue sets it: the reports
//! due by date ([`ReportingDuty`], its [`Form`]s, how a due date on a closed
//! day moves: [`DueShift`]) and how a refund for an early disposal is
//! estimated ([`RefundMethod`]).
//!
//! These are catalogue data the compliance and mail stages read; they have no
//! input row of their own, so they live apart from the rows.

use chrono::NaiveDate;

/// A reporting duty of a program (catalogue data): e.g. the diversity subsidy's
/// 採用状況報告, due in April (month 4, day 30) of FY+1 and FY+2 of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingDuty {
    /// 制度 this duty belongs to.
    pub program: String,
    /// The report's name as staff and grantees know it (e.g. 採用状況報告).
    pub name: String,
    /// Calendar month of the due date (4 = April).
    pub month: u32,
    /// Day of that month the report is due (30), before closed-day shifting.
    pub day: u32,
    /// What happens when that day is a city closed day (a catalogue setting: city policy).
    pub shift: DueShift,
    /// Where the day and the shift come from, as staff and grantees read it.
    pub basis: Option<String>,
    /// Years after the decision's FY in which a report is owed (e.g. [1, 2]).
    pub years_after: Vec<i32>,
    /// Forms to send (e.g. 第10号様式 採用状況報告書, 第11号様式 採用者リスト).
    pub forms: Vec<Form>,
    /// Other documents the grantee must attach (catalogue `attachments`).
    pub attachments: Vec<String>,
    /// Open days after the deadline before the 督促 (catalogue
    /// `grace_open_days`, default [`DEFAULT_GRACE_OPEN_DAYS`]): a report
    /// posted on the deadline day is still being keyed in.
    pub grace_open_days: u32,
    /// Grants decided before a 要綱 amendment whose transitional 附則 keeps them under the
    /// old text the seeds do not hold: their reports are 推定 and not mailed (catalogue
    /// `transition`). `None`: the duty is the seeds' for every grant.
    pub transition: Option<Transition>,
    /// 雇用状況報告 notes each received report's hires (新規採用なし when it shows none):
    /// information, since 第3条第5号 is an application-time test (catalogue `hire_reported`).
    pub notes_hires: bool,
}

/// The R3 附則's "なお従前の例による" as data: which grants the duty is only assumed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Grants decided before this day follow the old 要綱.
    pub decided_before: NaiveDate,
    /// The 附則 that says so, quoted on the ledger.
    pub source: String,
    /// FYs of 交付決定 for which the city confirms the old 要綱 imposed the same duty: their
    /// reports are judged and mailed as any other.
    pub confirmed_fys: Vec<i32>,
}

impl Transition {
    /// Whether the duty is only assumed for a grant decided on `decided`.
    pub fn assumes(&self, decided: NaiveDate) -> bool {
        decided < self.decided_before
            && !self
                .confirmed_fys
                .contains(&crate::calendar::fiscal_year(decided))
    }
}

/// The grace of a duty that does not set `grace_open_days`.
pub(crate) const DEFAULT_GRACE_OPEN_DAYS: u32 = 3;

/// The longest grace the catalogue accepts: past it the 督促 window (to the
/// 30th day after the deadline) would be empty.
pub(crate) const MAX_GRACE_OPEN_DAYS: u32 = 20;

/// One form of a reporting duty: its number, its title and whether it is
/// attached to another form rather than a report of its own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    /// 第10号様式
    pub name: String,
    /// 採用状況報告書 (None when the catalogue gives only the number).
    pub title: Option<String>,
    /// The form this one is attached to (第11号様式 is attached to 第10号様式).
    pub attached_to: Option<String>,
}

impl From<&str> for Form {
    fn from(name: &str) -> Form {
        Form::named(name)
    }
}

impl Form {
    /// A form known by its number only (the catalogue's plain string form).
    pub fn named(name: impl Into<String>) -> Form {
        Form {
            name: name.into(),
            ..Form::default()
        }
    }

    /// How a mail names it: 第11号様式 採用者リスト（第10号様式に添付）.
    pub fn display(&self) -> String {
        let mut s = self.name.clone();
        if let Some(t) = &self.title {
            s.push(' ');
            s.push_str(t);
        }
        if let Some(to) = &self.attached_to {
            s.push_str(&format!("（{to}に添付）"));
        }
        s
    }
}

/// How a due date that falls on a city closed day moves (a catalogue setting per duty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum DueShift {
    /// To the next open day (the city's default policy).
    #[default]
    NextOpenDay,
    /// To the previous open day.
    PreviousOpenDay,
    /// Not moved: the day stays the deadline.
    None,
}

impl DueShift {
    /// The catalogue spelling.
    pub fn code(self) -> &'static str {
        match self {
            DueShift::NextOpenDay => "next_open_day",
            DueShift::PreviousOpenDay => "previous_open_day",
            DueShift::None => "none",
        }
    }

    pub fn from_code(code: &str) -> Option<DueShift> {
        [
            DueShift::NextOpenDay,
            DueShift::PreviousOpenDay,
            DueShift::None,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// The rule in words, for sheets and mails ("閉庁日の場合は翌開庁日").
    pub fn label(self) -> &'static str {
        match self {
            DueShift::NextOpenDay => "閉庁日の場合は翌開庁日",
            DueShift::PreviousOpenDay => "閉庁日の場合は前開庁日",
            DueShift::None => "閉庁日でも繰り下げ・繰り上げなし",
        }
    }

    /// `day` moved off a closed day by this rule.
    pub fn apply(self, day: NaiveDate) -> NaiveDate {
        match self {
            DueShift::NextOpenDay => crate::calendar::next_open_day(day),
            DueShift::PreviousOpenDay => crate::calendar::previous_open_day(day),
            DueShift::None => day,
        }
    }
}

/// How a refund for an early disposal is estimated (a catalogue setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefundMethod {
    /// The asset's share of the grant × remaining months ÷ (N × 12).
    #[default]
    ProRata,
    /// The asset's whole share of the grant.
    Full,
}
