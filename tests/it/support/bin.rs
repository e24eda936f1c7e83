//! The one way the tests run the real binary: a working folder, an
//! environment with none of the variables hojokin reads leaking in from the
//! developer's shell, and checks on the outcome that say what went wrong.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `hojokin ARGS`, being built.
pub struct Hojokin {
    cmd: Command,
}

impl Hojokin {
    /// In `dir`, with `HOJOKIN_DB`, `HOJOKIN_SMTP_URL` and the log format
    /// unset and warnings-only logs.
    pub fn new(dir: &Path) -> Hojokin {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hojokin"));
        cmd.current_dir(dir)
            .env_remove("HOJOKIN_DB")
            .env_remove("HOJOKIN_SMTP_URL")
            .env_remove("HOJOKIN_LOG_FORMAT")
            .env("HOJOKIN_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Hojokin { cmd }
    }

    pub fn args<I, S>(mut self, args: I) -> Hojokin
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn arg_db(self, db: &Path) -> Hojokin {
        self.args([OsStr::new("--db"), db.as_os_str()])
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Hojokin {
        self.cmd.env(key, value);
        self
    }

    /// The command itself, for a test that spawns and kills it.
    pub fn command(self) -> Command {
        self.cmd
    }

    pub fn output(mut self) -> Output {
        self.cmd.output().expect("the hojokin binary runs")
    }

    /// Runs it and checks its exit status, showing stderr when it differs.
    pub fn expect(self, code: i32) -> Ran {
        let out = self.output();
        let ran = Ran { out };
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
pub struct Ran {
    pub out: Output,
}

impl Ran {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// stderr is exactly these lines, in this order.
    pub fn stderr_is(&self, want: &[&str]) {
        let got = self.stderr();
        let got: Vec<&str> = got.lines().collect();
        assert_eq!(got, want, "stderr");
    }
}
