"""The exception hierarchy of payment_simulator.

One class per ``psim_status`` of the C ABI, all rooted at :class:`PaymentSimError`. Classes for
bad input also derive from :class:`ValueError`, the unknown-agent class from :class:`KeyError`, so
code written against the seed plan (``pytest.raises(ValueError, ...)``) keeps working.
"""

from __future__ import annotations

from typing import Any, TypedDict


class _ProblemFields(TypedDict):
    path: str
    message: str


class Problem(_ProblemFields, total=False):
    """One problem, as the core reports it (``psim_last_error_json()``).

    ``path`` is the offending field in the document the user wrote (``"agents[0].credit_limit"``,
    ``"simulation.ticks_per_day"``; ``""`` for the whole document), ``message`` the core's text
    (it may itself start with the path), ``value`` the offending value where the core gives it.
    """

    value: Any


def whole(message: str) -> list[Problem]:
    """The problems of an error that concerns no one field."""
    return [{"path": "", "message": message}]


class PaymentSimError(Exception):
    """Base class of every error raised by payment_simulator.

    ``problems`` lists what went wrong, each with its ``path``: the core's own list for an
    error it raised, else one problem of the whole input with the message.
    """

    #: The ``psim_status`` name this class stands for (None for Python-side errors).
    status: str | None = None

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems: list[Problem] = list(problems) if problems is not None else whole(message)


class NullArgumentError(PaymentSimError, ValueError):
    """The library received a NULL pointer (a bug in the binding, never the caller's input)."""

    status = "PSIM_STATUS_NULL_ARG"


class InvalidUtf8Error(PaymentSimError, ValueError):
    """A string is not valid UTF-8 (in Python: a str holding lone surrogates)."""

    status = "PSIM_STATUS_INVALID_UTF8"


class InvalidJsonError(PaymentSimError, ValueError):
    """A document is not well-formed JSON or YAML."""

    status = "PSIM_STATUS_INVALID_JSON"


class InvalidConfigError(PaymentSimError, ValueError):
    """A configuration or snapshot breaks one or more rules; the message lists every problem
    and ``problems`` gives each with its path (``{"path": "agents[0].balance", "message": …}``)."""

    status = "PSIM_STATUS_INVALID_CONFIG"


class InvalidArgumentError(PaymentSimError, ValueError):
    """An argument is out of range (negative amount, self-payment, priority above 10, ...)."""

    status = "PSIM_STATUS_INVALID_ARGUMENT"


class UnknownAgentError(PaymentSimError, KeyError):
    """A query or submission names an agent the simulation does not know."""

    status = "PSIM_STATUS_NOT_FOUND"

    def __str__(self) -> str:
        # KeyError.__str__ repr-quotes its argument; the library's message is already readable.
        return str(self.args[0]) if self.args else ""


class SimulationFinishedError(PaymentSimError, RuntimeError):
    """Every tick of the horizon has run: no more ticks or submissions."""

    status = "PSIM_STATUS_SIMULATION_FINISHED"


class PoisonedError(PaymentSimError, RuntimeError):
    """An earlier call panicked inside the library; the handle refuses further use."""

    status = "PSIM_STATUS_POISONED"


class NativePanicError(PaymentSimError, RuntimeError):
    """The library panicked during this call (a bug in the engine); the handle is now poisoned."""

    status = "PSIM_STATUS_PANIC"


class HostPolicyError(PaymentSimError, RuntimeError):
    """A policy written in Python (``Orchestrator.new(config, policies=...)``) raised or returned
    decisions the core refuses: the tick did not run and the simulation is as it was before it.
    The message names the agent and the tick; a Python exception is the ``__cause__``."""

    status = "PSIM_STATUS_HOST_POLICY"


class SimulationClosedError(PaymentSimError, RuntimeError):
    """The simulation was closed; its handle is gone."""


class SimulationNotFoundError(PaymentSimError, KeyError):
    """A SimulationManager does not hold a simulation with this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


#: ``psim_status`` name -> exception class, for every status but ``PSIM_STATUS_OK``.
STATUS_EXCEPTIONS: dict[str, type[PaymentSimError]] = {
    cls.status: cls
    for cls in (
        NullArgumentError,
        InvalidUtf8Error,
        InvalidJsonError,
        InvalidConfigError,
        InvalidArgumentError,
        UnknownAgentError,
        SimulationFinishedError,
        PoisonedError,
        NativePanicError,
        HostPolicyError,
    )
}

__all__ = [
    "Problem",
    "PaymentSimError",
    "NullArgumentError",
    "InvalidUtf8Error",
    "InvalidJsonError",
    "InvalidConfigError",
    "InvalidArgumentError",
    "UnknownAgentError",
    "SimulationFinishedError",
    "PoisonedError",
    "NativePanicError",
    "HostPolicyError",
    "SimulationClosedError",
    "SimulationNotFoundError",
    "STATUS_EXCEPTIONS",
]
