"""The endpoints: the seed's (same paths and shapes) plus stats, paged events and long runs.

Nothing slow runs on the event loop. The engine's calls (cffi releases the GIL for the whole
C call), document parsing (the core's reader for configurations, :mod:`.bodies` for
transactions) and the rendering of large answers (state, stats and events pages are sent as
the JSON text the core or the database holds, never parsed and re-encoded) run in FastAPI's
thread pool; requests to one simulation first wait their turn on the event loop
(:class:`~payment_simulator.api.deps.SimulationGate`), holding no thread; ``/health`` and the
list of simulations answer on the loop itself, so they never wait for a thread.

Request bodies are JSON or YAML (``Content-Type: application/yaml``, ``application/x-yaml``,
``text/yaml`` or ``text/x-yaml``); any other content type is 415. A configuration body goes to
the core as it is (``psim_config_normalize``, the one reader of configuration documents, which
tells YAML from JSON itself); a transaction body is read by :mod:`.bodies`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from .._core import native_version
from .bodies import YAML_TYPES, body_format, read_transaction
from .deps import SimulationGate, get_gate, get_service, settings_of
from .errors import ApiError
from .models import (
    BatchResponse,
    CreateSimulationResponse,
    DeleteResponse,
    ErrorBody,
    EventsPage,
    HealthResponse,
    IndicatorsResponse,
    PaymentsUploadResponse,
    PendingSchedule,
    ScheduleResponse,
    RunResponse,
    SimulationList,
    StateResponse,
    StatsResponse,
    SubmitTransactionResponse,
    TickRequestResponse,
    TimeSeriesPage,
    TimeSeriesStarted,
    TransactionSpec,
)
from .service import SimulationService

MAX_EVENTS_PAGE = 10_000
MAX_TIMESERIES_PAGE = 10_000
U64_MAX = 2**64 - 1
#: The OpenAPI component of a configuration body: the core's JSON Schema (see app.py).
CONFIG_SCHEMA_REF = "#/components/schemas/SimulationConfig"


class _ParsedBodyRequest(Request):
    """A request whose body has already been parsed (from YAML or JSON) into ``document``."""

    def __init__(self, request: Request, document: Any):
        headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
        super().__init__(
            {**request.scope, "headers": [*headers, (b"content-type", b"application/json")]}, request.receive
        )
        self._document = document
        self._raw = request._body  # already read by the caller

    async def body(self) -> bytes:
        return self._raw

    async def json(self) -> Any:
        return self._document


class BodyRoute(APIRoute):
    """Reads a JSON or YAML body itself, then lets FastAPI validate the parsed document
    (routes with a pydantic body: transactions)."""

    def get_route_handler(self):
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def route_handler(request: Request) -> Response:
            fmt = body_format(request)
            raw = await request.body()
            limit = settings_of(request.app).max_transaction_bytes
            if len(raw) > limit:
                raise ApiError(413, "body_too_large", f"a transaction body is at most {limit} bytes (got {len(raw)})")
            if raw:  # parsed off the event loop: a YAML body costs Python time
                request = _ParsedBodyRequest(request, await run_in_threadpool(read_transaction, raw, fmt))
            return await handler(request)

        return route_handler


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        401: "Bearer token missing or wrong (only when PSIM_API_TOKEN is set)",
        404: "Unknown simulation (or agent)",
        409: "The simulation's state forbids it (finished, beyond its horizon, server full)",
        413: "Request body too large",
        415: "Body neither JSON nor YAML",
        422: "Invalid input: the fields and the library's message",
        500: "Engine or server failure (never a user error)",
        503: "The change could not be stored, so it was not made",
    }
    return {code: {"model": ErrorBody, "description": descriptions[code]} for code in (401, *codes)}


def _json(body: bytes) -> Response:
    """An answer rendered in the worker thread (the core's JSON, or stored events joined):
    large documents are neither parsed nor encoded on the event loop."""
    return Response(body, media_type="application/json")


router = APIRouter(route_class=BodyRoute)
Service = Annotated[SimulationService, Depends(get_service)]
Gate = Annotated[SimulationGate, Depends(get_gate)]
SimulationId = Annotated[str, Path(description="From POST /simulations")]

_CONFIG_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            media: {"schema": {"$ref": CONFIG_SCHEMA_REF}} for media in ("application/json", *sorted(YAML_TYPES))
        },
    }
}


@router.post(
    "/simulations",
    response_model=CreateSimulationResponse,
    responses=_errors(409, 413, 415, 422, 503),
    openapi_extra=_CONFIG_BODY,
    summary="Create a simulation",
)
async def create_simulation(request: Request, service: Service, gate: Gate) -> dict:
    """Create a simulation from a configuration: a scenario (`simulation` / `agents` / `costs` /
    `lsm`) or the machine format, as JSON or YAML. The core reads and checks it; a 422 lists
    every problem with its path. It is stored before its id is returned."""
    body_format(request)  # 415 for anything but JSON or YAML; the core tells the two apart
    raw = await request.body()
    async with gate.documents(settings_of(request.app).max_concurrent_creations):
        return {"simulation_id": await run_in_threadpool(service.create_from_body, raw)}


# Cheap routes run on the event loop itself: they never wait for a worker thread, so they answer
# however busy the pool is.
@router.get("/simulations", response_model=SimulationList, responses=_errors(), summary="List simulations")
async def list_simulations(service: Service) -> dict:
    return {"simulations": service.list_ids()}


@router.post(
    "/simulations/{simulation_id}/tick",
    response_model=TickRequestResponse,
    response_model_exclude_none=True,
    responses=_errors(404, 409, 422, 500, 503),
    summary="Advance n ticks",
)
async def advance_tick(
    simulation_id: SimulationId,
    service: Service,
    gate: Gate,
    n: Annotated[
        int, Query(ge=1, le=U64_MAX, description="Ticks to run (at most max_ticks_per_request, 1000 by default)")
    ] = 1,
) -> dict:
    """Run `n` ticks; the last tick's result. 409 once the horizon is reached; 422 `work_budget`
    when the ticks are expected to create more transactions than one request may."""
    return await gate.run(simulation_id, service.tick, simulation_id, n)


@router.post(
    "/simulations/{simulation_id}/run",
    response_model=RunResponse,
    response_model_exclude_none=True,
    responses=_errors(404, 409, 422, 500, 503),
    summary="Advance many ticks",
)
async def run_ticks(
    simulation_id: SimulationId,
    service: Service,
    gate: Gate,
    ticks: Annotated[
        int, Query(ge=1, le=U64_MAX, description="Ticks to run (at most max_run_ticks, 100000 by default)")
    ],
) -> dict:
    """Run `ticks` ticks; sums over them and the last tick's result. 422 `work_budget` when they
    are expected to create more transactions than one request may; `stopped_by_budget` when
    the random draws reached that budget before the last tick (the ticks that ran are stored)."""
    return await gate.run(simulation_id, service.run, simulation_id, ticks)


@router.get(
    "/simulations/{simulation_id}/state",
    response_model=StateResponse,
    responses=_errors(404, 422, 500),
    summary="Current state",
)
async def get_state(simulation_id: SimulationId, service: Service, gate: Gate) -> Response:
    return _json(await gate.run(simulation_id, service.state_json, simulation_id))


@router.get(
    "/simulations/{simulation_id}/stats",
    response_model=StatsResponse,
    responses=_errors(404, 422, 500),
    summary="Statistics since tick 0",
)
async def get_stats(simulation_id: SimulationId, service: Service, gate: Gate) -> Response:
    return _json(await gate.run(simulation_id, service.stats_json, simulation_id))


@router.get(
    "/simulations/{simulation_id}/events",
    response_model=EventsPage,
    response_model_exclude_unset=True,
    responses=_errors(404, 422, 500),
    summary="Recorded events, paged",
)
async def get_events(
    simulation_id: SimulationId,
    service: Service,
    gate: Gate,
    since: Annotated[int, Query(ge=0, le=U64_MAX, description="Only events with seq > since")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_EVENTS_PAGE, description="Page size")] = 1000,
) -> Response:
    """Events in sequence order; pass `next_since` back as `since` while `has_more`."""
    return _json(await gate.run(simulation_id, service.events_json, simulation_id, since, limit))


@router.get(
    "/simulations/{simulation_id}/indicators",
    response_model=IndicatorsResponse,
    responses=_errors(404, 422, 500),
    summary="Indicators: liquidity bounds, delay indicator, intraday liquidity, per day",
)
async def get_indicators(simulation_id: SimulationId, service: Service, gate: Gate) -> Response:
    """The core's indicators document as it writes it (docs/json.md, "Indicators")."""
    return _json(await gate.run(simulation_id, service.indicators_json, simulation_id))


@router.post(
    "/simulations/{simulation_id}/timeseries",
    response_model=TimeSeriesStarted,
    responses=_errors(404, 422, 500, 503),
    summary="Start recording the time series",
)
async def start_timeseries(
    simulation_id: SimulationId,
    service: Service,
    gate: Gate,
    every: Annotated[int, Query(ge=1, le=U64_MAX, description="Sample every `every` ticks")] = 1,
) -> dict:
    """From the next tick on, the core samples each agent's balance, liquidity usage and
    queues every `every` ticks. 422 if it already records at another interval."""
    return await gate.run(simulation_id, service.record_timeseries, simulation_id, every)


@router.get(
    "/simulations/{simulation_id}/timeseries",
    response_model=TimeSeriesPage,
    responses=_errors(404, 422, 500),
    summary="The recorded time series, paged",
)
async def get_timeseries(
    simulation_id: SimulationId,
    service: Service,
    gate: Gate,
    from_sample: Annotated[int, Query(ge=0, le=U64_MAX, description="Index of the first sample")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_TIMESERIES_PAGE, description="Samples per page")] = 1000,
) -> Response:
    """Columns of at most `limit` samples from `from_sample` on; more follow while
    `first_sample` + the page's samples < `total_samples`."""
    return _json(await gate.run(simulation_id, service.timeseries_json, simulation_id, from_sample, limit))


