"""SimulationManager beyond the seed's tests: every form of config, tick(n), errors, and
thread safety."""

import threading

import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.config import SimulationConfig
from payment_simulator.errors import InvalidArgumentError, InvalidConfigError, SimulationNotFoundError
from payment_simulator.lifecycle import SimulationManager

SCENARIO = {
    "simulation": {"ticks_per_day": 100, "num_days": 1, "seed": 12345},
    "agents": [
        {"id": "BANK_A", "balance": 1_000_000, "credit_limit": 500_000, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 2_000_000, "policy": {"type": "Fifo"}},
    ],
}


@pytest.fixture
def manager():
    manager = SimulationManager()
    yield manager
    manager.close()


def test_create_from_each_form(manager, config):
    ids = [manager.create(SimulationConfig.model_validate(SCENARIO)), manager.create(SCENARIO), manager.create(config)]
    states = [manager.get_state(i) for i in ids]
    assert states[0] == states[1] == states[2]
    assert manager.list() == manager.list_simulations() == ids


def test_budgeted_runs_through_the_manager(manager, workload):
    sim = manager.create(workload(num_agents=4, rate=2.0))
    assert manager.workload(sim)["expected_orders_per_tick"] == pytest.approx(8.0)
    summary = manager.run(sim, 50, max_transactions=40)
    assert summary["stopped_by_budget"] and summary["ticks_run"] < 50
    assert manager.get_state(sim)["tick"] == summary["ticks_run"]


def test_invalid_scenarios_fail_before_the_library(manager):
    with pytest.raises(InvalidConfigError):
        manager.create({**SCENARIO, "agents": []})
    assert manager.list() == []


def test_tick_n_returns_the_last_result_and_matches_single_ticks(manager, workload):
    stepped, batched = manager.create(workload(num_agents=4)), manager.create(workload(num_agents=4))
    singles = [manager.tick(stepped) for _ in range(25)]
    assert manager.tick(batched, 25) == singles[-1]
    assert manager.get_state(batched) == manager.get_state(stepped)
    with pytest.raises(InvalidArgumentError):
        manager.tick(stepped, 0)


def test_queries_and_submissions(manager, config):
    sim_id = manager.create(config)
    tx = manager.submit_transaction(sim_id, {"sender": "BANK_A", "receiver": "BANK_B", "amount": 10})
    assert isinstance(tx, str)
    summary = manager.run(sim_id, 3)
    assert summary["num_settlements"] == 1
    assert manager.get_stats(sim_id)["settlements"] == 1
    assert [e["type"] for e in manager.get_events(sim_id)][:1] == ["arrival"]
    restored = manager.restore(manager.snapshot(sim_id))
    assert manager.get_state(restored) == manager.get_state(sim_id)
    with pytest.raises(InvalidArgumentError, match="already exists"):
        manager.restore(manager.snapshot(sim_id), sim_id=restored)


def test_unknown_ids(manager):
    for call in (
        lambda: manager.tick("nope"),
        lambda: manager.get_state("nope"),
        lambda: manager.delete("nope"),
        lambda: manager.submit_transaction("nope", {}),
    ):
        with pytest.raises(SimulationNotFoundError) as raised:
            call()
        assert isinstance(raised.value, KeyError) and "nope" in str(raised.value)
    assert not manager.exists("nope")


def test_parallel_clients_on_many_simulations(manager, workload):
    expected = Orchestrator.new(workload(num_agents=3)).run(60)["last"]
    ids = [manager.create(workload(num_agents=3)) for _ in range(4)]
    errors: list[BaseException] = []

    def client(sim_id):
        try:
            for _ in range(30):
                manager.tick(sim_id, 2)
                manager.get_state(sim_id)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=client, args=(sim_id,)) for sim_id in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(manager.get_state(i)["tick"] == 60 for i in ids)
    # Same config, same seed: each simulation reached the same state as a lone run.
    assert len({str(manager.get_state(i)) for i in ids}) == 1 and expected["tick"] == 59


def test_delete_while_another_thread_ticks(manager, two_banks):
    sim_id = manager.create(two_banks(num_days=1000))
    outcome: list[str] = []

    def ticker():
        try:
            while True:
                manager.tick(sim_id, 5)
        except SimulationNotFoundError:
            outcome.append("not found")
        except BaseException as e:  # noqa: BLE001
            outcome.append(repr(e))

    thread = threading.Thread(target=ticker)
    thread.start()
    manager.tick(sim_id)  # make sure it exists and runs
    manager.delete(sim_id)
    thread.join()
    assert outcome == ["not found"] and not manager.exists(sim_id)
