"""Events live in the database, not the engine: a simulation holds about
``max_events_in_memory`` of them at most while a run goes (in slices), fewer than a block
(``runner.ENGINE_PAGE``) between requests — so snapshots hold no history — and ``GET /events``
pages exactly as before, across restarts and failed writes."""

from __future__ import annotations

import json
import sqlite3

import pytest
from payment_simulator.api.runner import ENGINE_PAGE

OPS = [("run", 150), ("tick", 7), ("submit", {"sender": "BANK_A", "receiver": "BANK_C", "amount": 70_000}), ("run", 40)]


def apply(client, sim: str, ops) -> None:
    for kind, arg in ops:
        if kind == "submit":
            response = client.post(f"/simulations/{sim}/transactions", json=arg)
        elif kind == "tick":
            response = client.post(f"/simulations/{sim}/tick", params={"n": arg})
        else:
            response = client.post(f"/simulations/{sim}/run", params={"ticks": arg})
        assert response.status_code == 200, response.text


def all_events(client, sim: str, limit: int = 7) -> list[dict]:
    events, since = [], 0
    while True:
        page = client.get(f"/simulations/{sim}/events", params={"since": since, "limit": limit}).json()
        events += page["events"]
        if not page["has_more"]:
            assert page["next_since"] == (events[-1]["seq"] if events else since)
            return events
        since = page["next_since"]


def engine_of(client, sim: str):
    from payment_simulator.api.deps import service_of

    return service_of(client.app)._entries[sim].orchestrator


def stored_event_count(data_dir, sim: str) -> int:
    with sqlite3.connect(data_dir / "simulations.sqlite3") as db:
        row = db.execute("SELECT SUM(last_seq - first_seq + 1) FROM event_blocks WHERE sim_id = ?", (sim,)).fetchone()
        return row[0] or 0


def test_events_page_from_the_database_as_they_did_from_the_engine(
    make_client, tmp_path, service_scenario, reference_run
):
    data = tmp_path / "events"
    client = make_client(data, max_events_in_memory=64)
    scenario = service_scenario()
    sim = client.post("/simulations", json=scenario).json()["simulation_id"]
    apply(client, sim, OPS)
    expected = reference_run(scenario, OPS)["events"]
    assert len(expected) > 500  # many slices of at most ~64 events
    assert all_events(client, sim) == expected
    assert all_events(client, sim, limit=10_000) == expected
    held = engine_of(client, sim).workload()["events_held"]
    assert held < ENGINE_PAGE  # the rest are in the database
    assert stored_event_count(data, sim) == len(expected) - held > 0
    # Beyond the end, and from the middle: as before.
    last = expected[-1]["seq"]
    assert client.get(f"/simulations/{sim}/events", params={"since": last}).json() == {
        "events": [],
        "next_since": last,
        "has_more": False,
    }
    page = client.get(f"/simulations/{sim}/events", params={"since": 100, "limit": 3}).json()
    assert page == {"events": expected[100:103], "next_since": 103, "has_more": True}


def test_a_long_run_holds_about_max_events_in_memory(make_client, service_scenario, monkeypatch):
    from payment_simulator.api import runner

    drained: list[int] = []
    real_drain = runner.drain

    def counting_drain(orchestrator, *args, **kwargs):
        drained.append(orchestrator.workload()["events_held"])
        return real_drain(orchestrator, *args, **kwargs)

    monkeypatch.setattr(runner, "drain", counting_drain)
    client = make_client(max_events_in_memory=100)
    sim = client.post("/simulations", json=service_scenario(num_days=20)).json()["simulation_id"]
    summary = client.post(f"/simulations/{sim}/run", params={"ticks": 900}).json()
    assert summary["ticks_run"] == 900 and "stopped_by_budget" not in summary
    assert len(drained) > 10  # sliced
    assert max(drained) <= 100 + 60  # the cap, and at most one tick's events beyond it


def test_snapshots_hold_no_events(make_client, tmp_path, service_scenario):
    from payment_simulator.api.deps import service_of

    client = make_client(tmp_path / "snap", snapshot_every_ops=1, snapshot_cost_ratio=0)
    sim = client.post("/simulations", json=service_scenario(num_days=20)).json()["simulation_id"]
    sizes, day_sizes = [], []
    for _ in range(4):
        apply(client, sim, [("run", 200)])
        stored = service_of(client.app).store.load(sim)
        assert stored.ops == [] and stored.snapshot is not None
        snapshot = json.loads(stored.snapshot)
        assert snapshot["events_discarded"] == stored.events_through == stored.stored_events_through
        assert len(snapshot["events"]) < ENGINE_PAGE  # only those not in the database yet
        assert all_events(client, sim, limit=10_000)[-1]["seq"] == stored.events_through + len(snapshot["events"])
        # The indicators' per-day records are output history by design (model.md § Indicators):
        # they grow by one record per agent per day, measured apart below.
        days = snapshot.pop("indicators")["days"]
        sizes.append(len(json.dumps(snapshot, separators=(",", ":"))))
        day_sizes.append(len(json.dumps(days, separators=(",", ":"))) / max(1, len(days)))
    # The state's size, not the history's: 800 ticks are not 4 times 200.
    assert sizes[-1] < 2 * sizes[0]
    # The day records: each of the same bounded size (agents × (figures + ticks_per_day)).
    assert max(day_sizes) < 1.5 * min(day_sizes)