@router.post(
    "/simulations/{simulation_id}/transactions",
    response_model=SubmitTransactionResponse,
    responses=_errors(404, 409, 413, 415, 422, 500, 503),
    summary="Submit a payment order",
)
async def submit_transaction(
    simulation_id: SimulationId, tx_spec: TransactionSpec, service: Service, gate: Gate
) -> dict:
    """The order arrives at the current tick (it is processed by the next tick)."""
    return {"transaction_id": await gate.run(simulation_id, service.submit, simulation_id, tx_spec.to_engine())}


_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            media: {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/TransactionSpec"}}}
            for media in ("application/json", *sorted(YAML_TYPES))
        },
    }
}


@router.post(
    "/simulations/{simulation_id}/transactions/batch",
    response_model=BatchResponse,
    responses=_errors(404, 409, 413, 415, 422, 500, 503),
    openapi_extra=_BATCH_BODY,
    summary="Submit a batch of payment orders",
)
async def submit_batch(simulation_id: SimulationId, request: Request, service: Service, gate: Gate) -> dict:
    """A list of orders (each as for `POST …/transactions`), all or nothing: a 422 lists every
    problem with its path (`[3].amount`, `[1].receiver`) and nothing is submitted; 422
    `batch_limit` beyond the server's `max_batch_transactions`. Stored before it is
    acknowledged."""
    fmt = body_format(request)
    raw = await request.body()
    limit = settings_of(request.app).max_body_bytes
    if len(raw) > limit:
        raise ApiError(413, "body_too_large", f"a request body is at most {limit} bytes (got {len(raw)})")
    document = await run_in_threadpool(read_transaction, raw, fmt)
    if not isinstance(document, list):
        message = "the body must be a list of transactions"
        raise ApiError(422, "invalid_transaction", message, [("transactions", message)])
    return {"transaction_ids": await gate.run(simulation_id, service.submit_many, simulation_id, document)}


