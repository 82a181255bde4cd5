"""POST /simulations/{id}/transactions/batch and /payments: a batch and a payment file over
HTTP — all or nothing, 422 with every problem, the server's limits (413, 409, 422), and the
change surviving a restart."""

from __future__ import annotations

IDS = ["BANK_A", "BANK_B", "BANK_C"]
SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 2, "seed": 1},
    "agents": [{"id": i, "balance": 10_000, "policy": {"type": "Fifo"}} for i in IDS],
}
CSV = "id,tick,sender,receiver,amount\np1,1,BANK_A,BANK_B,300\np1,12,BANK_B,BANK_C,200\np2,3,BANK_C,BANK_A,100\n"


def new(client) -> str:
    return client.post("/simulations", json=SCENARIO).json()["simulation_id"]


def upload(client, sim, text, media="text/csv", **query):
    return client.post(f"/simulations/{sim}/payments", content=text, headers={"Content-Type": media}, params=query)


def test_a_batch_is_all_or_nothing(client, error_of):
    sim = new(client)
    batch = [{"sender": "BANK_A", "receiver": "BANK_B", "amount": 60}, {"sender": "BANK_B", "receiver": "BANK_C", "amount": 5}]
    response = client.post(f"/simulations/{sim}/transactions/batch", json=batch)
    assert response.status_code == 200, response.text
    assert response.json() == {"transaction_ids": ["T1", "T2"]}
    before = client.get(f"/simulations/{sim}/state").json()
    bad = [{"sender": "BANK_A", "receiver": "NOBODY", "amount": 1}, {"sender": "BANK_A", "receiver": "BANK_B", "amount": 0}]
    error = error_of(client.post(f"/simulations/{sim}/transactions/batch", json=bad), 422, "invalid_config")
    assert [f["field"] for f in error["fields"]] == ["[0].receiver", "[1].amount"]
    error_of(client.post(f"/simulations/{sim}/transactions/batch", json={"sender": "x"}), 422, "invalid_transaction")
    assert client.get(f"/simulations/{sim}/state").json() == before


def test_the_batch_limit(make_client, error_of):
    client = make_client(max_batch_transactions=1)
    sim = new(client)
    two = [{"sender": "BANK_A", "receiver": "BANK_B", "amount": 1}] * 2
    error_of(client.post(f"/simulations/{sim}/transactions/batch", json=two), 422, "batch_limit")


def test_an_upload_schedules_every_payment(client):
    sim = new(client)
    response = upload(client, sim, CSV)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["rows"], body["payments"], body["pending_actions"]) == (3, 3, 3)
    client.post(f"/simulations/{sim}/run?ticks=20")
    balances = {a["id"]: a["balance"] for a in client.get(f"/simulations/{sim}/state").json()["agents"]}
    assert balances == {"BANK_A": 9_800, "BANK_B": 10_100, "BANK_C": 10_100}


def test_a_bad_upload_is_422_with_its_lines_and_changes_nothing(client, error_of):
    sim = new(client)
    before = client.get(f"/simulations/{sim}/state").json()
    bad = "id,tick,sender,receiver,amount\np1,1,BANK_A,BANK_Q,300\np1,2,BANK_B,BANK_C,0\n"
    error = error_of(upload(client, sim, bad), 422, "invalid_config")
    assert [f["field"] for f in error["fields"]] == ["upload:2:receiver", "upload:3:amount"]
    dup = "id,tick,sender,receiver,amount\np1,1,BANK_A,BANK_B,300\np1,2,BANK_B,BANK_C,4\n"
    error = error_of(upload(client, sim, dup), 422, "invalid_config")
    assert [f["field"] for f in error["fields"]] == ["upload:3:id"]
    error_of(upload(client, sim, CSV, business_day="7-18"), 422, "invalid_config")
    error_of(upload(client, sim, CSV, media="text/plain"), 415, "unsupported_media_type")
    error_of(upload(client, sim, "id,tick,sender\n"), 422, "invalid_config")
    assert client.get(f"/simulations/{sim}/state").json() == before
    assert client.get(f"/simulations/{sim}/schedule").json() == {"pending": []}
    # Skipping: the bad rows are counted, the rest scheduled.
    response = upload(client, sim, bad.replace("p1,2", "p3,2").replace(",0\n", ",7\n"), on_invalid="skip")
    assert response.status_code == 200, response.text
    assert (response.json()["payments"], response.json()["rejected"]) == (1, 1)
    jsonl = '{"id": 9, "tick": 4, "sender": "BANK_A", "receiver": "BANK_C", "amount": 5}\n'
    assert upload(client, sim, jsonl, media="application/x-ndjson").json()["payments"] == 1


def test_upload_limits(make_client, error_of, tmp_path):
    client = make_client(tmp_path / "a", max_upload_rows=2, max_pending_actions=5)
    sim = new(client)
    error_of(upload(client, sim, CSV), 413, "upload_limit")
    client = make_client(tmp_path / "b", max_upload_bytes=20)
    sim = new(client)
    error_of(upload(client, sim, CSV), 413, "body_too_large")
    client = make_client(tmp_path / "c", max_pending_actions=2)
    sim = new(client)
    error_of(upload(client, sim, CSV), 409, "schedule_limit")


def test_an_upload_survives_a_restart(make_client, tmp_path):
    data = tmp_path / "data"
    client = make_client(data, snapshot_cost_ratio=0)
    sim = new(client)
    assert upload(client, sim, CSV).status_code == 200
    client.post(f"/simulations/{sim}/tick?n=2")
    pending = client.get(f"/simulations/{sim}/schedule").json()
    client.__exit__(None, None, None)
    reopened = make_client(data, snapshot_cost_ratio=0)
    assert reopened.get(f"/simulations/{sim}/schedule").json() == pending
    reopened.post(f"/simulations/{sim}/run?ticks=18")
    balances = {a["id"]: a["balance"] for a in reopened.get(f"/simulations/{sim}/state").json()["agents"]}
    assert balances == {"BANK_A": 9_800, "BANK_B": 10_100, "BANK_C": 10_100}


def test_a_batch_of_anything_is_the_cores_422(client, error_of):
    sim = new(client)
    for body in ("- - null\n  - null\n", "- 3\n- true\n", "- {sender: BANK_A, receiver: BANK_B, amount: .nan}\n"):
        response = client.post(
            f"/simulations/{sim}/transactions/batch", content=body, headers={"Content-Type": "application/yaml"}
        )
        assert response.status_code == 422, (body, response.text)
    error = error_of(client.post(f"/simulations/{sim}/transactions/batch", json=[None]), 422, "invalid_config")
    assert [f["field"] for f in error["fields"]] == ["[0]"]
