"""Python ↔ CLI parity: the same file passes or fails in both, and the same scenario gives the
same statistics through the Python package (C ABI) as through the CLI (Rust)."""

import copy
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from payment_simulator._core import Orchestrator
from payment_simulator.config import load_config
from payment_simulator.errors import InvalidConfigError, InvalidJsonError

REPO = Path(__file__).resolve().parents[4]
SCENARIOS = sorted((REPO / "examples" / "scenarios").glob("*.yaml"))


def cli_accepts(cli, path) -> bool:
    code = subprocess.run([cli, "validate", str(path)], capture_output=True).returncode
    assert code in (0, 2), f"payment-sim validate exited {code}"
    return code == 0


def python_accepts(path) -> bool:
    try:
        load_config(path)
    except (InvalidConfigError, InvalidJsonError):
        return False
    return True


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_same_statistics_as_the_cli(cli, path):
    config = load_config(path)
    ticks = min(150, config.simulation.ticks_per_day * config.simulation.num_days)
    out = subprocess.run(
        [cli, "--format", "json", "run", str(path), "--ticks", str(ticks)], capture_output=True, text=True, check=True
    )
    with Orchestrator.new(config) as orch:
        orch.run(ticks)
        assert orch.stats() == json.loads(out.stdout)["statistics"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_same_event_stream_and_state_as_the_cli(cli, path, tmp_path):
    """Tick by tick through the C ABI vs one Rust run: every event, byte for byte, and the state."""
    config = load_config(path)
    ticks = min(120, config.simulation.ticks_per_day * config.simulation.num_days)
    events_file = tmp_path / "events.jsonl"
    state_file = tmp_path / "state.json"
    subprocess.run(
        [cli, "run", str(path), "--quiet", "--ticks", str(ticks), "--events", str(events_file),
         "--save-state", str(state_file)],
        capture_output=True, check=True,
    )
    # The first line of a CLI events file is its header (format and provenance), not an event.
    rust_lines = events_file.read_text().splitlines()[1:]
    with Orchestrator.new(config) as orch:
        results = [orch.tick() for _ in range(ticks)]
        python_lines = [json.dumps(e, separators=(",", ":"), ensure_ascii=False) for e in orch.events()]
        assert python_lines == rust_lines
        assert sum(r["num_settlements"] for r in results) == orch.stats()["settlements"]
        restored = Orchestrator.restore(state_file.read_text())
        try:
            assert restored.state() == orch.state()
            assert restored.stats() == orch.stats()
        finally:
            restored.close()


BASE = {
    "simulation": {"ticks_per_day": 10, "num_days": 2, "seed": 7},
    "agents": [
        {
            "id": "A",
            "balance": 100,
            "credit_limit": 50,
            "policy": {"type": "LiquidityAware", "target_buffer": 10, "urgency_threshold": 2},
            "arrival_config": {
                "rate_per_tick": 0.5,
                "distribution": {"type": "Uniform", "min": 1, "max": 90},
                "counterparty_weights": {"B": 1.0},
            },
        },
        {"id": "B", "balance": 100, "policy": {"type": "Fifo", "split": {"threshold": 20, "max_parts": 3}}},
    ],
    "costs": {"delay_cost_per_tick": 1},
    "lsm": {"bilateral": True},
}

# (dotted path, value): each breaks one rule of model.md § Validation, or is allowed.
MUTATIONS = [
    ("simulation.ticks_per_day", 0),
    ("simulation.num_days", 0),
    ("simulation.colour", 1),
    ("simulation.seed", -1),
    ("simulation.ticks_per_day", 1.5),
    ("simulation.ticks_per_day", "10"),
    ("simulation.queue_discipline", "lifo"),
    ("agents.0.credit_limit", -1),
    ("agents.0.balance", -51),
    ("agents.0.balance", -50),
    ("agents.0.id", ""),
    ("agents.1.id", "A"),
    ("agents.0.policy.target_buffer", -1),
    ("agents.0.policy.urgency_threshold", -1),
    ("agents.0.policy.type", "Random"),
    ("agents.1.policy.split.threshold", 0),
    ("agents.1.policy.split.max_parts", 1),
    ("agents.1.policy.split.max_parts", 1000),
    ("agents.1.policy.split.max_parts", 1001),
    ("agents.0.arrival_config.rate_per_tick", 0),
    ("agents.0.arrival_config.rate_per_tick", 2_000_000),
    ("agents.0.arrival_config.distribution.min", 90),
    ("agents.0.arrival_config.distribution.min", -1),
    ("agents.0.arrival_config.counterparty_weights.Z", 1),
    ("agents.0.arrival_config.counterparty_weights.A", 1),
    ("agents.0.arrival_config.counterparty_weights.B", -1),
    ("agents.0.arrival_config.counterparty_weights.B", 0),
    ("agents.0.arrival_config.deadline_offset", 0),
    ("agents.0.arrival_config.priority", 11),
    ("agents.0.arrival_config.priority", 10),
    ("costs.eod_penalty", -1),
    ("costs.liquidity_cost_per_unit_per_tick", 10**6 + 1),
    ("lsm.cycles", True),
    ("lsm.bilateral", "yes"),
    ("agents.0.policy.split", None),
    ("agents.1.arrival_config", None),
    ("costs", None),
    ("simulation.deadline_mode", "overdue"),
    ("agents.0.balance", 2**63),
    ("agents", []),
]


def mutate(path, value):
    doc = copy.deepcopy(BASE)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = doc
    for part in parents:
        target = target[part]
    target[last] = value
    return doc


@pytest.mark.parametrize("path, value", MUTATIONS, ids=[f"{p}={v!r}" for p, v in MUTATIONS])
def test_the_same_documents_pass_or_fail(cli, tmp_path, path, value):
    file = tmp_path / "case.json"
    file.write_text(json.dumps(mutate(path, value)))
    assert python_accepts(file) == cli_accepts(cli, file)


@pytest.mark.parametrize("literal", ["1e5", "yes", "017", "1_000", "0x10", ".inf", ".nan", "1e999", "~", "true"])
def test_the_same_yaml_scalars_pass_or_fail(cli, tmp_path, literal):
    text = yaml.safe_dump(BASE, sort_keys=False)
    assert "rate_per_tick: 0.5" in text
    file = tmp_path / "case.yaml"
    file.write_text(text.replace("rate_per_tick: 0.5", f"rate_per_tick: {literal}"))
    assert python_accepts(file) == cli_accepts(cli, file), literal


@pytest.mark.parametrize("literal", ["TRUE", "True", "False", "FALSE", "Null", "NULL", "~", "yes", "on"])
@pytest.mark.parametrize("key", ["bilateral", "id"])
def test_the_same_yaml_bool_and_null_spellings(cli, tmp_path, key, literal):
    """YAML 1.2 spellings of booleans and null read alike in Python and in the core."""
    text = yaml.safe_dump(BASE, sort_keys=False)
    target = {"bilateral": "bilateral: true", "id": "- id: B"}[key]
    assert target in text
    file = tmp_path / "case.yaml"
    file.write_text(text.replace(target, target.split(":")[0] + ": " + literal, 1))
    assert python_accepts(file) == cli_accepts(cli, file), (key, literal)


@pytest.mark.parametrize(
    "path",
    [
        "simulation.num_days",
        "agents.0.credit_limit",
        "agents.0.arrival_config.priority",
        "costs.delay_cost_per_tick",
        "lsm.bilateral",
    ],
)
def test_null_for_defaulted_scalars(cli, tmp_path, path):
    file = tmp_path / "case.json"
    file.write_text(json.dumps(mutate(path, None)))
    assert python_accepts(file) and cli_accepts(cli, file)


def test_mutations_cover_both_outcomes(cli, tmp_path):
    outcomes = set()
    for path, value in MUTATIONS:
        file = tmp_path / "case.json"
        file.write_text(json.dumps(mutate(path, value)))
        outcomes.add(python_accepts(file))
    assert outcomes == {True, False}
