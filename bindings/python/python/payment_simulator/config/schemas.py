"""Pydantic schemas of the scenario format and its mapping to the engine's machine format.

The core (``core/src/config.rs``, ``core/src/scenario.rs``) is the one validator. These schemas
mirror it so that a file passes or fails the same way here, in the CLI and through the C ABI:
the same fields (unknown ones rejected), the same defaults, the same bounds, integer fields that
refuse floats and strings as serde does, and ``null`` meaning "absent" for every field that has
a default. Messages follow the core's wording.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
U64_MAX = 2**64 - 1

# The core's constants (core/src/config.rs).
DEFAULT_DEADLINE_OFFSET = 50
DEFAULT_PRIORITY = 5
MAX_PRIORITY = 10
MAX_RATE_PER_TICK = 1_000_000.0
MAX_LIQUIDITY_RATE_PPM = 1_000_000

# Rust's i64 / u64 / f64 as serde reads them: no bool, no str, no float for an integer.
# The core caps splits (config.rs MAX_SPLIT_PARTS) so one release stays bounded work.
MAX_SPLIT_PARTS = 1_000

I64 = Annotated[int, Strict(), Field(ge=I64_MIN, le=I64_MAX)]
U64 = Annotated[int, Strict(), Field(ge=0, le=U64_MAX)]
F64 = Annotated[float, Strict()]
Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]

QueueDiscipline = Literal["bypass_fifo", "fifo"]
DeadlineMode = Literal["drop", "overdue"]
EventRecording = Literal["full", "settlements", "off"]


def _q(text: str) -> str:
    """Quote an id the way the core's messages do (Rust's {:?})."""
    return json.dumps(text, ensure_ascii=False)


def _num(x: float) -> str:
    """Format a number the way Rust's {} does (NaN, inf, 0 rather than nan, inf, 0.0)."""
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if x.is_integer():
            return str(int(x))
    return repr(x)


def _positive_finite(x: float) -> bool:
    return math.isfinite(x) and x > 0


def _fail(problems: list[str]) -> None:
    # One problem per line (ids are quoted, so a line break can only separate problems):
    # describe_errors() reports each as its own entry, as the core does.
    if problems:
        raise ValueError("\n".join(problems))


