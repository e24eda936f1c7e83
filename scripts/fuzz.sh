#!/usr/bin/env bash
# Runs the ingest fuzz loop (tests/it/fuzz_ingest.rs) for a while.
#
#   scripts/fuzz.sh [SECONDS] [SEED]     default: 600 s, a seed from the clock
#
# The loop mutates the fixtures and feeds them to every ingest entry point.
# Virtual memory is capped (FUZZ_MEM_KB, default 3 GB) so an input that makes
# a reader allocate without bound aborts the run instead of the machine; the
# input being tried is kept in target/fuzz-last.* so such a run can be
# replayed. A panic that escapes ingest saves its input under
# target/fuzz-failures/. Replay a run with the seed it printed.
set -euo pipefail
secs="${1:-600}"
seed="${2:-$(date +%s)}"
cd "$(dirname "$0")/.."
cargo test --test it --no-run --quiet
ulimit -v "${FUZZ_MEM_KB:-3000000}"
echo "fuzz: ${secs} s, seed ${seed}"
# Readers panic on purpose here (caught): their backtraces would drown the log.
env -u RUST_BACKTRACE HOJOKIN_FUZZ_SECS="$secs" HOJOKIN_FUZZ_SEED="$seed" HOJOKIN_FUZZ_KEEP_LAST=1 \
    cargo test --test it --quiet fuzz_ingest -- --nocapture
