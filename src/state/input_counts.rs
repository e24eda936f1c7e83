//! Each input's row counts on the last night whose reminders went out: what
//! tonight's export is measured against, so an export that suddenly shrinks
//! (a half-copied file) holds the reminders instead of duning grantees.
//!
//! Only a night that sent (or was confirmed by staff) moves the yardstick: a
//! held night leaves it, so the same half-copied file is held again the next
//! night rather than becoming the new normal.

use chrono::NaiveDate;
use rusqlite::params;

use super::{State, StateError};
use crate::ingest::InputSummary;
use crate::model::Dataset;

/// One input's counts on the night that set the yardstick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputCount {
    pub dataset: Dataset,
    pub as_of: NaiveDate,
    /// Data rows read.
    pub rows: u64,
    /// Rows read and accepted (not rejected).
    pub accepted: u64,
}

impl State {
    /// The yardstick of each input of `job` (none on a job's first night).
    pub fn input_counts(&self, job: &str) -> Result<Vec<InputCount>, StateError> {
        let mut stmt = self
            .conn
            .prepare("SELECT dataset, as_of, rows, accepted FROM input_counts WHERE job = ?1")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![job], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (dataset, as_of, rows, accepted) = row.map_err(|e| self.sql(e))?;
            // A dataset or date this build does not know is no yardstick.
            let Some(dataset) = Dataset::ALL.into_iter().find(|d| d.key() == dataset) else {
                continue;
            };
            let Ok(as_of) = NaiveDate::parse_from_str(&as_of, "%Y-%m-%d") else {
                continue;
            };
            out.push(InputCount {
                dataset,
                as_of,
                rows: u64::try_from(rows).unwrap_or(0),
                accepted: u64::try_from(accepted).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// Tonight's counts become the yardstick of `job`'s inputs.
    pub fn save_input_counts(
        &self,
        job: &str,
        run_id: i64,
        as_of: NaiveDate,
        inputs: &[InputSummary],
    ) -> Result<(), StateError> {
        for i in inputs {
            let accepted = i.rows.saturating_sub(i.rejected);
            self.conn
                .execute(
                    "INSERT INTO input_counts (job, dataset, run_id, as_of, rows, accepted)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (job, dataset) DO UPDATE SET run_id = ?3, as_of = ?4,
                        rows = ?5, accepted = ?6",
                    params![
                        job,
                        i.dataset.key(),
                        run_id,
                        as_of.to_string(),
                        i64::try_from(i.rows).unwrap_or(i64::MAX),
                        i64::try_from(accepted).unwrap_or(i64::MAX)
                    ],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }
}
