"""Experiments: a base scenario swept over axes and seeds (docs/experiments.md).

The core expands an experiment into points, checks every point, runs a point and builds its
record (``psim_experiment_*``); this package only ships points to an executor and shapes the
records into tables:

- :func:`run` runs every point on any ``concurrent.futures.Executor`` (default: a process
  pool over all cores; a Dask ``distributed.Client`` works too) and returns :class:`Results`
  (a runs table and a per-participant table, pandas DataFrames);
- :func:`expand` lists the points without running them;
- :func:`liquidity_delay_curve`, :func:`compare`, :func:`pure_equilibria` and :func:`plot_liquidity_delay`
  summarise.

Importing this module needs nothing optional: pandas, tqdm, pyarrow and dask (the
``experiments`` extra) and matplotlib (``plots``) are imported when a function needs them.
"""

from __future__ import annotations

from ._points import expand, experiment_texts, run_point
from ._runner import Results, run
from ._summaries import compare, liquidity_delay_curve, plot_liquidity_delay, pure_equilibria, t_quantile

__all__ = [
    "Results",
    "compare",
    "expand",
    "experiment_texts",
    "liquidity_delay_curve",
    "plot_liquidity_delay",
    "pure_equilibria",
    "run",
    "run_point",
    "t_quantile",
]
