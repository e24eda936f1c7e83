//! `[email] send_until` and `[email] max_mails_per_night` as the job file
//! gives them; `notify::window` keeps a night to them.

use chrono::NaiveTime;

/// The job's window (both unset: the night sends everything).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendWindow {
    /// No mail is started at or after this time of day (Asia/Tokyo), the
    /// first such time after the night began.
    pub until: Option<NaiveTime>,
    /// At most this many grantee mails a night.
    pub max_mails: Option<usize>,
}
