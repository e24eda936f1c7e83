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

/// `mi_option_purge_delay` in mimalloc v3's `enum mi_option_e` (mimalloc.h;
/// libmimalloc-sys names only v2's numbers). `tests::the_index_is_purge_delay`
/// holds it to the option whose default is v3's purge delay.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory a stage lets go of is given back to the system at once, not a
/// second later (mimalloc v3 waits 1,000 ms by default). A night lets go of
/// tens of MB between its stages in less than that, and the held pages
/// stood on top of the next stage's: peak RSS at 200,000 applications
/// 342–360 → 308–316 MiB, the time unchanged within the machine's noise
/// (BENCHMARKS.md, "fourth pass").
#[allow(unsafe_code)]
fn purge_freed_memory_at_once() {
    // SAFETY: `mi_option_set` only stores the value; it is not thread-safe,
    // and this runs first in `main`, before the program starts any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

fn main() -> ExitCode {
    purge_freed_memory_at_once();
    let cli = hojokin::Cli::parse();
    hojokin::logging::init();
    match hojokin::run(cli) {
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
            ExitCode::from(hojokin::Exit::CouldNotRun.code())
        }
    }
}

#[cfg(test)]
mod tests {
    /// A mimalloc update that renumbered its options would make
    /// `MI_OPTION_PURGE_DELAY` set another option: the option at that index
    /// must still be the purge delay, whose v3 default is 1,000 ms (this test
    /// process never sets it; `MIMALLOC_PURGE_DELAY` in the environment would).
    #[test]
    #[allow(unsafe_code)]
    fn the_index_is_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option has no precondition.
        let value = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }
}
