#!/usr/bin/env bash
# Speed and memory of hojokin beside its baselines, in one run (see BENCHMARKS.md).
#
#   bash bench/run.sh                 # 10,000 and 100,000 rows, and the sparse sheet
#   BENCH_FULL=1 bash bench/run.sh    # also 500,000 and 1,048,575 rows (a full sheet); ~30 min
#
# Environment: SIZES (default "10000 100000"), REPEAT (default 3), TIMEOUT seconds per
# command (default 300; SPARSE_TIMEOUT, default 120, on the sparse sheet), CARGO_TARGET_DIR
# (default target). Every command runs under
# /usr/bin/time -v; the table gives the median wall time and median max RSS of REPEAT runs.
# A run that fails (out of memory, timeout) is reported as failed and not repeated.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000"}
if [[ -n "${BENCH_FULL:-}" ]]; then SIZES="$SIZES 500000 1048575"; fi
REPEAT=${REPEAT:-3}
TIMEOUT=${TIMEOUT:-300}
SPARSE_TIMEOUT=${SPARSE_TIMEOUT:-120} # the sparse sheet: a reader that walks 16,384 x 1,048,576 cells never ends
LIMIT_KIB=$((4 * 1024 * 1024)) # ulimit -v for the sparse sheet: 4 GiB
TARGET=${CARGO_TARGET_DIR:-target}
AS_OF=2024-04-25
OUT=bench/out
LOGS=$OUT/logs
mkdir -p "$LOGS"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- tools ---------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
python3 -c 'import openpyxl' 2>/dev/null || pip install -q openpyxl
HAVE_PANDAS=1
python3 -c 'import pandas' 2>/dev/null || timeout 300 pip install -q pandas || HAVE_PANDAS=
python3 -c 'import pandas' 2>/dev/null || HAVE_PANDAS=

echo "== machine"
echo "nproc: $(nproc)"
free -h | sed -n 1,2p
rustc --version
python3 --version
python3 -c 'import openpyxl; print("openpyxl", openpyxl.__version__)'
[[ -n "$HAVE_PANDAS" ]] && python3 -c 'import pandas; print("pandas", pandas.__version__)'
grep -A1 '^name = "calamine"' Cargo.lock | tr '\n' ' '
echo

echo "== build (release)"
cargo build --release --bin hojokin --example bench_baseline_dense --example bench_make_large
HOJOKIN=$TARGET/release/hojokin
DENSE=$TARGET/release/examples/bench_baseline_dense
MAKE=$TARGET/release/examples/bench_make_large

ROWS_MD=()

# seconds from GNU time's "h:mm:ss" or "m:ss.ss"
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f", s }' "$1"
}
rss_mib() {
    awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}
