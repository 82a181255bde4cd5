"""kill -9 the server and start it again: every acknowledged simulation comes back with
identical state, statistics and events, and continues exactly as an uninterrupted run would."""

from __future__ import annotations

import signal
import threading
import time

import httpx


def session(sim: str, seed: int) -> list[tuple[str, str, dict | None, tuple]]:
    """(method, path, body, reference op): a mixed session of ticks, runs and submissions."""
    steps = []
    for i in range(15):
        steps.append(("post", f"/simulations/{sim}/tick", None, ("tick", 1)))
        if (i + seed) % 4 == 0:
            tx = {"sender": "BANK_B", "receiver": "BANK_D", "amount": 3_000 + 97 * i, "deadline_offset": 5 + i}
            steps.append(("post", f"/simulations/{sim}/transactions", tx, ("submit", tx)))
        if i % 5 == 2:
            steps.append(("post", f"/simulations/{sim}/tick?n=6", None, ("tick", 6)))
        if i == 9:
            steps.append(("post", f"/simulations/{sim}/run?ticks=13", None, ("run", 13)))
    return steps


def observe(client: httpx.Client, sim: str) -> dict:
    events, since = [], 0
    while True:
        page = client.get(f"/simulations/{sim}/events", params={"since": since, "limit": 5000}).json()
        events += page["events"]
        since = page["next_since"]
        if not page["has_more"]:
            break
    return {
        "state": client.get(f"/simulations/{sim}/state").json(),
        "stats": client.get(f"/simulations/{sim}/stats").json(),
        "events": events,
    }


def call(client: httpx.Client, method: str, path: str, body):
    response = client.request(method, path, json=body) if body is not None else client.request(method, path)
    assert response.status_code == 200, response.text
    return response.json()


def test_kill_9_and_restart_restores_every_simulation(start_server, tmp_path, service_scenario, reference_run):
    data = tmp_path / "data"
    # Small snapshot interval: some simulations restart from a snapshot plus a log, some from a log.
    server = start_server(data, "--snapshot-every-ops", "7")
    scenarios, ops = {}, {}
    with server.client() as client:
        for seed in range(4):
            scenario = service_scenario(seed=100 + seed, rate=0.4 + 0.1 * seed)
            sim = call(client, "post", "/simulations", scenario)["simulation_id"]
            scenarios[sim], ops[sim] = scenario, []
        untouched = call(client, "post", "/simulations", service_scenario(seed=7))["simulation_id"]
        deleted = call(client, "post", "/simulations", service_scenario(seed=8))["simulation_id"]
        call(client, "delete", f"/simulations/{deleted}", None)
        for seed, sim in enumerate(scenarios):
            for method, path, body, op in session(sim, seed)[: 20 + 5 * seed]:
                call(client, method, path, body)
                ops[sim].append(op)
        before = {sim: observe(client, sim) for sim in scenarios}

    assert server.kill() == -signal.SIGKILL

    server = start_server(data, "--snapshot-every-ops", "7")
    with server.client() as client:
        assert client.get("/simulations").json() == {"simulations": [*scenarios, untouched]}
        assert client.get(f"/simulations/{deleted}/state").status_code == 404
        assert client.get(f"/simulations/{untouched}/state").json()["tick"] == 0
        for sim in scenarios:
            assert observe(client, sim) == before[sim], sim
        # Continue: the same results as a run that was never interrupted.
        for sim, scenario in scenarios.items():
            more = [
                ("tick", 1),
                ("tick", 9),
                ("submit", {"sender": "BANK_C", "receiver": "BANK_A", "amount": 4_321}),
                ("run", 17),
            ]
            got = []
            for kind, arg in more:
                if kind == "submit":
                    got.append(call(client, "post", f"/simulations/{sim}/transactions", arg)["transaction_id"])
                elif kind == "tick":
                    got.append(call(client, "post", f"/simulations/{sim}/tick?n={arg}", None))
                else:
                    got.append(call(client, "post", f"/simulations/{sim}/run?ticks={arg}", None))
            expected = reference_run(scenario, ops[sim] + more)
            assert got == expected["results"][len(ops[sim]) :]
            assert observe(client, sim) == {k: expected[k] for k in ("state", "stats", "events")}


def test_kill_9_under_load_loses_nothing_acknowledged(start_server, tmp_path, service_scenario, reference_run):
    """Clients keep changing three simulations while the server is killed. Afterwards each
    simulation is exactly the acknowledged operations, plus at most the one in flight."""
    data = tmp_path / "data"
    server = start_server(data, "--snapshot-every-ops", "5")
    scenarios = {}
    with server.client() as client:
        for seed in range(3):
            scenario = service_scenario(seed=300 + seed, num_days=40)
            scenarios[call(client, "post", "/simulations", scenario)["simulation_id"]] = scenario

    acked: dict[str, list] = {sim: [] for sim in scenarios}
    in_flight: dict[str, tuple | None] = {sim: None for sim in scenarios}
    stop = threading.Event()

    def drive(sim: str) -> None:
        with server.client() as client:
            i = 0
            while not stop.is_set():
                if i % 3 == 2:
                    op = ("submit", {"sender": "BANK_A", "receiver": "BANK_B", "amount": 1_000 + i})
                    request = ("POST", f"/simulations/{sim}/transactions", op[1])
                else:
                    op = ("tick", 1 + i % 4)
                    request = ("POST", f"/simulations/{sim}/tick?n={op[1]}", None)
                in_flight[sim] = op
                try:
                    response = client.request(request[0], request[1], json=request[2])
                except httpx.TransportError:
                    return  # the server died with this request unanswered
                assert response.status_code == 200, response.text
                acked[sim].append(op)
                in_flight[sim] = None
                i += 1

    threads = [threading.Thread(target=drive, args=(sim,)) for sim in scenarios]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while min(len(a) for a in acked.values()) < 25 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.kill() == -signal.SIGKILL
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert min(len(a) for a in acked.values()) >= 25

    server = start_server(data)
    with server.client() as client:
        for sim, scenario in scenarios.items():
            got = observe(client, sim)
            candidates = [acked[sim]] + ([acked[sim] + [in_flight[sim]]] if in_flight[sim] else [])
            outcomes = [reference_run(scenario, ops) for ops in candidates]
            matches = [o for o in outcomes if {k: o[k] for k in ("state", "stats", "events")} == got]
            assert matches, (
                f"{sim}: state after restart matches neither the acknowledged operations nor them plus the one in flight"
            )
            # ... and it continues as the matching uninterrupted run would.
            ops = candidates[outcomes.index(matches[0])]
            nxt = call(client, "post", f"/simulations/{sim}/tick?n=4", None)
            assert nxt == reference_run(scenario, [*ops, ("tick", 4)])["results"][-1]
