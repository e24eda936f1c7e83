//! Helpers for the per-row program tests: each application alone against the
//! shipped catalogue, compared with an amount worked out by hand.

use super::support::{app, assess_builtin};
use crate::model::{Application, Yen};
use crate::rules::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    Amount(Yen),
    NotEligible,
    CannotCompute,
}
use Want::{Amount, CannotCompute, NotEligible};

/// (label, cost, expected amount, a fragment the reason must contain)
pub(super) type Row = (&'static str, Yen, Want, &'static str);

pub(super) fn members(mut a: Application, n: u32) -> Application {
    a.members = Some(n);
    a
}

pub(super) fn persons(mut a: Application, all: u32, women: u32, disabled: u32) -> Application {
    a.persons = Some(all);
    a.persons_women = Some(women);
    a.persons_disabled = Some(disabled);
    a
}

/// Checks each application alone, so no cap spans two of them.
pub(super) fn check_apps(cases: &[(&str, Application, Want, &str)]) {
    for (label, a, want, fragment) in cases {
        let got = assess_builtin(std::slice::from_ref(a));
        let got = &got[0];
        let (computed, verdict) = match want {
            Amount(x) => (Some(*x), Verdict::Undecided),
            NotEligible => (Some(0), Verdict::NotEligible),
            CannotCompute => (None, Verdict::CannotCompute),
        };
        assert_eq!(got.computed, computed, "{label}: {}", got.reason);
        assert_eq!(got.verdict, verdict, "{label}: {}", got.reason);
        assert!(
            got.reason.contains(fragment),
            "{label}: reason {:?} lacks {fragment:?}",
            got.reason
        );
    }
}

pub(super) fn check(program: &str, course: Option<&str>, rows: &[Row]) {
    let cases: Vec<_> = rows
        .iter()
        .map(|(label, cost, want, frag)| (*label, app("T-1", program, course, *cost), *want, *frag))
        .collect();
    check_apps(&cases);
}
