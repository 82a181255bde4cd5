"""Bech & Garratt (2003)'s intraday liquidity management game, swept as an experiment
(examples/experiments/bech_garratt.yaml): each bank's cost for every strategy pair and credit
fee, and the pure equilibria — early–early alone while the fee is below the delay cost (100),
early–early and late–late both above it. The core runs and costs every pair; pandas tabulates.

    python examples/python/bech_garratt.py
"""

from __future__ import annotations

from pathlib import Path

from payment_simulator import experiments

EXPERIMENT = Path(__file__).resolve().parents[1] / "experiments" / "bech_garratt.yaml"

if __name__ == "__main__":  # the process pool's workers import this file
    results = experiments.run(EXPERIMENT)
    game = experiments.pure_equilibria(results.participants, players=["A", "B"], by=["fee"])
    print(game.to_string(index=False))
    for fee, table in game.groupby("fee"):
        found = ", ".join(f"{r.A}–{r.B}" for r in table.itertuples() if r.equilibrium)
        print(f"fee {fee:>3}: equilibria {found}")
