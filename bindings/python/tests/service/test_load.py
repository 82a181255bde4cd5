"""A bounded concurrent load test against a real server: many clients, many simulations, a
fixed number of requests. No request fails, and every simulation ends exactly where the same
number of ticks in a row would take it (concurrent requests to one simulation are serialised,
never torn or lost)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

CLIENTS = 8
SIMULATIONS = 12
REQUESTS_PER_CLIENT = 60


def plan(client_no: int) -> list[tuple[str, str, int]]:
    """A fixed request list per client: ticks of 1-3 to rotating simulations, with reads."""
    steps = []
    for r in range(REQUESTS_PER_CLIENT):
        sim = (client_no * 5 + r) % SIMULATIONS
        if r % 4 == 3:
            steps.append(("GET", ("state", "stats", "events")[r % 3], sim))
        else:
            steps.append(("POST", "tick", sim))
    return steps


def ticks_of(client_no: int, r: int) -> int:
    return 1 + (client_no + r) % 3


def test_concurrent_clients_many_simulations(start_server, service_scenario, reference_run):
    server = start_server()
    scenarios = [service_scenario(seed=500 + i, agents=3 + i % 3, num_days=20) for i in range(SIMULATIONS)]
    with server.client() as client, ThreadPoolExecutor(CLIENTS) as pool:  # creation is concurrent too
        responses = list(pool.map(lambda s: client.post("/simulations", json=s), scenarios))
    assert [r.status_code for r in responses] == [200] * SIMULATIONS
    ids = [r.json()["simulation_id"] for r in responses]

    def run_client(client_no: int) -> tuple[list[str], Counter]:
        failures, ticks = [], Counter()
        with server.client() as client:
            for r, (method, what, sim) in enumerate(plan(client_no)):
                if method == "POST":
                    n = ticks_of(client_no, r)
                    response = client.post(f"/simulations/{ids[sim]}/tick", params={"n": n})
                    ticks[sim] += n
                else:
                    response = client.get(f"/simulations/{ids[sim]}/{what}")
                if response.status_code != 200:
                    failures.append(f"{method} {what} {sim}: {response.status_code} {response.text}")
        return failures, ticks

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(run_client, range(CLIENTS)))
    failures = [f for fs, _ in results for f in fs]
    assert failures == []
    total = sum((t for _, t in results), Counter())
    assert sum(len(plan(c)) for c in range(CLIENTS)) == CLIENTS * REQUESTS_PER_CLIENT

    with server.client() as client:
        for sim, scenario in enumerate(scenarios):
            expected = reference_run(scenario, [("run", total[sim])])
            assert client.get(f"/simulations/{ids[sim]}/state").json() == expected["state"]
            assert client.get(f"/simulations/{ids[sim]}/stats").json() == expected["stats"]
