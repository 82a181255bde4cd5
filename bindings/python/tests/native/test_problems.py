"""Structured problems reach Python with the core's paths, however a configuration is given:
the SimulationConfig constructor, model_validate, load_config, parse_config and
Orchestrator.new (a dict of either shape, a path). Every problem is the core's: Python adds the
file name to the message and nothing else."""

from __future__ import annotations

import copy
import json

import pytest
from payment_simulator import _core
from payment_simulator._core import Orchestrator
from payment_simulator.config import SimulationConfig, load_config, parse_config
from payment_simulator.errors import InvalidConfigError, InvalidJsonError

SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 1, "seed": 7},
    "agents": [
        {"id": "BANK_A", "balance": 1_000, "credit_limit": 50, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 1_000, "policy": {"type": "Fifo"}},
    ],
}
MACHINE = SimulationConfig.model_validate(SCENARIO).to_rust_dict()


def broken_scenario() -> dict:
    """Two problems: ticks_per_day 0 and a negative credit limit."""
    doc = copy.deepcopy(SCENARIO)
    doc["simulation"]["ticks_per_day"] = 0
    doc["agents"][0]["credit_limit"] = -5
    return doc


def broken_machine() -> dict:
    doc = copy.deepcopy(MACHINE)
    doc["ticks_per_day"] = 0
    doc["agent_configs"][0]["credit_limit"] = -5
    return doc


SCENARIO_PATHS = ["simulation.ticks_per_day", "agents[0].credit_limit"]
MACHINE_PATHS = ["ticks_per_day", "agent_configs[0].credit_limit"]


def paths(error: InvalidConfigError) -> list[str]:
    for problem in error.problems:
        assert set(problem) <= {"path", "message", "value"}
        assert isinstance(problem["path"], str) and problem["message"]
    return [p["path"] for p in error.problems]


def raised(call) -> InvalidConfigError:
    with pytest.raises(InvalidConfigError) as info:
        call()
    assert isinstance(info.value, ValueError)
    return info.value


@pytest.mark.parametrize(
    "make",
    [
        lambda doc: SimulationConfig(**doc),
        SimulationConfig.model_validate,
        Orchestrator.new,
        Orchestrator,
    ],
    ids=["SimulationConfig(**doc)", "model_validate", "Orchestrator.new", "Orchestrator"],
)
@pytest.mark.parametrize(
    "doc, expected", [(broken_scenario, SCENARIO_PATHS), (broken_machine, MACHINE_PATHS)], ids=["scenario", "machine"]
)
def test_every_problem_has_the_users_path(make, doc, expected):
    error = raised(lambda: make(doc()))
    assert paths(error) == expected
    assert str(error) == _core.last_error()  # the core's own message, unaltered


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize(
    "doc, expected", [(broken_scenario, SCENARIO_PATHS), (broken_machine, MACHINE_PATHS)], ids=["scenario", "machine"]
)
def test_files_name_the_file_and_keep_the_paths(tmp_path, suffix, doc, expected):
    path = tmp_path / f"bad{suffix}"
    path.write_text(json.dumps(doc()))  # JSON is YAML too
    for load in (load_config, Orchestrator.new, lambda p: Orchestrator.new(str(p))):
        error = raised(lambda load=load: load(path))
        assert paths(error) == expected
        message = str(error)
        assert message.startswith(f"{path}: invalid configuration:")
        for problem in error.problems:
            assert problem["message"] in message


def test_parse_config_names_its_source():
    error = raised(lambda: parse_config(json.dumps(broken_scenario()), source="inline.yaml"))
    assert str(error).startswith("inline.yaml: invalid configuration:")
    assert paths(error) == SCENARIO_PATHS


def test_problems_carry_the_offending_value_where_the_core_gives_one():
    error = raised(lambda: SimulationConfig.model_validate(broken_scenario()))
    values = {p["path"]: p.get("value") for p in error.problems}
    assert values.get("simulation.ticks_per_day") in (0, None)
    assert values.get("agents[0].credit_limit") in (-5, None)


@pytest.mark.parametrize(
    "change, path",
    [
        (lambda d: d["simulation"].update(colour="red"), "simulation.colour"),
        (lambda d: d["agents"][1].update(id="BANK_A"), "agents[1].id"),
        (lambda d: d["agents"][0]["policy"].update(type="Magic"), "agents[0].policy"),
        (lambda d: d["simulation"].pop("seed"), "simulation"),
    ],
    ids=["unknown field", "duplicate id", "unknown policy", "missing field"],
)
def test_shape_and_cross_field_problems_have_paths(change, path):
    doc = copy.deepcopy(SCENARIO)
    change(doc)
    error = raised(lambda: Orchestrator.new(doc))
    assert any(p["path"] == path or p["path"].startswith(path + ".") for p in error.problems), error.problems


def test_a_non_finite_number_is_named_with_its_path():
    doc = copy.deepcopy(MACHINE)
    doc["agent_configs"][0]["arrival_config"] = {
        "rate_per_tick": float("nan"),
        "distribution": {"type": "Normal", "mean": 1, "std_dev": 1},
        "counterparty_weights": {"BANK_B": 1},
    }
    error = raised(lambda: Orchestrator.new(doc))
    assert paths(error) == ["agent_configs[0].arrival_config.rate_per_tick"]


def test_text_in_neither_format_says_which_formats_are_accepted(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("simulation: [1")
    with pytest.raises(InvalidJsonError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "YAML" in str(info.value) and "JSON" in str(info.value)


def test_a_successful_call_leaves_no_problems():
    Orchestrator.new(SCENARIO).close()
    assert _core.last_error_report() == {"status": "PSIM_STATUS_OK", "message": "", "problems": []}


def test_the_report_names_the_status_and_the_message_of_the_failure():
    with pytest.raises(InvalidConfigError) as info:
        Orchestrator.new(broken_machine())
    report = _core.last_error_report()
    assert report["status"] == "PSIM_STATUS_INVALID_CONFIG"
    assert report["message"] == _core.last_error() == str(info.value)
    assert report["problems"] == info.value.problems


def test_bytes_that_are_not_utf8_or_hold_a_nul_name_the_file(tmp_path):
    from payment_simulator.errors import InvalidUtf8Error

    path = tmp_path / "latin1.yaml"
    path.write_bytes("simulation: {ticks_per_day: 1, seed: 1}\nagents: [{id: Bänk, balance: 0}]\n".encode("latin-1"))
    for load in (load_config, Orchestrator.new):
        with pytest.raises(InvalidUtf8Error) as info:
            load(path)
        assert str(info.value).startswith(f"{path}: ")
    path.write_bytes(b"simulation: {ticks_per_day: 1, seed: 1}\n\0")
    with pytest.raises(InvalidJsonError, match="NUL") as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
