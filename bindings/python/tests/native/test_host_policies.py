"""Policies written in Python (``Orchestrator.new(config, policies=...)``): the built-in policies
reproduced byte for byte, a raising policy and garbage answers failing the tick with nothing
changed, snapshot/restore, determinism, the guard against calling the simulation from
``decide``."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from payment_simulator import HostPolicyError, InvalidArgumentError, InvalidConfigError
from payment_simulator._core import Orchestrator

SCENARIOS = Path(__file__).resolve().parents[4] / "examples" / "scenarios"


def scenario(name: str, policy: dict | None = None) -> dict:
    doc = yaml.safe_load((SCENARIOS / name).read_text())
    if policy is not None:
        for agent in doc["agents"]:
            agent["policy"] = copy.deepcopy(policy)
    return doc


class Fifo:
    """The built-in Fifo: release everything, oldest first."""

    def decide(self, view):
        return [{"id": o["id"], "action": "release"} for o in view["queue1"]]


class Deadline:
    """The built-in Deadline: everything, earliest deadline first (stable)."""

    def decide(self, view):
        queue = sorted(view["queue1"], key=lambda o: o["deadline_tick"])
        return [{"id": o["id"], "action": "release"} for o in queue]


class LiquidityAware:
    """The built-in LiquidityAware(target_buffer, urgency_threshold)."""

    def __init__(self, target_buffer, urgency_threshold):
        self.buffer, self.urgency = target_buffer, urgency_threshold

    def decide(self, view):
        projected = view["features"]["balance"]
        out = []
        for o in view["queue1"]:
            urgent = o["features"]["ticks_to_deadline"] <= self.urgency
            if urgent or projected - o["amount"] >= self.buffer:
                projected -= o["amount"]
                out.append({"id": o["id"], "action": "release"})
        return out


def full_run(config: dict, policies=None) -> tuple[str, str, str]:
    """Every tick's result, the events and the statistics of a whole run, as text. The
    statistics' scenario hash is left out: it names the configuration, which says Host."""
    with Orchestrator.new(config, policies=policies) as orch:
        horizon = config["simulation"]["ticks_per_day"] * config["simulation"]["num_days"]
        ticks = [orch.tick() for _ in range(horizon)]
        stats = orch.stats()
        assert stats["provenance"].pop("scenario_hash").startswith("sha256:")
        return json.dumps(ticks), json.dumps(orch.events()), json.dumps(stats)


def all_host(doc: dict, make) -> tuple[dict, dict]:
    """The document with every agent on a Host policy, and ``make(agent)`` for each."""
    hosted = copy.deepcopy(doc)
    policies = {}
    for agent in hosted["agents"]:
        policies[agent["id"]] = make(agent["policy"])
        agent["policy"] = {"type": "Host", "name": agent["policy"]["type"]}
    return hosted, policies


@pytest.mark.parametrize("name", ["scarce_liquidity.yaml", "four_bank_ring.yaml", "seed_benchmark.yaml"])
def test_a_python_fifo_is_fifo_byte_for_byte(name):
    doc = scenario(name, {"type": "Fifo"})
    if name == "seed_benchmark.yaml":
        doc["simulation"]["num_days"] = 2
    hosted, policies = all_host(doc, lambda _: Fifo())
    assert full_run(hosted, policies) == full_run(doc)


def test_python_deadline_and_liquidity_aware_are_the_built_ins_byte_for_byte():
    doc = scenario("scarce_liquidity.yaml")
    for i, agent in enumerate(doc["agents"]):
        agent["policy"] = (
            {"type": "Deadline"}
            if i % 2
            else {"type": "LiquidityAware", "target_buffer": 20_000 * (i + 1), "urgency_threshold": 3 + i}
        )

    def make(policy):
        if policy["type"] == "Deadline":
            return Deadline()
        return LiquidityAware(policy["target_buffer"], policy["urgency_threshold"])

    hosted, policies = all_host(doc, make)
    built_in = full_run(doc)
    assert full_run(hosted, policies) == built_in
    # Not vacuous: LiquidityAware holds here, so it differs from everyone on Fifo.
    assert full_run(scenario("scarce_liquidity.yaml", {"type": "Fifo"}))[1] != built_in[1]


def test_a_mixed_simulation_calls_python_only_for_host_agents():
    doc = scenario("scarce_liquidity.yaml", {"type": "Fifo"})
    doc["agents"][2]["policy"] = {"type": "Host"}
    seen = []

    class Spy(Fifo):
        def decide(self, view):
            seen.append((view["agent"], view["features"]["tick"], view["policy"]))
            assert set(view["features"]) == {
                "balance", "credit_limit", "available", "reserved", "queue1_value", "tick",
                "tick_of_day", "queue1_count", "queue2_count", "credit_headroom",
                "expected_outflows", "expected_inflows",
            }
            assert view["features"]["queue1_count"] == len(view["queue1"])
            for o in view["queue1"]:
                assert set(o) == {"id", "amount", "receiver", "priority", "deadline_tick", "arrival_tick", "features"}
                assert set(o["features"]) == {"ticks_to_deadline", "age", "urgent"}
            return super().decide(view)

    agent = doc["agents"][2]["id"]
    assert full_run(doc, {agent: Spy()}) == full_run(scenario("scarce_liquidity.yaml", {"type": "Fifo"}))
    assert seen and {a for a, _, _ in seen} == {agent} and all(p is None for _, _, p in seen)
    ticks = [t for _, t, _ in seen]
    assert ticks == sorted(set(ticks))  # once per tick at most


