"""`payment-sim run --events FILE.parquet` read from Python: pandas gets the CSV's rows and
columns (typed: categories for the few-valued text, integers for numbers) and pyarrow the
provenance header from the file's metadata, the same JSON object as the JSON lines' first line.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet")

REPO = Path(__file__).resolve().parents[3]
# Arrivals, queues, settlements by every mechanism, scheduled actions, end of day.
SCENARIO = REPO / "examples" / "scenarios" / "outage_and_shock.yaml"


def write_events(cli: str, path: Path) -> None:
    subprocess.run(
        [cli, "run", str(SCENARIO), "--event-recording", "full", "--events", str(path)],
        check=True,
        capture_output=True,
    )


def test_parquet_has_the_csv_rows_and_the_header(cli, tmp_path):
    for ext in ("csv", "parquet", "jsonl"):
        write_events(cli, tmp_path / f"events.{ext}")
    from_csv = pd.read_csv(tmp_path / "events.csv", skiprows=1)
    from_parquet = pd.read_parquet(tmp_path / "events.parquet")
    assert len(from_parquet) > 1000
    assert list(from_parquet.columns) == list(from_csv.columns)

    # Typed columns: no number is read from text, few-valued text is categorical.
    assert from_parquet["seq"].dtype == "uint64"
    assert from_parquet["tick"].dtype == "uint64"
    for name in ("type", "sender", "receiver", "mechanism"):
        assert isinstance(from_parquet[name].dtype, pd.CategoricalDtype), name
    assert set(from_parquet["mechanism"].dropna()) <= {"rtgs", "queue", "bilateral", "multilateral"}
    # With nullable dtypes the integer columns stay integers where some rows have no value.
    nullable = pd.read_parquet(tmp_path / "events.parquet", dtype_backend="numpy_nullable")
    assert str(nullable["amount"].dtype) == "Int64"
    assert str(nullable["priority"].dtype) == "UInt64"

    # The same values, row by row: categories as text, both with NaN for an absent field.
    as_text = from_parquet.astype({n: object for n in ("type", "sender", "receiver", "mechanism")})
    pd.testing.assert_frame_equal(as_text, from_csv, check_dtype=False)

    # The provenance header: the JSON lines' first line, stored in the key-value metadata.
    header_line = (tmp_path / "events.jsonl").read_text().splitlines()[0]
    metadata = pq.read_metadata(tmp_path / "events.parquet").metadata
    assert metadata[b"payment-sim-events"].decode() == header_line
    header = json.loads(metadata[b"payment-sim-events"])
    assert header["format"] == "payment-sim-events"
    assert header["schema_version"] == 1
    assert header["provenance"]["scenario_hash"].startswith("sha256:")
    # pyarrow's schema carries it too (where pandas users look for a table's metadata).
    assert pq.read_schema(tmp_path / "events.parquet").metadata[b"payment-sim-events"] == metadata[
        b"payment-sim-events"
    ]


def test_two_runs_write_the_same_bytes(cli, tmp_path):
    write_events(cli, tmp_path / "a.parquet")
    write_events(cli, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
