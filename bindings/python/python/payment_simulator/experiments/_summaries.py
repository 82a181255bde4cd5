"""The standard study outputs from the runs table of :func:`~payment_simulator.experiments.run`:
the liquidity–delay curve (mean and confidence interval over seeds), comparison tables, and
a plot of the curve. Pure arithmetic on the core's figures; nothing here simulates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

CURVE_METRICS = ("delay_indicator", "mean_delay", "unsettled_value")


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile, by the Cornish–Fisher expansion around the normal one (Abramowitz
    & Stegun 26.7.5; error below 0.002 for df ≥ 3, exact as df grows). No scipy needed."""
    if df <= 0:
        return math.nan
    # The expansion is poor for 1 and 2 degrees of freedom, where the quantile has a closed form.
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _ok(runs):
    return runs[runs["status"] == "ok"]


def liquidity_delay_curve(
    runs,
    x: str = "between_bounds",
    metrics: Sequence[str] = CURVE_METRICS,
    by: Sequence[str] = (),
    confidence: float = 0.95,
):
    """The liquidity–delay curve: per value of the liquidity axis ``x`` (and of the axes in
    ``by``), over the seeds, each metric's ``mean``, ``std``, ``n`` and the ``confidence``
    interval of the mean (``low``, ``high``: mean ± t·std/√n; equal to the mean for n = 1).
    Failed runs are left out. Also the mean ``opening_liquidity``. Returns a DataFrame with
    columns ``metric_mean``, ``metric_low``, …, sorted by ``by`` then ``x``."""
    keys = [*by, x]
    ok = _ok(runs)
    cols = ["opening_liquidity", *metrics]
    grouped = ok.groupby(keys, sort=True)[cols]
    mean, std, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    out = mean[["opening_liquidity"]].rename(columns={"opening_liquidity": "opening_liquidity_mean"})
    p = 0.5 + confidence / 2
    for m in metrics:
        half = [
            t_quantile(p, int(k) - 1) * s / math.sqrt(k) if k > 1 and not math.isnan(s) else 0.0
            for s, k in zip(std[m], n[m])
        ]
        out[f"{m}_mean"] = mean[m]
        out[f"{m}_std"] = std[m].fillna(0.0)
        out[f"{m}_n"] = n[m]
        out[f"{m}_low"] = mean[m] - half
        out[f"{m}_high"] = mean[m] + half
    return out.reset_index()


def compare(runs, by: str | Sequence[str], metrics: Sequence[str] = ("delay_indicator", "unsettled_value", "cost_total")):
    """A comparison table (policies, algorithms, stress cases …): per value of the axes
    ``by``, the mean over the other axes and the seeds of each metric, and the number of runs
    (failed ones left out, ``failed`` counts them)."""
    keys = [by] if isinstance(by, str) else list(by)
    table = _ok(runs).groupby(keys, sort=True)[list(metrics)].mean()
    table["runs"] = _ok(runs).groupby(keys, sort=True).size()
    table["failed"] = runs[runs["status"] != "ok"].groupby(keys).size().reindex(table.index, fill_value=0)
    return table


def plot_liquidity_delay(curve, metric: str = "delay_indicator", x: str = "opening_liquidity_mean", ax: Any = None, label: str | None = None):
    """Plot a :func:`liquidity_delay_curve` with its confidence band
    (:func:`payment_simulator.plots.liquidity_delay_band`; needs matplotlib, the ``plots``
    extra). Returns the axes."""
    from ..plots import liquidity_delay_band

    return liquidity_delay_band(curve, metric=metric, x=x, ax=ax, label=label)


def pure_equilibria(participants, players: Sequence[str], by: Sequence[str] = (), cost: str = "cost_total"):
    """The pure-strategy Nash equilibria of a game swept as an experiment: each name in
    ``players`` is both an axis (the player's strategy) and a participant id (whose ``cost``
    it bears). Per value of the axes ``by``: every strategy profile, each player's cost, and
    ``equilibrium`` — no player can lower its own cost by changing its strategy alone (ties
    count as no gain). Failed runs have no participant rows, so their profiles are missing."""
    players = list(players)
    keys = [*by, *players]
    costs = participants[participants["participant"].isin(players)].pivot_table(
        index=keys, columns="participant", values=cost, aggfunc="mean"
    )
    strategies = {p: sorted(participants[p].unique(), key=str) for p in players}
    rows = []
    for profile, row in costs.iterrows():
        profile = profile if isinstance(profile, tuple) else (profile,)
        fixed, chosen = profile[: len(by)], dict(zip(players, profile[len(by) :]))
        stable = True
        for p in players:
            for other in strategies[p]:
                if other == chosen[p]:
                    continue
                alt = tuple(other if q == p else chosen[q] for q in players)
                key = (*fixed, *alt)
                if key in costs.index and costs.loc[key, p] < row[p]:
                    stable = False
        rows.append({**dict(zip(by, fixed)), **chosen, **{f"cost_{p}": row[p] for p in players}, "equilibrium": stable})
    import pandas as pd

    return pd.DataFrame(rows)
