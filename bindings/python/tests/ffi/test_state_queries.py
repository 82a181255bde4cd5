"""Test state query methods via FFI."""
import pytest
from payment_simulator._core import Orchestrator

def test_get_agent_balance():
    """Should query agent balance."""
    config = _two_agent_config()
    orch = Orchestrator.new(config)

    balance_a = orch.get_agent_balance("BANK_A")
    assert balance_a == 1_000_000

    balance_b = orch.get_agent_balance("BANK_B")
    assert balance_b == 2_000_000

def test_get_queue_sizes():
    """Should query queue sizes."""
    config = _two_agent_config()
    orch = Orchestrator.new(config)

    # Initially empty
    q1_size = orch.get_queue1_size("BANK_A")
    assert q1_size == 0

    q2_size = orch.get_queue2_size()
    assert q2_size == 0

def test_get_all_agents():
    """Should list all agent IDs."""
    config = _two_agent_config()
    orch = Orchestrator.new(config)

    agents = orch.get_agent_ids()
    assert set(agents) == {"BANK_A", "BANK_B"}

def test_submit_transaction():
    """Should submit manual transaction."""
    config = _two_agent_config()
    orch = Orchestrator.new(config)

    tx_id = orch.submit_transaction({
        "sender": "BANK_A",
        "receiver": "BANK_B",
        "amount": 100_000,
        "deadline_offset": 50,
        "priority": 5,
    })

    assert tx_id is not None
    assert isinstance(tx_id, str)

    # Verify transaction in Queue 1
    q1_size = orch.get_queue1_size("BANK_A")
    assert q1_size == 1

def _two_agent_config():
    return {
        "ticks_per_day": 100,
        "num_days": 1,
        "rng_seed": 12345,
        "agent_configs": [
            {"id": "BANK_A", "opening_balance": 1_000_000, "credit_limit": 500_000, "policy": {"type": "Fifo"}},
            {"id": "BANK_B", "opening_balance": 2_000_000, "credit_limit": 0, "policy": {"type": "Fifo"}},
        ],
    }
