"""Every error path of the REST service: its status, its code, the offending field, the
library's message, and the one error shape. No user error is ever a 500."""

from __future__ import annotations

import pytest
from payment_simulator.api.models import ErrorBody

SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 1, "seed": 7},
    "agents": [
        {"id": "BANK_A", "balance": 100_000, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 100_000, "policy": {"type": "Fifo"}},
    ],
}
TX = {"sender": "BANK_A", "receiver": "BANK_B", "amount": 1_000}


def error_of(response, status: int, code: str) -> dict:
    """The response's error (asserting its status, code and shape)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    ErrorBody.model_validate(body)  # the one shape
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert error["code"] == code, error
    assert error["message"]
    return error


def fields_of(error: dict) -> dict[str, str]:
    return {f["field"]: f["message"] for f in error["fields"]}


@pytest.fixture
def sim(client) -> str:
    response = client.post("/simulations", json=SCENARIO)
    assert response.status_code == 200
    return response.json()["simulation_id"]


# --- creating ------------------------------------------------------------------------------


def test_invalid_config_names_each_field_with_the_librarys_words(client):
    bad = {
        "simulation": {"ticks_per_day": 0, "num_days": 1, "seed": 12345},
        "agents": [{"id": "BANK_A", "balance": 10, "credit_limit": -5, "policy": {"type": "Fifo"}}],
    }
    error = error_of(client.post("/simulations", json=bad), 422, "invalid_config")
    fields = fields_of(error)
    assert fields["simulation.ticks_per_day"] == "simulation.ticks_per_day must be positive (got 0)"
    assert fields["agents[0].credit_limit"] == 'agents[0].credit_limit of "BANK_A" must be ≥ 0 (got -5)'
    assert [p["path"] for p in error["problems"]] == ["simulation.ticks_per_day", "agents[0].credit_limit"]
    assert "ticks_per_day must be positive" in error["message"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"agents": []}, "agents", "agents must contain at least one agent"),
        ({"simulation": {"ticks_per_day": 10}}, "simulation", "missing field `seed`"),
        ({"extra": 1}, "extra", "unknown field `extra`"),
        ({"simulation": {"ticks_per_day": "10", "seed": 1}}, "simulation.ticks_per_day", "invalid type: string"),
        (
            {"agents": [SCENARIO["agents"][0], SCENARIO["agents"][0]]},
            "agents[1].id",
            'duplicate agent id "BANK_A" (first used by agents[0])',
        ),
        ({"agents": [{"id": "A", "balance": 1, "policy": {"type": "Magic"}}]}, "agents[0].policy", "Magic"),
    ],
)
def test_invalid_config_variants(client, change, field, message):
    error = error_of(client.post("/simulations", json={**SCENARIO, **change}), 422, "invalid_config")
    (problem,) = error["problems"]
    assert problem["path"] == field or problem["path"].startswith(field + "."), problem
    assert message in problem["message"]
    assert fields_of(error) == {problem["path"]: problem["message"]}


def test_config_that_is_not_an_object(client):
    error_of(client.post("/simulations", json=[1, 2]), 422, "invalid_config")
    error_of(
        client.post("/simulations", content="3", headers={"content-type": "application/json"}), 422, "invalid_config"
    )


def test_missing_body(client):
    error = error_of(client.post("/simulations"), 422, "invalid_config")
    assert error["fields"]


@pytest.mark.parametrize(
    ("content", "content_type", "needle"),
    [
        ('{"simulation": ', "application/json", "malformed"),
        ('{"simulation": {}} []', "application/json", "malformed"),
        ("simulation: [unclosed", "application/yaml", "malformed"),
    ],
)
def test_malformed_bodies(client, content, content_type, needle):
    error = error_of(
        client.post("/simulations", content=content, headers={"content-type": content_type}), 422, "malformed_body"
    )
    assert error["message"].startswith("the request body: ")
    assert needle in error["message"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('{"simulation": {"ticks_per_day": 1, "seed": 1, "seed": 2}, "agents": []}', "application/json"),
        ("simulation: {ticks_per_day: 1, seed: 1, seed: 2}\nagents: []\n", "text/yaml"),
    ],
)
def test_repeated_keys_are_invalid_config_with_a_path(client, content, content_type):
    error = error_of(
        client.post("/simulations", content=content, headers={"content-type": content_type}), 422, "invalid_config"
    )
    (problem,) = error["problems"]
    assert "duplicate field `seed`" in problem["message"] and problem["path"] == "simulation"


def test_a_json_body_the_core_reads_as_yaml_is_checked_as_a_document(client):
    # `NaN` is no JSON value, but the body is also YAML (a superset), where it is the string
    # "NaN": the core reads it so, and reports the document's problems.
    error = error_of(
        client.post("/simulations", content='{"x": NaN}', headers={"content-type": "application/json"}),
        422,
        "invalid_config",
    )
    assert error["problems"]


def test_body_that_is_not_utf8(client):
    error = error_of(
        client.post("/simulations", content=b'{"a": "\xff"}', headers={"content-type": "application/json"}),
        422,
        "malformed_body",
    )
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x"])
def test_unsupported_media_type(client, sim, content_type):
    error_of(
        client.post("/simulations", content="x: 1", headers={"content-type": content_type}),
        415,
        "unsupported_media_type",
    )
    error_of(
        client.post(f"/simulations/{sim}/transactions", content="x", headers={"content-type": content_type}),
        415,
        "unsupported_media_type",
    )


def test_body_too_large_by_content_length(make_client):
    client = make_client(max_body_bytes=200)
    big = {**SCENARIO, "agents": [{**a, "id": a["id"] * 20} for a in SCENARIO["agents"]]}
    error = error_of(client.post("/simulations", json=big), 413, "body_too_large")
    assert "200 bytes" in error["message"]
    assert client.post("/simulations", json=SCENARIO).status_code == 200  # under the limit


def test_body_too_large_when_chunked(make_client):
    client = make_client(max_body_bytes=100)

    def chunks():
        for _ in range(10):
            yield b'{"simulation": {"ticks_per_day": 10, "seed": 1}}'[:20]

    response = client.post("/simulations", content=chunks(), headers={"content-type": "application/json"})
    error_of(response, 413, "body_too_large")


def test_chunked_body_under_the_limit_is_read(make_client):
    client = make_client(max_body_bytes=10_000)
    import json

    text = json.dumps(SCENARIO).encode()
    response = client.post(
        "/simulations", content=iter([text[:50], text[50:]]), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text


def test_bad_content_length(client):
    error_of(client.post("/simulations", content=b"{}", headers={"content-length": "x"}), 400, "bad_request")


def test_agent_limit(make_client):
    client = make_client(max_agents=1)
    error = error_of(client.post("/simulations", json=SCENARIO), 422, "agent_limit")
    assert "at most 1 agents" in error["message"]
    assert "agents" in fields_of(error)


def test_arrival_rate_limit(make_client, service_scenario):
    client = make_client(max_arrival_rate=1.0)
    error = error_of(client.post("/simulations", json=service_scenario(rate=0.6)), 422, "arrival_limit")
    assert "2.4" in error["message"]


def test_simulation_limit_then_room_again_after_a_delete(make_client):
    client = make_client(max_simulations=2)
    ids = [client.post("/simulations", json=SCENARIO).json()["simulation_id"] for _ in range(2)]
    error = error_of(client.post("/simulations", json=SCENARIO), 409, "simulation_limit")
    assert "at most 2 simulations" in error["message"]
    assert client.delete(f"/simulations/{ids[0]}").status_code == 200
    assert client.post("/simulations", json=SCENARIO).status_code == 200


# --- unknown simulations and endpoints -----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/simulations/nope/tick"),
        ("post", "/simulations/nope/tick?n=5"),
        ("post", "/simulations/nope/run?ticks=5"),
        ("get", "/simulations/nope/state"),
        ("get", "/simulations/nope/stats"),
        ("get", "/simulations/nope/events"),
        ("delete", "/simulations/nope"),
    ],
)
def test_unknown_simulation_is_404(client, method, path):
    error = error_of(getattr(client, method)(path), 404, "simulation_not_found")
    assert "'nope'" in error["message"]


def test_unknown_simulation_submit_is_404(client):
    error_of(client.post("/simulations/nope/transactions", json=TX), 404, "simulation_not_found")


def test_delete_twice_is_404(client, sim):
    assert client.delete(f"/simulations/{sim}").status_code == 200
    error_of(client.delete(f"/simulations/{sim}"), 404, "simulation_not_found")
    error_of(client.post(f"/simulations/{sim}/tick"), 404, "simulation_not_found")


def test_unknown_endpoint_and_method(client, sim):
    error = error_of(client.get("/nowhere"), 404, "not_found")
    assert "/nowhere" in error["message"]
    error_of(client.put(f"/simulations/{sim}/tick"), 405, "method_not_allowed")
    error_of(client.get(f"/simulations/{sim}/tick"), 405, "method_not_allowed")


# --- ticking -------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [("n=0", "n"), ("n=-1", "n"), ("n=abc", "n"), ("n=1.5", "n")])
def test_bad_tick_count(client, sim, query, field):
    error = error_of(client.post(f"/simulations/{sim}/tick?{query}"), 422, "invalid_request")
    assert field in fields_of(error)


def test_tick_limit(make_client):
    client = make_client(max_ticks_per_request=5)
    sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
    error = error_of(client.post(f"/simulations/{sim}/tick?n=6"), 422, "tick_limit")
    assert fields_of(error) == {"n": "at most 5"}
    assert client.post(f"/simulations/{sim}/tick?n=5").json()["tick"] == 4


def test_run_limit_and_missing_ticks(make_client):
    client = make_client(max_run_ticks=7)
    sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
    error_of(client.post(f"/simulations/{sim}/run?ticks=8"), 422, "tick_limit")
    error = error_of(client.post(f"/simulations/{sim}/run"), 422, "invalid_request")
    assert "ticks" in fields_of(error)
    assert client.post(f"/simulations/{sim}/run?ticks=7").json()["ticks_run"] == 7


def test_beyond_the_horizon_is_409_and_changes_nothing(client, sim):
    assert client.post(f"/simulations/{sim}/tick?n=4").status_code == 200
    for path, field in ((f"/simulations/{sim}/tick?n=7", "n"), (f"/simulations/{sim}/run?ticks=7", "ticks")):
        error = error_of(client.post(path), 409, "beyond_horizon")
        assert "only 6 of the 10 ticks" in error["message"]
        assert fields_of(error) == {field: "at most 6"}
    assert client.get(f"/simulations/{sim}/state").json()["tick"] == 4


def test_ticking_a_finished_simulation_is_409(client, sim):
    last = client.post(f"/simulations/{sim}/tick?n=10").json()
    assert last["tick"] == 9 and last["end_of_day"]
    for path in (f"/simulations/{sim}/tick", f"/simulations/{sim}/tick?n=3", f"/simulations/{sim}/run?ticks=1"):
        error = error_of(client.post(path), 409, "simulation_finished")
        assert "simulation finished" in error["message"]
    error = error_of(client.post(f"/simulations/{sim}/transactions", json=TX), 409, "simulation_finished")
    assert client.get(f"/simulations/{sim}/state").json()["tick"] == 10


# --- submitting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tx", "field", "message"),
    [
        ({**TX, "amount": -5}, "amount", "amount must be positive (got -5)"),
        ({**TX, "amount": 0}, "amount", "amount must be positive (got 0)"),
        ({**TX, "priority": 11}, "priority", "priority must be between 0 and 10 (got 11)"),
        ({**TX, "deadline_offset": 0}, "deadline_offset", "deadline_offset"),
        ({**TX, "receiver": "BANK_A"}, "receiver", 'sender and receiver must differ (both "BANK_A")'),
    ],
)
def test_invalid_transaction_gets_the_librarys_message(client, sim, tx, field, message):
    error = error_of(client.post(f"/simulations/{sim}/transactions", json=tx), 422, "invalid_argument")
    # The field is the core's path for the problem; no message is read to find it.
    (problem,) = error["fields"]
    assert problem["field"] in (field, "") and message in problem["message"]
    assert message in error["message"]


@pytest.mark.parametrize(
    ("tx", "field"),
    [
        ({"sender": "BANK_A", "receiver": "BANK_B"}, "amount"),
        ({**TX, "amount": "100"}, "amount"),
        ({**TX, "amount": 1.5}, "amount"),
        ({**TX, "amount": True}, "amount"),
        ({**TX, "colour": "red"}, "colour"),
        ({**TX, "sender": 5}, "sender"),
    ],
)
def test_malformed_transaction(client, sim, tx, field):
    error = error_of(client.post(f"/simulations/{sim}/transactions", json=tx), 422, "invalid_transaction")
    assert field in fields_of(error) or any(field in m for m in fields_of(error).values())


def test_amount_beyond_i64(client, sim):
    error = error_of(
        client.post(f"/simulations/{sim}/transactions", json={**TX, "amount": 2**70}), 422, "invalid_transaction"
    )
    assert "amount" in fields_of(error)


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"amount": 0}, "amount", 0),
        ({"amount": -5}, "amount", -5),
        ({"deadline_offset": 0}, "deadline_offset", 0),
        ({"priority": 11}, "priority", 11),
        ({"receiver": "BANK_A"}, "receiver", "BANK_A"),
    ],
)
def test_out_of_range_transaction_names_its_field_from_the_core(client, sim, change, field, value):
    tx = {**TX, "sender": "BANK_A", **change}
    error = error_of(client.post(f"/simulations/{sim}/transactions", json=tx), 422, "invalid_argument")
    assert list(fields_of(error)) == [field]
    assert error["problems"] == [{"path": field, "message": error["message"], "value": value}]


@pytest.mark.parametrize("field", ["sender", "receiver"])
def test_unknown_agent_is_404_naming_the_field(client, sim, field):
    error = error_of(
        client.post(f"/simulations/{sim}/transactions", json={**TX, field: "BANK_Z"}), 404, "agent_not_found"
    )
    assert fields_of(error) == {field: 'unknown agent "BANK_Z"'}


def test_failed_submissions_change_nothing(client, sim):
    before = client.get(f"/simulations/{sim}/state").json()
    client.post(f"/simulations/{sim}/transactions", json={**TX, "amount": -1})
    client.post(f"/simulations/{sim}/transactions", json={**TX, "sender": "BANK_Z"})
    assert client.get(f"/simulations/{sim}/state").json() == before
    assert client.post(f"/simulations/{sim}/transactions", json=TX).json() == {"transaction_id": "T1"}


# --- events --------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("limit=10001", "limit"), ("since=-1", "since")])
def test_bad_event_paging(client, sim, query, field):
    error = error_of(client.get(f"/simulations/{sim}/events?{query}"), 422, "invalid_request")
    assert field in fields_of(error)


# --- auth ----------------------------------------------------------------------------------


def test_token_guards_everything_but_health(make_client):
    client = make_client(api_token="s3cret")
    good = {"authorization": "Bearer s3cret"}
    assert client.get("/health").status_code == 200
    sim = client.post("/simulations", json=SCENARIO, headers=good).json()["simulation_id"]
    requests = [
        ("post", "/simulations", {"json": SCENARIO}),
        ("get", "/simulations", {}),
        ("post", f"/simulations/{sim}/tick", {}),
        ("post", f"/simulations/{sim}/run?ticks=1", {}),
        ("get", f"/simulations/{sim}/state", {}),
        ("get", f"/simulations/{sim}/stats", {}),
        ("get", f"/simulations/{sim}/events", {}),
        ("post", f"/simulations/{sim}/transactions", {"json": TX}),
        ("delete", f"/simulations/{sim}", {}),
        ("get", "/openapi.json", {}),
        ("get", "/docs", {}),
        ("get", "/no-such-path", {}),
    ]
    for headers in (
        {},
        {"authorization": "Bearer wrong"},
        {"authorization": "s3cret"},
        {"authorization": "Basic s3cret"},
    ):
        for method, path, kwargs in requests:
            response = getattr(client, method)(path, headers=headers, **kwargs)
            error = error_of(response, 401, "unauthorized")
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert "Bearer" in error["message"]
    assert client.get(f"/simulations/{sim}/state", headers=good).json()["tick"] == 0
    assert client.post(f"/simulations/{sim}/tick", headers=good).status_code == 200
    assert client.delete(f"/simulations/{sim}", headers=good).status_code == 200


def test_token_from_the_environment(monkeypatch, tmp_path):
    from fastapi.testclient import TestClient
    from payment_simulator.api import create_app

    monkeypatch.setenv("PSIM_API_TOKEN", "envtoken")
    monkeypatch.setenv("PSIM_DATA_DIR", str(tmp_path / "env-data"))
    with TestClient(create_app()) as client:
        assert client.get("/simulations").status_code == 401
        assert client.get("/simulations", headers={"authorization": "bearer envtoken"}).status_code == 200
    assert (tmp_path / "env-data" / "simulations.sqlite3").exists()


# --- failures on the server's side ---------------------------------------------------------


def test_storage_failure_is_503_and_the_change_is_not_made(client, sim):
    from payment_simulator.api.deps import service_of
    from payment_simulator.api.persistence import StorageError

    service = service_of(client.app)
    assert client.post(f"/simulations/{sim}/tick?n=3").status_code == 200
    before = client.get(f"/simulations/{sim}/state").json()
    real_append = service.store.append

    def failing_append(*args, **kwargs):
        raise StorageError("disk I/O error")

    service.store.append = failing_append
    try:
        error = error_of(client.post(f"/simulations/{sim}/tick?n=2"), 503, "storage_error")
        assert "not made" in error["message"]
        error_of(client.post(f"/simulations/{sim}/transactions", json=TX), 503, "storage_error")
    finally:
        service.store.append = real_append
    # The simulation is rebuilt from disk: what was acknowledged, nothing more.
    assert client.get(f"/simulations/{sim}/state").json() == before
    assert client.post(f"/simulations/{sim}/tick").json()["tick"] == 3


def test_unexpected_exception_is_a_500_in_the_error_shape(make_client, monkeypatch):
    from fastapi.testclient import TestClient

    client = make_client()
    from payment_simulator.api.deps import service_of

    monkeypatch.setattr(service_of(client.app), "list_ids", lambda: 1 / 0)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    error = error_of(quiet.get("/simulations"), 500, "internal_error")
    assert error["message"] == "internal server error"  # no internals leak


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("[" * 100_000 + "]" * 100_000, "application/json"),
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "application/json"),
        ("[" * 5_000 + "]" * 5_000, "application/yaml"),
    ],
    ids=["json-list", "json-object", "yaml-list"],
)
def test_deeply_nested_bodies_are_rejected_not_crashed(client, body, content_type):
    response = client.post("/simulations", content=body, headers={"content-type": content_type})
    assert response.status_code == 422, response.text
    sim = client.post("/simulations", json=SCENARIO).json()["simulation_id"]
    nested = client.post(
        f"/simulations/{sim}/transactions", content=body, headers={"content-type": "application/json"}
    )
    # 413 for a body over max_transaction_bytes (refused before it is parsed), else 422.
    assert nested.status_code == (413 if len(body) > 64 * 1024 else 422), nested.text


def test_a_non_ascii_token_authenticates(make_client):
    client = make_client(api_token="tök-🔑")
    token = "Bearer tök-🔑".encode()
    assert client.get("/simulations", headers={"authorization": token}).status_code == 200
    wrong = "Bearer tok-🔑".encode()
    error_of(client.get("/simulations", headers={"authorization": wrong}), 401, "unauthorized")
