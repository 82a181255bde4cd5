"""Policies written in Python: the agents whose policy is ``{"type": "Host"}`` are decided by
Python objects (``Orchestrator.new(config, policies={"BANK_A": obj})``).

Once per tick, for each such agent with orders in Queue 1, the core calls ``obj.decide(view)``
through the C ABI (``psim_sim_set_host_policy``). ``view`` is the dict the core writes
(docs/policies.md § Policies written in Python)::

    {"agent": "BANK_A", "policy": None,
     "features": {"balance": ..., "credit_limit": ..., "available": ..., "reserved": ...,
                  "queue1_value": ..., "tick": ..., "tick_of_day": ..., "queue1_count": ...,
                  "queue2_count": ...},
     "queue1": [{"id": "T17", "amount": ..., "receiver": "BANK_B", "priority": 5,
                 "deadline_tick": ..., "arrival_tick": ...,
                 "features": {"ticks_to_deadline": ..., "age": ..., "urgent": False}}, ...]}

and ``decide`` returns a list of decisions in release order — ``{"id": "T17", "action":
"release"}``, ``{"id": "T18", "action": "split", "parts": 3}``, ``{"id": "T19", "action":
"hold"}`` — payments it leaves out are held. The core checks them; an exception in ``decide``
or decisions the core refuses fail the tick with :class:`HostPolicyError` (the Python
exception as its ``__cause__``) and leave the simulation as it was before the tick.

This module only carries the calls across: the view, the decisions and their rules are the
core's.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any, Protocol

from .errors import HostPolicyError, InvalidArgumentError


class HostPolicy(Protocol):
    """What ``policies=`` maps agent ids to."""

    def decide(self, view: dict[str, Any]) -> list[dict[str, Any]]: ...


class CallLock:
    """The orchestrator's lock, refusing a call made from inside one of its own policies'
    ``decide`` (the native handle is locked during the tick: the call would deadlock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deciding = threading.local()

    def __enter__(self) -> None:
        if getattr(self._deciding, "on", False):
            raise HostPolicyError("a host policy cannot call its own simulation while it decides")
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class HostPolicies:
    """The policies of one orchestrator and the cffi callback that calls them. The orchestrator
    holds this object for as long as its handle lives, so the callback is never collected
    while the library can call it."""

    def __init__(self, ffi, policies: Mapping[str, HostPolicy], host_agents: list[str], lock: CallLock):
        if not isinstance(policies, Mapping):
            raise TypeError(f"policies must be a mapping of agent id to policy, not {type(policies).__name__}")
        for agent, policy in policies.items():
            if agent not in host_agents:
                raise InvalidArgumentError(
                    f"policies[{agent!r}]: agent {agent!r} has no Host policy in the configuration "
                    f"(agents with one: {host_agents})",
                    [{"path": f"policies.{agent}", "message": f"agent {agent!r} has no Host policy", "value": agent}],
                )
            if not callable(getattr(policy, "decide", None)):
                raise TypeError(f"policies[{agent!r}] has no decide(view) method")
        missing = [a for a in host_agents if a not in policies]
        if missing:
            raise InvalidArgumentError(
                f"policies: no policy for the agents with a Host policy {missing}",
                [{"path": f"policies.{a}", "message": f"agent {a!r} has a Host policy: give it one"} for a in missing],
            )
        self._ffi = ffi
        self._policies = dict(policies)
        self._lock = lock
        self._answer = ffi.NULL  # the last decisions (or message), alive until the next call
        self.failure: BaseException | None = None
        self.callback = ffi.callback("psim_host_policy_fn", self._decide, error=-1)

    def _decide(self, _user_data, view_json, decisions_out) -> int:
        self.failure = None
        self._lock._deciding.on = True
        try:
            view = json.loads(self._ffi.string(view_json))
            decisions = self._policies[view["agent"]].decide(view)
            if not isinstance(decisions, (list, tuple)):
                raise TypeError(f"decide() returned {type(decisions).__name__}, not a list of decisions")
            text = json.dumps(list(decisions), allow_nan=False).encode("utf-8")
            status = 0
        except BaseException as e:  # noqa: BLE001 - every failure of the policy fails the tick
            self.failure = e
            text = f"{type(e).__name__}: {e}".encode("utf-8", "replace").replace(b"\0", b"?")
            status = 1
        finally:
            self._lock._deciding.on = False
        self._answer = self._ffi.new("char[]", text)
        decisions_out[0] = self._answer
        return status

    def reraise(self, error: HostPolicyError) -> None:
        """Raise ``error`` from the Python exception that caused it, if one did."""
        cause, self.failure = self.failure, None
        if cause is not None and not isinstance(cause, Exception):
            raise cause  # KeyboardInterrupt, SystemExit: the tick failed, the interrupt stands
        if cause is not None:
            raise error from cause
        raise error


__all__ = ["HostPolicy", "HostPolicies", "CallLock"]
