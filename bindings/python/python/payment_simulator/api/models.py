"""Request and response models of the REST service (the seed's, completed with every field
the engine reports). The request body of ``POST /simulations`` is not modelled here: the core
reads it, and the OpenAPI document describes it with the core's own JSON Schema.

The engine is the one validator of transactions: :class:`TransactionSpec` checks only the shape
(fields, types), and the ranges it documents are enforced by the library, whose message is
returned.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

# JSON values as serde reads them into Rust's i64 and String: no bool, str or float for an
# integer, nothing but a string for a string. (Types of the wire format, not rules: the engine
# checks every range and answers with its own message.)
I64 = Annotated[int, Strict(), Field(ge=-(2**63), le=2**63 - 1)]
Str = Annotated[str, Strict()]


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CreateSimulationResponse(_Response):
    simulation_id: str = Field(description="Identifier for the other endpoints")


class TickResponse(_Response):
    """What one tick did (the last one when several ran). Counts and costs are of that tick."""

    tick: int = Field(description="The tick that ran (the first is 0)")
    day: int
    num_arrivals: int
    num_settlements: int
    num_drops: int
    num_splits: int
    lsm_bilateral_releases: int
    lsm_cycle_releases: int
    queue1_size: int
    queue2_size: int
    settled_value: int
    total_liquidity_cost: int
    total_delay_cost: int
    total_split_cost: int
    total_deadline_penalty: int
    total_eod_penalty: int
    total_cost: int
    end_of_day: bool


class TickRequestResponse(TickResponse):
    """The last tick's result of ``POST …/tick``; when a budget stopped the request early (see
    the README, "Budgets"), also how many ticks ran. Those ticks are stored."""

    ticks_run: int | None = Field(default=None, description="Only when stopped early: the ticks that ran")
    stopped_by_budget: bool | None = Field(default=None, description="Only when stopped early: true")


class RunResponse(_Response):
    """Sums over the ticks of a run, and the last tick's result."""

    ticks_run: int
    first_tick: int
    last_tick: int
    num_arrivals: int
    num_settlements: int
    num_drops: int
    num_splits: int
    lsm_bilateral_releases: int
    lsm_cycle_releases: int
    settled_value: int
    total_liquidity_cost: int
    total_delay_cost: int
    total_split_cost: int
    total_deadline_penalty: int
    total_eod_penalty: int
    total_cost: int
    last: TickResponse
    stopped_by_budget: bool | None = Field(
        default=None,
        description="Only when a budget stopped the run before `ticks` ticks: true (`ticks_run` ran and are stored)",
    )


class AgentState(_Response):
    id: str
    balance: int = Field(description="Cents")
    credit_limit: int
    queue1_size: int = Field(description="Its orders waiting in Queue 1")
    queue2_size: int = Field(description="Its payments waiting in Queue 2")


class StateResponse(_Response):
    tick: int = Field(description="Ticks run so far (the number of the next tick)")
    day: int
    agents: list[AgentState]
    queue2_size: int
    pending_actions: int = Field(0, description="Entries waiting in the schedule (absent when none)")
    outages: list[dict[str, Any]] = Field(
        default_factory=list, description="Outages in force: agent, to_tick, block_receiving (absent when none)"
    )


class Costs(_Response):
    liquidity: int
    delay: int
    split: int
    deadline_penalty: int
    eod_penalty: int
    total: int


class Delay(_Response):
    mean_ticks: float
    max_ticks: int


class SettlementsByMechanism(_Response):
    rtgs: int
    queue: int
    bilateral: int
    multilateral: int


class AgentStats(_Response):
    id: str
    balance: int
    sent_count: int
    sent_value: int
    received_value: int
    peak_overdraft: int
    costs: Costs
    liquidity_upper_bound: int = Field(description="Whole-run upper bound of liquidity (cents)")
    liquidity_lower_bound: int = Field(description="Whole-run lower bound of liquidity (cents)")
    delay_indicator: float = Field(description="Delay indicator ρ as sender, 0–1")


