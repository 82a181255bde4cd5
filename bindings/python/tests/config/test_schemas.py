"""The pydantic schemas mirror the core's rules (core/src/config.rs, core/src/scenario.rs).
No native library needed."""

import copy
import math

import pytest
from pydantic import ValidationError

from payment_simulator.config import SimulationConfig, machine_to_scenario, to_machine_dict


def scenario(**overrides):
    """A valid scenario touching every section; ``overrides`` maps dotted paths to values."""
    doc = {
        "simulation": {"ticks_per_day": 100, "num_days": 2, "seed": 12345},
        "agents": [
            {
                "id": "BANK_A",
                "balance": 1_000_000,
                "credit_limit": 500_000,
                "policy": {"type": "LiquidityAware", "target_buffer": 200_000, "urgency_threshold": 5},
                "arrival_config": {
                    "rate_per_tick": 0.5,
                    "distribution": {"type": "Normal", "mean": 100_000, "std_dev": 20_000},
                    "counterparty_weights": {"BANK_C": 1.0, "BANK_B": 3},
                },
            },
            {
                "id": "BANK_B",
                "balance": 2_000_000,
                "policy": {"type": "Fifo", "split": {"threshold": 50_000, "max_parts": 4}},
            },
            {
                "id": "BANK_C",
                "balance": 0,
                "policy": {"type": "Deadline"},
                "arrival_config": {
                    "rate_per_tick": 1,
                    "distribution": {"type": "Uniform", "min": 0, "max": 10},
                    "counterparty_weights": {"BANK_A": 1},
                    "deadline_offset": 7,
                    "priority": 9,
                },
            },
        ],
    }
    for path, value in overrides.items():
        set_path(doc, path, value)
    return doc


def set_path(doc, path, value):
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    for part in parents:
        doc = doc[part]
    doc[last] = value


def problems(doc) -> str:
    with pytest.raises(ValidationError) as raised:
        SimulationConfig.model_validate(doc)
    return str(raised.value)


# --- the machine format -----------------------------------------------------------------------


def test_to_rust_dict_is_scenario_to_config_serialised():
    assert SimulationConfig.model_validate(scenario()).to_rust_dict() == {
        "ticks_per_day": 100,
        "num_days": 2,
        "rng_seed": 12345,
        "agent_configs": [
            {
                "id": "BANK_A",
                "opening_balance": 1_000_000,
                "credit_limit": 500_000,
                "policy": {"type": "LiquidityAware", "target_buffer": 200_000, "urgency_threshold": 5},
                "arrival_config": {
                    "rate_per_tick": 0.5,
                    "distribution": {"type": "Normal", "mean": 100_000.0, "std_dev": 20_000.0},
                    "counterparty_weights": {"BANK_B": 3.0, "BANK_C": 1.0},
                    "deadline_offset": 50,
                    "priority": 5,
                },
            },
            {
                "id": "BANK_B",
                "opening_balance": 2_000_000,
                "credit_limit": 0,
                "policy": {"type": "Fifo", "split": {"threshold": 50_000, "max_parts": 4}},
            },
            {
                "id": "BANK_C",
                "opening_balance": 0,
                "credit_limit": 0,
                "policy": {"type": "Deadline"},
                "arrival_config": {
                    "rate_per_tick": 1.0,
                    "distribution": {"type": "Uniform", "min": 0, "max": 10},
                    "counterparty_weights": {"BANK_A": 1.0},
                    "deadline_offset": 7,
                    "priority": 9,
                },
            },
        ],
        "cost_rates": {
            "liquidity_cost_per_unit_per_tick": 0,
            "delay_cost_per_tick": 10,
            "split_friction_cost": 50,
            "deadline_penalty": 100_000,
            "eod_penalty": 500_000,
        },
        "lsm": {"bilateral": True, "multilateral": True},
        "queue_discipline": "bypass_fifo",
        "deadline_mode": "drop",
        "event_recording": "full",
    }


def test_to_rust_dict_keeps_serdes_field_order():
    machine = SimulationConfig.model_validate(scenario()).to_rust_dict()
    assert list(machine) == [
        "ticks_per_day",
        "num_days",
        "rng_seed",
        "agent_configs",
        "cost_rates",
        "lsm",
        "queue_discipline",
        "deadline_mode",
        "event_recording",
    ]
    assert list(machine["agent_configs"][0]) == ["id", "opening_balance", "credit_limit", "policy", "arrival_config"]
    assert list(machine["agent_configs"][0]["policy"]) == ["type", "target_buffer", "urgency_threshold"]
    assert list(machine["agent_configs"][0]["arrival_config"]["counterparty_weights"]) == ["BANK_B", "BANK_C"]


