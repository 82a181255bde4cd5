"""pandas helpers (skipped when the optional pandas extra is not installed)."""

import pytest

from payment_simulator._core import Orchestrator
from payment_simulator.frames import agents_to_pandas, ticks_to_pandas

pd = pytest.importorskip("pandas")


def test_frames(workload):
    orch = Orchestrator.new(workload(num_agents=3))
    ticks = ticks_to_pandas([orch.tick() for _ in range(20)])
    assert list(ticks.index) == list(range(20)) and "num_settlements" in ticks.columns
    events = orch.events_frame()
    assert len(events) == len(orch.events()) and {"seq", "tick", "type"} <= set(events.columns)
    stats = orch.stats_frame()
    assert stats["ticks_run"] == 20 and "costs.total" in stats.index and "agents" not in stats.index
    agents = agents_to_pandas(orch.stats())
    assert list(agents.index) == orch.get_agent_ids()
    assert list(agents_to_pandas(orch.state())["balance"]) == [orch.get_agent_balance(i) for i in orch.get_agent_ids()]
