"""Running an experiment's points on an executor and shaping the records into tables.

Any ``concurrent.futures.Executor`` runs the points: each task is :func:`run_point` of the
experiment's texts and an index, so the worker needs nothing but this package. The records
go back in point order, so the tables are the same whichever executor ran them and in
whatever order the points finished. A point whose task fails (an exception, a worker that
died) is recorded as failed with its point; the others are kept.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ._points import ExperimentLike, expand_texts, experiment_texts, resolve_texts, run_point

_Task = Callable[[bytes, "bytes | None", int], dict]


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("pandas is not installed: pip install 'payment-simulator[experiments]'") from None
    return pandas


def _cell(value: Any) -> Any:
    """An axis value as a table cell: scalars as they are, anything else as compact JSON (as
    the CLI's CSV writes it)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def _failed(point: dict, error: BaseException | str) -> dict:
    reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return {
        "index": point["index"],
        "values": point["values"],
        "status": "failed",
        "error": reason,
        "participants": [],
    }


@dataclass
class Results:
    """What :func:`run` returns: the records as the core made them (``records``, in point
    order), the axis names, and the two tidy tables: ``runs`` (one row per run: ``index``,
    ``status``, one column per axis and per figure, ``error``) and ``participants`` (one row
    per run and participant)."""

    axes: list[str]
    records: list[dict] = field(repr=False)
    runs: Any = field(repr=False)
    participants: Any = field(repr=False)

    @property
    def failed(self):
        """The runs that failed (their point and ``error``)."""
        return self.runs[self.runs["status"] != "ok"]

    def to_parquet(self, path: str | os.PathLike) -> tuple[Path, Path]:
        """Write ``runs`` to ``path`` and ``participants`` beside it (``NAME_participants.parquet``);
        return both paths. Needs pyarrow."""
        runs = Path(path)
        parts = runs.with_name(f"{runs.stem}_participants{runs.suffix or '.parquet'}")
        self.runs.to_parquet(runs, index=False)
        self.participants.to_parquet(parts, index=False)
        return runs, parts


def tables(axes: list[str], records: list[dict]):
    """The runs and participants DataFrames of ``records`` (columns in the core's order)."""
    pd = _pandas()
    system = next((list(r["system"]) for r in records if r.get("system")), [])
    figures = next((list(p) for r in records for p in r["participants"]), ["participant"])
    runs, parts = [], []
    for r in records:
        labels = {a: _cell(r["values"].get(a)) for a in axes}
        row = {"index": r["index"], "status": r["status"], **labels}
        row.update(r.get("system") or {})
        row["error"] = r.get("error")
        runs.append(row)
        parts.extend({"index": r["index"], **labels, **p} for p in r["participants"])
    for a in axes:  # one type per column (Parquet needs it): mixed values all as JSON text
        kinds = {type(row[a]) for row in runs} - {type(None)}
        if len(kinds) > 1 and not kinds <= {int, float}:
            for row in (*runs, *parts):
                row[a] = row[a] if isinstance(row[a], str) else json.dumps(row[a])
    run_columns = ["index", "status", *axes, *system, "error"]
    part_columns = ["index", *axes, *figures]
    return (
        pd.DataFrame.from_records(runs, columns=run_columns),
        pd.DataFrame.from_records(parts, columns=part_columns),
    )


def _progress_bar(total: int, progress: bool | None):
    try:
        from tqdm import tqdm
    except ImportError:
        if progress:
            raise ImportError("tqdm is not installed: pip install 'payment-simulator[experiments]'") from None
        return None
    # None: tqdm's own choice (shown on a terminal, not in a pipe)
    return tqdm(total=total, unit="run", disable=None if progress is None else not progress)


def run(
    experiment: ExperimentLike,
    executor: Executor | Any | None = None,
    *,
    allow_large: bool = False,
    progress: bool | None = None,
    parquet: str | os.PathLike | None = None,
    max_workers: int | None = None,
    _task: _Task = run_point,
) -> Results:
    """Run every point of ``experiment`` and return :class:`Results`.

    - ``experiment``: a dict (``{"scenario": {...} or "path.yaml", "axes": [...], "seeds":
      ...}``, docs/experiments.md) or the path of a YAML/JSON experiment file.
    - ``executor``: any ``concurrent.futures.Executor``, or a Dask ``distributed.Client``
      (its ``get_executor()`` is used). Default: a process pool of ``max_workers`` processes
      (default: every core), shut down at the end.
    - ``allow_large``: accept more points than the core's limit.
    - ``progress``: a tqdm bar (None: shown on a terminal only).
    - ``parquet``: also write the tables there (:meth:`Results.to_parquet`).

    Raises InvalidConfigError (every problem naming the axis and value) before anything runs.
    A point whose run fails is in the results with ``status == "failed"`` and its ``error``;
    a worker that dies takes only its own point with it (the default pool reruns the other
    points it interrupted, one at a time)."""
    _pandas()  # before any run: the tables need it
    text, base = experiment_texts(experiment)
    plan = expand_texts(text, base, allow_large)
    text, base = resolve_texts(text, base), None  # one JSON document for every task
    points = plan["points"]
    records: list[dict | None] = [None] * len(points)
    bar = _progress_bar(len(points), progress)
    own = executor is None
    shipped: Any = text
    if hasattr(executor, "get_executor"):  # a distributed.Client
        # The experiment goes to every worker once, not with every task.
        shipped = executor.scatter(text, broadcast=True)
        executor = executor.get_executor()
    pool = executor or ProcessPoolExecutor(max_workers=max_workers or os.cpu_count())

    def done(i: int, record: dict) -> None:
        records[i] = record
        if bar is not None:
            bar.update(1)

    interrupted: list[int] = []
    try:
        futures = {pool.submit(_task, shipped, base, p["index"]): p["index"] for p in points}
        for future in as_completed(futures):
            i = futures[future]
            try:
                done(i, future.result())
            except BrokenExecutor as e:
                if own:
                    interrupted.append(i)
                else:
                    done(i, _failed(points[i], e))
            except Exception as e:  # the point's own failure: recorded, the others go on
                done(i, _failed(points[i], e))
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    # A dead worker breaks the whole pool: rerun its victims one at a time, so that only the
    # point that kills its worker is reported failed.
    for i in sorted(interrupted):
        with ProcessPoolExecutor(max_workers=1) as single:
            try:
                done(i, single.submit(_task, text, base, i).result())
            except Exception as e:  # a dead worker again: this point killed it
                done(i, _failed(points[i], e if not isinstance(e, BrokenExecutor) else "the worker running this point died"))
    if bar is not None:
        bar.close()
    final = [r for r in records if r is not None]
    runs, parts = tables(plan["axes"], final)
    results = Results(axes=plan["axes"], records=final, runs=runs, participants=parts)
    if parquet is not None:
        results.to_parquet(parquet)
    return results
