"""Handle lifetime and threads: nothing leaks, nothing is used after free, calls on one
handle are serialised, distinct handles run independently."""

import gc
import threading

import pytest

from payment_simulator import _boundary, _core
from payment_simulator._core import Orchestrator, live_handles
from payment_simulator.errors import InvalidConfigError, SimulationClosedError
from payment_simulator.lifecycle import SimulationManager


@pytest.fixture
def baseline():
    gc.collect()
    start = live_handles()
    yield start
    gc.collect()
    assert live_handles() == start, "a simulation handle leaked"


def test_closed_handles_are_released(baseline, config):
    for _ in range(200):
        orch = Orchestrator.new(config)
        orch.tick()
        orch.close()
    assert live_handles() == baseline


def test_context_managers_release(baseline, config):
    for _ in range(50):
        with Orchestrator.new(config) as orch:
            with Orchestrator.restore(orch.snapshot()):
                assert live_handles() == baseline + 2
    assert live_handles() == baseline


def test_forgotten_handles_are_freed_by_the_garbage_collector(baseline, config):
    orchestrators = [Orchestrator.new(config) for _ in range(20)]
    assert live_handles() == baseline + 20
    del orchestrators
    gc.collect()
    assert live_handles() == baseline


def test_failed_creation_holds_nothing(baseline):
    for _ in range(20):
        with pytest.raises(InvalidConfigError):
            Orchestrator.new({"ticks_per_day": 0, "num_days": 1, "rng_seed": 1, "agent_configs": []})
    assert live_handles() == baseline


def test_the_manager_frees_what_it_deletes(baseline, config):
    manager = SimulationManager()
    ids = [manager.create(config) for _ in range(10)]
    assert live_handles() == baseline + 10
    for sim_id in ids[:5]:
        manager.delete(sim_id)
    assert live_handles() == baseline + 5
    manager.close()
    assert live_handles() == baseline and len(manager) == 0


def test_strings_from_the_library_are_freed(config, monkeypatch):
    freed = []
    real_free = _core.lib.psim_string_free

    class Spy:  # lib is a C module; wrap it to observe psim_string_free
        def __getattr__(self, name):
            return getattr(real_lib, name)

        @staticmethod
        def psim_string_free(pointer):
            freed.append(pointer)
            real_free(pointer)

    real_lib = _boundary.lib
    monkeypatch.setattr(_boundary, "lib", Spy())  # strings are taken (and freed) there
    orch = Orchestrator.new(config)
    orch.tick(), orch.state(), orch.snapshot(), orch.get_agent_ids()
    orch.submit_transaction({"sender": "BANK_A", "receiver": "BANK_B", "amount": 1})
    assert len(freed) == 5
    orch.close()


def test_concurrent_ticks_on_one_handle_are_serialised(two_banks):
    orch = Orchestrator.new(two_banks(num_days=10))
    ticks: list[int] = []
    lock = threading.Lock()

    def work():
        for _ in range(50):
            tick = orch.tick()["tick"]
            with lock:
                ticks.append(tick)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ticks) == list(range(400)) and orch.current_tick() == 400


def test_distinct_handles_run_independently_in_threads(workload):
    reference = Orchestrator.new(workload(num_agents=5))
    expected = [reference.tick() for _ in range(100)]
    results: dict[int, list] = {}

    def work(n):
        with Orchestrator.new(workload(num_agents=5)) as orch:
            results[n] = [orch.tick() for _ in range(100)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == expected for n in range(6))


def test_close_while_other_threads_tick(baseline, two_banks):
    orch = Orchestrator.new(two_banks(num_days=100))
    errors: list[BaseException] = []
    started = threading.Barrier(5)

    def work():
        started.wait()
        try:
            while True:
                orch.tick()
        except SimulationClosedError:
            pass  # the expected end
        except BaseException as e:  # noqa: BLE001 - anything else is a failure
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    orch.close()
    for t in threads:
        t.join()
    assert errors == [] and orch.closed
