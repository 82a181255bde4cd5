"""Driving one engine within bounds: runs in slices, events drained to the caller as they come.

A long run is cut into slices so that the engine never holds much more than
``Settings.max_events_in_memory`` events: after each slice its events are taken out of the
engine (``Orchestrator.events``), handed over as ``(seq, json)`` rows, and discarded from it
(``Orchestrator.discard_events``). Each slice is a budgeted run (``Orchestrator.run(ticks,
max_transactions=…)``), so the number of transactions a slice — and a whole request — creates
is bounded whatever the random draws; ticks are never cut.

Nothing here knows about HTTP or storage: :mod:`.service` decides what the rows become.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._core import Orchestrator

#: At most this many events per created transaction: an order records arrival, held, released,
#: split (when split), and — itself or each of its parts — queued, settled or dropped, overdue
#: (7 in all; one more for margin). Plus one end-of-day event per tick at most.
EVENTS_PER_TRANSACTION = 8
#: Events taken from the engine per call: its JSON (~1 MB) is parsed in one step holding the
#: GIL, so this bounds how long a drain can keep the event loop waiting.
ENGINE_PAGE = 10_000

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_SUMMED = (
    "num_arrivals",
    "num_settlements",
    "num_drops",
    "num_splits",
    "lsm_bilateral_releases",
    "lsm_cycle_releases",
    "settled_value",
    "total_liquidity_cost",
    "total_delay_cost",
    "total_split_cost",
    "total_deadline_penalty",
    "total_eod_penalty",
    "total_cost",
)

Rows = list[tuple[int, str]]


def _event_json(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def drain(orchestrator: Orchestrator, skip_through: int = 0) -> tuple[Rows, int | None]:
    """Take every event the engine holds out of it: the rows with ``seq > skip_through`` (those
    at or below it are stored already) and the last sequence number taken (None: it held none)."""
    rows: Rows = []
    last: int | None = None
    while True:
        page = orchestrator.events(0, limit=ENGINE_PAGE)  # since 0: from the first one it holds
        if not page:
            break
        last = page[-1]["seq"]
        rows.extend((e["seq"], _event_json(e)) for e in page if e["seq"] > skip_through)
        orchestrator.discard_events(last)
        if len(page) < ENGINE_PAGE:
            break
    return rows, last


@dataclass(frozen=True)
class Bounds:
    """What one advance may do. ``budget`` (transactions created) and ``live_cap`` (unsettled
    transactions held) are None when replaying work that was already accepted."""

    event_cap: int
    budget: int | None = None
    live_cap: int | None = None


@dataclass
class Advance:
    """What an advance did: the run summary over every slice (with ``stopped_by_budget``), the
    events of the last slice still to store, and the last event sequence number drained."""

    summary: dict[str, Any]
    rows: Rows
    events_through: int | None


def _merge(total: dict[str, Any] | None, part: dict[str, Any]) -> dict[str, Any]:
    if total is None:
        return dict(part)
    merged = dict(total)
    merged["ticks_run"] = total["ticks_run"] + part["ticks_run"]
    merged["last_tick"] = part["last_tick"]
    for key in _SUMMED:  # the core saturates these sums at the i64 range
        merged[key] = min(max(total[key] + part[key], _I64_MIN), _I64_MAX)
    merged["last"] = part["last"]
    return merged


def created_at_most(summary: dict[str, Any], max_per_order: int) -> int:
    """Transactions a run summary's ticks created, at most: the core's count when it gives one,
    else every arriving order counted at its maximum number of parts."""
    exact = summary.get("transactions_created")
    return int(exact) if exact is not None else summary["num_arrivals"] * max(1, max_per_order)


def advance(
    orchestrator: Orchestrator,
    ticks: int,
    bounds: Bounds,
    spill: Callable[[Rows], None],
    skip_through: int = 0,
) -> Advance:
    """Run up to ``ticks`` ticks in slices of about ``bounds.event_cap`` events. The events of
    every slice but the last go to ``spill`` as soon as the slice is done; the last slice's
    are returned (the caller stores them with the operation). Stops early — ``summary
    ["stopped_by_budget"]`` — once ``bounds.budget`` transactions are created or the engine
    holds ``bounds.live_cap`` unsettled ones; at least one tick runs."""
    workload = orchestrator.workload()
    per_order = int(workload["max_transactions_per_order"])
    per_tick = float(workload["expected_transactions_per_tick"])
    slice_ticks = max(1, math.floor(bounds.event_cap / (EVENTS_PER_TRANSACTION * per_tick + 1)))
    slice_budget = max(1, bounds.event_cap // EVENTS_PER_TRANSACTION)
    total: dict[str, Any] | None = None
    rows: Rows = []
    through: int | None = None
    created = 0
    stopped = False
    live = int(workload["live_transactions"])
    while True:
        left = ticks - (total["ticks_run"] if total else 0)
        budget = slice_budget
        if bounds.budget is not None:
            budget = min(budget, bounds.budget - created)
        if bounds.live_cap is not None:  # what a slice creates bounds how far its queues grow
            budget = min(budget, bounds.live_cap - live)
        part = orchestrator.run(min(left, slice_ticks), max_transactions=max(1, budget))
        total = _merge(total, part)
        created += created_at_most(part, per_order)
        if rows:
            spill(rows)
        rows, last = drain(orchestrator, skip_through)
        through = last if last is not None else through
        if total["ticks_run"] >= ticks:
            break
        if bounds.budget is not None and created >= bounds.budget:
            stopped = True
            break
        if bounds.live_cap is not None:
            live = int(orchestrator.workload()["live_transactions"])
            if live >= bounds.live_cap:
                stopped = True
                break
    total["stopped_by_budget"] = stopped
    return Advance(total, rows, through)


__all__ = ["Advance", "Bounds", "Rows", "advance", "drain", "created_at_most", "EVENTS_PER_TRANSACTION"]
