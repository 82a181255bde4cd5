"""Stateful fuzzing (schemathesis): sequences of calls that follow the OpenAPI links — create,
then submit, tick, run, read and delete the simulation the create returned, in generated
orders with generated arguments. No sequence makes the service answer with a 5xx, and every
answer conforms to the document. Bounded: a fixed number of sequences of a few steps each.

Positive-mode creations use one known-good configuration (the generated ones are almost always
refused by the core's cross-field rules, which would end most sequences at their first step);
negative-mode creations keep their generated bodies, and test_api_schemathesis.py fuzzes
creation itself.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

if os.environ.get("CI") or os.environ.get("PSIM_REQUIRE_NATIVE"):
    import schemathesis
else:
    schemathesis = pytest.importorskip("schemathesis")

from payment_simulator.api import Settings, create_app
from payment_simulator.api.app import reset_service

_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="psim-hypothesis-")
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
set_hypothesis_home_dir(_HYPOTHESIS_HOME)

SEQUENCES = 30
STEPS = 8
LIMITS = {
    "max_agents": 50,
    "max_arrival_rate": 50.0,
    "max_ticks_per_request": 100,
    "max_run_ticks": 2000,
    "max_transactions_per_request": 5_000,
    "max_live_transactions": 2_000,
    "max_events_in_memory": 500,
}
GOOD = {
    "simulation": {"ticks_per_day": 50, "num_days": 100, "seed": 11},
    "agents": [
        {
            "id": bank,
            "balance": 100_000,
            "policy": {"type": "Fifo", "split": {"threshold": 40_000, "max_parts": 3}},
            "arrival_config": {
                "rate_per_tick": 1.5,
                "distribution": {"type": "Uniform", "min": 1_000, "max": 90_000},
                "counterparty_weights": {other: 1.0},
            },
        }
        for bank, other in (("BANK_A", "BANK_B"), ("BANK_B", "BANK_A"))
    ],
}
# As in test_api_schemathesis.py: a scenario's cross-field rules are beyond a JSON Schema.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]

APP = create_app()
schema = schemathesis.openapi.from_dict(create_app(Settings(data_dir=Path("/nonexistent"), **LIMITS)).openapi())
schema.app = APP


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def before_call(self, case) -> None:
        creating = case.operation.method.upper() == "POST" and case.operation.path == "/simulations"
        if creating and case.meta is not None and case.meta.generation.mode.is_positive:
            case.body = GOOD
            case.media_type = "application/json"

    def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
        assert response.status_code < 500, f"{case.operation.label}: {response.status_code} {response.text[:500]}"
        case.validate_response(response, excluded_checks=EXCLUDED, transport_kwargs=kwargs or None)


@pytest.fixture(autouse=True)
def api_app(tmp_path, monkeypatch):
    monkeypatch.setenv("PSIM_DATA_DIR", str(tmp_path / "stateful-data"))
    for name, value in LIMITS.items():
        monkeypatch.setenv(f"PSIM_{name.upper()}", str(value))
    reset_service(APP)
    yield APP
    reset_service(APP)


def test_stateful_sequences():
    Workflow.run(
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
