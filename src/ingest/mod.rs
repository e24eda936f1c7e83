//! Ingestion: the city's exports (xlsx, xlsm, xls, ods, csv) into typed rows.

pub mod parse;
pub mod raw;
