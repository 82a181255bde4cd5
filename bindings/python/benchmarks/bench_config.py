"""Loading a large scenario: the CLI against Python, side by side (it reports; it asserts nothing).

Generates a 1,000-bank dense network (every bank has ``counterparty_weights`` to all others,
weighted by the receiver's size; about 33 MB of YAML) into a temporary directory, then measures

- ``payment-sim validate FILE`` (the CLI: ``PSIM_CLI``, else the repository's target/release), and
- ``load_config(FILE)`` then ``Orchestrator.new(config)`` in a fresh Python process,

each in its own subprocess: wall time (the median of ``--repeat`` runs, interpreter start-up
included) and peak resident memory (the largest of the runs). A measuring process starts one
child and reads ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` once it has exited, so no other
process's memory is counted. Targets (issue 9): Python within 1.5× the CLI's time, peak memory
under 10× the file size.

    python benchmarks/bench_config.py [--banks 1000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TIME_TARGET = 1.5
MEMORY_TARGET = 10

# Run in the child Python process: what a user's script does, timed from the inside too.
PYTHON_LOAD = """
import json, sys, time
started = time.perf_counter()
from payment_simulator import Orchestrator
from payment_simulator.config import load_config
imported = time.perf_counter()
config = load_config(sys.argv[1])
loaded = time.perf_counter()
with Orchestrator.new(config) as sim:
    built = time.perf_counter()
    agents = len(sim.get_agent_ids())
print(json.dumps({"import": imported - started, "load_config": loaded - imported,
                  "Orchestrator.new": built - loaded, "agents": agents}))
"""

# Run in a fresh measuring process, whose only child is the command it is given.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"wall": wall, "peak_bytes": peak_kib * 1024, "code": done.returncode,
                  "stdout": done.stdout, "stderr": done.stderr[-2000:]}))
"""


def dense_network(banks: int, seed: int = 9) -> str:
    """A scenario where every bank pays every other, in proportion to the receiver's size."""
    rng = random.Random(seed)
    ids = [f"BANK_{i:04d}" for i in range(banks)]
    sizes = [rng.paretovariate(1.2) for _ in ids]  # a few large banks, many small ones
    total = sum(sizes)
    lines = ["simulation:", "  ticks_per_day: 100", "  num_days: 5", f"  seed: {seed}", "agents:"]
    for i, (bank, size) in enumerate(zip(ids, sizes)):
        share = size / total
        lines += [
            f"- id: {bank}",
            f"  balance: {int(5_000_000_000 * share) + 100_000}",
            f"  credit_limit: {int(1_000_000_000 * share)}",
            "  policy: {type: LiquidityAware, target_buffer: 50000, urgency_threshold: 5}"
            if i % 2
            else "  policy: {type: Fifo}",
            "  arrival_config:",
            f"    rate_per_tick: {min(5.0, 0.05 + 200 * share):.10g}",
            "    distribution: {type: LogNormal, mean_log: 11.5, std_dev_log: 1.2}",
            "    counterparty_weights:",
        ]
        # Ten significant digits: the receiver's share of the sender's market.
        lines += [f"      {other}: {sizes[j] / (total - size):.10g}" for j, other in enumerate(ids) if j != i]
    return "\n".join(lines) + "\n"


def find_cli() -> str:
    for candidate in (
        os.environ.get("PSIM_CLI"),
        REPO / "target" / "release" / "payment-sim",
        shutil.which("payment-sim"),
    ):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    sys.exit("bench_config: the payment-sim CLI was not found (build it, or set PSIM_CLI)")


def measure(command: list[str]) -> dict:
    """Run ``command`` once from a fresh measuring process; wall time, peak RSS, its output."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["code"] != 0:
        sys.exit(f"bench_config: {command[0]} exited {result['code']}:\n{result['stderr']}")
    return result


def summarise(runs: list[dict]) -> dict:
    return {"wall": statistics.median(r["wall"] for r in runs), "peak": max(r["peak_bytes"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--banks", type=int, default=1_000, help="banks in the network (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the median time is shown")
    parser.add_argument("--keep", type=Path, help="write the scenario here and keep it")
    args = parser.parse_args()
    cli = find_cli()

    with tempfile.TemporaryDirectory(prefix="bench_config_") as tmp:
        path = (args.keep or Path(tmp)) / f"dense_{args.banks}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        path.write_text(dense_network(args.banks), encoding="utf-8")
        size = path.stat().st_size
        took = time.perf_counter() - started
        print(f"{path.name}: {args.banks:,} banks, {size / 1e6:.1f} MB, generated in {took:.1f} s")

        cli_runs = [measure([cli, "validate", str(path)]) for _ in range(args.repeat)]
        py_runs = [measure([sys.executable, "-c", PYTHON_LOAD, str(path)]) for _ in range(args.repeat)]
        cli_side, py_side = summarise(cli_runs), summarise(py_runs)
        timings = [json.loads(r["stdout"]) for r in py_runs]
        agents = timings[0].pop("agents")
        inside = {k: statistics.median(t[k] for t in timings) for k in timings[0]}

    rows = [
        ("payment-sim validate", cli_side),
        ("load_config + Orchestrator.new", py_side),
    ]
    print(f"\n{'':<32}{'wall (s)':>10}{'peak RSS (MB)':>15}{'RSS / file':>12}")
    for name, side in rows:
        print(f"{name:<32}{side['wall']:>10.2f}{side['peak'] / 1e6:>15.0f}{side['peak'] / size:>11.1f}×")
    ratio = py_side["wall"] / cli_side["wall"]
    print(
        f"\nPython / CLI time: {ratio:.2f}× (target ≤ {TIME_TARGET}×); "
        f"Python peak memory: {py_side['peak'] / size:.1f}× the file (target < {MEMORY_TARGET}×)"
    )
    print(
        f"inside the Python process (median s, {agents:,} agents): "
        + ", ".join(f"{k} {v:.2f}" for k, v in inside.items())
    )
    print(f"(median of {args.repeat} runs each; peak RSS is the largest run; file {size:,} bytes)")


if __name__ == "__main__":
    main()