class _Model(BaseModel):
    """Unknown fields are rejected; ``null`` for a field means the field is absent."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _null_means_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# --- policies ------------------------------------------------------------------------------


class SplitConfig(_Model):
    """Released payments above ``threshold`` become at most ``max_parts`` parts."""

    threshold: I64
    max_parts: I64

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, v: int) -> int:
        _fail([f"split.threshold must be positive (got {v})"] if v <= 0 else [])
        return v

    @field_validator("max_parts")
    @classmethod
    def _max_parts(cls, v: int) -> int:
        ok = 2 <= v <= MAX_SPLIT_PARTS
        _fail([] if ok else [f"split.max_parts must be between 2 and {MAX_SPLIT_PARTS} (got {v})"])
        return v


class PolicyConfigFifo(_Model):
    """Release everything, oldest first."""

    type: Literal["Fifo"] = "Fifo"
    split: SplitConfig | None = None


class PolicyConfigDeadline(_Model):
    """Release everything, earliest deadline first."""

    type: Literal["Deadline"] = "Deadline"
    split: SplitConfig | None = None


class PolicyConfigLiquidityAware(_Model):
    """Hold what would take the balance below ``target_buffer`` unless it is urgent."""

    type: Literal["LiquidityAware"] = "LiquidityAware"
    target_buffer: I64
    urgency_threshold: I64
    split: SplitConfig | None = None

    @field_validator("target_buffer")
    @classmethod
    def _buffer(cls, v: int) -> int:
        _fail([f"target_buffer must be ≥ 0 (got {v})"] if v < 0 else [])
        return v

    @field_validator("urgency_threshold")
    @classmethod
    def _urgency(cls, v: int) -> int:
        _fail([f"urgency_threshold must be ≥ 0 ticks (got {v})"] if v < 0 else [])
        return v


PolicyConfig = Annotated[
    Union[PolicyConfigFifo, PolicyConfigDeadline, PolicyConfigLiquidityAware],
    Field(discriminator="type"),
]


# --- amount distributions ------------------------------------------------------------------


class DistributionNormal(_Model):
    """Normal(mean, std_dev), in cents."""

    type: Literal["Normal"] = "Normal"
    mean: F64
    std_dev: F64

    @field_validator("mean", "std_dev")
    @classmethod
    def _positive(cls, v: float, info) -> float:
        _fail([] if _positive_finite(v) else [f"{info.field_name} must be positive and finite (got {_num(v)})"])
        return v


class DistributionLogNormal(_Model):
    """exp(Normal(mean_log, std_dev_log)), in cents."""

    type: Literal["LogNormal"] = "LogNormal"
    mean_log: F64
    std_dev_log: F64

    @field_validator("mean_log")
    @classmethod
    def _finite(cls, v: float) -> float:
        _fail([] if math.isfinite(v) else [f"mean_log must be finite (got {_num(v)})"])
        return v

    @field_validator("std_dev_log")
    @classmethod
    def _positive(cls, v: float) -> float:
        _fail([] if _positive_finite(v) else [f"std_dev_log must be positive and finite (got {_num(v)})"])
        return v


class DistributionUniform(_Model):
    """Uniform integer amount in ``[min, max]`` cents."""

    type: Literal["Uniform"] = "Uniform"
    min: I64
    max: I64

    @field_validator("min")
    @classmethod
    def _min(cls, v: int) -> int:
        _fail([f"min must be ≥ 0 (got {v})"] if v < 0 else [])
        return v

    @model_validator(mode="after")
    def _ordered(self) -> DistributionUniform:
        _fail([f"min ({self.min}) must be less than max ({self.max})"] if self.min >= self.max else [])
        return self


AmountDistribution = Annotated[
    Union[DistributionNormal, DistributionLogNormal, DistributionUniform],
    Field(discriminator="type"),
]


# --- arrivals, agents ----------------------------------------------------------------------


class ArrivalConfig(_Model):
    """Poisson arrivals of payment orders for one sender."""

    rate_per_tick: F64
    distribution: AmountDistribution
    counterparty_weights: dict[Str, F64]
    deadline_offset: I64 = DEFAULT_DEADLINE_OFFSET
    priority: I64 = DEFAULT_PRIORITY

    @field_validator("rate_per_tick")
    @classmethod
    def _rate(cls, v: float) -> float:
        if not _positive_finite(v):
            _fail([f"rate_per_tick must be positive and finite (got {_num(v)})"])
        _fail(
            [f"rate_per_tick must be at most {_num(MAX_RATE_PER_TICK)} (got {_num(v)})"]
            if v > MAX_RATE_PER_TICK
            else []
        )
        return v

    @field_validator("counterparty_weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            _fail(["counterparty_weights must name at least one receiver"])
        problems = [
            f"counterparty_weights[{_q(k)}] must be finite and ≥ 0 (got {_num(w)})"
            for k, w in v.items()
            if not (math.isfinite(w) and w >= 0)
        ]
        total = math.fsum(w for w in v.values() if math.isfinite(w) and w >= 0)
        if not (total > 0 and math.isfinite(total)):
            problems.append(f"counterparty_weights must sum to a positive finite value (got {_num(total)})")
        _fail(problems)
        return v

    @field_validator("deadline_offset")
    @classmethod
    def _deadline(cls, v: int) -> int:
        _fail([f"deadline_offset must be ≥ 1 tick (got {v})"] if v < 1 else [])
        return v

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: int) -> int:
        _fail([f"priority must be between 0 and {MAX_PRIORITY} (got {v})"] if not 0 <= v <= MAX_PRIORITY else [])
        return v

    def to_rust_dict(self) -> dict[str, Any]:
        # serde writes a BTreeMap in key order; Python's str order is the same (code points).
        return {
            "rate_per_tick": self.rate_per_tick,
            "distribution": self.distribution.model_dump(),
            "counterparty_weights": dict(sorted(self.counterparty_weights.items())),
            "deadline_offset": self.deadline_offset,
            "priority": self.priority,
        }


class AgentConfig(_Model):
    """One participant: a settlement account, a policy, optional automatic arrivals."""

    id: Str
    balance: I64
    credit_limit: I64 = 0
    policy: PolicyConfig
    arrival_config: ArrivalConfig | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        _fail(["id must not be empty"] if not v else [f"id {_q(v)} must not contain NUL"] if "\0" in v else [])
        return v

    @field_validator("credit_limit")
    @classmethod
    def _credit(cls, v: int) -> int:
        _fail([f"credit_limit must be ≥ 0 (got {v})"] if v < 0 else [])
        return v

    @model_validator(mode="after")
    def _consistent(self) -> AgentConfig:
        problems = []
        if self.balance < -self.credit_limit:
            problems.append(
                f"balance of {_q(self.id)} ({self.balance}) is below its credit limit (-{self.credit_limit})"
            )
        if self.arrival_config and self.id in self.arrival_config.counterparty_weights:
            problems.append(
                f"arrival_config.counterparty_weights of {_q(self.id)}: an agent cannot pay itself ({_q(self.id)})"
            )
        _fail(problems)
        return self

    def to_rust_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "opening_balance": self.balance,
            "credit_limit": self.credit_limit,
            "policy": self.policy.model_dump(exclude_none=True),
        }
        if self.arrival_config is not None:  # serde skips a None arrival_config
            out["arrival_config"] = self.arrival_config.to_rust_dict()
        return out


# --- simulation, costs, LSM ----------------------------------------------------------------


class SimulationParams(_Model):
    """The ``simulation:`` section: clock, seed and engine settings."""

    ticks_per_day: I64
    num_days: I64 = 1
    seed: U64
    queue_discipline: QueueDiscipline | None = None
    deadline_mode: DeadlineMode | None = None
    event_recording: EventRecording | None = None

    # A validator, not Field(gt=0): the seed's tests match this exact wording.
    @field_validator("ticks_per_day")
    @classmethod
    def _ticks(cls, v: int) -> int:
        _fail([f"ticks_per_day must be positive (got {v})"] if v <= 0 else [])
        return v

    @field_validator("num_days")
    @classmethod
    def _days(cls, v: int) -> int:
        _fail([f"num_days must be positive (got {v})"] if v <= 0 else [])
        return v

    @model_validator(mode="after")
    def _horizon(self) -> SimulationParams:
        if self.ticks_per_day * self.num_days > U64_MAX:
            _fail([f"ticks_per_day × num_days overflows ({self.ticks_per_day} × {self.num_days})"])
        return self


_COST_FIELDS = (
    "liquidity_cost_per_unit_per_tick",
    "delay_cost_per_tick",
    "split_friction_cost",
    "deadline_penalty",
    "eod_penalty",
)


class CostConfig(_Model):
    """Cost rates in integer cents; the defaults are the seed's."""

    liquidity_cost_per_unit_per_tick: I64 = 0
    delay_cost_per_tick: I64 = 10
    split_friction_cost: I64 = 50
    deadline_penalty: I64 = 100_000
    eod_penalty: I64 = 500_000

    @field_validator(*_COST_FIELDS)
    @classmethod
    def _non_negative(cls, v: int, info) -> int:
        _fail([f"{info.field_name} must be ≥ 0 (got {v})"] if v < 0 else [])
        if info.field_name == "liquidity_cost_per_unit_per_tick" and v > MAX_LIQUIDITY_RATE_PPM:
            _fail(
                [
                    f"liquidity_cost_per_unit_per_tick is in parts per million per tick and must be "
                    f"at most {MAX_LIQUIDITY_RATE_PPM} (got {v})"
                ]
            )
        return v


