"""Shared test setup.

Tests that need libpayment_sim are those matching NATIVE_TESTS: ffi/, integration/, native/,
service/ (the REST service as a real process), config/ and the REST service's tests in api/
(configuration documents are read by the core). When the
library cannot be loaded they are not collected (the seed's files import
payment_simulator._core at module level, so they cannot even be imported) and
test_native_library.py reports why, as a skip. Under CI (CI or PSIM_REQUIRE_NATIVE set)
nothing is left out: a missing library fails the run.
"""

from __future__ import annotations

import os
import shutil
from fnmatch import fnmatch
from pathlib import Path

import pytest

NATIVE_TESTS = [
    "ffi/*",
    "integration/*",
    "native/*",
    "service/*",
    "config/*",
    "experiments/*",
    "api/test_config_loading.py",
    "api/test_lifecycle_manager.py",
    "api/test_endpoints.py",
    "api/test_api_*.py",
    "api/test_golden_*.py",
]
TESTS_DIR = Path(__file__).parent
REPO = TESTS_DIR.parents[2]

try:
    import payment_simulator._core as _core

    NATIVE_ERROR: ImportError | None = None
except ImportError as e:  # the library is missing or unusable
    _core = None
    NATIVE_ERROR = e

NATIVE_REQUIRED = any(os.environ.get(v, "") not in ("", "0", "false") for v in ("PSIM_REQUIRE_NATIVE", "CI"))

if NATIVE_ERROR is not None and not NATIVE_REQUIRED:
    collect_ignore_glob = NATIVE_TESTS


def pytest_report_header(config):
    if _core is not None:
        return f"libpayment_sim: {_core.library_path} (version {_core.native_version()})"
    first_line = str(NATIVE_ERROR).splitlines()[0]
    return f"libpayment_sim: NOT LOADED ({first_line}); native tests not collected"


def pytest_collection_modifyitems(config, items):
    for item in items:
        try:
            relative = item.path.relative_to(TESTS_DIR).as_posix()
        except ValueError:
            continue
        if any(fnmatch(relative, pattern) for pattern in NATIVE_TESTS):
            item.add_marker(pytest.mark.native)


@pytest.fixture(scope="session")
def native_load_error() -> ImportError | None:
    """Why libpayment_sim could not be loaded (None when it loaded)."""
    return NATIVE_ERROR


@pytest.fixture(scope="session")
def native_required() -> bool:
    return NATIVE_REQUIRED


@pytest.fixture(scope="session")
def cli(native_required) -> str:
    """The payment-sim CLI: PSIM_CLI, else the repository's build, else the PATH."""
    candidates = [
        os.environ.get("PSIM_CLI"),
        REPO / "target" / "release" / "payment-sim",
        REPO / "target" / "debug" / "payment-sim",
        shutil.which("payment-sim"),
    ]
    found = next((str(c) for c in candidates if c and Path(c).is_file()), None)
    if found is None:
        if native_required:
            pytest.fail("the payment-sim CLI was not found (build it, or set PSIM_CLI)")
        pytest.skip("the payment-sim CLI was not found (build it, or set PSIM_CLI)")
    return found


# --- scenarios shared by the REST service's tests (api/ and service/) ----------------------


def service_scenario(
    seed: int = 2024, agents: int = 4, rate: float = 0.6, ticks_per_day: int = 50, num_days: int = 4
) -> dict:
    """A scenario-format dict (the body of POST /simulations) that exercises much of the engine:
    scarce liquidity (queues, LSM), every policy, splitting, arrivals between all agents."""
    ids = [f"BANK_{chr(65 + i)}" for i in range(agents)]
    policies = [
        {"type": "Fifo"},
        {"type": "Deadline"},
        {"type": "LiquidityAware", "target_buffer": 20_000, "urgency_threshold": 5},
        {"type": "Fifo", "split": {"threshold": 60_000, "max_parts": 3}},
    ]
    return {
        "simulation": {"ticks_per_day": ticks_per_day, "num_days": num_days, "seed": seed},
        "agents": [
            {
                "id": agent_id,
                "balance": 60_000 + 10_000 * i,
                "credit_limit": 20_000 * (i % 2),
                "policy": policies[i % len(policies)],
                "arrival_config": {
                    "rate_per_tick": rate,
                    "distribution": {"type": "Uniform", "min": 5_000, "max": 90_000},
                    "counterparty_weights": {other: 1.0 + j for j, other in enumerate(ids) if other != agent_id},
                    "deadline_offset": 20,
                },
            }
            for i, agent_id in enumerate(ids)
        ],
        "costs": {"liquidity_cost_per_unit_per_tick": 10},
    }


def reference_run(scenario: dict, ops: list[tuple]) -> dict:
    """What an uninterrupted in-process simulation shows after ``ops``: ``("tick", n)``,
    ``("run", n)`` or ``("submit", tx)``. ``scenario`` is a dict of either shape. Returns
    state, stats, events and the last results."""
    from payment_simulator._core import Orchestrator

    results = []
    with Orchestrator.new(scenario) as sim:
        for kind, arg in ops:
            if kind == "submit":
                results.append(sim.submit_transaction(arg))
            elif kind == "tick":
                results.append(sim.tick() if arg == 1 else sim.run(arg)["last"])
            else:
                results.append(sim.run(arg))
        return {"state": sim.state(), "stats": sim.stats(), "events": sim.events(0), "results": results}


@pytest.fixture(name="service_scenario")
def service_scenario_factory():
    return service_scenario


@pytest.fixture(name="reference_run")
def reference_run_factory():
    return reference_run
