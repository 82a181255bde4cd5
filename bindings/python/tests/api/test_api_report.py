"""The run report through Python and REST (issue 16): the page the library writes
(``psim_sim_report_html``, the same writer as ``payment-sim report``), downloaded from
``GET /simulations/{id}/report`` under the usual token rules; and the shipped scenarios."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.api.scenarios import shipped
from payment_simulator.errors import InvalidArgumentError

ROOT = Path(__file__).resolve().parents[4]
OUTAGE = ROOT / "examples" / "scenarios" / "outage_and_shock.yaml"
YAML = {"Content-Type": "application/yaml"}


def _self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    for forbidden in ("http://", "https://", "src=", "href=", "<script", "url("):
        assert forbidden not in html, forbidden


def test_python_writes_the_clis_page_byte_for_byte(cli, tmp_path):
    out = tmp_path / "cli.html"
    subprocess.run([cli, "report", str(OUTAGE), "--output", str(out)], check=True, capture_output=True)
    with Orchestrator.new(str(OUTAGE)) as orch:
        orch.record_timeseries(1)  # what the CLI samples for a 200-tick horizon
        orch.run(orch.horizon())
        page = orch.report_html(source=f"scenario {OUTAGE}")
    assert page == out.read_text(encoding="utf-8")


def test_python_report_options_are_checked_by_the_library():
    with Orchestrator.new(str(OUTAGE)) as orch:
        assert "This run is empty" in orch.report_html()
        orch.run(10)
        assert "No time series was recorded" in orch.report_html()
        for bad in (0, -1, "3", True):
            with pytest.raises(InvalidArgumentError, match="top"):
                orch.report_html(top=bad)


def test_the_rest_report_is_the_librarys_page_of_the_run(client, error_of):
    sim_id = client.post("/simulations", content=OUTAGE.read_bytes(), headers=YAML).json()["simulation_id"]
    assert client.post(f"/simulations/{sim_id}/timeseries?every=1").status_code == 200
    assert client.post(f"/simulations/{sim_id}/run?ticks=150").status_code == 200
    stats = client.get(f"/simulations/{sim_id}/stats").json()
    response = client.get(f"/simulations/{sim_id}/report?top=3")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="payment-sim-report-{sim_id}.html"'
    html = response.text
    _self_contained(html)
    # The core's numbers: the same page as the library writes for the same run.
    assert "<td>ticks run</td><td>150</td>" in html
    assert f"<td>{stats['settlements']:,}</td>" in html
    assert "Unfinished run: 150 of 200 ticks" in html
    with Orchestrator.new(str(OUTAGE)) as orch:
        orch.record_timeseries(1)
        orch.run(150)
        assert html == orch.report_html(top=3, source=f"simulation {sim_id}")
    for chart in ("balance paths", "liquidity usage paths", "queue sizes"):
        assert f'aria-label="{chart}"' in html
    # Bad input and unknown ids: the one error shape.
    for top in (0, -1, 2**64):
        error = error_of(client.get(f"/simulations/{sim_id}/report?top={top}"), 422, "invalid_argument")
        assert error["fields"][0]["field"] == "top" and "top" in error["message"]
    error_of(client.get("/simulations/no-such-id/report"), 404, "simulation_not_found")


def test_the_report_follows_the_token_rules(make_client, error_of):
    client = make_client(api_token="s3cret")
    auth = {"authorization": "Bearer s3cret"}
    sim_id = client.post("/simulations", content=OUTAGE.read_bytes(), headers={**YAML, **auth}).json()[
        "simulation_id"
    ]
    assert client.get(f"/simulations/{sim_id}/report").status_code == 401
    assert client.get("/scenarios").status_code == 401
    response = client.get(f"/simulations/{sim_id}/report", headers=auth)
    assert response.status_code == 200
    assert "This run is empty" in response.text


def test_the_shipped_scenarios_are_the_repositorys(client, error_of):
    names = sorted(p.stem for p in (ROOT / "examples" / "scenarios").glob("*.yaml"))
    assert names and list(shipped()) == names
    assert client.get("/scenarios").json() == {"scenarios": names}
    for name in names:
        response = client.get(f"/scenarios/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/yaml"
        assert response.content == (ROOT / "examples" / "scenarios" / f"{name}.yaml").read_bytes()
    created = client.post("/simulations", content=client.get(f"/scenarios/{names[0]}").content, headers=YAML)
    assert created.status_code == 200, created.text
    for bad in ("nope", "four_bank_ring.yaml", "FOUR_BANK_RING"):
        error_of(client.get(f"/scenarios/{bad}"), 404, "scenario_not_found")
