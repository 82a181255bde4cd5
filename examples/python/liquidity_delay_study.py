"""The liquidity–delay trade-off, the classic study of payment-system simulation: the liquidity
bounds of a day's payments, then the same day run with every bank's opening balance at
LB + α·(UB − LB), reporting the delay indicator ρ. The core computes everything: the bounds
(from a first pass with unconstrained liquidity), the balances of each run and ρ.

    python examples/python/liquidity_delay_study.py
"""

from __future__ import annotations

from payment_simulator._core import Orchestrator

BANKS = [f"BANK_{c}" for c in "ABCDEF"]


def scenario(balance, lsm: bool = True) -> dict:
    """Six banks paying 0.3 payments of 500.00–2,500.00 per tick to each other for one day."""
    return {
        "simulation": {"ticks_per_day": 100, "seed": 777},
        "lsm": {"bilateral": lsm, "multilateral": lsm},
        "agents": [
            {
                "id": bank,
                "balance": balance,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 0.3,
                    "distribution": {"type": "Uniform", "min": 50000, "max": 250000},
                    "counterparty_weights": {other: 1.0 for other in BANKS if other != bank},
                    "deadline_offset": 100,
                },
            }
            for bank in BANKS
        ],
    }


with Orchestrator.new(scenario({"between_bounds": 1})) as orch:  # at the upper bound
    orch.run(orch.horizon())
    stats = orch.stats()
print(f"system bounds: UB {stats['liquidity_upper_bound'] / 100:,.2f}  LB {stats['liquidity_lower_bound'] / 100:,.2f}")
print(f"{'alpha':>5}  {'liquidity':>10}  {'rho':>6}  {'settled':>7}  {'rho, no LSM':>11}  {'settled':>7}")
for alpha in (0.0, 0.1, 0.25, 0.5, 0.75, 1.0):
    row = []
    for lsm in (True, False):
        with Orchestrator.new(scenario({"between_bounds": alpha}, lsm)) as orch:
            liquidity = sum(orch.get_agent_balance(b) for b in BANKS)
            orch.run(orch.horizon())
            s = orch.stats()
        row.append(f"{s['delay_indicator']:>{6 if lsm else 11}.3f}  {s['settlement_rate_value']:>7.1%}")
    print(f"{alpha:>5.2f}  {liquidity / 100:>10,.2f}  " + "  ".join(row))
