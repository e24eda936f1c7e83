//! Compliance: the duties grantees keep after the grant.
//!
//! - [`reports`]: the employment-report ledger (要綱 第15条3項) and its statuses.
//! - [`restriction`]: the restriction period of subsidised assets, early
//!   disposals and the refund estimate (要綱 第12条4号, 第16条).

pub(crate) mod reports;
pub(crate) mod restriction;
pub(crate) mod stages;
