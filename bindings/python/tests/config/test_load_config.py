"""load_config / parse_config: YAML and JSON files, read by the core, with errors that name the
file and every field (the core's messages and paths)."""

import json
from pathlib import Path

import pytest
from payment_simulator.config import SimulationConfig, load_config, parse_config
from payment_simulator.errors import InvalidConfigError, InvalidJsonError

REPO = Path(__file__).resolve().parents[4]
SHIPPED = sorted(p for p in (REPO / "examples" / "scenarios").glob("*") if p.suffix in (".yaml", ".yml", ".json"))

MINIMAL = """
simulation:
  ticks_per_day: 100
  seed: 12345
agents:
  - id: BANK_A
    balance: 1000000
    credit_limit: 100
    policy: {type: Fifo}
  - id: BANK_B
    balance: 0
    policy: {type: Fifo}
"""


def agent_line(value: str) -> str:
    """MINIMAL with BANK_A's balance written as the literal YAML ``value``."""
    return MINIMAL.replace("balance: 1000000", f"balance: {value}")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_load(path):
    config = load_config(path)
    assert config.to_rust_dict()["agent_configs"]


def test_yaml_and_json_files(tmp_path):
    (tmp_path / "s.yaml").write_text(MINIMAL)
    from_yaml = load_config(tmp_path / "s.yaml")
    (tmp_path / "s.json").write_text(json.dumps(from_yaml.model_dump(exclude_none=True)))
    assert load_config(str(tmp_path / "s.json")) == from_yaml
    (tmp_path / "s.yml").write_text(MINIMAL)
    assert load_config(tmp_path / "s.yml") == from_yaml


def test_machine_format_files_load_too(tmp_path):
    machine = parse_config(MINIMAL).to_rust_dict()
    (tmp_path / "m.json").write_text(json.dumps(machine))
    assert load_config(tmp_path / "m.json").to_rust_dict() == machine


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.yaml"):
        load_config(tmp_path / "nope.yaml")


def test_invalid_file_names_the_file_and_every_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        MINIMAL.replace("ticks_per_day: 100", "ticks_per_day: 0").replace(
            "policy: {type: Fifo}", "policy: {type: LiquidityAware, target_buffer: -1, urgency_threshold: 1}", 1
        )
    )
    with pytest.raises(InvalidConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert str(path) in message
    assert "simulation.ticks_per_day must be positive (got 0)" in message
    assert 'agents[0].policy.target_buffer of "BANK_A" must be ≥ 0 (got -1)' in message
    assert [p["path"] for p in raised.value.problems] == ["simulation.ticks_per_day", "agents[0].policy.target_buffer"]
    assert isinstance(raised.value, ValueError)


def test_a_document_of_the_wrong_shape_names_the_field(tmp_path):
    # The core reads a document's shape first: an unknown field is reported before the rules.
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("ticks_per_day: 100", "ticks_per_day: 0\n  colour: red"))
    with pytest.raises(InvalidConfigError) as raised:
        load_config(path)
    assert str(path) in str(raised.value)
    assert "simulation.colour: unknown field `colour`" in str(raised.value)
    assert [p["path"] for p in raised.value.problems] == ["simulation.colour"]


def test_missing_fields_are_named(tmp_path):
    with pytest.raises(InvalidConfigError, match=r"agents\[1\]: missing field `balance`"):
        parse_config(MINIMAL.replace("    balance: 0\n", ""))


@pytest.mark.parametrize("text", ["simulation: [1", "a: b: c", "a: 'unterminated"])
def test_malformed_yaml(text):
    with pytest.raises(InvalidJsonError, match="malformed YAML"):
        parse_config(text, source="x.yaml")


@pytest.mark.parametrize("text", ['{"simulation": ', "[1] x", '{"simulation": {}} {}'])
def test_malformed_json(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InvalidJsonError, match="bad.json: malformed"):
        load_config(path)


def test_json_that_is_yaml_is_read_as_a_document(tmp_path):
    # NaN is no JSON value, but the text is YAML (a superset of JSON), where NaN is a string.
    path = tmp_path / "bad.json"
    path.write_text('{"a": NaN}')
    with pytest.raises(InvalidConfigError, match="bad.json: invalid configuration"):
        load_config(path)


def test_duplicate_keys_are_errors_with_a_path(tmp_path):
    with pytest.raises(InvalidConfigError, match="duplicate field `seed`") as raised:
        parse_config(MINIMAL.replace("seed: 12345", "seed: 12345\n  seed: 1"))
    assert [p["path"] for p in raised.value.problems] == ["simulation"]
    path = tmp_path / "dup.json"
    path.write_text('{"simulation": {"ticks_per_day": 1, "ticks_per_day": 2, "seed": 1}, "agents": []}')
    with pytest.raises(InvalidConfigError, match="duplicate field `ticks_per_day`") as raised:
        load_config(path)
    assert [p["path"] for p in raised.value.problems] == ["simulation"]


