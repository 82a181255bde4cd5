"""Configuration floats round-trip exactly, so state files are byte-identical across layers.

``rate_per_tick: 0.9215686321258545`` was once stored as ``…545`` by ``payment-sim run
--save-state`` but as ``…544`` by ``create`` + ``tick`` and by Python (the C ABI parsed JSON
floats without correct rounding). The same scenario now gives the same bytes through the CLI in
one run, through the CLI step by step, and through Python from a file, a config object or a
dict of either shape; restoring any of them and snapshotting again changes no byte.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from payment_simulator._core import Orchestrator
from payment_simulator.config import load_config

RATE = 0.9215686321258545  # 1 ulp from its neighbours' shortest forms: a JSON parser that is
TICKS = 37  # not correctly rounded reads it as …544

SCENARIO = f"""\
simulation:
  ticks_per_day: 20
  num_days: 3
  seed: 4242
agents:
  - id: BANK_A
    balance: 300000
    credit_limit: 50000
    policy: {{type: Fifo, split: {{threshold: 80000, max_parts: 3}}}}
    arrival_config:
      rate_per_tick: {RATE}
      distribution: {{type: LogNormal, mean_log: 10.819778284410283, std_dev_log: 0.7071067811865476}}
      counterparty_weights: {{BANK_B: 0.30000000000000004, BANK_C: 2.2250738585072014e-308}}
  - id: BANK_B
    balance: 250000
    policy: {{type: LiquidityAware, target_buffer: 20000, urgency_threshold: 4}}
    arrival_config:
      rate_per_tick: 0.1
      distribution: {{type: Normal, mean: 61803.398874989485, std_dev: 1414.213562373095}}
      counterparty_weights: {{BANK_A: 1, BANK_C: 0.9215686321258545}}
  - id: BANK_C
    balance: 100000
    policy: {{type: Deadline}}
"""


def run_cli(cli: str, *args: str, cwd: Path) -> None:
    done = subprocess.run([cli, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "floats.yaml"
    path.write_text(SCENARIO)
    return path


def python_state(config) -> str:
    with Orchestrator.new(config) as sim:
        for _ in range(TICKS):
            sim.tick()
        return sim.snapshot()


def test_state_files_are_byte_identical_across_layers(cli, scenario_file, tmp_path):
    run_cli(cli, "run", str(scenario_file), "--quiet", "--ticks", str(TICKS), "--save-state", "run.json", cwd=tmp_path)
    run_cli(cli, "create", "--config", str(scenario_file), "--output", "step.json", cwd=tmp_path)
    run_cli(cli, "tick", str(TICKS), "--state", "step.json", cwd=tmp_path)
    from_run = (tmp_path / "run.json").read_bytes()
    assert repr(RATE).encode() in from_run
    assert (tmp_path / "step.json").read_bytes() == from_run

    config = load_config(scenario_file)
    for how, given in {
        "path": scenario_file,
        "path as str": str(scenario_file),
        "config object": config,
        "scenario dict": config.model_dump(),
        "machine dict": config.to_rust_dict(),
    }.items():
        assert python_state(given).encode("utf-8") == from_run, how


def test_restore_then_snapshot_changes_no_byte(cli, scenario_file, tmp_path):
    run_cli(cli, "run", str(scenario_file), "--quiet", "--ticks", str(TICKS), "--save-state", "run.json", cwd=tmp_path)
    saved = (tmp_path / "run.json").read_text()
    with Orchestrator.restore(saved) as restored:
        assert restored.snapshot() == saved
        for _ in range(5):
            restored.tick()
        continued = restored.snapshot()
    with Orchestrator.restore(continued) as twice:
        assert twice.snapshot() == continued
    # The CLI continues a state file Python wrote exactly as Python does.
    (tmp_path / "python.json").write_text(saved)
    run_cli(cli, "tick", "5", "--state", "python.json", cwd=tmp_path)
    assert (tmp_path / "python.json").read_text() == continued
