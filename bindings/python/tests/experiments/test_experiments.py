"""payment_simulator.experiments: the points and records are the core's; the tables are the
same whichever executor ran them (a process pool, threads, a Dask LocalCluster) and the same
as the CLI's; a failed point or a dead worker is reported with its point and the others are
kept; the module imports without its optional dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from payment_simulator import experiments
from payment_simulator.errors import InvalidConfigError

pd = pytest.importorskip("pandas")

REPO = Path(__file__).resolve().parents[4]
LD = REPO / "examples" / "experiments" / "liquidity_delay.yaml"
BASE = {
    "simulation": {"ticks_per_day": 20, "seed": 7, "queue_discipline": "fifo"},
    "lsm": {"bilateral": False, "multilateral": False},
    "agents": [
        {
            "id": bank,
            "balance": 0,
            "policy": {"type": "Fifo"},
            "arrival_config": {
                "rate_per_tick": 0.5,
                "distribution": {"type": "Uniform", "min": 10000, "max": 50000},
                "counterparty_weights": {other: 1.0},
                "deadline_offset": 20,
            },
        }
        for bank, other in (("A", "B"), ("B", "A"))
    ],
}
HOLD = {"type": "LiquidityAware", "target_buffer": 2**63 - 1, "urgency_threshold": 0}


def small(**extra) -> dict:
    return {"scenario": BASE, "axes": [{"between_bounds": [0.0, 0.5, 1.0]}], "seeds": [1, 2], **extra}


def test_expand_lists_the_points_in_order_and_names_a_bad_axis():
    points = experiments.expand(small())
    assert points["axes"] == ["between_bounds", "seed"]
    assert [p["values"] for p in points["points"][:3]] == [
        {"between_bounds": 0.0, "seed": 1},
        {"between_bounds": 0.0, "seed": 2},
        {"between_bounds": 0.5, "seed": 1},
    ]
    with pytest.raises(InvalidConfigError) as e:
        experiments.expand(small(axes=[{"path": "lsm.algorithm", "values": ["exact", "fastest"]}]))
    assert e.value.problems[0]["path"] == "axes[0]"
    assert e.value.problems[0]["value"] == "fastest"
    with pytest.raises(InvalidConfigError, match="allow_large"):
        experiments.expand(small(seeds={"first": 0, "count": 5000}))
    assert experiments.expand(small(seeds={"first": 0, "count": 5000}), allow_large=True)["count"] == 15000


def test_the_tables_are_the_same_whichever_executor_ran_them():
    pool = experiments.run(small(), max_workers=2)
    with ThreadPoolExecutor(3) as threads:
        threaded = experiments.run(small(), threads)
    assert threaded.records == pool.records
    pd.testing.assert_frame_equal(threaded.runs, pool.runs)
    pd.testing.assert_frame_equal(threaded.participants, pool.participants)
    assert list(pool.runs["index"]) == list(range(6))
    assert list(pool.runs.columns[:4]) == ["index", "status", "between_bounds", "seed"]
    assert len(pool.participants) == 12
    at_ub = pool.runs[pool.runs["between_bounds"] == 1.0]
    assert (at_ub["mean_delay"] == 0).all() and (at_ub["unsettled_count"] == 0).all()


def test_a_dask_local_cluster_gives_the_same_tables():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            dask = experiments.run(small(), client)
    local = experiments.run(small(), max_workers=2)
    assert dask.records == local.records
    pd.testing.assert_frame_equal(dask.runs, local.runs)
    pd.testing.assert_frame_equal(dask.participants, local.participants)


def test_the_cli_reports_the_same_records(cli, tmp_path):
    out = tmp_path / "runs.json"
    subprocess.run([cli, "sweep", str(LD), "--jobs", "2", "--out", str(out)], check=True, capture_output=True)
    python = experiments.run(LD, max_workers=2)
    cli_doc = json.loads(out.read_text())
    assert cli_doc["axes"] == python.axes
    assert cli_doc["records"] == python.records
    csv = tmp_path / "runs.csv"
    subprocess.run([cli, "sweep", str(LD), "--out", str(csv)], check=True, capture_output=True)
    from_cli = pd.read_csv(csv)
    assert list(from_cli.columns) == list(python.runs.columns)
    pd.testing.assert_frame_equal(
        from_cli.drop(columns="error"), python.runs.drop(columns="error"), check_dtype=False
    )


def test_a_failed_point_is_reported_with_its_point_and_parquet_stays_valid(tmp_path):
    pytest.importorskip("pyarrow")
    exp = small(axes=[{"path": "agents[A].policy", "values": [{"type": "Fifo"}, HOLD]}, {"between_bounds": [0.5]}])
    results = experiments.run(exp, max_workers=2, parquet=tmp_path / "runs.parquet")
    assert list(results.runs["status"]) == ["ok", "ok", "failed", "failed"]
    assert results.failed["error"].str.contains("first pass").all()
    assert len(results.participants) == 4  # the two runs that did not fail
    back = pd.read_parquet(tmp_path / "runs.parquet")
    assert list(back["status"]) == ["ok", "ok", "failed", "failed"]
    assert len(pd.read_parquet(tmp_path / "runs_participants.parquet")) == 4
    # An axis whose values have different types is one column of text.
    mixed = small(axes=[{"path": "agents[A].balance", "values": [100000, {"between_bounds": 0.5}]}], seeds=[1])
    results = experiments.run(mixed, max_workers=1, parquet=tmp_path / "mixed.parquet", progress=True)
    assert list(pd.read_parquet(tmp_path / "mixed.parquet")["agents[A].balance"]) == [
        "100000",
        '{"between_bounds":0.5}',
    ]


KILLER = """
import os
from payment_simulator.experiments import run_point

