//! The companies of a night's applications, numbered, so 事業者別集計 groups
//! integers rather than strings.
//!
//! Grouping by the key strings made polars hold every application's key,
//! 事業者名 and 申請番号 as string columns, with a hash table over them: at a
//! full sheet that was the night's peak memory (BENCHMARKS.md, fourth pass).
//! Numbered here in one pass, the frame holds four integers a row, and the
//! strings stay where they were, in the applications.

use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

use crate::model::Application;
use crate::text::SharedStr;

/// Every application's company, by number.
#[derive(Debug)]
pub(super) struct Companies<'a> {
    /// The company of `apps[i]`, an index into `keys` and `named_by`.
    pub of_app: Vec<u32>,
    /// Each company's key ([`Application::company_key`]): the last tiebreak
    /// of the sheet's order, after FY and 事業者名.
    pub keys: Vec<Cow<'a, str>>,
    /// The application whose 事業者名 names the company: its first by 申請日,
    /// then 申請番号, so a company shows under one name in every FY.
    pub named_by: Vec<u32>,
}

impl<'a> Companies<'a> {
    /// Numbers the companies of `apps` in the order they are first met.
    ///
    /// # Panics
    /// With more than `u32::MAX` applications (Excel holds 1,048,576 rows a sheet).
    pub(super) fn of(apps: &'a [Application]) -> Companies<'a> {
        let mut numbers: HashMap<Cow<'a, str>, u32> = HashMap::new();
        let mut of_app = Vec::with_capacity(apps.len());
        let mut named_by: Vec<u32> = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            let i = u32::try_from(i).expect("fewer than 2^32 applications");
            let key = app.company_key();
            let next = u32::try_from(named_by.len()).expect("fewer than 2^32 companies");
            let n = *numbers.entry(key).or_insert(next);
            if n == next {
                named_by.push(i);
            } else {
                let naming = &mut named_by[n as usize];
                if app.processing_key() < apps[*naming as usize].processing_key() {
                    *naming = i;
                }
            }
            of_app.push(n);
        }
        let mut keys = vec![Cow::Borrowed(""); named_by.len()];
        for (key, n) in numbers {
            keys[n as usize] = key;
        }
        Companies {
            of_app,
            keys,
            named_by,
        }
    }

    /// The 事業者名 company `n` shows under.
    pub(super) fn name<'s>(&self, apps: &'s [Application], n: usize) -> &'s SharedStr {
        &apps[self.named_by[n] as usize].company
    }
}