def test_engine_settings_reach_the_machine_format():
    doc = scenario(
        **{
            "simulation.queue_discipline": "fifo",
            "simulation.deadline_mode": "overdue",
            "simulation.event_recording": "off",
        }
    )
    doc["lsm"] = {"multilateral": False}
    doc["costs"] = {"delay_cost_per_tick": 3}
    machine = SimulationConfig.model_validate(doc).to_rust_dict()
    assert (machine["queue_discipline"], machine["deadline_mode"], machine["event_recording"]) == (
        "fifo",
        "overdue",
        "off",
    )
    assert machine["lsm"] == {"bilateral": True, "multilateral": False}
    assert machine["cost_rates"]["delay_cost_per_tick"] == 3 and machine["cost_rates"]["eod_penalty"] == 500_000


def test_machine_format_round_trips():
    machine = SimulationConfig.model_validate(scenario()).to_rust_dict()
    assert SimulationConfig.from_rust_dict(machine).to_rust_dict() == machine


def test_machine_format_requires_num_days():
    machine = SimulationConfig.model_validate(scenario()).to_rust_dict()
    del machine["num_days"]
    with pytest.raises(ValueError, match="num_days"):
        machine_to_scenario(machine)


def test_to_machine_dict_accepts_each_form():
    config = SimulationConfig.model_validate(scenario())
    machine = config.to_rust_dict()
    assert to_machine_dict(config) == machine
    assert to_machine_dict(scenario()) == machine
    assert to_machine_dict(machine) is machine  # the core validates machine documents
    with pytest.raises(TypeError):
        to_machine_dict("simulation: {}")


# --- defaults, null, unknown fields -----------------------------------------------------------


def test_defaults_are_the_cores():
    config = SimulationConfig(
        simulation={"ticks_per_day": 10, "seed": 1},
        agents=[
            {"id": "A", "balance": 1, "policy": {"type": "Fifo"}},
            {
                "id": "B",
                "balance": 1,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 1,
                    "distribution": {"type": "LogNormal", "mean_log": 1, "std_dev_log": 1},
                    "counterparty_weights": {"A": 1},
                },
            },
        ],
    )
    assert config.simulation.num_days == 1
    assert config.agents[0].credit_limit == 0
    assert config.agents[1].arrival_config.deadline_offset == 50
    assert config.agents[1].arrival_config.priority == 5
    assert config.costs.delay_cost_per_tick == 10 and config.costs.deadline_penalty == 100_000
    assert config.lsm.bilateral and config.lsm.multilateral


@pytest.mark.parametrize(
    "path",
    [
        "simulation.num_days",
        "simulation.queue_discipline",
        "simulation.deadline_mode",
        "simulation.event_recording",
        "agents.0.credit_limit",
        "agents.0.arrival_config",
        "agents.0.policy.split",
        "agents.0.arrival_config.deadline_offset",
        "agents.0.arrival_config.priority",
        "costs",
        "lsm",
    ],
)
def test_null_means_absent(path):
    doc = scenario(**{path: None})
    reference = copy.deepcopy(doc)
    *parents, last = path.split(".")
    target = reference
    for part in parents:
        target = target[int(part) if part.isdigit() else part]
    del target[last]
    assert SimulationConfig.model_validate(doc) == SimulationConfig.model_validate(reference)


@pytest.mark.parametrize(
    "path",
    [
        "simulation.ticks_per_day",
        "simulation.seed",
        "agents.0.id",
        "agents.0.balance",
        "agents.0.policy.target_buffer",
        "agents.0.arrival_config.rate_per_tick",
    ],
)
def test_null_for_a_required_field_is_missing(path):
    assert "Field required" in problems(scenario(**{path: None}))


@pytest.mark.parametrize(
    "path",
    [
        "colour",
        "simulation.colour",
        "agents.0.colour",
        "agents.0.policy.colour",
        "agents.1.policy.split.colour",
        "agents.0.arrival_config.colour",
        "agents.0.arrival_config.distribution.colour",
    ],
)
def test_unknown_fields_are_rejected(path):
    assert "Extra inputs are not permitted" in problems(scenario(**{path: 1}))


def test_unknown_fields_in_costs_and_lsm_are_rejected():
    assert "Extra inputs" in problems({**scenario(), "costs": {"delay": 1}})
    assert "Extra inputs" in problems({**scenario(), "lsm": {"cycles": True}})


