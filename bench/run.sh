#!/usr/bin/env bash
# Speed and memory of hojokin beside its baselines, in one run (see BENCHMARKS.md).
#
#   nice -n 19 bash bench/run.sh                # city-shaped workbooks of 1,000 .. 200,000 applications
#   BENCH_FULL=1 nice -n 19 bash bench/run.sh   # also 1,048,575 (a full sheet), run once
#   BENCH_SPARSE=1 bash bench/run.sh            # also the sparse sheet (one cell at XFD1048576)
#
# For each size: the floor (bench_floor: calamine reads every sheet whole, as issue 10 measured
# it), the streaming read (bench_floor --stream: every cell streamed, nothing kept),
# `hojokin check`, `hojokin run` (no mail), the write floor (bench_write_floor: the cells of the
# workbook that run wrote, written back with rust_xlsxwriter and nothing else, its own timing of
# the write), the polars-python pipeline and the pandas+openpyxl pipeline, all on the same
# bench/data/city_N.xlsx. Environment: SIZES (default
# "1000 10000 100000 200000"), REPEAT (default 3; REPEAT_LARGE, default REPEAT, from 100,000
# rows; the full sheet always once), PANDAS_MAX (the largest size the pandas pipeline runs at:
# at a full sheet it alone takes 12 minutes; default every size), TIMEOUT seconds
# per command (default 900; SPARSE_TIMEOUT, default 120, on the sparse sheet), CARGO_TARGET_DIR
# (default target). Every command runs under /usr/bin/time -v; the table gives the median wall
# time and median max RSS of REPEAT runs and their ratios to the floor's. A run that fails
# (out of memory, timeout) is reported as failed and not repeated. The figures also go to
# bench/out/results.csv, and bench/plot_cost_curve.py draws bench/cost_curve.png from them.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1000 10000 100000 200000"}
if [[ -n "${BENCH_FULL:-}" ]]; then SIZES="$SIZES 1048575"; fi
REPEAT=${REPEAT:-3}
TIMEOUT=${TIMEOUT:-900}
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
python3 -c 'import polars, fastexcel, xlsxwriter, pandas, openpyxl, matplotlib' 2>/dev/null ||
    timeout 600 pip install -q polars fastexcel xlsxwriter pandas openpyxl matplotlib

echo "== machine"
echo "nproc: $(nproc); $(uptime)"
free -h | sed -n 1,2p
rustc --version
python3 --version
python3 -c 'import polars, fastexcel, xlsxwriter, pandas, openpyxl, matplotlib as m
print("polars", polars.__version__, "fastexcel", fastexcel.__version__, "xlsxwriter", xlsxwriter.__version__,
      "pandas", pandas.__version__, "openpyxl", openpyxl.__version__, "matplotlib", m.__version__)'
grep -A1 '^name = "calamine"' Cargo.lock | tr '\n' ' '
echo

echo "== build (release)"
# Line tables only: the same binary serves bench/profile.sh (perf, heaptrack); debug info does
# not change the generated code.
export CARGO_PROFILE_RELEASE_DEBUG=${CARGO_PROFILE_RELEASE_DEBUG:-line-tables-only}
cargo build --release --bin hojokin --example bench_floor --example bench_baseline_dense --example bench_make_large \
    --example bench_write_floor
HOJOKIN=$TARGET/release/hojokin
FLOOR=$TARGET/release/examples/bench_floor
DENSE=$TARGET/release/examples/bench_baseline_dense
MAKE=$TARGET/release/examples/bench_make_large
WRITE_FLOOR=$TARGET/release/examples/bench_write_floor

ROWS_MD=()
CSV=$OUT/results.csv
echo "tool,rows,wall_s,rss_mib,runs,exit" >"$CSV"
declare -A FLOOR_WALL FLOOR_RSS STREAM_WALL STREAM_RSS RUN_WALL
WF_MD=()

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

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "" }'; }
# the same to two decimals, for the write floor's bound (2.04 is over 2.0)
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "" }'; }

