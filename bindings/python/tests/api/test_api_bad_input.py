"""Issue 10's bad inputs, each a clear 4xx with its path (never a 500), after which the server
and every other simulation keep answering: huge weights, a list as a YAML key, surrogate-pair
escapes (accepted), lone surrogates, oversized transaction bodies, and 405 with its Allow."""

from __future__ import annotations

import copy
import json

import pytest

SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 1, "seed": 7},
    "agents": [
        {"id": "BANK_A", "balance": 100_000, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 100_000, "policy": {"type": "Fifo"}},
    ],
}
TX = {"sender": "BANK_A", "receiver": "BANK_B", "amount": 1_000}
JSON = {"content-type": "application/json"}
YAML = {"content-type": "application/yaml"}


@pytest.fixture
def bystander(client) -> str:
    """A simulation that must stay untouched by every bad request."""
    sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
    assert client.post(f"/simulations/{sim}/tick").status_code == 200
    return sim


def still_answering(client, sim: str) -> None:
    assert client.get("/health").json()["status"] == "healthy"
    assert client.get(f"/simulations/{sim}/state").json()["tick"] == 1
    assert client.post(f"/simulations/{sim}/transactions", json=TX).status_code == 200


def with_weights(weights: dict) -> dict:
    scenario = copy.deepcopy(SCENARIO)
    scenario["agents"].append({"id": "BANK_C", "balance": 100_000, "policy": {"type": "Fifo"}})
    scenario["agents"][0]["arrival_config"] = {
        "rate_per_tick": 0.5,
        "distribution": {"type": "Uniform", "min": 100, "max": 1_000},
        "counterparty_weights": weights,
    }
    return scenario


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_weights_that_overflow_their_sum_are_a_422_with_the_path(client, bystander, error_of, fmt):
    scenario = with_weights({"BANK_B": 1.7e308, "BANK_C": 1.7e308})
    body = json.dumps(scenario)  # JSON is YAML too: the core reads either
    response = client.post("/simulations", content=body, headers=JSON if fmt == "json" else YAML)
    error = error_of(response, 422, "invalid_config")
    assert [p["path"] for p in error["problems"]] == ["agents[0].arrival_config.counterparty_weights"]
    assert "finite" in error["message"]
    still_answering(client, bystander)


@pytest.mark.parametrize(
    "body",
    [
        "{[1]: 1}",
        "simulation: {ticks_per_day: 10, seed: 1}\nagents:\n  - {id: A, balance: 1, [1]: 1}\n",
        "? [1, 2]\n: x\n",
    ],
    ids=["top-level", "inside-an-agent", "block-key"],
)
def test_a_list_as_a_yaml_key_is_a_422(client, bystander, body):
    response = client.post("/simulations", content=body, headers=YAML)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] in ("invalid_config", "malformed_body")
    still_answering(client, bystander)


@pytest.mark.parametrize("body", ["{[1]: 1}", "? {a: 1}\n: 2\n", "sender: A\n[1]: x\n"])
def test_a_list_as_a_yaml_key_of_a_transaction_is_a_422(client, bystander, error_of, body):
    response = client.post(f"/simulations/{bystander}/transactions", content=body, headers=YAML)
    error = error_of(response, 422, "malformed_body")
    assert "cannot be a key" in error["message"]
    still_answering(client, bystander)


def test_surrogate_pair_escapes_are_accepted_in_json(client):
    """Python's json.dumps writes 💰 as "\\ud83d\\udcb0" (ensure_ascii): one character."""
    scenario = copy.deepcopy(SCENARIO)
    scenario["agents"][0]["id"] = "💰"
    body = json.dumps(scenario)
    assert "\\ud83d\\udcb0" in body
    response = client.post("/simulations", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    sim = response.json()["simulation_id"]
    assert client.get(f"/simulations/{sim}/state").json()["agents"][0]["id"] == "💰"
    tx = json.dumps({**TX, "sender": "💰"})
    assert "\\ud83d\\udcb0" in tx
    submitted = client.post(f"/simulations/{sim}/transactions", content=tx, headers=JSON)
    assert submitted.status_code == 200, submitted.text
    client.post(f"/simulations/{sim}/tick")
    balances = {a["id"]: a["balance"] for a in client.get(f"/simulations/{sim}/state").json()["agents"]}
    assert balances == {"💰": 99_000, "BANK_B": 101_000}


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_lone_surrogate_is_a_422(client, bystander, fmt):
    body = '{"sender": "\\ud83d", "receiver": "BANK_B", "amount": 5}'
    headers = JSON if fmt == "json" else YAML
    response = client.post(f"/simulations/{bystander}/transactions", content=body, headers=headers)
    assert response.status_code == 422, response.text
    created = client.post("/simulations", content=body, headers=headers)
    assert created.status_code == 422, created.text
    still_answering(client, bystander)


def test_a_transaction_body_is_bounded_before_it_is_parsed(make_client, error_of):
    client = make_client(max_transaction_bytes=1_000)
    sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
    padded = "sender: BANK_A\nreceiver: BANK_B\namount: 5\n" + "#" * 2_000 + "\n"
    response = client.post(f"/simulations/{sim}/transactions", content=padded, headers=YAML)
    error = error_of(response, 413, "body_too_large")
    assert "1000 bytes" in error["message"]
    assert client.post(f"/simulations/{sim}/transactions", json=TX).status_code == 200


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("PUT", "/simulations", "GET, POST"),
        ("DELETE", "/health", "GET"),
        ("GET", "/simulations/{sim}/tick", "POST"),
        ("PUT", "/simulations/{sim}/run", "POST"),
        ("POST", "/simulations/{sim}", "DELETE"),
        ("PATCH", "/simulations/{sim}/events", "GET"),
        ("POST", "/simulations/{sim}/state", "GET"),
        ("GET", "/simulations/{sim}/transactions", "POST"),
    ],
)
def test_405_names_the_allowed_methods(client, bystander, error_of, method, path, allowed):
    response = client.request(method, path.format(sim=bystander))
    error = error_of(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed
    assert f"allowed: {allowed}" in error["message"]
