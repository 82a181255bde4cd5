"""Sweep throughput on 1 and 2 cores, and through Dask (issue 15's closing note).

    python bindings/python/benchmarks/bench_experiments.py [--points-per-level N] [--cli PATH]

The sweep: seed_benchmark_100 (100 banks, 10 days of 100 ticks) at 8 liquidity levels × N
seeds (default 200: 1,600 points, each a first pass and a run; about 30 CPU-seconds). Reports wall time, runs/s and the
CPU time of the child processes (what the work cost, whatever the load) for the CLI (--jobs 1, 2), Python's process pool (1, 2 workers) and a Dask LocalCluster (2 worker
processes, 1 thread each), and the Dask overhead per run against the process pool. Timings
depend on the machine and its load: print `uptime` beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from payment_simulator import experiments

REPO = Path(__file__).resolve().parents[3]


def experiment(seeds: int) -> dict:
    return {
        "scenario": str(REPO / "examples" / "scenarios" / "seed_benchmark_100.yaml"),
        "axes": [{"between_bounds": [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0]}],
        "seeds": {"first": 1, "count": seeds},
    }


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(label: str, n: int, fn) -> float:
    cpu, start = _children_cpu(), time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    print(f"{label:<28} {wall:8.2f} s  {n / wall:8.1f} runs/s  child CPU {cpu:7.2f} s", flush=True)
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points-per-level", type=int, default=200)
    ap.add_argument("--cli", default=str(REPO / "target" / "release" / "payment-sim"))
    ap.add_argument("--skip-dask", action="store_true")
    args = ap.parse_args()
    exp = experiment(args.points_per_level)
    n = experiments.expand(exp)["count"]
    print(f"{n} points; load: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.json"
        path.write_text(json.dumps(exp))
        cli = [timed(f"CLI --jobs {j}", n, lambda j=j: subprocess.run([args.cli, "sweep", str(path), "--jobs", str(j)], check=True, capture_output=True)) for j in (1, 2)]
    py = [timed(f"Python process pool, {w}", n, lambda w=w: experiments.run(exp, max_workers=w)) for w in (1, 2)]
    print(f"speed-up 2 vs 1 core: CLI {cli[0] / cli[1]:.2f}x, Python {py[0] / py[1]:.2f}x")
    if not args.skip_dask:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
            experiments.run(experiment(1), client)  # warm the workers (library loaded)
            dask = timed("Dask LocalCluster, 2", n, lambda: experiments.run(exp, client))
        print(f"Dask overhead per run vs the process pool: {(dask - py[1]) / n * 1000:+.2f} ms")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
