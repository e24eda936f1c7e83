//! Fiscal years (年度), 和暦, the city's closed days and deadline shifting.

use chrono::{Datelike, NaiveDate};

use crate::model::FiscalYear;

/// The fiscal year (April–March) a date falls in, named by its starting year.
pub fn fiscal_year(d: NaiveDate) -> FiscalYear {
    if d.month() >= 4 { d.year() } else { d.year() - 1 }
}
