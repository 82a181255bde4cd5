"""Driving one engine within bounds: runs in slices, events drained to the caller as they come.

A long run is cut into slices so that the engine never holds much more than
``Settings.max_events_in_memory`` events: after each slice its events are taken out of the
engine (``Orchestrator.events_json``), handed over as blocks of their JSON, and discarded from it
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
from .persistence import EventBlock

#: At most this many events per created transaction: an order records arrival, held, released,
#: split (when split), and — itself or each of its parts — queued, settled or dropped, overdue
#: (7 in all; one more for margin). Plus one end-of-day event per tick at most.
EVENTS_PER_TRANSACTION = 8
#: Events taken from the engine per call, and stored as one block: the core renders them, Python
#: only cuts its JSON array out of the page, so a block costs no Python work per event; reading
#: one back parses at most this many events.
ENGINE_PAGE = 1_000

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

Blocks = list[EventBlock]
_EVENTS_KEY = '"events":'


def _compact(events: list[dict[str, Any]]) -> str:
    return json.dumps(events, ensure_ascii=False, separators=(",", ":"))


def _page(text: str) -> tuple[int, str]:
    """``(last_seq, JSON array of the events)`` of the core's events page, cutting the array out
    of the text (the core writes ``events`` last) rather than parsing it."""
    at = text.find(_EVENTS_KEY)
    if at >= 0:
        array = text[at + len(_EVENTS_KEY) :].rstrip()
        if array.endswith("}"):
            array = array[:-1].rstrip()
            if array.startswith("[") and array.endswith("]"):
                return int(json.loads(text[:at] + '"events":[]}')["last_seq"]), array
    document = json.loads(text)  # another layout: parse it after all
    return int(document["last_seq"]), _compact(document["events"])


def drain(orchestrator: Orchestrator, through: int, skip_through: int = 0) -> tuple[Blocks, int]:
    """Take every event the engine holds after ``through`` (the last one already taken) out of
    it, as blocks of consecutive events; returns them (less those with ``seq <=
    skip_through``, stored already) and the new ``through``. Recorded sequence numbers are
    contiguous, so a page of ``k`` events after ``through`` is ``through + 1 … through + k``."""
    blocks: Blocks = []
    while True:
        last_seq, array = _page(orchestrator.events_json(through, ENGINE_PAGE))
        if last_seq <= through:
            return blocks, through
        first, last = through + 1, min(through + ENGINE_PAGE, last_seq)
        if array.count('"seq":') != last - first + 1:  # (a key: a string value would escape its quotes)
            raise RuntimeError(f"events {first}–{last} are not the page the engine gave")
        if last > skip_through:
            if first <= skip_through:  # partly stored: keep the rest
                array = _compact([e for e in json.loads(array) if e["seq"] > skip_through])
                first = skip_through + 1
            blocks.append((first, last, array))
        orchestrator.discard_events(last)
        through = last
        if last == last_seq:  # that was all of them
            return blocks, through


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
    events of the last slice still to store, and the last event sequence number taken."""

    summary: dict[str, Any]
    blocks: Blocks
    events_through: int


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
    spill: Callable[[Blocks], None],
    through: int,
    skip_through: int = 0,
    workload: dict[str, Any] | None = None,
) -> Advance:
    """Run up to ``ticks`` ticks in slices of about ``bounds.event_cap`` events. The events of
    every slice but the last go to ``spill`` as soon as the slice is done; the last slice's
    are returned (the caller stores them with the operation). ``through`` is the last event
    already taken from the engine. Stops early — ``summary["stopped_by_budget"]`` — once
    ``bounds.budget`` transactions are created or the engine holds ``bounds.live_cap``
    unsettled ones; at least one tick runs. ``workload``: the engine's, if the caller has it."""
    workload = workload or orchestrator.workload()
    per_order = int(workload["max_transactions_per_order"])
    per_tick = float(workload["expected_transactions_per_tick"])
    slice_ticks = max(1, math.floor(bounds.event_cap / (EVENTS_PER_TRANSACTION * per_tick + 1)))
    slice_budget = max(1, bounds.event_cap // EVENTS_PER_TRANSACTION)
    total: dict[str, Any] | None = None
    blocks: Blocks = []
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
        if blocks:
            spill(blocks)
        blocks, through = drain(orchestrator, through, skip_through)
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
    total.pop("transactions_created", None)  # of the last slice only: not the request's
    return Advance(total, blocks, through)


__all__ = ["Advance", "Blocks", "Bounds", "advance", "drain", "created_at_most", "EVENTS_PER_TRANSACTION"]
