//! Typed rows and results that flow between the pipeline's stages.
//!
//! Every stage takes these plain values and returns its own; nothing here reads
//! files or the clock. Amounts are whole yen (`Yen`), never floating point.
//!
//! Each concept has its own submodule; everything is re-exported here, so the
//! rest of the crate names every type as `crate::model::X`.


mod application;
mod duties;
mod finding;
mod hold;
mod inputs;
mod mail;
mod origin;
mod rows;
mod run;

pub use application::{AppRecords, AppStatus, Application, ProgramId, Recorded};
pub use duties::{
    DEFAULT_GRACE_OPEN_DAYS, DueShift, Form, MAX_GRACE_OPEN_DAYS, RefundMethod, ReportingDuty,
    Transition,
};
pub use finding::{BudgetExcess, Detail, Finding, FindingKind};
pub use hold::{CONFIRM_FLAG, HoldReason, MailHold};
pub use inputs::{InputError, Inputs, RejectedReport};
pub use mail::{MailCounts, MailKind, MailOutcome, MailResult, NotificationRow, Stage};
pub use origin::{Dataset, RowOrigin, place, shown_sheet};
pub use rows::{Asset, Budget, EmploymentReport};
pub use run::{Exit, Trigger};

/// Whole yen. Money is exact: no fractions of a yen anywhere in hojokin.
pub type Yen = i64;

