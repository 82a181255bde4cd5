"""Rebuilding a stored simulation: snapshot (or configuration), then the log replayed.

Replay moves events to the database as the first run did — in slices, discarding them from the
engine — writing only those the table lacks (an old snapshot still holds its whole history, which
moves to the table here, once). Afterwards, event rows beyond the replayed state (written by a
request whose operation was never committed) are pruned.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from .._core import Orchestrator, native_version
from .persistence import Store, StoredSimulation
from .runner import ENGINE_PAGE, Blocks, Bounds, advance, drain

log = logging.getLogger("payment_simulator.api")


class RestoreError(RuntimeError):
    """A stored simulation could not be rebuilt (corrupt data, or an engine that replays differently)."""


@dataclass
class Rebuilt:
    orchestrator: Orchestrator
    events_through: int  # the last event sequence number the engine reached (all of them stored)


def rebuild(store: Store, stored: StoredSimulation, event_cap: int) -> Rebuilt:
    """The simulation ``stored`` describes, its events all in ``store`` and none left in the
    engine. Raises RestoreError (or the library's error) when it cannot be rebuilt."""
    if stored.ops and stored.engine_version != native_version():
        log.warning(
            "simulation %s was logged by engine %s and is replayed by %s",
            stored.sim_id,
            stored.engine_version,
            native_version(),
        )
    if stored.snapshot is not None:
        orchestrator = Orchestrator.restore(stored.snapshot)
        through = stored.events_through
    else:
        orchestrator = Orchestrator.new(json.loads(stored.config))
        through = 0
    skip = stored.stored_events_through  # events up to here are in the database already

    def spill(blocks: Blocks) -> None:
        store.add_events(stored.sim_id, blocks)

    def take_events(min_events: int = ENGINE_PAGE) -> None:
        nonlocal through
        blocks, through = drain(orchestrator, through, skip, min_events)
        spill(blocks)

    try:
        take_events(0)  # an old snapshot's history
        expected_seq = stored.snapshot_seq + 1
        for op in stored.ops:
            if op.seq != expected_seq:
                raise RestoreError(f"operation log has a gap: expected #{expected_seq}, found #{op.seq}")
            expected_seq += 1
            if op.kind == "run":
                done = advance(orchestrator, int(op.arg), Bounds(event_cap), spill, through, skip)
                spill(done.blocks)
                through = done.events_through
            else:
                tx_id = orchestrator.submit_transaction(json.loads(op.arg))
                if tx_id != op.tx_id:
                    raise RestoreError(f"operation #{op.seq} replayed as {tx_id!r}, logged as {op.tx_id!r}")
                take_events()
            if orchestrator.current_tick() != op.tick_after:
                raise RestoreError(
                    f"operation #{op.seq} replayed to tick {orchestrator.current_tick()}, logged at {op.tick_after}"
                )
        take_events(0)  # all of them: `through` is then the end of the committed history
        pruned = store.prune_events(stored.sim_id, through)
        if pruned:
            log.info("simulation %s: %d event(s) of an uncommitted change removed", stored.sim_id, pruned)
    except BaseException:
        orchestrator.close()
        raise
    return Rebuilt(orchestrator, through)


__all__ = ["RestoreError", "Rebuilt", "rebuild"]