def test_documents_that_are_not_mappings():
    with pytest.raises(InvalidConfigError, match="must be a mapping"):
        parse_config("- 1\n- 2\n")


# YAML 1.2 core schema, as the core reads plain scalars (not PyYAML's YAML 1.1).
@pytest.mark.parametrize(
    "literal, value",
    [("1000", 1000), ("+7", 7), ("0x10", 16), ("0o17", 15), ("0b101", 5), ("-0x10", -16)],
)
def test_yaml_integers(literal, value):
    assert parse_config(agent_line(literal)).agents[0].balance == value


@pytest.mark.parametrize("literal", ["017", "1_000", "1e3", "10.0", "yes", "1:30"])
def test_yaml_scalars_that_are_not_integers(literal):
    with pytest.raises(InvalidConfigError, match=r"agents\[0\]\.balance"):
        parse_config(agent_line(literal))


@pytest.mark.parametrize("literal, value", [("1e5", 1e5), ("1.5E+2", 150.0), (".5", 0.5), ("3.", 3.0), ("2", 2.0)])
def test_yaml_floats(literal, value):
    text = MINIMAL.replace(
        "    policy: {type: Fifo}\n",
        "    policy: {type: Fifo}\n    arrival_config: {rate_per_tick: %s, "
        "distribution: {type: Normal, mean: 1e5, std_dev: 1e3}, counterparty_weights: {BANK_B: 1}}\n" % literal,
        1,
    )
    assert parse_config(text).agents[0].arrival_config.rate_per_tick == value


@pytest.mark.parametrize("literal, shown", [(".inf", "inf"), ("-.Inf", "-inf"), (".NaN", "NaN")])
def test_yaml_special_floats_reach_validation(literal, shown):
    text = MINIMAL.replace(
        "    policy: {type: Fifo}\n",
        "    policy: {type: Fifo}\n    arrival_config: {rate_per_tick: %s, "
        "distribution: {type: Normal, mean: 1, std_dev: 1}, counterparty_weights: {BANK_B: 1}}\n" % literal,
        1,
    )
    with pytest.raises(InvalidConfigError, match=f"must be positive and finite \\(got {shown}\\)"):
        parse_config(text)


@pytest.mark.parametrize(
    "literal, value",
    [("017", "017"), ("yes", "yes"), ("2024-01-01", "2024-01-01"), ("1_0", "1_0"), ("'123'", "123"), ("inf", "inf")],
)
def test_yaml_scalars_that_stay_strings(literal, value):
    assert parse_config(MINIMAL.replace("id: BANK_A", f"id: {literal}")).agents[0].id == value


@pytest.mark.parametrize("literal", ["123", "true", "1.5"])
def test_yaml_scalars_where_an_id_is_expected_are_the_cores_call(literal):
    # Python adds no rule: the core either reads the plain scalar as the id's text or names
    # the field (test_parity checks the CLI reads the same file the same way).
    try:
        config = parse_config(MINIMAL.replace("id: BANK_A", f"id: {literal}"))
    except InvalidConfigError as e:
        assert [p["path"] for p in e.problems] == ["agents[0].id"]
    else:
        assert config.agents[0].id == literal


@pytest.mark.parametrize(
    "literal, ok",
    [("true", True), ("false", True), ("True", True), ("FALSE", True), ("on", False), ("yes", False), ("1", False)],
)
def test_yaml_booleans(literal, ok):
    text = MINIMAL + f"lsm: {{bilateral: {literal}}}\n"
    if ok:
        assert parse_config(text).lsm.bilateral is (literal.lower() == "true")
    else:
        with pytest.raises(InvalidConfigError, match="lsm.bilateral"):
            parse_config(text)


@pytest.mark.parametrize("literal", ["~", "null", ""])
def test_yaml_nulls_mean_absent(literal):
    assert parse_config(MINIMAL + f"costs: {literal}\n").costs.delay_cost_per_tick == 10


def test_huge_yaml_float_is_infinite_and_refused():
    # 1e999 is a float beyond f64 (the core schema's float pattern): infinite, so refused as
    # .inf is (serde_norway used to read it as a string and refuse its type).
    text = MINIMAL.replace(
        "    policy: {type: Fifo}\n",
        "    policy: {type: Fifo}\n    arrival_config: {rate_per_tick: 1e999, "
        "distribution: {type: Normal, mean: 1, std_dev: 1}, counterparty_weights: {BANK_B: 1}}\n",
        1,
    )
    with pytest.raises(InvalidConfigError, match=r"rate_per_tick of \"BANK_A\" must be positive and finite \(got inf"):
        parse_config(text)


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        parse_config("{}", fmt="toml")


def test_the_result_is_a_simulation_config():
    assert isinstance(parse_config(MINIMAL), SimulationConfig)
