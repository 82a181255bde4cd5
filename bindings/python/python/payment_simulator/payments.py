"""Payment files from Python: :meth:`Orchestrator.run_payments` (``psim_sim_run_payments``) and
:meth:`Orchestrator.continue_payments` (``psim_sim_continue_payments``).

The core reads, checks and feeds the payments and builds the per-payment results; this module
only moves data. A CSV or JSON Lines file goes to the core as it is. A pandas DataFrame, a
pyarrow Table or a Parquet file is first written as CSV (its columns as the header, one line
per row, so the core's problems name line ``row + 2``: line 1 is the header) — a table is only
a file the core can read; no rule of the file is checked here. Results come back as the
core's CSV, read into a DataFrame on demand, or converted to Parquet when asked for
(``results="out.parquet"``).

Parquet needs pyarrow; tables and ``.results`` need pandas (the ``pandas`` extra).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from typing import Any

_DIRECT = (".csv", ".tsv", ".txt", ".jsonl", ".ndjson")


def _pyarrow(what: str):
    try:
        import pyarrow
        import pyarrow.csv  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ImportError(f"{what} needs pyarrow: pip install pyarrow") from None
    return pyarrow


def _table_to_csv(table: Any, path: str) -> None:
    """Write a DataFrame or pyarrow Table as CSV for the core. Integer columns with missing
    values stay integers (``convert_dtypes``: pandas would otherwise write ``5.0``)."""
    if hasattr(table, "to_pandas") and not hasattr(table, "to_csv"):  # pyarrow Table
        table = table.to_pandas()
    if not hasattr(table, "to_csv"):
        raise TypeError(
            "payments must be a path (CSV, JSON Lines or Parquet), a pandas DataFrame or a pyarrow Table, "
            f"not {type(table).__name__}"
        )
    table.convert_dtypes().to_csv(path, index=False)


def _columns(columns: str | Mapping[str, str] | None) -> str | None:
    """``{"id": "PaymentID"}`` as the core's mapping text ``id=PaymentID`` (the core checks
    the roles)."""
    if columns is None or isinstance(columns, str):
        return columns
    return ",".join(f"{role}={name}" for role, name in columns.items())


class PaymentRun:
    """What :meth:`Orchestrator.run_payments` read and wrote.

    ``summary`` is the core's (``rows``, ``payments``, ``skipped``, ``rejected``, ``chunks``,
    ``ticks_run``, ``finished``, ``results_written``, ``rejects_written``, ``first_skip``,
    ``first_reject``); ``results_path`` / ``rejects_path`` the files written (temporary ones,
    removed with this object, when none was asked for)."""

    def __init__(self, summary: dict, results_path: str, rejects_path: str | None, scratch, parquet_from=None):
        self.summary = summary
        self.results_path = results_path
        self.rejects_path = rejects_path
        self._scratch = scratch  # keeps temporary files alive as long as this object
        # The core's CSV to convert into ``results_path`` once the run finishes (Parquet).
        self._parquet_from = parquet_from
        if parquet_from is not None and summary.get("finished"):
            _to_parquet(parquet_from, results_path)

    @property
    def suspended(self) -> bool:
        """Whether the run stopped before its horizon (``ticks``) and waits for
        :meth:`Orchestrator.continue_payments`; its results so far are in ``results_path``
        (the core's CSV until the run finishes, when Parquet was asked for)."""
        return bool(self.summary.get("suspended", False))

    def __getitem__(self, key: str) -> Any:
        return self.summary[key]

    def __repr__(self) -> str:
        return f"PaymentRun({self.summary!r})"

    @property
    def results(self):
        """One row per input payment (``id`` as text, to join with the input by id), as a
        pandas DataFrame."""
        return _read(self.results_path, {"id": "string", "tx": "string", "parts": "string"})

    @property
    def rejects(self):
        """The skipped rows (``line``, ``id``, ``kind``, ``reason``) as a DataFrame, or
        ``None`` when no rejects were asked for."""
        if self.rejects_path is None:
            return None
        return _read(self.rejects_path, {"id": "string", "reason": "string"})


def _read(path: str, dtypes: dict):
    from .frames import _pandas

    pandas = _pandas()
    if path.endswith((".jsonl", ".ndjson")):
        return pandas.read_json(path, lines=True, dtype=dtypes)
    if path.endswith(".parquet"):
        return pandas.read_parquet(path)
    # Nullable integers: a tick column with unsettled payments stays integral.
    return pandas.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable")


def _source(payments: Any, scratch: str, options: dict, name: str | None) -> tuple[str, str | None]:
    """The file the core reads for ``payments`` (a table written as CSV into ``scratch``), and
    its name in problems."""
    if isinstance(payments, (str, os.PathLike)):
        path = os.fspath(payments)
        if not path.lower().endswith(".parquet"):
            return path, name
        pa = _pyarrow("a Parquet payments file")
        try:
            table = pa.parquet.read_table(path)
        except (OSError, pa.ArrowInvalid) as e:
            raise ValueError(f"{path}: not a readable Parquet file: {e}") from None
        name = name or path
    else:
        table = payments
        name = name or "table"
    source = os.path.join(scratch, "payments.csv")
    _table_to_csv(table, source)
    options.setdefault("format", "csv")
    return source, name


def schedule_payments(
    call,
    payments: Any,
    *,
    rejects: str | os.PathLike | None = None,
    name: str | None = None,
    columns: str | Mapping[str, str] | None = None,
    **options: Any,
) -> dict:
    """See :meth:`Orchestrator.schedule_payments`."""
    with tempfile.TemporaryDirectory(prefix="psim-payments-") as scratch:
        source, name = _source(payments, scratch, options, name)
        mapping = _columns(columns)
        if mapping is not None:
            options["columns"] = mapping
        request: dict[str, Any] = {"payments": source, "options": options}
        if name is not None:
            request["name"] = name
        if rejects is not None:
            request["rejects"] = os.fspath(rejects)
        return call(json.dumps(request).encode("utf-8"))


def run_payments(
    call,
    payments: Any,
    *,
    results: str | os.PathLike | None = None,
    rejects: str | os.PathLike | None = None,
    ticks: int | None = None,
    name: str | None = None,
    columns: str | Mapping[str, str] | None = None,
    **options: Any,
) -> PaymentRun:
    """See :meth:`Orchestrator.run_payments`; ``call(request_bytes)`` is the native call."""
    scratch = tempfile.TemporaryDirectory(prefix="psim-payments-")
    source, name = _source(payments, scratch.name, options, name)
    mapping = _columns(columns)
    if mapping is not None:
        options["columns"] = mapping
    results_path = os.fspath(results) if results is not None else os.path.join(scratch.name, "results.csv")
    to_parquet = results_path.lower().endswith(".parquet")
    core_results = os.path.join(scratch.name, "results.csv") if to_parquet else results_path
    rejects_path = os.fspath(rejects) if rejects is not None else None
    if rejects_path is not None and rejects_path.lower().endswith(".parquet"):
        raise ValueError("rejects are written as CSV or JSON Lines (.jsonl), not Parquet")
    request: dict[str, Any] = {"payments": source, "options": options, "results": core_results}
    if name is not None:
        request["name"] = name
    if rejects_path is not None:
        request["rejects"] = rejects_path
    if ticks is not None:
        request["ticks"] = ticks
    summary = call(json.dumps(request).encode("utf-8"))
    return PaymentRun(summary, results_path, rejects_path, scratch, core_results if to_parquet else None)


def continue_payments(call, previous: PaymentRun | None, ticks: int | None = None) -> PaymentRun:
    """See :meth:`Orchestrator.continue_payments`; ``previous`` is the suspended run this
    process started (``None`` after a restore: the files are the ones the snapshot names)."""
    request: dict[str, Any] = {} if ticks is None else {"ticks": ticks}
    summary = call(json.dumps(request).encode("utf-8"))
    if previous is None:
        return PaymentRun(summary, summary.get("results_path"), summary.get("rejects_path"), None)
    return PaymentRun(
        summary, previous.results_path, previous.rejects_path, previous._scratch, previous._parquet_from
    )


def _to_parquet(core_results: str, path: str) -> None:
    pa = _pyarrow("Parquet results")
    types = {"id": pa.string(), "tx": pa.string(), "parts": pa.string()}
    table = pa.csv.read_csv(core_results, convert_options=pa.csv.ConvertOptions(column_types=types))
    pa.parquet.write_table(table, path)