class LsmConfig(_Model):
    """Liquidity-saving mechanism switches (both on by default)."""

    bilateral: Bool = True
    multilateral: Bool = True


class SimulationConfig(_Model):
    """A scenario as people write it: ``simulation`` / ``agents`` / ``costs`` / ``lsm``."""

    simulation: SimulationParams
    agents: list[AgentConfig]
    costs: CostConfig = Field(default_factory=CostConfig)
    lsm: LsmConfig = Field(default_factory=LsmConfig)

    @field_validator("agents")
    @classmethod
    def _some_agents(cls, v: list[AgentConfig]) -> list[AgentConfig]:
        _fail(["agents must contain at least one agent"] if not v else [])
        return v

    @model_validator(mode="after")
    def _cross_agent(self) -> SimulationConfig:
        problems: list[str] = []
        first: dict[str, int] = {}
        for i, agent in enumerate(self.agents):
            if agent.id in first:
                problems.append(
                    f"agents[{i}].id: duplicate agent id {_q(agent.id)} (first used by agents[{first[agent.id]}])"
                )
            else:
                first[agent.id] = i
        for i, agent in enumerate(self.agents):
            for receiver in agent.arrival_config.counterparty_weights if agent.arrival_config else ():
                if receiver != agent.id and receiver not in first:
                    problems.append(
                        f"agents[{i}].arrival_config.counterparty_weights of {_q(agent.id)}: "
                        f"agent {_q(receiver)} does not exist"
                    )
        # Every balance stays within [-credit, Σ opening + Σ credit]: if that fits in i64,
        # no settlement can overflow (the core's rule).
        total = sum(a.balance + a.credit_limit for a in self.agents)
        if total > I64_MAX:
            problems.append(
                f"the sum of opening balances and credit limits ({total}) exceeds the largest "
                f"representable amount ({I64_MAX})"
            )
        _fail(problems)
        return self

    def to_rust_dict(self) -> dict[str, Any]:
        """The machine format, exactly as ``Scenario::to_config`` serialises it (serde's order)."""
        s = self.simulation
        return {
            "ticks_per_day": s.ticks_per_day,
            "num_days": s.num_days,
            "rng_seed": s.seed,
            "agent_configs": [agent.to_rust_dict() for agent in self.agents],
            "cost_rates": self.costs.model_dump(),
            "lsm": self.lsm.model_dump(),
            "queue_discipline": s.queue_discipline or "bypass_fifo",
            "deadline_mode": s.deadline_mode or "drop",
            "event_recording": s.event_recording or "full",
        }

    @classmethod
    def from_rust_dict(cls, machine: dict[str, Any]) -> SimulationConfig:
        """Validate a machine-format document (``ticks_per_day`` / ``agent_configs`` / ...)."""
        return cls.model_validate(machine_to_scenario(machine))


