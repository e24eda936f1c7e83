//! What the schedule tests share beside the site (`crate::support::Site`):
//! instants, the lock as the state file holds it, and bytes as text.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use hojokin::State;

pub(super) fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub(super) fn lock_is_held(db: &Path, job: &str) -> bool {
    db.exists()
        && State::open(db)
            .ok()
            .and_then(|s| s.lock_holder(job).ok().flatten())
            .is_some()
}

pub(super) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
