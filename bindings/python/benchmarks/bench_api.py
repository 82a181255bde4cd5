"""Requests per second of ``POST /simulations/{id}/tick`` through a real server (it reports;
it asserts nothing).

Starts ``python -m payment_simulator.api`` on a free loopback port with a temporary data
directory, then measures, for the seed's 10-agent workload (arrival rate 0.5):

- one simulation, one client (sequential requests: the latency-bound figure);
- one simulation, several clients (serialised by the simulation's lock);
- many simulations, one client each (in parallel across simulations);
- and, for comparison, ticks/s of one long ``POST /simulations/{id}/run``.

Every acknowledged tick is committed to SQLite first (``--sync normal`` by default; ``full``
adds an fsync per request).

    python benchmarks/bench_api.py [--requests 2000] [--clients 4] [--sync normal] [--repeat 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from _server import start_server


def workload(num_agents: int = 10, rate: float = 0.5, seed: int = 12345) -> dict:
    ids = [f"BANK_{chr(65 + i)}" for i in range(num_agents)]
    return {
        "simulation": {"ticks_per_day": 100, "num_days": 10_000, "seed": seed},
        "agents": [
            {
                "id": agent_id,
                "balance": 5_000_000,
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


def hammer(url: str, sim: str, requests: int) -> None:
    """One client: a keep-alive connection sending ``requests`` ticks, one at a time. (The
    standard library's client: it costs the shared CPUs far less than httpx would.)"""
    connection = http.client.HTTPConnection(*url.removeprefix("http://").split(":"), timeout=60)
    try:
        for _ in range(requests):
            connection.request("POST", f"/simulations/{sim}/tick")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"tick answered {response.status}")
    finally:
        connection.close()


def measure(url: str, sims: list[str], clients: int, requests: int) -> float:
    """Ticks per second with ``clients`` clients spread over ``sims``, ``requests`` each."""
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda c: hammer(url, sims[c % len(sims)], requests), range(clients)))
    return clients * requests / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per client (default 2000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--sync", choices=("normal", "full"), default="normal")
    parser.add_argument("--repeat", type=int, default=3, help="median of this many runs (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="psim-bench-") as data_dir:
        proc, url = start_server(data_dir, "--sync", args.sync)
        try:
            with httpx.Client(base_url=url, trust_env=False) as client:

                def create() -> str:
                    return client.post("/simulations", json=workload()).json()["simulation_id"]

                one = [create()]
                many = [create() for _ in range(args.clients)]
            hammer(url, one[0], 50)  # warm-up
            cases = [
                ("1 simulation, 1 client", one, 1),
                (f"1 simulation, {args.clients} clients", one, args.clients),
                (f"{args.clients} simulations, {args.clients} clients", many, args.clients),
            ]
            print(
                f"POST /simulations/{{id}}/tick (n=1), 10 agents, rate 0.5, sync={args.sync}, "
                f"{os.cpu_count()} CPUs; median of {args.repeat}"
            )
            for label, sims, clients in cases:
                rates = [measure(url, sims, clients, args.requests) for _ in range(args.repeat)]
                print(f"  {label:<32} {statistics.median(rates):8.0f} requests/s")
            batch = many[0]
            with httpx.Client(base_url=url, trust_env=False, timeout=600) as client:
                rates = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    client.post(f"/simulations/{batch}/run", params={"ticks": 10_000}).raise_for_status()
                    rates.append(10_000 / (time.perf_counter() - start))
            print(f"  {'POST .../run?ticks=10000':<32} {statistics.median(rates):8.0f} ticks/s (one request)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
