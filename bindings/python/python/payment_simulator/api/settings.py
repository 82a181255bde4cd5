"""The service's settings: where it keeps its data, its limits, its token.

Every setting has an environment variable (``PSIM_…``); the console script's flags override them.
The data directory is ``--data-dir``, else ``PSIM_DATA_DIR``, else a per-user location
(``$XDG_DATA_HOME/payment-sim``, by default ``~/.local/share/payment-sim``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOKEN_ENV = "PSIM_API_TOKEN"
DATA_DIR_ENV = "PSIM_DATA_DIR"


def default_data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$XDG_DATA_HOME/payment-sim``, or ``~/.local/share/payment-sim``."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "payment-sim"


@dataclass(frozen=True)
class Settings:
    """Limits and storage of one service instance (see the README for what each one bounds)."""

    data_dir: Path
    #: When set, every endpoint but ``/health`` needs ``Authorization: Bearer <token>``.
    api_token: str | None = None
    #: Simulations held at once (409 ``simulation_limit`` beyond).
    max_simulations: int = 1000
    #: Agents in one simulation (422 ``agent_limit`` beyond).
    max_agents: int = 10_000
    #: Expected arrivals per tick, the sum of the agents' ``rate_per_tick`` (422 ``arrival_limit``):
    #: with the tick limits it bounds the work one request can ask for.
    max_arrival_rate: float = 10_000.0
    #: Expected transactions created per tick — orders plus split parts counted at their
    #: maximum (``Orchestrator.workload()``) — of one simulation (422 ``work_limit`` at creation;
    #: ``max_transactions_per_request`` too, when lower: a simulation must be able to run a tick).
    max_transactions_per_tick: int = 100_000
    #: Transactions one request may create: ``POST …/tick`` and ``…/run`` are refused before
    #: any work (422 ``work_budget``) when ticks × expected transactions per tick exceed it, and
    #: run under it (``psim_sim_run_budget``), so the random tail cannot exceed it either.
    max_transactions_per_request: int = 1_000_000
    #: Unsettled transactions one simulation may hold (its memory): a change is refused
    #: (409 ``transaction_limit``) once it holds this many, and a run stops when it gets there.
    max_live_transactions: int = 1_000_000
    #: Entries waiting in one simulation's schedule (``POST …/schedule`` beyond it: 409
    #: ``schedule_limit``); a window counts once until it ends.
    max_pending_actions: int = 100_000
    #: Events one simulation holds in memory: events move to the database as they are
    #: produced, a long run in slices of about this many events (a tick is never cut, so one
    #: tick's events may go beyond it).
    max_events_in_memory: int = 100_000
    #: ``n`` of ``POST /simulations/{id}/tick`` (422 ``tick_limit`` beyond).
    max_ticks_per_request: int = 1000
    #: ``ticks`` of ``POST /simulations/{id}/run`` (422 ``tick_limit`` beyond).
    max_run_ticks: int = 100_000
    #: Request body size in bytes (413 beyond).
    max_body_bytes: int = 8 * 1024 * 1024
    #: Body size of ``POST …/transactions`` in bytes (413 beyond; checked before parsing).
    max_transaction_bytes: int = 64 * 1024
    #: ``POST /simulations`` bodies read at once; more wait their turn (the core's reader needs
    #: up to ~12× a YAML document's size while it works: this bounds that memory).
    max_concurrent_creations: int = 2
    #: A simulation is snapshotted once the engine time spent on it since its last snapshot
    #: reaches this multiple of what that snapshot cost (a snapshot is O(state) — its events
    #: are in their own table — so this keeps their cost at most 1/ratio of the engine's, and
    #: a restart's replay about ratio snapshots long); 0 turns this rule off. In any case it is
    #: snapshotted after ...
    snapshot_cost_ratio: float = 4.0
    #: ... this many logged operations ...
    snapshot_every_ops: int = 10_000
    #: ... or once this many ticks have run since its last snapshot, whichever comes first.
    snapshot_every_ticks: int = 100_000
    #: SQLite ``synchronous``: ``normal`` survives a killed server (kill -9); ``full`` also
    #: survives power loss, at the cost of an fsync per acknowledged request.
    sync: str = "normal"
    #: Orders in one ``POST …/transactions/batch`` (422 ``batch_limit`` beyond).
    max_batch_transactions: int = 10_000
    #: Body size of ``POST …/payments`` in bytes (413 beyond; checked before reading).
    max_upload_bytes: int = 64 * 1024 * 1024
    #: Rows of one ``POST …/payments`` upload (413 ``upload_limit`` beyond).
    max_upload_rows: int = 100_000

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name.startswith(("max_", "snapshot_every_")) and not value > 0:
                raise ValueError(f"{field.name} must be positive (got {value})")
        if not self.snapshot_cost_ratio >= 0:
            raise ValueError(f"snapshot_cost_ratio must be ≥ 0 (got {self.snapshot_cost_ratio})")
        if self.sync not in ("normal", "full"):
            raise ValueError(f"sync must be 'normal' or 'full' (got {self.sync!r})")
        if self.api_token is not None and not self.api_token:
            object.__setattr__(self, "api_token", None)  # an empty token means none

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
        """Settings from ``PSIM_*`` environment variables; ``overrides`` (not None) win."""
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            name = "PSIM_API_TOKEN" if field.name == "api_token" else f"PSIM_{field.name.upper()}"
            raw = environ.get(name)
            if raw is None or raw == "":
                continue
            kind = type(field.default) if field.default is not dataclasses.MISSING else str
            try:
                values[field.name] = kind(raw) if kind in (int, float) else raw
            except ValueError:
                raise ValueError(f"{name} must be a number (got {raw!r})") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        data_dir = values.get("data_dir") or environ.get(DATA_DIR_ENV) or default_data_dir(environ)
        values["data_dir"] = Path(data_dir).expanduser()
        return cls(**values)


__all__ = ["Settings", "default_data_dir", "TOKEN_ENV", "DATA_DIR_ENV"]