@pytest.mark.parametrize("fail_at", ["append", "add_events"])
def test_events_of_a_change_that_was_not_stored_are_pruned(
    make_client, error_of, service_scenario, reference_run, fail_at
):
    """A run in slices writes its earlier slices' events before its operation; when the
    operation cannot be stored (503), those rows are removed when the simulation is reloaded."""
    from payment_simulator.api.deps import service_of
    from payment_simulator.api.persistence import StorageError

    client = make_client(max_events_in_memory=64)
    scenario = service_scenario()
    sim = client.post("/simulations", json=scenario).json()["simulation_id"]
    apply(client, sim, [("run", 20)])
    store = service_of(client.app).store
    real = getattr(store, fail_at)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if fail_at == "add_events" and len(calls) < 3:
            return real(*args, **kwargs)  # two slices stored, then the disk fails
        raise StorageError("disk I/O error")

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(store, fail_at, failing)
    try:
        error_of(client.post(f"/simulations/{sim}/run", params={"ticks": 150}), 503, "storage_error")
    finally:
        monkeypatch.undo()
    assert calls
    expected = reference_run(scenario, [("run", 20)])["events"]
    assert all_events(client, sim) == expected  # reloaded: only what was acknowledged
    apply(client, sim, [("run", 150)])
    assert all_events(client, sim) == reference_run(scenario, [("run", 20), ("run", 150)])["events"]


def test_events_survive_a_restart_and_continue(make_client, tmp_path, service_scenario, reference_run):
    data = tmp_path / "restart"
    scenario = service_scenario()
    client = make_client(data, max_events_in_memory=64, snapshot_every_ops=2, snapshot_cost_ratio=0)
    sim = client.post("/simulations", json=scenario).json()["simulation_id"]
    apply(client, sim, OPS[:3])
    client.__exit__(None, None, None)  # the server stops (the fixture's second exit is harmless)
    client = make_client(data, max_events_in_memory=64)
    apply(client, sim, OPS[3:])
    assert all_events(client, sim) == reference_run(scenario, OPS)["events"]


def test_a_version_1_database_is_upgraded_and_its_events_move_out_of_the_snapshot(make_client, tmp_path):
    """The release before issue 10 kept events in snapshots (golden/v1 has such a directory):
    the schema is upgraded on open, and a simulation's events move to their table on first use."""
    import shutil
    from pathlib import Path

    golden = Path(__file__).parent / "golden" / "v1"
    expected = json.loads((golden / "expected.json").read_text())
    data = tmp_path / "v1"
    shutil.copytree(golden / "stored", data)
    client = make_client(data)
    with sqlite3.connect(data / "simulations.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    sim = expected["yaml_sim"]
    assert stored_event_count(data, sim) == 0  # not loaded yet
    events = all_events(client, sim)
    assert events and stored_event_count(data, sim) == len(events)
    assert engine_of(client, sim).workload()["events_held"] == 0


def test_drain_takes_blocks_of_consecutive_events_and_skips_stored_ones(service_scenario):
    from payment_simulator._core import Orchestrator
    from payment_simulator.api import runner

    with Orchestrator.new(service_scenario()) as sim, Orchestrator.new(service_scenario()) as whole:
        sim.run(60)
        whole.run(60)
        everything = whole.events()
        assert len(everything) > 2 * runner.ENGINE_PAGE // 10
        blocks, through = runner.drain(sim, 0, skip_through=5)
        assert through == everything[-1]["seq"] and sim.workload()["events_held"] == 0
        assert blocks[0][0] == 6 and all(b[0] == a[1] + 1 for a, b in zip(blocks, blocks[1:]))
        assert [e for _, _, body in blocks for e in json.loads(body)] == everything[5:]
        assert runner.drain(sim, through) == ([], through)  # nothing more held


def test_pruning_trims_a_block_that_straddles_the_committed_end(tmp_path):
    from payment_simulator.api.persistence import Store

    store = Store(tmp_path / "prune")
    try:
        store.create("s", "{}", "test")
        events = [{"seq": n, "tick": 0, "type": "end_of_day"} for n in range(1, 11)]
        block = lambda a, b: (a, b, json.dumps(events[a - 1 : b]))  # noqa: E731
        store.add_events("s", [block(1, 4), block(5, 8), block(9, 10)])
        assert store.prune_events("s", 6) == 2
        assert store.events("s", 0, 100) == events[:6]
        assert store.load("s").stored_events_through == 6
        assert store.events("s", 2, 3) == events[2:5]
    finally:
        store.close()
