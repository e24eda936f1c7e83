//! Log output: readable lines on stderr by default, JSON lines for journald
//! and log collectors when `HOJOKIN_LOG_FORMAT=json`. Level from
//! `HOJOKIN_LOG` (tracing's env-filter syntax), default `info`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; called once by `main`.
pub fn init() {
    let filter = EnvFilter::try_from_env("HOJOKIN_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("HOJOKIN_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        // Colour codes only for a person at a terminal, never in cron mail or journald.
        .with_ansi(std::io::stderr().is_terminal());
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
