"""The simulations a server holds: engine calls, limits, locking and durability.

Each simulation is an :class:`~payment_simulator.Orchestrator` behind its own lock: requests to
one simulation are serialised (an operation and its log record happen under that lock, so the
log's order is the execution order); requests to different simulations run in parallel (cffi
releases the GIL inside the library).

**Acknowledged means stored.** A change (ticks, a submission) runs in memory and is then
committed to the database *before* the response is sent; if the commit fails, the in-memory
simulation is dropped and rebuilt from disk on next use, and the client gets a 503 — so what a
client saw acknowledged is exactly what a restart rebuilds. A created simulation is committed
before its id is returned; a deleted one is gone from disk before the 200.

Simulations found on disk at start are rebuilt lazily, on first use (snapshot + log replay).

**Bounded work and memory.** A tick or run request is refused before any work when it is
expected to create more transactions than ``max_transactions_per_request`` (:mod:`.budgets`,
from the core's own figures), and it runs budgeted and in slices (:mod:`.runner`): events move
to the database as each slice ends and are discarded from the engine, so a simulation holds
about ``max_events_in_memory`` events at most and a snapshot none.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .._core import Orchestrator, native_version
from ..config import SimulationConfig
from ..errors import InvalidArgumentError, InvalidConfigError, InvalidJsonError, InvalidUtf8Error, UnknownAgentError
from .budgets import creation_error, live_error, request_error
from .errors import ApiError, from_library, invalid_config
from .feeds import FeedsMixin
from .payments import PaymentsMixin
from .persistence import Op, StorageError, Store
from .restore import RestoreError, rebuild
from .runner import ENGINE_PAGE, Blocks, Bounds, advance, drain
from .settings import Settings

log = logging.getLogger("payment_simulator.api")


class _Entry:
    __slots__ = (
        "sim_id",
        "lock",
        "orchestrator",
        "deleted",
        "horizon",
        "next_seq",
        "ops_since",
        "ticks_since",
        "work_since",
        "snapshot_cost",
        "events_through",
    )

    def __init__(self, sim_id: str, orchestrator: Orchestrator | None = None):
        self.sim_id = sim_id
        self.lock = threading.Lock()
        self.orchestrator = orchestrator
        self.deleted = False
        self.horizon = orchestrator.horizon() if orchestrator is not None else 0
        self.next_seq = 1  # of the next logged operation
        self.ops_since = 0  # operations logged since the last snapshot
        self.ticks_since = 0  # ticks run since the last snapshot
        self.work_since = 0.0  # engine seconds spent on changes since the last snapshot
        self.snapshot_cost = 0.0  # seconds the last snapshot took (estimated after a restart)
        self.events_through = 0  # the last event moved from the engine to the database (the
        # engine holds those after it, fewer than runner.ENGINE_PAGE between requests)


def _not_found(sim_id: str) -> ApiError:
    return ApiError(404, "simulation_not_found", f"simulation not found: {sim_id!r}")


def _storage_failed(error: Exception) -> ApiError:
    log.error("storage error: %s", error)
    return ApiError(503, "storage_error", f"the change could not be stored, so it was not made: {error}")


class SimulationService(PaymentsMixin, FeedsMixin):
    """Create, drive, inspect and delete simulations; every change is stored before it is
    acknowledged. Thread-safe."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(settings.data_dir, sync=settings.sync)
        self._lock = threading.Lock()  # guards the registry only; held briefly
        self._entries: dict[str, _Entry] = {sim_id: _Entry(sim_id) for sim_id in self.store.list_ids()}
        self._reserved = 0  # creations in progress, counted against max_simulations
        self._closed = False
        if self._entries:
            log.info("%d simulation(s) found in %s", len(self._entries), settings.data_dir)

    # -- registry --

    def list_ids(self) -> list[str]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @contextmanager
    def _using(self, sim_id: str) -> Iterator[_Entry]:
        """The simulation, loaded and locked for the duration of the block."""
        with self._lock:
            entry = self._entries.get(sim_id)
        if entry is None:
            raise _not_found(sim_id)
        with entry.lock:
            if entry.deleted:  # deleted while this request waited for the lock
                raise _not_found(sim_id)
            if entry.orchestrator is None:
                self._load(entry)
            yield entry

    def _load(self, entry: _Entry) -> None:
        """Rebuild a simulation from its snapshot (or configuration) and log."""
        try:
            stored = self.store.load(entry.sim_id)
        except StorageError as e:
            raise _storage_failed(e) from e
        if stored is None:
            raise _not_found(entry.sim_id)
        started = time.perf_counter()
        try:
            rebuilt = rebuild(self.store, stored, self.settings.max_events_in_memory)
        except StorageError as e:
            raise _storage_failed(e) from e
        except Exception as e:
            log.error("simulation %s cannot be restored: %s", entry.sim_id, e)
            raise ApiError(500, "restore_failed", f"simulation {entry.sim_id!r} cannot be restored: {e}") from e
        orchestrator = rebuilt.orchestrator
        entry.orchestrator = orchestrator
        entry.events_through = rebuilt.events_through
        entry.horizon = orchestrator.horizon()
        last_seq = stored.ops[-1].seq if stored.ops else stored.snapshot_seq
        entry.next_seq = last_seq + 1
        entry.ops_since = len(stored.ops)
        entry.ticks_since = sum(int(op.arg) for op in stored.ops if op.kind == "run")
        # A restore costs about what a snapshot does; count the replay as work since it.
        entry.snapshot_cost = entry.work_since = time.perf_counter() - started
        self._settle_feed_files(entry.sim_id, last_seq)  # a fed run's files as stored (.feeds)

    def _commit(
        self,
        entry: _Entry,
        kind: str,
        arg: str,
        started: float,
        *,
        ticks: int = 0,
        tx_id: str | None = None,
        blocks: Blocks = (),
        events_through: int | None = None,
        force_snapshot: bool = False,
    ) -> None:
        """Store the operation just made (under entry.lock; it began at ``started``) with the
        last events it produced (``blocks``, already out of the engine), with a snapshot
        instead when one is due (see Settings.snapshot_cost_ratio)."""
        orchestrator = entry.orchestrator
        through = events_through if events_through is not None else entry.events_through
        op = Op(entry.next_seq, kind, arg, orchestrator.current_tick(), tx_id)
        entry.work_since += time.perf_counter() - started
        ratio = self.settings.snapshot_cost_ratio
        snapshot_due = (
            force_snapshot
            or entry.ops_since + 1 >= self.settings.snapshot_every_ops
            or entry.ticks_since + ticks >= self.settings.snapshot_every_ticks
            or (ratio > 0 and entry.work_since >= ratio * entry.snapshot_cost)
        )
        try:
            if snapshot_due:
                snapshot_started = time.perf_counter()
                snapshot = orchestrator.snapshot()
                self.store.append(entry.sim_id, op, snapshot, events=blocks, events_through=through)
                entry.snapshot_cost = time.perf_counter() - snapshot_started
            else:
                self.store.append(entry.sim_id, op, events=blocks)
        except Exception as e:
            # Memory is now ahead of disk: drop it, so the next request rebuilds the stored state.
            entry.orchestrator = None
            orchestrator.close()
            if isinstance(e, (StorageError, OSError)):
                raise _storage_failed(e) from e
            raise  # the engine failed to snapshot: its own error (500)
        entry.next_seq += 1
        entry.events_through = through
        if snapshot_due:
            entry.ops_since = entry.ticks_since = 0
            entry.work_since = 0.0
        else:
            entry.ops_since += 1
            entry.ticks_since += ticks

    @contextmanager
    def _engine_errors(self, entry: _Entry) -> Iterator[None]:
        """A panic poisons the handle: drop it, so the simulation comes back at its last
        stored state on next use."""
        try:
            yield
        except Exception as e:
            api_error = e if isinstance(e, ApiError) else from_library(e)
            if api_error.status >= 500 and entry.orchestrator is not None:
                log.error("simulation %s: %s; reloading it from disk on next use", entry.sim_id, e)
                entry.orchestrator.close()
                entry.orchestrator = None
            raise

    # -- operations --

    def create_from_body(self, body: bytes) -> str:
        """Create a simulation from a request body: configuration text the core reads (YAML
        or JSON, either shape). 422 ``malformed_body`` for text in neither format,
        ``invalid_config`` with every problem and its path for a document that breaks a rule."""
        try:
            config = SimulationConfig.from_text(body)
        except InvalidConfigError as e:
            raise invalid_config(e) from None
        except InvalidUtf8Error as e:
            raise ApiError(422, "malformed_body", f"the request body is not UTF-8: {e}") from None
        except InvalidJsonError as e:
            raise ApiError(422, "malformed_body", f"the request body: {e}", problems=e.problems) from None
        return self.create(config)

    def create(self, config: SimulationConfig | Mapping[str, Any]) -> str:
        """Create a simulation from a configuration (validated by the core: 422
        ``invalid_config``), within this server's limits; stored before its id is returned."""
        if not isinstance(config, SimulationConfig):
            try:
                config = SimulationConfig.model_validate(config)
            except InvalidConfigError as e:
                raise invalid_config(e) from None
        with self._lock:
            if len(self._entries) + self._reserved >= self.settings.max_simulations:
                raise ApiError(
                    409,
                    "simulation_limit",
                    f"this server holds at most {self.settings.max_simulations} simulations: delete one first",
                )
            self._reserved += 1
        try:
            # The core's machine JSON, as it gave it; the limits are checked on the engine's own
            # figures (no Python views of a configuration that may be megabytes long).
            orchestrator = Orchestrator.new(config)
            try:
                refused = creation_error(self.settings, len(orchestrator.get_agent_ids()), orchestrator.workload())
                if refused is not None:
                    raise refused
                sim_id = str(uuid.uuid4())
                self.store.create(sim_id, config.to_json(), native_version())
            except StorageError as e:
                orchestrator.close()
                raise _storage_failed(e) from e
            except BaseException:
                orchestrator.close()
                raise
            with self._lock:
                self._entries[sim_id] = _Entry(sim_id, orchestrator)
        finally:
            with self._lock:
                self._reserved -= 1
        return sim_id

    def _check_ticks(self, entry: _Entry, n: int, name: str) -> None:
        remaining = entry.horizon - entry.orchestrator.current_tick()
        if remaining == 0:
            entry.orchestrator.tick()  # raises the library's SimulationFinishedError (409); changes nothing
        if remaining < n:
            raise ApiError(
                409,
                "beyond_horizon",
                f"only {remaining} of the {entry.horizon} ticks of the horizon remain (asked for {n})",
                [(name, f"at most {remaining}")],
            )

    def _check_limit(self, n: int, limit: int, name: str) -> None:
        if n > limit:
            raise ApiError(
                422,
                "tick_limit",
                f"{name} must be at most {limit} on this server (got {n})",
                [(name, f"at most {limit}")],
            )

    @contextmanager
    def _changing(self, entry: _Entry) -> Iterator[Orchestrator]:
        """The block changes the engine: if it fails before its commit, memory may be ahead of
        disk, so the engine is dropped and rebuilt from disk on next use (events already
        written for the change are pruned then)."""
        orchestrator = entry.orchestrator
        try:
            yield orchestrator
        except BaseException as e:
            if entry.orchestrator is orchestrator:
                entry.orchestrator = None
                orchestrator.close()
            if isinstance(e, StorageError):
                raise _storage_failed(e) from e
            raise

    def _advance(self, entry: _Entry, n: int, name: str) -> dict:
        """Run up to n ticks within the budgets, store them, and return the run summary (with
        ``stopped_by_budget``)."""
        self._check_ticks(entry, n, name)
        workload = entry.orchestrator.workload()
        refused = request_error(self.settings, n, name, workload)
        if refused is not None:
            raise refused
        started = time.perf_counter()
        limits = self.settings
        bounds = Bounds(
            limits.max_events_in_memory, limits.max_transactions_per_request, limits.max_live_transactions
        )
        with self._changing(entry) as orchestrator:
            spill = functools.partial(self.store.add_events, entry.sim_id)  # a long run's earlier slices
            done = advance(orchestrator, n, bounds, spill, entry.events_through, workload=workload)
            ticks = done.summary["ticks_run"]
            self._commit(
                entry, "run", str(ticks), started, ticks=ticks, blocks=done.blocks, events_through=done.events_through
            )
        if done.summary["stopped_by_budget"]:
            log.info("simulation %s: stopped by its budget after %d of %d ticks", entry.sim_id, ticks, n)
        return done.summary

    def tick(self, sim_id: str, n: int = 1) -> dict:
        """Run n ticks; the last tick's result (with ``ticks_run`` and ``stopped_by_budget``
        when a budget stopped it early)."""
        self._check_limit(n, self.settings.max_ticks_per_request, "n")
        with self._using(sim_id) as entry, self._engine_errors(entry):
            summary = self._advance(entry, n, "n")
            result = dict(summary["last"])
            if summary["stopped_by_budget"]:
                result.update(ticks_run=summary["ticks_run"], stopped_by_budget=True)
            return result

    def run(self, sim_id: str, ticks: int) -> dict:
        """Run ``ticks`` ticks; the summary over them (with ``stopped_by_budget: true`` when a
        budget stopped it early: ``ticks_run`` ran)."""
        self._check_limit(ticks, self.settings.max_run_ticks, "ticks")
        with self._using(sim_id) as entry, self._engine_errors(entry):
            summary = self._advance(entry, ticks, "ticks")
            if not summary.pop("stopped_by_budget"):
                return summary
            return {**summary, "stopped_by_budget": True}

    def submit(self, sim_id: str, tx: Mapping[str, Any]) -> str:
        with self._using(sim_id) as entry, self._engine_errors(entry):
            orchestrator = entry.orchestrator
            live = int(orchestrator.workload()["live_transactions"])
            if live >= self.settings.max_live_transactions:
                raise live_error(self.settings, live)
            started = time.perf_counter()
            try:
                tx_id = orchestrator.submit_transaction(tx)
            except UnknownAgentError as e:
                known = set(orchestrator.get_agent_ids())
                field = "sender" if tx.get("sender") not in known else "receiver"
                raise from_library(e, fields=[(field, str(e))]) from None
            except InvalidArgumentError as e:  # the core names the field in each problem's path
                raise from_library(e, fields=[(p["path"], p["message"]) for p in e.problems]) from None
            tx_json = json.dumps(dict(tx), separators=(",", ":"), ensure_ascii=False)
            with self._changing(entry):
                blocks, through = drain(orchestrator, entry.events_through, min_events=ENGINE_PAGE)
                self._commit(entry, "submit", tx_json, started, tx_id=tx_id, blocks=blocks, events_through=through)
            return tx_id

    def record_timeseries(self, sim_id: str, every: int) -> dict:
        """Start the core's time-series recorder. The recorder lives in the snapshot, so the
        change is stored as one (the operation log has no entry for it)."""
        with self._using(sim_id) as entry, self._engine_errors(entry):
            started = time.perf_counter()
            try:
                entry.orchestrator.record_timeseries(every)
            except InvalidArgumentError as e:
                raise from_library(e, fields=[("every", str(e))]) from None
            with self._changing(entry):
                self._commit(entry, "timeseries", str(every), started, force_snapshot=True)
            return {"every": every}

    def indicators_json(self, sim_id: str) -> bytes:
        with self._using(sim_id) as entry, self._engine_errors(entry):
            return entry.orchestrator.indicators_json().encode()

    def report_html(self, sim_id: str, top: int) -> bytes:
        """The run report page, written by the core's report writer (psim_sim_report_html)."""
        with self._using(sim_id) as entry, self._engine_errors(entry):
            try:
                html = entry.orchestrator.report_html(top, source=f"simulation {sim_id}")
            except InvalidArgumentError as e:
                raise from_library(e, fields=[("top", str(e))]) from None
            return html.encode()

    def timeseries_json(self, sim_id: str, from_sample: int, limit: int) -> bytes:
        with self._using(sim_id) as entry, self._engine_errors(entry):
            return entry.orchestrator.timeseries_json(from_sample, limit).encode()

    def schedule(self, sim_id: str, document: Any) -> dict:
        """Append scheduled actions (a list, or ``{"scenario_events": [...]}``), all or nothing:
        422 ``invalid_config`` with every problem and its path (``scenario_events[i].field``),
        409 ``schedule_limit`` beyond ``max_pending_actions``. The change is stored as a
        snapshot (which holds the schedule), never as a log entry."""
        if not isinstance(document, (list, dict)):
            message = 'the schedule must be a list of actions or {"scenario_events": [...]}'
            raise ApiError(422, "invalid_config", message, [("scenario_events", message)])
        with self._using(sim_id) as entry, self._engine_errors(entry):
            orchestrator = entry.orchestrator
            events = document.get("scenario_events") if isinstance(document, dict) else document
            adding = len(events) if isinstance(events, list) else 0
            pending = int(orchestrator.state().get("pending_actions", 0))
            limit = self.settings.max_pending_actions
            if pending + adding > limit:
                raise ApiError(
                    409,
                    "schedule_limit",
                    f"a simulation holds at most {limit} pending scheduled actions ({pending} pending, {adding} more asked)",
                    [("scenario_events", f"at most {limit - pending} more")],
                )
            started = time.perf_counter()
            orchestrator.schedule(document)
            with self._changing(entry):
                blocks, through = drain(orchestrator, entry.events_through, min_events=ENGINE_PAGE)
                self._commit(
                    entry, "schedule", "", started, blocks=blocks, events_through=through, force_snapshot=True
                )
            return {"scheduled": adding, "pending_actions": int(orchestrator.state().get("pending_actions", 0))}

    def schedule_json(self, sim_id: str) -> bytes:
        """``{"pending": [...]}``: the pending schedule as the core renders it."""
        with self._using(sim_id) as entry, self._engine_errors(entry):
            return b'{"pending":' + entry.orchestrator.pending_schedule_json().encode("utf-8") + b"}"

    def state(self, sim_id: str) -> dict:
        return json.loads(self.state_json(sim_id))

    def stats(self, sim_id: str) -> dict:
        return json.loads(self.stats_json(sim_id))

    # The answers of GET …/state and …/stats are the core's JSON text as it is: parsing and
    # re-encoding (let alone validating) a 10,000-agent document would hold the GIL for
    # ~0.1 s, and the event loop with it. (The response models describe exactly that text.)

    def state_json(self, sim_id: str) -> bytes:
        with self._using(sim_id) as entry, self._engine_errors(entry):
            return entry.orchestrator.state_json().encode()

    def stats_json(self, sim_id: str) -> bytes:
        with self._using(sim_id) as entry, self._engine_errors(entry):
            return entry.orchestrator.stats_json().encode()

    def events_json(self, sim_id: str, since: int = 0, limit: int = 1000) -> bytes:
        """A page of events as the JSON text of ``GET …/events``: ``{"events", "next_since",
        "has_more"}``. The database holds every event up to ``entry.events_through``; the
        engine the few after it (fewer than a block, see runner.drain)."""
        # One more than the page, so has_more is known without reading the rest of the log.
        wanted = limit + 1
        with self._using(sim_id) as entry, self._engine_errors(entry):
            try:
                events = self.store.events(entry.sim_id, since, wanted) if since < entry.events_through else []
            except StorageError as e:
                raise _storage_failed(e) from e
            if len(events) < wanted:
                events += entry.orchestrator.events(max(since, entry.events_through), limit=wanted - len(events))
        page = events[:limit]
        answer = {"events": page, "next_since": page[-1]["seq"] if page else since, "has_more": len(events) > limit}
        return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()

    def events(self, sim_id: str, since: int = 0, limit: int = 1000) -> dict:
        """:meth:`events_json` as a dict."""
        return json.loads(self.events_json(sim_id, since, limit))

    def delete(self, sim_id: str) -> None:
        with self._lock:
            entry = self._entries.get(sim_id)
        if entry is None:
            raise _not_found(sim_id)
        with entry.lock:  # waits for an operation in flight
            if entry.deleted:
                raise _not_found(sim_id)
            try:
                self.store.delete(sim_id)
            except StorageError as e:
                raise _storage_failed(e) from e
            entry.deleted = True
            self.delete_feeds(sim_id)
            if entry.orchestrator is not None:
                entry.orchestrator.close()
                entry.orchestrator = None
        with self._lock:
            self._entries.pop(sim_id, None)

    def close(self) -> None:
        """Free every simulation and close the database (everything acknowledged is stored)."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            entries = list(self._entries.values())
        for entry in entries:
            with entry.lock:
                if entry.orchestrator is not None:
                    entry.orchestrator.close()
                    entry.orchestrator = None
        self.store.close()


__all__ = ["SimulationService", "RestoreError"]