_UPLOAD_TYPES = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in _UPLOAD_TYPES},
    }
}


def reading_options(
    business_day: Annotated[str | None, Query(description="HH:MM-HH:MM: maps times to ticks")] = None,
    tick_seconds: Annotated[int | None, Query(description="Seconds per tick")] = None,
    start_date: Annotated[str | None, Query(description="Day 0's date, YYYY-MM-DD")] = None,
    columns: Annotated[str | None, Query(description="role=name pairs, e.g. id=PaymentID")] = None,
    delimiter: Annotated[str | None, Query(description="CSV delimiter (one character, or tab)")] = None,
    on_outside: Annotated[str | None, Query(description="error or skip")] = None,
    on_invalid: Annotated[str | None, Query(description="error or skip")] = None,
) -> dict:
    """A payment file's reading options, from the query (the core reads and checks them)."""
    options = {
        "business_day": business_day,
        "tick_seconds": tick_seconds,
        "start_date": start_date,
        "columns": columns,
        "delimiter": delimiter,
        "on_outside": on_outside,
        "on_invalid": on_invalid,
    }
    return {k: v for k, v in options.items() if v is not None}


ReadingOptions = Annotated[dict, Depends(reading_options)]


async def read_upload(request: Request) -> tuple[bytes, str]:
    """A payment file's body and its format (``csv`` or ``jsonl``, from the content type),
    within ``max_upload_bytes`` (413, checked before reading when the length is declared)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _UPLOAD_TYPES:
        raise ApiError(
            415, "unsupported_media_type", f"a payment file is text/csv or application/x-ndjson, not {media!r}"
        )
    limit = settings_of(request.app).max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body_too_large", f"an upload is at most {limit} bytes (got {declared})")
    raw = await request.body()
    if len(raw) > limit:
        raise ApiError(413, "body_too_large", f"an upload is at most {limit} bytes (got {len(raw)})")
    return raw, _UPLOAD_TYPES[media]


@router.post(
    "/simulations/{simulation_id}/payments",
    response_model=PaymentsUploadResponse,
    responses=_errors(404, 409, 413, 415, 422, 500, 503),
    openapi_extra=_UPLOAD_BODY,
    summary="Upload a payment file and schedule its payments",
)
async def upload_payments(
    simulation_id: SimulationId,
    request: Request,
    service: Service,
    gate: Gate,
    reading: ReadingOptions,
) -> dict:
    """The body is the file: CSV (`text/csv`) or JSON Lines (`application/x-ndjson`); the
    query its reading options (the core reads them and every row). Every payment is
    scheduled at once, or none: a 422 lists every problem (`upload:LINE:COLUMN`); 413 beyond
    `max_upload_bytes` or `max_upload_rows`; 409 `schedule_limit` beyond
    `max_pending_actions`. Stored before it is acknowledged."""
    raw, file_format = await read_upload(request)
    options = {"format": file_format, **reading}
    return await gate.run(simulation_id, service.upload_payments, simulation_id, raw, options)


_SCHEDULE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            media: {
                "schema": {
                    "oneOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/ScenarioEvent"}},
                        {
                            "type": "object",
                            "properties": {
                                "scenario_events": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/ScenarioEvent"},
                                }
                            },
                            "required": ["scenario_events"],
                        },
                    ]
                }
            }
            for media in ("application/json", *sorted(YAML_TYPES))
        },
    }
}


@router.post(
    "/simulations/{simulation_id}/schedule",
    response_model=ScheduleResponse,
    responses=_errors(404, 409, 413, 415, 422, 500, 503),
    openapi_extra=_SCHEDULE_BODY,
    summary="Schedule timed inputs",
)
async def post_schedule(simulation_id: SimulationId, request: Request, service: Service, gate: Gate) -> dict:
    """Append scheduled actions (outages, liquidity, credit and rate changes, payments; the
    `scenario_events` of a scenario file): a list, or `{"scenario_events": [...]}`, JSON or
    YAML. All or nothing: a 422 lists every problem with its path; 409 `schedule_limit` beyond
    the server's `max_pending_actions`. Stored before it is acknowledged."""
    fmt = body_format(request)
    raw = await request.body()
    limit = settings_of(request.app).max_body_bytes
    if len(raw) > limit:
        raise ApiError(413, "body_too_large", f"a request body is at most {limit} bytes (got {len(raw)})")
    document = await run_in_threadpool(read_transaction, raw, fmt)
    return await gate.run(simulation_id, service.schedule, simulation_id, document)


@router.get(
    "/simulations/{simulation_id}/schedule",
    response_model=PendingSchedule,
    responses=_errors(404, 422, 500),
    summary="Pending schedule",
)
async def get_schedule(simulation_id: SimulationId, service: Service, gate: Gate) -> Response:
    """The entries waiting in the schedule, in the order they apply (`phase: end` is a window in
    force, e.g. an outage)."""
    return _json(await gate.run(simulation_id, service.schedule_json, simulation_id))


@router.delete(
    "/simulations/{simulation_id}",
    response_model=DeleteResponse,
    responses=_errors(404, 422, 503),
    summary="Delete a simulation",
)
async def delete_simulation(simulation_id: SimulationId, service: Service, gate: Gate) -> dict:
    """Free it and remove it from disk. 404 if there is no such simulation."""
    await gate.run(simulation_id, service.delete, simulation_id)
    return {"message": "Simulation deleted", "simulation_id": simulation_id}


@router.get("/health", response_model=HealthResponse, summary="Liveness (never needs the token)")
async def health_check(service: Service) -> dict:
    return {"status": "healthy", "version": native_version(), "simulations": len(service)}


__all__ = ["router", "BodyRoute", "MAX_EVENTS_PAGE", "CONFIG_SCHEMA_REF"]
