//! Whether tonight's inputs can be trusted to send grantee reminders.
//!
//! A reminder says "we have not received your report": it is only as true as
//! the received-reports export and the applications export are whole. An
//! input with no rows (when it had some), one whose accepted rows fell by
//! more than the job's `[hold] shrink_percent` since the last sending night,
//! one whose rows are mostly rejected, or a CSV cut mid-line holds every
//! grantee reminder that night; staff read why on 概要 and in the digest and
//! may confirm with `--confirm-inputs`.

use crate::ingest::{Ingested, cut};
use crate::job::Job;
use crate::model::{HoldReason, MailHold};
use crate::state::input_counts::InputCount;

/// Tonight's hold, from the inputs read and the yardstick of the last
/// sending night (`baseline`, empty on a job's first night).
pub(crate) fn assess(
    job: &Job,
    ingested: &Ingested,
    baseline: &[InputCount],
    confirmed: bool,
) -> MailHold {
    let mut reasons = Vec::new();
    for s in &ingested.summaries {
        let rows = u64::try_from(s.rows).unwrap_or(u64::MAX);
        let rejected = u64::try_from(s.rejected).unwrap_or(u64::MAX);
        let accepted = rows.saturating_sub(rejected);
        let before = baseline.iter().find(|b| b.dataset == s.dataset);
        let (dataset, file) = (s.dataset, s.file.clone());
        if rows == 0 {
            // Empty on the last sending night too: nothing has changed.
            if before.is_none_or(|b| b.rows > 0) {
                reasons.push(HoldReason::Empty { dataset, file });
            }
            continue;
        }
        if let Some(cut) = cut::csv_cut(&s.file) {
            reasons.push(HoldReason::CutCsv {
                dataset,
                file: file.clone(),
                line: cut.line,
                fields: cut.fields,
                header_fields: cut.header_fields,
            });
        }
        if rejected.saturating_mul(2) > rows {
            reasons.push(HoldReason::MostlyRejected {
                dataset,
                file,
                rows,
                rejected,
            });
        } else if let Some(b) = before
            && shrunk(b.accepted, accepted, job.shrink_percent)
        {
            reasons.push(HoldReason::Shrunk {
                dataset,
                file,
                before: b.accepted,
                before_as_of: b.as_of,
                now: accepted,
                percent: job.shrink_percent,
            });
        }
    }
    MailHold { reasons, confirmed }
}

/// `now` is below `before` by more than `percent` of it (exact, in integers).
fn shrunk(before: u64, now: u64, percent: u32) -> bool {
    let kept = u128::from(now) * 100;
    let floor = u128::from(before) * u128::from(100 - percent.min(100));
    kept < floor
}

#[cfg(test)]
mod tests {
    use super::shrunk;

    #[test]
    fn a_fall_of_more_than_the_share_is_a_shrink() {
        // A tenth: 100 → 90 is within it, 89 is not.
        assert!(!shrunk(100, 90, 10));
        assert!(shrunk(100, 89, 10));
        assert!(!shrunk(100, 120, 10));
        assert!(!shrunk(0, 0, 10));
        // 0 % holds on any fall, 100 % never.
        assert!(shrunk(100, 99, 0));
        assert!(!shrunk(100, 0, 100));
    }
}
