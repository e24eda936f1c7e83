//! The `hojokin` binary: parse arguments, run one command, print what it
//! returned and exit with its status. The only place that prints.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than glibc's malloc: a national night allocates millions
/// of small strings on two threads, and glibc's per-thread arenas kept freed
/// memory as resident (BENCHMARKS.md, "What each change bought, second
/// pass"; it costs some fixed memory on small nights: "The small end").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = hojokin::cli::Cli::parse();
    hojokin::logging::init();
    match hojokin::cli::run(cli) {
        Ok(done) => {
            for line in &done.stdout {
                println!("{line}");
            }
            for line in &done.stderr {
                eprintln!("{line}");
            }
            ExitCode::from(done.exit.code())
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(hojokin::model::Exit::CouldNotRun.code())
        }
    }
}
