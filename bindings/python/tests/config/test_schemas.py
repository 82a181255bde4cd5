"""Configuration in Python is the core's: every rule, default and message comes from it (with
its path), and ``payment_simulator.config.schemas`` only gives the core's normalised result
typed, read-only attributes that match the core's JSON Schema.

Where this file once tested a pydantic mirror of the core's rules, it now tests that there is
no mirror: the same documents pass or fail as in the CLI, with the CLI's messages, and the
views state no bound, default or message of their own.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import typing

import pytest
from payment_simulator._core import config_schema
from payment_simulator.config import SimulationConfig, schemas
from payment_simulator.errors import InvalidConfigError
from pydantic import BaseModel, ValidationError


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


def user_path(dotted: str) -> str:
    """``agents.0.policy.target_buffer`` -> ``agents[0].policy.target_buffer``."""
    out = ""
    for part in dotted.split("."):
        out += f"[{part}]" if part.isdigit() else f".{part}" if out else part
    return out


def assert_locates(problem: dict, dotted: str) -> None:
    """The problem's path is the field's, or the deepest enclosing part the core can name (a
    field inside a tagged variant, such as a policy's ``split``, is reported at the variant)."""
    where = user_path(dotted)
    assert problem["path"] and where.startswith(problem["path"]), (where, problem)
    assert problem["path"].startswith(where.split(".")[0].split("[")[0])


def problems_of(doc) -> list[dict]:
    with pytest.raises(InvalidConfigError) as raised:
        SimulationConfig.model_validate(doc)
    return raised.value.problems


def cli_problems(cli, tmp_path, doc) -> list[str]:
    """The messages ``payment-sim validate`` prints for the same document."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc, allow_nan=True))
    done = subprocess.run([cli, "--format", "json", "validate", str(path)], capture_output=True, text=True)
    (verdict,) = json.loads(done.stdout)
    return [p["message"] if isinstance(p, dict) else p for p in verdict["problems"]]


# --- the result is the core's ---------------------------------------------------------------


def test_the_machine_format_is_what_the_core_wrote():
    config = SimulationConfig.model_validate(scenario())
    assert config.to_rust_dict() == json.loads(config.machine_json)
    assert config.to_json() == config.machine_json.decode()
    assert list(config.to_rust_dict()) == [
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
    assert list(config.to_rust_dict()["agent_configs"][0]["arrival_config"]["counterparty_weights"]) == [
        "BANK_B",
        "BANK_C",
    ]


def test_both_shapes_and_every_constructor_give_the_same_config():
    config = SimulationConfig.model_validate(scenario())
    assert SimulationConfig(**scenario()) == config
    assert SimulationConfig.model_validate(config.to_rust_dict()) == config
    assert SimulationConfig.from_rust_dict(config.to_rust_dict()) == config
    assert SimulationConfig.from_text(json.dumps(scenario())) == config
    assert SimulationConfig.model_validate(config) is config
    assert hash(SimulationConfig.model_validate(scenario())) == hash(config)


@pytest.mark.parametrize("exclude_none", [False, True])
def test_model_dump_is_a_scenario_the_core_reads_back_to_the_same_config(exclude_none):
    config = SimulationConfig.model_validate(scenario())
    dumped = config.model_dump(exclude_none=exclude_none)
    assert set(dumped) == {"simulation", "agents", "costs", "lsm"}
    assert SimulationConfig.model_validate(dumped) == config


def test_views_read_the_cores_normalised_values():
    """Defaults are the core's: the views show what it filled in, nothing of their own."""
    config = SimulationConfig.model_validate(scenario())
    machine = config.to_rust_dict()
    assert config.simulation.seed == machine["rng_seed"]
    assert config.simulation.num_days == machine["num_days"]
    assert config.simulation.queue_discipline == machine["queue_discipline"]
    for agent, raw in zip(config.agents, machine["agent_configs"]):
        assert (agent.id, agent.balance, agent.credit_limit) == (raw["id"], raw["opening_balance"], raw["credit_limit"])
        assert agent.policy.type == raw["policy"]["type"]
        if agent.arrival_config is None:
            assert raw.get("arrival_config") is None
        else:
            arrivals = raw["arrival_config"]
            assert agent.arrival_config.deadline_offset == arrivals["deadline_offset"]
            assert agent.arrival_config.priority == arrivals["priority"]
            assert agent.arrival_config.counterparty_weights == arrivals["counterparty_weights"]
            assert agent.arrival_config.distribution.type == arrivals["distribution"]["type"]
    assert config.costs.model_dump() == machine["cost_rates"]
    assert config.lsm.model_dump() == machine["lsm"]
    assert config.agents[1].policy.split.max_parts == 4


def test_views_are_read_only():
    config = SimulationConfig.model_validate(scenario())
    with pytest.raises(ValidationError):
        config.simulation.ticks_per_day = 5
    with pytest.raises(ValidationError):
        config.agents[0].balance = 0
    config.agents.clear()  # a copy: the config keeps its agents
    assert len(config.agents) == 3


# --- the views restate nothing --------------------------------------------------------------

VIEWS = [
    cls
    for cls in vars(schemas).values()
    if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == schemas.__name__ and cls.model_fields
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_views_state_no_bound_default_or_validator(view):
    for name, field in view.model_fields.items():
        assert field.is_required(), f"{view.__name__}.{name} has a default"
        assert not field.metadata, f"{view.__name__}.{name} has constraints {field.metadata}"
    decorators = view.__pydantic_decorators__
    assert not (decorators.field_validators or decorators.model_validators or decorators.validators)


def _definitions(schema: dict) -> dict:
    return {**schema.get("definitions", {}), **schema.get("$defs", {})}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = _definitions(schema)[node["$ref"].rsplit("/", 1)[1]]
    return node


def _objects(schema: dict, node: dict) -> list[dict]:
    """Every object schema ``node`` may be (through refs, allOf/anyOf/oneOf)."""
    node = _resolve(schema, node)
    found = [node] if "properties" in node else []
    for key in ("allOf", "anyOf", "oneOf"):
        for option in node.get(key, []):
            found += _objects(schema, option)
    return found


def _properties_named(schema: dict, names: set[str]) -> list[dict]:
    """The object schemas among all definitions (and the root) whose properties are ``names``."""
    candidates = [schema, *_definitions(schema).values()]
    objects = [obj for node in candidates for obj in _objects(schema, node)]
    return [obj for obj in objects if set(obj["properties"]) == names]


# Views in the scenario's names whose counterpart in the core's schema has other field names.
_SCENARIO_ONLY = {"SimulationParams", "AgentConfig"}


@pytest.mark.parametrize("view", [v for v in VIEWS if v.__name__ not in _SCENARIO_ONLY], ids=lambda v: v.__name__)
def test_each_view_has_the_fields_of_a_type_of_the_cores_schema(view):
    """The core's JSON Schema has an object with exactly this view's fields (so the views
    cannot drift from the core's types), and its literal tags and enumerations match."""
    schema = config_schema()
    matches = _properties_named(schema, set(view.model_fields))
    assert matches, f"no type of the core's schema has the fields {sorted(view.model_fields)}"
    if "type" in view.model_fields:  # a tagged variant: its tag is in the schema too
        (tag,) = typing.get_args(view.model_fields["type"].annotation)
        assert tag in json.dumps(matches)


def test_the_scenario_views_match_the_scenario_types_of_the_schema():
    schema = config_schema()
    text = json.dumps(schema)
    for name in ("simulation", "agents", "costs", "lsm", "ticks_per_day", "agent_configs", "opening_balance"):
        assert f'"{name}"' in text  # both shapes are documented
    simulation_fields = set(schemas.SimulationParams.model_fields)
    agent_fields = set(schemas.AgentConfig.model_fields)
    assert _properties_named(schema, simulation_fields), simulation_fields
    assert _properties_named(schema, agent_fields), agent_fields


@pytest.mark.parametrize(
    "alias, field",
    [
        (schemas.QueueDiscipline, "queue_discipline"),
        (schemas.DeadlineMode, "deadline_mode"),
        (schemas.EventRecording, "event_recording"),
    ],
)
def test_enumerations_are_the_cores(alias, field):
    text = json.dumps(config_schema())
    for value in typing.get_args(alias):
        assert f'"{value}"' in text, (field, value)


# --- every rule is the core's, with its path ------------------------------------------------

# (dotted path, value) that break one rule each; the core reports the problem at that path.
RULES = [
    ("simulation.ticks_per_day", 0),
    ("simulation.num_days", 0),
    ("agents.0.credit_limit", -5),
    ("agents.0.balance", -500_001),
    ("agents.0.policy.target_buffer", -1),
    ("agents.0.policy.urgency_threshold", -2),
    ("agents.1.policy.split.threshold", 0),
    ("agents.1.policy.split.max_parts", 1),
    ("agents.1.policy.split.max_parts", 1001),
    ("agents.0.arrival_config.rate_per_tick", 0),
    ("agents.0.arrival_config.rate_per_tick", 1_000_001),
    ("agents.0.arrival_config.distribution.mean", -1),
    ("agents.0.arrival_config.distribution.std_dev", 0),
    ("agents.2.arrival_config.distribution.min", -1),
    ("agents.0.arrival_config.deadline_offset", 0),
    ("agents.0.arrival_config.priority", 11),
    ("agents.0.arrival_config.priority", -1),
    ("agents.1.id", "BANK_A"),
    ("agents.0.id", ""),
    ("costs.eod_penalty", -3),
    ("costs.liquidity_cost_per_unit_per_tick", 1_000_001),
]


@pytest.mark.parametrize("path, value", RULES, ids=[f"{p}={v!r}" for p, v in RULES])
def test_each_rule_is_the_cores_with_its_path_and_the_clis_words(cli, tmp_path, path, value):
    doc = scenario(**{path: value}) if not path.startswith("costs.") else {**scenario(), "costs": {path[6:]: value}}
    problems = problems_of(doc)
    where = user_path(path)
    assert any(p["path"] == where or p["path"].startswith(where) for p in problems), (where, problems)
    assert [p["message"] for p in problems] == cli_problems(cli, tmp_path, doc)


@pytest.mark.parametrize(
    "path, value, where",
    [
        ("agents.0.arrival_config.counterparty_weights", {}, "agents[0].arrival_config.counterparty_weights"),
        ("agents.0.arrival_config.counterparty_weights.BANK_Z", 1, "agents[0].arrival_config.counterparty_weights"),
        ("agents.0.arrival_config.counterparty_weights.BANK_A", 1, "agents[0].arrival_config.counterparty_weights"),
        ("agents.0.arrival_config.counterparty_weights.BANK_B", -1, "agents[0].arrival_config.counterparty_weights"),
        ("agents", [], "agents"),
    ],
    ids=["no receivers", "unknown receiver", "pays itself", "negative weight", "no agents"],
)
def test_cross_field_rules_have_paths(path, value, where):
    problems = problems_of(scenario(**{path: value}))
    assert any(p["path"].startswith(where) for p in problems), problems


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
def test_unknown_fields_are_the_cores_problem_with_a_path(path):
    problems = problems_of(scenario(**{path: 1}))
    assert len(problems) == 1 and "unknown field `colour`" in problems[0]["message"]
    assert_locates(problems[0], path)


@pytest.mark.parametrize(
    "path, value",
    [
        ("simulation.ticks_per_day", 100.0),
        ("simulation.ticks_per_day", "100"),
        ("simulation.ticks_per_day", True),
        ("agents.0.balance", 2**63),
        ("simulation.seed", -1),
        ("agents.0.id", 7),
        ("agents.0.arrival_config.rate_per_tick", "0.5"),
        ("agents.0.policy.type", "Random"),
        ("simulation.queue_discipline", "lifo"),
        ("agents.1.policy.split.max_parts", 2.5),
    ],
)
def test_wrong_types_and_variants_are_the_cores_problem(path, value):
    (problem,) = problems_of(scenario(**{path: value}))
    assert_locates(problem, path)


@pytest.mark.parametrize(
    "path",
    [
        "simulation.num_days",
        "agents.0.credit_limit",
        "agents.0.policy.split",
        "agents.0.arrival_config.priority",
        "costs",
        "lsm",
        "simulation.event_recording",
    ],
)
def test_null_means_the_cores_default(path):
    doc = scenario(**{path: None}) if path not in ("costs", "lsm") else {**scenario(), path: None}
    reference = copy.deepcopy(doc)
    *parents, last = path.split(".")
    target = reference
    for part in parents:
        target = target[int(part) if part.isdigit() else part]
    del target[last]
    assert SimulationConfig.model_validate(doc) == SimulationConfig.model_validate(reference)


def test_extremes_that_are_allowed():
    config = SimulationConfig.model_validate(
        scenario(
            **{
                "simulation.seed": 2**64 - 1,
                "agents.1.balance": -(2**63) + 1,
                "agents.1.credit_limit": 2**63 - 1,
                "agents.0.balance": 0,
                "agents.0.credit_limit": 0,
                "agents.2.balance": 0,
                "agents.0.arrival_config.counterparty_weights": {"BANK_B": 0, "BANK_C": 1e-300},
            }
        )
    )
    assert config.simulation.seed == 2**64 - 1
    assert isinstance(config.agents[2].arrival_config.rate_per_tick, float)
    assert config.agents[0].arrival_config.counterparty_weights["BANK_C"] == 1e-300


def test_non_finite_numbers_never_reach_the_core_as_json():
    problems = problems_of(scenario(**{"agents.0.arrival_config.rate_per_tick": math.nan}))
    assert problems[0]["path"] == "agents[0].arrival_config.rate_per_tick"


def test_the_schema_is_the_cores():
    assert SimulationConfig.json_schema() == config_schema()
