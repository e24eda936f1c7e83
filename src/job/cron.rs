//! A job's `schedule`: six-field cron (sec min hour day month weekday) in
//! Asia/Tokyo, parsed once when the job file loads, so every later use (the
//! daemon, `hojokin jobs`, catch-up) works from the same checked value.
//!
//! Parsed with `croner` (seconds required, day-of-month AND day-of-week), the
//! reading tokio-cron-scheduler 0.15 gives the same expression, so the slots
//! computed here are the ones it fires.

use chrono::{DateTime, FixedOffset, TimeZone};
use chrono_tz::Asia::Tokyo;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

use crate::logging::one_line;

/// A validated cron expression.
#[derive(Debug, Clone)]
pub struct Schedule {
    expr: String,
    cron: Cron,
}

impl Schedule {
    /// Parses `sec min hour day month weekday`; the error is a Japanese sentence.
    pub fn parse(expr: &str) -> Result<Schedule, String> {
        let fields = expr.split_whitespace().count();
        if fields != 6 {
            return Err(format!(
                "スケジュールは「秒 分 時 日 月 曜日」の6項目で書いてください（{fields}項目あります）: {}",
                one_line(expr)
            ));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(expr)
            .map_err(|e| {
                format!(
                    "スケジュール「{}」を解釈できません（{}）",
                    one_line(expr),
                    one_line(&e.to_string())
                )
            })?;
        Ok(Schedule {
            expr: expr.to_string(),
            cron,
        })
    }

    /// The expression as written in the job file.
    pub fn expr(&self) -> &str {
        &self.expr
    }

    /// The first slot strictly after `now`, in Tokyo time.
    pub fn next_after<Tz: TimeZone>(&self, now: &DateTime<Tz>) -> Option<DateTime<FixedOffset>> {
        let now = now.with_timezone(&Tokyo);
        self.cron
            .find_next_occurrence(&now, false)
            .ok()
            .map(|t| t.fixed_offset())
    }

    /// The latest slot at or before `now`, in Tokyo time: the slot a firing
    /// belongs to, and the one catch-up looks for.
    pub fn latest_at_or_before<Tz: TimeZone>(
        &self,
        now: &DateTime<Tz>,
    ) -> Option<DateTime<FixedOffset>> {
        let now = now.with_timezone(&Tokyo);
        self.cron
            .find_previous_occurrence(&now, true)
            .ok()
            .map(|t| t.fixed_offset())
    }
}
