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

pub use application::Recorded;
pub(crate) use application::{AppRecords, AppStatus, Application, ProgramId};
pub use duties::DueShift;
pub(crate) use duties::{
    DEFAULT_GRACE_OPEN_DAYS, Form, MAX_GRACE_OPEN_DAYS, RefundMethod, ReportingDuty, Transition,
};
pub use finding::FindingKind;
pub(crate) use finding::{BudgetExcess, Detail, Finding};
pub(crate) use hold::{HoldReason, MailHold};
pub use inputs::Inputs;
pub(crate) use inputs::{InputError, RejectedReport};
pub use mail::Stage;
pub(crate) use mail::{MailCounts, MailKind, MailOutcome, MailResult, NotificationRow};
pub use origin::{Dataset, RowOrigin};
pub(crate) use origin::{place, shown_sheet};
pub(crate) use rows::{Asset, Budget, EmploymentReport};
pub use run::{Exit, Trigger};

/// Whole yen. Money is exact: no fractions of a yen anywhere in hojokin.
pub(crate) type Yen = i64;
