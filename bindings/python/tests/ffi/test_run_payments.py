"""Orchestrator.run_payments: a payments file, a DataFrame, an Arrow table or a Parquet file
fed to the core (psim_sim_run_payments); results as a DataFrame or Parquet; problems named."""

from pathlib import Path

import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.errors import InvalidConfigError

pandas = pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[4]
SCENARIO = ROOT / "examples/payments/scenario.yaml"
PAYMENTS = ROOT / "examples/payments/payments.csv"


def _run(payments, **kw):
    with Orchestrator(SCENARIO) as sim:
        run = sim.run_payments(payments, business_day="07:00-18:00", **kw)
        return run, run.results


def test_a_file_runs_and_the_results_join_back_by_id():
    run, results = _run(PAYMENTS)
    assert run.summary["payments"] == 7 and run.summary["finished"]
    assert len(results) == 7
    inp = pandas.read_csv(PAYMENTS, dtype={"id": "string"})
    inp["line"] = inp.index + 2  # ids repeat across days: id and line identify a row
    joined = inp.merge(results, on=["id", "line"], suffixes=("", "_r"))
    assert len(joined) == 7 and (joined.amount == joined.amount_r).all()
    settled = results[results.status == "settled"]
    assert settled.settlement_tick.dtype.name == "Int64"
    assert list(results.columns[-1:]) == ["reference"]


def test_a_dataframe_and_an_arrow_table_give_the_files_results():
    _, from_file = _run(PAYMENTS)
    frame = pandas.read_csv(PAYMENTS)
    frame["time"] = pandas.to_datetime(frame["time"], format="mixed")  # timestamps as datetimes
    _, from_frame = _run(frame)
    cols = ["id", "status", "settlement_tick", "mechanism", "arrival_time"]
    assert from_frame[cols].equals(from_file[cols])
    pa = pytest.importorskip("pyarrow")
    _, from_arrow = _run(pa.Table.from_pandas(frame))
    assert from_arrow[cols].equals(from_file[cols])


def test_parquet_in_and_out(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    frame = pandas.read_csv(PAYMENTS)
    pq.write_table(pa.Table.from_pandas(frame), tmp_path / "p.parquet")
    out = tmp_path / "r.parquet"
    run, _ = _run(tmp_path / "p.parquet", results=out)
    table = pq.read_table(out)
    assert table.num_rows == 7 and table.schema.field("id").type == pa.string()
    # A Parquet file of the wrong schema: the core names the missing column.
    pq.write_table(pa.Table.from_pandas(frame.drop(columns=["receiver"])), tmp_path / "bad.parquet")
    with pytest.raises(InvalidConfigError) as e:
        _run(tmp_path / "bad.parquet")
    assert e.value.problems[0]["path"] == f"{tmp_path / 'bad.parquet'}:1:receiver"
    assert 'the header has no "receiver" column' in str(e.value)
    # Amounts that are not whole cents: named by line (row + 2).
    bad = frame.assign(amount=frame.amount / 3)
    with pytest.raises(InvalidConfigError) as e:
        _run(bad)
    assert e.value.problems[0]["path"] == "table:2:amount"
    (tmp_path / "junk.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        _run(tmp_path / "junk.parquet")


def test_bad_options_are_the_cores_problems():
    with Orchestrator(SCENARIO) as sim:
        with pytest.raises(InvalidConfigError) as e:
            sim.run_payments(PAYMENTS, business_day="7-18", on_outside="ignore", columns={"payer": "x"})
        paths = sorted(p["path"] for p in e.value.problems)
        assert paths == ["business_day", "columns", "on_outside"]
        assert sim.current_tick() == 0


def test_skipped_rows_come_back_as_rejects(tmp_path):
    frame = pandas.read_csv(PAYMENTS)
    frame.loc[2, "receiver"] = "BANK_Q"
    frame.loc[3, "time"] = "2026-03-02 05:00"
    run, results = _run(frame, on_invalid="skip", on_outside="skip", rejects=tmp_path / "rej.csv")
    assert (run["skipped"], run["rejected"], len(results)) == (1, 1, 5)
    rejects = run.rejects
    assert list(rejects.line) == [4, 5] and list(rejects.kind) == ["invalid", "outside"]
    assert rejects.reason[0] == 'column "receiver": unknown participant "BANK_Q"'
