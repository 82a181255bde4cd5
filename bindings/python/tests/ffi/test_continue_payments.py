"""Orchestrator.continue_payments: a fed run stopped before its horizon (``ticks``) is
suspended; continued in slices — in the same process or from a restored snapshot — it writes
byte for byte what the uninterrupted run writes (psim_sim_continue_payments). A changed file
is refused with its problems and changes nothing."""

import json

import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.errors import InvalidArgumentError, InvalidConfigError

# Little liquidity: payments wait in Queue 2 across the stops.
CONFIG = {
    "ticks_per_day": 5,
    "num_days": 3,
    "rng_seed": 7,
    "agent_configs": [
        {"id": "A", "opening_balance": 500, "credit_limit": 0, "policy": {"type": "Fifo"}},
        {"id": "B", "opening_balance": 300, "credit_limit": 0, "policy": {"type": "Fifo"}},
        {"id": "C", "opening_balance": 100, "credit_limit": 0, "policy": {"type": "Fifo"}},
    ],
}


def _payments(path):
    names = "ABC"
    lines = ["id,tick,sender,receiver,amount,note"]
    for k in range(120):
        s = k * 7 % 3
        r = (s + 1 + k % 2) % 3
        tick = k * 15 // 120
        lines.append(f"P{k},{tick},{names[s]},{names[r]},{20 + k * 7919 % 400},n{k}")
        if k in (30, 90):
            lines.append(f"BAD{k},{tick},A,A,5,self")
    path.write_text("\n".join(lines) + "\n")
    return path


def _whole(tmp_path, results="whole.csv"):
    with Orchestrator(CONFIG) as sim:
        run = sim.run_payments(
            tmp_path / "p.csv", on_invalid="skip", results=tmp_path / results, rejects=tmp_path / "whole_x.csv"
        )
        assert run.summary["finished"] and not run.suspended
        return (tmp_path / results).read_bytes(), (tmp_path / "whole_x.csv").read_bytes(), sim.snapshot()


def _start(sim, tmp_path, ticks, results="r.csv"):
    return sim.run_payments(
        tmp_path / "p.csv", on_invalid="skip", results=tmp_path / results, rejects=tmp_path / "x.csv", ticks=ticks
    )


def test_slices_write_what_the_uninterrupted_run_writes(tmp_path):
    _payments(tmp_path / "p.csv")
    results, rejects, last = _whole(tmp_path)
    with Orchestrator(CONFIG) as sim:
        first = _start(sim, tmp_path, 3)
        assert first.suspended and first["ticks_run"] == 3 and not first["finished"]
        assert len((tmp_path / "r.csv").read_bytes()) < len(results)
        # Suspended: not ticked on its own.
        with pytest.raises(InvalidArgumentError) as e:
            sim.tick()
        assert "continue_payments" in str(e.value) and e.value.problems[0]["path"] == "payments"
        assert sim.continue_payments(4).suspended
        assert sim.continue_payments(1).suspended
        done = sim.continue_payments()
        assert done["finished"] and not done.suspended and done["ticks_run"] == 7
        assert done["results_written"] == 120 and len(done.results) == 120
        assert (tmp_path / "r.csv").read_bytes() == results
        assert (tmp_path / "x.csv").read_bytes() == rejects
        assert sim.snapshot() == last


def test_a_snapshot_between_slices_restores_and_continues(tmp_path):
    _payments(tmp_path / "p.csv")
    results, rejects, last = _whole(tmp_path)
    with Orchestrator(CONFIG) as sim:
        _start(sim, tmp_path, 6)
        saved = sim.snapshot()
    assert json.loads(saved)["payments"]["live"], "payments held across the stop"
    with Orchestrator.restore(saved) as sim:
        middle = sim.continue_payments(5)
        assert middle.suspended and middle.results_path.endswith("r.csv")
        again = sim.snapshot()
    with Orchestrator.restore(again) as sim:
        done = sim.continue_payments()
        assert done["finished"]
        assert (tmp_path / "r.csv").read_bytes() == results
        assert (tmp_path / "x.csv").read_bytes() == rejects
        assert sim.snapshot() == last


def test_parquet_results_are_written_when_the_run_finishes(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    _payments(tmp_path / "p.csv")
    _whole(tmp_path, results="whole.parquet")
    with Orchestrator(CONFIG) as sim:
        _start(sim, tmp_path, 4, results="r.parquet")
        assert not (tmp_path / "r.parquet").exists()
        sim.continue_payments()
    assert pq.read_table(tmp_path / "r.parquet").equals(pq.read_table(tmp_path / "whole.parquet"))


def test_a_changed_file_is_refused_and_changes_nothing(tmp_path):
    p = _payments(tmp_path / "p.csv")
    with Orchestrator(CONFIG) as sim:
        _start(sim, tmp_path, 4)
        before = (sim.snapshot(), (tmp_path / "r.csv").read_bytes(), (tmp_path / "x.csv").read_bytes())
        original = p.read_bytes()
        p.write_bytes(original + b"LATE,12,A,B,5,late\n")
        with pytest.raises(InvalidConfigError) as e:
            sim.continue_payments()
        assert "has changed since the run was saved" in e.value.problems[0]["message"]
        assert e.value.problems[0]["path"].endswith("p.csv")
        assert (sim.snapshot(), (tmp_path / "r.csv").read_bytes(), (tmp_path / "x.csv").read_bytes()) == before
        # Another file is not fed into a suspended run.
        with pytest.raises(InvalidArgumentError, match="suspended run fed from"):
            _start(sim, tmp_path, None, results="other.csv")
        assert not (tmp_path / "other.csv").exists()
        p.write_bytes(original)
        assert sim.continue_payments()["finished"]
    with Orchestrator(CONFIG) as plain, pytest.raises(InvalidArgumentError, match="no suspended fed run"):
        plain.continue_payments()