def hosted_ring():
    doc = scenario("scarce_liquidity.yaml", {"type": "Fifo"})
    doc["agents"][0]["policy"] = {"type": "Host", "name": "mine"}
    return doc, doc["agents"][0]["id"]


class Scripted(Fifo):
    """Fifo until ``fail_at``; then whatever ``answer`` says."""

    def __init__(self, fail_at, answer):
        self.fail_at, self.answer = fail_at, answer

    def decide(self, view):
        if view["features"]["tick"] >= self.fail_at:
            return self.answer(view)
        return super().decide(view)


def boom(view):
    raise ValueError("the model diverged")


GARBAGE = {
    "raises": (boom, "ValueError: the model diverged"),
    "not a list": (lambda v: {"id": v["queue1"][0]["id"]}, "TypeError: decide() returned dict"),
    "unknown id": (lambda v: [{"id": "999999", "action": "release"}], "is not in the agent's Queue 1"),
    "twice": (lambda v: [{"id": v["queue1"][0]["id"], "action": "release"}] * 2, "decided twice"),
    "bad split": (lambda v: [{"id": v["queue1"][0]["id"], "action": "split", "parts": 1}], "between 2 and 1000"),
    "bad action": (lambda v: [{"id": v["queue1"][0]["id"], "action": "send"}], 'unknown action "send"'),
    "id as a number": (lambda v: [{"id": 22, "action": "release"}], "[0].id"),
    "not JSON": (lambda v: [float("nan")], "ValueError"),
    "unserialisable": (lambda v: [object()], "TypeError"),
}


@pytest.mark.parametrize("case", sorted(GARBAGE))
def test_a_failing_policy_fails_the_tick_and_changes_nothing(case):
    answer, says = GARBAGE[case]
    doc, agent = hosted_ring()
    policy = Scripted(fail_at=10**9, answer=answer)
    with Orchestrator.new(doc, policies={agent: policy}) as orch:
        for _ in range(8):
            orch.tick()
        tick = orch.current_tick()
        before = (orch.snapshot(), json.dumps(orch.events()), json.dumps(orch.state()))
        policy.fail_at = 0
        # Only a tick where the agent has orders asks it; try until one does.
        with pytest.raises(HostPolicyError) as raised:
            for _ in range(20):
                orch.tick()
                before = (orch.snapshot(), json.dumps(orch.events()), json.dumps(orch.state()))
                tick = orch.current_tick()
        message = str(raised.value)
        assert message.startswith(f'host policy of agent "{agent}" ("mine") at tick {tick}: ')
        assert says in message
        assert raised.value.problems[0]["message"] == message
        if case == "raises":
            assert isinstance(raised.value.__cause__, ValueError)
        assert (orch.snapshot(), json.dumps(orch.events()), json.dumps(orch.state())) == before
        # Answering again, the run goes on from the same tick.
        policy.fail_at = 10**9
        assert orch.tick()["tick"] == tick


def test_determinism_and_snapshot_restore_with_a_host_policy():
    doc, agent = hosted_ring()
    with Orchestrator.new(doc, policies={agent: Fifo()}) as a, Orchestrator.new(doc, policies={agent: Fifo()}) as b:
        for _ in range(15):
            assert a.tick() == b.tick()
        snapshot = a.snapshot()
        assert '"policy":{"type":"Host","name":"mine"}' in snapshot
        # The snapshot says Host; restoring needs the policy again.
        with pytest.raises(InvalidConfigError, match="has a Host policy"):
            Orchestrator.restore(snapshot)
        with Orchestrator.restore(snapshot, policies={agent: Fifo()}) as c:
            for _ in range(30):
                assert a.tick() == c.tick()
            assert a.snapshot() == c.snapshot()


def test_the_policies_argument_is_checked():
    doc, agent = hosted_ring()
    with pytest.raises(InvalidConfigError, match="has a Host policy") as raised:
        Orchestrator.new(doc)
    assert raised.value.problems[0]["path"] == "agent_configs[0].policy"
    two = copy.deepcopy(doc)
    two["agents"][1]["policy"] = {"type": "Host"}
    with pytest.raises(InvalidArgumentError, match="no policy for the agents with a Host policy") as raised:
        Orchestrator.new(two, policies={agent: Fifo()})
    assert raised.value.problems[0]["path"] == f"policies.{two['agents'][1]['id']}"
    with pytest.raises(InvalidArgumentError, match="has no Host policy"):
        Orchestrator.new(doc, policies={agent: Fifo(), "BANK_B": Fifo()})
    with pytest.raises(TypeError, match="no decide"):
        Orchestrator.new(doc, policies={agent: object()})


def test_a_policy_cannot_call_its_own_simulation():
    doc, agent = hosted_ring()
    holder = {}

    class Peeking(Fifo):
        def decide(self, view):
            holder["orch"].state()  # would deadlock on the locked handle
            return super().decide(view)

    with Orchestrator.new(doc, policies={agent: Peeking()}) as orch:
        holder["orch"] = orch
        with pytest.raises(HostPolicyError, match="cannot call its own simulation"):
            for _ in range(10):
                orch.tick()
        assert orch.state()["tick"] < 10  # usable afterwards


def test_the_callback_survives_garbage_collection():
    import gc

    doc, agent = hosted_ring()
    orch = Orchestrator.new(doc, policies={agent: Fifo()})
    gc.collect()
    for _ in range(20):
        orch.tick()
        gc.collect()
    orch.close()
