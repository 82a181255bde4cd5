"""SimulationManager: create, drive, inspect and delete simulations by id.

Thread-safe, unlike the seed's: a manager lock guards the registry (held only briefly), and a
lock per simulation makes each operation on one simulation atomic (``tick(id, n)`` runs its n
ticks without interleaving). Operations on different simulations run in parallel, since cffi
releases the GIL inside the library.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .._core import Orchestrator
from ..config import SimulationConfig
from ..errors import InvalidArgumentError, SimulationNotFoundError


class _Entry:
    __slots__ = ("orchestrator", "lock", "deleted")

    def __init__(self, orchestrator: Orchestrator):
        self.orchestrator = orchestrator
        self.lock = threading.Lock()
        self.deleted = False


class SimulationManager:
    """Simulations keyed by a generated id (a UUID string)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._simulations: dict[str, _Entry] = {}

    def create(self, config: SimulationConfig | Mapping[str, Any] | str | os.PathLike) -> str:
        """Create a simulation from a SimulationConfig, a scenario- or machine-format dict or
        a path (whatever ``Orchestrator.new`` takes)."""
        orchestrator = Orchestrator.new(config)  # outside the lock: may be slow
        sim_id = str(uuid.uuid4())
        with self._lock:
            self._simulations[sim_id] = _Entry(orchestrator)
        return sim_id

    def restore(self, snapshot: str, sim_id: str | None = None) -> str:
        """Register a simulation restored from a snapshot (under ``sim_id`` if given)."""
        entry = _Entry(Orchestrator.restore(snapshot))
        sim_id = sim_id or str(uuid.uuid4())
        with self._lock:
            if sim_id in self._simulations:
                entry.orchestrator.close()
                raise InvalidArgumentError(f"simulation {sim_id!r} already exists")
            self._simulations[sim_id] = entry
        return sim_id

    @contextmanager
    def _using(self, sim_id: str) -> Iterator[Orchestrator]:
        with self._lock:
            entry = self._simulations.get(sim_id)
        if entry is None:
            raise SimulationNotFoundError(f"simulation not found: {sim_id!r}")
        with entry.lock:
            if entry.deleted:  # deleted while this call waited for the lock
                raise SimulationNotFoundError(f"simulation not found: {sim_id!r}")
            yield entry.orchestrator

    def tick(self, sim_id: str, n: int = 1) -> dict:
        """Run ``n`` ticks (n ≥ 1); the last tick's result, as the seed returns it."""
        if n < 1:
            raise InvalidArgumentError(f"n must be at least 1 (got {n})")
        with self._using(sim_id) as orchestrator:
            # One boundary crossing for many ticks; run()'s summary carries the last result.
            return orchestrator.tick() if n == 1 else orchestrator.run(n)["last"]

    def run(self, sim_id: str, ticks: int, max_transactions: int | None = None) -> dict:
        """Run ``ticks`` ticks; the run summary (sums over the run and ``last``). With
        ``max_transactions``, a budgeted run (see ``Orchestrator.run``)."""
        with self._using(sim_id) as orchestrator:
            return orchestrator.run(ticks, max_transactions)

    def workload(self, sim_id: str) -> dict:
        """The simulation's expected work per tick and what it holds (``Orchestrator.workload``)."""
        with self._using(sim_id) as orchestrator:
            return orchestrator.workload()

    def get_state(self, sim_id: str) -> dict:
        with self._using(sim_id) as orchestrator:
            return orchestrator.state()

    def get_stats(self, sim_id: str) -> dict:
        with self._using(sim_id) as orchestrator:
            return orchestrator.stats()

    def get_events(self, sim_id: str, since: int = 0) -> list[dict]:
        with self._using(sim_id) as orchestrator:
            return orchestrator.events(since)

    def snapshot(self, sim_id: str) -> str:
        with self._using(sim_id) as orchestrator:
            return orchestrator.snapshot()

    def submit_transaction(self, sim_id: str, tx_spec: Mapping[str, Any]) -> str:
        """Submit a payment order; its transaction id."""
        with self._using(sim_id) as orchestrator:
            return orchestrator.submit_transaction(tx_spec)

    def delete(self, sim_id: str) -> None:
        """Remove and free a simulation; SimulationNotFoundError (a KeyError) if unknown."""
        with self._lock:
            entry = self._simulations.pop(sim_id, None)
        if entry is None:
            raise SimulationNotFoundError(f"simulation not found: {sim_id!r}")
        with entry.lock:  # waits for an operation in flight
            entry.deleted = True
            entry.orchestrator.close()

    def exists(self, sim_id: str) -> bool:
        with self._lock:
            return sim_id in self._simulations

    def list(self) -> list[str]:
        """Ids of all simulations, in creation order."""
        with self._lock:
            return list(self._simulations)

    list_simulations = list  # the seed's name

    def close(self) -> None:
        """Delete every simulation."""
        for sim_id in self.list():
            try:
                self.delete(sim_id)
            except SimulationNotFoundError:
                pass  # deleted concurrently

    def __len__(self) -> int:
        with self._lock:
            return len(self._simulations)
