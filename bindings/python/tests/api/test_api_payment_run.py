"""POST /simulations/{id}/payment-run: a payment file uploaded and run fed from it, its
per-payment results downloaded (CSV, JSON Lines, Parquet) and joined with the input ids; in
slices under the run limits (a run stopped early is continued); bad files 422 with every
problem and nothing changed; the files surviving a restart and a failed request."""

from __future__ import annotations

import csv
import io
import json

import pytest

IDS = ["BANK_A", "BANK_B", "BANK_C"]
# Little liquidity: payments wait in Queue 2 across the slices.
SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 3, "seed": 1},
    "agents": [{"id": i, "balance": b, "policy": {"type": "Fifo"}} for i, b in zip(IDS, (500, 300, 100))],
}


def payments_csv(n: int = 150) -> str:
    lines = ["id,tick,sender,receiver,amount,ref"]
    for k in range(n):
        s = k * 7 % 3
        r = (s + 1 + k % 2) % 3
        lines.append(f"P{k},{k * 30 // n},{IDS[s]},{IDS[r]},{20 + k * 7919 % 400},r{k}")
    return "\n".join(lines) + "\n"


def new(client) -> str:
    return client.post("/simulations", json=SCENARIO).json()["simulation_id"]


def start(client, sim, text, media="text/csv", **query):
    return client.post(f"/simulations/{sim}/payment-run", content=text, headers={"Content-Type": media}, params=query)


def results(client, sim, **query) -> bytes:
    response = client.get(f"/simulations/{sim}/payment-run/results", params=query)
    assert response.status_code == 200, response.text
    return response.content


def test_a_file_runs_and_its_results_join_with_the_input_ids(client):
    sim = new(client)
    text = payments_csv()
    response = start(client, sim, text)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["payments"], summary["finished"], summary["results_written"]) == (150, True, 150)
    assert client.get(f"/simulations/{sim}/payment-run").json() == summary
    rows = list(csv.DictReader(io.StringIO(results(client, sim).decode())))
    inputs = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert sorted(r["id"] for r in rows) == sorted(inputs)
    for row in rows:  # joinable: the input's amount, sender and extra column come back
        assert (row["amount"], row["sender"], row["ref"]) == (inputs[row["id"]]["amount"], inputs[row["id"]]["sender"], inputs[row["id"]]["ref"])
    assert {r["status"] for r in rows} <= {"settled", "unsettled", "dropped"}
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(io.BytesIO(results(client, sim, format="parquet")))
    assert sorted(table.column("id").to_pylist()) == sorted(inputs)
    response = client.get(f"/simulations/{sim}/payment-run/results", params={"format": "jsonl"})
    assert response.status_code == 409


