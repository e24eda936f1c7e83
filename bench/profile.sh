#!/usr/bin/env bash
# Where `hojokin run` spends its time and memory (see BENCHMARKS.md, "Profile").
#
#   nice -n 19 bash bench/profile.sh [N]        # default N = 200000
#
# Builds the release binary with line tables (CARGO_PROFILE_RELEASE_DEBUG=line-tables-only,
# into CARGO_TARGET_DIR, default target), generates bench/data/city_N.xlsx if missing, then:
#   perf record -g (DWARF call graphs) → bench/out/profile/perf.data, perf-report.txt (self
#     time), perf-children.txt (time including callees) and perf-callers.txt (call chains);
#   heaptrack → bench/out/profile/heaptrack.*.zst and heaptrack.txt (peak, top allocators).
# Each run is also timed with /usr/bin/time -v and logs its stages (HOJOKIN_LOG=info).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
TARGET=${CARGO_TARGET_DIR:-target}
P=bench/out/profile
mkdir -p "$P"
CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
    cargo build --release --bin hojokin --example bench_make_large
HOJOKIN=$TARGET/release/hojokin
[[ -f bench/data/city_$N.xlsx ]] || "$TARGET/release/examples/bench_make_large" "$N"
JOB=bench/jobs/city_$N.toml

echo "== perf record"
rm -f "$P/perf.db"
HOJOKIN_LOG=info /usr/bin/time -v -o "$P/perf.time" \
    perf record -F 499 -g --call-graph dwarf,16384 -o "$P/perf.data" -- \
    "$HOJOKIN" run "$JOB" --as-of 2024-04-25 --db "$P/perf.db" >"$P/perf.out" 2>"$P/perf.err" || true
# Whole reports to files (a `| head` would end this script with SIGPIPE under pipefail).
# DWARF unwinding makes each report take minutes on a loaded 2-core machine.
perf report -i "$P/perf.data" --no-children --sort symbol --stdio -g none >"$P/perf-report.txt" 2>/dev/null || true
perf report -i "$P/perf.data" --children --sort symbol --stdio -g none >"$P/perf-children.txt" 2>/dev/null || true
perf report -i "$P/perf.data" --no-children --sort symbol --stdio -g caller,0.5,callee >"$P/perf-callers.txt" 2>/dev/null || true

echo "== heaptrack"
rm -f "$P/heap.db" "$P"/heaptrack.*
HOJOKIN_LOG=info heaptrack -o "$P/heaptrack" \
    "$HOJOKIN" run "$JOB" --as-of 2024-04-25 --db "$P/heap.db" >"$P/heap.out" 2>"$P/heap.err" || true
heaptrack_print -f "$P"/heaptrack.*.zst -p 1 -a 1 -l 0 -T 0 -n 12 \
    >"$P/heaptrack.txt" 2>/dev/null || true
echo "wrote $P/perf-report.txt, perf-children.txt, perf-callers.txt, heaptrack.txt"
