"""End-to-end tests (the seed's Week 3 file).

test_two_bank_payment_exchange is the seed's, unchanged. The seed's ring and gridlock tests
contradict the model (docs/model.md, "The seed's contradictory tests"); these are their
consistent forms:

- a 4-bank ring whose balances cannot fund any single payment: the LSM's multilateral
  offsetting settles all four in the tick, balances end where they started;
- the same shape with ample balances: gross settlement (RTGS) settles all four, no LSM;
- a 3-bank ring with the LSM switched off: gridlock, all three wait in Queue 2;
  with the LSM on, the same ring resolves in the same tick.
"""

from payment_simulator._core import Orchestrator


def test_two_bank_payment_exchange():
    """Complete lifecycle: arrivals → policy → settlement → LSM."""
    config = {
        "ticks_per_day": 100,
        "num_days": 1,
        "rng_seed": 12345,
        "agent_configs": [
            {
                "id": "BANK_A",
                "opening_balance": 1_000_000,
                "credit_limit": 500_000,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 0.2,
                    "distribution": {"type": "Normal", "mean": 100_000, "std_dev": 20_000},
                    "counterparty_weights": {"BANK_B": 1.0},
                },
            },
            {
                "id": "BANK_B",
                "opening_balance": 2_000_000,
                "credit_limit": 0,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 0.2,
                    "distribution": {"type": "Normal", "mean": 100_000, "std_dev": 20_000},
                    "counterparty_weights": {"BANK_A": 1.0},
                },
            },
        ],
    }

    orch = Orchestrator.new(config)

    # Run for 100 ticks
    total_arrivals = 0
    total_settlements = 0

    for _ in range(100):
        result = orch.tick()
        total_arrivals += result["num_arrivals"]
        total_settlements += result["num_settlements"]

    # Verify expected behavior
    assert total_arrivals > 0, "Should have arrivals"
    assert total_settlements > 0, "Should have settlements"
    assert total_settlements <= total_arrivals, "Can't settle more than arrived"

    # Verify balance conservation
    final_balance_a = orch.get_agent_balance("BANK_A")
    final_balance_b = orch.get_agent_balance("BANK_B")

    initial_total = 1_000_000 + 2_000_000
    final_total = final_balance_a + final_balance_b

    assert final_total == initial_total, "Total balance must be conserved"


def _ring(banks: list[str], balance: int, amount: int = 50_000, lsm: bool = True) -> Orchestrator:
    """Each bank pays the next one ``amount``, the last pays the first; submitted before tick 0."""
    config = {
        "ticks_per_day": 100,
        "num_days": 1,
        "rng_seed": 54321,
        "agent_configs": [
            {"id": bank, "opening_balance": balance, "credit_limit": 0, "policy": {"type": "Fifo"}} for bank in banks
        ],
        "lsm": {"bilateral": lsm, "multilateral": lsm},
    }
    orch = Orchestrator.new(config)
    for sender, receiver in zip(banks, banks[1:] + banks[:1]):
        orch.submit_transaction(
            {"sender": sender, "receiver": receiver, "amount": amount, "deadline_offset": 50, "priority": 5}
        )
    return orch


FOUR = ["BANK_A", "BANK_B", "BANK_C", "BANK_D"]
THREE = ["BANK_A", "BANK_B", "BANK_C"]


def test_four_bank_ring_with_lsm():
    """LSM resolves a ring that no single payment's sender could fund alone."""
    orch = _ring(FOUR, balance=10_000)

    result = orch.tick()

    assert result["num_arrivals"] == 4
    assert result["num_settlements"] == 4
    assert result["lsm_cycle_releases"] == 4, "multilateral offsetting settles the whole ring"
    assert result["queue2_size"] == 0
    for bank_id in FOUR:
        assert orch.get_agent_balance(bank_id) == 10_000  # net-zero cycle


def test_four_bank_ring_with_ample_liquidity_settles_gross():
    """With 100,000 each, every 50,000 payment is fundable: RTGS settles all, no LSM needed."""
    orch = _ring(FOUR, balance=100_000)

    result = orch.tick()

    assert result["num_settlements"] == 4
    assert result["lsm_cycle_releases"] == 0
    assert result["lsm_bilateral_releases"] == 0
    assert result["queue2_size"] == 0
    for bank_id in FOUR:
        assert orch.get_agent_balance(bank_id) == 100_000


def test_gridlock_formation_without_lsm():
    """Low liquidity, no LSM: every payment waits for another — gridlock."""
    orch = _ring(THREE, balance=10_000, lsm=False)

    result = orch.tick()

    assert result["num_settlements"] == 0, "No settlements without liquidity"
    assert result["queue2_size"] == 3, "All in Queue 2"
    assert result["lsm_cycle_releases"] == 0
    for bank_id in THREE:
        assert orch.get_agent_balance(bank_id) == 10_000


def test_gridlock_resolution_with_lsm():
    """The same ring with the LSM on: the gridlock never outlives the tick."""
    orch = _ring(THREE, balance=10_000, lsm=True)

    result = orch.tick()

    assert result["num_settlements"] == 3
    assert result["lsm_cycle_releases"] == 3, "LSM resolves gridlock"
    assert result["queue2_size"] == 0
    for bank_id in THREE:
        assert orch.get_agent_balance(bank_id) == 10_000
