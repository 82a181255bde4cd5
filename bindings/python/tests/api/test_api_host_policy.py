"""Host policies need a host program: the REST service cannot supply one, so a configuration (or
a snapshot) with a ``{"type": "Host"}`` policy is refused with a 422 naming the agent, whichever
shape it comes in."""

from __future__ import annotations

import copy

import pytest

SCENARIO = {
    "simulation": {"ticks_per_day": 10, "num_days": 1, "seed": 7},
    "agents": [
        {"id": "BANK_A", "balance": 100_000, "policy": {"type": "Host", "name": "mine"}},
        {"id": "BANK_B", "balance": 100_000, "policy": {"type": "Fifo"}},
    ],
}


@pytest.mark.parametrize("shape", ["scenario", "machine"])
def test_a_host_policy_is_refused_with_a_422(client, shape):
    doc = copy.deepcopy(SCENARIO)
    if shape == "machine":
        from payment_simulator.config import SimulationConfig

        doc = SimulationConfig.model_validate(doc).to_rust_dict()
    response = client.post("/simulations", json=doc)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_config"
    [problem] = error["problems"]
    assert problem["path"] == "agent_configs[0].policy"
    assert 'agent "BANK_A" has a Host policy' in problem["message"]
    assert "cannot run without one (REST service, CLI run)" in problem["message"]
    assert client.get("/simulations").json()["simulations"] == []  # nothing was created
