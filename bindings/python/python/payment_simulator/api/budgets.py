"""The service's budgets, checked before any work: each returns the ApiError that refuses it.

The figures come from the core (``Orchestrator.workload()``: expected orders and transactions
per tick — split parts counted at their maximum — and the unsettled transactions held), so the
service refuses what the engine would actually create, not a Python guess at it. Each error
names the limit, its value and the setting that changes it.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import ApiError
from .settings import Settings


def _setting(name: str) -> str:
    return f"{name} (PSIM_{name.upper()})"


def creation_error(settings: Settings, agents: int, workload: dict[str, Any]) -> ApiError | None:
    """Why a new simulation is refused (422), or None: too many agents, too many expected
    arrivals, or too much expected work per tick."""
    if agents > settings.max_agents:
        return ApiError(
            422,
            "agent_limit",
            f"this server takes at most {settings.max_agents} agents per simulation (got {agents}; "
            f"{_setting('max_agents')})",
            [("agents", f"at most {settings.max_agents} agents (got {agents})")],
        )
    orders = float(workload["expected_orders_per_tick"])
    if orders > settings.max_arrival_rate:
        return ApiError(
            422,
            "arrival_limit",
            f"this server takes at most {settings.max_arrival_rate:g} expected arrivals per tick "
            f"(the sum of rate_per_tick; got {orders:g}; {_setting('max_arrival_rate')})",
            [("agents", f"sum of arrival_config.rate_per_tick must be at most {settings.max_arrival_rate:g}")],
        )
    work = float(workload["expected_transactions_per_tick"])
    # A tick must fit in one request's budget too.
    name, cap = min(
        ("max_transactions_per_tick", settings.max_transactions_per_tick),
        ("max_transactions_per_request", settings.max_transactions_per_request),
        key=lambda setting: setting[1],
    )
    if work > cap:
        parts = int(workload["max_transactions_per_order"])
        return ApiError(
            422,
            "work_limit",
            f"this simulation would create about {work:g} transactions per tick ({orders:g} expected "
            f"orders, each up to {parts} transactions once split), more than this server's "
            f"{_setting(name)} of {cap}",
            [("agents", f"expected transactions per tick (split parts counted) must be at most {cap}")],
        )
    return None


def request_error(settings: Settings, ticks: int, name: str, workload: dict[str, Any]) -> ApiError | None:
    """Why ``ticks`` ticks are refused before any work (422 ``work_budget``: more expected
    transactions than one request may create; 409 ``transaction_limit``: the simulation holds
    as many unsettled transactions as it may), or None."""
    live = int(workload["live_transactions"])
    if live >= settings.max_live_transactions:
        return live_error(settings, live)
    per_tick = float(workload["expected_transactions_per_tick"])
    budget = settings.max_transactions_per_request
    expected = ticks * per_tick
    if expected > budget:
        most = max(0, math.floor(budget / per_tick))
        return ApiError(
            422,
            "work_budget",
            f"{ticks} ticks would create about {expected:.0f} transactions ({per_tick:g} expected per tick, "
            f"split parts counted), more than one request may: {_setting('max_transactions_per_request')} "
            f"is {budget}; ask for at most {most} ticks",
            [(name, f"at most {most} at this simulation's expected work")],
        )
    return None


def live_error(settings: Settings, live: int) -> ApiError:
    cap = settings.max_live_transactions
    return ApiError(
        409,
        "transaction_limit",
        f"this simulation holds {live} unsettled transactions, as many as this server allows "
        f"({_setting('max_live_transactions')} is {cap}): it cannot take more work",
    )


__all__ = ["creation_error", "request_error", "live_error"]
