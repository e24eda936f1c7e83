//! A test that leaves a process-wide setting behind runs in a process of its
//! own. The library daemon's stop asks every night of its process to stop
//! sending (`notify::window::request_stop`, for SIGTERM), and nothing takes
//! that back: run in this test binary beside the mail tests, it would make
//! their nights send nothing. So such a test re-runs itself alone in a child
//! of this binary, and the parent only checks that the child passed.

use std::process::Command;

/// Set in the child to the one test it runs.
const CHILD: &str = "HOJOKIN_IT_OWN_PROCESS";

/// `test` is the test's path as `module_path!()` and its name give it.
/// True in the parent, which has run the test in a child and checked that it
/// passed (the test returns at once); false in the child, which runs the body.
pub(crate) fn ran_in_a_child(test: &str) -> bool {
    let name = test.strip_prefix("it::").unwrap_or(test);
    if std::env::var(CHILD).as_deref() == Ok(name) {
        return false;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads=1", "--nocapture"])
        .env(CHILD, name)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{name} in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}
