"""Benchmark baseline: openpyxl in read-only (streaming) mode over one sheet.

    python3 bench/baseline_openpyxl.py FILE [SHEET]

Counts the rows that have at least one non-empty cell, like bench_baseline_dense
and like the rows hojokin ingests. See BENCHMARKS.md.
"""

import sys

from openpyxl import load_workbook


def main() -> None:
    path = sys.argv[1]
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb[sys.argv[2]] if len(sys.argv) > 2 else wb.worksheets[0]
    rows = 0
    for row in ws.iter_rows(values_only=True):
        if any(v is not None for v in row):
            rows += 1
    wb.close()
    print(f"{path}: {ws.title}: {rows} non-empty rows")


if __name__ == "__main__":
    main()
