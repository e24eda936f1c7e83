//! The one way the tests run the real binary: a working folder, an
//! environment with none of the variables hojokin reads leaking in from the
//! developer's shell, and checks on the outcome that say what went wrong.
//!
//! stderr is what an operator reads, so it is checked whole:
//! [`Ran::stderr_is`] compares all of it (the working folder written
//! `<site>`) with the expected text. [`Ran::stderr_inexact`] is the named way
//! out for the few outputs that hold what changes from run to run and
//! cannot be written `<site>` (a time of day, a process id).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `hojokin ARGS`, being built.
#[derive(Debug)]
pub(crate) struct Hojokin {
    cmd: Command,
    site: PathBuf,
}

impl Hojokin {
    /// In `dir`, with `HOJOKIN_DB`, `HOJOKIN_SMTP_URL` and the log format
    /// unset and warnings-only logs.
    pub(crate) fn new(dir: &Path) -> Hojokin {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hojokin"));
        cmd.current_dir(dir)
            .env_remove("HOJOKIN_DB")
            .env_remove("HOJOKIN_SMTP_URL")
            .env_remove("HOJOKIN_LOG_FORMAT")
            .env("HOJOKIN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Hojokin {
            cmd,
            site: dir.to_path_buf(),
        }
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Hojokin
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub(crate) fn arg_db(self, db: &Path) -> Hojokin {
        self.args([OsStr::new("--db"), db.as_os_str()])
    }

    pub(crate) fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Hojokin {
        self.cmd.env(key, value);
        self
    }

    /// The command itself, for a test that spawns and kills it.
    pub(crate) fn command(self) -> Command {
        self.cmd
    }

    pub(crate) fn output(mut self) -> Output {
        self.cmd.output().expect("the hojokin binary runs")
    }

    /// Runs it, whatever its exit status.
    pub(crate) fn ran(self) -> Ran {
        let site = self.site.clone();
        Ran {
            out: self.output(),
            site,
        }
    }

    /// Runs it and checks its exit status, showing stderr when it differs.
    pub(crate) fn expect(self, code: i32) -> Ran {
        let ran = self.ran();
        assert_eq!(
            ran.out.status.code(),
            Some(code),
            "exit status; stderr:\n{}",
            ran.stderr()
        );
        ran
    }
}

/// A finished run of the binary.
#[derive(Debug)]
pub(crate) struct Ran {
    pub out: Output,
    site: PathBuf,
}

impl Ran {
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// A run that did not go through [`Hojokin`] (a command spawned by
    /// hand), in working folder `site`.
    pub(crate) fn of(out: Output, site: &Path) -> Ran {
        Ran {
            out,
            site: site.to_path_buf(),
        }
    }

    pub(crate) fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    /// stderr as it reads on any run: the working folder written `<site>`
    /// and a log line's time `<time>`.
    pub(crate) fn said(&self) -> String {
        let mut said = self.stderr();
        for site in [Some(self.site.clone()), self.site.canonicalize().ok()]
            .into_iter()
            .flatten()
        {
            said = said.replace(&site.display().to_string(), "<site>");
        }
        said.split_inclusive('\n').map(untimed).collect()
    }

    /// stderr is exactly `want` (see [`Ran::said`]), line ends and all.
    pub(crate) fn stderr_is(&self, want: &str) {
        let said = self.said();
        assert!(
            said == want,
            "stderr differs.\n--- want\n{want}\n--- got\n{said}\n--- got, as a Rust string\n{said:?}"
        );
    }

    /// The opt-out of [`Ran::stderr_is`], for stderr that holds what changes
    /// from run to run: `why` names it, and each of `parts` must appear, in
    /// this order.
    pub(crate) fn stderr_inexact(&self, why: &str, parts: &[&str]) {
        inexact(&self.said(), why, parts);
    }
}

/// The check of [`Ran::stderr_inexact`], for text a test read elsewhere (a
/// daemon's log file).
pub(crate) fn inexact(said: &str, why: &str, parts: &[&str]) {
    let mut rest = said;
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => {
                panic!("stderr (checked in part: {why}) lacks {part:?} where expected:\n{said}")
            }
        }
    }
}

/// A log line starts with its time, `2024-04-25T02:30:00.123+09:00`.
fn untimed(line: &str) -> std::borrow::Cow<'_, str> {
    const WIDTH: usize = "2024-04-25T02:30:00.123+09:00".len();
    match line.get(..WIDTH) {
        Some(time) if chrono::DateTime::parse_from_rfc3339(time).is_ok() => {
            format!("<time>{}", &line[WIDTH..]).into()
        }
        _ => line.into(),
    }
}