# measure TOOL INPUT ROWS LIMIT CMD...: REPEAT timed runs of CMD; LIMIT is a ulimit -v
# in KiB or "-". Appends one table row to ROWS_MD (with the ratios to FLOOR_WALL/FLOOR_RSS
# of ROWS, once the floor is measured) and one line to results.csv.
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
        says=$( (grep -hoE '[0-9]+ non-empty rows|申請一覧として [0-9]+ 行確認しました（除外 [0-9]+ 行）|^[0-9]+ applications, [0-9]+ errors|^申請一覧: [0-9]+ rows, [0-9]+ cells' "$log.out" "$log.err" || true) | tail -n 1)
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
    if [[ "$tool" == floor* && -z "$note" ]]; then
        FLOOR_WALL[$rows]=$wall
        FLOOR_RSS[$rows]=$rss
    fi
    if [[ "$tool" == "hojokin run"* && -z "$note" ]]; then
        RUN_WALL[$rows]=$wall
    fi
    if [[ "$tool" == streaming* && -z "$note" ]]; then
        STREAM_WALL[$rows]=$wall
        STREAM_RSS[$rows]=$rss
    fi
    local rw="" rr="" sw="" sr=""
    if [[ -n "${FLOOR_WALL[$rows]:-}" ]]; then
        rw=$(ratio "$wall" "${FLOOR_WALL[$rows]}")
        rr=$(ratio "$rss" "${FLOOR_RSS[$rows]}")
    fi
    if [[ -n "${STREAM_WALL[$rows]:-}" ]]; then
        sw=$(ratio "$wall" "${STREAM_WALL[$rows]}")
        sr=$(ratio "$rss" "${STREAM_RSS[$rows]}")
    fi
    echo "$tool,$rows,$wall,$rss,${#walls[@]},$status" >>"$CSV"
    if [[ -n "$note" ]]; then
        says=$note
        wall="($wall)"
        rss="($rss)"
    fi
    ROWS_MD+=("| $tool | $input | $rows | $wall | $rss | $rw | $rr | $sw | $sr | ${#walls[@]} | $status | $says |")
}

# write_floor ROWS REPORT: REPEAT runs of bench_write_floor on the workbook `hojokin run` wrote;
# its own timing (the cells written back, not the untimed read of the report before). Appends a
# row to WF_MD and the line "read + write floor" (the floor's wall plus the write's) to
# results.csv, the least any run that reads with calamine and writes these cells with
# rust_xlsxwriter can take on one core after the other.
write_floor() {
    local rows=$1 report=$2 i log line sheets=() zips=() writes=() cells=""
    for ((i = 1; i <= REPEAT; i++)); do
        log="$LOGS/write-floor-$rows-$i"
        "$WRITE_FLOOR" "$report" "$TMP/write-floor.xlsx" >"$log.out" 2>"$log.err" || {
            echo "  write floor $rows run $i failed: $(tail -n 1 "$log.err")" >&2
            return 0
        }
        line=$(tail -n 1 "$log.out")
        cells=${line%% cells*}
        sheets+=("$(sed -E 's/.*sheets ([0-9.]+) s.*/\1/' <<<"$line")")
        zips+=("$(sed -E 's/.*zip ([0-9.]+) s.*/\1/' <<<"$line")")
        writes+=("$(sed -E 's/.*write ([0-9.]+) s.*/\1/' <<<"$line")")
        echo "  write floor $rows run $i: $line" >&2
    done
    local write floor=${FLOOR_WALL[$rows]:-} both="" least="" run=${RUN_WALL[$rows]:-} beyond=""
    write=$(median "${writes[@]}")
    if [[ -n "$floor" ]]; then
        both=$(awk -v a="$floor" -v b="$write" 'BEGIN { printf "%.2f", a + b }')
        least=$(ratio2 "$both" "$floor")
        echo "read + write floor (bench_floor + bench_write_floor),$rows,$both,0,${#writes[@]},0" >>"$CSV"
        [[ -n "$run" ]] && beyond=$(ratio2 "$run" "$both")
    fi
    local over_floor=""
    [[ -n "$run" && -n "$floor" ]] && over_floor=$(ratio "$run" "$floor")
    WF_MD+=("| $rows | $cells | $(median "${sheets[@]}") | $(median "${zips[@]}") | $write | $floor | $both | $least | $run | $over_floor | $beyond |")
}

echo "== generate inputs"
# An input already there and newer than the generator is kept (GENERATE=1 forces a rewrite):
# the files are deterministic, and a profile may be reading one.
for n in $SIZES; do
    if [[ -n "${GENERATE:-}" || ! bench/data/city_$n.xlsx -nt "$MAKE" || ! -f bench/jobs/city_$n.toml ]]; then
        REPEAT=1 measure "bench_make_large" "city_$n.xlsx" "$n" - "$MAKE" "$n"
    else
        echo "  bench/data/city_$n.xlsx is up to date"
    fi
