"""Test simulation lifecycle management."""
import pytest
from payment_simulator.lifecycle import SimulationManager
from payment_simulator.config import SimulationConfig

def test_create_simulation():
    """Should create and register simulation."""
    manager = SimulationManager()
    config = _minimal_config()

    sim_id = manager.create(config)

    assert sim_id is not None
    assert isinstance(sim_id, str)
    assert manager.exists(sim_id)

def test_tick_simulation():
    """Should execute tick on simulation."""
    manager = SimulationManager()
    config = _minimal_config()
    sim_id = manager.create(config)

    result = manager.tick(sim_id)

    assert result["tick"] == 0

    result2 = manager.tick(sim_id)
    assert result2["tick"] == 1

def test_get_state():
    """Should retrieve simulation state."""
    manager = SimulationManager()
    config = _minimal_config()
    sim_id = manager.create(config)

    state = manager.get_state(sim_id)

    assert "agents" in state
    assert "tick" in state
    assert len(state["agents"]) == 1

def test_delete_simulation():
    """Should delete simulation."""
    manager = SimulationManager()
    config = _minimal_config()
    sim_id = manager.create(config)

    manager.delete(sim_id)

    assert not manager.exists(sim_id)

def test_concurrent_simulations():
    """Should handle multiple concurrent simulations."""
    manager = SimulationManager()

    sim1 = manager.create(_minimal_config())
    sim2 = manager.create(_minimal_config())

    # Independent tick counters
    manager.tick(sim1)
    manager.tick(sim1)
    manager.tick(sim2)

    assert manager.get_state(sim1)["tick"] == 2
    assert manager.get_state(sim2)["tick"] == 1

def _minimal_config() -> SimulationConfig:
    return SimulationConfig(
        simulation={"ticks_per_day": 100, "num_days": 1, "seed": 12345},
        agents=[
            {
                "id": "BANK_A",
                "balance": 1_000_000,
                "credit_limit": 500_000,
                "policy": {"type": "Fifo"},
            }
        ],
    )
