//! Rules: the program catalogue (data) and what each application should get.
//!
//! - [`catalogue`]: the 制度 catalogue, loaded and validated once; the shipped
//!   `catalogue/programs.toml` is the default, a job may name another.
//! - [`amount`]: one application's amount under one rule set, exact.
//! - [`assess`]: 算定検証, every application in application-date order so that
//!   per-company-per-FY caps are used up as the city does.
//! - [`findings`]: 要確認 rows from the amounts and the programs' other rules.

pub mod amount;
pub mod assess;
pub mod catalogue;
pub mod error;
pub mod findings;
pub mod format;
pub mod rate;
mod schema;

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests unwrap values they built themselves
mod tests;

pub use assess::{Assessment, Verdict, application_fy, assess, company_key};
pub use catalogue::Catalogue;
pub use error::CatalogueError;
pub use findings::findings;
