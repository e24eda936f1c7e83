//! (stage under construction)
pub mod reports;
