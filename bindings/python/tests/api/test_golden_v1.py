"""A REST data directory written by the release before issue 9 still works: the service reads
it, answers state, stats and events as that release did, and continues identically.

golden/v1/ holds the directory and that release's answers (see golden/v1/README.md). Fields
added to the answers since (a ``provenance`` block; the liquidity bounds and the delay indicator
of issue 13) are ignored; nothing else may differ.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "v1"
EXPECTED = json.loads((GOLDEN / "expected.json").read_text())
SIMULATIONS = {"yaml_sim": EXPECTED["yaml_sim"], "ring_sim": EXPECTED["ring_sim"]}
#: Keys an answer may have gained since v1 (anywhere in it): provenance, the bounds and ρ
#: (indicators), and the statistics' offsetting block (``lsm``).
ADDED_SINCE_V1 = frozenset(
    {"provenance", "liquidity_upper_bound", "liquidity_lower_bound", "delay_indicator", "lsm"}
)


def as_v1(got, expected):
    """``got`` without the fields added since v1, after checking those are the only extras."""
    if isinstance(got, dict) and isinstance(expected, dict):
        extra = set(got) - set(expected)
        assert extra <= ADDED_SINCE_V1, f"fields not in the v1 answer: {sorted(extra - ADDED_SINCE_V1)}"
        return {key: as_v1(got[key], expected[key]) for key in got if key in expected}
    if isinstance(got, list) and isinstance(expected, list) and len(got) == len(expected):
        return [as_v1(g, e) for g, e in zip(got, expected)]
    return got


@pytest.fixture
def golden_client(make_client, tmp_path):
    """A service over a copy of the stored directory (the original stays untouched)."""
    data = tmp_path / "golden-data"
    shutil.copytree(GOLDEN / "stored", data)
    return make_client(data_dir=data)


def test_the_stored_simulations_are_listed(golden_client):
    assert sorted(golden_client.get("/simulations").json()["simulations"]) == sorted(SIMULATIONS.values())


@pytest.mark.parametrize("name", sorted(SIMULATIONS))
def test_state_stats_and_events_as_v1_answered(golden_client, name):
    sim = SIMULATIONS[name]
    for what in ("state", "stats"):
        expected = EXPECTED[sim][what]
        assert as_v1(golden_client.get(f"/simulations/{sim}/{what}").json(), expected) == expected, what
    # v1 was asked for every event with limit=100000 and refused it (at most 10000): still so.
    events = golden_client.get(f"/simulations/{sim}/events", params={"limit": 100_000})
    assert events.status_code == 422
    assert as_v1(events.json(), EXPECTED[sim]["events"]) == EXPECTED[sim]["events"]


def _v1_operations(name: str) -> list[tuple]:
    if name == "ring_sim":
        return [("tick", 9)]
    tx = {"sender": "BANK_A", "receiver": "BANK_D", "amount": 77_777, "deadline_offset": 20}
    return [("tick", 5), ("tick", 7), ("tick", 11), ("submit", tx), ("run", 13), ("tick", 1)]


@pytest.mark.parametrize("name", sorted(SIMULATIONS))
def test_the_event_log_survives(golden_client, name, reference_run):
    """Every event of the restored simulation, page by page, equals a fresh run of the same
    operations from the stored configuration."""
    from payment_simulator.api.deps import service_of

    sim = SIMULATIONS[name]
    stored = service_of(golden_client.app).store.load(sim)
    # The reference is a new simulation (offsetting semantics 2); the stored one was written
    # under semantics 1, whose default is greedy_removal: pinned, the fresh run is that run.
    config = json.loads(stored.config)
    config.setdefault("lsm", {})["algorithm"] = "greedy_removal"
    expected = reference_run(config, _v1_operations(name))
    assert as_v1(expected["stats"], EXPECTED[sim]["stats"]) == EXPECTED[sim]["stats"]
    events, since = [], 0
    while True:
        page = golden_client.get(f"/simulations/{sim}/events", params={"since": since, "limit": 7}).json()
        events += page["events"]
        since = page["next_since"]
        if not page["has_more"]:
            break
    assert events == expected["events"]


def test_twenty_more_ticks_continue_as_v1_did(golden_client):
    after = EXPECTED["after_20_more_ticks"]
    for sim in SIMULATIONS.values():
        assert golden_client.post(f"/simulations/{sim}/tick", params={"n": 20}).status_code == 200
        for what in ("state", "stats"):
            expected = after[sim][what]
            assert as_v1(golden_client.get(f"/simulations/{sim}/{what}").json(), expected) == expected, (sim, what)
