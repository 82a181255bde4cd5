"""The cost of a policy written in Python (it reports; it asserts nothing).

Ticks per second through ``run(n)`` of the seed workloads (10 agents at rate 0.5, 100 agents at
rate 0.1) with every agent on the built-in ``Fifo`` and with every agent on a trivial Python
policy that releases its whole Queue 1 (the same results, checked), so the difference is the
price of the host call: the view written as JSON by the core, read by Python, the decisions
written by Python and read and checked by the core, and the tick's checkpoint.

    python benchmarks/bench_host_policy.py [--ticks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

from bench_ticks import WARMUP, seed_workload
from payment_simulator._core import Orchestrator


class ReleaseAll:
    """Fifo in Python."""

    def __init__(self) -> None:
        self.calls = 0

    def decide(self, view):
        self.calls += 1
        return [{"id": o["id"], "action": "release"} for o in view["queue1"]]


def hosted(config: dict) -> tuple[dict, dict]:
    config = copy.deepcopy(config)
    policies = {}
    for agent in config["agent_configs"]:
        agent["policy"] = {"type": "Host"}
        policies[agent["id"]] = ReleaseAll()
    return config, policies


def measure(config: dict, policies, ticks: int) -> tuple[float, dict, int]:
    with Orchestrator.new(config, policies=policies) as orch:
        orch.run(WARMUP)
        start = time.perf_counter()
        orch.run(ticks)
        elapsed = time.perf_counter() - start
        calls = sum(p.calls for p in policies.values()) if policies else 0
        stats = orch.stats()
        stats["provenance"].pop("scenario_hash")  # names the configuration, which says Host
        return ticks / elapsed, stats, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=10_000, help="ticks per measurement (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per figure; the median is shown")
    args = parser.parse_args()
    print(f"{'workload':<26}{'policy':<12}{'ticks/s (median)':>18}{'calls/tick':>12}{'µs/call':>10}")
    for agents, rate in ((10, 0.5), (100, 0.1)):
        config = seed_workload(agents, rate, args.ticks)
        fifo = [measure(config, None, args.ticks) for _ in range(args.repeat)]
        host = [measure(*hosted(config), args.ticks) for _ in range(args.repeat)]
        assert fifo[0][1] == host[0][1], "the Python Fifo must give Fifo's statistics"
        f = statistics.median(r[0] for r in fifo)
        h = statistics.median(r[0] for r in host)
        calls = host[0][2] / (args.ticks + WARMUP)
        per_call = (1 / h - 1 / f) / calls * 1e6 if calls else float("nan")
        label = f"{agents} agents, rate {rate}"
        print(f"{label:<26}{'Fifo':<12}{f:>18,.0f}")
        print(f"{label:<26}{'Python':<12}{h:>18,.0f}{calls:>12.2f}{per_call:>10.1f}")


if __name__ == "__main__":
    main()
