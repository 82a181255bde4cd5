"""model.md's invariants, observed through Python on random configurations and seeds."""

import json
import random

import pytest

from payment_simulator._core import Orchestrator


def random_config(rng: random.Random) -> dict:
    n = rng.randint(2, 7)
    ids = [f"B{i}" for i in range(n)]

    def policy():
        kind = rng.choice(["Fifo", "Deadline", "LiquidityAware"])
        p = {"type": kind}
        if kind == "LiquidityAware":
            p |= {"target_buffer": rng.randint(0, 300_000), "urgency_threshold": rng.randint(0, 10)}
        if rng.random() < 0.3:
            p["split"] = {"threshold": rng.randint(10_000, 200_000), "max_parts": rng.randint(2, 5)}
        return p

    def distribution():
        return rng.choice(
            [
                {"type": "Normal", "mean": rng.uniform(10_000, 200_000), "std_dev": rng.uniform(1, 80_000)},
                {"type": "LogNormal", "mean_log": rng.uniform(8, 12), "std_dev_log": rng.uniform(0.1, 1.5)},
                {"type": "Uniform", "min": 0, "max": rng.randint(1, 300_000)},
            ]
        )

    agents = []
    for agent_id in ids:
        agent = {
            "id": agent_id,
            "opening_balance": rng.randint(0, 500_000),
            "credit_limit": rng.choice([0, 0, 100_000, 400_000]),
            "policy": policy(),
        }
        if rng.random() < 0.8:
            agent["arrival_config"] = {
                "rate_per_tick": rng.uniform(0.05, 1.5),
                "distribution": distribution(),
                "counterparty_weights": {o: rng.uniform(0.1, 3) for o in ids if o != agent_id},
                "deadline_offset": rng.randint(1, 40),
                "priority": rng.randint(0, 10),
            }
        agents.append(agent)
    return {
        "ticks_per_day": rng.randint(5, 40),
        "num_days": rng.randint(1, 4),
        "rng_seed": rng.getrandbits(64),
        "agent_configs": agents,
        "lsm": {"bilateral": rng.random() < 0.7, "multilateral": rng.random() < 0.7},
        "queue_discipline": rng.choice(["bypass_fifo", "fifo"]),
        "deadline_mode": rng.choice(["drop", "overdue"]),
        "cost_rates": {"liquidity_cost_per_unit_per_tick": rng.randint(0, 1000)},
    }


@pytest.mark.parametrize("case", range(12))
def test_conservation_and_credit_limits_on_random_runs(case):
    config = random_config(random.Random(case))
    opening = sum(a["opening_balance"] for a in config["agent_configs"])
    with Orchestrator.new(config) as orch:
        for _ in range(orch.horizon()):
            result = orch.tick()
            state = orch.state()
            assert sum(a["balance"] for a in state["agents"]) == opening, f"tick {result['tick']}"
            assert all(a["balance"] >= -a["credit_limit"] for a in state["agents"])
            assert result["queue2_size"] == state["queue2_size"] == sum(a["queue2_size"] for a in state["agents"])
            assert result["queue1_size"] == sum(a["queue1_size"] for a in state["agents"])


@pytest.mark.parametrize("case", range(4))
def test_determinism_byte_for_byte(case):
    config = random_config(random.Random(100 + case))

    def run():
        with Orchestrator.new(config) as orch:
            ticks = [json.dumps(orch.tick()) for _ in range(orch.horizon())]
            return ticks, orch.snapshot(), json.dumps(orch.stats()), json.dumps(orch.events())

    assert run() == run()


@pytest.mark.parametrize("case", range(4))
def test_snapshot_anywhere_continues_identically(case):
    rng = random.Random(200 + case)
    config = random_config(rng)
    with Orchestrator.new(config) as straight:
        horizon = straight.horizon()
        cut = rng.randint(0, horizon - 1)
        before = [straight.tick() for _ in range(cut)]
        assert len(before) == cut
        with Orchestrator.restore(straight.snapshot()) as resumed:
            assert [resumed.tick() for _ in range(horizon - cut)] == [straight.tick() for _ in range(horizon - cut)]
            assert resumed.stats() == straight.stats()
