"""Orchestrator.submit_many: a batch in one call, all or nothing."""
import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.errors import InvalidConfigError


def _config():
    return {
        "ticks_per_day": 10,
        "num_days": 1,
        "rng_seed": 1,
        "agent_configs": [
            {"id": "A", "opening_balance": 100, "credit_limit": 0, "policy": {"type": "Fifo"}},
            {"id": "B", "opening_balance": 0, "credit_limit": 0, "policy": {"type": "Fifo"}},
        ],
    }


def test_a_batch_gets_ids_in_order_and_settles():
    orch = Orchestrator.new(_config())
    ids = orch.submit_many(
        [
            {"sender": "A", "receiver": "B", "amount": 60},
            {"sender": "A", "receiver": "B", "amount": 30, "priority": 9, "deadline_offset": 3},
        ]
    )
    assert ids == ["T1", "T2"]
    assert orch.tick()["num_settlements"] == 2
    assert orch.get_agent_balance("B") == 90


def test_a_bad_batch_names_every_problem_and_submits_nothing():
    orch = Orchestrator.new(_config())
    with pytest.raises(InvalidConfigError) as e:
        orch.submit_many(
            [
                {"sender": "A", "receiver": "B", "amount": 5},
                {"sender": "A", "receiver": "Z", "amount": 5},
                {"sender": "A", "receiver": "B", "amount": 0},
            ]
        )
    paths = [p["path"] for p in e.value.problems]
    assert paths == ["[1].receiver", "[2].amount"]
    assert orch.get_queue1_size("A") == 0
    with pytest.raises(TypeError):
        orch.submit_many({"sender": "A"})
