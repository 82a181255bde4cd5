"""Typed, read-only views of a validated configuration, in the scenario format's names.

The core is the one validator: it checks, defaults and normalises every document
(``psim_config_normalize``), and its JSON Schema (``psim_config_schema``, committed as
docs/config.schema.json) is the reference for editors and the REST service's OpenAPI document.
These classes only give that normalised result attributes and types for Python code and
editors: no bound, default or message is stated here, and nothing here validates. They are
built from the core's output with ``model_construct`` (no checking, no copying) when a
:class:`~payment_simulator.config.SimulationConfig` is first looked into, and a test compares
their fields with the core's schema so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict

QueueDiscipline = Literal["bypass_fifo", "fifo"]
DeadlineMode = Literal["drop", "overdue"]
EventRecording = Literal["full", "settlements", "off"]


class _View(BaseModel):
    """A frozen view of part of the core's normalised configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def view(cls, data: Mapping[str, Any]) -> _View:
        """The view of an already validated part, without validating it again."""
        return cls.model_construct(**data)


# --- policies ------------------------------------------------------------------------------


class SplitConfig(_View):
    """Released payments above ``threshold`` become at most ``max_parts`` parts."""

    threshold: int
    max_parts: int


class _Policy(_View):
    @classmethod
    def view(cls, data: Mapping[str, Any]) -> _Policy:
        split = data.get("split")
        return cls.model_construct(**{**data, "split": SplitConfig.view(split) if split is not None else None})


class PolicyConfigFifo(_Policy):
    """Release everything, oldest first."""

    type: Literal["Fifo"]
    split: SplitConfig | None


class PolicyConfigDeadline(_Policy):
    """Release everything, earliest deadline first."""

    type: Literal["Deadline"]
    split: SplitConfig | None


class PolicyConfigLiquidityAware(_Policy):
    """Hold what would take the balance below ``target_buffer`` unless it is urgent."""

    type: Literal["LiquidityAware"]
    target_buffer: int
    urgency_threshold: int
    split: SplitConfig | None


class PolicyConfigUrgentFirst(_Policy):
    """Release urgent payments first; hold normal ones while the buffer is short."""

    type: Literal["UrgentFirst"]
    target_buffer: int
    split: SplitConfig | None


class PolicyConfigTree(_Policy):
    """A decision tree in the core's policy language (docs/policies.md), as the core wrote it."""

    type: Literal["Tree"]
    tree: Any
    order: Literal["arrival", "deadline", "urgent_first"] | None
    split: SplitConfig | None
    window: int | None
    reset_registers: Literal["never", "day"] | None

    @classmethod
    def view(cls, data: Mapping[str, Any]) -> _Policy:
        # ``order``, ``window`` and ``reset_registers`` are absent when the document leaves
        # them out (the core's defaults).
        return super().view(
            {
                **data,
                "order": data.get("order"),
                "window": data.get("window"),
                "reset_registers": data.get("reset_registers"),
            }
        )


class PolicyConfigHost(_View):
    """Decided by a policy written in Python (``Orchestrator.new(config, policies=...)``)."""

    type: Literal["Host"]
    name: str | None

    @classmethod
    def view(cls, data: Mapping[str, Any]) -> PolicyConfigHost:
        return cls.model_construct(**{**data, "name": data.get("name")})


PolicyConfig = Union[
    PolicyConfigFifo,
    PolicyConfigDeadline,
    PolicyConfigLiquidityAware,
    PolicyConfigUrgentFirst,
    PolicyConfigTree,
    PolicyConfigHost,
]


# --- amount distributions ------------------------------------------------------------------


class DistributionNormal(_View):
    """Normal(mean, std_dev), in cents."""

    type: Literal["Normal"]
    mean: float
    std_dev: float


class DistributionLogNormal(_View):
    """exp(Normal(mean_log, std_dev_log)), in cents."""

    type: Literal["LogNormal"]
    mean_log: float
    std_dev_log: float


class DistributionUniform(_View):
    """Uniform integer amount in ``[min, max]`` cents."""

    type: Literal["Uniform"]
    min: int
    max: int


AmountDistribution = Union[DistributionNormal, DistributionLogNormal, DistributionUniform]


