"""Optional benchmark baseline: pandas.read_excel (openpyxl engine) over one sheet.

    python3 bench/baseline_pandas.py FILE [SHEET]

Loads the sheet into a DataFrame (the way an analyst would) and counts the rows
that are not entirely empty. See BENCHMARKS.md.
"""

import sys

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    sheet = sys.argv[2] if len(sys.argv) > 2 else 0
    df = pd.read_excel(path, sheet_name=sheet, header=None)
    rows = len(df.dropna(how="all"))
    print(f"{path}: {sheet}: {rows} non-empty rows")


if __name__ == "__main__":
    main()