@pytest.mark.parametrize(
    "path, tag",
    [
        ("agents.0.policy.type", "Random"),
        ("agents.0.arrival_config.distribution.type", "Poisson"),
        ("simulation.queue_discipline", "lifo"),
        ("simulation.deadline_mode", "ignore"),
        ("simulation.event_recording", "some"),
    ],
)
def test_unknown_variants_are_rejected(path, tag):
    assert tag in problems(scenario(**{path: tag}))


# --- types as serde reads them ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path, value",
    [
        ("simulation.ticks_per_day", 100.0),  # serde: invalid type: floating point
        ("simulation.ticks_per_day", "100"),
        ("simulation.ticks_per_day", True),
        ("agents.0.balance", 2**63),  # beyond i64
        ("agents.0.balance", -(2**63) - 1),
        ("simulation.seed", -1),  # u64
        ("simulation.seed", 2**64),
        ("agents.0.id", 7),
        ("agents.0.arrival_config.rate_per_tick", "0.5"),
        ("agents.0.arrival_config.rate_per_tick", True),
        ("agents.1.policy.split.max_parts", 2.5),
        ("agents.2.arrival_config.distribution.max", 10.0),  # Uniform bounds are integers
    ],
)
def test_wrong_types_are_rejected(path, value):
    problems(scenario(**{path: value}))


def test_lsm_switches_are_strict_booleans():
    assert "valid boolean" in problems({**scenario(), "lsm": {"bilateral": 1}})


def test_integers_are_accepted_for_floats_and_extremes_for_integers():
    config = SimulationConfig.model_validate(
        scenario(
            **{
                "simulation.seed": 2**64 - 1,
                "agents.1.balance": -(2**63) + 1,
                "agents.1.credit_limit": 2**63 - 1,
                "agents.0.balance": 0,
                "agents.0.credit_limit": 0,
                "agents.2.balance": 0,
            }
        )
    )
    assert config.agents[0].arrival_config.rate_per_tick == 0.5
    assert isinstance(config.agents[2].arrival_config.rate_per_tick, float)


# --- every bound of model.md § Validation -----------------------------------------------------


def test_ticks_per_day_message_comes_from_the_validator():
    # The seed's tests match this wording; pydantic's Field(gt=0) would say something else.
    for value in (0, -5):
        message = problems(scenario(**{"simulation.ticks_per_day": value}))
        assert f"ticks_per_day must be positive (got {value})" in message


def test_the_seeds_invalid_config_reports_both_problems():
    message = problems({"simulation": {"ticks_per_day": 0, "num_days": 1, "seed": 12345}, "agents": []})
    assert "ticks_per_day must be positive" in message
    assert "agents must contain at least one agent" in message