class Semantics(_Response):
    """Versions of the rules that can change results (a later release keeps reading older ones)."""

    offsetting: int
    random_streams: int


class Provenance(_Response):
    """What produced a result: enough to trace a figure back to its run."""

    engine_version: str = Field(description="Version of the payment-sim core")
    semantics: Semantics
    scenario_hash: str = Field(description="sha256 of the normalised machine-format configuration")
    seed: int


class LsmStats(_Response):
    """The offsetting algorithm that ran and the offsets it settled (docs/json.md, "Statistics")."""

    algorithm: str
    search_objective: str | None = Field(
        default=None,
        description="What the search of exact and greedy_exact maximises (absent for the other algorithms)",
    )
    runs: int
    offsets: int
    exact_budget_exhausted: int


class StatsResponse(_Response):
    """Totals since tick 0."""

    ticks_run: int
    arrivals: int
    arrived_value: int
    settlements: int
    settlements_by_mechanism: SettlementsByMechanism
    settled_value: int
    settlement_rate_count: float
    settlement_rate_value: float
    lsm_share: float
    drops: int
    dropped_value: int
    overdue: int
    splits: int
    delay: Delay
    peak_queue1: int
    peak_queue2: int
    queue1_size: int
    queue2_size: int
    costs: Costs
    agents: list[AgentStats]
    provenance: Provenance
    liquidity_upper_bound: int = Field(description="Σ of the agents' upper bounds (cents)")
    liquidity_lower_bound: int = Field(description="Σ of the agents' lower bounds (cents)")
    delay_indicator: float = Field(description="Delay indicator ρ of the system, 0–1")
    lsm: LsmStats


class IndicatorsResponse(_Response):
    """The core's indicators document (docs/json.md, "Indicators"): whole run for the system
    and per agent, and per day with throughput curves."""

    schema_version: int
    ticks_run: int
    since_tick: int
    ticks_per_day: int
    system: dict[str, Any]
    delay_percentiles: dict[str, int]
    agents: list[dict[str, Any]]
    days: list[dict[str, Any]]
    provenance: Provenance


class TimeSeriesStarted(_Response):
    every: int = Field(description="Sampling interval in ticks")


class TimeSeriesPage(_Response):
    """A page of the core's time series, by column (docs/json.md, "Time series")."""

    schema_version: int
    every: int = Field(description="Sampling interval (0: not recording)")
    first_sample: int
    total_samples: int
    agents: dict[str, list[Any]] = Field(description="One row per agent per sample")
    system: dict[str, list[Any]] = Field(description="One row per sample: sums over the agents")


class Event(BaseModel):
    """One recorded event; the fields beyond ``seq``, ``tick`` and ``type`` depend on the type
    (docs/json.md, "Events")."""

    model_config = ConfigDict(extra="allow")

    seq: int
    tick: int
    type: str


class EventsPage(_Response):
    events: list[Event] = Field(description="Events with seq > since, in order, at most `limit`")
    next_since: int = Field(description="Pass as `since` to get the next page")
    has_more: bool = Field(description="More events follow this page")


