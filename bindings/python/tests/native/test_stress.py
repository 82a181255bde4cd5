"""payment_simulator.stress: the core's stress tester from Python — the chain whose head's
outage does the most damage and whose leaf's none, the same report for any thread count, the
progress callback, the DataFrame helper, and bad definitions (InvalidConfigError with paths)."""

import json

import pytest
from payment_simulator import stress
from payment_simulator.errors import InvalidConfigError

from .conftest import workload


def chain() -> dict:
    """A → B → C → D, only A has money; one payment of 100 along each link at ticks 1, 2, 3."""
    pay = lambda t, s, r: {"type": "payment", "tick": t, "sender": s, "receiver": r, "amount": 100}  # noqa: E731
    return {
        "ticks_per_day": 10,
        "num_days": 1,
        "rng_seed": 1,
        "lsm": {"bilateral": False, "multilateral": False},
        "agent_configs": [
            {"id": i, "opening_balance": 1_000 if i == "A" else 0, "policy": {"type": "Fifo"}} for i in "ABCD"
        ],
        "scenario_events": [pay(1, "A", "B"), pay(2, "B", "C"), pay(3, "C", "D")],
    }


OUTAGE_EACH = {"scenarios": [{"type": "outage", "participants": "all", "from_tick": 0, "to_tick": 10}]}


def test_the_head_of_the_chain_ranks_first_and_the_leaf_last():
    report = stress(chain(), OUTAGE_EACH, threads=1)
    entries = [(e["rank"], e["participant"], e["damage"]) for e in report["rankings"][0]["entries"]]
    assert entries == [(1, "A", 200), (2, "B", 100), (3, "C", 0), (4, "D", 0)]
    assert report["variants"][0]["system"]["unsettled_value"] == 300


def test_the_report_is_the_same_for_any_number_of_threads_and_progress_is_reported():
    definition = {"scenarios": [{"type": "outage", "participants": {"largest": 3}, "from_tick": 20, "to_tick": 60}]}
    config = workload(num_agents=5, rate=2.0)
    one = stress(config, definition, threads=1)
    calls = []
    two = stress(config, definition, threads=2, progress=lambda done, total: calls.append((done, total)))
    assert json.dumps(two) == json.dumps(one)
    # On this thread as runs finish: the benchmark first, all four last, never backwards.
    assert calls[0] == (1, 4) and calls[-1] == (4, 4)
    assert all(a[0] < b[0] for a, b in zip(calls, calls[1:]))
    assert len(one["variants"]) == 3


def test_a_definition_file_and_yaml_text(tmp_path):
    path = tmp_path / "stress.yaml"
    path.write_text("scenarios: [{type: liquidity_withdrawal, participants: [A], percent: 25, tick: 4}]\n")
    for definition in (path, str(path), path.read_bytes()):
        v = stress(chain(), definition)["variants"][0]
        # A paid B 100 at tick 1, so it holds 900 at the start of tick 4: 25% is 225.
        assert v["event"]["amount"] == -225
        assert v["participants"][0]["liquidity_min"] == -225


@pytest.mark.parametrize(
    ("scenario", "path"),
    [
        ({"type": "outage", "participants": ["A", "Z"], "from_tick": 0, "to_tick": 5}, "scenarios[0].participants[1]"),
        ({"type": "outage", "participants": "all", "from_tick": 0, "to_tick": 11}, "scenarios[0].to_tick"),
        ({"type": "outage", "participants": {"largest": 5}, "from_tick": 0, "to_tick": 5}, "scenarios[0].participants.largest"),
        ({"type": "liquidity_withdrawal", "participants": "all", "percent": 101, "tick": 1}, "scenarios[0].percent"),
    ],
)
def test_bad_definitions_name_their_path(scenario, path):
    with pytest.raises(InvalidConfigError) as err:
        stress(chain(), {"scenarios": [scenario]})
    assert [p["path"] for p in err.value.problems] == [path]


def test_the_frame_has_a_row_per_variant_and_participant():
    pytest.importorskip("pandas")
    from payment_simulator.frames import stress_to_pandas

    frame = stress_to_pandas(stress(chain(), OUTAGE_EACH))
    assert len(frame) == 16
    assert frame.loc[(0, "A", "B"), "liquidity_min"] == -100
    assert frame.loc[(0, "A", "B"), "damage"] == 200
