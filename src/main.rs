//! The `hojokin` binary: parse arguments, run one command, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = hojokin::cli::Cli::parse();
    hojokin::logging::init();
    ExitCode::from(hojokin::cli::run(cli))
}