class TransactionSpec(BaseModel):
    """A payment order. ``deadline_offset`` (default 50), ``priority`` (default 5) and
    ``from_offset`` (its from-time; default none) are optional."""

    model_config = ConfigDict(extra="forbid")

    sender: Str
    receiver: Str
    amount: I64 = Field(json_schema_extra={"minimum": 1}, description="Cents, > 0")
    deadline_offset: I64 | None = Field(
        default=None, json_schema_extra={"minimum": 1}, description="Ticks after the current tick; ≥ 1"
    )
    priority: I64 | None = Field(default=None, json_schema_extra={"minimum": 0, "maximum": 10})
    # Its from-time (docs/model.md § Timed payments); the core checks it against the deadline.
    from_offset: I64 | None = Field(
        default=None, json_schema_extra={"minimum": 0}, description="Ticks to its from-time; ≤ deadline_offset"
    )

    def to_engine(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SubmitTransactionResponse(_Response):
    transaction_id: str


class DeleteResponse(_Response):
    message: str
    simulation_id: str


class SimulationList(_Response):
    simulations: list[str] = Field(description="Simulation ids, oldest first")


class ScenarioList(_Response):
    scenarios: list[str] = Field(description="Names of the shipped scenarios, for GET /scenarios/{name}")


class HealthResponse(_Response):
    status: Literal["healthy"]
    version: str = Field(description="libpayment_sim's version")
    simulations: int


class ErrorDetail(BaseModel):
    field: str = Field(description='The offending field ("agents[0].balance", "n"), "" if none')
    message: str


class ProblemDetail(BaseModel):
    path: str = Field(description='Where, in the document as sent ("agents[0].credit_limit"); "" for all of it')
    message: str = Field(description="The core's message")
    value: Any = Field(default=None, description="The offending value, where the core gives it")


class ErrorInfo(BaseModel):
    status: int
    code: str = Field(description="Stable, machine-readable: invalid_config, simulation_not_found, …")
    message: str
    fields: list[ErrorDetail]
    problems: list[ProblemDetail] | None = Field(
        default=None, description="The core's structured problems (invalid_config): each with its path"
    )


class ErrorBody(BaseModel):
    """Every error response has this shape."""

    error: ErrorInfo


class ScheduleResponse(_Response):
    scheduled: int = Field(description="Actions appended")
    pending_actions: int = Field(description="Entries now waiting in the schedule")


class PendingSchedule(_Response):
    pending: list[dict[str, Any]] = Field(
        description="Entries in the order they apply: tick, seq, phase (apply | start | end), action"
    )


class BatchResponse(_Response):
    transaction_ids: list[str] = Field(description="The new orders' ids, in the batch's order")


class PaymentsUploadResponse(_Response):
    rows: int = Field(description="Rows read")
    payments: int = Field(description="Payments scheduled")
    skipped: int = Field(description="Rows skipped as outside the simulated time (on_outside=skip)")
    rejected: int = Field(description="Rows skipped as breaking a rule (on_invalid=skip)")
    first_skip: str | None = Field(default=None, description="The first row skipped as outside, and why")
    first_reject: str | None = Field(default=None, description="The first row skipped as invalid, and why")
    pending_actions: int = Field(description="Entries now waiting in the schedule")


class PaymentRunResponse(_Response):
    """The core's summary of a fed run (counts of the whole run so far)."""

    rows: int = Field(description="Rows read so far")
    payments: int = Field(description="Payments scheduled so far")
    skipped: int = Field(description="Rows skipped as outside the simulated time (on_outside=skip)")
    rejected: int = Field(description="Rows skipped as breaking a rule (on_invalid=skip)")
    chunks: int = Field(description="Business days loaded")
    ticks_run: int = Field(description="Ticks this request ran")
    finished: bool = Field(description="Whether the simulation reached its horizon")
    suspended: bool = Field(default=False, description="Stopped before the horizon: continue it")
    stopped_by_budget: bool = Field(default=False, description="Stopped early at max_live_transactions")
    results_written: int | None = Field(default=None, description="Per-payment results written so far")
    rejects_written: int | None = Field(default=None, description="Skipped rows written so far")
    first_skip: str | None = Field(default=None, description="The first row skipped as outside, and why")
    first_reject: str | None = Field(default=None, description="The first row skipped as invalid, and why")


__all__ = [
    "BatchResponse",
    "PaymentRunResponse",
    "PaymentsUploadResponse",
    "ScenarioList",
    "ScheduleResponse",
    "PendingSchedule",
    "CreateSimulationResponse",
    "TickResponse",
    "RunResponse",
    "StateResponse",
    "AgentState",
    "StatsResponse",
    "LsmStats",
    "Event",
    "EventsPage",
    "TransactionSpec",
    "SubmitTransactionResponse",
    "DeleteResponse",
    "SimulationList",
    "HealthResponse",
    "ErrorBody",
]