def _tagged(union: Any) -> dict[str, type[_View]]:
    """``{"Fifo": PolicyConfigFifo, ...}``: each variant by its ``type`` tag."""
    return {get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(union)}


_POLICIES = _tagged(PolicyConfig)
_DISTRIBUTIONS = _tagged(AmountDistribution)


# --- arrivals, agents ----------------------------------------------------------------------


class ArrivalConfig(_View):
    """Poisson arrivals of payment orders for one sender."""

    rate_per_tick: float
    distribution: AmountDistribution
    counterparty_weights: dict[str, float]
    deadline_offset: int
    priority: int
    # The core's documents (docs/model.md § Traffic), passed on as it wrote them.
    profile: list[dict[str, Any]] | None
    time_critical: dict[str, Any] | None
    timed: dict[str, Any] | None  # docs/model.md § Timed payments

    @classmethod
    def view(cls, data: Mapping[str, Any]) -> ArrivalConfig:
        distribution = data["distribution"]
        view = _DISTRIBUTIONS[distribution["type"]].view(distribution)
        return cls.model_construct(**{"profile": None, "time_critical": None, "timed": None, **data, "distribution": view})


class AgentConfig(_View):
    """One participant: a settlement account, a policy, optional automatic arrivals."""

    id: str
    balance: int
    credit_limit: int
    policy: PolicyConfig
    arrival_config: ArrivalConfig | None

    @classmethod
    def view(cls, machine: Mapping[str, Any]) -> AgentConfig:
        """From an entry of the machine format's ``agent_configs``."""
        arrivals = machine.get("arrival_config")
        return cls.model_construct(
            id=machine["id"],
            balance=machine["opening_balance"],
            credit_limit=machine["credit_limit"],
            policy=_POLICIES[machine["policy"]["type"]].view(machine["policy"]),
            arrival_config=ArrivalConfig.view(arrivals) if arrivals is not None else None,
        )


# --- simulation, costs, LSM ----------------------------------------------------------------


class SimulationParams(_View):
    """The ``simulation:`` section: clock, seed and engine settings."""

    ticks_per_day: int
    num_days: int
    seed: int
    queue_discipline: QueueDiscipline
    deadline_mode: DeadlineMode
    event_recording: EventRecording
    # The cap on expected arrivals (docs/model.md § Traffic); None when absent.
    max_expected_arrivals: float | None

    @classmethod
    def view(cls, machine: Mapping[str, Any]) -> SimulationParams:
        """From the machine format's top level, where these settings live."""
        return cls.model_construct(
            seed=machine["rng_seed"], **{name: machine.get(name) for name in cls.model_fields if name != "seed"}
        )


class CostConfig(_View):
    """Cost rates in integer cents."""

    liquidity_cost_per_unit_per_tick: int
    delay_cost_per_tick: int
    split_friction_cost: int
    deadline_penalty: int
    eod_penalty: int


class LsmConfig(_View):
    """Liquidity-saving mechanism switches and, when chosen, the offsetting algorithm and the
    exact search's limits (absent: the core's defaults)."""

    bilateral: bool
    multilateral: bool
    algorithm: str | None
    exact_node_budget: int | None
    exact_max_part: int | None
    search_objective: str | None

    @classmethod
    def view(cls, data: Mapping[str, Any]) -> LsmConfig:
        """From the machine format's ``lsm`` (the optional fields may be absent)."""
        optional = ("algorithm", "exact_node_budget", "exact_max_part", "search_objective")
        return cls.model_construct(**{**data, **{k: data.get(k) for k in optional}})

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """As the core writes it: absent optional fields are left out."""
        kwargs.setdefault("exclude_none", True)
        return super().model_dump(**kwargs)


__all__ = [
    "SimulationParams",
    "AgentConfig",
    "PolicyConfig",
    "PolicyConfigFifo",
    "PolicyConfigDeadline",
    "PolicyConfigLiquidityAware",
    "PolicyConfigUrgentFirst",
    "PolicyConfigTree",
    "PolicyConfigHost",
    "SplitConfig",
    "AmountDistribution",
    "DistributionNormal",
    "DistributionLogNormal",
    "DistributionUniform",
    "ArrivalConfig",
    "CostConfig",
    "LsmConfig",
    "QueueDiscipline",
    "DeadlineMode",
    "EventRecording",
]
