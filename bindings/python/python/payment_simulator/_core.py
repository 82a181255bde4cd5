"""The engine: :class:`Orchestrator`, the seed's Python API, over the C ABI of libpayment_sim.

Every call crosses the boundary as JSON text (``psim_sim_*``). Statuses become exceptions in
one place (:func:`_check`), carrying the core's message and its structured problems
(``psim_last_error_json()``). Strings the library returns are copied and then freed in
``finally``. A handle is freed by ``close()`` (or the context manager); ``ffi.gc`` frees a
forgotten one when the object is collected.

Configuration documents have one reader, the core: :func:`normalize_config` hands YAML or JSON
text of either shape to ``psim_config_normalize`` and gets the validated machine format back.
The boundary itself (library, statuses, handles, conversions, documents) is :mod:`._boundary`;
its names are re-exported here, where callers have always found them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from ._json import dumps, dumps_value
from .config.model import SimulationConfig, with_source
from ._boundary import (  # noqa: F401  (re-exported: callers import them from here)
    _OK,
    _STATUS_NAMES,
    _U64_MAX,
    _agent_id,
    _check,
    _document_bytes,
    _free,
    _live,
    _live_lock,
    _own,
    _take_bytes,
    _take_string,
    _u64,
    config_document,
    config_schema,
    ffi,
    last_error,
    last_error_report,
    lib,
    library_path,
    live_handles,
    merge_run_summaries,
    native_version,
    normalize_config,
    normalize_config_at,
)
from .errors import (
    HostPolicyError,
    InvalidArgumentError,
    InvalidConfigError,
    SimulationClosedError,
)

# --- the orchestrator ----------------------------------------------------------------------


class Orchestrator:
    """One simulation. The seed's API (``Orchestrator.new(config)``, ``tick()``, queries,
    ``submit_transaction``) plus ``run``, ``state``, ``stats``, ``events``, ``snapshot`` /
    ``restore`` and ``close``.

    Thread-safe: each call holds this object's lock, so concurrent calls are serialised and
    ``close()`` waits for a call in flight. Use it as a context manager to free the native
    handle deterministically.
    """

    def __init__(self, config: SimulationConfig | Mapping | str | os.PathLike, policies: Mapping | None = None):
        """Create a simulation from

        - a :class:`~payment_simulator.config.SimulationConfig` (``load_config``'s result): its
          normalised machine JSON goes to the core as it is, never re-serialised;
        - a dict of either shape: the scenario format (``simulation`` / ``agents`` / ``costs`` /
          ``lsm``, what a loaded YAML file gives) or the machine format (the seed's
          ``ticks_per_day`` / ``agent_configs`` / ...);
        - a path (``str`` or ``os.PathLike``) to a scenario file, YAML or JSON.

        The core validates every one of them alike: InvalidConfigError (a ValueError) lists
        each problem with its path (``problems``); for a file the message names the file.

        ``policies`` maps the id of each agent whose policy is ``{"type": "Host"}`` to an
        object with ``decide(view) -> decisions`` (:mod:`payment_simulator.host_policies`); a
        configuration with Host policies and no ``policies`` is an InvalidConfigError."""
        self._setup()
        document, source = config_document(config)
        out = ffi.new("psim_sim_t **")
        with with_source(source):
            _check(lib.psim_sim_new(_document_bytes(document, source or "the configuration"), out))
        self._handle = _own(out[0])
        self._use_policies(policies)

    def _use_policies(self, policies: Mapping | None) -> None:
        """Register the host policies (see :mod:`payment_simulator.host_policies`); on any
        error the new handle is freed at once."""
        try:
            self._register_policies(policies)
        except BaseException:
            self.close()
            raise

    def _register_policies(self, policies: Mapping | None) -> None:
        if not policies:
            _check(lib.psim_sim_require_host_policy(self._handle))
            return
        from .host_policies import HostPolicies

        agents = json.loads(self._call_str(lib.psim_sim_host_policy_agents))
        self._host = HostPolicies(ffi, policies, agents, self._lock)
        _check(lib.psim_sim_set_host_policy(self._handle, self._host.callback, ffi.NULL))

    def _setup(self) -> None:
        from .host_policies import CallLock

        self._lock = CallLock()  # a threading.Lock that refuses calls from a host policy
        self._host = None  # the host policies, kept alive as long as the handle
        self._fed_run = None  # a suspended fed run started here (its temporary files)
        self._handle = None
        self._agent_ids: list[str] | None = None
        self._out = ffi.new("char **")  # reused under the lock: no allocation per call

    @classmethod
    def new(
        cls, config: SimulationConfig | Mapping | str | os.PathLike, policies: Mapping | None = None
    ) -> Orchestrator:
        """The seed's constructor: ``Orchestrator.new(config)`` — a config object, a dict of
        either shape, or a path; ``policies`` for Host policies (see :meth:`__init__`)."""
        return cls(config, policies)

    @classmethod
    def restore(cls, snapshot: str | bytes | Mapping, policies: Mapping | None = None) -> Orchestrator:
        """A simulation continuing exactly where :meth:`snapshot` left it (RNG included); a
        snapshot of a simulation with Host policies needs its ``policies`` again."""
        if isinstance(snapshot, Mapping):
            data = dumps(snapshot, InvalidConfigError, "the snapshot")
        elif isinstance(snapshot, (str, bytes, bytearray)):
            data = _document_bytes(snapshot, "the snapshot")
        else:
            raise TypeError(f"snapshot must be str, bytes or dict, not {type(snapshot).__name__}")
        self = cls.__new__(cls)
        self._setup()
        out = ffi.new("psim_sim_t **")
        _check(lib.psim_sim_restore(data, out))
        self._handle = _own(out[0])
        self._use_policies(policies)
        return self

    # -- plumbing (callers hold no lock; these take it) --

    def _live_handle(self):
        if self._handle is None:
            raise SimulationClosedError("this simulation has been closed")
        return self._handle

    def _call_str(self, fn, *args) -> str:
        with self._lock:
            try:
                _check(fn(self._live_handle(), *args, self._out))
            except HostPolicyError as e:  # from the policy's own exception, when it raised
                self._host.reraise(e)
            return _take_string(self._out)

    def _call_json(self, fn, *args) -> Any:
        return json.loads(self._call_str(fn, *args))

    def _call_int(self, fn, ctype: str, *args) -> int:
        out = ffi.new(ctype)
        with self._lock:
            _check(fn(self._live_handle(), *args, out))
        return int(out[0])

    # -- the seed's API --

    def tick(self) -> dict:
        """Run one tick; its result (``tick``, ``num_arrivals``, ``num_settlements``, ...)."""
        return self._call_json(lib.psim_sim_tick)

    def current_tick(self) -> int:
        """Ticks executed so far (the number of the tick that runs next)."""
        return self._call_int(lib.psim_sim_current_tick, "uint64_t *")

    def current_day(self) -> int:
        return self._call_int(lib.psim_sim_current_day, "uint64_t *")

    def get_agent_balance(self, agent_id: str) -> int:
        """Balance in cents; UnknownAgentError (a KeyError) for an unknown id."""
        return self._call_int(lib.psim_sim_agent_balance, "int64_t *", _agent_id(agent_id))

    def get_queue1_size(self, agent_id: str) -> int:
        return self._call_int(lib.psim_sim_queue1_size, "uint64_t *", _agent_id(agent_id))

    def get_queue2_size(self) -> int:
        return self._call_int(lib.psim_sim_queue2_size, "uint64_t *")

    def get_agent_ids(self) -> list[str]:
        """Agent ids in configuration order."""
        if self._agent_ids is None:  # agents never change during a run
            self._agent_ids = self._call_json(lib.psim_sim_agent_ids)
        return list(self._agent_ids)

    def submit_transaction(self, tx: Mapping) -> str:
        """Submit a payment order (``sender``, ``receiver``, ``amount``, optional
        ``deadline_offset``, ``priority`` and ``from_offset``, its from-time); it arrives at
        :meth:`current_tick`. Returns its id."""
        return self._call_str(lib.psim_sim_submit, dumps(tx, InvalidArgumentError, "the transaction"))

    def submit_many(self, txs) -> list[str]:
        """Submit a batch of payment orders (each as for :meth:`submit_transaction`) in one
        call, all or nothing: a bad one raises :class:`InvalidConfigError` whose ``problems``
        name each (``[3].amount``), and nothing is submitted. Returns the ids, in order."""
        if isinstance(txs, (str, bytes, Mapping)):
            raise TypeError("submit_many takes a list of transactions")
        # Items go to the core as they are: it names one that is not a transaction (``[2]``).
        items = [dumps_value(tx, InvalidArgumentError, f"transaction {i}") for i, tx in enumerate(txs)]
        return self._call_json(lib.psim_sim_submit_many, b"[" + b",".join(items) + b"]")

    # -- beyond the seed --

    def run(self, ticks: int, max_transactions: int | None = None) -> dict:
        """Run ``ticks`` ticks in one call; the summary (``ticks_run``, sums, ``last``).

        With ``max_transactions`` (at least 1) the run is budgeted (``psim_sim_run_budget``):
        it stops after the first tick whose cumulative created transactions (orders and split
        parts) reach the budget, so a run cannot do unbounded work whatever the random draws;
        ticks stay whole, and the summary's ``stopped_by_budget`` says whether it stopped early
        (``ticks_run`` then counts the ticks that did run). :meth:`workload` tells beforehand
        what a tick is expected to create."""
        ticks = _u64(ticks, "ticks")
        if max_transactions is None:
            return self._call_json(lib.psim_sim_run, ticks)
        max_transactions = _u64(max_transactions, "max_transactions")
        return self._call_json(lib.psim_sim_run_budget, ticks, max_transactions)

    def workload(self) -> dict:
        """What the simulation is expected to create, and holds, right now
        (``psim_sim_workload``): ``expected_orders_per_tick``, ``max_transactions_per_order``,
        ``expected_transactions_per_tick`` (split parts counted at their maximum),
        ``live_transactions``, ``events_held`` and ``remaining_ticks``. A host multiplies
        ``expected_transactions_per_tick`` by the ticks it means to run to refuse work before
        doing it, then bounds the run itself with ``run(ticks, max_transactions=…)``."""
        return self._call_json(lib.psim_sim_workload)

    def discard_events(self, through_seq: int) -> None:
        """Forget the recorded events with ``seq <= through_seq`` (``psim_sim_events_discard``),
        for a host that has stored them elsewhere: memory and snapshots stay bounded. Later
        events keep their numbers; :meth:`events` then starts after the discarded ones."""
        through_seq = _u64(through_seq, "through_seq")
        with self._lock:
            _check(lib.psim_sim_events_discard(self._live_handle(), through_seq))

    # -- the schedule of timed inputs (docs/model.md, "Scheduled actions") --

    def schedule(self, events) -> None:
        """Append scheduled actions (``outage``, ``liquidity``, ``credit_limit``,
        ``arrival_rate``, ``counterparty_weights``, ``lsm``, ``payment``; the ``scenario_events``
        of a scenario file), all or nothing: a list of dicts, or ``{"scenario_events": [...]}``.
        A bad action raises :class:`InvalidConfigError` whose ``problems`` name each field
        (``scenario_events[2].agent``); the simulation is then unchanged."""
        if isinstance(events, (str, bytes)):
            raise TypeError("the schedule must be a list of actions or {'scenario_events': [...]}")
        doc = events if isinstance(events, Mapping) else {"scenario_events": list(events)}
        text = dumps(doc, InvalidConfigError, "the schedule")
        with self._lock:
            _check(lib.psim_sim_schedule(self._live_handle(), text))

    def pending_schedule(self) -> list[dict]:
        """The entries waiting in the schedule, in the order they apply: ``{"tick", "seq",
        "phase", "action"}`` (``phase`` ``end``: a window in force, e.g. an outage)."""
        return self._call_json(lib.psim_sim_schedule_json)

    def pending_schedule_json(self) -> str:
        """:meth:`pending_schedule` as the core's JSON text, unparsed."""
        return self._call_str(lib.psim_sim_schedule_json)

    def state(self) -> dict:
        """``{"tick", "day", "agents": [...], "queue2_size"}``, agents in configuration order."""
        return self._call_json(lib.psim_sim_state)

    def stats(self) -> dict:
        """Totals since the start: arrivals, settlements by mechanism, costs, delays, peaks."""
        return self._call_json(lib.psim_sim_stats)

    def state_json(self) -> str:
        """:meth:`state` as the core's JSON text, unparsed (for a host that passes it on)."""
        return self._call_str(lib.psim_sim_state)

    def stats_json(self) -> str:
        """:meth:`stats` as the core's JSON text, unparsed (for a host that passes it on)."""
        return self._call_str(lib.psim_sim_stats)

    def horizon(self) -> int:
        """Length of the run in ticks (ticks_per_day × num_days)."""
        return self._call_int(lib.psim_sim_horizon, "uint64_t *")

    def events(self, since: int = 0, limit: int | None = None) -> list[dict]:
        """Recorded events with ``seq > since``, in order: 0 gives every event; pass the last
        ``seq`` seen to get only newer ones.

        ``limit`` (at least 1) bounds the page: at most ``limit`` events are returned, and
        only those are converted (psim_sim_events_page), so paging through a long log with
        ``since=page[-1]["seq"]`` costs O(limit) per page. ``None`` returns them all."""
        since = _u64(since, "since")
        if limit is None:
            return self._call_json(lib.psim_sim_events, since)["events"]
        limit = _u64(limit, "limit")
        if limit < 1:
            raise InvalidArgumentError(f"limit must be at least 1 (got {limit})")
        return self._call_json(lib.psim_sim_events_page, since, limit)["events"]

    def events_json(self, since: int = 0, limit: int = 1000) -> str:
        """A page of :meth:`events` as the core's JSON text, unparsed:
        ``{"schema_version", "last_seq", "events": [...]}`` (``last_seq``: the newest event
        recorded, whatever the page holds). For a host that stores or forwards events as they
        are, at no Python cost per event."""
        since, limit = _u64(since, "since"), _u64(limit, "limit")
        if limit < 1:
            raise InvalidArgumentError(f"limit must be at least 1 (got {limit})")
        return self._call_str(lib.psim_sim_events_page, since, limit)

    def snapshot(self) -> str:
        """The whole simulation as a JSON document, for :meth:`restore`."""
        return self._call_str(lib.psim_sim_snapshot)

    def events_frame(self, since: int = 0):
        """:meth:`events` as a pandas DataFrame (needs the ``pandas`` extra)."""
        from .frames import events_to_pandas

        return events_to_pandas(self.events(since))

    def stats_frame(self):
        """:meth:`stats` as a pandas Series of flattened totals (needs the ``pandas`` extra)."""
        from .frames import stats_to_pandas

        return stats_to_pandas(self.stats())

    # -- indicators and time series (computed by the core; docs/json.md) --

    def indicators(self) -> dict:
        """The indicators document (``psim_sim_indicators_json``): liquidity bounds, the delay
        indicator ρ, per-participant results and the BCBS intraday liquidity figures, for the
        whole run (``system``, ``agents``) and per day (``days``, with throughput curves)."""
        return self._call_json(lib.psim_sim_indicators_json)

    def indicators_json(self) -> str:
        """:meth:`indicators` as the core's JSON text, unparsed (for a host that passes it on)."""
        return self._call_str(lib.psim_sim_indicators_json)

    def record_timeseries(self, every: int = 1) -> None:
        """Start the core's time-series recorder (``psim_sim_timeseries_record``): after every
        tick that leaves the ticks run a multiple of ``every``, each agent's balance, liquidity
        usage and Queue 1 / Queue 2 count and value are sampled. Read them with
        :meth:`timeseries` or :meth:`timeseries_frame`."""
        every = _u64(every, "every")
        with self._lock:
            _check(lib.psim_sim_timeseries_record(self._live_handle(), every))

    def timeseries_json(self, from_sample: int = 0, max_samples: int = 1000) -> str:
        """A page of the time series as the core's JSON text, by column
        (``psim_sim_timeseries_json``): ``{"schema_version", "every", "first_sample",
        "total_samples", "agents": {column: [...]}, "system": {column: [...]}}``."""
        from_sample, max_samples = _u64(from_sample, "from_sample"), _u64(max_samples, "max_samples")
        return self._call_str(lib.psim_sim_timeseries_json, from_sample, max_samples)

    def timeseries(self, from_sample: int = 0, max_samples: int | None = None) -> dict:
        """The time series by column (a page of :meth:`timeseries_json`; every sample from
        ``from_sample`` on when ``max_samples`` is None)."""
        return json.loads(self.timeseries_json(from_sample, _U64_MAX if max_samples is None else max_samples))

    def timeseries_frame(self, system: bool = False):
        """The time series as a pandas DataFrame, one row per agent per sample (or per sample
        for the ``system`` totals); needs the ``pandas`` extra."""
        from .frames import timeseries_to_pandas

        return timeseries_to_pandas(self.timeseries(), system=system)

    def timeseries_arrow(self, system: bool = False):
        """The time series as a pyarrow Table (needs pyarrow)."""
        from .frames import timeseries_to_arrow

        return timeseries_to_arrow(self.timeseries(), system=system)

    # -- payment files (psim_sim_run_payments; docs/model.md, "Payment files") --

    def run_payments(self, payments, **options):
        """Run fed from ``payments`` — a CSV or JSON Lines path, a Parquet path, a pandas
        DataFrame or a pyarrow Table — read by the core a business day at a time, to the
        horizon (or ``ticks=N``: a run stopping before the horizon is suspended, see
        :meth:`continue_payments`). Options as the CLI's: ``business_day="07:00-18:00"``,
        ``tick_seconds``, ``start_date``, ``columns`` (``{"id": "PaymentID"}`` or
        ``"id=PaymentID"``), ``delimiter``, ``format``, ``on_outside`` / ``on_invalid``
        (``"error"`` or ``"skip"``), ``results`` (``.csv``, ``.jsonl`` or ``.parquet``),
        ``rejects``, ``name`` (the file's name in problems). Returns a
        :class:`~payment_simulator.payments.PaymentRun`: its ``summary`` and ``.results`` as a
        DataFrame. A file breaking a rule raises :class:`InvalidConfigError` whose ``problems``
        name file, line and column (a table's line is its row + 2)."""
        from .payments import run_payments

        run = run_payments(lambda request: self._call_json(lib.psim_sim_run_payments, request), payments, **options)
        self._fed_run = run if run.suspended else None
        return run

    def continue_payments(self, ticks: int | None = None):
        """Go on with a fed run stopped before its horizon (``run_payments(..., ticks=N)``, or a
        restored snapshot of one): the core checks that the payments file is unchanged, reads on
        from where the run stopped, and appends to the same results and rejects files, for
        ``ticks`` ticks or to the horizon. Slices write exactly what one uninterrupted run
        writes. Returns a :class:`~payment_simulator.payments.PaymentRun` (``suspended`` while
        before the horizon); a changed file raises :class:`InvalidConfigError` with its
        ``problems`` and changes nothing. While suspended, :meth:`tick` and :meth:`run` are
        refused (the rest of the file would never be read)."""
        from .payments import continue_payments

        run = continue_payments(
            lambda request: self._call_json(lib.psim_sim_continue_payments, request), self._fed_run, ticks
        )
        self._fed_run = run if run.suspended else None
        return run

    def schedule_payments(self, payments, **options) -> dict:
        """Read the whole of ``payments`` (as :meth:`run_payments` takes it, with its reading
        options and ``rejects``) and schedule all its payments at once, or none: a file breaking
        a rule raises :class:`InvalidConfigError` listing every problem. Nothing runs and no
        results are tracked; the core's summary (``rows``, ``payments``, ``skipped``, …)."""
        from .payments import schedule_payments

        return schedule_payments(
            lambda request: self._call_json(lib.psim_sim_schedule_payments, request), payments, **options
        )

    # -- the run report (psim_sim_report_html; the same page as `payment-sim report`) --

    def report_html(self, top: int = 10, source: str | None = None) -> str:
        """The run report as it stands: one self-contained HTML page (inline CSS and SVG, no
        script, no external URL) of the core's statistics, indicators, time series and events.
        ``top`` participants are drawn (the core checks it); ``source`` titles the page. The
        paths need the time-series recorder (:meth:`record_timeseries`) on from the start;
        otherwise the page says none was recorded."""
        options: dict[str, Any] = {"top": top}
        if source is not None:
            options["source"] = source
        return self._call_str(lib.psim_sim_report_html, dumps(options, InvalidArgumentError, "the report options"))

    # -- lifetime --

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Free the native simulation now. Idempotent; later calls raise SimulationClosedError."""
        with self._lock:  # waits for a call in flight on another thread
            handle, self._handle = self._handle, None
        if handle is not None:
            ffi.release(handle)  # runs the ffi.gc destructor now, exactly once

    def __enter__(self) -> Orchestrator:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Orchestrator {'closed' if self.closed else 'open'}>"


__all__ = [
    "Orchestrator",
    "normalize_config",
    "config_schema",
    "merge_run_summaries",
    "live_handles",
    "last_error",
    "last_error_report",
    "native_version",
    "library_path",
]