def is_scenario_document(doc: Any) -> bool:
    """The core's rule: a mapping with ``simulation`` or ``agents`` is a scenario document."""
    return isinstance(doc, dict) and ("simulation" in doc or "agents" in doc)


def machine_to_scenario(machine: dict[str, Any]) -> dict[str, Any]:
    """Rename a machine-format document into the scenario format (unknown keys are kept, so
    that validation still rejects them)."""
    if not isinstance(machine, dict):
        raise ValueError(
            "the document must be a mapping with `simulation` and `agents` "
            "(or the machine format's `ticks_per_day` and `agent_configs`)"
        )
    doc = dict(machine)
    # Scenario-only names would survive the renaming below; the machine format has no such fields.
    stray = [f"unknown field `{k}`" for k in ("costs", "seed") if k in doc]
    stray += [
        f"agent_configs[{i}]: unknown field `balance`"
        for i, a in enumerate(doc.get("agent_configs") or [])
        if isinstance(a, dict) and "balance" in a
    ]
    if stray:
        raise ValueError("\n".join(stray))
    simulation: dict[str, Any] = {}
    for machine_key, key in (
        ("ticks_per_day", "ticks_per_day"),
        ("num_days", "num_days"),
        ("rng_seed", "seed"),
        ("queue_discipline", "queue_discipline"),
        ("deadline_mode", "deadline_mode"),
        ("event_recording", "event_recording"),
    ):
        if machine_key in doc:
            simulation[key] = doc.pop(machine_key)
    if simulation.get("num_days") is None:  # required in the machine format: no default of 1 there
        raise ValueError("missing field `num_days`")
    scenario: dict[str, Any] = {"simulation": simulation}
    if "agent_configs" in doc:
        agents = doc.pop("agent_configs")
        if isinstance(agents, list):
            agents = [
                {("balance" if k == "opening_balance" else k): v for k, v in a.items()} if isinstance(a, dict) else a
                for a in agents
            ]
        scenario["agents"] = agents
    if "cost_rates" in doc:
        scenario["costs"] = doc.pop("cost_rates")
    scenario.update(doc)  # lsm, and anything unknown
    return scenario


__all__ = [
    "SimulationConfig",
    "SimulationParams",
    "AgentConfig",
    "PolicyConfig",
    "PolicyConfigFifo",
    "PolicyConfigDeadline",
    "PolicyConfigLiquidityAware",
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
    "is_scenario_document",
    "machine_to_scenario",
]
