//! Compliance: the duties grantees keep after the grant.
//!
//! - [`reports`]: the employment-report ledger (要綱 第15条3項) and its statuses.
//! - [`useful_life`]: the statutory useful-life table (耐用年数省令) and how an
//!   export's 耐用年数区分 text resolves to one of its rows.
//! - [`restriction`]: the restriction period of subsidised assets, early
//!   disposals and the refund estimate (要綱 第12条4号, 第16条).

pub mod reports;
pub mod restriction;
pub mod useful_life;
