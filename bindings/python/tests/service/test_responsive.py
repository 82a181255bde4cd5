"""No single request freezes or kills a real server: issue 10's reproducers against
``python -m payment_simulator.api``, each ending in a clear 4xx (or a bounded 200), while
``/health`` keeps answering within a second and other simulations keep working.

The heavy requests run concurrently with a poller of ``/health``; every loop is bounded (a
fixed number of requests, a deadline) and everything stays on the loopback interface.
``benchmarks/bench_health.py`` measures the same latencies against the 100 ms goal.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

HEALTH_DEADLINE = 1.0  # seconds: the assertion (the goal, measured by the benchmark, is 0.1)
HEAVY_TIMEOUT = 300.0  # no heavy request may take longer than this, however slow the machine
YAML = {"content-type": "application/yaml"}


def busy(rate: float, *, max_parts: int | None = None, agents: int = 2, seed: int = 5) -> dict:
    ids = [f"B{i}" for i in range(agents)]
    policy: dict = {"type": "Fifo"}
    if max_parts is not None:
        policy["split"] = {"threshold": 1, "max_parts": max_parts}
    return {
        "simulation": {"ticks_per_day": 1_000, "num_days": 1_000, "seed": seed},
        "agents": [
            {
                "id": bank,
                "balance": 10**12,
                "policy": policy,
                "arrival_config": {
                    "rate_per_tick": rate / agents,
                    "distribution": {"type": "Uniform", "min": 1_000, "max": 100_000},
                    "counterparty_weights": {ids[(i + 1) % agents]: 1.0},
                    "deadline_offset": 500,
                },
            }
            for i, bank in enumerate(ids)
        ],
    }


def big_yaml(agents: int) -> bytes:
    """A scenario of ``agents`` banks in YAML (~75 bytes each): over max_agents when large."""
    lines = ["simulation: {ticks_per_day: 10, num_days: 1, seed: 1}", "agents:"]
    lines += [f"  - {{id: BANK_{i:07d}, balance: 1000000, policy: {{type: Fifo}}}}" for i in range(agents)]
    return ("\n".join(lines) + "\n").encode()


class HealthPoller(threading.Thread):
    """GETs /health back to back (a new connection each time, the standard library's client: it
    costs next to nothing itself) until stopped; keeps every latency."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.done = threading.Event()

    def run(self) -> None:
        host, port = self.url.removeprefix("http://").split(":")
        deadline = time.monotonic() + HEAVY_TIMEOUT
        while not self.done.is_set() and time.monotonic() < deadline:
            started = time.perf_counter()
            connection = http.client.HTTPConnection(host, int(port), timeout=30.0)
            try:
                connection.request("GET", "/health")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    self.failures.append(f"status {response.status}")
            except OSError as e:
                self.failures.append(repr(e))
            finally:
                connection.close()
            self.latencies.append(time.perf_counter() - started)
            time.sleep(0.01)


def under_health_watch(server, requests: list) -> list[httpx.Response]:
    """Send ``requests`` (callables taking a client) concurrently while /health is polled; the
    responses, after asserting /health answered every time within HEALTH_DEADLINE."""
    poller = HealthPoller(server.url)
    poller.start()
    time.sleep(0.1)

    def send(request):
        with httpx.Client(base_url=server.url, timeout=HEAVY_TIMEOUT, trust_env=False) as client:
            return request(client)

    try:
        with ThreadPoolExecutor(len(requests)) as pool:
            responses = list(pool.map(send, requests))
    finally:
        poller.done.set()
        poller.join(timeout=60)
    assert not poller.failures, poller.failures
    assert len(poller.latencies) >= 3
    worst = max(poller.latencies)
    assert worst < HEALTH_DEADLINE, f"/health took {worst:.3f} s under load"
    return responses


def test_the_reproducers_end_in_4xx_and_the_server_keeps_answering(start_server):
    """Issue 10, findings 1 and 5, with the server's default settings."""
    server = start_server()
    with server.client() as client:
        other = client.post("/simulations", json=busy(2)).json()["simulation_id"]
        allowed = client.post("/simulations", json=busy(2_500, max_parts=2)).json()["simulation_id"]

    responses = under_health_watch(
        server,
        [
            lambda c: c.post("/simulations", json=busy(10_000, max_parts=1_000)),  # 10⁷ parts per tick
            lambda c: c.post(f"/simulations/{allowed}/tick", params={"n": 1_000}),  # 5·10⁶ transactions
            lambda c: c.post(f"/simulations/{allowed}/run", params={"ticks": 100_000}),
            lambda c: c.post("/simulations", content=big_yaml(100_000), headers=YAML),
            lambda c: c.post(f"/simulations/{other}/transactions", content="{[1]: 1}", headers=YAML),
            lambda c: c.put("/simulations"),
        ],
    )
    codes = [(r.status_code, r.json()["error"]["code"]) for r in responses]
    assert codes == [
        (422, "work_limit"),
        (422, "work_budget"),
        (422, "work_budget"),
        (422, "agent_limit"),
        (422, "malformed_body"),
        (405, "method_not_allowed"),
    ]
    with server.client() as client:
        assert client.post(f"/simulations/{other}/tick", params={"n": 5}).status_code == 200
        assert client.get(f"/simulations/{allowed}/state").json()["tick"] == 0
        assert client.post(f"/simulations/{allowed}/tick").status_code == 200
    assert server.proc.poll() is None  # alive


def test_health_answers_within_a_second_under_the_heaviest_requests(start_server):
    """The heaviest requests the budgets let through, all at once: a run at the per-request
    budget (events on: each becomes a database row), large documents for the core's reader,
    a full page of events and a transaction body at its size limit."""
    server = start_server(PSIM_MAX_TRANSACTIONS_PER_REQUEST="200000")
    with server.client() as client:
        heavy = client.post("/simulations", json=busy(2_000)).json()["simulation_id"]
        paged = client.post("/simulations", json=busy(50)).json()["simulation_id"]
        assert client.post(f"/simulations/{paged}/run", params={"ticks": 400}).status_code == 200
        padding = "#" * (64 * 1024 - 100)

    responses = under_health_watch(
        server,
        [
            lambda c: c.post(f"/simulations/{heavy}/run", params={"ticks": 100}),  # 200,000 transactions
            lambda c: c.post("/simulations", content=big_yaml(100_000), headers=YAML),
            lambda c: c.get(f"/simulations/{paged}/events", params={"limit": 10_000}),
            lambda c: c.post(
                f"/simulations/{paged}/transactions",
                content=f"sender: B0\nreceiver: B1\namount: 5\n{padding}\n",
                headers=YAML,
            ),
        ],
    )
    assert [r.status_code for r in responses] == [200, 422, 200, 200]
    assert responses[0].json()["ticks_run"] >= 1
    assert len(responses[2].json()["events"]) == 10_000
