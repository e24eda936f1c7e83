//! The staff digest's memory of what it has named: each flag (a 要確認 row,
//! an overdue report) a delivered digest listed, with the line it showed, so
//! the next digest can tell staff what is new since last night and what was
//! resolved.

use rusqlite::{OptionalExtension, params};

use super::{State, StateError};

/// A flag a delivered digest named, as the state file remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFlag {
    pub kind: String,
    pub key: String,
    /// The line the digest showed (the key for flags from before lines were kept).
    pub line: String,
    /// The as-of date (ISO) of the first digest that named it.
    pub first_reported: String,
}

impl State {
    /// Whether a delivered digest of `job` already named this flag.
    /// The statement is prepared once per connection (asked once per 要確認 row).
    pub fn digest_flag_seen(&self, job: &str, kind: &str, key: &str) -> Result<bool, StateError> {
        self.conn
            .prepare_cached("SELECT 1 FROM digest_flags WHERE job = ?1 AND kind = ?2 AND key = ?3")
            .map_err(|e| self.sql(e))?
            .query_row(params![job, kind, key], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.sql(e))
    }

    /// Every key of `kind` a delivered digest of `job` has named, in one
    /// query: the workbook asks about each of a national night's 要確認 rows.
    pub fn digest_flags_seen(
        &self,
        job: &str,
        kind: &str,
    ) -> Result<std::collections::HashSet<String>, StateError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key FROM digest_flags WHERE job = ?1 AND kind = ?2")
            .map_err(|e| self.sql(e))?;
        let keys = stmt
            .query_map(params![job, kind], |row| row.get::<_, String>(0))
            .map_err(|e| self.sql(e))?;
        keys.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Remembers flags a delivered digest named (first time only), with
    /// the line it showed, so a later digest can say the flag was resolved.
    pub fn digest_flags_record(
        &self,
        job: &str,
        flags: &[(&str, &str, &str)],
        as_of: &str,
    ) -> Result<(), StateError> {
        for (kind, key, line) in flags {
            self.conn
                .execute(
                    "INSERT INTO digest_flags (job, kind, key, first_reported, line)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (job, kind, key) DO UPDATE SET line = excluded.line",
                    params![job, kind, key, as_of, line],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// Every flag a delivered digest of `job` named and no later digest
    /// reported resolved: (kind, key, line shown; the key when unknown).
    pub fn digest_flags_open(
        &self,
        job: &str,
    ) -> Result<Vec<(String, String, String)>, StateError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, key, COALESCE(line, key) FROM digest_flags WHERE job = ?1
                 ORDER BY first_reported, kind, key",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![job], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Every flag a delivered digest of `job` named, with the night it was
    /// first named: the night's summary tells new from continuing by it and
    /// gives 要確認 its 初出日. One query for a national night's rows.
    pub fn digest_flags_known(&self, job: &str) -> Result<Vec<KnownFlag>, StateError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT kind, key, COALESCE(line, key), first_reported FROM digest_flags
                 WHERE job = ?1 ORDER BY first_reported, kind, key",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![job], |r| {
                Ok(KnownFlag {
                    kind: r.get(0)?,
                    key: r.get(1)?,
                    line: r.get(2)?,
                    first_reported: r.get(3)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Forgets flags a delivered digest reported resolved: should one come
    /// back, it is new again.
    pub fn digest_flags_forget(&self, job: &str, flags: &[(&str, &str)]) -> Result<(), StateError> {
        for (kind, key) in flags {
            self.conn
                .execute(
                    "DELETE FROM digest_flags WHERE job = ?1 AND kind = ?2 AND key = ?3",
                    params![job, kind, key],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }
}