@pytest.mark.parametrize(
    "path, value, message",
    [
        ("simulation.num_days", 0, "num_days must be positive (got 0)"),
        ("agents.0.id", "", "id must not be empty"),
        ("agents.0.id", "A\0B", "must not contain NUL"),
        ("agents.0.credit_limit", -5, "credit_limit must be ≥ 0 (got -5)"),
        ("agents.0.balance", -500_001, 'balance of "BANK_A" (-500001) is below its credit limit (-500000)'),
        ("agents.0.policy.target_buffer", -1, "target_buffer must be ≥ 0 (got -1)"),
        ("agents.0.policy.urgency_threshold", -2, "urgency_threshold must be ≥ 0 ticks (got -2)"),
        ("agents.1.policy.split.threshold", 0, "split.threshold must be positive (got 0)"),
        ("agents.1.policy.split.max_parts", 1, "split.max_parts must be between 2 and 1000 (got 1)"),
        ("agents.1.policy.split.max_parts", 1001, "split.max_parts must be between 2 and 1000 (got 1001)"),
        ("agents.0.arrival_config.rate_per_tick", 0, "rate_per_tick must be positive and finite (got 0)"),
        ("agents.0.arrival_config.rate_per_tick", math.nan, "rate_per_tick must be positive and finite (got NaN)"),
        ("agents.0.arrival_config.rate_per_tick", math.inf, "rate_per_tick must be positive and finite (got inf)"),
        ("agents.0.arrival_config.rate_per_tick", 1_000_001, "rate_per_tick must be at most 1000000 (got 1000001)"),
        ("agents.0.arrival_config.distribution.mean", -1, "mean must be positive and finite (got -1)"),
        ("agents.0.arrival_config.distribution.std_dev", 0, "std_dev must be positive and finite (got 0)"),
        (
            "agents.0.arrival_config.distribution",
            {"type": "LogNormal", "mean_log": math.inf, "std_dev_log": 1},
            "mean_log must be finite (got inf)",
        ),
        (
            "agents.0.arrival_config.distribution",
            {"type": "LogNormal", "mean_log": 1, "std_dev_log": 0},
            "std_dev_log must be positive and finite (got 0)",
        ),
        ("agents.2.arrival_config.distribution.min", -1, "min must be ≥ 0 (got -1)"),
        ("agents.2.arrival_config.distribution.min", 10, "min (10) must be less than max (10)"),
        ("agents.0.arrival_config.counterparty_weights", {}, "must name at least one receiver"),
        (
            "agents.0.arrival_config.counterparty_weights.BANK_B",
            -1,
            'counterparty_weights["BANK_B"] must be finite and ≥ 0 (got -1)',
        ),
        ("agents.0.arrival_config.counterparty_weights.BANK_B", math.nan, "must be finite and ≥ 0 (got NaN)"),
        ("agents.0.arrival_config.counterparty_weights", {"BANK_B": 0}, "must sum to a positive finite value (got 0)"),
        ("agents.0.arrival_config.counterparty_weights.BANK_A", 1, 'an agent cannot pay itself ("BANK_A")'),
        ("agents.0.arrival_config.counterparty_weights.BANK_Z", 1, 'agent "BANK_Z" does not exist'),
        ("agents.0.arrival_config.deadline_offset", 0, "deadline_offset must be ≥ 1 tick (got 0)"),
        ("agents.0.arrival_config.priority", 11, "priority must be between 0 and 10 (got 11)"),
        ("agents.0.arrival_config.priority", -1, "priority must be between 0 and 10 (got -1)"),
        ("agents.1.id", "BANK_A", 'agents[1].id: duplicate agent id "BANK_A" (first used by agents[0])'),
    ],
)
def test_each_bound(path, value, message):
    assert message in problems(scenario(**{path: value}))


@pytest.mark.parametrize(
    "field",
    [
        "liquidity_cost_per_unit_per_tick",
        "delay_cost_per_tick",
        "split_friction_cost",
        "deadline_penalty",
        "eod_penalty",
    ],
)
def test_cost_rates_are_non_negative(field):
    assert f"{field} must be ≥ 0 (got -3)" in problems({**scenario(), "costs": {field: -3}})


def test_liquidity_rate_is_at_most_one_million_ppm():
    SimulationConfig.model_validate({**scenario(), "costs": {"liquidity_cost_per_unit_per_tick": 1_000_000}})
    assert "at most 1000000" in problems({**scenario(), "costs": {"liquidity_cost_per_unit_per_tick": 1_000_001}})


def test_boundaries_that_are_allowed():
    SimulationConfig.model_validate(
        scenario(
            **{
                "agents.0.policy.target_buffer": 0,
                "agents.0.policy.urgency_threshold": 0,
                "agents.1.policy.split.threshold": 1,
                "agents.1.policy.split.max_parts": 2,
                "agents.0.arrival_config.rate_per_tick": 1_000_000,
                "agents.0.arrival_config.deadline_offset": 1,
                "agents.0.arrival_config.priority": 0,
                "agents.2.arrival_config.priority": 10,
                "agents.0.arrival_config.counterparty_weights": {"BANK_B": 0, "BANK_C": 1e-300},
                "agents.0.balance": -500_000,
                "agents.0.id": "¤ DEL\x7f",
                "agents.2.arrival_config.counterparty_weights": {"BANK_B": 1},
            }
        )
    )


def test_money_that_cannot_be_represented_is_rejected():
    doc = scenario(**{"agents.0.balance": 2**63 - 1, "agents.0.credit_limit": 0, "agents.1.balance": 1})
    assert "exceeds the largest representable amount" in problems(doc)


def test_a_horizon_beyond_u64_is_rejected():
    message = problems(scenario(**{"simulation.ticks_per_day": 2**63 - 1, "simulation.num_days": 3}))
    assert "ticks_per_day × num_days overflows" in message


@pytest.mark.parametrize(
    "key, where", [("costs", None), ("seed", None), ("balance", 0)], ids=["costs", "seed", "agent balance"]
)
def test_scenario_names_in_a_machine_document_are_unknown(key, where):
    machine = SimulationConfig.model_validate(scenario()).to_rust_dict()
    (machine if where is None else machine["agent_configs"][where])[key] = 1
    with pytest.raises(ValueError, match=f"unknown field `{key}`"):
        SimulationConfig.from_rust_dict(machine)
