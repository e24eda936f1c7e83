//! Rules: what each application should get under its program's rule set
//! (the rule sets themselves are data, in [`crate::catalogue`]).
//!
//! - [`amount`]: one application's amount under one rule set, exact.
//! - [`assess`](mod@assess): 算定検証, every application in application-date order so that
//!   per-company-per-FY caps are used up as the city does.
//! - [`findings`](mod@findings): 要確認 rows from the amounts and the programs' other rules
//!   (with `advance`: the steps required before applying or starting).
//! - [`final_amount`]: 確定額 against the rules' amount and 交付決定額.
//! - [`stated`]: rules that need the other inputs (budgets, reports, assets).
//! - [`cases`]: rule tests written as data (`catalogue/cases/*.toml`), run by `check-rules`.

mod advance;
pub(crate) mod amount;
pub(crate) mod assess;
pub(crate) mod cases;
mod cite;
mod conditions;
pub(crate) mod final_amount;
pub(crate) mod findings;
mod premium;
pub(crate) mod stated;

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests unwrap values they built themselves
mod tests;

pub(crate) use assess::{Assessment, Verdict, assess};
pub(crate) use findings::findings;
