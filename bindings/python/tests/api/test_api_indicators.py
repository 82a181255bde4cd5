"""The REST service serves the core's indicators and time series (issue 13) as the library
gives them, and the time series survives a restart (the recorder lives in the snapshot)."""

from __future__ import annotations

from pathlib import Path

from payment_simulator._core import Orchestrator

ROOT = Path(__file__).resolve().parents[4]
SCARCE = ROOT / "examples" / "scenarios" / "scarce_liquidity.yaml"


def _run(path: Path) -> Orchestrator:
    orch = Orchestrator.new(str(path))
    orch.run(orch.horizon())
    return orch


def test_the_rest_service_serves_the_same_indicators(client):
    sim = client.post("/simulations", content=SCARCE.read_bytes(), headers={"Content-Type": "application/yaml"})
    sim_id = sim.json()["simulation_id"]
    assert client.post(f"/simulations/{sim_id}/timeseries?every=7").json() == {"every": 7}
    assert client.post(f"/simulations/{sim_id}/run?ticks=200").status_code == 200
    with _run(SCARCE) as orch:
        orch_ts = Orchestrator.new(str(SCARCE))
        orch_ts.record_timeseries(7)
        orch_ts.run(200)
        assert client.get(f"/simulations/{sim_id}/indicators").json() == orch.indicators()
        assert client.get(f"/simulations/{sim_id}/stats").json() == orch.stats()
        pages, start = [], 0
        while True:
            page = client.get(f"/simulations/{sim_id}/timeseries?from_sample={start}&limit=5").json()
            pages.append(page)
            start += len(page["system"]["tick"])
            if start >= page["total_samples"]:
                break
        whole = orch_ts.timeseries()
        assert [t for p in pages for t in p["system"]["tick"]] == whole["system"]["tick"]
        assert [b for p in pages for b in p["agents"]["balance"]] == whole["agents"]["balance"]
        orch_ts.close()
    bad = client.post(f"/simulations/{sim_id}/timeseries?every=3")
    assert bad.status_code == 422, bad.text


def test_the_time_series_survives_a_restart(make_client, tmp_path):
    data = tmp_path / "restart"
    client = make_client(data)
    sim_id = client.post(
        "/simulations", content=SCARCE.read_bytes(), headers={"Content-Type": "application/yaml"}
    ).json()["simulation_id"]
    client.post(f"/simulations/{sim_id}/timeseries?every=10")
    client.post(f"/simulations/{sim_id}/run?ticks=50")
    before = client.get(f"/simulations/{sim_id}/timeseries").json()
    client.__exit__(None, None, None)
    client = make_client(data)
    assert client.get(f"/simulations/{sim_id}/timeseries").json() == before
    client.post(f"/simulations/{sim_id}/run?ticks=50")
    assert client.get(f"/simulations/{sim_id}/timeseries").json()["total_samples"] == 10
