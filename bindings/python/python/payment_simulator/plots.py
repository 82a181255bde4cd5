"""matplotlib charts of a run (the optional ``plots`` extra: ``pip install 'payment-simulator[plots]'``).

The same charts as ``payment-sim report``: the throughput curve of each day, balance and
liquidity-usage paths, Queue 1 / Queue 2 sizes, and the liquidity–delay curve of a sweep. Every
plotted number is one of the core's (its indicators and time-series documents, or a DataFrame of
the latter); these functions only draw. Each returns the matplotlib ``Axes`` it drew on (a new
figure's unless ``ax`` is given), so it can be styled further or saved::

    from payment_simulator import plots
    orch.record_timeseries(1); orch.run(orch.horizon())
    plots.balances(orch, top=5).figure.savefig("balances.png")

The paths need the time-series recorder (``Orchestrator.record_timeseries``) to have been on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("matplotlib is not installed: pip install 'payment-simulator[plots]'") from None
    return plt


def _axes(ax):
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(9, 4))
    return ax


def _is_orchestrator(source: Any) -> bool:
    return hasattr(source, "timeseries") and hasattr(source, "indicators") and callable(source.indicators)


def _columns(source: Any, system: bool) -> dict[str, list]:
    """Time-series columns from an Orchestrator, a page dict or a DataFrame."""
    if _is_orchestrator(source):
        source = source.timeseries()
    if isinstance(source, Mapping):
        if "agents" in source or "system" in source:
            return {k: list(v) for k, v in source["system" if system else "agents"].items()}
        return {k: list(v) for k, v in source.items()}
    if hasattr(source, "to_dict"):  # a pandas DataFrame (timeseries_frame / timeseries_to_pandas)
        return {str(k): list(v) for k, v in source.to_dict(orient="list").items()}
    raise TypeError(f"expected an Orchestrator, a time-series page or a DataFrame, got {type(source).__name__}")


def largest_senders(indicators: Mapping, top: int) -> list[str]:
    """The ids of the ``top`` participants with the largest ``sent.value`` in the indicators
    document, largest first (ties in configuration order) — the agents ``payment-sim report``
    draws."""
    agents = list(indicators["agents"])
    order = sorted(range(len(agents)), key=lambda i: (-agents[i]["sent"]["value"], i))
    return [agents[i]["id"] for i in order[:top]]


def throughput(source: Any, ax=None, days: Iterable[int] | None = None):
    """The throughput curve of each day (system): the cumulative share of the day's settled
    value by tick of the day, drawn as the documented step function (0 before the first pair).
    ``source`` is an Orchestrator or an indicators document; ``days`` picks days (default all)."""
    indicators = source.indicators() if _is_orchestrator(source) else source
    ax = _axes(ax)
    wanted = None if days is None else set(days)
    for day in indicators["days"]:
        if wanted is not None and day["day"] not in wanted:
            continue
        pairs = day["system"].get("throughput") or []
        ticks = [0] + [t for t, _ in pairs]
        shares = [0.0] + [s for _, s in pairs]
        ax.step(ticks, shares, where="post", label=f"day {day['day']}")
    ax.set_xlim(0, max(indicators["ticks_per_day"] - 1, 1))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("tick of the day")
    ax.set_ylabel("share of the day's settled value")
    ax.set_title("Throughput curve")
    if ax.lines:
        ax.legend(loc="lower right")
    return ax


def _paths(source: Any, column: str, agents: Sequence[str] | None, top: int, ax, title: str):
    if agents is None and _is_orchestrator(source):
        agents = largest_senders(source.indicators(), top)
    cols = _columns(source, system=False)
    if agents is None:  # a page or a frame alone: its first `top` agents, in its order
        agents = list(dict.fromkeys(cols["agent"]))[:top]
    ax = _axes(ax)
    for agent in agents:
        rows = [i for i, a in enumerate(cols["agent"]) if a == agent]
        ax.plot([cols["tick"][i] for i in rows], [cols[column][i] for i in rows], label=agent)
    ax.set_xlabel("ticks run")
    ax.set_ylabel(f"{column.replace('_', ' ')} (cents)")
    ax.set_title(title)
    if ax.lines:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return ax


def balances(source: Any, agents: Sequence[str] | None = None, top: int = 10, ax=None):
    """Each participant's balance over time. ``source``: an Orchestrator (then ``agents``
    defaults to the ``top`` largest senders), a time-series page, or its per-agent DataFrame
    (then the first ``top`` agents unless ``agents`` is given)."""
    return _paths(source, "balance", agents, top, ax, "Balances")


def liquidity_usage(source: Any, agents: Sequence[str] | None = None, top: int = 10, ax=None):
    """Each participant's liquidity usage (net debit since the start of the day) over time;
    arguments as for :func:`balances`."""
    return _paths(source, "liquidity_usage", agents, top, ax, "Liquidity usage")


def queues(source: Any, ax=None, value: bool = False):
    """Queue 1 and Queue 2 over time, all participants: payments queued (``value=True``: their
    value). ``source``: an Orchestrator, a time-series page or its ``system`` DataFrame."""
    cols = _columns(source, system=True)
    kind = "value" if value else "count"
    ax = _axes(ax)
    for queue in ("queue1", "queue2"):
        ax.plot(cols["tick"], cols[f"{queue}_{kind}"], label=f"Queue {queue[-1]}")
    ax.set_xlabel("ticks run")
    ax.set_ylabel("value queued (cents)" if value else "payments queued")
    ax.set_title("Queues")
    ax.legend()
    return ax


def liquidity_delay(results: Iterable[Any], ax=None, label: str | None = None):
    """The liquidity–delay curve of a sweep: ρ against the liquidity provided, points in order
    of liquidity. ``results``: ``(liquidity, rho)`` pairs, or mappings with ``liquidity`` and
    ``delay_indicator`` (or ``rho``). Call again with the same ``ax`` to compare sweeps."""
    points = []
    for r in results:
        if isinstance(r, Mapping):
            points.append((r["liquidity"], r["delay_indicator"] if "delay_indicator" in r else r["rho"]))
        else:
            liquidity, rho = r
            points.append((liquidity, rho))
    points.sort(key=lambda p: p[0])
    ax = _axes(ax)
    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
    ax.set_xlabel("liquidity (cents)")
    ax.set_ylabel("delay indicator ρ")
    ax.set_title("Liquidity–delay curve")
    if label is not None:
        ax.legend()
    return ax


def liquidity_delay_band(curve: Any, metric: str = "delay_indicator", x: str = "opening_liquidity_mean", ax=None, label: str | None = None):
    """The liquidity–delay curve of an experiment with its confidence band: the mean of
    ``metric`` against ``x`` (by default the mean opening liquidity) from
    :func:`payment_simulator.experiments.liquidity_delay_curve` (columns ``metric_mean``,
    ``metric_low``, ``metric_high``). Call again with the same ``ax`` to compare sweeps."""
    ax = _axes(ax)
    ax.plot(curve[x], curve[f"{metric}_mean"], marker="o", label=label)
    ax.fill_between(curve[x], curve[f"{metric}_low"], curve[f"{metric}_high"], alpha=0.25)
    ax.set_xlabel("liquidity (cents)" if x == "opening_liquidity_mean" else x)
    ax.set_ylabel(metric)
    ax.set_title("Liquidity–delay curve")
    ax.grid(True, alpha=0.3)
    if label is not None:
        ax.legend()
    return ax
