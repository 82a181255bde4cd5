"""The server process itself: graceful stop, one server per data directory, the command line,
the token from the environment, the console script."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIO = {
    "simulation": {"ticks_per_day": 20, "num_days": 1, "seed": 3},
    "agents": [
        {"id": "BANK_A", "balance": 50_000, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 50_000, "policy": {"type": "Fifo"}},
    ],
}


def test_sigterm_stops_cleanly_and_keeps_everything(start_server, tmp_path):
    server = start_server()
    with server.client() as client:
        sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
        client.post(f"/simulations/{sim}/tick", params={"n": 7})
    # uvicorn shuts down gracefully, then re-raises SIGTERM (so the exit status says why).
    assert server.stop() in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in server.log.read_text()
    assert not (server.data_dir / "simulations.sqlite3-wal").exists()  # the database was closed
    server = start_server()
    with server.client() as client:
        assert client.get(f"/simulations/{sim}/state").json()["tick"] == 7


def test_second_server_on_the_same_data_directory_refuses_to_start(start_server, tmp_path):
    first = start_server()
    env = first.env
    result = subprocess.run(
        [sys.executable, "-m", "payment_simulator.api", "--port", "1", "--data-dir", str(first.data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "in use by another payment-sim-api process" in result.stderr
    with first.client() as client:
        assert client.get("/health").status_code == 200  # the first one is unaffected


def test_bad_settings_are_reported_before_binding(start_server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSIM_") or k == "PSIM_LIBRARY"}
    result = subprocess.run(
        [sys.executable, "-m", "payment_simulator.api", "--data-dir", str(tmp_path / "d"), "--max-agents", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "max_agents must be positive" in result.stderr


def test_token_and_data_dir_from_the_environment(start_server, tmp_path):
    server = start_server(tmp_path / "env-dir", PSIM_API_TOKEN="t0ken")
    with server.client() as client:
        assert client.get("/health").status_code == 200
        assert client.get("/simulations").status_code == 401
        assert client.get("/simulations", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    assert (tmp_path / "env-dir" / "simulations.sqlite3").exists()


def test_console_script(tmp_path):
    """``payment-sim-api`` is installed next to the interpreter (by the wheel's entry point)."""
    script = Path(sys.executable).parent / "payment-sim-api"
    if not script.exists():
        script = shutil.which("payment-sim-api")
        if script is None:
            if os.environ.get("CI") or os.environ.get("PSIM_REQUIRE_NATIVE"):
                pytest.fail("payment-sim-api is not installed (pip install ./bindings/python)")
            pytest.skip("payment-sim-api not installed (running from a source tree)")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for flag in ("--host", "--port", "--data-dir", "--max-simulations", "--max-agents", "--max-ticks-per-request"):
        assert flag in result.stdout


def test_plain_uvicorn_serves_the_module_app(start_server, tmp_path):
    """``uvicorn payment_simulator.api.main:app`` works too, configured by the environment."""
    server = start_server(
        tmp_path / "uvicorn-data",
        command=lambda port: [sys.executable, "-m", "uvicorn", "payment_simulator.api.main:app", "--port", str(port)],
        PSIM_DATA_DIR=str(tmp_path / "uvicorn-data"),
    )
    with server.client() as client:
        sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
        assert client.post(f"/simulations/{sim}/tick").json()["tick"] == 0
    assert server.stop() in (0, -signal.SIGTERM)
    assert (tmp_path / "uvicorn-data" / "simulations.sqlite3").exists()
