//! Program settings that say which duties and conditions the city's documents impose on a
//! program, each naming its source: the disposal restriction of subsidised assets, the
//! application windows, and the diversity subsidy's application-time conditions. They are
//! kept together, apart from the amount rules, because each is a reading of a seed that the
//! city may extend to other programs (e.g. under its 補助金等交付規則).

use chrono::NaiveDate;

use crate::calendar::FiscalYear;

/// Every condition of one program; `Default` is none at all.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Assets bought with the grant may not be disposed of within their useful life.
    /// `None`: the program's assets are listed on 財産処分制限 without a breach or a refund.
    pub disposal_restriction: Option<DisposalRestriction>,
    /// 申請期間 by FY where the brochure gives them: an application dated outside the window
    /// of its FY is a 要確認 row. No window for an FY: not checked.
    pub windows: Vec<ApplicationWindow>,
    /// Apply at least this many days before 事業着手日 (the diversity 要綱第7条第1項, "原則").
    pub lead_time: Option<LeadTime>,
    /// The establishment (事業所所在地) must be in this city (the diversity 要綱第3条第1号・
    /// 第4条第1号, "市内").
    pub establishment_in: Option<EstablishmentIn>,
}

/// One 申請期間: from a month and day to another, within each FY of its range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationWindow {
    pub fy_from: FiscalYear,
    /// None: every FY from `fy_from` on (the brochure's "毎年").
    pub fy_to: Option<FiscalYear>,
    pub from: MonthDay,
    pub to: MonthDay,
    /// The brochure's words, quoted on each 申請期間外 row.
    pub source: String,
}

/// A day of the year as the brochure writes it: 4月1日, or 2月末日 (`day` None).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    /// None: the month's last day (2月末日).
    pub day: Option<u32>,
}

impl MonthDay {
    /// The day within FY `fy`: April–December in its first calendar year, January–March in
    /// the next.
    pub fn in_fy(self, fy: FiscalYear) -> Option<NaiveDate> {
        let year = if self.month >= 4 {
            fy
        } else {
            fy.checked_add(1)?
        };
        match self.day {
            Some(d) => NaiveDate::from_ymd_opt(year, self.month, d),
            None => {
                let (y, m) = if self.month == 12 {
                    (year.checked_add(1)?, 1)
                } else {
                    (year, self.month + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
            }
        }
    }

    /// 4月1日, 2月末日.
    pub fn label(self) -> String {
        match self.day {
            Some(d) => format!("{}月{d}日", self.month),
            None => format!("{}月末日", self.month),
        }
    }
}

impl ApplicationWindow {
    pub fn covers(&self, fy: FiscalYear) -> bool {
        self.fy_from <= fy && self.fy_to.is_none_or(|to| fy <= to)
    }

    /// The window's first and last days in FY `fy`.
    pub fn days(&self, fy: FiscalYear) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.from.in_fy(fy)?, self.to.in_fy(fy)?))
    }
}

/// 事業着手日 must come at least `days` after 申請日, as a rule with exceptions ("原則").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadTime {
    pub days: u32,
    pub source: String,
}

/// The city the establishment must be in, matched in 事業所所在地.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstablishmentIn {
    pub city: String,
    pub source: String,
}

/// The restriction of disposal (財産処分制限) and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisposalRestriction {
    /// The article imposing it, quoted on every 期間内処分 row (e.g. 交付要綱第12条第4号・第16条).
    pub source: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests unwrap values they built themselves
mod tests;
