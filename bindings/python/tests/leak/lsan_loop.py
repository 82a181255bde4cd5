"""A normalise / create / tick / run (budgeted too) / discard / snapshot / restore / free loop for LeakSanitizer
(run_lsan.sh).

Not a pytest module: LeakSanitizer must be preloaded into the Python process itself, and
reports at exit. Each library call below allocates and frees Rust memory; any handle or
returned string this package forgot to free shows up as a leak with a libpayment_sim stack.
"""

import gc
import sys

from payment_simulator._core import Orchestrator, config_schema, live_handles
from payment_simulator.config import SimulationConfig
from payment_simulator.errors import PaymentSimError

CONFIG = {
    "ticks_per_day": 50,
    "num_days": 2,
    "rng_seed": 7,
    "agent_configs": [
        {
            "id": agent_id,
            "opening_balance": 100_000,
            "credit_limit": 50_000,
            "policy": {"type": "Fifo"},
            "arrival_config": {
                "rate_per_tick": 0.8,
                "distribution": {"type": "Uniform", "min": 1, "max": 90_000},
                "counterparty_weights": {other: 1.0 for other in ("A", "B", "C") if other != agent_id},
            },
        }
        for agent_id in ("A", "B", "C")
    ],
}


def main(rounds: int) -> int:
    for i in range(rounds):
        config = SimulationConfig.model_validate(CONFIG)  # psim_config_normalize
        orch = Orchestrator.new(config if i % 3 else CONFIG)
        orch.tick()
        orch.run(10)
        orch.submit_transaction({"sender": "A", "receiver": "B", "amount": 5})
        orch.state(), orch.stats(), orch.events(), orch.get_agent_ids(), orch.get_agent_balance("A")
        orch.workload(), orch.run(5, max_transactions=3), orch.events_json(0, 10), orch.state_json()
        orch.discard_events(orch.events(0, limit=1)[0]["seq"] if orch.events(0, limit=1) else 0)
        with Orchestrator.restore(orch.snapshot()) as copy:
            copy.tick()
        try:  # failures allocate an error message in the library
            orch.get_agent_balance("nope")
        except PaymentSimError:
            pass
        for bad in ({"ticks_per_day": 0}, {"simulation": {}, "agents": [{"id": ""}]}):
            try:  # problems: psim_last_error_json
                SimulationConfig.model_validate(bad)
            except PaymentSimError:
                pass
            try:
                Orchestrator.new(bad)
            except PaymentSimError:
                pass
        if i % 50 == 0:
            config_schema()
        if i % 2:
            orch.close()  # the other half is left to ffi.gc
        del orch
    gc.collect()
    print(f"lsan loop: {rounds} rounds, {live_handles()} live handles")
    return 0 if live_handles() == 0 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
