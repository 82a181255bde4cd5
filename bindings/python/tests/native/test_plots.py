"""payment_simulator.plots (skipped when the optional matplotlib extra is missing): every line
drawn holds exactly the core's numbers — the indicators' throughput pairs, the time series'
columns, a sweep's (liquidity, ρ)."""

from __future__ import annotations

from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from payment_simulator import plots  # noqa: E402
from payment_simulator._core import Orchestrator  # noqa: E402

ROOT = Path(__file__).resolve().parents[4]
OUTAGE = ROOT / "examples" / "scenarios" / "outage_and_shock.yaml"


@pytest.fixture(scope="module")
def orch():
    o = Orchestrator.new(str(OUTAGE))
    o.record_timeseries(2)
    o.run(o.horizon())
    yield o
    o.close()


def xy(line):
    return [float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]


def test_throughput_draws_each_days_step_function(orch):
    ind = orch.indicators()
    ax = plots.throughput(orch)
    assert len(ax.lines) == len(ind["days"]) == 2
    for line, day in zip(ax.lines, ind["days"]):
        pairs = day["system"]["throughput"]
        assert pairs and pairs[-1][1] == 1.0
        assert xy(line) == ([0.0] + [t for t, _ in pairs], [0.0] + [s for _, s in pairs])
        assert line.get_drawstyle() == "steps-post" and line.get_label() == f"day {day['day']}"
    assert len(plots.throughput(ind, days=[1]).lines) == 1


def test_balance_and_usage_paths_are_the_time_series_of_the_largest_senders(orch):
    ts, ind = orch.timeseries(), orch.indicators()
    top = plots.largest_senders(ind, 2)
    values = sorted((a["sent"]["value"] for a in ind["agents"]), reverse=True)
    assert [next(a["sent"]["value"] for a in ind["agents"] if a["id"] == i) for i in top] == values[:2]
    for fn, column in ((plots.balances, "balance"), (plots.liquidity_usage, "liquidity_usage")):
        ax = fn(orch, top=2)
        assert [line.get_label() for line in ax.lines] == top
        for line, agent in zip(ax.lines, top):
            rows = [i for i, a in enumerate(ts["agents"]["agent"]) if a == agent]
            assert xy(line) == (
                [float(ts["agents"]["tick"][i]) for i in rows],
                [float(ts["agents"][column][i]) for i in rows],
            )
            assert len(rows) == orch.horizon() // 2


def test_paths_and_queues_from_a_dataframe_match_the_orchestrator(orch):
    pytest.importorskip("pandas")
    agents = orch.get_agent_ids()
    from_orch = plots.balances(orch, agents=agents)
    from_frame = plots.balances(orch.timeseries_frame())
    assert [xy(a) for a in from_orch.lines] == [xy(b) for b in from_frame.lines]
    assert [line.get_label() for line in from_frame.lines] == agents
    q = plots.queues(orch.timeseries_frame(system=True))
    system = orch.timeseries()["system"]
    assert [line.get_label() for line in q.lines] == ["Queue 1", "Queue 2"]
    assert xy(q.lines[0]) == ([float(t) for t in system["tick"]], [float(v) for v in system["queue1_count"]])
    assert xy(q.lines[1])[1] == [float(v) for v in system["queue2_count"]]
    assert xy(plots.queues(orch, value=True).lines[1])[1] == [float(v) for v in system["queue2_value"]]
    assert max(system["queue2_count"]) > 0  # something to compare


def _sweep_scenario(alpha: float) -> dict:
    banks = ["A", "B", "C", "D"]
    return {
        "simulation": {"ticks_per_day": 60, "seed": 99},
        "agents": [
            {
                "id": b,
                "balance": {"between_bounds": alpha},
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 0.4,
                    "distribution": {"type": "Uniform", "min": 50000, "max": 250000},
                    "counterparty_weights": {o: 1.0 for o in banks if o != b},
                    "deadline_offset": 60,
                },
            }
            for b in banks
        ],
    }


def test_liquidity_delay_curve_of_a_sweep():
    results = []
    for alpha in (1.0, 0.0, 0.5):  # out of order: the curve is drawn by liquidity
        with Orchestrator.new(_sweep_scenario(alpha)) as o:
            liquidity = sum(o.get_agent_balance(a) for a in o.get_agent_ids())
            o.run(o.horizon())
            results.append({"liquidity": liquidity, "delay_indicator": o.stats()["delay_indicator"]})
    ordered = sorted(results, key=lambda r: r["liquidity"])
    assert ordered[0]["delay_indicator"] > ordered[-1]["delay_indicator"]  # a real trade-off
    ax = plots.liquidity_delay(results, label="LSM on")
    assert xy(ax.lines[0]) == ([float(r["liquidity"]) for r in ordered], [r["delay_indicator"] for r in ordered])
    ax = plots.liquidity_delay([(3, 0.5), (1, 0.9)], ax=ax)
    assert len(ax.lines) == 2 and xy(ax.lines[1]) == ([1.0, 3.0], [0.9, 0.5])


def test_every_chart_returns_matplotlib_axes_and_renders(orch, tmp_path):
    from matplotlib.axes import Axes

    for ax in (plots.throughput(orch), plots.balances(orch), plots.queues(orch), plots.liquidity_delay([(1, 0.1)])):
        assert isinstance(ax, Axes)
        ax.figure.savefig(tmp_path / "chart.png")
        assert (tmp_path / "chart.png").stat().st_size > 1000
    matplotlib.pyplot.close("all")
