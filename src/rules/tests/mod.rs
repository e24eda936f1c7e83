//! Tests of the rules stage, against the shipped catalogue and small ones.

mod assess;
mod cases;
mod findings;
mod labels;
mod programs_finance;
mod programs_growth;
mod readings;
mod support;
mod table;
