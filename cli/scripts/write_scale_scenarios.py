#!/usr/bin/env python3
"""Write the shipped scale scenarios (examples/scenarios/{t2_day,t2_year,fedwire_day,chaps_day}.yaml).

    write_scale_scenarios.py [OUT_DIR]        # default: examples/scenarios

The networks are compact descriptions the core expands (docs/model.md § Traffic): participant
sizes, counterparties by size, an intraday profile, a share of time-critical payments and
balances from each participant's expected daily outflow. This script only lists the
participants; it draws nothing.
"""
import os
import sys

HEADER = {
    "t2_day": "A TARGET2-like business day: about 1,000 participants and 400,000 payments,\n"
    "# heavy-tailed sizes (a few large banks send and receive most), a core-periphery network,\n"
    "# a morning and an afternoon peak, 10% time-critical payments, and liquidity scarce\n"
    "# enough (balances 5% of each participant's expected daily outflow, no credit)\n"
    "# that queues and offsetting matter.",
    "t2_year": "255 business days of the TARGET2-like day (t2_day.yaml): about 105 million payments.\n"
    "# Each participant starts every day with its opening balance again: what it gained or lost\n"
    "# the day before is squared outside the system (money market, the central bank's standing\n"
    "# facilities), as T2 banks manage their start-of-day liquidity. Without it the balances\n"
    "# drift as random walks (payments are random, each bank's in- and outflows equal only on\n"
    "# average): over the first 15 days half of all settlements went through Queue 2 (one\n"
    "# day alone: a fifth), more every day. Nothing else differs from t2_day.",
    "fedwire_day": "A Fedwire-like business day: about 6,000 participants and 850,000 payments, a\n"
    "# sparse core-periphery network (20 counterparties per participant on average, many more\n"
    "# for the largest), a long day with an afternoon peak.",
    "chaps_day": "A CHAPS-like day: about 30 direct participants and 200,000 payments among them,\n"
    "# every participant paying every other in proportion to size; few, large banks.",
}

T2_NETWORK = """network:
  payments_per_day: 400000
  size: {type: Pareto, shape: 1.2, scale: 1.0}
  counterparties: {mean: 40, min: 3}
  distribution: {type: LogNormal, mean_log: 11.0, std_dev_log: 1.2}
  deadline_offset: 120
  time_critical: {share: 0.1, deadline_offset: 10, priority: 9}
  profile:
    - {from_tick: 0, to_tick: 120, weight: 2.0}
    - {from_tick: 120, to_tick: 360, weight: 1.0}
    - {from_tick: 360, to_tick: 480, weight: 1.5}
    - {from_tick: 480, to_tick: 600, weight: 0.4}
"""

SCENARIOS = {
    "t2_day": dict(n=1000, prefix="T2_", days=1, seed=2024, ticks=600, share=0.05,
                   network=T2_NETWORK, events="settlements"),
    "t2_year": dict(n=1000, prefix="T2_", days=255, seed=2024, ticks=600, share=0.05,
                    network=T2_NETWORK, events="off",
                    schedule="scenario_events:\n  - {type: balance_reset, agent: all, every_day_at: 0}\n"),
    "fedwire_day": dict(n=6000, prefix="FW", days=1, seed=1913, ticks=720, share=0.1,
                        events="settlements", network="""network:
  payments_per_day: 850000
  size: {type: Pareto, shape: 1.1, scale: 1.0}
  counterparties: {mean: 20, min: 2}
  distribution: {type: LogNormal, mean_log: 12.0, std_dev_log: 1.5}
  deadline_offset: 180
  time_critical: {share: 0.05, deadline_offset: 15, priority: 9}
  profile:
    - {from_tick: 0, to_tick: 240, weight: 0.5}
    - {from_tick: 240, to_tick: 480, weight: 1.0}
    - {from_tick: 480, to_tick: 640, weight: 2.0}
    - {from_tick: 640, to_tick: 720, weight: 0.5}
"""),
    "chaps_day": dict(n=30, prefix="CHAPS_", days=1, seed=1984, ticks=600, share=0.05,
                      events="settlements", network="""network:
  payments_per_day: 200000
  size: {type: LogNormal, mean_log: 0.0, std_dev_log: 1.5}
  distribution: {type: LogNormal, mean_log: 13.0, std_dev_log: 1.3}
  deadline_offset: 90
  time_critical: {share: 0.15, deadline_offset: 6, priority: 9}
  profile:
    - {from_tick: 0, to_tick: 60, weight: 0.5}
    - {from_tick: 60, to_tick: 300, weight: 1.5}
    - {from_tick: 300, to_tick: 540, weight: 1.0}
    - {from_tick: 540, to_tick: 600, weight: 0.3}
"""),
}


def write(out_dir: str, name: str, s: dict) -> None:
    width = len(str(s["n"] - 1))
    lines = [
        f"# {HEADER[name]}",
        "# Written by cli/scripts/write_scale_scenarios.py; `make scale` runs it.",
        "simulation:",
        f"  ticks_per_day: {s['ticks']}",
        f"  num_days: {s['days']}",
        f"  seed: {s['seed']}",
        f"  event_recording: {s['events']}",
        s["network"].rstrip("\n"),
        *([s["schedule"].rstrip("\n")] if "schedule" in s else []),
        "agents:",
    ]
    for i in range(s["n"]):
        lines.append(
            f"  - {{id: {s['prefix']}{i:0{width}d}, balance: {{times_daily_outflow: {s['share']}}}, "
            f"credit_limit: 0, policy: {{type: Fifo}}}}"
        )
    with open(os.path.join(out_dir, f"{name}.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main() -> None:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "examples/scenarios"
    for name, s in SCENARIOS.items():
        write(out_dir, name, s)


if __name__ == "__main__":
    main()
