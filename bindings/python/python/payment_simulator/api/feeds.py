"""Fed runs over REST: a payment file uploaded and run with per-payment results
(``POST /simulations/{id}/payment-runs``), continued (``…/payment-runs/latest/continue``),
its results and rejects downloaded (``GET …/payment-runs/latest/results``).

The core reads the file and builds every result (``psim_sim_run_payments`` /
``psim_sim_continue_payments``; docs/model.md § Payment files, "Fed runs in slices"); this
module keeps the files and the service's limits. A request runs within the run limits in
slices: each slice is a fed run stopping before the horizon (suspended in the simulation), its
events moved to the database as a slice ends; the request stops early — the run stays
suspended — once the engine holds ``max_live_transactions``; a further continue goes on.

**Files.** Each run has a directory ``DATA_DIR/feeds/SIM_ID/SEQ`` (``SEQ``: the logged operation
that started it) holding the upload (``payments``), ``results.csv`` or ``results.jsonl`` and
``rejects`` of the same format; the latest directory is the simulation's current run (the core
refuses a second run while one is suspended). **Durability.** Every fed request is stored as a
snapshot (a suspended run is in the snapshot, with the files' paths and records written). The
results and rejects files grow as the run goes; ``state.json`` in the directory records their
lengths at the last stored request, written as ``pending`` (with the request's sequence
number) before the commit and ``committed`` after it, so a simulation rebuilt from disk — after
a failed request or a crash — cuts the files back to what its snapshot says they hold, and a
run whose first request was never stored is removed.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ApiError
from .runner import ENGINE_PAGE, drain

#: Result formats the core writes (by the file's extension); Parquet is converted from CSV.
RESULT_FORMATS = ("csv", "jsonl")
_STATE = "state.json"
log = logging.getLogger("payment_simulator.api")


def _read_state(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / _STATE).read_text())
    except (OSError, ValueError):
        return {}


def _write_state(directory: Path, state: Mapping[str, Any]) -> None:
    tmp = directory / (_STATE + ".tmp")
    with open(tmp, "w") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, directory / _STATE)


def _lengths(directory: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in directory.iterdir() if p.name.startswith(("results.", "rejects."))}


class FeedsMixin:
    """The fed-run operations of :class:`~payment_simulator.api.service.SimulationService`."""

    # -- files --

    def _feeds_of(self, sim_id: str) -> Path:
        return Path(self.settings.data_dir) / "feeds" / sim_id

    def _latest_feed(self, sim_id: str) -> Path | None:
        root = self._feeds_of(sim_id)
        runs = sorted((int(p.name), p) for p in root.iterdir() if p.name.isdigit()) if root.is_dir() else []
        return runs[-1][1] if runs else None

    def _settle_feed_files(self, sim_id: str, committed_seq: int) -> None:
        """After a rebuild from disk: the latest run's files back to the lengths its stored
        state says (``committed_seq``: the last stored operation)."""
        directory = self._latest_feed(sim_id)
        if directory is None:
            return
        state = _read_state(directory)
        pending = state.get("pending")
        if pending is not None and pending["seq"] <= committed_seq:
            state = {"committed": pending}  # stored, though state.json was not updated after
            _write_state(directory, state)
        committed = state.get("committed")
        if committed is None:  # its first request was never stored
            shutil.rmtree(directory, ignore_errors=True)
            return
        for name, length in committed["lengths"].items():
            path = directory / name
            if path.exists() and path.stat().st_size > length:
                with open(path, "r+b") as f:
                    f.truncate(length)
        if pending is not None and pending["seq"] > committed_seq:
            _write_state(directory, {"committed": committed})

    def delete_feeds(self, sim_id: str) -> None:
        shutil.rmtree(self._feeds_of(sim_id), ignore_errors=True)

    # -- operations --

    def _feed_ticks(self, entry, ticks: int | None) -> int:
        remaining = entry.horizon - entry.orchestrator.current_tick()
        n = remaining if ticks is None else ticks
        self._check_limit(n, self.settings.max_run_ticks, "ticks")
        self._check_ticks(entry, n, "ticks")
        return n

    def start_feed(
        self, sim_id: str, body: bytes, options: Mapping[str, Any], ticks: int | None, results_format: str
    ) -> dict:
        """Upload ``body`` (bounded as ``POST …/payments``) and run fed from it for ``ticks``
        ticks (default: to the horizon) within the run limits; the core's summary."""
        if results_format not in RESULT_FORMATS:
            message = f"results are written as {' or '.join(RESULT_FORMATS)} (got {results_format!r})"
            raise ApiError(422, "invalid_argument", message, [("results_format", message)])
        lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
        rows_limit = self.settings.max_upload_rows
        if lines > rows_limit + 1:  # the header (or a first JSON line) is not a payment
            raise ApiError(413, "upload_limit", f"an upload holds at most {rows_limit} rows (got {lines} lines)")
        with self._using(sim_id) as entry, self._engine_errors(entry):
            n = self._feed_ticks(entry, ticks)
            directory = self._feeds_of(sim_id) / str(entry.next_seq)
            directory.mkdir(parents=True, exist_ok=True)
            try:
                payments = directory / "payments"
                payments.write_bytes(body)
                first = lambda slice_ticks: entry.orchestrator.run_payments(  # noqa: E731
                    str(payments),
                    name="upload",
                    results=str(directory / f"results.{results_format}"),
                    rejects=str(directory / f"rejects.{results_format}"),
                    ticks=slice_ticks,
                    **dict(options),
                )
                return self._fed_request(entry, directory, n, first, lines)
            except BaseException:
                # Not stored (the commit is the last step that can fail): nothing of it stays.
                shutil.rmtree(directory, ignore_errors=True)
                raise

    def continue_feed(self, sim_id: str, ticks: int | None) -> dict:
        """Go on with the simulation's suspended fed run for ``ticks`` ticks (default: to the
        horizon) within the run limits."""
        with self._using(sim_id) as entry, self._engine_errors(entry):
            directory = self._latest_feed(sim_id)
            if directory is None:
                raise ApiError(409, "no_payment_run", "this simulation has no payment run to continue")
            n = self._feed_ticks(entry, ticks)
            # The file's lines bound the payments still to come (for the slices' size).
            with open(directory / "payments", "rb") as f:
                rows = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
            return self._fed_request(entry, directory, n, entry.orchestrator.continue_payments, rows)

    def _fed_request(self, entry, directory: Path, n: int, first, rows: int) -> dict:
        """Run ``n`` ticks fed from the file in slices (``first`` starts the first one), the
        events of each slice moved to the database, stopping early once the engine holds
        ``max_live_transactions``; store the request with a snapshot."""
        orchestrator = entry.orchestrator
        workload = orchestrator.workload()
        # Generated arrivals, and the file's rows spread over the ticks left (an estimate: a
        # day is loaded whole, so a slice holds at least that day's events).
        left = max(1, entry.horizon - orchestrator.current_tick())
        per_tick = float(workload["expected_transactions_per_tick"]) + rows / left
        per_transaction = int(workload["max_events_per_transaction"])
        slice_ticks = max(1, int(self.settings.max_events_in_memory / (per_transaction * per_tick + 1)))
        started = time.perf_counter()
        seq = entry.next_seq
        state = _read_state(directory)
        with self._changing(entry):
            done, stopped, blocks, through = 0, False, [], entry.events_through
            step = first
            while True:
                run = step(min(slice_ticks, n - done))
                step = orchestrator.continue_payments
                done += run["ticks_run"]
                if blocks:
                    self.store.add_events(entry.sim_id, blocks)
                final = done >= n or not run.suspended
                blocks, through = drain(orchestrator, through, min_events=ENGINE_PAGE if final else 0)
                if final:
                    break
                if int(orchestrator.workload()["live_transactions"]) >= self.settings.max_live_transactions:
                    stopped = True
                    break
            summary = dict(run.summary)
            summary.update(ticks_run=done, stopped_by_budget=stopped)
            for key in ("results_path", "rejects_path"):
                summary.pop(key, None)
            record = {"seq": seq, "lengths": _lengths(directory), "summary": summary}
            _write_state(directory, {**state, "pending": record})
            self._commit(
                entry, "payment_run", "", started, ticks=done, blocks=blocks, events_through=through, force_snapshot=True
            )
        try:  # stored: a rebuild would take `pending` as committed anyway (its seq is stored)
            _write_state(directory, {"committed": record})
        except OSError as e:
            log.warning("simulation %s: %s not updated: %s", entry.sim_id, directory / _STATE, e)
        return summary

    def feed_summary(self, sim_id: str) -> dict:
        """The latest run's summary as last stored."""
        with self._using(sim_id):
            directory = self._latest_feed(sim_id)
            committed = _read_state(directory).get("committed") if directory is not None else None
            if committed is None:
                raise ApiError(404, "no_payment_run", "this simulation has no payment run")
            return committed["summary"]

    def feed_file(self, sim_id: str, kind: str, fmt: str | None) -> tuple[bytes, str]:
        """The latest run's ``results`` or ``rejects`` as stored (``fmt``: the format it was
        written in, or ``parquet`` from CSV results); the bytes and the format."""
        with self._using(sim_id):
            directory = self._latest_feed(sim_id)
            committed = _read_state(directory).get("committed") if directory is not None else None
            if committed is None:
                raise ApiError(404, "no_payment_run", "this simulation has no payment run")
            name, length = next(
                ((k, v) for k, v in committed["lengths"].items() if k.startswith(kind + ".")), (None, 0)
            )
            written = name.split(".", 1)[1]
            want = fmt or written
            if want == written:
                with open(directory / name, "rb") as f:
                    return f.read(length), written
            if want == "parquet" and written == "csv" and kind == "results":
                return _csv_to_parquet(directory / name, length), "parquet"
            message = f"the {kind} were written as {written} (choose results_format when the run starts)"
            if want == "parquet":
                message += "; Parquet is made from CSV results"
            raise ApiError(409, "results_format", message, [("format", message)])


def _csv_to_parquet(path: Path, length: int) -> bytes:
    from ..payments import _pyarrow

    pa = _pyarrow("Parquet results")

    with open(path, "rb") as f:
        data = f.read(length)
    types = {"id": pa.string(), "tx": pa.string(), "parts": pa.string()}
    table = pa.csv.read_csv(io.BytesIO(data), convert_options=pa.csv.ConvertOptions(column_types=types))
    sink = io.BytesIO()
    pa.parquet.write_table(table, sink)
    return sink.getvalue()


__all__ = ["FeedsMixin", "RESULT_FORMATS"]
