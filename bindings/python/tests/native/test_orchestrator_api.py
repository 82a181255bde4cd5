"""The Orchestrator beyond the seed's API: run, state, stats, events, snapshot/restore,
agent ids, submissions, lifetime."""

import json

import pytest
from payment_simulator._core import Orchestrator
from payment_simulator.config import SimulationConfig
from payment_simulator.errors import InvalidArgumentError, SimulationClosedError

TICK_KEYS = {
    "tick",
    "num_arrivals",
    "num_settlements",
    "num_drops",
    "lsm_bilateral_releases",
    "lsm_cycle_releases",
    "queue1_size",
    "queue2_size",
    "total_liquidity_cost",
    "total_delay_cost",
}  # the seed's keys


def test_tick_result_has_every_seed_key(config):
    assert TICK_KEYS <= set(Orchestrator.new(config).tick())


def test_run_returns_the_summary_of_the_ticks_it_ran(workload):
    stepped, batched = Orchestrator.new(workload()), Orchestrator.new(workload())
    stepped.tick(), batched.tick()
    results = [stepped.tick() for _ in range(40)]
    summary = batched.run(40)
    assert (summary["ticks_run"], summary["first_tick"], summary["last_tick"]) == (40, 1, 40)
    assert summary["last"] == results[-1]
    for key in ("num_arrivals", "num_settlements", "num_drops", "lsm_cycle_releases", "total_delay_cost"):
        assert summary[key] == sum(r[key] for r in results), key
    assert batched.state() == stepped.state() and batched.current_tick() == 41


def test_run_refuses_zero_and_negative_tick_counts(config):
    orch = Orchestrator.new(config)
    with pytest.raises(InvalidArgumentError):
        orch.run(0)
    with pytest.raises(InvalidArgumentError, match="ticks"):
        orch.run(-1)
    with pytest.raises(InvalidArgumentError):  # more than remain in the horizon
        orch.run(101)


def test_state_document(config):
    orch = Orchestrator.new(config)
    orch.submit_transaction({"sender": "BANK_A", "receiver": "BANK_B", "amount": 5})
    state = orch.state()
    assert state == {
        "tick": 0,
        "day": 0,
        "agents": [
            {"id": "BANK_A", "balance": 1_000_000, "credit_limit": 500_000, "queue1_size": 1, "queue2_size": 0},
            {"id": "BANK_B", "balance": 2_000_000, "credit_limit": 0, "queue1_size": 0, "queue2_size": 0},
        ],
        "queue2_size": 0,
    }


def test_current_day_and_horizon(two_banks):
    orch = Orchestrator.new(two_banks(ticks_per_day=3, num_days=2))
    assert orch.horizon() == 6
    days = []
    for _ in range(6):
        days.append(orch.current_day())
        orch.tick()
    assert days == [0, 0, 0, 1, 1, 1]


def test_agent_ids_keep_configuration_order(two_banks):
    config = two_banks()
    config["agent_configs"] = [dict(a, id=i) for a, i in zip(config["agent_configs"] * 2, ["Z", "A", "M", "B"])]
    assert Orchestrator.new(config).get_agent_ids() == ["Z", "A", "M", "B"]


def test_unusual_agent_ids_cross_the_boundary(workload):
    orch = Orchestrator.new(workload(num_agents=100, rate=0.1))
    ids = orch.get_agent_ids()
    assert ids[-1] == "BANK_¤" and "BANK_\x7f" in ids
    orch.run(10)
    assert sum(orch.get_agent_balance(i) for i in ids) == 100 * 5_000_000
    assert all(orch.get_queue1_size(i) >= 0 for i in ids)


def test_submissions(config):
    orch = Orchestrator.new(config)
    first = orch.submit_transaction({"sender": "BANK_A", "receiver": "BANK_B", "amount": 100_000})
    second = orch.submit_transaction({"sender": "BANK_B", "receiver": "BANK_A", "amount": 1, "priority": 10})
    assert isinstance(first, str) and first != second
    result = orch.tick()
    assert result["num_arrivals"] == 2 and result["num_settlements"] == 2
    assert orch.get_agent_balance("BANK_A") == 1_000_000 - 100_000 + 1


def test_a_simulation_config_is_accepted_directly():
    config = SimulationConfig(
        simulation={"ticks_per_day": 10, "seed": 1}, agents=[{"id": "A", "balance": 7, "policy": {"type": "Fifo"}}]
    )
    with Orchestrator.new(config) as orch:
        assert orch.get_agent_balance("A") == 7 and orch.horizon() == 10


