"""The budgets a Python host has (the core's, through the C ABI): ``workload()`` before work,
``run(ticks, max_transactions=…)`` bounding it, ``discard_events()`` bounding memory."""

from __future__ import annotations

import json

import pytest
from payment_simulator._core import Orchestrator
from payment_simulator.errors import InvalidArgumentError, SimulationFinishedError


def splitting(workload, max_parts: int = 3) -> dict:
    config = workload(num_agents=4, rate=2.0, num_days=5)
    for agent in config["agent_configs"]:
        agent["policy"] = {"type": "Fifo", "split": {"threshold": 1, "max_parts": max_parts}}
    return config


def test_workload_counts_split_parts_at_their_maximum(workload):
    with Orchestrator.new(splitting(workload, max_parts=3)) as sim:
        w = sim.workload()
        assert w["expected_orders_per_tick"] == pytest.approx(8.0)
        assert w["max_transactions_per_order"] == 4  # the order and up to 3 parts
        assert w["expected_transactions_per_tick"] == pytest.approx(32.0)
        assert (w["live_transactions"], w["events_held"], w["remaining_ticks"]) == (0, 0, 500)
        sim.run(10)
        w = sim.workload()
        assert w["remaining_ticks"] == 490 and w["events_held"] == len(sim.events())
    with Orchestrator.new(workload(num_agents=2, rate=0.5)) as plain:
        assert plain.workload()["max_transactions_per_order"] == 1


def test_a_budgeted_run_stops_after_the_tick_that_reaches_its_budget(workload):
    config = splitting(workload)
    with Orchestrator.new(config) as budgeted, Orchestrator.new(config) as free:
        summary = budgeted.run(100, max_transactions=200)
        assert summary["stopped_by_budget"] and summary["ticks_run"] < 100
        assert summary["transactions_created"] >= 200
        # Ticks stay whole: the same ticks unbudgeted give the same state.
        free_summary = free.run(summary["ticks_run"])
        assert budgeted.state() == free.state()
        extra = ("transactions_created", "stopped_by_budget")
        assert {k: v for k, v in summary.items() if k not in extra} == free_summary
        # The tick before the last stayed under the budget.
        with Orchestrator.new(config) as shorter:
            assert shorter.run(summary["ticks_run"] - 1, max_transactions=10**9)["transactions_created"] < 200


def test_a_budget_that_is_not_reached_changes_nothing(workload):
    with Orchestrator.new(splitting(workload)) as sim:
        summary = sim.run(5, max_transactions=10**9)
        assert summary["ticks_run"] == 5 and not summary["stopped_by_budget"]
        assert "stopped_by_budget" not in sim.run(5)  # the unbudgeted run is unchanged


@pytest.mark.parametrize("bad", [0, -1, 2**64])
def test_a_budget_must_be_a_positive_u64(workload, bad):
    with Orchestrator.new(splitting(workload)) as sim:
        with pytest.raises(InvalidArgumentError):
            sim.run(5, max_transactions=bad)
        assert sim.current_tick() == 0


def test_a_budgeted_run_of_a_finished_simulation_is_refused(two_banks):
    with Orchestrator.new(two_banks()) as sim:
        sim.run(100)
        with pytest.raises(SimulationFinishedError):
            sim.run(1, max_transactions=5)


def test_discarded_events_keep_their_numbers_and_leave_snapshots(workload):
    with Orchestrator.new(splitting(workload)) as sim, Orchestrator.new(splitting(workload)) as whole:
        sim.run(20)
        whole.run(20)
        everything = sim.events()
        cut = everything[len(everything) // 2]["seq"]
        sim.discard_events(cut)
        assert sim.events() == [e for e in everything if e["seq"] > cut]
        assert sim.events(0, limit=3) == [e for e in everything if e["seq"] > cut][:3]
        assert sim.workload()["events_held"] == len(everything) - cut
        snapshot = json.loads(sim.snapshot())
        assert snapshot["events_discarded"] == cut and len(snapshot["events"]) == len(everything) - cut
        sim.discard_events(10**12)  # past the last: everything so far
        assert sim.events() == [] and sim.workload()["events_held"] == 0
        sim.run(10)
        whole.run(10)
        assert sim.events() == [e for e in whole.events() if e["seq"] > everything[-1]["seq"]]
        assert sim.state() == whole.state()  # results are unaffected
        restored = Orchestrator.restore(sim.snapshot())
        restored.run(5), whole.run(5)
        assert restored.state() == whole.state()
        assert restored.events() == [e for e in whole.events() if e["seq"] > everything[-1]["seq"]]
        restored.close()


def test_engine_calls_release_the_gil(workload):
    """cffi releases the GIL for the whole of a C call (ABI mode too): a long run on one thread
    leaves the others running — what keeps the REST service's event loop free."""
    import threading
    import time

    with Orchestrator.new(workload(num_agents=20, rate=5.0, num_days=100)) as sim:
        worker = threading.Thread(target=sim.run, args=(5_000,))
        stamps = [time.perf_counter()]
        worker.start()
        while worker.is_alive():
            time.sleep(0.001)
            stamps.append(time.perf_counter())
        worker.join()
    assert stamps[-1] - stamps[0] > 0.2, "the run was too short to tell"
    # Held for the call, the GIL would stop this thread for all of it.
    assert max(b - a for a, b in zip(stamps, stamps[1:])) < 0.5 * (stamps[-1] - stamps[0])


def test_summaries_of_slices_merge_into_the_summary_of_one_run(workload):
    from payment_simulator._core import merge_run_summaries

    whole = Orchestrator.new(workload(num_agents=4))
    one = whole.run(40, max_transactions=10**9)
    sliced = Orchestrator.new(workload(num_agents=4))
    merged = None
    for ticks in (3, 17, 20):
        part = sliced.run(ticks, max_transactions=10**9)
        merged = part if merged is None else merge_run_summaries(merged, part)
    assert merged == one
    with pytest.raises(InvalidArgumentError):
        merge_run_summaries({"ticks_run": 1}, one)