def task(text, base, index):
    if index == 3:
        os._exit(13)  # the worker dies
    return run_point(text, base, index)
"""


def test_a_worker_that_dies_takes_only_its_point(tmp_path, monkeypatch):
    (tmp_path / "psim_killer.py").write_text(KILLER)
    monkeypatch.syspath_prepend(str(tmp_path))
    import psim_killer

    results = experiments.run(small(), max_workers=2, _task=psim_killer.task)
    assert list(results.runs["status"]) == ["ok", "ok", "ok", "failed", "ok", "ok"]
    assert "died" in results.runs["error"][3]
    good = experiments.run(small(), max_workers=2)
    keep = results.runs["status"] == "ok"
    pd.testing.assert_frame_equal(
        results.runs[keep].drop(columns="error"), good.runs[keep].drop(columns="error"), check_dtype=False
    )


def test_the_module_imports_without_its_optional_dependencies():
    code = textwrap.dedent(
        """
        import sys
        for name in ("pandas", "tqdm", "pyarrow", "dask", "distributed", "matplotlib"):
            sys.modules[name] = None  # import fails
        from payment_simulator import experiments
        points = experiments.expand({"scenario": %r, "axes": [{"between_bounds": [0.0, 1.0]}]})
        assert points["count"] == 2
        try:
            experiments.run({"scenario": %r})
        except ImportError as e:
            assert "payment-simulator[experiments]" in str(e), e
        else:
            raise AssertionError("run needs pandas")
        """
        % (BASE, BASE)
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_compare_gives_the_means_over_the_seeds_and_counts_failures():
    exp = small(axes=[{"name": "A", "path": "agents[A].policy", "values": [{"type": "Fifo"}, HOLD], "labels": ["fifo", "hold"]},
                      {"between_bounds": [0.0, 1.0]}])
    results = experiments.run(exp, max_workers=2)
    table = experiments.compare(results.runs, by="A", metrics=["mean_delay", "cost_total"])
    ok = results.runs[results.runs["status"] == "ok"]
    assert table.loc["fifo", "mean_delay"] == pytest.approx(ok["mean_delay"].mean())
    assert table.loc["fifo", "runs"] == 4 and table.loc["fifo", "failed"] == 0
    assert "hold" not in table.index  # every run of it failed (the bounds' first pass)
    assert (results.runs[results.runs["A"] == "hold"]["status"] == "failed").all()
