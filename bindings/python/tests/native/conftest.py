"""Configurations shared by the native tests (machine format, as the C ABI takes it)."""

import pytest


def two_banks(**overrides) -> dict:
    config = {
        "ticks_per_day": 100,
        "num_days": 1,
        "rng_seed": 12345,
        "agent_configs": [
            {"id": "BANK_A", "opening_balance": 1_000_000, "credit_limit": 500_000, "policy": {"type": "Fifo"}},
            {"id": "BANK_B", "opening_balance": 2_000_000, "credit_limit": 0, "policy": {"type": "Fifo"}},
        ],
    }
    config.update(overrides)
    return config


def workload(num_agents: int = 10, rate: float = 0.5, num_days: int = 1, seed: int = 12345) -> dict:
    """The seed's benchmark configuration. Its ids run past 'Z' into punctuation, DEL and '¤'."""
    ids = [f"BANK_{chr(65 + i)}" for i in range(num_agents)]
    return {
        "ticks_per_day": 100,
        "num_days": num_days,
        "rng_seed": seed,
        "agent_configs": [
            {
                "id": agent_id,
                "opening_balance": 5_000_000,
                "credit_limit": 1_000_000,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": rate,
                    "distribution": {"type": "Normal", "mean": 100_000, "std_dev": 30_000},
                    "counterparty_weights": {other: 1.0 for other in ids if other != agent_id},
                },
            }
            for agent_id in ids
        ],
    }


@pytest.fixture
def config():
    return two_banks()


@pytest.fixture(name="two_banks")
def two_banks_factory():
    return two_banks


@pytest.fixture(name="workload")
def workload_factory():
    return workload
