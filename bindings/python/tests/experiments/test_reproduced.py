"""Published results reproduced by the shipped experiments, numbers checked:

- Bech & Garratt (2003), the intraday liquidity management game with priced credit: the costs
  of every strategy pair, early–early the unique equilibrium while the credit fee is below the
  delay cost, early–early and late–late both equilibria above it;
- the liquidity–delay trade-off (Leinonen & Soramäki): in a strict-FIFO scenario without
  offsetting, no delay at the upper bound and mean delay over the seeds falling from LB to UB;
- the example notebook runs end to end.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from payment_simulator import experiments

pd = pytest.importorskip("pandas")

REPO = Path(__file__).resolve().parents[4]
EXAMPLES = REPO / "examples" / "experiments"
DELAY_COST = 100  # delay_cost_per_tick in bech_garratt.yaml; the fee F is the axis value (cents)


def test_bech_garratt_costs_and_equilibria():
    results = experiments.run(EXAMPLES / "bech_garratt.yaml", max_workers=2)
    assert (results.runs["status"] == "ok").all()
    game = experiments.pure_equilibria(results.participants, players=["A", "B"], by=["fee"])
    for fee, table in game.groupby("fee"):
        cost = {(r.A, r.B): (r.cost_A, r.cost_B) for r in table.itertuples()}
        d = DELAY_COST
        assert cost == {
            ("early", "early"): (0, 0),
            ("early", "late"): (fee, d),
            ("late", "early"): (d, fee),
            ("late", "late"): (d, d),
        }, fee
        equilibria = {(r.A, r.B) for r in table.itertuples() if r.equilibrium}
        if fee < d:
            assert equilibria == {("early", "early")}, fee
        else:
            assert equilibria == {("early", "early"), ("late", "late")}, fee


def test_liquidity_delay_trade_off_in_strict_fifo_without_offsetting():
    results = experiments.run(EXAMPLES / "liquidity_delay.yaml", max_workers=2)
    runs = results.runs
    assert (runs["status"] == "ok").all() and len(runs) == 60
    at_ub = runs[runs["between_bounds"] == 1.0]
    assert (at_ub["mean_delay"] == 0).all() and (at_ub["delay_indicator"] == 0).all()
    curve = experiments.liquidity_delay_curve(runs)
    assert list(curve["between_bounds"]) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    delay = list(curve["mean_delay_mean"])
    assert all(a > b for a, b in zip(delay, delay[1:])), delay
    rho = list(curve["delay_indicator_mean"])
    assert all(a > b for a, b in zip(rho, rho[1:])), rho
    assert (curve["opening_liquidity_mean"].diff().dropna() > 0).all()
    # The interval holds the mean, and is t·s/√n wide.
    row = curve.iloc[0]
    half = experiments.t_quantile(0.975, 9) * row["mean_delay_std"] / 10**0.5
    assert row["mean_delay_high"] - row["mean_delay_mean"] == pytest.approx(half)


def test_t_quantile():
    assert experiments.t_quantile(0.975, 9) == pytest.approx(2.2622, abs=2e-3)
    assert experiments.t_quantile(0.975, 30) == pytest.approx(2.0423, abs=1e-3)
    assert experiments.t_quantile(0.95, 4) == pytest.approx(2.1318, abs=5e-3)
    # 2 and 3 seeds: the closed forms (tables: 12.706, 4.303).
    assert experiments.t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-3)
    assert experiments.t_quantile(0.975, 2) == pytest.approx(4.3027, abs=1e-3)


def test_the_example_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "liquidity_delay.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    )
    client.execute(env=dict(os.environ, MPLBACKEND="Agg"))
    outputs = "".join(
        o.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    )
    assert "delay falls from LB to UB: True" in outputs
