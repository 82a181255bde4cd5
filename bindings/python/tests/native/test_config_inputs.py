"""Orchestrator.new (and SimulationManager.create) take a configuration in every form a user has
one: the object load_config returns, a dict of either shape, or a path. The config object
hands the core's machine JSON back unchanged and builds its typed views only when asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from payment_simulator import _core
from payment_simulator._core import Orchestrator
from payment_simulator.config import SimulationConfig, load_config
from payment_simulator.lifecycle import SimulationManager

REPO = Path(__file__).resolve().parents[4]
SCENARIO_FILE = REPO / "examples" / "scenarios" / "scarce_liquidity.yaml"
TICKS = 40


def run(config) -> tuple[dict, list[dict]]:
    with Orchestrator.new(config) as sim:
        sim.run(TICKS)
        return sim.stats(), sim.events()


@pytest.fixture(scope="module")
def reference():
    return run(load_config(SCENARIO_FILE))


@pytest.mark.parametrize(
    "given",
    [
        lambda: SCENARIO_FILE,
        lambda: str(SCENARIO_FILE),
        lambda: load_config(SCENARIO_FILE),
        lambda: load_config(SCENARIO_FILE).model_dump(),
        lambda: load_config(SCENARIO_FILE).model_dump(exclude_none=True),
        lambda: load_config(SCENARIO_FILE).to_rust_dict(),
        lambda: SimulationConfig.model_validate(load_config(SCENARIO_FILE).to_rust_dict()),
    ],
    ids=["Path", "str path", "config", "scenario dict", "scenario dict without nulls", "machine dict", "from machine"],
)
def test_every_form_runs_the_same_simulation(given, reference):
    assert run(given()) == reference


def test_the_manager_takes_the_same_forms(reference):
    manager = SimulationManager()
    try:
        config = load_config(SCENARIO_FILE)
        for given in (SCENARIO_FILE, config, config.model_dump(), config.to_rust_dict()):
            sim = manager.create(given)
            manager.run(sim, TICKS)
            assert manager.get_stats(sim) == reference[0]
    finally:
        manager.close()


def test_a_machine_format_file_works_too(tmp_path, reference):
    path = tmp_path / "machine.json"
    path.write_bytes(load_config(SCENARIO_FILE).machine_json)
    assert run(path) == reference
    assert load_config(path) == load_config(SCENARIO_FILE)


def test_the_config_object_is_not_serialised_again(monkeypatch, reference):
    config = load_config(SCENARIO_FILE)

    def refuse(*args, **kwargs):
        raise AssertionError("the configuration was serialised again")

    monkeypatch.setattr(_core, "dumps", refuse)
    monkeypatch.setattr(json, "dumps", refuse)
    assert run(config) == reference


def test_views_are_built_only_when_asked_for():
    config = load_config(SCENARIO_FILE)
    with Orchestrator.new(config) as sim:
        sim.tick()
    assert config._views is None  # loading and running parsed nothing in Python
    assert config.simulation.seed == 777
    assert config._views is not None
    assert config.agents[0].id == "BANK_A"


def test_unusual_characters_reach_the_core_as_written():
    ids = ["A\x7f", "B\x85", "C\u2028", "D\u2029", "E\ufffe", "F\x9f", "G é 🔑", 'H"\\\n\t']
    config = {
        "simulation": {"ticks_per_day": 5, "seed": 1},
        "agents": [{"id": agent_id, "balance": 10, "policy": {"type": "Fifo"}} for agent_id in ids],
    }
    with Orchestrator.new(config) as sim:
        assert sim.get_agent_ids() == ids
    assert [a.id for a in SimulationConfig.model_validate(config).agents] == ids
