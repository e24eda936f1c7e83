"""Draws the cost curve of a bench/run.sh run: wall time and peak RSS against rows, log-log.

    python3 bench/plot_cost_curve.py bench/out/results.csv bench/cost_curve.png

One line per command, and a dashed one for the read + write floor (the floor's wall time plus
bench_write_floor's: the least a run that reads with calamine and writes the report's cells with
rust_xlsxwriter can take, stage after stage; time panel only); failed runs (exit > 1) and figures of 0 (below the 0.01 s that
/usr/bin/time resolves) are left out. A straight line of slope 1 is linear cost; the dotted grey
line in each panel is that slope through the floor's point at 10,000 rows (or its first).
"""

import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

src, dst = sys.argv[1], sys.argv[2]
series = defaultdict(list)
with open(src, encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if int(r["exit"]) > 1 or not r["rows"].isdigit():
            continue
        series[r["tool"]].append((int(r["rows"]), float(r["wall_s"]), float(r["rss_mib"])))

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), dpi=80)
for ax, k, label in ((axes[0], 1, "wall time, s"), (axes[1], 2, "peak RSS, MiB")):
    for tool, pts in series.items():
        pts.sort()
        pts = [p for p in pts if p[k] > 0]
        # The read + write floor is a bound, not a command: dashed.
        style = "--" if tool.startswith("read + write floor") else "-"
        ax.plot([p[0] for p in pts], [p[k] for p in pts], style, marker="o", label=tool.split(" (")[0])
        if tool.startswith("floor") and pts:
            x0, y0 = next((p[0], p[k]) for p in pts if p[0] >= 10_000 or p is pts[-1])
            xs = [x0, max(p[0] for p in pts)]
            ax.plot(xs, [y0, y0 * xs[1] / x0], ":", color="grey", label="slope 1 (linear) from the floor")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("applications (rows)")
    ax.set_ylabel(label)
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_title("wall time")
axes[1].set_title("peak resident memory")
axes[1].legend(fontsize=7, loc="upper left")
fig.suptitle("hojokin and its baselines on the city-shaped export (bench/run.sh)")
fig.tight_layout()
fig.savefig(dst)
print(f"wrote {dst}")