done
if [[ -n "${BENCH_SPARSE:-}" ]]; then
    REPEAT=1 measure "bench_make_large" "sparse.xlsx" 11 - "$MAKE" sparse
fi
GEN_ROWS=("${ROWS_MD[@]}")
ROWS_MD=()
sed -i '/^bench_make_large,/d' "$CSV"

echo "== measure"
for n in $SIZES; do
    xlsx=bench/data/city_$n.xlsx
    reps=$REPEAT
    [[ $n -ge 100000 ]] && reps=${REPEAT_LARGE:-$REPEAT} # 100,000 rows and up: REPEAT_LARGE if set
    [[ $n -ge 1000000 ]] && reps=1 # a full sheet: once (minutes per command on this machine)
    REPEAT=$reps measure "floor: calamine read of every sheet (bench_floor)" "city_$n.xlsx" "$n" - "$FLOOR" "$xlsx"
    REPEAT=$reps measure "streaming read: calamine cell reader (bench_floor --stream)" "city_$n.xlsx" "$n" - "$FLOOR" --stream "$xlsx"
    REPEAT=$reps measure "hojokin check" "city_$n.xlsx" "$n" - "$HOJOKIN" check "$xlsx"
    REPEAT=$reps measure "hojokin run (no mail)" "city_$n.xlsx" "$n" - \
        bash -c 'db=$(mktemp -u "$0/state-XXXXXX.db"); HOJOKIN_LOG=info exec "$1" run "$2" --as-of "$3" --db "$db"' \
        "$TMP" "$HOJOKIN" "bench/jobs/city_$n.toml" "$AS_OF"
    REPEAT=$reps write_floor "$n" "$OUT/city_$n-$AS_OF.xlsx"
    REPEAT=$reps measure "polars + fastexcel + XlsxWriter (baseline)" "city_$n.xlsx" "$n" - \
        python3 bench/baseline_polars.py "$xlsx" "$OUT/polars_$n.xlsx" "$AS_OF"
    if [[ $n -le ${PANDAS_MAX:-$n} ]]; then
        REPEAT=$reps measure "pandas + openpyxl (baseline)" "city_$n.xlsx" "$n" - \
            python3 bench/baseline_pandas_pipeline.py "$xlsx" "$OUT/pandas_$n.xlsx" "$AS_OF"
    fi
done
if [[ -n "${BENCH_SPARSE:-}" ]]; then
    sparse=bench/data/sparse.xlsx
    TIMEOUT=$SPARSE_TIMEOUT measure "hojokin check" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" "$HOJOKIN" check "$sparse"
    TIMEOUT=$SPARSE_TIMEOUT measure "calamine dense Range (baseline)" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" "$DENSE" "$sparse" 申請一覧
    TIMEOUT=$SPARSE_TIMEOUT measure "openpyxl read_only (baseline)" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" python3 bench/baseline_openpyxl.py "$sparse" 申請一覧
    TIMEOUT=$SPARSE_TIMEOUT measure "pandas.read_excel (baseline)" "sparse.xlsx" "10 + XFD1048576" "$LIMIT_KIB" python3 bench/baseline_pandas.py "$sparse" 申請一覧
fi

{
    echo "| tool | input | rows | wall s (median) | max RSS MiB (median) | wall ÷ floor | RSS ÷ floor | wall ÷ streaming | RSS ÷ streaming | runs | exit | tool says |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS_MD[@]}"
    echo
    echo "The write floor (bench_write_floor: the report's cells written back with rust_xlsxwriter, two"
    echo "threads, constant-memory sheets, deflate level 1, nothing else; medians, seconds):"
    echo
    echo "| rows | cells | sheets s | zip s | write s | floor s | floor + write s | (floor + write) ÷ floor | hojokin run s | run ÷ floor | run ÷ (floor + write) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${WF_MD[@]}"
    echo
    echo "Generating the inputs (one run each):"
    echo
    echo "| tool | output | rows | wall s | max RSS MiB | | | | | runs | exit | |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${GEN_ROWS[@]}"
} >"$OUT/results.md"
python3 bench/plot_cost_curve.py "$CSV" bench/cost_curve.png
echo
echo "== results (also in $OUT/results.md; logs in $LOGS); load now: $(uptime)"
cat "$OUT/results.md"
