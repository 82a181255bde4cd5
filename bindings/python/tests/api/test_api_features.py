"""The REST service beyond the seed's tests: YAML scenarios, run, stats, paged events, listing,
health, the OpenAPI document, the settings, and concurrent use of one app."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from payment_simulator.api import Settings

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "scenarios"


def create(client, scenario) -> str:
    response = client.post("/simulations", json=scenario)
    assert response.status_code == 200, response.text
    return response.json()["simulation_id"]


@pytest.mark.parametrize(
    "content_type", ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml; charset=utf-8"]
)
def test_yaml_scenario_equals_json(client, service_scenario, content_type):
    scenario = service_scenario()
    from_json = create(client, scenario)
    response = client.post("/simulations", content=yaml.safe_dump(scenario), headers={"content-type": content_type})
    assert response.status_code == 200, response.text
    from_yaml = response.json()["simulation_id"]
    assert (
        client.post(f"/simulations/{from_json}/tick?n=30").json()
        == client.post(f"/simulations/{from_yaml}/tick?n=30").json()
    )
    assert client.get(f"/simulations/{from_json}/stats").json() == client.get(f"/simulations/{from_yaml}/stats").json()


def test_shipped_yaml_scenarios_upload_as_files_are(client, reference_run):
    """The examples/scenarios files, sent as they are (comments, flow style, YAML 1.2)."""
    from payment_simulator.config import load_config

    for path in sorted(EXAMPLES.glob("*.yaml"))[:4]:
        response = client.post("/simulations", content=path.read_bytes(), headers={"content-type": "application/yaml"})
        assert response.status_code == 200, (path.name, response.text)
        sim = response.json()["simulation_id"]
        config = load_config(path)
        ticks = min(25, config.simulation.ticks_per_day * config.simulation.num_days)
        client.post(f"/simulations/{sim}/run?ticks={ticks}")
        expected = reference_run(config.model_dump(exclude_none=True), [("run", ticks)])
        assert client.get(f"/simulations/{sim}/state").json() == expected["state"], path.name


def test_yaml_is_read_as_yaml_1_2(client):
    # YAML 1.1 would read `on` as true and 1_000 as 1000; the core (YAML 1.2) reads strings.
    text = "simulation: {ticks_per_day: 10, seed: 1}\nagents:\n  - {id: on, balance: 1_000, policy: {type: Fifo}}\n"
    response = client.post("/simulations", content=text, headers={"content-type": "application/yaml"})
    assert response.status_code == 422
    assert "agents[0].balance" in {f["field"] for f in response.json()["error"]["fields"]}


def test_tick_results_match_the_engine(client, service_scenario, reference_run):
    scenario = service_scenario()
    sim = create(client, scenario)
    got = [client.post(f"/simulations/{sim}/tick").json() for _ in range(3)]
    got.append(client.post(f"/simulations/{sim}/tick?n=20").json())
    expected = reference_run(scenario, [("tick", 1)] * 3 + [("tick", 20)])
    assert got == expected["results"]
    assert client.get(f"/simulations/{sim}/state").json() == expected["state"]
    assert client.get(f"/simulations/{sim}/stats").json() == expected["stats"]


def test_run_returns_the_summary(client, service_scenario, reference_run):
    scenario = service_scenario()
    sim = create(client, scenario)
    one = client.post(f"/simulations/{sim}/run?ticks=1").json()
    many = client.post(f"/simulations/{sim}/run?ticks=60").json()
    expected = reference_run(scenario, [("run", 1), ("run", 60)])
    assert one == expected["results"][0]
    assert many == expected["results"][1]
    assert many["ticks_run"] == 60 and many["first_tick"] == 1 and many["last_tick"] == 60
    assert many["last"]["tick"] == 60


def test_submissions_settle_and_get_sequential_ids(client):
    sim = create(
        client,
        {
            "simulation": {"ticks_per_day": 10, "seed": 1},
            "agents": [{"id": b, "balance": 10_000, "policy": {"type": "Fifo"}} for b in ("A", "B", "C", "D")],
        },
    )
    ring = [("A", "B"), ("B", "C"), ("C", "D"), ("D", "A")]
    ids = [
        client.post(
            f"/simulations/{sim}/transactions", json={"sender": s, "receiver": r, "amount": 50_000, "priority": 7}
        ).json()["transaction_id"]
        for s, r in ring
    ]
    assert ids == ["T1", "T2", "T3", "T4"]
    result = client.post(f"/simulations/{sim}/tick").json()
    assert result["num_arrivals"] == 4 and result["lsm_cycle_releases"] == 4
    state = client.get(f"/simulations/{sim}/state").json()
    assert [a["balance"] for a in state["agents"]] == [10_000] * 4


def test_events_are_paged_without_gaps(client, service_scenario, reference_run):
    scenario = service_scenario()
    sim = create(client, scenario)
    client.post(f"/simulations/{sim}/run?ticks=40")
    expected = reference_run(scenario, [("run", 40)])["events"]
    assert len(expected) > 100
    seen, since, pages = [], 0, 0
    while True:
        page = client.get(f"/simulations/{sim}/events?since={since}&limit=37").json()
        seen += page["events"]
        since, pages = page["next_since"], pages + 1
        assert len(page["events"]) <= 37
        if not page["has_more"]:
            break
    assert seen == expected  # every field of every event, nothing added (no nulls)
    assert pages == -(-len(expected) // 37)
    last = client.get(f"/simulations/{sim}/events?since={since}").json()
    assert last == {"events": [], "next_since": since, "has_more": False}
    default = client.get(f"/simulations/{sim}/events").json()
    assert default["events"] == expected[:1000]


def test_an_events_page_reads_one_more_event_only(client, service_scenario, monkeypatch):
    """Events are in the database (in blocks) but for the last few, still in the engine; a
    page reads limit + 1 of them, from either or both, never the whole log."""
    from payment_simulator._core import Orchestrator
    from payment_simulator.api.deps import service_of
    from payment_simulator.api.persistence import Store

    calls = []
    real_store_events, real_engine_events = Store.events, Orchestrator.events

    def store_spy(self, sim_id, since, limit):
        result = real_store_events(self, sim_id, since, limit)
        calls.append(("store", since, limit, len(result)))
        return result

    def engine_spy(self, since=0, limit=None):
        result = real_engine_events(self, since, limit)
        calls.append(("engine", since, limit, len(result)))
        return result

    monkeypatch.setattr(Store, "events", store_spy)
    monkeypatch.setattr(Orchestrator, "events", engine_spy)
    sim = create(client, service_scenario(num_days=20))
    client.post(f"/simulations/{sim}/run?ticks=400")  # its events go to the database
    client.post(f"/simulations/{sim}/tick?n=3")  # these few stay in the engine
    everything = client.get(f"/simulations/{sim}/events?limit=10000").json()
    assert not everything["has_more"]
    total = len(everything["events"])
    through = service_of(client.app)._entries[sim].events_through
    assert 2_000 < through <= total - 4
    calls.clear()

    page = client.get(f"/simulations/{sim}/events?since=0&limit=5").json()
    assert page["events"] == everything["events"][:5]
    assert page["has_more"] and page["next_since"] == 5
    assert calls == [("store", 0, 6, 6)]  # limit + 1 events read, not the whole log
    calls.clear()

    # Exactly `limit` events left: a full page, and no more (the newest are in the engine).
    page = client.get(f"/simulations/{sim}/events?since={total - 3}&limit=3").json()
    assert page["events"] == everything["events"][-3:]
    assert not page["has_more"] and page["next_since"] == total
    page = client.get(f"/simulations/{sim}/events?since={total - 4}&limit=3").json()
    assert page["has_more"] and page["next_since"] == total - 1
    assert calls == [("engine", total - 3, 4, 3), ("engine", total - 4, 4, 4)]
    calls.clear()

    # Across the boundary: the database's last events, then the engine's first.
    page = client.get(f"/simulations/{sim}/events?since={through - 2}&limit=4").json()
    assert page["events"] == everything["events"][through - 2 : through + 2]
    assert calls == [("store", through - 2, 5, 2), ("engine", through, 3, 3)]


def test_listing_health_and_delete(client, service_scenario):
    assert client.get("/simulations").json() == {"simulations": []}
    ids = [create(client, service_scenario(seed=s)) for s in range(3)]
    assert client.get("/simulations").json() == {"simulations": ids}
    health = client.get("/health").json()
    assert health["status"] == "healthy" and health["simulations"] == 3 and health["version"]
    assert client.delete(f"/simulations/{ids[1]}").json() == {"message": "Simulation deleted", "simulation_id": ids[1]}
    assert client.get("/simulations").json() == {"simulations": [ids[0], ids[2]]}


def test_openapi_documents_bodies_errors_and_auth(client):
    spec = client.get("/openapi.json").json()
    create_op = spec["paths"]["/simulations"]["post"]
    content = create_op["requestBody"]["content"]
    assert {"application/json", "application/yaml", "text/yaml"} <= set(content)
    assert content["application/yaml"]["schema"] == {"$ref": "#/components/schemas/SimulationConfig"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorBody"
                    }, (
                        path,
                        method,
                        status,
                    )
            if path != "/health":
                assert {"bearerAuth": []} in operation["security"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_settings_from_environment_and_validation(tmp_path):
    env = {
        "PSIM_DATA_DIR": str(tmp_path / "d"),
        "PSIM_MAX_SIMULATIONS": "3",
        "PSIM_MAX_ARRIVAL_RATE": "2.5",
        "PSIM_SYNC": "full",
        "PSIM_API_TOKEN": "",
    }
    settings = Settings.from_env(env)
    assert settings.data_dir == tmp_path / "d"
    assert (settings.max_simulations, settings.max_arrival_rate, settings.sync, settings.api_token) == (
        3,
        2.5,
        "full",
        None,
    )
    assert Settings.from_env(env, max_simulations=9, data_dir=tmp_path / "x").max_simulations == 9
    assert Settings.from_env({"XDG_DATA_HOME": str(tmp_path)}).data_dir == tmp_path / "payment-sim"
    assert Settings.from_env({"HOME": "/home/u"}).data_dir.name == "payment-sim"
    with pytest.raises(ValueError, match="PSIM_MAX_AGENTS must be a number"):
        Settings.from_env({**env, "PSIM_MAX_AGENTS": "lots"})
    with pytest.raises(ValueError, match="max_agents must be positive"):
        Settings.from_env(env, max_agents=0)
    with pytest.raises(ValueError, match="sync must be"):
        Settings.from_env({**env, "PSIM_SYNC": "sometimes"})


def test_full_sync_works(make_client, service_scenario):
    client = make_client(sync="full")
    sim = create(client, service_scenario())
    assert client.post(f"/simulations/{sim}/tick?n=3").json()["tick"] == 2


def test_concurrent_requests_to_one_simulation_are_serialised(client, service_scenario, reference_run):
    """8 threads tick one simulation 10 times each while others read it: nothing is lost or
    torn, and the result is that of 80 ticks in a row."""
    scenario = service_scenario()
    sim = create(client, scenario)
    errors = []

    def ticker():
        for _ in range(10):
            response = client.post(f"/simulations/{sim}/tick")
            if response.status_code != 200:
                errors.append(response.text)

    def reader():
        for _ in range(10):
            for path in ("state", "stats", "events?limit=5"):
                response = client.get(f"/simulations/{sim}/{path}")
                if response.status_code != 200:
                    errors.append(response.text)

    threads = [threading.Thread(target=ticker) for _ in range(8)] + [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = reference_run(scenario, [("run", 80)])
    assert client.get(f"/simulations/{sim}/state").json() == expected["state"]
    assert client.get(f"/simulations/{sim}/stats").json() == expected["stats"]


def test_concurrent_creates_respect_the_limit(make_client, service_scenario):
    client = make_client(max_simulations=5)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda s: client.post("/simulations", json=service_scenario(seed=s)).status_code, range(16))
        )
    assert sorted(statuses) == [200] * 5 + [409] * 11
    assert len(client.get("/simulations").json()["simulations"]) == 5


def test_concurrent_deletes_answer_once(client, service_scenario):
    sim = create(client, service_scenario())
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda _: client.delete(f"/simulations/{sim}").status_code, range(6)))
    assert sorted(statuses) == [200] + [404] * 5


def test_json_duplicate_free_body_passes_unchanged(client):
    body = json.dumps(
        {
            "simulation": {"ticks_per_day": 5, "seed": 3},
            "agents": [{"id": "Ä", "balance": 1, "policy": {"type": "Fifo"}}],
        }
    )
    response = client.post(
        "/simulations", content=body.encode(), headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200
    sim = response.json()["simulation_id"]
    assert client.get(f"/simulations/{sim}/state").json()["agents"][0]["id"] == "Ä"


def test_transactions_may_be_yaml_too(client):
    sim = create(
        client,
        {
            "simulation": {"ticks_per_day": 10, "seed": 1},
            "agents": [{"id": b, "balance": 10_000, "policy": {"type": "Fifo"}} for b in ("A", "B")],
        },
    )
    response = client.post(
        f"/simulations/{sim}/transactions",
        content="sender: A\nreceiver: B\namount: 2500\npriority: 9\n",
        headers={"content-type": "application/yaml"},
    )
    assert response.json() == {"transaction_id": "T1"}
    client.post(f"/simulations/{sim}/tick")
    assert [a["balance"] for a in client.get(f"/simulations/{sim}/state").json()["agents"]] == [7_500, 12_500]


def test_requests_to_one_simulation_wait_without_holding_threads(client, service_scenario):
    """However many requests target one simulation, at most one worker thread is inside the
    service for it at a time (the others wait on the event loop), while other simulations go on."""
    import time

    from payment_simulator.api.deps import service_of

    busy, idle = create(client, service_scenario()), create(client, service_scenario(seed=9))
    service = service_of(client.app)
    real_state = service.state_json
    inside = {busy: 0, idle: 0}
    peak = {busy: 0, idle: 0}
    guard = threading.Lock()

    def slow_state(sim_id):
        with guard:
            inside[sim_id] += 1
            peak[sim_id] = max(peak[sim_id], inside[sim_id])
        try:
            time.sleep(0.02 if sim_id == busy else 0)
            return real_state(sim_id)
        finally:
            with guard:
                inside[sim_id] -= 1

    service.state_json = slow_state
    try:
        with ThreadPoolExecutor(24) as pool:
            flood = [pool.submit(client.get, f"/simulations/{busy}/state") for _ in range(20)]
            time.sleep(0.05)
            started = time.perf_counter()
            assert client.get(f"/simulations/{idle}/state").status_code == 200
            idle_latency = time.perf_counter() - started
            assert [f.result().status_code for f in flood] == [200] * 20
    finally:
        service.state_json = real_state
    assert peak[busy] == 1
    assert idle_latency < 0.3  # not queued behind the 20 × 20 ms of the busy one
    assert client.app.state.psim_gate._slots == {}  # no lock left behind
