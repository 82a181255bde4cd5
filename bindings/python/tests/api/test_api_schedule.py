"""POST/GET /simulations/{id}/schedule: the core's schedule over HTTP — an outage with its
hand-computed outcome, the listing, bad input (422 with every path, nothing changed), the
server's limit (409), YAML bodies, and a stored schedule surviving a restart."""

from __future__ import annotations

IDS = ["BANK_A", "BANK_B", "BANK_C", "BANK_D"]
RING = {
    "simulation": {"ticks_per_day": 10, "seed": 1},
    "agents": [{"id": i, "balance": 10_000, "policy": {"type": "Fifo"}} for i in IDS],
}


def ring(client) -> str:
    sim = client.post("/simulations", json=RING).json()["simulation_id"]
    for k, sender in enumerate(IDS):
        tx = {"sender": sender, "receiver": IDS[(k + 1) % 4], "amount": 50_000}
        assert client.post(f"/simulations/{sim}/transactions", json=tx).status_code == 200
    return sim


def test_an_outage_holds_the_ring_until_it_ends(client):
    sim = ring(client)
    outage = {"type": "outage", "agent": "BANK_C", "from_tick": 0, "to_tick": 3}
    response = client.post(f"/simulations/{sim}/schedule", json={"scenario_events": [outage]})
    assert response.status_code == 200, response.text
    assert response.json() == {"scheduled": 1, "pending_actions": 1}
    pending = client.get(f"/simulations/{sim}/schedule").json()["pending"]
    assert pending == [{"tick": 0, "seq": 1, "phase": "start", "action": outage}]
    assert client.post(f"/simulations/{sim}/tick?n=3").json()["queue2_size"] == 3
    state = client.get(f"/simulations/{sim}/state").json()
    assert state["outages"] == [{"agent": "BANK_C", "to_tick": 3, "block_receiving": False}]
    assert client.post(f"/simulations/{sim}/tick").json()["lsm_cycle_releases"] == 4
    events = client.get(f"/simulations/{sim}/events").json()["events"]
    assert [e["type"] for e in events if e["type"].startswith("outage")] == ["outage_started", "outage_ended"]


def test_bad_actions_are_422_with_paths_and_change_nothing(client, error_of):
    sim = ring(client)
    client.post(f"/simulations/{sim}/tick")
    before = client.get(f"/simulations/{sim}/state").json()
    bad = [
        {"type": "liquidity", "agent": "NOBODY", "tick": 5, "amount": 1},
        {"type": "outage", "agent": "BANK_A", "from_tick": 0, "to_tick": 4},
        {"type": "outage", "agent": "BANK_B", "from_tick": 5, "to_tick": 2},
    ]
    error = error_of(client.post(f"/simulations/{sim}/schedule", json=bad), 422, "invalid_config")
    assert [f["field"] for f in error["fields"]] == [
        "scenario_events[0].agent",
        "scenario_events[1].from_tick",
        "scenario_events[2].to_tick",
    ]
    error_of(client.post(f"/simulations/{sim}/schedule", json="outage"), 422, "invalid_config")
    error_of(client.post(f"/simulations/{sim}/schedule", json=[{"type": "flood"}]), 422, "invalid_config")
    error_of(client.post("/simulations/nope/schedule", json=[]), 404, "simulation_not_found")
    assert client.get(f"/simulations/{sim}/state").json() == before
    assert client.get(f"/simulations/{sim}/schedule").json() == {"pending": []}


def test_yaml_bodies_and_the_pending_limit(make_client, error_of):
    client = make_client(max_pending_actions=2)
    sim = ring(client)
    yaml_body = "- {type: liquidity, agent: BANK_A, tick: 2, amount: -500}\n- {type: lsm, tick: 1, bilateral: false}\n"
    response = client.post(
        f"/simulations/{sim}/schedule", content=yaml_body, headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 200, response.text
    more = [{"type": "liquidity", "agent": "BANK_B", "tick": 3, "amount": 1}]
    error_of(client.post(f"/simulations/{sim}/schedule", json=more), 409, "schedule_limit")


def test_a_stored_schedule_survives_a_restart(make_client, tmp_path):
    data = tmp_path / "data"
    client = make_client(data, snapshot_cost_ratio=0)
    sim = ring(client)
    client.post(f"/simulations/{sim}/tick")
    actions = [
        {"type": "outage", "agent": "BANK_D", "from_tick": 2, "to_tick": 5, "block_receiving": True},
        {"type": "payment", "tick": 6, "sender": "BANK_A", "receiver": "BANK_C", "amount": 123},
    ]
    assert client.post(f"/simulations/{sim}/schedule", json=actions).status_code == 200
    client.post(f"/simulations/{sim}/tick?n=2")  # logged after the snapshot
    pending = client.get(f"/simulations/{sim}/schedule").json()
    client.__exit__(None, None, None)
    reopened = make_client(data, snapshot_cost_ratio=0)
    assert reopened.get(f"/simulations/{sim}/schedule").json() == pending
    assert reopened.get(f"/simulations/{sim}/state").json()["outages"][0]["agent"] == "BANK_D"
    reopened.post(f"/simulations/{sim}/run?ticks=7")
    arrivals = [e for e in reopened.get(f"/simulations/{sim}/events").json()["events"] if e["type"] == "arrival"]
    assert arrivals[-1]["amount"] == 123 and arrivals[-1]["tick"] == 6