def test_events(workload):
    orch = Orchestrator.new(workload(num_agents=3))
    orch.run(20)
    events = orch.events()
    assert events and [e["seq"] for e in events] == sorted({e["seq"] for e in events})
    assert all({"seq", "tick", "type"} <= set(e) for e in events)
    middle = events[len(events) // 2]["seq"]
    assert orch.events(since=middle) == [e for e in events if e["seq"] > middle]
    assert orch.events(since=events[-1]["seq"]) == []
    with pytest.raises(InvalidArgumentError):
        orch.events(since=-1)


def test_events_with_a_limit_are_bounded_pages(workload):
    orch = Orchestrator.new(workload(num_agents=3))
    orch.run(20)
    events = orch.events()
    assert len(events) > 10
    assert orch.events(limit=1) == events[:1]
    assert orch.events(since=3, limit=4) == events[3:7]
    assert orch.events(limit=len(events) + 5) == events
    assert orch.events(limit=2**64 - 1) == events
    assert orch.events(since=events[-1]["seq"], limit=3) == []
    pages, since = [], 0
    while page := orch.events(since=since, limit=7):
        assert len(page) <= 7
        pages.append(page)
        since = page[-1]["seq"]
    assert [e for page in pages for e in page] == events
    assert len(pages) == -(-len(events) // 7)
    for bad in (0, -1):
        with pytest.raises(InvalidArgumentError, match="limit"):
            orch.events(limit=bad)
    with pytest.raises(TypeError):
        orch.events(limit=1.5)
    assert orch.events(limit=None) == events


def test_event_recording_off(workload):
    config = workload(num_agents=3)
    config["event_recording"] = "off"
    orch = Orchestrator.new(config)
    orch.run(20)
    assert orch.events() == []


def test_stats(workload):
    orch = Orchestrator.new(workload(num_agents=4))
    summary = orch.run(50)
    stats = orch.stats()
    assert stats["ticks_run"] == 50
    assert stats["arrivals"] == summary["num_arrivals"]
    assert stats["settlements"] == summary["num_settlements"]
    assert [a["id"] for a in stats["agents"]] == orch.get_agent_ids()


def test_snapshot_and_restore_continue_identically(workload):
    original = Orchestrator.new(workload(num_agents=5, num_days=2))
    original.run(60)
    snapshot = original.snapshot()
    document = json.loads(snapshot)
    assert document["schema_version"] == 6  # 3: events_discarded (issue 10); 4: schedule, indicators, lsm; 5: rules; 6: timed, payments, policy_memory
    assert document["events_discarded"] == 0
    assert document["provenance"] == original.stats()["provenance"]
    for restored in (
        Orchestrator.restore(snapshot),
        Orchestrator.restore(json.loads(snapshot)),
        Orchestrator.restore(snapshot.encode()),
    ):
        assert restored.state() == Orchestrator.restore(snapshot).state()
    restored = Orchestrator.restore(snapshot)
    assert restored.current_tick() == 60 and restored.snapshot() == snapshot
    assert [restored.tick() for _ in range(80)] == [original.tick() for _ in range(80)]
    assert restored.stats() == original.stats()
    assert restored.events() == original.events()


def test_restore_of_a_snapshot_taken_before_any_tick(config):
    orch = Orchestrator.new(config)
    orch.submit_transaction({"sender": "BANK_A", "receiver": "BANK_B", "amount": 5})
    restored = Orchestrator.restore(orch.snapshot())
    assert restored.tick() == orch.tick()


def test_close_is_idempotent_and_use_after_close_is_clear(config):
    orch = Orchestrator.new(config)
    assert not orch.closed and "open" in repr(orch)
    orch.close()
    orch.close()
    assert orch.closed and "closed" in repr(orch)
    for call in (orch.tick, orch.state, orch.snapshot, lambda: orch.get_agent_balance("BANK_A"), lambda: orch.run(1)):
        with pytest.raises(SimulationClosedError, match="closed"):
            call()


def test_context_manager_closes(config):
    with Orchestrator.new(config) as orch:
        orch.tick()
    assert orch.closed


def test_bad_argument_types(config):
    with pytest.raises(FileNotFoundError):  # a str is a path to a scenario file
        Orchestrator.new("ticks_per_day: 1")
    for wrong in (42, [("ticks_per_day", 1)], b"ticks_per_day: 1"):
        with pytest.raises(TypeError):
            Orchestrator.new(wrong)
    orch = Orchestrator.new(config)
    with pytest.raises(TypeError):
        orch.get_agent_balance(b"BANK_A")
    with pytest.raises(TypeError):
        orch.submit_transaction([("sender", "BANK_A")])
    with pytest.raises(TypeError):
        orch.run(1.5)
    with pytest.raises(TypeError):
        Orchestrator.restore(42)
