"""Orchestrator.schedule / pending_schedule: the core's schedule of timed inputs from Python —
an outage and an injection with hand-computed outcomes, the listing, scenario_events in a
configuration, and bad input (InvalidConfigError with paths, the simulation unchanged)."""

import math

import pytest
from payment_simulator._core import Orchestrator
from payment_simulator.errors import InvalidConfigError, InvalidJsonError

IDS = ["BANK_A", "BANK_B", "BANK_C", "BANK_D"]


def ring(balance=10_000, **overrides) -> Orchestrator:
    config = {
        "ticks_per_day": 10,
        "num_days": 1,
        "rng_seed": 1,
        "agent_configs": [{"id": i, "opening_balance": balance, "policy": {"type": "Fifo"}} for i in IDS],
    }
    config.update(overrides)
    orch = Orchestrator.new(config)
    for k, sender in enumerate(IDS):
        orch.submit_transaction({"sender": sender, "receiver": IDS[(k + 1) % 4], "amount": 50_000})
    return orch


def test_an_outage_holds_the_ring_until_it_ends():
    orch = ring()
    orch.schedule([{"type": "outage", "agent": "BANK_C", "from_tick": 0, "to_tick": 3}])
    assert [p["phase"] for p in orch.pending_schedule()] == ["start"]
    for _ in range(3):
        assert orch.tick()["num_settlements"] == 0
    assert orch.state()["outages"] == [{"agent": "BANK_C", "to_tick": 3, "block_receiving": False}]
    assert [a["queue1_size"] for a in orch.state()["agents"]] == [0, 0, 1, 0]
    assert orch.tick()["lsm_cycle_releases"] == 4
    assert orch.pending_schedule() == [] and "outages" not in orch.state()
    kinds = [e["type"] for e in orch.events() if e["type"].startswith("outage")]
    assert kinds == ["outage_started", "outage_ended"]


def test_an_injection_unblocks_the_gridlock_at_its_tick():
    orch = ring(balance=0, lsm={"bilateral": False, "multilateral": False},
                scenario_events=[{"type": "liquidity", "agent": "BANK_A", "tick": 2, "amount": 50_000}])
    assert orch.run(2)["num_settlements"] == 0
    assert orch.tick()["num_settlements"] == 4
    stats = orch.stats()
    assert (stats["external_inflow"], stats.get("external_outflow", 0)) == (50_000, 0)
    assert [orch.get_agent_balance(i) for i in IDS] == [50_000, 0, 0, 0]


def test_bad_actions_raise_with_paths_and_change_nothing():
    orch = ring()
    orch.tick()
    before = orch.snapshot()
    with pytest.raises(InvalidConfigError) as err:
        orch.schedule([
            {"type": "liquidity", "agent": "NOBODY", "tick": 5, "amount": 1},
            {"type": "outage", "agent": "BANK_A", "from_tick": 0, "to_tick": 4},
            {"type": "arrival_rate", "agent": "BANK_A", "from_tick": 2, "to_tick": 4, "rate": 1.0},
        ])
    paths = [p["path"] for p in err.value.problems]
    assert paths == ["scenario_events[0].agent", "scenario_events[1].from_tick", "scenario_events[2].agent"]
    with pytest.raises(InvalidConfigError) as err:
        orch.schedule({"scenario_events": [{"type": "lsm", "tick": 3, "bilateral": False, "rate": math.inf}]})
    assert err.value.problems[0]["path"] == "scenario_events[0].rate"
    with pytest.raises(InvalidConfigError) as err:
        orch.schedule([{"type": "payment", "tick": 3, "sender": "BANK_A", "receiver": "BANK_A", "amount": 5}])
    assert err.value.problems[0]["message"] == "scenario_events[0].receiver must differ from sender"
    assert orch.snapshot() == before


def test_a_snapshot_in_the_middle_of_an_outage_continues_identically():
    orch = ring(scenario_events=[{"type": "outage", "agent": "BANK_B", "from_tick": 1, "to_tick": 6,
                                  "block_receiving": True}])
    orch.run(3)
    copy = Orchestrator.restore(orch.snapshot())
    assert copy.pending_schedule() == orch.pending_schedule()
    orch.run(7), copy.run(7)
    assert copy.snapshot() == orch.snapshot()
