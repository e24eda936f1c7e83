//! How a run was asked for ([`Trigger`]) and how it ended ([`Exit`]).
//!
//! The history records the one and the process exits with the other; both
//! are about the run as a whole, not any row, so they sit on their own.

/// What asked for a run, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Trigger {
    /// `hojokin run` from a shell, cron or a systemd timer.
    #[serde(rename = "manual")]
    Manual,
    /// The daemon, at a scheduled slot.
    #[serde(rename = "schedule")]
    Schedule,
    /// The daemon at start, for a slot missed while it was down.
    #[serde(rename = "catch-up")]
    CatchUp,
}

impl Trigger {
    pub const ALL: [Trigger; 3] = [Trigger::Manual, Trigger::Schedule, Trigger::CatchUp];

    /// The word stored in the state file and printed by `history`.
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Schedule => "schedule",
            Trigger::CatchUp => "catch-up",
        }
    }

    pub fn from_code(code: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.code() == code)
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The contract's exit status: the one place a run's end becomes a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// 0: done.
    Done,
    /// 1: done, but staff must fix something (rejected rows, mail left queued).
    NeedsAttention,
    /// 2: could not run.
    CouldNotRun,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::NeedsAttention => 1,
            Exit::CouldNotRun => 2,
        }
    }

    /// The worse of two: a run that needs attention anywhere needs it.
    pub fn and(self, other: Exit) -> Exit {
        self.max(other)
    }
}
