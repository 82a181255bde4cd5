"""pandas views of the engine's plain-Python output (the optional ``pandas`` extra).

Everything the engine returns is already plain dicts and lists; these helpers only shape it for
analysis. pandas is imported on first use, so the package does not depend on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("pandas is not installed: pip install 'payment-simulator[pandas]'") from None
    return pandas


def ticks_to_pandas(results: Iterable[Mapping[str, Any]]):
    """Tick results (from ``tick()`` or ``run(n)["last"]``) as a DataFrame indexed by tick."""
    frame = _pandas().DataFrame.from_records(list(results))
    return frame.set_index("tick") if "tick" in frame.columns else frame


def events_to_pandas(events: Iterable[Mapping[str, Any]]):
    """Events as a DataFrame, one row per event; nested fields become ``a.b`` columns."""
    return _pandas().json_normalize(list(events))


def stats_to_pandas(stats: Mapping[str, Any]):
    """Statistics totals as a Series (nested dicts flattened to ``a.b``); per-agent lists are
    left out: use :func:`agents_to_pandas` for those."""
    flat = _pandas().json_normalize(dict(stats)).iloc[0]
    return flat[[not isinstance(v, list) for v in flat.values]]


def agents_to_pandas(document: Mapping[str, Any]):
    """The ``agents`` list of a state or statistics document as a DataFrame indexed by id."""
    frame = _pandas().json_normalize(list(document["agents"]))
    return frame.set_index("id") if "id" in frame.columns else frame


def timeseries_to_pandas(page: Mapping[str, Any], system: bool = False):
    """A time-series page (``Orchestrator.timeseries()``) as a DataFrame: its per-agent columns
    (one row per agent per sample), or its ``system`` columns (one row per sample)."""
    return _pandas().DataFrame(dict(page["system" if system else "agents"]))


def timeseries_to_arrow(page: Mapping[str, Any], system: bool = False):
    """The same columns as a pyarrow Table (pyarrow must be installed)."""
    try:
        import pyarrow
    except ImportError:
        raise ImportError("pyarrow is not installed: pip install pyarrow") from None
    return pyarrow.table(dict(page["system" if system else "agents"]))


def stress_to_pandas(report: Mapping[str, Any]):
    """A stress report (:func:`payment_simulator.stress`) as a DataFrame: one row per variant
    and participant, indexed by (scenario, stressed, participant), with the variant's type and
    damage and the participant's changes (``liquidity_min``, ``unsettled_value``, ...)."""
    rows = [
        {
            "scenario": v["scenario"],
            "type": v["type"],
            "stressed": v["participant"],
            "damage": v["damage"],
            **{("participant" if k == "id" else k): value for k, value in p.items()},
        }
        for v in report["variants"]
        for p in v["participants"]
    ]
    frame = _pandas().DataFrame.from_records(rows)
    return frame.set_index(["scenario", "stressed", "participant"]) if rows else frame


__all__ = [
    "ticks_to_pandas",
    "events_to_pandas",
    "stats_to_pandas",
    "agents_to_pandas",
    "timeseries_to_pandas",
    "timeseries_to_arrow",
    "stress_to_pandas",
]
