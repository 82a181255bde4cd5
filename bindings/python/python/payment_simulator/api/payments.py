"""Batches and payment files over REST (docs: the package README, "REST service").

``POST /simulations/{id}/transactions/batch`` submits a list of orders at once, all or nothing
(the core's ``submit_many``); ``POST /simulations/{id}/payments`` uploads a payment file (CSV or
JSON Lines, the body itself) whose payments are all scheduled at once, or none (the core's
``psim_sim_schedule_payments``: it reads and checks every row). Both are bounded before any
work — the batch's length, the upload's bytes and lines, the live transactions and pending
actions a simulation may hold — and stored as a snapshot (which holds the queues and the
schedule), never as a log entry.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Mapping
from typing import Any

from .budgets import live_error
from .errors import ApiError
from .runner import ENGINE_PAGE, drain

#: The reading options an upload takes as query parameters (the core reads them).
UPLOAD_OPTIONS = (
    "format",
    "columns",
    "delimiter",
    "business_day",
    "tick_seconds",
    "start_date",
    "on_outside",
    "on_invalid",
)


class PaymentsMixin:
    """The batch and upload operations of :class:`~payment_simulator.api.service.SimulationService`."""

    def submit_many(self, sim_id: str, txs: list[Mapping[str, Any]]) -> list[str]:
        """Submit every order of ``txs`` (each as for ``submit``), all or nothing: 422 with
        every problem (``[i].field``), 422 ``batch_limit`` beyond ``max_batch_transactions``,
        409 ``transaction_limit`` when the simulation would hold more than
        ``max_live_transactions``."""
        limit = self.settings.max_batch_transactions
        if len(txs) > limit:
            message = f"a batch holds at most {limit} transactions (got {len(txs)})"
            raise ApiError(422, "batch_limit", message, [("transactions", message)])
        with self._using(sim_id) as entry, self._engine_errors(entry):
            orchestrator = entry.orchestrator
            live = int(orchestrator.workload()["live_transactions"])
            if live + len(txs) > self.settings.max_live_transactions:
                raise live_error(self.settings, live)
            started = time.perf_counter()
            ids = orchestrator.submit_many(txs)
            with self._changing(entry):
                blocks, through = drain(orchestrator, entry.events_through, min_events=ENGINE_PAGE)
                self._commit(
                    entry, "submit_many", "", started, blocks=blocks, events_through=through, force_snapshot=True
                )
            return ids

    def upload_payments(self, sim_id: str, body: bytes, options: Mapping[str, Any]) -> dict:
        """Schedule every payment of the file ``body`` (reading ``options`` as the core takes
        them), all or nothing: 422 with every problem (``upload:LINE:COLUMN``), 413
        ``upload_limit`` beyond ``max_upload_rows`` lines, 409 ``schedule_limit`` when the
        simulation would hold more than ``max_pending_actions``."""
        lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
        rows_limit = self.settings.max_upload_rows
        if lines > rows_limit + 1:  # the header (or a first JSON line) is not a payment
            raise ApiError(413, "upload_limit", f"an upload holds at most {rows_limit} rows (got {lines} lines)")
        with self._using(sim_id) as entry, self._engine_errors(entry):
            orchestrator = entry.orchestrator
            pending = int(orchestrator.state().get("pending_actions", 0))
            limit = self.settings.max_pending_actions
            if pending + lines - 1 > limit:
                raise ApiError(
                    409,
                    "schedule_limit",
                    f"a simulation holds at most {limit} pending scheduled actions ({pending} pending, "
                    f"up to {lines - 1} more asked)",
                )
            started = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="psim-upload-") as scratch:
                path = os.path.join(scratch, "upload")
                with open(path, "wb") as f:
                    f.write(body)
                summary = orchestrator.schedule_payments(path, name="upload", **dict(options))
            with self._changing(entry):
                blocks, through = drain(orchestrator, entry.events_through, min_events=ENGINE_PAGE)
                self._commit(entry, "payments", "", started, blocks=blocks, events_through=through, force_snapshot=True)
            keep = ("rows", "payments", "skipped", "rejected", "first_skip", "first_reject")
            result = {k: summary[k] for k in keep}
            result["pending_actions"] = int(orchestrator.state().get("pending_actions", 0))
            return result
