"""Fixtures of the REST service's in-process tests.

Every test here gets its own data directory (``PSIM_DATA_DIR`` under ``tmp_path``), and the
module-level ``payment_simulator.api.main:app`` used by the seed's tests is reset around each
test, so nothing is written outside the test's temporary directory. Importing this file needs
no native library (test_config_loading.py runs without it).
"""

from __future__ import annotations

import sys

import pytest

_SETTINGS_ENV = (
    "PSIM_API_TOKEN",
    "PSIM_MAX_SIMULATIONS",
    "PSIM_MAX_AGENTS",
    "PSIM_MAX_ARRIVAL_RATE",
    "PSIM_MAX_TICKS_PER_REQUEST",
    "PSIM_MAX_RUN_TICKS",
    "PSIM_MAX_BODY_BYTES",
    "PSIM_MAX_TRANSACTION_BYTES",
    "PSIM_MAX_TRANSACTIONS_PER_TICK",
    "PSIM_MAX_TRANSACTIONS_PER_REQUEST",
    "PSIM_MAX_LIVE_TRANSACTIONS",
    "PSIM_MAX_PENDING_ACTIONS",
    "PSIM_MAX_EVENTS_IN_MEMORY",
    "PSIM_MAX_CONCURRENT_CREATIONS",
    "PSIM_SNAPSHOT_EVERY_OPS",
    "PSIM_SNAPSHOT_EVERY_TICKS",
    "PSIM_SYNC",
    "PSIM_MAX_BATCH_TRANSACTIONS",
    "PSIM_MAX_UPLOAD_BYTES",
    "PSIM_MAX_UPLOAD_ROWS",
)


def _reset_module_app() -> None:
    main = sys.modules.get("payment_simulator.api.main")
    if main is not None:
        from payment_simulator.api.app import reset_service

        reset_service(main.app)


@pytest.fixture(autouse=True)
def _service_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PSIM_DATA_DIR", str(tmp_path / "psim-data"))
    for name in _SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    _reset_module_app()
    yield tmp_path / "psim-data"
    _reset_module_app()


@pytest.fixture
def make_client(tmp_path):
    """``make_client(**settings)``: a TestClient (lifespan running) over a new app whose data
    directory is under tmp_path; closed at the end of the test."""
    from fastapi.testclient import TestClient
    from payment_simulator.api import Settings, create_app

    clients = []

    def make(data_dir=None, **settings):
        app = create_app(Settings(data_dir=data_dir or tmp_path / "data", **settings))
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in reversed(clients):
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


def check_error(response, status: int, code: str) -> dict:
    """The response's error, after checking its status, code and the one error shape."""
    from payment_simulator.api.models import ErrorBody

    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    ErrorBody.model_validate(body)
    assert set(body) == {"error"}
    error = body["error"]
    assert (error["status"], error["code"]) == (status, code), error
    assert error["message"]
    return error


@pytest.fixture(name="error_of")
def error_of_fixture():
    """``error_of(response, status, code)``: the error body, its shape checked."""
    return check_error