# the ms of one stage from hojokin run's log line `stage done stage="NAME" ms=N`
stage_ms() {
    sed 's/\x1b\[[0-9;]*m//g' "$2" | grep -oE "stage=\"$1\" ms=[0-9]+" | grep -oE '[0-9]+$' | tail -n 1 || true
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure TOOL INPUT ROWS LIMIT CMD...: REPEAT timed runs of CMD; LIMIT is a ulimit -v
# in KiB or "-". Appends one table row to ROWS_MD.
measure() {
    local tool=$1 input=$2 rows=$3 limit=$4
    shift 4
    local walls=() rsss=() ingest=() rules=() report=() status=0 note="" says="" i log
    for ((i = 1; i <= REPEAT; i++)); do
        log="$LOGS/$(echo "$tool-$input" | tr -c 'A-Za-z0-9_.-' '_')-$i"
        status=0
        if [[ "$limit" == "-" ]]; then
            /usr/bin/time -v -o "$log.time" timeout "$TIMEOUT" "$@" >"$log.out" 2>"$log.err" || status=$?
        else
            /usr/bin/time -v -o "$log.time" timeout "$TIMEOUT" \
                bash -c 'ulimit -v "$0" && exec "$@"' "$limit" "$@" >"$log.out" 2>"$log.err" || status=$?
        fi
        if [[ $status -eq 124 ]]; then
            note="failed: timeout after ${TIMEOUT} s"
        elif grep -qiE 'memory allocation of .* failed|MemoryError|Cannot allocate memory|out of memory' "$log.err"; then
            note="failed: out of memory (limit $((limit / 1024 / 1024)) GiB)"
        elif [[ $status -gt 1 ]]; then
            note="failed: exit $status ($(sed 's/\x1b\[[0-9;]*m//g' "$log.err" | tail -n 1))"
        fi
        walls+=("$(wall_seconds "$log.time")")
        rsss+=("$(rss_mib "$log.time")")
        says=$( (grep -hoE '[0-9]+ non-empty rows|[0-9]+ 行確認しました（除外 [0-9]+ 行）' "$log.out" "$log.err" || true) | tail -n 1)
        ingest+=($(stage_ms ingest "$log.err"))
        rules+=($(stage_ms 'rules\+compliance' "$log.err"))
        report+=($(stage_ms report "$log.err"))
        echo "  $tool $input run $i: exit $status, $(wall_seconds "$log.time") s, $(rss_mib "$log.time") MiB ${note:+($note)}" >&2
        [[ -n "$note" ]] && break
    done
    if [[ ${#ingest[@]} -gt 0 ]]; then
        says="stages: ingest $(median "${ingest[@]}") ms, rules+compliance $(median "${rules[@]}") ms, report $(median "${report[@]}") ms"
    fi
    local wall rss
    wall=$(median "${walls[@]}")
    rss=$(median "${rsss[@]}")
    if [[ -n "$note" ]]; then
        says=$note
        wall="($wall)"
        rss="($rss)"
    fi
    ROWS_MD+=("| $tool | $input | $rows | $wall | $rss | ${#walls[@]} | $status | $says |")
}

echo "== generate inputs"
for n in $SIZES; do
    REPEAT=1 measure "bench_make_large" "apps_$n (.xlsx+.csv)" "$n" - "$MAKE" "$n"
done
REPEAT=1 measure "bench_make_large" "sparse.xlsx" 11 - "$MAKE" sparse
GEN_ROWS=("${ROWS_MD[@]}")
ROWS_MD=()

echo "== measure"
PANDAS_NOTE=""
for n in $SIZES; do
    xlsx=bench/data/apps_$n.xlsx
    measure "hojokin check" "apps_$n.xlsx" "$n" - "$HOJOKIN" check "$xlsx"
    measure "hojokin check" "apps_$n.csv" "$n" - "$HOJOKIN" check "bench/data/apps_$n.csv"
    measure "hojokin run (read + report)" "apps_$n.xlsx" "$n" - \
        bash -c 'db=$(mktemp -u "$0/state-XXXXXX.db"); exec "$1" run "$2" --as-of "$3" --db "$db"' \
        "$TMP" "$HOJOKIN" "bench/jobs/apps_$n.toml" "$AS_OF"
    measure "calamine dense Range (baseline)" "apps_$n.xlsx" "$n" - "$DENSE" "$xlsx" 申請一覧
    measure "openpyxl read_only (baseline)" "apps_$n.xlsx" "$n" - python3 bench/baseline_openpyxl.py "$xlsx" 申請一覧
    if [[ -n "$HAVE_PANDAS" ]]; then
        measure "pandas.read_excel (baseline)" "apps_$n.xlsx" "$n" - python3 bench/baseline_pandas.py "$xlsx" 申請一覧
    else
        PANDAS_NOTE="pandas could not be installed: its baseline was skipped."
    fi
done
sparse=bench/data/sparse.xlsx
TIMEOUT=$SPARSE_TIMEOUT measure "hojokin check" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" "$HOJOKIN" check "$sparse"
TIMEOUT=$SPARSE_TIMEOUT measure "calamine dense Range (baseline)" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" "$DENSE" "$sparse" 申請一覧
TIMEOUT=$SPARSE_TIMEOUT measure "openpyxl read_only (baseline)" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" python3 bench/baseline_openpyxl.py "$sparse" 申請一覧
if [[ -n "$HAVE_PANDAS" ]]; then
    TIMEOUT=$SPARSE_TIMEOUT measure "pandas.read_excel (baseline)" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" python3 bench/baseline_pandas.py "$sparse" 申請一覧
fi

{
    echo "| tool | input | rows | wall s (median) | max RSS MiB (median) | runs | exit | tool says |"
    echo "|---|---|---|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS_MD[@]}"
    echo
    echo "Generating the inputs (one run each):"
    echo
    echo "| tool | output | rows | wall s | max RSS MiB | runs | exit | |"
    echo "|---|---|---|---:|---:|---:|---:|---|"
    printf '%s\n' "${GEN_ROWS[@]}"
    [[ -n "$PANDAS_NOTE" ]] && echo && echo "$PANDAS_NOTE"
    true
} >"$OUT/results.md"
echo
echo "== results (also in $OUT/results.md; logs in $LOGS)"
cat "$OUT/results.md"
