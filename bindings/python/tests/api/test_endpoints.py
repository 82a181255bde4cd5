"""Test FastAPI endpoints."""
import pytest
from fastapi.testclient import TestClient
from payment_simulator.api.main import app

@pytest.fixture
def client():
    return TestClient(app)

def test_create_simulation(client):
    """POST /simulations should create simulation."""
    config = {
        "simulation": {"ticks_per_day": 100, "num_days": 1, "seed": 12345},
        "agents": [
            {"id": "BANK_A", "balance": 1_000_000, "credit_limit": 500_000, "policy": {"type": "Fifo"}},
        ],
    }

    response = client.post("/simulations", json=config)

    assert response.status_code == 200
    data = response.json()
    assert "simulation_id" in data

def test_advance_tick(client):
    """POST /simulations/{id}/tick should advance simulation."""
    # Create simulation
    config = _minimal_config()
    create_response = client.post("/simulations", json=config)
    sim_id = create_response.json()["simulation_id"]

    # Advance tick
    response = client.post(f"/simulations/{sim_id}/tick")

    assert response.status_code == 200
    data = response.json()
    assert data["tick"] == 0

def test_advance_multiple_ticks(client):
    """POST /simulations/{id}/tick?n=10 should advance 10 ticks."""
    config = _minimal_config()
    create_response = client.post("/simulations", json=config)
    sim_id = create_response.json()["simulation_id"]

    response = client.post(f"/simulations/{sim_id}/tick?n=10")

    assert response.status_code == 200
    data = response.json()
    assert data["tick"] == 9  # 0-indexed

def test_get_state(client):
    """GET /simulations/{id}/state should return state."""
    config = _minimal_config()
    create_response = client.post("/simulations", json=config)
    sim_id = create_response.json()["simulation_id"]

    response = client.get(f"/simulations/{sim_id}/state")

    assert response.status_code == 200
    data = response.json()
    assert "agents" in data
    assert len(data["agents"]) == 1

def test_submit_transaction(client):
    """POST /simulations/{id}/transactions should submit transaction."""
    config = _two_agent_config()
    create_response = client.post("/simulations", json=config)
    sim_id = create_response.json()["simulation_id"]

    tx_spec = {
        "sender": "BANK_A",
        "receiver": "BANK_B",
        "amount": 100_000,
        "deadline_offset": 50,
        "priority": 5,
    }

    response = client.post(f"/simulations/{sim_id}/transactions", json=tx_spec)

    assert response.status_code == 200
    data = response.json()
    assert "transaction_id" in data

def test_delete_simulation(client):
    """DELETE /simulations/{id} should delete simulation."""
    config = _minimal_config()
    create_response = client.post("/simulations", json=config)
    sim_id = create_response.json()["simulation_id"]

    response = client.delete(f"/simulations/{sim_id}")

    assert response.status_code == 200

    # Verify deleted
    state_response = client.get(f"/simulations/{sim_id}/state")
    assert state_response.status_code == 404

def test_invalid_config_returns_422(client):
    """Invalid config should return 422 Unprocessable Entity."""
    invalid_config = {
        "simulation": {"ticks_per_day": 0, "num_days": 1, "seed": 12345},  # Invalid: 0 ticks
        "agents": [],  # Invalid: no agents
    }

    response = client.post("/simulations", json=invalid_config)

    assert response.status_code == 422

def _minimal_config():
    return {
        "simulation": {"ticks_per_day": 100, "num_days": 1, "seed": 12345},
        "agents": [
            {"id": "BANK_A", "balance": 1_000_000, "credit_limit": 500_000, "policy": {"type": "Fifo"}},
        ],
    }

def _two_agent_config():
    return {
        "simulation": {"ticks_per_day": 100, "num_days": 1, "seed": 12345},
        "agents": [
            {"id": "BANK_A", "balance": 1_000_000, "credit_limit": 500_000, "policy": {"type": "Fifo"}},
            {"id": "BANK_B", "balance": 2_000_000, "credit_limit": 0, "policy": {"type": "Fifo"}},
        ],
    }
