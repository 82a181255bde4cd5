#!/usr/bin/env python3
"""The scale runner's table: every shipped scale scenario, one row each, against its target.

    scale_table.py [--bin target/release/payment-sim] [--repeat 3] [--days N] [SCENARIO ...]

Each run is its own process (`payment-sim run --quiet --format json`), so its peak memory is its
own; the wall and user time and the maximum RSS are the process's (os.wait4), the rest is the
run's JSON summary. With `--repeat N` every scenario runs N times, interleaved (one of each, then
again), and the row shows the median run by wall time. The machine's load average is printed
before and after: on a shared machine a figure under load is slower than the machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIOS = ["chaps_day", "t2_day", "fedwire_day", "t2_year"]

# The targets of the scale issue (docs/performance.md): wall seconds, and MiB of peak memory.
TARGETS = {
    "chaps_day": (0.3, None),
    "t2_day": (0.35, None),
    "fedwire_day": (1.5, None),
    "t2_year": (90.0, 500),
}

MECHANISMS = ["rtgs", "queue", "bilateral", "multilateral"]


def run_once(binary, scenario, days):
    """One run in its own process: (summary JSON, wall s, user s, max RSS KiB)."""
    cmd = [binary, "run", "--quiet", "--format", "json", scenario]
    if days is not None:
        cmd[2:2] = ["--days", str(days)]
    # Files, not pipes: nothing reads the pipes while os.wait4 waits.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace")
            sys.exit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{message}")
        out.seek(0)
        summary = json.loads(out.read())
    return summary, wall, usage.ru_utime, usage.ru_maxrss


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def seconds(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def millions(x):
    return f"{x / 1e6:.2f} M"


def row(name, summary, wall, user, rss_kib, whole):
    target_s, target_mib = TARGETS.get(name, (None, None)) if whole else (None, None)
    mib = rss_kib / 1024
    if target_s is None:
        verdict = "—"
    else:
        ok = wall <= target_s and (target_mib is None or mib <= target_mib)
        limit = f"≤ {target_s:g} s" + (f", ≤ {target_mib} MiB" if target_mib else "")
        verdict = f"{limit} {'✔' if ok else '✘'}"
    settled = summary["settlements"]
    by = summary.get("settlements_by_mechanism", {})
    shares = " · ".join(f"{100 * by.get(m, 0) / max(settled, 1):.1f}" for m in MECHANISMS)
    engine = summary["engine_seconds"]
    return [
        name,
        f"{summary['agents']:,}",
        f"{summary['arrivals']:,}",
        seconds(wall),
        seconds(user),
        verdict,
        millions(summary["arrivals"] / engine),
        millions(settled / engine),
        f"{summary['ticks_per_second']:,.0f}",
        shares + " %",
        f"{seconds(summary['first_10pct_seconds'])} → {seconds(summary['last_10pct_seconds'])}"
        f" ({summary['last_to_first_ratio']:.2f})",
        f"{mib:.0f} MiB",
    ]


HEADER = [
    "scenario",
    "participants",
    "payments",
    "wall",
    "user",
    "target",
    "arrived/s",
    "settled/s",
    "ticks/s",
    "rtgs · queue · bilateral · multilateral",
    "first → last 10% of ticks",
    "peak RSS",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=SCENARIOS, help="names or paths")
    parser.add_argument("--bin", default="target/release/payment-sim")
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario (median)")
    parser.add_argument("--days", type=int, help="run only the first N days")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not os.access(args.bin, os.X_OK):
        parser.error(f"no payment-sim binary at {args.bin} (build it: make cli-build)")
    paths = {}
    for s in args.scenarios:
        p = Path(s) if s.endswith(".yaml") else Path("examples/scenarios") / f"{s}.yaml"
        if not p.is_file():
            parser.error(f"no scenario file {p}")
        paths[p.stem] = str(p)

    print(f"load average before: {load()}", flush=True)
    runs = {name: [] for name in paths}
    for i in range(args.repeat):
        for name, path in paths.items():
            summary, wall, user, rss = run_once(args.bin, path, args.days)
            runs[name].append((wall, summary, user, rss))
            print(f"  {name} run {i + 1}: wall {wall:.2f} s, user {user:.2f} s", flush=True)
    print(f"load average after: {load()}\n")

    rows = []
    for name, done in runs.items():
        walls = sorted(r[0] for r in done)
        median = statistics.median_low(walls)
        wall, summary, user, rss = next(r for r in done if r[0] == median)
        rows.append(row(name, summary, wall, user, rss, args.days is None))
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
