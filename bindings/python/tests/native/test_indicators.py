"""The indicators and the time series (issue 13) agree across the layers: the core's figures
reach Python through the C ABI unchanged, the CLI's ``run --format json`` prints the same
document, and the REST service serves it; the time series agrees with ``state()``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.errors import InvalidArgumentError

ROOT = Path(__file__).resolve().parents[4]
SCARCE = ROOT / "examples" / "scenarios" / "scarce_liquidity.yaml"


def _run(path: Path) -> Orchestrator:
    orch = Orchestrator.new(str(path))
    orch.run(orch.horizon())
    return orch


def test_stats_carry_the_bounds_and_the_delay_indicator():
    with _run(SCARCE) as orch:
        stats, ind = orch.stats(), orch.indicators()
    for key in ("liquidity_upper_bound", "liquidity_lower_bound", "delay_indicator"):
        assert stats[key] == ind["system"][key]
        assert [a[key] for a in stats["agents"]] == [a[key] for a in ind["agents"]]
    for a in ind["agents"]:
        assert a["liquidity_upper_bound"] >= a["liquidity_lower_bound"] >= 0
        assert 0.0 <= a["delay_indicator"] <= 1.0
    assert [d["day"] for d in ind["days"]] == [0, 1]
    for day in ind["days"]:
        curve = day["system"]["throughput"]
        ticks = [k for k, _ in curve]
        assert ticks == sorted(set(ticks)) and all(0 <= k < ind["ticks_per_day"] for k in ticks)
        assert curve[-1][1] == 1.0 and all(a[1] <= b[1] for a, b in zip(curve, curve[1:]))


def test_the_cli_prints_the_same_indicators(cli):
    out = subprocess.run([cli, "run", "--format", "json", str(SCARCE)], capture_output=True, check=True)
    report = json.loads(out.stdout)
    with _run(SCARCE) as orch:
        assert report["indicators"] == orch.indicators()
        assert report["statistics"] == orch.stats()


def test_time_series_samples_are_the_state_at_their_ticks():
    with Orchestrator.new(str(SCARCE)) as orch:
        orch.record_timeseries(3)
        states = []
        for _ in range(30):
            orch.tick()
            if orch.current_tick() % 3 == 0:
                states.append(orch.state())
        frame = orch.timeseries_frame()
        system = orch.timeseries_frame(system=True)
        with pytest.raises(InvalidArgumentError):
            orch.record_timeseries(4)
    n = len(states[0]["agents"])
    assert len(frame) == n * len(states)
    for k, state in enumerate(states):
        rows = frame.iloc[k * n : (k + 1) * n]
        assert list(rows["tick"]) == [state["tick"]] * n
        assert list(rows["balance"]) == [a["balance"] for a in state["agents"]]
        assert list(rows["queue2_count"]) == [a["queue2_size"] for a in state["agents"]]
        assert system["queue2_count"].iloc[k] == state["queue2_size"]


def test_balances_from_the_bounds_in_a_scenario_dict():
    scenario = {
        "simulation": {"ticks_per_day": 20, "seed": 5},
        "lsm": {"bilateral": False, "multilateral": False},
        "agents": [
            {
                "id": a,
                "balance": {"times_upper_bound": 1},
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 1,
                    "distribution": {"type": "Uniform", "min": 100, "max": 999},
                    "counterparty_weights": {b: 1},
                },
            }
            for a, b in (("A", "B"), ("B", "A"))
        ],
    }
    with Orchestrator.new(scenario) as orch:
        orch.run(20)
        stats = orch.stats()
    assert stats["settlements_by_mechanism"]["rtgs"] == stats["settlements"] == stats["arrivals"]
    assert stats["delay_indicator"] == 0.0
    scenario["agents"][0]["balance"] = {"between_bounds": 2}
    with pytest.raises(ValueError) as e:
        Orchestrator.new(scenario)
    assert e.value.problems[0]["path"] == "agents[0].balance.between_bounds"


def test_the_time_series_as_an_arrow_table():
    pyarrow = pytest.importorskip("pyarrow")
    with Orchestrator.new(str(SCARCE)) as orch:
        orch.record_timeseries(10)
        orch.run(200)
        table, page = orch.timeseries_arrow(), orch.timeseries()
    assert isinstance(table, pyarrow.Table)
    assert table.num_rows == 6 * 20
    assert table.column("balance").to_pylist() == page["agents"]["balance"]
