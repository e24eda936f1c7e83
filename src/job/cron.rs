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

/// The six fields' names and the numbers each takes.
const FIELDS: [(&str, u32, u32); 6] = [
    ("秒", 0, 59),
    ("分", 0, 59),
    ("時", 0, 23),
    ("日", 1, 31),
    ("月", 1, 12),
    ("曜日", 0, 7),
];

/// Each number of each field within its field's range, said in Japanese
/// with the field's position and name (croner only says "Number out of
/// bounds" without the field).
fn check_fields(expr: &str) -> Result<(), String> {
    for (i, (field, (name, lo, hi))) in expr.split_whitespace().zip(FIELDS).enumerate() {
        for part in field.split(',') {
            let (range, step) = part.split_once('/').unwrap_or((part, ""));
            if !step.is_empty() {
                match step.parse::<u32>() {
                    Ok(n) if n >= 1 => {}
                    _ => {
                        return Err(format!(
                            "スケジュール「{}」の{}項目め（{name}）の間隔「/{}」は 1 以上の数で書いてください。",
                            one_line(expr),
                            i + 1,
                            one_line(step)
                        ));
                    }
                }
            }
            for number in range.split('-') {
                let Ok(n) = number.parse::<u32>() else {
                    continue;
                };
                if n < lo || n > hi {
                    return Err(format!(
                        "スケジュール「{}」の{}項目め（{name}）の「{n}」は範囲外です。{name}は {lo}〜{hi} で書いてください（書き方: 秒 分 時 日 月 曜日、例: \"0 30 2 * * *\" は毎日 2:30）。",
                        one_line(expr),
                        i + 1
                    ));
                }
            }
        }
    }
    Ok(())
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
        check_fields(expr)?;
        let cron = CronParser::builder()
            .seconds(Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(expr)
            .map_err(|e| {
                format!(
                    "スケジュール「{}」を解釈できません。各項目は数字、*、範囲（1-5）、間隔（*/10）、並び（1,15）で書いてください（詳細: {}）",
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