def test_json_lines_in_and_out(client):
    sim = new(client)
    text = "".join(
        json.dumps({"id": k, "tick": k * 30 // 40, "sender": IDS[k % 3], "receiver": IDS[(k + 1) % 3], "amount": 10 + k}) + "\n"
        for k in range(40)
    )
    response = start(client, sim, text, media="application/x-ndjson", results_format="jsonl")
    assert response.status_code == 200, response.text
    body = results(client, sim)
    rows = [json.loads(line) for line in body.decode().splitlines()]
    assert sorted(int(r["id"]) for r in rows) == list(range(40))
    assert client.get(f"/simulations/{sim}/payment-run/results").headers["content-type"].startswith("application/x-ndjson")


def test_slices_give_the_results_of_one_run(client):
    whole = new(client)
    text = payments_csv()
    start(client, whole, text)
    expected = results(client, whole)
    sim = new(client)
    first = start(client, sim, text, ticks=7).json()
    assert (first["suspended"], first["finished"], first["ticks_run"]) == (True, False, 7)
    assert len(results(client, sim)) < len(expected)
    # Suspended: a plain run is refused with the core's message; another file too.
    response = client.post(f"/simulations/{sim}/run?ticks=2")
    assert response.status_code == 422 and "continue_payments" in response.text
    response = start(client, sim, text)
    assert response.status_code == 422 and "suspended run fed from" in response.text
    assert client.post(f"/simulations/{sim}/payment-run/continue?ticks=9").json()["suspended"]
    done = client.post(f"/simulations/{sim}/payment-run/continue").json()
    assert done["finished"] and done["ticks_run"] == 14 and not done["suspended"]
    assert results(client, sim) == expected
    assert client.get(f"/simulations/{sim}/stats").json() == client.get(f"/simulations/{whole}/stats").json()
    assert client.post(f"/simulations/{sim}/payment-run/continue").status_code == 409


def test_bad_files_are_422_with_their_problems_and_change_nothing(client, error_of):
    sim = new(client)
    before = client.get(f"/simulations/{sim}/state").json()
    bad = "id,tick,sender,receiver,amount\np1,1,BANK_A,BANK_Q,300\np2,2,BANK_B,BANK_C,0\n"
    error = error_of(start(client, sim, bad), 422, "invalid_config")
    assert [f["field"] for f in error["fields"]] == ["upload:2:receiver", "upload:3:amount"]
    error_of(start(client, sim, payments_csv(), business_day="7-18"), 422, "invalid_config")
    error_of(start(client, sim, payments_csv(), results_format="xlsx"), 422, "invalid_argument")
    error_of(start(client, sim, payments_csv(), media="text/plain"), 415, "unsupported_media_type")
    assert client.get(f"/simulations/{sim}/state").json() == before
    error_of(client.get(f"/simulations/{sim}/payment-run"), 404, "no_payment_run")
    error_of(client.get(f"/simulations/{sim}/payment-run/results"), 404, "no_payment_run")
    error_of(client.post(f"/simulations/{sim}/payment-run/continue"), 409, "no_payment_run")
    # The rows skipped when asked, listed in the rejects.
    response = start(client, sim, bad.replace(",0\n", ",7\n"), on_invalid="skip")
    assert response.status_code == 200, response.text
    rejects = client.get(f"/simulations/{sim}/payment-run/rejects").text
    assert rejects.splitlines()[1].startswith("2,p1,invalid,"), rejects


def test_the_service_limits(make_client, error_of, tmp_path):
    text = payments_csv()
    client = make_client(tmp_path / "a", max_upload_rows=10)
    error_of(start(client, new(client), text), 413, "upload_limit")
    client = make_client(tmp_path / "b", max_upload_bytes=100)
    error_of(start(client, new(client), text), 413, "body_too_large")
    client = make_client(tmp_path / "c", max_run_ticks=10)
    sim = new(client)
    error_of(start(client, sim, text), 422, "tick_limit")  # to the horizon: 30 ticks
    error_of(start(client, sim, text, ticks=31), 422, "tick_limit")
    assert start(client, sim, text, ticks=10).json()["suspended"]
    error_of(client.post(f"/simulations/{sim}/payment-run/continue"), 422, "tick_limit")
    # Live transactions: the request stops early, suspended, and is continued.
    client = make_client(tmp_path / "d", max_live_transactions=5, max_events_in_memory=200)
    sim = new(client)
    first = start(client, sim, text).json()
    assert first["stopped_by_budget"] and first["suspended"] and first["ticks_run"] < 30
    while not (last := client.post(f"/simulations/{sim}/payment-run/continue").json())["finished"]:
        assert last["stopped_by_budget"] and last["ticks_run"] >= 1
    assert last["results_written"] == 150


def test_a_run_survives_a_restart_and_a_failed_request(make_client, tmp_path):
    data = tmp_path / "data"
    client = make_client(data)
    whole = new(client)
    text = payments_csv()
    start(client, whole, text)
    expected = results(client, whole)
    sim = new(client)
    start(client, sim, text, ticks=12)
    so_far = results(client, sim)
    client.__exit__(None, None, None)
    # Bytes a crashed request appended after the stored state are cut back on rebuild.
    run_dir = max((data / "feeds" / sim).iterdir(), key=lambda p: int(p.name))
    with open(run_dir / "results.csv", "ab") as f:
        f.write(b"junk,never,stored\n")
    reopened = make_client(data)
    assert results(reopened, sim) == so_far
    assert reopened.post(f"/simulations/{sim}/payment-run/continue").json()["finished"]
    assert results(reopened, sim) == expected
    assert reopened.delete(f"/simulations/{sim}").status_code == 200
    assert not (data / "feeds" / sim).exists()
