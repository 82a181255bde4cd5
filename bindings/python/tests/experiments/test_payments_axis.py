"""An experiment over payment files gives the same rows in Python (a dict, paths relative to the
current directory) as the CLI's sweep (a file, paths relative to it); a missing file names the
axis and value."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from payment_simulator import experiments
from payment_simulator.errors import InvalidConfigError

pd = pytest.importorskip("pandas")

REPO = Path(__file__).resolve().parents[4]
PAYMENTS = REPO / "examples" / "payments" / "payments.csv"
SCENARIO = {
    "simulation": {"ticks_per_day": 11, "num_days": 2, "seed": 1},
    "agents": [
        {"id": "BANK_A", "balance": 50000, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 20000, "policy": {"type": "Fifo"}},
        {"id": "BANK_C", "balance": 0, "policy": {"type": "Fifo"}},
    ],
}


def experiment() -> dict:
    day = "07:00-18:00"
    return {
        "scenario": SCENARIO,
        "axes": [
            {"payments": [{"file": "all.csv", "business_day": day}, {"file": "first_day.csv", "business_day": day}]},
            {"path": "agents[BANK_B].balance", "values": [20000, 60000]},
        ],
    }


def test_python_and_the_cli_give_the_same_rows(cli, tmp_path, monkeypatch):
    shutil.copy(PAYMENTS, tmp_path / "all.csv")
    lines = PAYMENTS.read_text().splitlines()
    (tmp_path / "first_day.csv").write_text("\n".join(lines[:6]) + "\n")
    exp_file = tmp_path / "e.json"
    exp_file.write_text(json.dumps(experiment()))
    elsewhere = tmp_path / "out"
    elsewhere.mkdir()
    csv = elsewhere / "runs.csv"
    subprocess.run([cli, "sweep", str(exp_file), "--out", str(csv)], check=True, capture_output=True, cwd=elsewhere)
    monkeypatch.chdir(tmp_path)
    python = experiments.run(experiment(), max_workers=2)
    from_cli = pd.read_csv(csv)
    assert list(from_cli.columns) == list(python.runs.columns)
    pd.testing.assert_frame_equal(
        from_cli.drop(columns="error"), python.runs.drop(columns="error"), check_dtype=False
    )
    assert list(python.runs["payments"]) == ["all.csv", "all.csv", "first_day.csv", "first_day.csv"]
    assert list(python.runs["arrivals"]) == [7, 7, 5, 5]
    assert (python.runs["status"] == "ok").all()


def test_a_missing_file_names_the_axis_and_value(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidConfigError) as e:
        experiments.expand({"scenario": SCENARIO, "axes": [{"payments": ["gone.csv"]}]})
    assert 'axes[0] (payments) = "gone.csv": no such file' in str(e.value)
