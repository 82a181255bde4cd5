"""The seed's performance checks as a benchmark (it reports; it asserts nothing).

Ticks per second through ``tick()`` (one boundary crossing and one JSON document per tick)
and through ``run(n)`` (one crossing for n ticks), for the seed's two workloads: 10 agents at
arrival rate 0.5 and 100 agents at rate 0.1, with a horizon long enough for every tick run
(model.md: a tick past the horizon is an error).

    python benchmarks/bench_ticks.py [--ticks 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

from payment_simulator._core import Orchestrator

WARMUP = 10


def seed_workload(num_agents: int, rate: float, ticks: int) -> dict:
    ids = [f"BANK_{chr(65 + i)}" for i in range(num_agents)]
    return {
        "ticks_per_day": 100,
        "num_days": math.ceil((ticks + WARMUP) / 100),
        "rng_seed": 12345,
        "agent_configs": [
            {
                "id": agent_id,
                "opening_balance": 5_000_000,
                "credit_limit": 1_000_000,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": rate,
                    "distribution": {"type": "Normal", "mean": 100_000, "std_dev": 30_000},
                    "counterparty_weights": {other: 1.0 for other in ids if other != agent_id},
                },
            }
            for agent_id in ids
        ],
    }


def ticks_per_second(config: dict, ticks: int, batched: bool) -> float:
    with Orchestrator.new(config) as orch:
        orch.run(WARMUP)
        start = time.perf_counter()
        if batched:
            orch.run(ticks)
        else:
            for _ in range(ticks):
                orch.tick()
        return ticks / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=10_000, help="ticks per measurement (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per figure; the median is shown")
    args = parser.parse_args()
    print(f"{'workload':<26}{'via':<10}{'ticks/s (median)':>18}{'seed floor':>12}")
    for agents, rate, floor in ((10, 0.5, 1_000), (100, 0.1, 100)):
        config = seed_workload(agents, rate, args.ticks)
        for batched in (False, True):
            median = statistics.median(ticks_per_second(config, args.ticks, batched) for _ in range(args.repeat))
            via = "run(n)" if batched else "tick()"
            print(f"{f'{agents} agents, rate {rate}':<26}{via:<10}{median:>18,.0f}{floor:>12,}")


if __name__ == "__main__":
    main()
